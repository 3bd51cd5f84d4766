"""The tracker's rows read as plain claims (``exchange_rows_of``) say what the rows made from model instances
(``exchange_rows`` over ``exchange_queryset``) say: each side's numbers, range and dispute, the sequence number
and who counts it (in the reader's language), the mediators; figures of other measures play no part."""

import datetime

import pytest
from django.utils import translation

from knowledgebase.events.models import Event
from knowledgebase.events.selectors import counted_value, exchange_queryset, exchange_rows, exchange_rows_of
from tests import factories

pytestmark = pytest.mark.django_db


def read(rows):
    """What a reader of the tracker or a country profile sees of each row."""
    seen = []
    for row in rows:
        sides = {
            code: (group.summary.low, group.summary.high, group.summary.is_disputed, *counted_value(group))
            for code, group in row.sides.items()
        }
        preferred = row.sequence.summary.preferred if row.sequence else None
        sequence = (preferred.value, str(preferred.claimant)) if preferred else None
        seen.append((row.event.title, sides, sequence, [str(mediator) for mediator in row.mediators]))
    return seen


@pytest.fixture
def exchanges():
    kind = factories.EventTypeFactory(slug="prisoner-exchange", name="Prisoner exchange")
    to_ua = factories.MeasureFactory(slug="returned-ua", kind="returned", country_id="UA", position=1)
    to_ru = factories.MeasureFactory(slug="returned-ru", kind="returned", country_id="RU", position=2)
    ordinal = factories.MeasureFactory(slug="sequence", kind="ordinal", position=3)
    killed = factories.MeasureFactory(slug="killed", kind="count", position=4)
    ombudsman = factories.ActorFactory(name="Ombudsman", name_uk="Омбудсман")
    ministry = factories.OrganizationFactory(name="Ministry of Defence")
    mediator = factories.OrganizationFactory(name="United Arab Emirates")
    made = []
    for n, (ua_claims, ru_claims) in enumerate([([230, 173], [230]), ([95], [])]):
        event = factories.SingleSaveEventFactory(
            published=True,
            title=f"Exchange {n}",
            event_type=kind,
            start_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
            countries=["UA", "RU"],
        )
        for value in ua_claims:
            factories.FigureFactory(event=event, measure=to_ua, value=value, claimant_actor=ombudsman)
        for value in ru_claims:
            factories.FigureFactory(
                event=event, measure=to_ru, value=value, claimant_actor=None, claimant_organization=ministry
            )
        factories.FigureFactory(event=event, measure=ordinal, value=49 + n, claimant_actor=ombudsman)
        factories.FigureFactory(
            event=event,
            measure=ordinal,
            value=60,
            claimant_actor=ombudsman,
            rank="deprecated",
            rank_reason="Miscounted",
        )
        factories.FigureFactory(event=event, measure=killed, value=3)
        if n == 0:
            factories.ParticipationFactory(event=event, actor=None, organization=mediator, role="mediator")
        made.append(event)
    return made


@pytest.mark.parametrize("language", ["en", "uk"])
def test_plain_claims_read_as_the_model_rows_do(exchanges, language):
    events = Event.objects.filter(pk__in=[event.pk for event in exchanges]).order_by("start_date")
    with translation.override(language):
        plain = read(exchange_rows_of(events))
        modelled = read(exchange_rows(exchange_queryset(events)))

    assert plain == modelled
    # And what they read is what was entered: a disputed side, an undisputed one, a side not recorded.
    first, second = plain
    assert first[1]["UA"] == (173, 230, True, 173, True)
    assert first[1]["RU"] == (230, 230, False, 230, False)
    assert "RU" not in second[1]
    assert first[2] == (49, "Омбудсман" if language == "uk" else "Ombudsman")
    assert first[3] == ["United Arab Emirates"] and second[3] == []


def test_plain_claims_take_two_queries_for_any_number_of_exchanges(exchanges, django_assert_num_queries):
    events = list(Event.objects.filter(pk__in=[event.pk for event in exchanges]))
    with django_assert_num_queries(2):
        rows = exchange_rows_of(events)
        read(rows)

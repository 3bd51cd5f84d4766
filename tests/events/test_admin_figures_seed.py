"""Fast figure entry with the seed's content: the exchange of 3 January 2024 and its six claims entered on
the event form in one submit, and claimants typed by a name, an alias or a part of one, in either script."""

import datetime

import pytest

from knowledgebase.core.models import PublicationStatus
from knowledgebase.events.models import Event, Figure, Measure
from knowledgebase.sources.models import Source
from tests.events.test_admin_figures import errors_of, new_event_form, row, shows

ISW = "isw-2024-01-03-pow-exchange"
TO_UKRAINE = "people-returned-to-ukraine"
TO_RUSSIA = "people-returned-to-russia"
SEQUENCE = "exchange-sequence-number"

# The seed's six claims about the exchange of 3 January 2024 (fixtures/demo.json), as an editor types them:
# (measure, value, qualifier, claimant as typed), the claimant by a name, an alias or a part of one.
SEED_CLAIMS = [
    (TO_UKRAINE, 230, "exact", "Lubinets"),
    (TO_UKRAINE, 200, "more-than", "Zelensky"),
    (TO_UKRAINE, 173, "exact", "Russian sources"),
    (TO_UKRAINE, 230, "up-to", "Russian sources"),
    (TO_RUSSIA, 248, "exact", "Russian MoD"),
    (SEQUENCE, 49, "exact", "Лубінець"),
]
SEED_CLAIMANTS = [
    "dmytro-lubinets",
    "volodymyr-zelensky",
    "unnamed-russian-sources",
    "unnamed-russian-sources",
    "russian-ministry-of-defense",
    "dmytro-lubinets",
]


def test_an_editor_enters_the_seeds_exchange_with_its_six_claims_in_one_submit(editor_client, shared_demo_content):
    isw = Source.objects.get(slug=ISW)
    url, data = new_event_form(editor_client, **{"citations-0-source": isw.pk})
    for index, (measure, value, qualifier, claimant) in enumerate(SEED_CLAIMS):
        row(data, index, measure=Measure.objects.get(slug=measure).pk, value=value, qualifier=qualifier)
        row(data, index, claimant=claimant)

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    event = Event.objects.get(slug="exchange-entered-in-one-go")
    assert event.status == PublicationStatus.DRAFT
    figures = list(event.figures.order_by("id").select_related("measure", "claimant_actor", "source"))
    assert [(f.measure.slug, f.value, f.qualifier) for f in figures] == [claim[:3] for claim in SEED_CLAIMS]
    assert [f.claimant_actor.slug for f in figures] == SEED_CLAIMANTS
    assert {(f.source.slug, f.as_of_date, f.rank) for f in figures} == {(ISW, datetime.date(2024, 1, 3), "normal")}
    assert Event.objects.get(pk=event.pk).has_disputed_figures


@pytest.mark.parametrize(
    ("typed", "claimant"),
    [
        ("Dmytro Lubinets", "dmytro-lubinets"),
        ("lubinets", "dmytro-lubinets"),
        ("ДМИТРО ЛУБІНЕЦЬ", "dmytro-lubinets"),
        ("Medvechuk", "viktor-medvedchuk"),
        ("Russia", "russia"),  # exactly one's name, though many contain it
        ("ISW", "institute-for-the-study-of-war"),
        ("Institute for the Study of War (ISW)", "institute-for-the-study-of-war"),  # as the suggestions show it
        ("інститут вивчення", "institute-for-the-study-of-war"),
    ],
)
def test_a_typed_claimant_names_one_actor_or_organisation(editor_client, shared_demo_content, typed, claimant):
    url, data = new_event_form(editor_client, **{"citations-0-source": Source.objects.get(slug=ISW).pk})
    row(data, 0, measure=Measure.objects.get(slug=TO_UKRAINE).pk, value=230, claimant=typed)

    response = editor_client.post(url, data)

    assert response.status_code == 302
    figure = Figure.objects.get(event__slug="exchange-entered-in-one-go")
    assert getattr(figure.claimant, "slug", None) == claimant


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("Nobody at all", "No actor or organisation is called “Nobody at all”."),
        ("Russian", "“Russian” could be"),
    ],
)
def test_an_unknown_or_ambiguous_claimant_is_refused_with_what_to_do(editor_client, shared_demo_content, typed, error):
    url, data = new_event_form(editor_client, **{"citations-0-source": Source.objects.get(slug=ISW).pk})
    row(data, 0, measure=Measure.objects.get(slug=TO_UKRAINE).pk, value=230, claimant=typed)

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert shows(response, error), errors_of(response)
    assert not Event.objects.filter(slug="exchange-entered-in-one-go").exists()

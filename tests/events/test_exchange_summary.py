"""The POW exchange tracker's summary (``ExchangeSummary``) stays true after every write path: the admin's
event form with its figure rows, the figure form, deletions, the bulk publish and retract actions,
spreadsheet imports, the services, and changes to a measure or to the exchange type. Each test compares
the stored summary with one worked out from the events and figures, and checks what the tracker says."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledgebase.core.models import PublicationStatus
from knowledgebase.core.services import publishable_retract, record_delete, record_save
from knowledgebase.events.models import Event, EventType, ExchangeSummary, Figure, Measure, MeasureKind
from knowledgebase.events.selectors import PRISONER_EXCHANGE, counted_exchanges
from knowledgebase.events.services import events_refresh_exchange_summaries
from knowledgebase.sources.claims import DEPRECATED
from tests.admin_forms import admin_form, admin_url, form_values, run_action, status_of
from tests.factories import (
    ActorFactory,
    EventFactory,
    EventTypeFactory,
    FigureFactory,
    MeasureFactory,
    SourceFactory,
)
from tests.reading import visible_text

FIGURE_HEADER = (
    "public_id,event,measure,value,qualifier,low,high,claimant_actor,claimant_organization,source,excerpt,"
    "as_of_date,rank,rank_reason,note"
)


def worked_out():
    """{event id: (date, largest live sequence number, its claim)} from the events and figures themselves."""
    rows = {}
    exchanges = Event.objects.published().filter(event_type__slug=PRISONER_EXCHANGE)
    for event in exchanges.prefetch_related("figures__measure"):
        live = [f for f in event.figures.all() if f.measure.kind == MeasureKind.ORDINAL and f.rank != DEPRECATED]
        top = max(live, key=lambda figure: (figure.value, figure.pk), default=None)
        rows[event.pk] = (event.start_date, top and top.value, top and top.pk)
    return rows


def stored():
    return {
        row.event_id: (row.start_date, row.sequence_number, row.sequence_figure_id)
        for row in ExchangeSummary.objects.all()
    }


def numbers():
    """{event id: the number the summary counts for it}, checked against the worked-out summary first."""
    assert stored() == worked_out()
    return {event_id: number for event_id, (_day, number, _figure) in stored().items()}


@pytest.fixture
def exchange_type(db):
    return EventTypeFactory(slug=PRISONER_EXCHANGE, name="Prisoner exchange")


@pytest.fixture
def ordinal(db):
    return MeasureFactory(slug="exchange-number", name="Exchange number", kind=MeasureKind.ORDINAL)


@pytest.fixture
def make_exchange(exchange_type, ordinal):
    def make(*claims, day=datetime.date(2024, 1, 3), **fields):
        event = EventFactory(event_type=exchange_type, start_date=day, **{"published": True, **fields})
        for value in claims:
            FigureFactory(event=event, measure=ordinal, value=value)
        return event

    return make


# --- the tracker reads it --------------------------------------------------------------------------


def test_the_tracker_counts_the_largest_live_number_and_the_exchanges_up_to_it(client, make_exchange):
    make_exchange(12, day=datetime.date(2023, 5, 1))
    numbered = make_exchange(20, 30, day=datetime.date(2023, 6, 1))
    make_exchange(day=datetime.date(2023, 7, 1))
    make_exchange(40, day=datetime.date(2023, 8, 1), status=PublicationStatus.DRAFT)

    count = counted_exchanges()
    text = visible_text(client.get("/pow-exchanges/").content.decode())

    assert (count.number, count.event, count.recorded, count.total) == (30, numbered, 2, 3)
    assert "3 exchanges are recorded here. The sources count more:" in text
    assert "as number 30, and 2 of those 30 are recorded here." in text


def test_each_row_links_to_its_exchange_in_the_readers_language(client, make_exchange):
    exchanges = [make_exchange(day=datetime.date(2023, 5, 1)), make_exchange(day=datetime.date(2023, 6, 1))]

    for prefix in ("", "/uk"):
        html = client.get(f"{prefix}/pow-exchanges/").content.decode()
        links = re.findall(r'<th scope="row"><a href="([^"]+)">', html)
        assert links == [f"{prefix}/events/{exchange.public_id}/" for exchange in exchanges]


def test_among_equal_numbers_the_latest_exchange_is_counted(make_exchange):
    make_exchange(7, day=datetime.date(2023, 5, 1))
    later = make_exchange(7, day=datetime.date(2023, 6, 1))

    assert counted_exchanges().event == later


def test_without_a_numbered_exchange_the_count_is_of_every_exchange(make_exchange):
    make_exchange()
    make_exchange()

    count = counted_exchanges()

    assert (count.number, count.total) == (None, 2)


# --- the admin -------------------------------------------------------------------------------------


def test_a_figure_row_added_on_the_event_form_counts(reviewer_client, make_exchange, ordinal):
    event = make_exchange()
    url, data = admin_form(reviewer_client, Event, event)
    index = int(data["figures-INITIAL_FORMS"][0])
    fields = {"measure": ordinal.pk, "value": 9, "claimant": ActorFactory().name, "source": SourceFactory().pk}
    for name, value in fields.items():
        data[f"figures-{index}-{name}"] = [str(value)]

    assert reviewer_client.post(url, data).status_code == 302

    assert numbers() == {event.pk: 9}


def test_a_new_date_or_type_on_the_event_form_follows(reviewer_client, make_exchange):
    event = make_exchange(5)
    url, data = admin_form(reviewer_client, Event, event)
    data["start_date"] = ["2023-02-01"]
    assert reviewer_client.post(url, data).status_code == 302
    assert stored()[event.pk][0] == datetime.date(2023, 2, 1)

    data["event_type"] = [str(EventTypeFactory(slug="meeting").pk)]
    assert reviewer_client.post(url, data).status_code == 302

    assert numbers() == {}


def test_a_claim_deprecated_on_the_figure_form_gives_way_to_the_next(reviewer_client, make_exchange):
    event = make_exchange(5, 8)
    largest = Figure.objects.get(event=event, value=8)
    url, data = admin_form(reviewer_client, Figure, largest)
    data.update(rank=[DEPRECATED], rank_reason_en=["Counted twice."])

    assert reviewer_client.post(url, data).status_code == 302

    assert numbers() == {event.pk: 5}


def test_a_claim_deleted_in_the_admin_gives_way_to_the_next(reviewer_client, make_exchange):
    event = make_exchange(5, 8)

    response = reviewer_client.post(admin_url(Figure, "delete", Figure.objects.get(value=8).pk), {"post": "yes"})

    assert response.status_code == 302
    assert numbers() == {event.pk: 5}


def test_an_exchange_deleted_in_the_admin_leaves_the_count(reviewer_client, make_exchange):
    kept, deleted = make_exchange(5), make_exchange(8)

    response = reviewer_client.post(admin_url(Event, "delete", deleted.pk), {"post": "yes"})

    assert response.status_code == 302
    assert numbers() == {kept.pk: 5}


def test_bulk_publish_adds_exchanges_and_bulk_retract_takes_them_out(reviewer_client, make_exchange):
    first, second = make_exchange(3, status=PublicationStatus.REVIEW), make_exchange(status=PublicationStatus.REVIEW)
    confirmation = run_action(reviewer_client, Event, "publish_selected", [first, second])
    reviewer_client.post(admin_url(Event, "changelist"), form_values(confirmation, "publish-confirmation"))
    assert status_of(first) == status_of(second) == PublicationStatus.PUBLISHED
    assert numbers() == {first.pk: 3, second.pk: None}

    run_action(reviewer_client, Event, "retract_selected", [first], apply="1", note="Not an exchange.")

    assert status_of(first) == PublicationStatus.RETRACTED
    assert numbers() == {second.pk: None}


def test_a_measure_that_stops_counting_sequence_numbers_takes_its_claims_out(reviewer_client, make_exchange, ordinal):
    event = make_exchange(5)
    url, data = admin_form(reviewer_client, Measure, ordinal)
    data["kind"] = [MeasureKind.COUNT]
    assert reviewer_client.post(url, data).status_code == 302
    assert numbers() == {event.pk: None}

    data["kind"] = [MeasureKind.ORDINAL]
    assert reviewer_client.post(url, data).status_code == 302

    assert numbers() == {event.pk: 5}


def test_the_exchange_type_renamed_away_and_back(reviewer_client, make_exchange, exchange_type):
    event = make_exchange(5)
    url, data = admin_form(reviewer_client, EventType, exchange_type)
    data["slug"] = ["prisoner-swap"]
    assert reviewer_client.post(url, data).status_code == 302
    assert numbers() == {}

    data["slug"] = [PRISONER_EXCHANGE]
    assert reviewer_client.post(url, data).status_code == 302

    assert numbers() == {event.pk: 5}


# --- imports and services --------------------------------------------------------------------------


def import_figures(client, rows):
    upload = SimpleUploadedFile("rows.csv", "\n".join([FIGURE_HEADER, *rows, ""]).encode(), content_type="text/csv")
    preview = client.post("/admin/events/figure/import/", {"import_file": upload, "format": "0", "resource": "0"})
    form = preview.context["confirm_form"]
    return client.post("/admin/events/figure/process_import/", {**form.initial, "resource": "0"})


def test_an_import_adds_claims_and_moves_one_away_from_its_exchange(reviewer_client, make_exchange, ordinal):
    first, second = make_exchange(5), make_exchange()
    actor, source = ActorFactory(slug="counter"), SourceFactory(slug="count-report")

    def row(public_id, event, value):
        return f"{public_id},{event.public_id},{ordinal.slug},{value},exact,,,{actor.slug},,{source.slug},,,normal,,"

    import_figures(reviewer_client, [row("claim-a", first, 11), row("claim-b", second, 12)])
    assert numbers() == {first.pk: 11, second.pk: 12}

    import_figures(reviewer_client, [row("claim-a", second, 11)])

    assert numbers() == {first.pk: 5, second.pk: 12}


def test_the_services_keep_it_true(reviewer, make_exchange):
    first, second = make_exchange(5, 8), make_exchange(2)
    moved = Figure.objects.get(value=8)
    moved.event = second
    record_save(obj=moved, by=reviewer)
    assert numbers() == {first.pk: 5, second.pk: 8}

    publishable_retract(obj=second, by=reviewer, note="Not an exchange.")
    assert numbers() == {first.pk: 5}

    record_delete(obj=Event.objects.get(pk=first.pk), by=reviewer)
    assert numbers() == {}


def test_a_refresh_rewrites_a_row_left_stale_by_a_write_outside_the_services(make_exchange):
    event = make_exchange(5, 8)
    Figure.objects.filter(value=8).update(rank=DEPRECATED, rank_reason="Counted twice.")
    Event.objects.filter(pk=event.pk).update(start_date=datetime.date(2023, 1, 1))

    events_refresh_exchange_summaries(event_ids=[event.pk])

    assert numbers() == {event.pk: 5}

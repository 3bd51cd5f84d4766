"""An event's country codes on its own row (``Event.country_codes``) follow the countries relation whichever
way it changes (the admin form, either side of the relation, the demo loader, a spreadsheet import), and the
country filter that reads them selects the same events as the relation, on the page, in the API and in the
downloads."""

import csv
import io

import pytest
from django.core.management import call_command

from knowledgebase.core.models import Country
from knowledgebase.events.models import Event
from tests.admin_forms import admin_form
from tests.factories import EventFactory, FigureFactory, SingleSaveEventFactory
from tests.spreadsheets.test_resources import EVENT_HEADER, EVENTS, csv_upload, event_row, import_rows


def stored_codes(event):
    """The codes as stored (read again, not the instance's copy)."""
    return Event.objects.values_list("country_codes", flat=True).get(pk=event.pk)


def relation_codes(event):
    return sorted(event.countries.values_list("code", flat=True))


def assert_codes_follow_the_relation():
    for event in Event.objects.all():
        assert stored_codes(event) == relation_codes(event), event.public_id


# --- the codes follow every change of the relation ---------------------------------------------------


def test_an_event_made_with_countries_stores_their_codes_sorted(db):
    event = EventFactory(countries=["UA", "RU", "PL"])

    assert stored_codes(event) == ["PL", "RU", "UA"]


def test_an_event_without_countries_stores_no_code(db):
    assert stored_codes(EventFactory()) == []


def test_adding_removing_and_clearing_an_events_countries_updates_its_codes(db):
    event = EventFactory(countries=["UA"])

    event.countries.add("RU")
    assert stored_codes(event) == ["RU", "UA"]
    event.countries.remove("UA")
    assert stored_codes(event) == ["RU"]
    event.countries.set(["PL", "TR"])
    assert stored_codes(event) == ["PL", "TR"]
    event.countries.clear()
    assert stored_codes(event) == []


def test_a_countrys_side_of_the_relation_updates_the_codes_of_every_event_it_touches(db):
    first, second, other = EventFactory(countries=["RU"]), EventFactory(), EventFactory(countries=["UA", "TR"])
    ukraine = Country.objects.get(code="UA")

    ukraine.events.add(first, second)
    assert (stored_codes(first), stored_codes(second)) == (["RU", "UA"], ["UA"])
    ukraine.events.remove(first)
    assert stored_codes(first) == ["RU"]
    ukraine.events.clear()
    assert (stored_codes(second), stored_codes(other)) == ([], ["TR"])
    assert stored_codes(first) == ["RU"]


def test_the_admin_form_stores_the_codes_of_the_countries_it_sets(editor_client):
    event = EventFactory(countries=["UA"])
    url, data = admin_form(editor_client, Event, event)
    data["countries"] = ["PL", "RU"]

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert stored_codes(event) == ["PL", "RU"]


def test_a_spreadsheet_import_stores_the_codes_of_the_countries_its_rows_name(editor_client, shared_demo_content):
    import_rows(editor_client, EVENTS, csv_upload(EVENT_HEADER, [event_row("codes-import-1")]))

    assert stored_codes(Event.objects.get(public_id="codes-import-1")) == ["RU", "UA"]


def test_the_demo_loaded_twice_keeps_every_events_codes_and_theme_keys_equal_to_its_relations(db):
    call_command("load_demo", verbosity=0)
    assert Event.objects.exclude(country_codes=[]).exists()
    assert_codes_follow_the_relation()

    call_command("load_demo", verbosity=0)

    assert_codes_follow_the_relation()
    events = Event.objects.prefetch_related("themes")
    assert any(event.theme_keys for event in events)
    assert all(event.theme_keys == sorted(str(theme.pk) for theme in event.themes.all()) for event in events)


# --- the filter reads the codes and selects what the relation selects --------------------------------


@pytest.fixture
def spread(db):
    """Published events in every combination of Ukraine and Poland, and a draft in Ukraine."""
    return {
        "ua": SingleSaveEventFactory(published=True, title="In Ukraine", countries=["UA"]),
        "pl": SingleSaveEventFactory(published=True, title="In Poland", countries=["PL"]),
        "both": SingleSaveEventFactory(published=True, title="In both", countries=["PL", "UA"]),
        "ru": SingleSaveEventFactory(published=True, title="In Russia", countries=["RU"]),
        "none": SingleSaveEventFactory(published=True, title="Nowhere"),
        "draft": SingleSaveEventFactory(title="A draft in Ukraine", countries=["UA"]),
    }


def by_relation(*codes):
    """The public ids the relation itself selects: published events concerning any of ``codes``."""
    return set(Event.objects.published().filter(countries__in=codes).values_list("public_id", flat=True))


def listed(client, query):
    response = client.get(f"/events/?{query}")
    assert response.status_code == 200
    return {event.public_id for event in response.context["page_obj"].object_list}


@pytest.mark.parametrize(
    ("query", "codes"),
    [("country=UA", ["UA"]), ("country=UA&country=PL", ["UA", "PL"]), ("country=RU&country=TR", ["RU", "TR"])],
)
def test_a_repeated_country_means_any_of_them_on_the_page(client, spread, query, codes):
    assert listed(client, query) == by_relation(*codes)


def test_either_country_lists_each_event_once(client, spread):
    response = client.get("/events/?country=UA&country=PL")

    rows = [event.public_id for event in response.context["page_obj"].object_list]
    assert len(rows) == len(set(rows))
    assert {spread[key].public_id for key in ("ua", "pl", "both")} <= set(rows)
    assert not {spread[key].public_id for key in ("ru", "none", "draft")} & set(rows)


def test_the_api_selects_what_the_relation_selects(client, spread):
    response = client.get("/api/v1/events/?country=UA&country=PL&page_size=100")

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == by_relation("UA", "PL")


@pytest.mark.parametrize(("url", "column"), [("/events/export.csv", "id"), ("/events/figures.csv", "event_id")])
def test_the_downloads_select_what_the_relation_selects(client, spread, url, column):
    FigureFactory(event=spread["both"])
    FigureFactory(event=spread["ru"])

    response = client.get(f"{url}?country=UA&country=PL")

    assert response.status_code == 200
    header, *rows = csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    found = {row[header.index(column)] for row in rows if not row[0].startswith("#")}
    expected = by_relation("UA", "PL")
    if column == "event_id":
        expected &= set(Event.objects.filter(figures__isnull=False).values_list("public_id", flat=True))
    assert found == expected
    assert spread["both"].public_id in found


def test_an_unknown_country_is_a_form_error_not_an_empty_list(client, spread):
    response = client.get("/events/?country=XX")

    assert response.status_code == 400

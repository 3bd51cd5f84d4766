"""The event list's selection, summarised in one query (``pages.event_selection``): its count up to the cap, the
keys of its first events in the list's order and where those happened; a search that matches more events than
can be ranked is listed by date on the list and ranked among the newest matches on the search page, and both
say so."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.events.models import Event
from knowledgebase.events.services import events_refresh_search_documents
from knowledgebase.pages import search
from knowledgebase.pages.event_selection import summarise
from tests.factories import EventFactory, SingleSaveEventFactory

JAN_1 = datetime.date(2024, 1, 1)
LIST_NOTE = "too many to rank by relevance: they are listed newest first"
SEARCH_NOTE = "the events shown are the best matches among the newest"


def day(n):
    return JAN_1 + datetime.timedelta(days=n)


@pytest.fixture
def located_world(db):
    """Eight published events a day apart (the newest last), two of them located at one place, and a draft."""
    events = []
    for n, codes in enumerate([["UA"], ["UA", "RU"], ["PL"], [], ["UA"], ["RU"], ["UA", "PL"], ["TR"]]):
        located = {"latitude": "49.99000", "longitude": "36.23000", "place_name": "Kharkiv"} if n in (5, 6) else {}
        events.append(EventFactory(published=True, start_date=day(n), countries=codes, **located))
    EventFactory(start_date=day(9), countries=["UA"])
    return events


def newest_first():
    return Event.objects.published().order_by("-start_date", "-id")


def test_a_selection_under_the_cap_counts_keys_and_maps_every_event(located_world):
    selection = summarise(Event.objects.published(), ["-start_date", "-id"], cap=20)

    assert (selection.count, selection.is_capped) == (8, False)
    assert selection.keys == list(newest_first().values_list("pk", flat=True))
    assert selection.countries == {"UA": 4, "RU": 2, "PL": 2, "TR": 1}
    assert [(place["place"], place["n"]) for place in selection.places] == [("Kharkiv", 2)]


@pytest.mark.parametrize(
    ("ordering", "first"), [(["-start_date", "-id"], [7, 6, 5]), (["start_date", "id"], [0, 1, 2])]
)
def test_a_selection_over_the_cap_maps_its_first_events_in_the_lists_order(located_world, ordering, first):
    selection = summarise(Event.objects.published(), ordering, cap=3)

    assert (selection.count, selection.is_capped) == (4, True)
    assert selection.keys[:3] == [located_world[n].pk for n in first]
    expected = {}
    for n in first:
        for code in Event.objects.get(pk=located_world[n].pk).country_codes:
            expected[code] = expected.get(code, 0) + 1
    assert selection.countries == expected


def test_a_selection_is_one_query_and_a_filtered_one_counts_only_its_events(located_world):
    with CaptureQueriesContext(connection) as queries:
        selection = summarise(
            Event.objects.published().filter(country_codes__overlaps=["UA"]), ["-start_date", "-id"], cap=20
        )

    assert len(queries.captured_queries) == 1
    assert selection.count == 4
    assert selection.countries == {"UA": 4, "RU": 1, "PL": 1}


def test_an_empty_selection_is_counted_without_error(db):
    selection = summarise(Event.objects.published().none(), ["-start_date", "-id"], cap=20)

    assert (selection.count, selection.keys, selection.countries) == (0, [], {})


def test_a_list_row_names_and_links_its_countries_from_its_codes(client, located_world):
    response = client.get("/events/", {"country": "RU"})

    assertContains(response, '<a href="/countries/PL/">Poland</a>', count=0)
    assertContains(response, '<a href="/countries/RU/">Russian Federation</a>, <a href="/countries/UA/">Ukraine</a>')


# --- a search that matches more events than the cap ------------------------------------------------------


@pytest.fixture
def searchable(db):
    """Five published events that mention "convoy", the oldest the best match (its title says it twice)."""
    events = [
        SingleSaveEventFactory(
            published=True,
            title="Convoy convoy" if n == 0 else f"Event {n}",
            summary="A convoy passed.",
            start_date=day(n),
        )
        for n in range(5)
    ]
    events_refresh_search_documents(events=Event.objects.all())
    return events


def listed(response):
    return [event.pk for event in response.context["page_obj"].object_list]


def test_a_search_under_the_cap_is_ranked_by_relevance(client, searchable, settings):
    settings.LIST_COUNT_CAP = 10

    response = client.get("/events/", {"q": "convoy"})

    assert listed(response)[0] == searchable[0].pk
    assertNotContains(response, LIST_NOTE)


def test_a_search_over_the_cap_is_listed_newest_first_and_says_so(client, searchable, settings):
    settings.LIST_COUNT_CAP = 3

    response = client.get("/events/", {"q": "convoy"})

    assert listed(response) == [event.pk for event in reversed(searchable)]
    assertContains(response, f"More than 3 events match this search, {LIST_NOTE}")


def test_the_search_page_ranks_events_among_the_newest_matches_and_says_so(client, searchable, monkeypatch):
    monkeypatch.setattr(search, "RANKED_EVENTS", 3)

    response = client.get("/search/", {"q": "convoy"})

    events = [result.object.pk for result in response.context["results"] if isinstance(result.object, Event)]
    assert sorted(events) == sorted(event.pk for event in searchable[2:])
    assertContains(response, f"{SEARCH_NOTE} 3.")
    assertContains(response, 'href="/events/?q=convoy"')


def test_the_search_page_ranks_every_match_when_few_match(client, searchable, monkeypatch):
    monkeypatch.setattr(search, "RANKED_EVENTS", 5)

    response = client.get("/search/", {"q": "convoy"})

    events = [result.object.pk for result in response.context["results"] if isinstance(result.object, Event)]
    assert events[0] == searchable[0].pk and len(events) == 5
    assertNotContains(response, SEARCH_NOTE)


# --- filters checked against the rows kept per content version -------------------------------------------


def test_the_chosen_countries_are_read_once_per_content_version(client, located_world, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/events/", {"country": ["UA", "PL"]})

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/events/", {"country": ["PL", "UA"]})

    assert not any('FROM "core_country"' in query["sql"] for query in queries.captured_queries)
    chips = [active.value for active in response.context["active_filters"]]
    assert chips == ["Poland", "Ukraine"]  # in the table's order, whatever the address's


def test_an_unknown_theme_is_a_form_error_that_names_it(client, db):
    response = client.get("/events/", {"theme": "no-such-theme"})

    assert response.status_code == 400
    assertContains(response, "no-such-theme", status_code=400)

"""Every download lists its rows in the order of the page it comes from, and the API in the order of the
matching page: each list, each sort, with and without a search. The events CSV is written by COPY on
PostgreSQL and in Python on SQLite; run this module on both databases."""

import csv
import datetime
import io
import json

import pytest

from knowledgebase.core.models import Country
from knowledgebase.events.models import EventType, Measure
from tests.factories import ActorFactory, EventFactory, FigureFactory, MeasureFactory, StatisticFactory

SORTS = [{}, {"sort": "newest"}, {"sort": "oldest"}, {"sort": "relevance"}]
SEARCHES = [{}, {"q": "exchange"}]
EVENT_QUERIES = [{**sort, **search} for search in SEARCHES for sort in SORTS]
FORMATS = ["csv", "json"]
TIE_DATE = datetime.date(2023, 3, 8)


def query_id(params):
    return "&".join(f"{key}={value}" for key, value in params.items()) or "no-parameter"


@pytest.fixture
def lists(shared_demo_content):
    """Beside the seed: events, exchanges and statistics that tie on their date (the id decides the
    order), with figures, and events a search finds with different ranks."""
    exchange = EventType.objects.get(slug="prisoner-exchange")
    returned_to_ukraine = Measure.objects.get(slug="people-returned-to-ukraine")
    for number in range(3):
        event = EventFactory(
            published=True,
            title=f"Exchange of bodies {number}",
            start_date=TIE_DATE,
            event_type=exchange,
            countries=["UA", "RU"],
        )
        FigureFactory(event=event, measure=returned_to_ukraine, value=10 + number)
        FigureFactory(
            event=event, measure=returned_to_ukraine, value=20 + number, rank="preferred", rank_reason="Official count."
        )
    for number in range(3):
        event = EventFactory(
            published=True, title=f"Talks {number}", summary="An exchange was discussed.", start_date=TIE_DATE
        )
        FigureFactory(event=event, measure=MeasureFactory(position=number), value=number)
    returned = MeasureFactory(slug="returned-to-ru", kind="returned", country=Country.objects.get(code="RU"))
    for number in range(2):
        event = EventFactory(
            published=True,
            title=f"Small exchange {number}",
            start_date=datetime.date(2021, 5, 1),
            event_type=exchange,
            countries=["UA"],
        )
        FigureFactory(event=event, measure=returned, value=5)
    for number in range(3):
        StatisticFactory(published=True, title="Refugees", as_of_date=TIE_DATE, value=100 + number)
    StatisticFactory(published=True, title="Undated", as_of_date=None, as_of_note="Recently", value=7)
    ActorFactory(name="Exchange party")
    ActorFactory(name="Exchange party")


def page_order(client, path, params, key="public_id"):
    """The rows of every page of a list, in order."""
    listed, number = [], 1
    while True:
        response = client.get(path, {**params, "page": number})
        assert response.status_code == 200
        page = response.context["page_obj"]
        listed += [getattr(row, key) for row in page.object_list]
        if not page.has_next():
            return listed
        number += 1


def download_order(client, path, params, fmt, column):
    response = client.get(f"{path}.{fmt}", params)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    if fmt == "json":
        return [record[column] for record in json.loads(body)]
    rows = list(csv.reader(io.StringIO(body)))
    index = rows[0].index(column)
    return [row[index] for row in rows[2:]]


def api_order(client, path, params, key):
    response = client.get(path, {**params, "page_size": 500}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return [row[key] for row in response.json()["results"]]


def in_turn(values):
    """Each value once, where it first comes: the events of a file with several rows per event."""
    return list(dict.fromkeys(values))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("params", EVENT_QUERIES, ids=query_id)
def test_the_events_download_lists_the_events_in_the_page_order(client, lists, params, fmt):
    listed = page_order(client, "/events/", params)

    assert len(listed) >= 3
    assert download_order(client, "/events/export", params, fmt, "id") == listed


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("params", EVENT_QUERIES, ids=query_id)
def test_the_figures_download_lists_the_events_in_the_page_order(client, lists, params, fmt):
    listed = page_order(client, "/events/", params)
    figures = download_order(client, "/events/figures", params, fmt, "event_id")

    assert len(in_turn(figures)) >= 2
    assert in_turn(figures) == [event for event in listed if event in set(figures)]
    assert len(figures) > len(in_turn(figures))  # several figures per event, each event's together


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "params",
    [{}, {"country": "UA"}, {"country": "UA", "sort": "newest"}, {"sort": "oldest"}, {"date_after": "2022-01-01"}],
    ids=query_id,
)
def test_the_exchange_download_lists_the_exchanges_in_the_tracker_order(client, lists, params, fmt):
    listed = page_order(client, "/pow-exchanges/", params)

    assert len(listed) >= 3
    assert in_turn(download_order(client, "/pow-exchanges/export", params, fmt, "event_id")) == listed


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "params", [{}, {"population_type": "REF"}, {"measurement": "stock", "origin": "global"}], ids=query_id
)
def test_the_statistics_download_lists_the_statistics_in_the_explorer_order(client, lists, params, fmt):
    listed = page_order(client, "/displacement/", params)

    assert len(listed) >= 3
    assert download_order(client, "/displacement/export", params, fmt, "id") == listed


@pytest.mark.parametrize("params", EVENT_QUERIES, ids=query_id)
def test_the_events_api_lists_the_events_in_the_page_order(client, lists, params):
    assert api_order(client, "/api/v1/events/", params, "id") == page_order(client, "/events/", params)


@pytest.mark.parametrize("params", [{}, {"population_type": "REF"}], ids=query_id)
def test_the_statistics_api_lists_the_statistics_in_the_explorer_order(client, lists, params):
    assert api_order(client, "/api/v1/statistics/", params, "id") == page_order(client, "/displacement/", params)


@pytest.mark.parametrize(
    ("page", "api"), [("/actors/", "/api/v1/actors/"), ("/organizations/", "/api/v1/organizations/")]
)
@pytest.mark.parametrize("params", [{}, {"q": "exchange"}, {"country": "UA"}], ids=query_id)
def test_the_actor_and_organisation_apis_list_in_the_page_order(client, lists, page, api, params):
    assert api_order(client, api, params, "slug") == page_order(client, page, params, key="slug")

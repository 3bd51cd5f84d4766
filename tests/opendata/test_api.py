"""The read-only JSON API: published content only, the pages' filters, a valid OpenAPI schema."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_spec_validator import validate

from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE, SEP_2022_EXCHANGE


def get(client, url):
    response = client.get(url, HTTP_ACCEPT="application/json")
    return response, (response.json() if response["Content-Type"].startswith("application/json") else None)


def test_events_use_the_same_filters_as_the_page(client, demo_content):
    _response, data = get(client, "/api/v1/events/?country=UA&type=prisoner-exchange")

    assert data["count"] == 2
    assert {e["id"] for e in data["results"]} == {JAN_2024_EXCHANGE, SEP_2022_EXCHANGE}


def test_an_event_links_to_its_figures_and_says_what_is_disputed(client, demo_content):
    _response, event = get(client, f"/api/v1/events/{JAN_2024_EXCHANGE}/")
    returned = next(m for m in event["measures"] if m["measure"] == "people-returned-to-ukraine")

    assert (returned["claims_low"], returned["claims_high"], returned["disputed"]) == (173, 230, True)
    assert returned["best_estimate"] == 230
    assert event["url"].endswith(f"/api/v1/events/{JAN_2024_EXCHANGE}/")
    assert {f["claimant"]["name"] for f in event["figures"]} >= {"Dmytro Lubinets", "Volodymyr Zelensky"}
    figure_url = event["figures"][0]["url"]
    assert get(client, figure_url)[0].status_code == 200


def test_month_precision_shows_in_the_date(client, demo_content):
    _response, event = get(client, f"/api/v1/events/{SEP_2022_EXCHANGE}/")

    assert event["date"] == "2022-09" and event["date_precision"] == "month"


def test_drafts_are_not_in_the_api(client, demo_content):
    _response, data = get(client, "/api/v1/events/?page_size=500")

    assert DRAFT_EVENT not in {e["id"] for e in data["results"]}
    assert get(client, f"/api/v1/events/{DRAFT_EVENT}/")[0].status_code == 404


def test_actor_search_includes_aliases(client, demo_content):
    _response, data = get(client, "/api/v1/actors/?q=Medvechuk")

    assert [a["slug"] for a in data["results"]] == ["viktor-medvedchuk"]


def test_bad_filter_is_a_400(client, db):
    response, data = get(client, "/api/v1/events/?date_after=not-a-date")

    assert response.status_code == 400
    assert "date" in data


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/",
        "/api/v1/figures/",
        "/api/v1/organizations/",
        "/api/v1/statistics/",
        "/api/v1/briefs/",
        "/api/v1/provisions/",
        "/api/v1/actors/",
    ],
)
def test_every_list_answers(client, demo_content, url):
    assert get(client, url)[0].status_code == 200


def test_briefs_link_only_published_events(client, demo_content):
    _response, data = get(client, "/api/v1/briefs/isw-russia-ukraine-biggest-pow-exchange/")

    assert not any(DRAFT_EVENT in url for url in data["events"])
    assert len(data["takeaways"]) == 9


def test_the_openapi_schema_validates(client, db):
    response = client.get("/api/v1/schema/?format=json")

    validate(response.json())


def test_list_queries_do_not_grow_with_rows(client, db, django_assert_max_num_queries):
    from tests.factories import FigureFactory

    for _ in range(20):
        FigureFactory(event__status="published")
    with django_assert_max_num_queries(9):
        _response, data = get(client, "/api/v1/events/")
    assert data["count"] == 20


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/api/v1/events/", f"/api/v1/events/{DRAFT_EVENT}/", "/api/v1/figures/"])
def test_the_api_changes_nothing_whoever_asks(editor_client, demo_content, method, url):
    """The API is one more path an editor might try: it only reads, signed in or not."""
    from knowledgebase.events.models import Event, Figure

    before = (list(Event.objects.values_list("public_id", "title", "status")), Figure.objects.count())

    response = getattr(editor_client, method)(
        url, {"title": "Changed", "status": "published"}, content_type="application/json"
    )

    assert response.status_code in (403, 405)
    assert (list(Event.objects.values_list("public_id", "title", "status")), Figure.objects.count()) == before


# --- Pages and counts over many rows -----------------------------------------------------------------


@pytest.fixture
def uncached(settings):
    """No page cache: each request runs its queries (the kept counts still hold)."""
    settings.PAGE_CACHE_SECONDS = 0


def walk(client, url, page_size):
    """Every page of a list, page by page: the ids in order, and each page's count."""
    ids, counts, page = [], set(), 1
    separator = "&" if "?" in url else "?"
    while True:
        response, data = get(client, f"{url}{separator}page_size={page_size}&page={page}")
        assert response.status_code == 200
        ids += [row.get("id") or row.get("slug") for row in data["results"]]
        counts.add(data["count"])
        if data["next"] is None:
            return ids, counts
        page += 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events/",
        "/api/v1/events/?country=UA",
        "/api/v1/events/?q=exchange",
        "/api/v1/events/?sort=oldest",
        "/api/v1/figures/",
        "/api/v1/figures/?measure=people-returned-to-ukraine",
        "/api/v1/actors/",
        "/api/v1/briefs/",
    ],
)
def test_pages_read_by_key_are_the_pages_of_the_whole_list(client, demo_content, uncached, url):
    """Pages after the first read their rows' keys first: together they are the whole list, in its order."""
    separator = "&" if "?" in url else "?"
    _response, whole = get(client, f"{url}{separator}page_size=500")
    expected = [row.get("id") or row.get("slug") for row in whole["results"]]
    assert whole["count"] == len(expected)

    ids, counts = walk(client, url, 2)

    assert ids == expected
    assert counts == {whole["count"]}


def test_a_deep_page_skips_keys_not_rows(client, demo_content, uncached):
    with CaptureQueriesContext(connection) as queries:
        response, data = get(client, "/api/v1/events/?page_size=2&page=3")

    assert response.status_code == 200 and len(data["results"]) == 2
    (events,) = [q["sql"] for q in queries if q["sql"].startswith('SELECT "events_event"."id", "events_event".')]
    assert "IN (SELECT" in events and "OFFSET 4" in events
    assert '"events_event"."body"' not in events  # nor the long texts the API never shows


def test_a_page_past_the_end_is_a_404(client, demo_content):
    _response, data = get(client, "/api/v1/events/?page_size=500")

    assert get(client, "/api/v1/events/?page=2&page_size=500")[0].status_code == 404
    assert get(client, "/api/v1/events/?page=last&page_size=500")[1]["count"] == data["count"]


def test_the_count_of_a_whole_list_is_kept_per_content_version(client, db, uncached):
    from tests.factories import EventFactory

    for _ in range(3):
        EventFactory(published=True)
    EventFactory()  # a draft
    assert get(client, "/api/v1/events/")[1]["count"] == 3

    with CaptureQueriesContext(connection) as again:  # the other pages and forms of the whole list
        assert get(client, "/api/v1/events/?page=2&page_size=2&format=json")[1]["count"] == 3
    assert not any("COUNT(" in q["sql"] for q in again)

    EventFactory(published=True)  # a new content version: counted afresh
    assert get(client, "/api/v1/events/")[1]["count"] == 4


def test_a_filtered_list_counts_exactly(client, db, uncached):
    from tests.factories import EventFactory

    EventFactory(published=True, countries=["UA"])
    EventFactory(published=True, countries=["RU"])
    get(client, "/api/v1/events/")

    assert get(client, "/api/v1/events/?country=UA")[1]["count"] == 1
    EventFactory(published=True, countries=["UA"])
    assert get(client, "/api/v1/events/?country=UA")[1]["count"] == 2
    assert get(client, "/api/v1/events/?unknown=1")[1]["count"] == 3

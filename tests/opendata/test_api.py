"""The read-only JSON API: published content only, the pages' filters, a valid OpenAPI schema."""

import pytest
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

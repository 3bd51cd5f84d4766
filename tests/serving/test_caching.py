"""Anonymous public pages are cached and revalidated; any content change invalidates them at once."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from knowledgebase.core.services import publishable_publish, publishable_retract
from tests.conftest import JAN_2024_EXCHANGE
from tests.factories import EventFactory


def test_a_second_anonymous_request_is_served_from_the_cache(client, db):
    EventFactory(published=True, title="Cached event")

    first = client.get("/events/")
    second = client.get("/events/")

    assert first["X-Cache"] == "miss" and second["X-Cache"] == "hit"
    assert second.content == first.content
    assert "public" in second["Cache-Control"] and "max-age=30" in second["Cache-Control"]
    assert second.has_header("Last-Modified") and second.has_header("ETag")


def test_a_matching_etag_answers_304(client, db):
    etag = client.get("/events/")["ETag"]

    response = client.get("/events/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""


def test_if_modified_since_answers_304_until_content_changes(client, db):
    last_modified = client.get("/briefs/")["Last-Modified"]

    assert client.get("/briefs/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_publishing_invalidates_the_cached_list(client, db, reviewer):
    draft = EventFactory(title="Soon public")
    assert "Soon public" not in client.get("/events/").content.decode()

    publishable_publish(obj=draft, by=reviewer)
    response = client.get("/events/")

    assert response["X-Cache"] == "miss"
    assert "Soon public" in response.content.decode()


def test_retracting_invalidates_the_cached_page_and_feed(client, db, reviewer):
    event = EventFactory(published=True, title="To be retracted")
    assert "To be retracted" in client.get("/feeds/events/").content.decode()
    client.get(event.get_absolute_url())

    publishable_retract(obj=event, by=reviewer, note="Wrong date")

    assert "To be retracted" not in client.get("/feeds/events/").content.decode()
    assert "Retracted on" in client.get(event.get_absolute_url()).content.decode()


def test_changing_a_related_record_invalidates_too(client, db):
    event = EventFactory(published=True)
    client.get(event.get_absolute_url())

    event.event_type.name = "Renamed type"
    event.event_type.save()

    assert "Renamed type" in client.get(event.get_absolute_url()).content.decode()


def test_signed_in_users_and_the_admin_are_never_cached(admin_client, db):
    EventFactory(published=True)

    public = admin_client.get("/events/")
    admin = admin_client.get("/admin/")

    assert "X-Cache" not in public and "private" in public["Cache-Control"]
    assert "X-Cache" not in admin and "private" in admin["Cache-Control"]


@pytest.mark.parametrize("url", ["/events/export.csv", "/events/?date_after=bad"])
def test_downloads_and_errors_are_not_cached(client, db, url):
    client.get(url)

    assert client.get(url).get("X-Cache") != "hit"


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_pages_work_without_a_cache(client, db):
    assert client.get("/events/").status_code == 200


def _reads_countries(queries):
    return any('FROM "core_country"' in query["sql"] for query in queries)


def _counts_facets(queries):
    return any("facet_count" in query["sql"] for query in queries)


def test_filter_choices_are_built_once_per_content_version(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    EventFactory(published=True, countries=["UA"])
    with CaptureQueriesContext(connection) as first:
        assert client.get("/events/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        response = client.get("/events/?sort=oldest")  # another page, so not the page cache

    assert _counts_facets(first.captured_queries)
    assert not _counts_facets(second.captured_queries)
    assert '<input type="checkbox" name="country" value="UA"' in response.content.decode()


def test_a_new_choice_shows_as_soon_as_content_changes(client, db):
    from knowledgebase.core.models import Theme
    from tests.factories import SingleSaveEventFactory

    assert "Newly added theme" not in client.get("/events/").content.decode()
    Theme.objects.create(name="Newly added theme", slug="newly-added-theme")
    assert "Newly added theme" not in client.get("/events/").content.decode()  # nothing published has it yet
    SingleSaveEventFactory(published=True, themes=["newly-added-theme"])

    response = client.get("/events/?sort=oldest")

    assert 'value="newly-added-theme"' in response.content.decode()
    assert "Newly added theme" in response.content.decode()


@override_settings(FORM_CHOICES_SECONDS=0)
def test_choices_are_read_afresh_when_the_memo_is_off(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/events/")
    with CaptureQueriesContext(connection) as second:
        client.get("/events/?sort=oldest")

    assert _reads_countries(second.captured_queries)


# --- the key and Vary cover every input that changes the response (issue: cache poisoning) ---------

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_fragment_request_never_poisons_the_page(client, db):
    EventFactory(published=True, countries=["UA"], title="Event in Ukraine")

    fragment = client.get("/events/?country=UA", HTTP_X_REQUESTED_WITH="fetch", HTTP_ACCEPT=BROWSER_ACCEPT)
    page = client.get("/events/?country=UA", HTTP_ACCEPT=BROWSER_ACCEPT)

    assert "<html" not in fragment.content.decode()
    assert "<html" in page.content.decode() and "css/site.css" in page.content.decode()
    assert page["X-Cache"] == "miss"
    assert "X-Requested-With" in page["Vary"] and "Accept" in page["Vary"] and "Host" in page["Vary"]


def test_another_host_header_never_fixes_the_links_of_the_page(client, db):
    client.get("/events/", HTTP_HOST="localhost")

    page = client.get("/events/", HTTP_HOST="testserver").content.decode()

    assert '<link rel="canonical" href="http://testserver/events/">' in page
    assert "localhost" not in page


def test_unknown_parameters_are_ignored_and_known_ones_sorted_into_one_entry(client, db):
    EventFactory(published=True, countries=["UA"])
    first = client.get("/events/?sort=oldest&country=UA")

    same = client.get("/events/?country=UA&utm_source=x&sort=oldest&junk=%3Cscript%3E")

    assert first["X-Cache"] == "miss" and same["X-Cache"] == "hit"
    assert same.content == first.content
    assert "utm_source" not in same.content.decode() and "junk" not in same.content.decode()


@override_settings(PAGE_CACHE_VARIANTS=3)
def test_one_page_stores_a_bounded_number_of_variants(client, db):
    for word in ("one", "two", "three", "four"):
        client.get("/search/", {"q": word})

    assert client.get("/search/", {"q": "three"})["X-Cache"] == "hit"
    assert client.get("/search/", {"q": "four"})["X-Cache"] == "miss"
    assert client.get("/events/")["X-Cache"] == "miss"  # another page has its own allowance
    assert client.get("/events/")["X-Cache"] == "hit"


@override_settings(PAGE_CACHE_MAX_BYTES=200)
def test_a_response_larger_than_the_cap_is_not_stored(client, db):
    client.get("/events/")

    assert client.get("/events/")["X-Cache"] == "miss"


def test_a_response_that_carries_a_csrf_token_is_never_stored(client, db):
    """The browsable API embeds a CSRF token: the first visitor's token must not reach the next one."""
    client.get("/api/v1/events/", HTTP_ACCEPT=BROWSER_ACCEPT)
    browsable = client.get("/api/v1/events/", HTTP_ACCEPT=BROWSER_ACCEPT)
    client.get("/api/v1/events/", HTTP_ACCEPT="application/json")
    as_json = client.get("/api/v1/events/", HTTP_ACCEPT="application/json")

    assert browsable["Content-Type"].startswith("text/html")
    assert browsable.get("X-Cache") != "hit"
    assert as_json["Content-Type"] == "application/json" and as_json["X-Cache"] == "hit"


# Every request variant a reader (or an attacker) can send that changes the response.
VARIANTS = {
    "plain": {},
    "browser": {"HTTP_ACCEPT": BROWSER_ACCEPT},
    "fragment": {"HTTP_ACCEPT": BROWSER_ACCEPT, "HTTP_X_REQUESTED_WITH": "fetch"},
    "json": {"HTTP_ACCEPT": "application/json"},
    "api-format": {"HTTP_ACCEPT": "application/json;q=0.5, text/html"},
    "other-host": {"HTTP_HOST": "localhost"},
    "language": {"HTTP_ACCEPT_LANGUAGE": "uk,en;q=0.5"},
}
CACHED_URLS = [
    "/",
    "/events/",
    "/events/?country=UA&type=prisoner-exchange",
    f"/events/{JAN_2024_EXCHANGE}/",
    "/pow-exchanges/",
    "/displacement/",
    "/displacement/?map=host",
    "/countries/",
    "/countries/UA/",
    "/briefs/",
    "/briefs/isw-russia-ukraine-biggest-pow-exchange/",
    "/actors/",
    "/actors/dmytro-lubinets/",
    "/organizations/",
    "/organizations/institute-for-the-study-of-war/",
    "/ihl/",
    "/ihl/gc3-art-13/",
    "/search/?q=exchange",
    "/data/",
    "/about/",
    "/about/methodology/",
    "/robots.txt",
    "/.well-known/security.txt",
    "/sitemap.xml",
    "/sitemap-events.xml",
    "/feeds/events/",
    "/feeds/events/?country=UA",
    "/feeds/briefs/",
    "/feeds/actors/dmytro-lubinets/",
    "/api/v1/",
    "/api/v1/events/",
    "/api/v1/events/?country=UA",
    f"/api/v1/events/{JAN_2024_EXCHANGE}/",
    "/api/v1/figures/",
    "/api/v1/actors/",
    "/api/v1/actors/dmytro-lubinets/",
    "/api/v1/organizations/",
    "/api/v1/statistics/",
    "/api/v1/briefs/",
    "/api/v1/provisions/",
    "/api/v1/schema/",
    "/api/v1/docs/",
]


def _cached_views():
    """Every view the page cache may store: those that declare their parameters, and the API's."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield pattern.callback

    views = set()
    for view in walk(get_resolver().url_patterns):
        view_class = getattr(view, "cls", None)
        if hasattr(view, "cache_parameters") or (view_class is not None and hasattr(view_class, "renderer_classes")):
            views.add(getattr(view, "cls", view))
    return views


def test_the_variant_test_covers_every_cached_view():
    from django.urls import resolve

    covered = {getattr(match.func, "cls", match.func) for match in (resolve(url.split("?")[0]) for url in CACHED_URLS)}

    assert _cached_views() - covered == set()


def _get(client, url, headers):
    path, _sep, query = url.partition("?")
    return client.get(path, QUERY_STRING=query, **headers)


@pytest.mark.parametrize("url", CACHED_URLS)
def test_every_cached_page_equals_a_fresh_render_for_every_variant(shared_demo_content, client, url):
    for headers in VARIANTS.values():
        _get(client, url, headers)
    cached = {name: _get(client, url, headers) for name, headers in VARIANTS.items()}

    hits = 0
    for name, headers in VARIANTS.items():
        cache.clear()
        fresh = _get(client, url, headers)
        if cached[name].get("X-Cache") != "hit":
            continue
        hits += 1
        assert cached[name].status_code == fresh.status_code, name
        assert cached[name]["Content-Type"] == fresh["Content-Type"], name
        assert cached[name].content == fresh.content, name
    assert cached["plain"]["X-Cache"] == "hit"
    assert hits >= 1

"""Anonymous public pages are cached and revalidated; any content change invalidates them at once."""

import pytest
from django.test import override_settings

from knowledgebase.core.services import publishable_publish, publishable_retract
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


def test_filter_choices_are_built_once_per_content_version(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        assert client.get("/events/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        response = client.get("/events/?sort=oldest")  # another page, so not the page cache

    assert _reads_countries(first.captured_queries)
    assert not _reads_countries(second.captured_queries)
    assert '<option value="UA">' in response.content.decode()


def test_a_new_choice_shows_as_soon_as_content_changes(client, db):
    from knowledgebase.core.models import Theme

    assert "Newly added theme" not in client.get("/events/").content.decode()
    Theme.objects.create(name="Newly added theme", slug="newly-added-theme")

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

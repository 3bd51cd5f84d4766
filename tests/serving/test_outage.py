"""While the database is down: cached pages or a calm 503, an editor told their save did not happen,
one log line per kind of failure. (tests/deploy/test_outages.py stops real servers; these tests
make every query of this process fail instead.)"""

import logging

import pytest
from django.db import OperationalError, connection
from django.test import override_settings

from knowledgebase.events.models import Event
from knowledgebase.serving import outage
from knowledgebase.serving.content_version import bump_content_version
from tests.factories import EventFactory


def refused(execute, sql, params, many, context):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@pytest.fixture
def database_down():
    outage.failures.kinds.clear()
    with connection.execute_wrapper(refused):
        yield
    outage.failures.kinds.clear()


def test_a_reader_gets_a_503_with_retry_after_and_no_traceback(client, db, database_down, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/events/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "come back in a minute" in response.content.decode()
    assert "Traceback" not in caplog.text and "Connection refused" in caplog.text


def test_the_api_gets_a_json_503(client, db, database_down):
    response = client.get("/api/v1/events/")

    assert response.status_code == 503
    assert response.json()["detail"].startswith("The database is unavailable")


def test_each_kind_of_failure_is_logged_once_a_minute_not_once_per_request(client, db, database_down, caplog):
    with caplog.at_level(logging.INFO, logger="knowledgebase.outage"):
        for _ in range(20):
            client.get("/events/")
            client.get("/briefs/")

    lines = [record for record in caplog.records if record.name == "knowledgebase.outage"]
    assert len(lines) == 1
    assert not [record for record in caplog.records if record.name == "django.request"]


def test_a_page_seen_before_the_outage_is_served_from_its_last_good_copy(client, db):
    EventFactory(published=True, title="Seen before the outage")
    client.get("/events/")
    bump_content_version()  # the copy is no longer fresh: only an outage may serve it

    with connection.execute_wrapper(refused):
        response = client.get("/events/")

    assert response.status_code == 200
    assert response["X-Cache"] == "stale"
    assert "Seen before the outage" in response.content.decode()
    assert "max-age=0" in response["Cache-Control"]


@override_settings(STALE_PAGE_SECONDS=0, PAGE_CACHE_SECONDS=1)
def test_without_a_last_good_copy_the_reader_gets_the_503(client, db, database_down):
    assert client.get("/briefs/").status_code == 503


def test_an_editor_whose_save_fails_is_told_and_keeps_what_they_typed(editor_client, db):
    editor_client.raise_request_exception = False  # the session is read in a middleware: handler500 answers
    draft = EventFactory(title="Draft before")
    url = f"/admin/events/event/{draft.pk}/change/"
    editor_client.get(url)  # the session is read before the outage

    with connection.execute_wrapper(refused):
        response = editor_client.post(
            url, {"title": "Typed during the outage", "summary": "Every word kept", "_save": "Save"}
        )

    html = response.content.decode()
    assert response.status_code == 503
    assert "Your changes were not saved" in html
    assert 'name="title" value="Typed during the outage"' in html
    assert 'name="summary" value="Every word kept"' in html
    assert f'action="{url}"' in html
    assert Event.objects.get(pk=draft.pk).title == "Draft before"


def test_after_the_outage_pages_render_again(client, db):
    EventFactory(published=True, title="After the outage")
    with connection.execute_wrapper(refused):
        assert client.get("/events/").status_code == 503

    response = client.get("/events/")

    assert response.status_code == 200 and "After the outage" in response.content.decode()

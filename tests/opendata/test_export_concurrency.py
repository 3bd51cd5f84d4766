"""At most EXPORT_CONCURRENCY full downloads stream at once, across the site (slots in the cache)."""

import logging
import time

import pytest
from django.db import connection, transaction
from django.http import StreamingHttpResponse

from knowledgebase.opendata import exports
from tests.factories import EventFactory, StatisticFactory

DOWNLOADS = ["/events/export.csv", "/events/export.json", "/displacement/export.csv"]


@pytest.fixture
def one_at_a_time(settings, db):
    settings.EXPORT_CONCURRENCY = 1
    EventFactory(published=True)
    StatisticFactory(published=True)


def read(response):
    return b"".join(response.streaming_content)


@pytest.fixture
def close(monkeypatch):
    """Close a response as a server does when its client goes away. Closing fires request_finished,
    which would close the database connection, and with it the test's transaction: keep it open."""
    monkeypatch.setattr(connection, "close_if_unusable_or_obsolete", lambda: None)
    return lambda response: response.close()


@pytest.mark.parametrize("url", DOWNLOADS)
def test_a_second_download_while_the_first_streams_is_refused_then_served_once_it_is_closed(client, one_at_a_time, url):
    first = client.get(url)
    assert isinstance(first, StreamingHttpResponse)

    refused = client.get(url)

    assert refused.status_code == 503
    assert int(refused["Retry-After"]) > 0
    assert "Too many downloads" in refused.json()["error"]

    read(first)  # read to the end: the test client closes the response, as a WSGI server does
    served = client.get(url)

    assert served.status_code == 200
    assert read(served)


def test_a_download_closed_before_its_end_frees_its_slot(client, one_at_a_time, close):
    EventFactory.create_batch(5, published=True, summary="x" * 40_000)  # several blocks
    # On PostgreSQL, closing the response cancels its COPY. In production (autocommit) that ends the
    # statement; here it aborts the test's transaction, so the download runs in a savepoint.
    with transaction.atomic():
        first = client.get("/events/export.csv")
        next(iter(first.streaming_content))

        close(first)  # the client went away: the server closes the response
        transaction.set_rollback(True)
    served = client.get("/events/export.csv")

    assert served.status_code == 200
    assert len(read(served)) > 5 * 40_000


def test_the_cap_is_shared_by_every_download(client, one_at_a_time, close):
    first = client.get("/events/export.csv")

    assert client.get("/displacement/export.json").status_code == 503

    close(first)
    assert client.get("/displacement/export.json").status_code == 200


def test_downloads_under_the_cap_all_stream(client, settings, db, close):
    settings.EXPORT_CONCURRENCY = 2
    EventFactory(published=True)

    first, second = client.get("/events/export.csv"), client.get("/events/export.json")

    assert (first.status_code, second.status_code) == (200, 200)
    assert client.get("/events/export.csv").status_code == 503
    close(first)
    close(second)


def test_a_slot_a_crashed_worker_never_released_expires(client, one_at_a_time, monkeypatch):
    monkeypatch.setattr(exports, "SLOT_SECONDS", 1)
    client.get("/events/export.csv")  # never read nor closed, as by a worker that died
    assert client.get("/events/export.csv").status_code == 503

    time.sleep(1.1)

    assert client.get("/events/export.csv").status_code == 200


def test_a_long_download_keeps_its_slot_fresh(client, one_at_a_time, monkeypatch):
    EventFactory.create_batch(3, published=True, summary="x" * 40_000)
    touched = []
    monkeypatch.setattr(exports, "SLOT_REFRESH_SECONDS", 0)
    monkeypatch.setattr(exports.ExportSlot, "refresh", lambda slot: touched.append(slot.key))

    read(client.get("/events/export.csv"))

    assert touched and set(touched) == {exports.slot_key(0)}


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("the cache is down")

        return fail


def test_when_the_cache_fails_downloads_are_served_without_a_cap(client, one_at_a_time, monkeypatch, caplog):
    monkeypatch.setattr(exports, "cache", BrokenCache())
    caplog.set_level(logging.WARNING, logger="knowledgebase.opendata.exports")

    first = client.get("/events/export.csv")
    second = client.get("/events/export.csv")

    assert (first.status_code, second.status_code) == (200, 200)
    assert read(first) == read(second)
    assert "cache" in caplog.text


def test_a_zero_cap_means_no_cap(client, settings, db, close):
    settings.EXPORT_CONCURRENCY = 0

    responses = [client.get("/events/export.csv") for _ in range(3)]

    assert [response.status_code for response in responses] == [200, 200, 200]
    for response in responses:
        close(response)


class ForgetfulCache:
    """A cache that keeps nothing, as a Redis cache without a fallback does while Redis is down."""

    def add(self, *args, **kwargs):
        return False

    def get(self, key, default=None):
        return default

    def get_many(self, keys):
        return {}


def test_when_the_cache_keeps_nothing_downloads_are_served_without_a_cap(client, one_at_a_time, monkeypatch, caplog):
    monkeypatch.setattr(exports, "cache", ForgetfulCache())
    caplog.set_level(logging.WARNING, logger="knowledgebase.opendata.exports")

    assert client.get("/events/export.csv").status_code == 200
    assert "keeps nothing" in caplog.text

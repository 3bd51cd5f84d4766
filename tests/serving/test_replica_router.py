"""The read replicas' rules (knowledgebase.serving.replicas), without a real replica: which requests may
read from one, which replica is fit to read from, what happens when one fails under a request, and
the write position that keeps a replica behind the last change out of the page cache.

A replica here is an alias added for the test: "ready" ones get a health state made up by the test,
broken ones point at a database that cannot be opened. tests/deploy/test_replicas.py runs a real
primary and streaming replica."""

import runpy
import time
from contextlib import suppress
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connections, router, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory, override_settings

from knowledgebase.events.models import Event
from knowledgebase.serving import content_version, replicas
from knowledgebase.serving.replicas import ReplicaMiddleware, ReplicaRouter, ReplicaState
from tests.factories import EventFactory
from tests.servers import free_port

SETTINGS = Path(__file__).resolve().parents[2] / "knowledgebase" / "settings.py"
REPLICA, OTHER = "replica_test", "replica_other"
ROUTERS = ["knowledgebase.serving.replicas.ReplicaRouter"]


@pytest.fixture(autouse=True)
def fresh_states(monkeypatch):
    monkeypatch.setattr(replicas, "_states", {})


@pytest.fixture
def with_replicas():
    with override_settings(DATABASE_REPLICAS=[REPLICA], DATABASE_ROUTERS=ROUTERS):
        yield


def ready(alias=REPLICA, replayed=100, lag=0.0):
    """Make this process believe ``alias`` answered its last probe just now (and needs no other)."""
    replicas._states[alias] = ReplicaState(checked_at=time.monotonic() + 3600, replayed=replayed, lag=lag)


def route(request, model=Event, reads=1):
    """The aliases the router gives a view's reads of ``model`` while the middleware handles ``request``."""
    seen = []

    def view(request):
        seen.extend(router.db_for_read(model) for _ in range(reads))
        return HttpResponse()

    ReplicaMiddleware(view)(request)
    return seen if reads > 1 else seen[0]


get = RequestFactory().get


# Settings


def settings_with(monkeypatch, **environment):
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEBUG", "1")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_each_replica_url_becomes_an_alias_that_tests_mirror_and_the_router_is_installed(monkeypatch):
    loaded = settings_with(
        monkeypatch,
        DATABASE_URL="postgres://app@primary.example:5432/kb",
        DATABASE_REPLICA_URL="postgres://app@replica-a.example:5432/kb, postgres://app@replica-b.example:5432/kb",
    )

    assert loaded["DATABASE_REPLICAS"] == ["replica_1", "replica_2"]
    assert [loaded["DATABASES"][alias]["HOST"] for alias in loaded["DATABASE_REPLICAS"]] == [
        "replica-a.example",
        "replica-b.example",
    ]
    replica = loaded["DATABASES"]["replica_1"]
    assert replica["TEST"] == {"MIRROR": "default"}
    assert replica["OPTIONS"]["options"] == "-c jit=off" and replica["OPTIONS"]["connect_timeout"] == 3
    assert replica["CONN_HEALTH_CHECKS"] is True
    assert loaded["DATABASE_ROUTERS"] == ROUTERS
    assert "knowledgebase.serving.replicas.ReplicaMiddleware" in loaded["MIDDLEWARE"]


def test_without_replica_urls_there_is_no_router(monkeypatch):
    loaded = settings_with(monkeypatch, DATABASE_URL="postgres://app@primary.example:5432/kb")

    assert loaded["DATABASE_REPLICAS"] == [] and loaded["DATABASE_ROUTERS"] == []
    assert list(loaded["DATABASES"]) == ["default"]


def test_replicas_need_postgresql(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="needs PostgreSQL"):
        settings_with(monkeypatch, DATABASE_REPLICA_URL="postgres://app@replica.example:5432/kb")


def test_the_suite_runs_without_replicas_and_the_middleware_does_nothing(client, db):
    assert router.routers == []
    response = client.post("/account/login/", {"login_view-current_step": "auth"})

    assert replicas.WROTE_COOKIE not in response.cookies


# Which requests may read from a replica


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/events/", True),
        ("head", "/events/", True),
        ("get", "/uk/events/", True),
        ("get", "/api/v1/events/", True),
        ("get", "/no-such-page/", True),
        ("post", "/events/", False),
        ("put", "/api/v1/events/", False),
        ("options", "/events/", False),
        ("get", "/admin/", False),
        ("get", "/admin/events/event/", False),
        ("get", "/account/login/", False),
    ],
)
def test_only_public_reads_may_use_a_replica(method, path, allowed):
    assert replicas.replicas_allowed(getattr(RequestFactory(), method)(path)) is allowed


def test_a_write_response_sends_that_client_to_the_primary_for_a_while(client, db, with_replicas, monkeypatch):
    response = client.post("/account/login/", {"login_view-current_step": "auth"})
    cookie = response.cookies[replicas.WROTE_COOKIE]
    assert cookie["httponly"] and cookie["max-age"] == 10

    with_cookie = get("/events/")
    with_cookie.COOKIES[replicas.WROTE_COOKIE] = cookie.value
    assert replicas.replicas_allowed(with_cookie) is False

    later = time.time() + 11
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))
    assert replicas.replicas_allowed(with_cookie) is True


def test_a_forged_write_cookie_is_ignored():
    request = get("/events/")
    request.COOKIES[replicas.WROTE_COOKIE] = "1"

    assert replicas.replicas_allowed(request) is True


# Where the router sends reads


def test_a_public_read_goes_to_a_ready_replica_and_the_whole_request_to_the_same_one(with_replicas):
    ready()

    assert route(get("/events/"), reads=3) == [REPLICA] * 3


def test_two_ready_replicas_share_the_reads():
    ready(REPLICA)
    ready(OTHER)
    with override_settings(DATABASE_REPLICAS=[REPLICA, OTHER], DATABASE_ROUTERS=ROUTERS):
        chosen = {route(get("/events/")) for _ in range(40)}

    assert chosen == {REPLICA, OTHER}


@pytest.mark.parametrize("model", [User, Session])
def test_who_is_signed_in_and_what_they_may_do_is_read_on_the_primary(with_replicas, model):
    ready()

    assert route(get("/events/"), model=model) == "default"


def test_writes_migrations_and_reads_outside_a_request_are_on_the_primary(with_replicas):
    ready()

    assert router.db_for_read(Event) == "default"
    assert router.db_for_write(Event) == "default"
    assert ReplicaRouter().allow_migrate("default", "events") is True
    assert ReplicaRouter().allow_migrate(REPLICA, "events") is False


def test_a_read_inside_a_transaction_opened_by_the_request_is_on_the_primary(db, with_replicas):
    ready()
    seen = []

    def view(request):
        seen.append(router.db_for_read(Event))
        with transaction.atomic():
            seen.append(router.db_for_read(Event))
        seen.append(router.db_for_read(Event))
        return HttpResponse()

    ReplicaMiddleware(view)(get("/events/"))

    assert seen == [REPLICA, "default", REPLICA]


@pytest.mark.parametrize(
    ("state", "write_position", "alias"),
    [
        ({"replayed": 100, "lag": 5.0}, None, REPLICA),
        ({"replayed": 100, "lag": 5.1}, None, "default"),  # REPLICA_MAX_LAG is 5 s
        ({"replayed": 100, "lag": 0.0}, 100, REPLICA),
        ({"replayed": 100, "lag": 0.0}, 101, "default"),  # it has not replayed the last change
        ({"replayed": 100, "lag": 0.0}, replicas.UNKNOWN_POSITION, "default"),
        ({"replayed": None, "lag": None}, None, "default"),  # not a streaming standby
    ],
)
def test_a_replica_is_used_only_if_caught_up_with_the_last_change_and_within_the_lag(
    with_replicas, state, write_position, alias
):
    replicas._states[REPLICA] = ReplicaState(checked_at=time.monotonic() + 3600, **state)
    if write_position is not None:
        cache.set(replicas.WRITE_POSITION_KEY, write_position)

    assert route(get("/events/")) == alias


@pytest.mark.parametrize(
    ("row", "fit"),
    [
        ((True, Decimal(50331648), Decimal("0.004"), True), True),
        ((True, Decimal(50331648), Decimal(-0.002), True), True),  # clocks a little apart
        ((False, None, Decimal(0), True), False),  # a primary (the URL is wrong, or it was promoted)
        ((True, Decimal(50331648), Decimal(0), False), False),  # no WAL receiver: cut off from the primary
        ((True, Decimal(50331648), None, True), False),  # behind, and no transaction replayed yet
    ],
)
def test_a_probe_says_whether_a_replica_is_fit_to_read(row, fit):
    state = replicas.state_from_probe(row, now=1.0)

    assert state.ready(required=None, max_lag=5) is fit
    assert state.lag is None or state.lag >= 0


class FakeReplica:
    """A replica's connection that answers the probe with ``row``, or fails with ``error``."""

    def __init__(self, row=(True, 100, 0, True), error=None):
        self.row, self.error, self.probes, self.closed = row, error, 0, 0

    def cursor(self):
        if self.error:
            raise self.error
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql):
        self.probes += 1

    def fetchone(self):
        return self.row

    def close(self):
        self.closed += 1


@pytest.fixture
def clock(monkeypatch):
    now = SimpleNamespace(value=1000.0)
    monkeypatch.setattr(replicas, "time", SimpleNamespace(monotonic=lambda: now.value))
    return now


def test_health_is_probed_at_most_once_a_second_per_process(monkeypatch, clock):
    replica = FakeReplica()
    monkeypatch.setattr(replicas, "connections", {REPLICA: replica})

    for _ in range(50):
        assert replicas.replica_state(REPLICA).ready(None, 5)
    assert replica.probes == 1

    clock.value += replicas.HEALTH_SECONDS
    replicas.replica_state(REPLICA)
    assert replica.probes == 2


def test_a_replica_that_does_not_answer_is_set_aside_then_probed_again(monkeypatch, clock):
    replica = FakeReplica(error=OperationalError("connection refused"))
    monkeypatch.setattr(replicas, "connections", {REPLICA: replica})

    assert not replicas.replica_state(REPLICA).ready(None, 5)
    assert replica.closed == 1
    replica.error = None
    clock.value += replicas.RETRY_SECONDS - 0.1
    assert not replicas.replica_state(REPLICA).ready(None, 5) and replica.probes == 0

    clock.value += 0.1
    assert replicas.replica_state(REPLICA).ready(None, 5) and replica.probes == 1


# A replica that fails under a request


@pytest.fixture
def broken_replica(db, with_replicas):
    """A replica alias whose database cannot be opened, which this process believes healthy."""
    primary = connections["default"].settings_dict
    if connections["default"].vendor == "sqlite":
        broken = {**primary, "NAME": "/nonexistent-folder/replica.sqlite3"}
    else:
        broken = {**primary, "PORT": str(free_port())}  # nothing listens there
    # A connection made on the fly and not in DATABASES, which Django's test case lets a test open.
    connections.settings[REPLICA] = broken
    connections[REPLICA] = connections.create_connection(REPLICA)
    del connections.settings[REPLICA]
    ready()
    yield REPLICA
    with suppress(Exception):
        connections[REPLICA].close()
    del connections[REPLICA]


def set_aside(alias):
    return replicas._states[alias].down_until > time.monotonic()


def test_a_replica_set_aside_is_not_used(broken_replica):
    replicas.set_aside(broken_replica, OperationalError("server closed the connection unexpectedly"))

    assert route(get("/events/")) == "default"


@pytest.mark.parametrize("path", ["/events/{id}/", "/api/v1/events/{id}/"])
def test_a_replica_failing_under_a_page_is_set_aside_and_the_reader_gets_the_page(client, broken_replica, path):
    event = EventFactory(published=True, title="Read on the primary after all")

    response = client.get(path.format(id=event.public_id))

    assert response.status_code == 200
    assert "Read on the primary after all" in response.content.decode()
    assert set_aside(broken_replica)


def test_a_download_whose_replica_fails_is_read_whole_from_the_primary(client, broken_replica):
    EventFactory(published=True, title="In the download")

    response = client.get("/events/export.csv")

    assert response.status_code == 200
    assert "In the download" in b"".join(response.streaming_content).decode()
    assert set_aside(broken_replica)


def test_a_client_that_just_wrote_reads_from_the_primary(client, broken_replica):
    event = EventFactory(published=True, title="Just written")
    cookie = client.post("/account/login/", {"login_view-current_step": "auth"}).cookies[replicas.WROTE_COOKIE]
    assert client.cookies[replicas.WROTE_COOKIE].value == cookie.value

    assert client.get(f"/events/{event.public_id}/").status_code == 200
    assert not set_aside(broken_replica), "the replica was not even tried"


def test_a_download_reads_its_later_blocks_from_the_same_replica(with_replicas):
    ready()

    def view(request):
        return StreamingHttpResponse(router.db_for_read(Event) for _ in range(3))

    response = ReplicaMiddleware(view)(get("/events/export.csv"))

    assert [chunk.decode() for chunk in response.streaming_content] == [REPLICA] * 3
    assert router.db_for_read(Event) == "default", "and nothing else does afterwards"


# The write position that keeps a replica behind the last change out of the page cache


@pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="WAL positions are PostgreSQL's (replicas need it)"
)
def test_a_content_change_records_the_primarys_wal_position_before_the_version_is_bumped(
    db, with_replicas, django_capture_on_commit_callbacks, monkeypatch
):
    bumps = []
    bump = content_version.bump_content_version
    monkeypatch.setattr(
        content_version, "bump_content_version", lambda: bumps.append(cache.get(replicas.WRITE_POSITION_KEY)) or bump()
    )
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")
        before = int(cursor.fetchone()[0])

    with django_capture_on_commit_callbacks(execute=True):
        EventFactory(title="Changed")

    assert bumps[-1] is not None and bumps[-1] >= before, "recorded before the bump that follows the commit"
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND pid = pg_backend_pid()",
            [replicas.WRITE_POSITION_LOCK],
        )
        assert cursor.fetchone()[0] == 0, "the lock is released"


@pytest.mark.skipif(connections["default"].vendor != "sqlite", reason="a primary without WAL positions: SQLite")
def test_when_the_position_cannot_be_read_readers_use_the_primary_and_the_version_is_still_bumped(
    db, with_replicas, django_capture_on_commit_callbacks
):
    version = content_version.content_version()

    with django_capture_on_commit_callbacks(execute=True):
        EventFactory(title="Changed")

    assert cache.get(replicas.WRITE_POSITION_KEY) == replicas.UNKNOWN_POSITION
    assert content_version.content_version() > version
    ready(replayed=10**15)
    assert route(get("/events/")) == "default"

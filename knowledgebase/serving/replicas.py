"""Read replicas: public reads from PostgreSQL streaming standbys, everything else from the primary.

With ``DATABASE_REPLICA_URL`` set, settings add one alias per replica (``replica_1``…, listed in
``DATABASE_REPLICAS``) and install ``ReplicaRouter``; ``ReplicaMiddleware`` gives each request its
``Reading``. Without replicas neither does anything. The rules:

* The primary serves every write and migration; every read outside a request (management commands,
  the shell); the admin and the sign-in pages; any request but GET and HEAD; any read inside a
  ``transaction.atomic`` opened during the request; who is signed in and what they may do (``auth``,
  ``sessions``, second factors, lockouts, the admin's log); and, for READ_YOUR_WRITES_SECONDS after a
  response to a write, that client's reads (a signed cookie marks them).
* Any other request reads from one replica, chosen at random among those that answer, lag by at most
  REPLICA_MAX_LAG seconds and have replayed the last content change (below): one replica for the whole
  request, so that a page shows one state. When none qualifies, the primary.
* Health is probed per process and replica at most every HEALTH_SECONDS, on the replica's own
  connection: no query on the primary, none per request. The lag is 0 while the replica has replayed
  all the WAL it received, else the time since the commit of the last transaction it replayed (that
  time alone grows on an idle primary without any lag). A replica without a running WAL receiver is
  not used: cut off from the primary, it would not know how far behind it is.
* A replica that fails under a request (stopped, restarted, unreachable, or cancelling a query for a
  conflict with recovery) is set aside for RETRY_SECONDS and its connection closed, and the request
  runs again on the primary: the reader gets the page, not an error.
* The page cache is never filled from a replica that is behind. After a commit that changes content,
  the primary's WAL position is recorded in the cache *before* the content version is bumped (under
  an advisory lock, so that recorded positions only grow), and a request reads from a replica only if
  it has replayed the position read at the request's first query, which comes after the page cache
  read the version. A page stored under a version is thus never older than the change that made it.
"""

import contextlib
import contextvars
import random
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpResponse

from knowledgebase.serving.middleware import STAFF_NAMESPACES, resolver_match
from knowledgebase.serving.outage import database_unavailable, failures

READ_METHODS = ("GET", "HEAD")
# Who is signed in and what they may do is read where it was last written.
PRIMARY_APPS = frozenset({"auth", "sessions", "admin", "axes", "otp_static", "otp_totp"})
HEALTH_SECONDS = 1.0
RETRY_SECONDS = 5.0
WROTE_COOKIE = "kb_wrote"
WROTE_SALT = "knowledgebase.serving.replicas"
WRITE_POSITION_KEY = "content:write-position"
# Recorded when the position could not be read: no replica is that far, so readers use the primary
# until the next change records a position, or this expires.
UNKNOWN_POSITION = 2**63
UNKNOWN_POSITION_SECONDS = 60
WRITE_POSITION_LOCK = 0x6B627265  # the advisory lock's key; nothing else in the site takes one

PROBE = """
SELECT pg_is_in_recovery(),
       pg_last_wal_replay_lsn() - '0/0'::pg_lsn,
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) END,
       EXISTS (SELECT FROM pg_stat_wal_receiver WHERE status IS NULL OR status = 'streaming')
"""

_reading = contextvars.ContextVar("replica_reading", default=None)


@dataclass
class Reading:
    """Where one request reads: a replica only if ``replicas_allowed``; which one is chosen at its first
    read. ``depth`` is the primary's transaction depth when the request began."""

    replicas_allowed: bool
    depth: int = 0
    alias: str | None = None
    replica_used: bool = False
    failed: bool = False


def transaction_depth(connection):
    return len(connection.savepoint_ids) + 1 if connection.in_atomic_block else 0


def replicas_allowed(request):
    """True when ``request`` may read from a replica (see the rules above)."""
    if request.method not in READ_METHODS:
        return False
    match = resolver_match(request)
    if match is not None and STAFF_NAMESPACES.intersection(match.namespaces):
        return False
    return not wrote_recently(request)


def wrote_recently(request):
    seconds = settings.READ_YOUR_WRITES_SECONDS
    if seconds <= 0:
        return False
    return request.get_signed_cookie(WROTE_COOKIE, default=None, salt=WROTE_SALT, max_age=seconds) is not None


def remember_write(response):
    """Send this client's reads to the primary for READ_YOUR_WRITES_SECONDS: it may have just written."""
    seconds = settings.READ_YOUR_WRITES_SECONDS
    if seconds > 0:
        response.set_signed_cookie(
            WROTE_COOKIE,
            "1",
            salt=WROTE_SALT,
            max_age=seconds,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


@dataclass(frozen=True)
class ReplicaState:
    """What this process last learnt of one replica. ``replayed`` (a WAL position) is None when it may
    not be read: unreachable until ``down_until``, not a standby, or not streaming."""

    checked_at: float = float("-inf")
    down_until: float = float("-inf")
    replayed: int | None = None
    lag: float | None = None

    def ready(self, required, max_lag):
        """True when a request may read from it: ``required`` is the recorded write position (or None)."""
        return self.replayed is not None and self.lag <= max_lag and (required is None or self.replayed >= required)


def state_from_probe(row, now):
    in_recovery, replayed, lag, receiving = row
    if not (in_recovery and receiving) or replayed is None or lag is None:
        return ReplicaState(checked_at=now)
    return ReplicaState(checked_at=now, replayed=int(replayed), lag=max(float(lag), 0.0))


_states = {}
_probing = threading.Lock()


def replica_state(alias):
    """This process's view of ``alias``, probed again once it is HEALTH_SECONDS old (by one thread at a
    time; meanwhile the others use the last one)."""
    state = _states.get(alias, ReplicaState())
    now = time.monotonic()
    if now < state.down_until or now - state.checked_at < HEALTH_SECONDS or not _probing.acquire(blocking=False):
        return state
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(PROBE)
            row = cursor.fetchone()
    except DatabaseError as error:
        return set_aside(alias, error)
    finally:
        _probing.release()
    failures.recovered(_failure_kind(alias))
    state = _states[alias] = state_from_probe(row, now)
    return state


def set_aside(alias, error):
    """``alias`` failed: no request reads from it for RETRY_SECONDS; logged once a minute at most."""
    first_line = (str(error).strip().splitlines() or [""])[0]
    failures.record(_failure_kind(alias), f"{type(error).__name__}: {first_line}"[:300])
    state = _states[alias] = ReplicaState(down_until=time.monotonic() + RETRY_SECONDS)
    with contextlib.suppress(DatabaseError):
        connections[alias].close()
    return state


def _failure_kind(alias):
    return f"database replica {alias} unavailable"


def choose_replica():
    """A replica that a request may read from now, or None."""
    states = {alias: replica_state(alias) for alias in settings.DATABASE_REPLICAS}
    if all(state.replayed is None for state in states.values()):
        return None
    required = cache.get(WRITE_POSITION_KEY)
    ready = [alias for alias, state in states.items() if state.ready(required, settings.REPLICA_MAX_LAG)]
    return random.choice(ready) if ready else None


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads as the request's ``Reading`` says, writes and migrations on the primary."""

    def db_for_read(self, model, **hints):
        reading = _reading.get()
        if (
            reading is None
            or not reading.replicas_allowed
            or model._meta.app_label in PRIMARY_APPS
            or transaction_depth(connections[DEFAULT_DB_ALIAS]) > reading.depth
        ):
            return DEFAULT_DB_ALIAS
        if reading.alias is None:
            reading.alias = choose_replica() or DEFAULT_DB_ALIAS
        if reading.alias != DEFAULT_DB_ALIAS:
            reading.replica_used = True
        return reading.alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # a replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Give each request its ``Reading``; run it again on the primary when a replica fails under it;
    mark the responses to writes (read your own writes). Placed after the page cache and the outage
    handling, so that its ``process_exception`` runs before theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        reading = Reading(replicas_allowed(request), transaction_depth(connections[DEFAULT_DB_ALIAS]))
        response = self._respond(request, reading)
        if reading.failed:
            reading = Reading(replicas_allowed=False, depth=reading.depth)
            response = self._respond(request, reading)
        if request.method not in READ_METHODS:
            remember_write(response)
        elif reading.replicas_allowed and response.streaming:
            response.streaming_content = _read_in(reading, response.streaming_content)
        return response

    def _respond(self, request, reading):
        token = _reading.set(reading)
        try:
            return self.get_response(request)
        finally:
            _reading.reset(token)

    def process_exception(self, request, exception):
        """The view (or its template) met a database failure while reading from a replica: set the
        replica aside and answer for now with a placeholder, which ``__call__`` replaces by the
        request run again on the primary."""
        reading = _reading.get()
        if reading is None or not reading.replica_used or not database_unavailable(exception):
            return None
        set_aside(reading.alias, exception)
        reading.failed = True
        return HttpResponse(status=503)


def _read_in(reading, chunks):
    """The chunks of a streaming response (a download), each produced in the request's ``Reading``:
    the server reads them after the middleware has returned, and a download reads from one server."""
    chunks = iter(chunks)
    while True:
        token = _reading.set(reading)
        try:
            chunk = next(chunks)
        except StopIteration:
            return
        except Exception as error:
            if reading.replica_used and database_unavailable(error):
                set_aside(reading.alias, error)
            raise
        finally:
            _reading.reset(token)
        yield chunk


@contextlib.contextmanager
def write_position_recorded():
    """Around the content version's bump after a commit: record the primary's WAL position first (see
    the module's docstring), holding an advisory lock until the bump is done."""
    if not settings.DATABASE_REPLICAS:
        yield
        return
    connection = connections[DEFAULT_DB_ALIAS]
    locked = False
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [WRITE_POSITION_LOCK])
            locked = True
            cursor.execute("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")
            position = int(cursor.fetchone()[0])
        cache.set(WRITE_POSITION_KEY, position, timeout=None)
    except DatabaseError:
        cache.set(WRITE_POSITION_KEY, UNKNOWN_POSITION, timeout=UNKNOWN_POSITION_SECONDS)
    try:
        yield
    finally:
        if locked:
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [WRITE_POSITION_LOCK])

"""A real primary and streaming replica: gunicorn reads public pages from the replica, publishes through
the primary, never caches a page from a replica that has not replayed the publish, and keeps answering
readers when the replica is stopped under them.

The two PostgreSQL clusters are this test's own (``initdb``, then ``pg_basebackup -R``; see
``tests.servers.StandbyPostgres``), on their own ports: the shared server allows no replication
connections and is never touched. The test needs no test database, so it runs whatever DATABASE_URL
the suite uses. It measures the replication lag (commit on the primary to visible on the replica) and
prints it; docs/deploy.md quotes it.
"""

import concurrent.futures
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, suppress
from pathlib import Path

import psycopg
import pytest

from tests.deploy.conftest import ROOT, gunicorn
from tests.deploy.test_outages import Browser
from tests.servers import PG_BIN, Postgres, Redis, StandbyPostgres, as_postgres, wait_until

PASSWORD = "a long pass phrase for the replica test"
DRAFT = "Exchange published while the replica stood still"

pytestmark = pytest.mark.skipif(
    not (PG_BIN / "initdb").exists(), reason="needs PostgreSQL 15's server binaries (initdb, pg_basebackup)"
)


def connect(server):
    return psycopg.connect(server.url.replace("postgres://", "postgresql://"), autocommit=True, connect_timeout=5)


def ran_on(server, term):
    """True if ``server`` ran a statement with ``term`` in it (each cluster logs every statement of the
    site's database, with its parameters, once the site is prepared)."""
    return term in (server.folder / "log").read_text(errors="replace")


def search(browser, term):
    """An event search for ``term``: a page the cache has not seen, read from the database."""
    status, _headers, _html = browser.get(f"/events/?q={term}")
    return status


def read_on(server, browser, prefix, seconds=6):
    """Search for prefix0, prefix1… until a search runs on ``server``; the term that did, or None."""
    deadline, n = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        term = f"{prefix}{n}"
        assert search(browser, term) == 200
        if ran_on(server, term):
            return term
        n += 1
        time.sleep(0.1)
    return None


def event_count(html):
    return int(re.search(r"([\d,]+)\s+events", html).group(1).replace(",", ""))


def quietly(action):
    def run():
        with suppress(Exception):
            action()

    return run


# The site's database, built through the primary in one process: migrations, a few events (one a
# draft), a reviewer; then every statement on the site's database is logged, on both clusters.
PREPARE = f"""
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from tests.factories import EventFactory
call_command("migrate", interactive=False, verbosity=0)
for n in range(3):
    EventFactory(published=True, title=f"Public event {{n}}")
EventFactory(title="{DRAFT}")
User.objects.create_user("mykola", password="{PASSWORD}", is_staff=True).groups.add(Group.objects.get(name="Reviewer"))
connection.cursor().execute("ALTER DATABASE knowledgebase SET log_statement = 'all'")
"""


@pytest.fixture(scope="module")
def site():
    """gunicorn with DATABASE_URL on a primary and DATABASE_REPLICA_URL on its streaming replica, a few
    events written through the primary (the replica streams them), and a reviewer."""
    # Not pytest's tmp_path: the clusters run as the postgres user, who cannot enter root's folders.
    folder = Path(tempfile.mkdtemp(prefix="kb-replicas-"))
    folder.chmod(0o755)
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        env = {
            **os.environ,
            "DATABASE_REPLICA_URL": "",  # set with DATABASE_URL once the clusters run
            "SECRET_KEY": "replica-test-" + "k" * 40,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "0",
            "STATIC_ROOT": str(folder / "static"),
            "STAFF_2FA_REQUIRED": "0",
            "RATE_LIMIT_API": "off",
            "RATE_LIMIT_SEARCH": "off",
            "RATE_LIMIT_LOGIN": "off",
            # Only the write position may keep the replica out while its replay is paused below.
            "REPLICA_MAX_LAG": "60",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "knowledgebase.settings",
        }
        manage = [sys.executable, "manage.py"]
        # Static files need no database: collected while the clusters are made and the site migrated.
        collecting = subprocess.Popen([*manage, "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env)
        stack.callback(collecting.wait)
        primary = Postgres(folder / "primary")
        primary.start()
        stack.callback(quietly(primary.stop))
        as_postgres(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", primary.port, "-U", "postgres", "knowledgebase")
        replica = StandbyPostgres(folder / "replica", primary)
        replica.start()
        stack.callback(quietly(replica.stop))
        # A shared cache when redis-server is at hand, as in production; else one process's own.
        redis = Redis(folder) if shutil.which("redis-server") else None
        if redis:
            redis.start()
            stack.callback(quietly(redis.stop))
        env.update(
            DATABASE_URL=primary.url,
            DATABASE_REPLICA_URL=replica.url,
            REDIS_URL=redis.url if redis else "",
            GUNICORN_WORKERS="2" if redis else "1",
        )
        subprocess.run([*manage, "shell", "--verbosity", "0", "-c", PREPARE], cwd=ROOT, env=env, check=True)
        assert collecting.wait() == 0
        base = stack.enter_context(gunicorn(env, log=folder / "gunicorn.log"))
        yield {"base": base, "primary": primary, "replica": replica, "log": folder / "gunicorn.log"}


def test_replication_lag_is_measured(site):
    """The time from a commit on the primary to its row being visible on the replica, over several
    writes (printed; docs/deploy.md quotes it)."""
    with connect(site["primary"]) as primary, connect(site["replica"]) as replica:
        primary.execute("CREATE TABLE replication_probe (n integer)")
        wait_until(lambda: replica.execute("SELECT to_regclass('replication_probe')").fetchone()[0], what="the table")
        lags = []
        for n in range(15):
            primary.execute("INSERT INTO replication_probe VALUES (%s)", [n])
            committed = time.perf_counter()
            while not replica.execute("SELECT 1 FROM replication_probe WHERE n = %s", [n]).fetchone():
                time.sleep(0.0002)
            lags.append(time.perf_counter() - committed)
    median = statistics.median(lags)
    print(f"\nreplication lag: median {median * 1000:.1f} ms, max {max(lags) * 1000:.1f} ms over 15 commits")  # noqa: T201
    assert median < 1.0


def test_public_reads_come_from_the_replica_and_a_publish_shows_at_once(site):
    base, primary, replica = site["base"], site["primary"], site["replica"]
    reader = Browser(base)
    term = read_on(replica, reader, "warm")
    assert term and not ran_on(primary, term), "an anonymous reader reads on the replica, not the primary"
    for n in range(5):
        assert search(reader, f"reader{n}") == 200
        assert ran_on(replica, f"reader{n}") and not ran_on(primary, f"reader{n}")

    reviewer = Browser(base)
    status, _headers, _html = reviewer.post_form(
        "/account/login/?next=/admin/",
        {"login_view-current_step": "auth", "auth-username": "mykola", "auth-password": PASSWORD},
    )
    assert status == 302
    ((pk, public_id),) = primary.query("SELECT id, public_id FROM events_event WHERE title = %s", DRAFT)
    detail = f"/events/{public_id}/"
    assert reader.get(detail)[0] == 404
    published = event_count(reader.get("/events/")[2])  # now in the page cache

    replica.query("SELECT pg_wal_replay_pause()")
    try:
        changelist = "/admin/events/event/"
        publish = {"action": "publish_selected", "_selected_action": [pk]}
        assert reviewer.post_form(changelist, publish)[0] == 200
        assert reviewer.post_form(changelist, {**publish, "apply": "1"})[0] == 302
        assert primary.query("SELECT status FROM events_event WHERE id = %s", pk) == [("published",)]
        assert replica.query("SELECT status FROM events_event WHERE id = %s", pk) == [("draft",)]

        # The replica has not replayed the publish: these are read on the primary, and cached so.
        for state in ("miss", "hit"):
            status, headers, html = reader.get(detail)
            assert (status, headers.get("X-Cache")) == (200, state) and DRAFT in html
            status, headers, html = reader.get("/events/")
            assert headers.get("X-Cache") == state and event_count(html) == published + 1
        assert read_on(replica, reader, "paused", seconds=1) is None, "no read on the replica meanwhile"
    finally:
        replica.query("SELECT pg_wal_replay_resume()")

    wait_until(lambda: replica.query("SELECT status FROM events_event WHERE id = %s", pk) == [("published",)])
    assert read_on(replica, reader, "after"), "caught up, the replica serves readers again"


def test_stopping_the_replica_under_readers_costs_them_nothing(site):
    base, replica = site["base"], site["replica"]
    paths = ["/events/?q=stop{n}", "/api/v1/events/?q=stop{n}", "/events/?sort=oldest&q=stop{n}"]
    stopped, done = threading.Event(), threading.Event()

    def reader(offset):
        browser, results, n = Browser(base), [], offset
        while not done.is_set():
            status, _headers, _body = browser.get(paths[n % len(paths)].format(n=n))
            results.append((stopped.is_set(), status))
            n += 2
        return results

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        readers = [pool.submit(reader, offset) for offset in range(2)]
        try:
            time.sleep(1)
            replica.stop()
            stopped.set()
            time.sleep(2)
            replica.start()
            back = read_on(replica, Browser(base), "back", seconds=15)
        finally:
            done.set()
        results = [result for future in readers for result in future.result()]

    assert {status for _stopped, status in results} == {200}, [status for _stopped, status in results]
    assert sum(during for during, _status in results) >= 5, "readers kept reading while the replica was down"
    assert back, "the replica serves readers again once it is back, without a restart"
    log = site["log"].read_text()
    assert "Traceback" not in log
    assert "database replica replica_1 unavailable" in log

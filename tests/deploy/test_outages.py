"""Outages with real servers: a throwaway PostgreSQL cluster and a throwaway Redis, each stopped while
gunicorn serves readers and an editor, then started again.

What must hold: readers get cached pages or a 503 with Retry-After, never a 500; an editor is told
their save did not happen and keeps what they typed; the log gets a line per kind of failure, not a
traceback per request; nothing committed is lost; the site recovers without a restart.

The servers are this test's own, on their own ports; the shared PostgreSQL and Redis are never
touched. Runs in the PostgreSQL pass of CI only (the site under test needs PostgreSQL to be stopped;
the SQLite pass has nothing to stop).
"""

import concurrent.futures
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import suppress
from html import unescape
from pathlib import Path

import pytest

from tests.deploy.conftest import ROOT, gunicorn
from tests.servers import PG_BIN, Postgres, Redis, as_postgres, wait_until

PASSWORD = "a long pass phrase for the outage test"
JAN_2024_EXCHANGE = "74pfk83e"

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").split(":", 1)[0] not in ("postgres", "postgresql"),
        reason="the PostgreSQL pass of CI runs it: the SQLite pass has no database server to stop",
    ),
    pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason="needs PostgreSQL 15's server binaries"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


class Browser:
    """A cookie-keeping HTTP client for the loopback test server."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})  # noqa: S310 - loopback
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def get(self, path, **headers):
        return self.request(path, headers=headers)

    def post_form(self, path, data):
        status, _headers, html = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        return self.request(path, {**data, "csrfmiddlewaretoken": token}, {"Referer": self.base + path})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def form_fields(html):
    """The hidden fields of the first POST form of a page, as a browser would send them back."""
    form = re.search(r'<form method="post"[^>]*>(.*?)</form>', html, re.S).group(1)
    fields = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        fields.setdefault(unescape(name), []).append(unescape(value))
    return fields


def change_form_fields(html):
    """What the admin's change form of an event sends when saved unchanged (the fields this test edits)."""
    fields = {}
    for name, value in re.findall(
        r'<input type="(?:text|hidden|number|date)" name="([^"]+)"[^>]*?value="([^"]*)"', html
    ):
        fields.setdefault(unescape(name), []).append(unescape(value))
    for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>\n?(.*?)</textarea>', html, re.S):
        fields[unescape(name)] = [unescape(value)]
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', options)
        if chosen:
            fields[unescape(name)] = [unescape(value) for value in chosen]
    return fields


@pytest.fixture(scope="module")
def site():
    """gunicorn on its own PostgreSQL cluster and Redis, with the demo content and an editor."""
    # Not pytest's tmp_path: the cluster runs as the postgres user, who cannot enter root's folders.
    folder = Path(tempfile.mkdtemp(prefix="kb-outage-"))
    folder.chmod(0o755)
    postgres, redis = Postgres(folder / "postgres"), Redis(folder)
    postgres.start()
    redis.start()
    as_postgres(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", postgres.port, "-U", "postgres", "knowledgebase")
    env = {
        **os.environ,
        "DATABASE_URL": postgres.url,
        "REDIS_URL": redis.url,
        "SECRET_KEY": "outage-test-" + "k" * 40,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": str(folder / "static"),
        "GUNICORN_WORKERS": "2",
        "STAFF_2FA_REQUIRED": "0",
        "RATE_LIMIT_API": "off",
        "RATE_LIMIT_SEARCH": "off",
        "RATE_LIMIT_EXPORT": "off",
        "RATE_LIMIT_LOGIN": "off",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "knowledgebase.settings",
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["load_demo"], ["collectstatic", "--noinput"]):
        subprocess.run([*manage, *command, "--verbosity", "0"], cwd=ROOT, env=env, check=True)
    create_editor = (
        "from django.contrib.auth.models import Group, User; "
        f"u = User.objects.create_user('olena', password='{PASSWORD}', is_staff=True); "
        "u.groups.add(Group.objects.get(name='Editor'))"
    )
    subprocess.run([*manage, "shell", "--verbosity", "0", "-c", create_editor], cwd=ROOT, env=env, check=True)
    try:
        with gunicorn(env, log=folder / "gunicorn.log") as base:
            wait_until(lambda: Browser(base).get("/health/")[0] == 200, seconds=60, what="gunicorn")
            yield {"base": base, "postgres": postgres, "redis": redis, "log": folder / "gunicorn.log"}
    finally:
        with suppress(Exception):
            redis.stop()
        with suppress(Exception):
            postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


def sign_in(base):
    editor = Browser(base)
    status, _headers, _html = editor.post_form(
        "/account/login/?next=/admin/",
        {"login_view-current_step": "auth", "auth-username": "olena", "auth-password": PASSWORD},
    )
    assert status == 302
    return editor


def draft_event_url(site):
    ((pk,),) = site["postgres"].query("SELECT id FROM events_event WHERE status = 'draft' ORDER BY id LIMIT 1")
    return f"/admin/events/event/{pk}/change/", pk


def read_concurrently(base, paths, seconds):
    """Readers requesting ``paths`` round and round for ``seconds``: [(path, status, headers)]."""

    def reader(offset):
        browser, results, deadline, index = Browser(base), [], time.monotonic() + seconds, offset
        while time.monotonic() < deadline:
            path = paths[index % len(paths)]
            status, headers, _body = browser.get(path)
            results.append((path, status, headers))
            index += 1
        return results

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return [result for results in pool.map(reader, range(4)) for result in results]


CACHED = ["/", "/events/", f"/events/{JAN_2024_EXCHANGE}/", "/briefs/", "/api/v1/events/"]
NEVER_SEEN = ["/events/?sort=oldest", "/search/?q=exchange", "/actors/", "/api/v1/figures/"]


def test_a_database_outage_gives_cached_pages_or_503s_and_loses_nothing(site):
    base, postgres = site["base"], site["postgres"]
    reader = Browser(base)
    for path in CACHED:
        assert reader.get(path)[0] == 200, path
    editor = sign_in(base)
    url, pk = draft_event_url(site)
    status, _headers, html = editor.get(url)
    assert status == 200
    fields = change_form_fields(html)
    status, _headers, _html = editor.request(
        url, {**fields, "title_en": ["Saved before the outage"], "_continue": ["1"]}
    )
    assert status == 302
    status, _headers, html = editor.get(url)
    fields = change_form_fields(html)

    postgres.stop()
    try:
        results = read_concurrently(base, CACHED + NEVER_SEEN, seconds=4)
        status, _headers, not_saved = editor.request(
            url, {**fields, "title_en": ["Typed during the outage"], "_save": ["1"]}
        )
    finally:
        postgres.start()

    assert results and {status for _path, status, _headers in results} <= {200, 503}
    assert all(status == 200 for path, status, _headers in results if path in CACHED), "a cached page was lost"
    unavailable = [headers for path, status, headers in results if status == 503]
    assert unavailable and all(headers.get("Retry-After") == "30" for headers in unavailable)
    assert status == 503 and "Your changes were not saved" in not_saved
    assert 'value="Typed during the outage"' in not_saved

    wait_until(lambda: Browser(base).get("/health/")[0] == 200, what="the site after the outage")
    assert Browser(base).get("/events/?sort=oldest")[0] == 200
    resent = form_fields(not_saved)
    status, _headers, _html = editor.request(url, resent, {"Referer": base + url})
    assert status == 302, "sending the kept form again saves it"
    assert postgres.query("SELECT title FROM events_event WHERE id = %s", pk) == [("Typed during the outage",)]
    assert postgres.query("SELECT count(*) FROM events_event WHERE status = 'published'")[0][0] > 0

    log = site["log"].read_text()
    assert "Traceback" not in log
    assert 0 < log.count("database unavailable") <= 4, log[-2000:]


def test_a_redis_outage_leaves_the_site_working_and_it_recovers(site):
    base, redis = site["base"], site["redis"]
    reader = Browser(base)
    reader.get("/events/")
    assert reader.get("/events/")[1].get("X-Cache") in {"hit", "miss"}
    editor = sign_in(base)

    redis.stop()
    try:
        results = read_concurrently(base, CACHED + NEVER_SEEN + ["/health/"], seconds=3)
        admin = editor.get("/admin/")[0]
        fresh_editor = sign_in(base)
        health = Browser(base).get("/health/")
    finally:
        redis.start()

    assert results and {status for _path, status, _headers in results} == {200}
    assert admin == 200, "a session survives the cache's outage"
    assert fresh_editor.get("/admin/")[0] == 200, "signing in works without the cache"
    assert health[0] == 200 and '"cache": "degraded"' in health[2]

    def cached_again():
        Browser(base).get("/briefs/")
        return (
            Browser(base).get("/briefs/")[1].get("X-Cache") == "hit"
            and '"cache": "ok"' in Browser(base).get("/health/")[2]
        )

    wait_until(cached_again, seconds=20, what="the shared cache")
    log = site["log"].read_text()
    assert "Traceback" not in log
    assert "cache unavailable" in log

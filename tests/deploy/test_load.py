"""Load in CI: eight keep-alive clients for half a minute against a production-like gunicorn server.

The demo content on the test database (PostgreSQL), the shared page cache in a Redis database of
this test's own, rate limits off (they have tests of their own). The mix is what readers and robots
send: the home page, event lists with and without filters, event pages, the exchange tracker, the
displacement explorer, searches, the API's lists and records, feeds, other profiles; queries that
defeat the page cache (a new search each time) and ones it must fold together (unknown parameters,
page numbers past the end); and a few complete CSV and JSON downloads.

Asserted: not one error (every answer 200, no connection failure, every download complete). Printed
(``pytest -s``) and written to ``test-artifacts/load-test.json``: requests per second, p50 and p95
latency overall and per kind of request, and how many answers came from the page cache. The clients
share the two cores with the server, so the figures are lower bounds.

Like a browser, a client whose kept-alive connection the server has just closed (a worker restarting
after ``max_requests``) sends its request again once on a new connection; those are counted as
reconnects, not errors.
"""

import csv
import datetime
import http.client
import io
import json
import os
import platform
import random
import statistics
import threading
import time
from collections import Counter, defaultdict
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.briefs.models import Brief
from knowledgebase.core.countries import load_iso_countries
from knowledgebase.core.models import Country
from knowledgebase.core.workflow_groups import sync_workflow_groups
from knowledgebase.displacement.exports import STATISTICS
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.exports import EVENTS, EXCHANGES, FIGURES
from knowledgebase.events.models import Event
from tests.deploy.conftest import REDIS, ROOT, gunicorn, needs_redis, on_postgresql, production_env

CLIENTS = 8
SECONDS = 30
REDIS_DB = 12
WORKERS = 3  # as the benchmarks run it (benchmarks/README.md); two threads each (knowledgebase.gunicorn)
ARTIFACT = ROOT / "test-artifacts" / "load-test.json"
DOWNLOADS = {
    "/events/export.": EVENTS,
    "/events/figures.": FIGURES,
    "/pow-exchanges/export.": EXCHANGES,
    "/displacement/export.": STATISTICS,
}
WORDS = ["exchange", "prisoners", "Lubinets", "Avdiivka", "NATO", "Medvedchuk", "Tokayev", "displacement", "Azov"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not on_postgresql, reason="needs PostgreSQL: the server processes share the test database"),
    needs_redis,
]


@pytest.fixture
def site(transactional_db, tmp_path):
    """A production-like server (DEBUG off, Redis cache, rate limits off) with the demo content;
    yields (its URL, the file its error log goes to)."""
    import redis

    load_iso_countries(Country)
    sync_workflow_groups(django_apps)
    call_command("load_demo", verbosity=0)
    shared_cache = redis.Redis(*REDIS, db=REDIS_DB)
    shared_cache.flushdb()
    env = production_env(
        tmp_path,
        REDIS_URL=f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
        RATE_LIMIT_API="off",
        RATE_LIMIT_EXPORT="off",
        RATE_LIMIT_SEARCH="off",
        # A slot per client: a download refused for want of one could then only be a leaked slot.
        EXPORT_CONCURRENCY=str(CLIENTS),
        GUNICORN_WORKERS=str(WORKERS),
    )
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, log=log) as url:
        yield url, log
    shared_cache.flushdb()


def request_mix():
    """(kind, weight, function of a random generator giving a path), from the rows in the database."""
    events = list(Event.objects.published().values_list("public_id", flat=True))
    actors = list(Actor.objects.values_list("slug", flat=True))
    organizations = list(Organization.objects.values_list("slug", flat=True))
    briefs = list(Brief.objects.published().values_list("slug", flat=True))
    statistics_ = list(DisplacementStatistic.objects.published().values_list("public_id", flat=True))
    filters = [
        {"country": "UA"},
        {"type": "prisoner-exchange"},
        {"theme": "pows-and-detainees", "country": "RU"},
        {"date_after": "2023-01-01", "sort": "oldest"},
        {"disputed": "true"},
        {"category": "detention-and-pows", "type": ["prisoner-exchange", "exchange-suspension"]},
        {"actor": "dmytro-lubinets"},
        {"provision": "gc3-art-13"},
    ]

    def query(**parameters):
        return "?" + urlencode(parameters, doseq=True)

    def new_search(r):
        return f"{r.choice(WORDS)} or {r.getrandbits(32):08x}"  # matches the word's rows; a new page each time

    api_lists = ["/api/v1/events/", "/api/v1/events/?country=UA", "/api/v1/figures/", "/api/v1/statistics/"]
    feeds = ["/feeds/events/", "/feeds/events/?country=UA", "/feeds/briefs/"]
    return [
        ("home", 8, lambda r: "/"),
        ("events", 8, lambda r: "/events/"),
        ("events-filtered", 10, lambda r: "/events/" + query(**r.choice(filters), page=r.randint(1, 3))),
        ("event", 14, lambda r: f"/events/{r.choice(events)}/"),
        ("pow-exchanges", 5, lambda r: "/pow-exchanges/"),
        ("displacement", 5, lambda r: "/displacement/" + r.choice(["", "?origin=global", "?measurement=stock"])),
        ("search", 7, lambda r: "/search/" + query(q=new_search(r))),
        ("events-search", 5, lambda r: "/events/" + query(q=new_search(r))),
        # Unknown parameters the page cache drops (one stored page); page numbers it keeps (mostly past the end).
        ("unknown-parameter", 5, lambda r: "/events/" + query(**{f"utm_{r.getrandbits(16)}": "x"})),
        ("random-page", 4, lambda r: "/events/" + query(page=r.randint(1, 10_000))),
        ("actor", 3, lambda r: f"/actors/{r.choice(actors)}/"),
        ("organization", 2, lambda r: f"/organizations/{r.choice(organizations)}/"),
        ("brief", 2, lambda r: f"/briefs/{r.choice(briefs)}/"),
        ("api-list", 7, lambda r: r.choice(api_lists)),
        ("api-detail", 7, lambda r: f"/api/v1/events/{r.choice(events)}/"),
        ("api-statistic", 1, lambda r: f"/api/v1/statistics/{r.choice(statistics_)}/"),
        ("feed", 4, lambda r: r.choice(feeds)),
        ("actor-feed", 1, lambda r: f"/feeds/actors/{r.choice(actors)}/"),
        ("download-csv", 1, lambda r: r.choice(sorted(DOWNLOADS)) + "csv" + r.choice(["", "?country=UA"])),
        ("download-json", 1, lambda r: r.choice(sorted(DOWNLOADS)) + "json"),
    ]


def incomplete_download(path, body):
    """Why the body of a download is not the whole file, or None: the CSV's header and HXL rows, then rows
    of the header's width, ending with a line end; a JSON array of records with the columns as keys."""
    route, fmt = urlsplit(path).path.rsplit(".", 1)
    columns = DOWNLOADS[route + "."].columns
    names = [column.name for column in columns]
    try:
        text = body.decode("utf-8")
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
            if rows[:2] != [names, [column.hxl for column in columns]]:
                return "no header and HXL rows"
            if any(len(row) != len(names) for row in rows) or not text.endswith("\n"):
                return "a row cut short"
        elif not all(list(record) == names for record in json.loads(text)):
            return "records without the columns"
    except (UnicodeDecodeError, csv.Error, ValueError, TypeError) as error:
        return f"unreadable: {error}"
    return None


class Results:
    """What the clients measured, gathered under a lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)  # kind -> ms
        self.errors = []
        self.cache = Counter()  # X-Cache of each answer: hit, miss, or none (not a cached page)
        self.reconnects = 0

    def add(self, latencies, errors, cache, reconnects):
        with self.lock:
            for kind, values in latencies.items():
                self.latencies[kind] += values
            self.errors += errors
            self.cache.update(cache)
            self.reconnects += reconnects


def get(connection, path):
    connection.request("GET", path, headers={"Accept-Encoding": "identity"})
    response = connection.getresponse()
    return response, response.read()


def client(host, port, mix, seed, stop_at, results):
    """One reader: requests drawn from ``mix`` over one kept-alive connection until ``stop_at``."""
    draw = random.Random(seed)
    kinds, weights = [kind for kind, _w, _p in mix], [weight for _k, weight, _p in mix]
    paths = {kind: path for kind, _w, path in mix}
    latencies, errors, cache, reconnects = defaultdict(list), [], Counter(), 0
    connection = http.client.HTTPConnection(host, port, timeout=30)
    while time.perf_counter() < stop_at:
        kind = draw.choices(kinds, weights)[0]
        path = paths[kind](draw)
        started = time.perf_counter()
        try:
            try:
                response, body = get(connection, path)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()  # the server closed the kept-alive connection: send again, once
                reconnects += 1
                response, body = get(connection, path)
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"{kind} {path}: {type(error).__name__}: {error}")
            connection.close()
            continue
        latencies[kind].append((time.perf_counter() - started) * 1000)
        cache[response.getheader("X-Cache", "none")] += 1
        if response.status != 200:
            errors.append(f"{kind} {path}: status {response.status}")
        elif kind.startswith("download-") and (reason := incomplete_download(path, body)):
            errors.append(f"{kind} {path}: {reason}")
    connection.close()
    results.add(latencies, errors, cache, reconnects)


def percentiles(values):
    ordered = sorted(values)
    return {
        "requests": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
    }


def summary(results, elapsed, mix):
    every = [value for values in results.latencies.values() for value in values]
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores {platform.machine()}, Python {platform.python_version()}",
        "server": f"gunicorn, {WORKERS} workers x 2 threads, DEBUG off, Redis page cache, PostgreSQL",
        "clients": CLIENTS,
        "seconds": round(elapsed, 1),
        "mix": {kind: weight for kind, weight, _path in mix},
        "overall": {**percentiles(every), "requests_per_second": round(len(every) / elapsed, 1)},
        "per_kind": {kind: percentiles(values) for kind, values in sorted(results.latencies.items())},
        "cache": dict(results.cache),
        "reconnects": results.reconnects,
        "errors": len(results.errors),
    }


def report(figures):
    overall = figures["overall"]
    lines = [
        f"\nLoad test: {figures['clients']} clients, {figures['seconds']} s, {overall['requests']} requests, "
        f"{overall['requests_per_second']} req/s, p50 {overall['p50_ms']} ms, p95 {overall['p95_ms']} ms, "
        f"X-Cache {figures['cache']}, reconnects {figures['reconnects']}, errors {figures['errors']}",
        f"{'kind':<20}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}",
    ]
    lines += [
        f"{kind:<20}{row['requests']:>9}{row['p50_ms']:>9}{row['p95_ms']:>9}"
        for kind, row in figures["per_kind"].items()
    ]
    print("\n".join(lines))  # noqa: T201 - the figures are this test's report (pytest -s shows them)
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(figures, indent=2) + "\n")


def test_eight_readers_for_half_a_minute_get_no_error(site):
    url, log = site
    address = urlsplit(url)
    mix = request_mix()
    warm = random.Random(0)
    for kind, _weight, path in mix:  # every kind answers before the load starts (and workers warm up)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        response, _body = get(connection, path(warm))
        connection.close()
        assert response.status == 200, f"{kind}: {response.status}"

    results = Results()
    started = time.perf_counter()
    stop_at = started + SECONDS
    clients = [
        threading.Thread(target=client, args=(address.hostname, address.port, mix, seed, stop_at, results))
        for seed in range(CLIENTS)
    ]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    figures = summary(results, time.perf_counter() - started, mix)
    report(figures)

    assert not results.errors, "\n".join(results.errors[:20]) + "\n" + log.read_text()[-3000:]
    assert set(figures["per_kind"]) == {kind for kind, _weight, _path in mix}
    assert results.cache["hit"] > 0, "the shared page cache served nothing"

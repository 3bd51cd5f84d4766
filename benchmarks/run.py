"""Benchmark the public site against PostgreSQL at 10k, 100k and 1M synthetic events.

For each page it prints p50/p95 latency (one client) and throughput (several) through gunicorn, beside
three references:

* the SQL floor: the page's data written by hand as the best SQL we can write over the schema and indexes
  that exist (benchmarks/floors/<scenario>.sql, one file per scenario; see the README there), run through
  psycopg on one connection; the page's own SQL, captured from a real request, is timed the same way
  (site SQL), so that site SQL ÷ SQL floor says how far the page's queries are from the best ones;
* the framework floor: a minimal Django view under the same gunicorn that runs the hand-written SQL through
  a raw cursor and renders the rows with a plain template (knowledgebase/loadtest/floor.py);
* the peer: Datasette 0.65 serving the same events as a SQLite table with the same filters and sort, with
  default settings and with facets and suggestions off.

Every floor is checked against the page it stands for: the ids, counts and chart and map numbers it
returns must be what the page shows (--check-floors does only that), and the EXPLAIN (ANALYZE, BUFFERS)
of each of its statements is saved under benchmarks/results/<stamp>/explain/.

Usage (PostgreSQL must be up; run from the project root):

    make bench BENCH_ARGS="--sizes 10000 100000"
    .venv/bin/python benchmarks/run.py --sizes 1000000 --duration 10 --concurrency 8
    .venv/bin/python benchmarks/run.py --sizes 100000 --only events-q search --skip-cached --skip-export
    .venv/bin/python benchmarks/run.py --sizes 100000 --check-floors

Every Django process it starts has the load-test app installed (LOADTEST=1: the
synthetic-data commands), and only the floor server mounts the floor route
(ROOT_URLCONF=knowledgebase.loadtest.urls); the product ships without either.

Databases are named kb_bench_<size> and kept between runs (generation is the
slow part); pass --fresh to rebuild them. Results go to benchmarks/results/
as JSON, and the latest summary to benchmarks/README.md.
"""

import argparse
import datetime
import http.client
import json
import os
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
FLOORS = ROOT / "benchmarks" / "floors"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
SITE_PORT, FLOOR_PORT, PEER_PORT, PEER_LEAN_PORT = 8101, 8102, 8103, 8104
PEER_VENV = ROOT / "var" / "bench-peer-venv"
DATASETTE = "datasette==0.65.5"


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Scenario:
    """A page to measure: its address on the site, the parameters of its floor (benchmarks/floors/<name>.sql)
    and the equivalent Datasette address, if the peer has one."""

    name: str
    path: str
    params: dict = field(default_factory=dict)
    peer: str | None = None

    @property
    def floor_file(self):
        return FLOORS / f"{self.name}.sql"


# Values that exist in the synthetic data at every size, and common ones (a worst-ish case): Ukraine is one
# of the 20 synthetic countries (and has the seed's content too), every type and theme is drawn evenly,
# each of the 1,000 synthetic actors takes part in about 1 event in 400, and "strike" is a type's name, so
# one synthetic event in 13 matches it.
COUNTRY, EVENT_TYPE, THEME, ACTOR, WORD = "UA", "prisoner-exchange", "pows-and-detainees", "synthetic-actor-7", "strike"
DATE_AFTER, DATE_BEFORE = "2020-01-01", "2020-12-31"
BRIEF = "isw-russia-ukraine-biggest-pow-exchange"


def scenarios(event_id):
    """Every scenario. The peer filters on an event's first country."""
    ds = "/bench/events"
    newest = "_sort_desc=start_date&_size=25"
    return [
        Scenario("events", "/events/", peer=f"{ds}?{newest}"),
        Scenario(
            "events-country-type",
            f"/events/?country={COUNTRY}&type={EVENT_TYPE}",
            {"country": COUNTRY, "type": EVENT_TYPE},
            f"{ds}?country={COUNTRY}&event_type={EVENT_TYPE}&{newest}",
        ),
        Scenario(
            "events-date-range",
            f"/events/?date_after={DATE_AFTER}&date_before={DATE_BEFORE}",
            {"date_after": DATE_AFTER, "date_before": DATE_BEFORE},
            f"{ds}?start_date__gte={DATE_AFTER}&start_date__lte={DATE_BEFORE}&{newest}",
        ),
        Scenario("events-q", f"/events/?q={WORD}", {"word": WORD}, f"{ds}?_search={WORD}&_size=25"),
        Scenario("events-actor", f"/events/?actor={ACTOR}", {"actor": ACTOR}),
        Scenario("events-theme", f"/events/?theme={THEME}", {"theme": THEME}),
        Scenario("events-disputed", "/events/?disputed=true", peer=f"{ds}?disputed=1&{newest}"),
        Scenario("events-oldest", "/events/?sort=oldest", peer=f"{ds}?_sort=start_date&_size=25"),
        Scenario("events-page-200", "/events/?page=200"),
        Scenario("event-page", f"/events/{event_id}/", {"event_id": event_id}, f"{ds}/{{rowid}}"),
        Scenario("brief", f"/briefs/{BRIEF}/", {"brief": BRIEF}),
        Scenario(
            "displacement",
            f"/displacement/?population_type=REF&origin={COUNTRY}",
            {"population_type": "REF", "origin": COUNTRY},
            f"/bench/statistics?population_type=REF&origin_country={COUNTRY}&_sort_desc=as_of_date&_size=50",
        ),
        # The explorer unfiltered: every published statistic.
        Scenario("displacement-all", "/displacement/", peer="/bench/statistics?_sort_desc=as_of_date&_size=50"),
        Scenario("search", f"/search/?q={WORD}", {"word": WORD}, f"{ds}?_search={WORD}&_size=20"),
        Scenario("pow-exchanges", "/pow-exchanges/", peer=f"{ds}?event_type={EVENT_TYPE}&_sort=start_date&_size=50"),
        Scenario("country", f"/countries/{COUNTRY}/", {"country": COUNTRY}),
        # The world map of the countries with published content: the site's map page.
        Scenario("countries", "/countries/", {"codes": []}),
    ]


def chosen(plan, only):
    """The scenarios named by --only (all without it); an unknown name stops the run before anything starts."""
    if not only:
        return plan
    known = {scenario.name for scenario in plan}
    unknown = [name for name in only if name not in known]
    if unknown:
        raise SystemExit(f"Unknown scenario(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}")
    return [scenario for scenario in plan if scenario.name in only]


# ---------------------------------------------------------------- processes


def django_env(db, **extra):
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{db}",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        "LOG_LEVEL": "ERROR",
        # One client address sends every request: the per-address limits would measure themselves.
        "RATE_LIMIT_API": "off",
        "RATE_LIMIT_EXPORT": "off",
        "RATE_LIMIT_SEARCH": "off",
        "LOADTEST": "1",
        **extra,
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def psql(sql, db="postgres"):
    subprocess.run(["psql", "-h", PG["host"], "-U", PG["user"], "-qc", sql, db], check=True, stdout=subprocess.DEVNULL)


def prepare_database(size, fresh, name=None, as_is=False):
    """The database of ``size`` events, made or completed; with ``as_is``, used as it is (no migration, no
    data loaded, no VACUUM: for a database someone else keeps)."""
    db = name or f"kb_bench_{size}"
    record = ROOT / "var" / f"bench-generation-{size}.json"
    if as_is:
        return db, json.loads(record.read_text())["seconds"] if record.exists() else None
    exists = subprocess.run(
        ["psql", "-h", PG["host"], "-U", PG["user"], "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{db}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if fresh and exists:
        psql(f"DROP DATABASE {db}")
        exists = ""
    if not exists:
        psql(f"CREATE DATABASE {db}")
    env = django_env(db)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_demo", "--verbosity", "0")
    # Generation is timed when it happens and remembered, since later runs reuse the database.
    record.parent.mkdir(exist_ok=True)
    present = subprocess.run(
        [
            "psql",
            "-h",
            PG["host"],
            "-U",
            PG["user"],
            "-tAc",
            "SELECT count(*) FROM events_event e JOIN loadtest_syntheticidrange r "
            "ON r.model = 'events.event' AND e.id BETWEEN r.first_id AND r.last_id",
            db,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if int(present) < size:
        started = time.perf_counter()
        manage(env, "generate_synthetic", "--events", str(size), "--verbosity", "0")
        record.write_text(json.dumps({"seconds": round(time.perf_counter() - started, 1)}))
    psql("VACUUM ANALYZE", db)
    # A database generated by another checkout's run has no record here: its time is unknown.
    return db, json.loads(record.read_text())["seconds"] if record.exists() else None


class Server:
    def __init__(self, command, env, port, name):
        self.port, self.name = port, name
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/")
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{name} did not start on port {port}")

    def worker_peak_rss_mb(self):
        """Largest peak resident memory (VmHWM) among this server's worker processes."""
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout.split()
        peaks = []
        for pid in children:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks, default=0.0)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def gunicorn(env, port, workers):
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:knowledgebase.gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]


# ---------------------------------------------------------------- load generator


def load(port, paths, duration, concurrency):
    """Keep-alive clients hammering ``paths`` in turn for ``duration`` seconds; latencies in ms."""
    latencies, errors, lock = [], [], threading.Lock()
    stop_at = time.perf_counter() + duration

    def client(offset):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, index = [], offset
        while time.perf_counter() < stop_at:
            path = paths[index % len(paths)]
            index += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors.append(response.status)
            except OSError as error:
                errors.append(str(error))
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return summarise(latencies, elapsed, errors)


def measure(port, paths, duration, concurrency):
    """Latency with one client (what one reader waits, server side plus loopback), then throughput
    with ``concurrency`` clients (queueing on two shared cores inflates their latencies)."""
    load(port, paths, min(0.5, duration / 10), concurrency)  # warm every worker up; not counted
    alone = load(port, paths, duration / 2, 1)
    loaded = load(port, paths, duration / 2, concurrency)
    return {
        "p50_ms": alone["p50_ms"],
        "p95_ms": alone["p95_ms"],
        "rps": loaded["rps"],
        "requests": alone["requests"] + loaded["requests"],
        "errors": alone["errors"] + loaded["errors"],
        "loaded_p50_ms": loaded["p50_ms"],
        "loaded_p95_ms": loaded["p95_ms"],
        "rps_one_client": alone["rps"],
    }


def summarise(latencies, elapsed, errors=()):
    if not latencies:
        return {"p50_ms": None, "p95_ms": None, "rps": 0, "requests": 0, "errors": len(errors)}
    ordered = sorted(latencies)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "rps": round(len(ordered) / elapsed, 1),
        "requests": len(ordered),
        "errors": len(errors),
    }


# ---------------------------------------------------------------- pages, floors and their SQL


def capture_pages(db, paths):
    """Run each page once in-process: the SQL it executed, as PostgreSQL received it, and its HTML; and the
    caps of its counts ({"count": COUNT_CAP, "list": LIST_COUNT_CAP, the event list's})."""
    script = """
import json, os, re, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowledgebase.settings")
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
paths = json.loads(sys.argv[1])
out = {}
client = Client()
for name, path in paths.items():
    # Steady state, as under load: what a page keeps per content version (filter choices, a country's chart)
    # is warm; the page cache is off (PAGE_CACHE_SECONDS=0, as on the site's server), so the page renders.
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    # A server-side cursor (Django's iterator() on PostgreSQL) shows as DECLARE … FOR <query>.
    queries = [re.sub(r'^DECLARE "[^"]+" NO SCROLL CURSOR (WITH(OUT)? HOLD )?FOR ', "", q["sql"])
               for q in captured.captured_queries
               if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]
    out[name] = {"queries": queries, "html": response.content.decode()}
from django.conf import settings
caps = {"count": settings.COUNT_CAP, "list": getattr(settings, "LIST_COUNT_CAP", settings.COUNT_CAP)}
print(json.dumps({"pages": out, "caps": caps}))
"""
    env = django_env(db, ALLOWED_HOSTS="testserver,127.0.0.1", PAGE_CACHE_SECONDS="0")
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(paths)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"Capturing the pages failed:\n{result.stderr[-3000:]}")
    captured = json.loads(result.stdout)
    return captured["pages"], captured["caps"]


def floor_module():
    """knowledgebase.loadtest.floor: the floor files' reader and checker, shared with the framework floor."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from knowledgebase.loadtest import floor

    return floor


def connect(db):
    """One autocommit connection binding parameters on the client, as Django does, and never preparing
    statements (a prepared plan would make the timings of repeated runs differ from a page's)."""
    import psycopg

    return psycopg.connect(
        host=PG["host"],
        port=PG["port"],
        user=PG["user"],
        dbname=db,
        autocommit=True,
        cursor_factory=psycopg.ClientCursor,
        prepare_threshold=None,
    )


def run_statements(cursor, statements):
    """Execute a page's captured SQL (literal texts, no parameters) in turn."""
    for sql in statements:
        cursor.execute(sql)
        if cursor.description:
            cursor.fetchall()


def time_sql(db, work, repeat):
    """{label: {name: p50, p95 and number of queries}} of running each page's SQL ``repeat`` times, ``work``
    being {label: {name: (number of queries, run)}}, ``run(cursor)`` running them. For each page the labels
    take turns, run by run, after one run of each that warms the caches, so that a change in the machine's
    load falls on all alike."""
    samples = {label: {name: [] for name in pages} for label, pages in work.items()}
    names = list(next(iter(work.values())))
    with connect(db) as conn, conn.cursor() as cursor:
        for name in names:
            for pages in work.values():
                pages[name][1](cursor)
            for _ in range(repeat):
                for label, pages in work.items():
                    started = time.perf_counter()
                    pages[name][1](cursor)
                    samples[label][name].append((time.perf_counter() - started) * 1000)
    timings = {}
    for label, pages in work.items():
        timings[label] = {}
        for name, (queries, _run) in pages.items():
            ordered = sorted(samples[label][name])
            timings[label][name] = {
                "p50_ms": round(statistics.median(ordered), 2),
                "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
                "queries": queries,
            }
    return timings


def site_work(pages):
    """What time_sql runs for the site: each page's captured queries."""
    return {
        name: (len(page["queries"]), lambda cursor, queries=page["queries"]: run_statements(cursor, queries))
        for name, page in pages.items()
    }


def floor_work(plan):
    """What time_sql runs for the SQL floor: each scenario's floor file, as the framework floor runs it."""
    floor = floor_module()
    work = {}
    for scenario in plan:
        statements = floor.load(scenario.floor_file)
        work[scenario.name] = (
            len(statements),
            lambda cursor, statements=statements, params=scenario.params: floor.execute(cursor, statements, params),
        )
    return work


def content_country_codes(db):
    """The codes of the countries with published content: what the countries page's memo holds."""
    with connect(db) as conn:
        return conn.execute("""
            SELECT coalesce(array_agg(code ORDER BY code), '{}') FROM (
                SELECT ec.country_id AS code FROM events_event_countries ec
                JOIN events_event e ON e.id = ec.event_id AND e.status = 'published'
                UNION SELECT origin_country_id FROM displacement_displacementstatistic
                WHERE status = 'published' AND origin_country_id IS NOT NULL
                UNION SELECT host_country_id FROM displacement_displacementstatistic
                WHERE status = 'published' AND host_country_id IS NOT NULL) AS codes""").fetchone()[0]


def with_data_params(db, plan):
    """The scenarios with the parameters that depend on the data filled in."""
    return [
        replace(scenario, params={**scenario.params, "codes": content_country_codes(db)})
        if "codes" in scenario.params
        else scenario
        for scenario in plan
    ]


def with_caps(plan, caps):
    """The scenarios with the cap of their page's count as parameters (``cap``, ``cap_plus_one``): the event
    list's own (``caps["list"]``) for its scenarios, COUNT_CAP (``caps["count"]``) for the other lists."""
    capped = []
    for scenario in plan:
        cap = caps["list"] if scenario.name.startswith("events") else caps["count"]
        capped.append(replace(scenario, params={**scenario.params, "cap": cap, "cap_plus_one": cap + 1}))
    return capped


def check_floors(db, plan, pages):
    """{name: [what the page shows that its floor does not return]}: [] where they agree."""
    floor = floor_module()
    problems = {}
    with connect(db) as conn, conn.cursor() as cursor:
        for scenario in plan:
            statements = floor.load(scenario.floor_file)
            results = floor.execute(cursor, statements, scenario.params)
            problems[scenario.name] = [
                problem
                for statement, (columns, rows) in zip(statements, results, strict=True)
                for problem in floor.compare(
                    statement, columns, rows, pages[scenario.name]["html"], scenario.params["cap"]
                )
            ]
    return problems


def explain_floors(db, plan, directory):
    """EXPLAIN (ANALYZE, BUFFERS) of every floor statement, one text file per scenario in ``directory``;
    {name: [{part, execution_ms}]} for the JSON."""
    floor = floor_module()
    directory.mkdir(parents=True, exist_ok=True)
    summary = {}
    with connect(db) as conn, conn.cursor() as cursor:
        for scenario in plan:
            sections, parts = [], []
            statements = floor.load(scenario.floor_file)
            results = floor.execute(cursor, statements, scenario.params, explain=True)
            for statement, (_columns, _rows, lines) in zip(statements, results, strict=True):
                executed = next((line for line in lines if line.startswith("Execution Time:")), "")
                milliseconds = float(executed.split(":")[1].split()[0]) if executed else None
                parts.append({"part": statement.part, "execution_ms": milliseconds})
                sections.append(
                    f"-- part: {statement.part}\n-- {statement.about}\n{statement.sql}\n\n" + "\n".join(lines)
                )
            params = json.dumps(scenario.params, ensure_ascii=False)
            (directory / f"{scenario.name}.txt").write_text(
                f"Floor of {scenario.path} ({scenario.floor_file.relative_to(ROOT)}), parameters {params}\n\n"
                + "\n\n".join(sections)
                + "\n"
            )
            summary[scenario.name] = parts
    return summary


# ---------------------------------------------------------------- the peer


def peer_python():
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", DATASETTE], check=True)
    return python


def build_peer_database(db, size):
    """The same published events (and statistics) as SQLite tables, indexed like the site's, with FTS."""
    import psycopg

    path = ROOT / "var" / f"bench-peer-{size}.db"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    lite = sqlite3.connect(tmp)
    lite.executescript("""
        CREATE TABLE events (id INTEGER PRIMARY KEY, public_id TEXT, title TEXT, start_date TEXT,
                             event_type TEXT, country TEXT, summary TEXT, disputed INTEGER);
        CREATE TABLE statistics (id INTEGER PRIMARY KEY, title TEXT, population_type TEXT, cause TEXT,
                                 measurement TEXT, value INTEGER, origin_country TEXT, host_country TEXT,
                                 as_of_date TEXT);
    """)
    with psycopg.connect(host=PG["host"], port=PG["port"], user=PG["user"], dbname=db) as conn:
        with conn.cursor(name="events") as cursor:
            cursor.execute("""
                SELECT e.id, e.public_id, e.title, e.start_date::text, t.slug,
                       (SELECT MIN(c.country_id) FROM events_event_countries c WHERE c.event_id = e.id),
                       e.summary, e.has_disputed_figures::int
                FROM events_event e JOIN events_eventtype t ON t.id = e.event_type_id
                WHERE e.status = 'published'""")
            while rows := cursor.fetchmany(20000):
                lite.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?)", rows)
        with conn.cursor(name="statistics") as cursor:
            cursor.execute("""
                SELECT id, title, population_type, cause, measurement, value, origin_country_id,
                       host_country_id, as_of_date::text
                FROM displacement_displacementstatistic WHERE status = 'published'""")
            while rows := cursor.fetchmany(20000):
                lite.executemany("INSERT INTO statistics VALUES (?,?,?,?,?,?,?,?,?)", rows)
    lite.executescript("""
        CREATE INDEX events_country_type_date ON events (country, event_type, start_date);
        CREATE INDEX events_date ON events (start_date);
        CREATE INDEX events_type_date ON events (event_type, start_date);
        CREATE INDEX statistics_type_origin ON statistics (population_type, origin_country, as_of_date);
        CREATE VIRTUAL TABLE events_fts USING fts5(title, summary, content='events', content_rowid='id');
        INSERT INTO events_fts (rowid, title, summary) SELECT id, title, summary FROM events;
        ANALYZE;
    """)
    lite.commit()
    lite.close()
    tmp.rename(path)
    return path


def datasette(python, database, port, lean):
    command = [str(python), "-m", "datasette", "serve", str(database), "--host", "127.0.0.1", "--port", str(port)]
    if lean:
        command += ["--setting", "suggest_facets", "off", "--setting", "allow_facet", "off"]
    return Server(command, os.environ.copy(), port, "datasette")


# ---------------------------------------------------------------- one size


def bench_size(size, args, stamp):
    log(f"== {size:,} events: preparing PostgreSQL database")
    db, generated = prepare_database(size, args.fresh, args.database, args.as_is)
    env = django_env(db)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    event_id = f"syne{size // 2:08d}"  # a synthetic event in the middle of the range
    plan = with_data_params(db, chosen(scenarios(event_id), args.only))
    site_paths = {scenario.name: scenario.path for scenario in plan}

    log("capturing each page's SQL and HTML")
    pages, caps = capture_pages(db, site_paths)
    plan = with_caps(plan, caps)
    log("checking each floor against its page")
    problems = check_floors(db, plan, pages)
    for name, found in problems.items():
        for problem in found:
            log(f"  floor of {name} differs from the page: {problem}")
    if args.check_floors:
        return {"size": size, "database": db, "floor_check": problems}

    explain_dir = RESULTS / stamp / "explain" / str(size)
    results = sql_results(db, plan, pages, problems, explain_dir, args)
    floors_file = Path(tempfile.mkstemp(suffix=".json")[1])
    floors_file.write_text(json.dumps({s.name: {"file": str(s.floor_file), "params": s.params} for s in plan}))
    measure_servers(env, plan, results, floors_file, args)
    floors_file.unlink(missing_ok=True)

    export = None if args.skip_export else export_results(env, args)
    if not args.skip_cached:
        cached_results(env, plan, results, args)
    if not args.no_peer:
        peer_results(size, db, plan, results, args)
    return {
        "size": size,
        "database": db,
        "generation_seconds": generated,
        "workers": args.workers,
        "concurrency": args.concurrency,
        "duration_seconds": args.duration,
        "explain_directory": str(explain_dir.relative_to(ROOT)),
        "pages": results,
        "event_page_cached": results.get("event-page", {}).get("site_cached"),
        "csv_export": export,
    }


def sql_results(db, plan, pages, problems, explain_dir, args):
    """{name: the page's floor file, its check, its site SQL and SQL floor timings and its floor's plans}."""
    log("site SQL and SQL floor (psycopg, one connection)")
    timed = time_sql(db, {"site": site_work(pages), "floor": floor_work(plan)}, args.repeat)
    log("EXPLAIN (ANALYZE, BUFFERS) of every floor statement")
    explained = explain_floors(db, plan, explain_dir)
    return {
        s.name: {
            "path": s.path,
            "floor_file": str(s.floor_file.relative_to(ROOT)),
            "floor_check": problems[s.name],
            "site_sql": timed["site"][s.name],
            "sql_floor": timed["floor"][s.name],
            "floor_explain": explained[s.name],
        }
        for s in plan
    }


def export_results(env, args):
    """The CSV export of every published event, from a fresh one-worker server (its peak memory is the export's)."""
    log("  CSV export of the whole event list (a fresh one-worker server, so its peak memory is the export's)")
    exporter = Server(gunicorn(env, SITE_PORT, 1), {**env, "PAGE_CACHE_SECONDS": "0"}, SITE_PORT, "exporter")
    try:
        return export_benchmark(exporter, args)
    finally:
        exporter.stop()


def cached_results(env, plan, results, args):
    """Every page again, as deployed: anonymous readers served from a warm Redis cache."""
    log("  every page again, as deployed: anonymous readers served from a warm Redis cache")
    subprocess.run([sys.executable, "-c", "import redis; redis.Redis(db=13).flushdb()"], check=True)
    cached = Server(
        gunicorn(env, SITE_PORT, args.workers),
        {**env, "REDIS_URL": "redis://127.0.0.1:6379/13"},
        SITE_PORT,
        "site-cached",
    )
    try:
        for scenario in plan:
            results[scenario.name]["site_cached"] = measure(SITE_PORT, [scenario.path], args.duration, args.concurrency)
    finally:
        cached.stop()


def measure_servers(env, plan, results, floors_file, args):
    """Each page through the site (server cache off, so every request renders) and its framework floor."""
    site = Server(gunicorn(env, SITE_PORT, args.workers), {**env, "PAGE_CACHE_SECONDS": "0"}, SITE_PORT, "site")
    floor = Server(
        gunicorn(env, FLOOR_PORT, args.workers),
        {
            **env,
            "ROOT_URLCONF": "knowledgebase.loadtest.urls",
            "BENCH_FLOORS_FILE": str(floors_file),
            "PAGE_CACHE_SECONDS": "0",
        },
        FLOOR_PORT,
        "floor",
    )
    try:
        for scenario in plan:
            log(f"  {scenario.name}: site")
            results[scenario.name]["site"] = measure(SITE_PORT, [scenario.path], args.duration, args.concurrency)
            log(f"  {scenario.name}: framework floor")
            results[scenario.name]["framework_floor"] = measure(
                FLOOR_PORT, [f"/_bench/floor/{scenario.name}/"], args.duration, args.concurrency
            )
    finally:
        site.stop()
        floor.stop()


def export_benchmark(site, args):
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=900)
    started = time.perf_counter()
    lines, error = 0, None
    try:
        connection.request("GET", "/events/export.csv")
        response = connection.getresponse()
        while chunk := response.read(1 << 16):
            lines += chunk.count(b"\n")
    except (OSError, http.client.HTTPException) as failure:
        error = repr(failure)
    elapsed = time.perf_counter() - started
    rows = max(lines - 2, 0)
    return {
        "rows": rows,
        "seconds": round(elapsed, 2),
        "rows_per_second": round(rows / elapsed),
        "peak_worker_rss_mb": round(site.worker_peak_rss_mb(), 1),
        "error": error,
    }


def peer_results(size, db, plan, results, args):
    log("  peer: building the SQLite copy and starting Datasette")
    python = peer_python()
    database = build_peer_database(db, size)
    event_ids = [s.params["event_id"] for s in plan if "event_id" in s.params]
    rowid = None
    if event_ids:
        lite = sqlite3.connect(database)
        found = lite.execute("SELECT id FROM events WHERE public_id = ?", (event_ids[0],)).fetchone()
        lite.close()
        rowid = found[0] if found else None
    for label, port, lean in (("peer_default", PEER_PORT, False), ("peer_lean", PEER_LEAN_PORT, True)):
        server = datasette(python, database, port, lean)
        try:
            for scenario in plan:
                if scenario.peer is None or ("{rowid}" in scenario.peer and rowid is None):
                    results[scenario.name][label] = None
                    continue
                peer_path = scenario.peer.replace("/bench/", f"/{database.stem}/").replace("{rowid}", str(rowid))
                log(f"  {scenario.name}: {label}")
                results[scenario.name][label] = measure(port, [peer_path], args.duration, args.concurrency)
        finally:
            server.stop()


# ---------------------------------------------------------------- report

TARGET_P50_MS = 50  # issue 14: every public page fast uncached at 1M events
TARGET_RATIO = 2  # and within twice its floors
SERVED = [("site", "site"), ("framework_floor", "framework floor"), ("site_cached", "cached")]


def p50(measured):
    return measured.get("p50_ms") if measured else None


def ratio(a, b):
    if not p50(a) or not p50(b):
        return None
    return round(a["p50_ms"] / b["p50_ms"], 2)


def yes_no(value):
    return "n/a" if value is None else ("yes" if value else "no")


def targets(page):
    """(p50 <= 50 ms, site <= 2x framework floor, site SQL <= 2x SQL floor), each True, False or None."""
    site = p50(page.get("site"))
    to_framework = ratio(page.get("site"), page.get("framework_floor"))
    to_sql = ratio(page.get("site_sql"), page.get("sql_floor"))
    return (
        None if site is None else site <= TARGET_P50_MS,
        None if to_framework is None else to_framework <= TARGET_RATIO,
        None if to_sql is None else to_sql <= TARGET_RATIO,
    )


def shown(value):
    return "n/a" if value is None else f"{value}"


def check_text(problems):
    if problems is None:
        return "not checked"
    return "same as the page" if not problems else f"{len(problems)} difference(s): " + "; ".join(problems)


def table(run):
    lines = [
        f"### {run['size']:,} events ({run['workers']} workers; latency with 1 client, throughput with "
        f"{run['concurrency']} concurrent clients; {run['duration_seconds']} s per page and server)",
        "",
        "| page | site p50 / p95 ms | framework floor p50 | SQL floor p50 (queries) | site SQL p50 (queries) "
        "| site ÷ framework floor | site SQL ÷ SQL floor | cached p50 ms | Datasette p50 (default / lean) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, page in run["pages"].items():
        site, fw, sql, site_sql = page["site"], page["framework_floor"], page["sql_floor"], page["site_sql"]
        peer = " / ".join(shown(p50(page.get(key))) for key in ("peer_default", "peer_lean"))
        lines.append(
            f"| {name} | {site['p50_ms']} / {site['p95_ms']} | {fw['p50_ms']} | {sql['p50_ms']} ({sql['queries']} q) "
            f"| {site_sql['p50_ms']} ({site_sql['queries']} q) | {shown(ratio(site, fw))} "
            f"| {shown(ratio(site_sql, sql))} | {shown(p50(page.get('site_cached')))} | {peer} |"
        )
    lines += [
        "",
        f"Targets (issue 14): p50 ≤ {TARGET_P50_MS} ms uncached, site ≤ {TARGET_RATIO}× its framework floor, "
        f"site SQL ≤ {TARGET_RATIO}× its SQL floor; and whether the floor returns what the page shows.",
        "",
        f"| page | p50 ≤ {TARGET_P50_MS} ms | ≤ {TARGET_RATIO}× framework floor | site SQL ≤ {TARGET_RATIO}× SQL floor "
        "| floor checked against the page |",
        "|---|---|---|---|---|",
    ]
    held = [0, 0, 0]
    for name, page in run["pages"].items():
        met = targets(page)
        held = [count + bool(value) for count, value in zip(held, met, strict=True)]
        lines.append(
            f"| {name} | {' | '.join(yes_no(value) for value in met)} | {check_text(page.get('floor_check'))} |"
        )
    pages = len(run["pages"])
    lines += [
        "",
        f"Held: p50 ≤ {TARGET_P50_MS} ms on {held[0]} of {pages} pages, ≤ {TARGET_RATIO}× the framework floor on "
        f"{held[1]}, site SQL ≤ {TARGET_RATIO}× the SQL floor on {held[2]}. "
        f"EXPLAIN (ANALYZE, BUFFERS) of every floor statement: `{run['explain_directory']}/`.",
        "",
    ]
    failed = []
    for name, page in run["pages"].items():
        counts = [f"{label} {page[key]['errors']}" for key, label in SERVED if (page.get(key) or {}).get("errors")]
        if counts:
            failed.append(f"{name} ({', '.join(counts)})")
    if failed:
        lines += [f"Requests that failed (status 400 or more, or no answer): {'; '.join(failed)}.", ""]
    warm, export = run.get("event_page_cached"), run.get("csv_export")
    if warm:
        lines.append(f"Event page with a warm Redis cache: {warm['rps']} req/s, p50 {warm['p50_ms']} ms.")
    if export:
        lines.append(
            f"CSV export of all {export['rows']:,} published events: {export['rows_per_second']:,} rows/s, "
            f"peak worker memory {export['peak_worker_rss_mb']} MB"
            + (f" (interrupted: {export['error']})." if export.get("error") else ".")
        )
    lines += [
        (
            f"Synthetic data generation: {run['generation_seconds']} s."
            if run["generation_seconds"] is not None
            else "Synthetic data: database reused from an earlier run (generation time not recorded here)."
        ),
        "",
    ]
    return "\n".join(lines)


def write_readme(runs, stamp):
    readme = ROOT / "benchmarks" / "README.md"
    head = readme.read_text().split("## Latest results")[0].rstrip() if readme.exists() else "# Benchmarks"
    body = "\n".join(table(run) for run in runs)
    readme.write_text(
        f"{head}\n\n## Latest results\n\nRun {stamp} (UTC) on this machine; JSON in "
        f"`benchmarks/results/{stamp}.json`. Columns: the site with its server cache off; the framework floor "
        f"(the hand-written SQL of `benchmarks/floors/` served by a minimal Django view under the same "
        f"gunicorn); the SQL floor (that SQL through psycopg) and the site SQL (the page's own captured "
        f"queries, timed the same way); the site through a warm Redis cache; Datasette.\n\n{body}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--duration", type=float, default=8.0, help="Seconds of load per page.")
    parser.add_argument("--concurrency", type=int, default=4, help="Concurrent keep-alive clients.")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers for the site and the floor.")
    parser.add_argument("--repeat", type=int, default=30, help="Runs of each page's SQL and floor SQL.")
    parser.add_argument("--fresh", action="store_true", help="Rebuild the benchmark databases.")
    parser.add_argument("--no-peer", action="store_true", help="Skip Datasette.")
    parser.add_argument("--database", help="Another database than kb_bench_<size> (with one size).")
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="Use the database as it is: no migration, no demo or synthetic data loaded, no VACUUM.",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="SCENARIO",
        help="Measure these scenarios only (the JSON is written, the README left as it is).",
    )
    parser.add_argument("--skip-cached", action="store_true", help="Skip the pages through a warm Redis cache.")
    parser.add_argument("--skip-export", action="store_true", help="Skip the CSV export of every event.")
    parser.add_argument(
        "--check-floors",
        action="store_true",
        help="Only check each floor against its page (no servers, no timing); exit 1 on a difference.",
    )
    args = parser.parse_args()
    if args.database and len(args.sizes) != 1:
        parser.error("--database names the database of one size")
    chosen(scenarios("-"), args.only)  # an unknown scenario stops the run before a database is touched
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    if args.check_floors:
        checks = [bench_size(size, args, stamp) for size in args.sizes]
        differences = sum(len(found) for run in checks for found in run["floor_check"].values())
        for run in checks:
            for name, found in run["floor_check"].items():
                print(f"{run['size']:,} {name}: {check_text(found)}", flush=True)
        sys.exit(1 if differences else 0)
    RESULTS.mkdir(parents=True, exist_ok=True)
    runs = []
    for size in args.sizes:
        runs.append(bench_size(size, args, stamp))
        print(table(runs[-1]), flush=True)
        # Written after every size, so a long run keeps what it has measured. A run of some scenarios only
        # (--only) leaves the README's latest results, which are every page's, alone.
        (RESULTS / f"{stamp}.json").write_text(json.dumps(runs, indent=2, default=str))
        if not args.only:
            write_readme(runs, stamp)


if __name__ == "__main__":
    main()

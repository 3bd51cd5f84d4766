"""Benchmark the public site against PostgreSQL at 10k, 100k and 1M synthetic events.

For each page it prints p50/p95 latency and throughput through gunicorn under
a concurrent load, beside three references:

* the SQL floor: the same page's queries, captured from a real request and
  run directly through psycopg on one connection;
* the framework floor: a minimal Django view under the same gunicorn that runs
  those queries raw and renders the rows with a plain template;
* the peer: Datasette 0.65 serving the same events as a SQLite table with the
  same filters and sort, with default settings and with facets and
  suggestions off.

Usage (PostgreSQL must be up; run from the project root):

    make bench BENCH_ARGS="--sizes 10000 100000"
    .venv/bin/python benchmarks/run.py --sizes 1000000 --duration 10 --concurrency 8

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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
SITE_PORT, FLOOR_PORT, PEER_PORT, PEER_LEAN_PORT = 8101, 8102, 8103, 8104
PEER_VENV = ROOT / "var" / "bench-peer-venv"
DATASETTE = "datasette==0.65.5"


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- scenarios


def scenarios(event_id, word):
    """(name, site path, Datasette path or None). The peer filters on an event's first country."""
    ds = "/bench/events"
    return [
        ("events", "/events/", f"{ds}?_sort_desc=start_date&_size=25"),
        (
            "events-country-type",
            "/events/?country=UA&type=prisoner-exchange",
            f"{ds}?country=UA&event_type=prisoner-exchange&_sort_desc=start_date&_size=25",
        ),
        (
            "events-date-range",
            "/events/?date_after=2020-01-01&date_before=2020-12-31",
            f"{ds}?start_date__gte=2020-01-01&start_date__lte=2020-12-31&_sort_desc=start_date&_size=25",
        ),
        ("events-q", f"/events/?q={word}", f"{ds}?_search={word}&_size=25"),
        ("events-oldest", "/events/?sort=oldest", f"{ds}?_sort=start_date&_size=25"),
        ("events-page-200", "/events/?page=200", None),
        ("event-page", f"/events/{event_id}/", f"{ds}/{{rowid}}"),
        ("brief", "/briefs/isw-russia-ukraine-biggest-pow-exchange/", None),
        (
            "displacement",
            "/displacement/?population_type=REF&origin=UA",
            "/bench/statistics?population_type=REF&origin_country=UA&_sort_desc=as_of_date&_size=50",
        ),
        ("search", f"/search/?q={word}", f"{ds}?_search={word}&_size=20"),
        ("pow-exchanges", "/pow-exchanges/", f"{ds}?event_type=prisoner-exchange&_sort=start_date&_size=50"),
    ]


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


def prepare_database(size, fresh):
    db = f"kb_bench_{size}"
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
    record = ROOT / "var" / f"bench-generation-{size}.json"
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


# ---------------------------------------------------------------- SQL and framework floors


def capture_queries(db, paths):
    """Run each page once in-process and keep the SQL it executed, as PostgreSQL received it."""
    script = """
import json, os, re, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowledgebase.settings")
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.core.cache import cache
paths = json.loads(sys.argv[1])
out = {}
client = Client()
for name, path in paths.items():
    client.get(path)  # steady state: per-process memos (filter choices) warm, as under load
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    # A server-side cursor (Django's iterator() on PostgreSQL) shows as DECLARE … FOR <query>.
    out[name] = [re.sub(r'^DECLARE "[^"]+" NO SCROLL CURSOR (WITH(OUT)? HOLD )?FOR ', "", q["sql"])
                 for q in captured.captured_queries
                 if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]
print(json.dumps(out))
"""
    env = django_env(db, ALLOWED_HOSTS="testserver,127.0.0.1")
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(paths)], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def sql_floor(db, queries, repeat):
    import psycopg

    timings = {}
    with psycopg.connect(host=PG["host"], port=PG["port"], user=PG["user"], dbname=db, autocommit=True) as conn:
        for name, statements in queries.items():
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                with conn.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql.encode())
                        if cursor.description:
                            cursor.fetchall()
                samples.append((time.perf_counter() - started) * 1000)
            timings[name] = {
                "p50_ms": round(statistics.median(samples), 2),
                "p95_ms": round(sorted(samples)[int(0.95 * (len(samples) - 1))], 2),
                "queries": len(statements),
            }
    return timings


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


def bench_size(size, args):
    log(f"== {size:,} events: preparing PostgreSQL database")
    db, generated = prepare_database(size, args.fresh)
    env = django_env(db)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    event_id = f"syne{size // 2:08d}"  # a synthetic event in the middle of the range
    word = "strike"
    plan = scenarios(event_id, word)
    site_paths = {name: path for name, path, _peer in plan}

    log("capturing each page's SQL")
    queries = capture_queries(db, site_paths)
    queries_file = Path(tempfile.mkstemp(suffix=".json")[1])
    queries_file.write_text(json.dumps(queries))

    log("SQL floor (psycopg, one connection)")
    floor_sql = sql_floor(db, queries, args.repeat)

    workers = args.workers
    results = {name: {"path": path} for name, path in site_paths.items()}
    site = Server(gunicorn(env, SITE_PORT, workers), {**env, "PAGE_CACHE_SECONDS": "0"}, SITE_PORT, "site")
    floor = Server(
        gunicorn(env, FLOOR_PORT, workers),
        {
            **env,
            "ROOT_URLCONF": "knowledgebase.loadtest.urls",
            "BENCH_QUERIES_FILE": str(queries_file),
            "PAGE_CACHE_SECONDS": "0",
        },
        FLOOR_PORT,
        "floor",
    )
    try:
        for name, path in site_paths.items():
            log(f"  {name}: site")
            results[name]["site"] = measure(SITE_PORT, [path], args.duration, args.concurrency)
            log(f"  {name}: framework floor")
            results[name]["framework_floor"] = measure(
                FLOOR_PORT, [f"/_bench/floor/{name}/"], args.duration, args.concurrency
            )
            results[name]["sql_floor"] = floor_sql[name]
    finally:
        site.stop()
        floor.stop()
    log("  CSV export of the whole event list (a fresh one-worker server, so its peak memory is the export's)")
    exporter = Server(gunicorn(env, SITE_PORT, 1), {**env, "PAGE_CACHE_SECONDS": "0"}, SITE_PORT, "exporter")
    try:
        export = export_benchmark(exporter, args)
    finally:
        exporter.stop()

    log("  every page again, as deployed: anonymous readers served from a warm Redis cache")
    subprocess.run([sys.executable, "-c", "import redis; redis.Redis(db=13).flushdb()"], check=True)
    cached = Server(
        gunicorn(env, SITE_PORT, workers), {**env, "REDIS_URL": "redis://127.0.0.1:6379/13"}, SITE_PORT, "site-cached"
    )
    try:
        for name, path in site_paths.items():
            results[name]["site_cached"] = measure(SITE_PORT, [path], args.duration, args.concurrency)
        warm = results["event-page"]["site_cached"]
    finally:
        cached.stop()

    if not args.no_peer:
        peer_results(size, db, plan, results, args)
    queries_file.unlink(missing_ok=True)
    return {
        "size": size,
        "database": db,
        "generation_seconds": generated,
        "workers": workers,
        "concurrency": args.concurrency,
        "duration_seconds": args.duration,
        "pages": results,
        "event_page_cached": warm,
        "csv_export": export,
    }


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
    lite = sqlite3.connect(database)
    rowid = lite.execute(
        "SELECT id FROM events WHERE public_id = ?", (plan[6][1].strip("/").split("/")[-1],)
    ).fetchone()
    lite.close()
    for label, port, lean in (("peer_default", PEER_PORT, False), ("peer_lean", PEER_LEAN_PORT, True)):
        server = datasette(python, database, port, lean)
        try:
            for name, _path, peer_path in plan:
                if peer_path is None:
                    results[name][label] = None
                    continue
                peer_path = peer_path.replace("/bench/", f"/{database.stem}/").replace("{rowid}", str(rowid[0]))
                log(f"  {name}: {label}")
                results[name][label] = measure(port, [peer_path], args.duration, args.concurrency)
        finally:
            server.stop()


# ---------------------------------------------------------------- report


def ratio(a, b):
    if not a or not b or a.get("p50_ms") in (None, 0) or b.get("p50_ms") in (None, 0):
        return "n/a"
    return f"{a['p50_ms'] / b['p50_ms']:.2f}"


def table(run):
    lines = [
        f"### {run['size']:,} events ({run['workers']} workers; latency with 1 client, "
        f"throughput with {run['concurrency']} concurrent clients; {run['duration_seconds']} s per page and server)",
        "",
        "| page | site p50 / p95 ms | site req/s | cached p50 ms / req/s | SQL floor p50 | framework floor p50 "
        "| Datasette p50 (default / lean) | site ÷ framework | site ÷ Datasette lean | cached ÷ Datasette lean |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, page in run["pages"].items():
        site, fw, sql, cached = page["site"], page["framework_floor"], page["sql_floor"], page["site_cached"]
        default, lean = page.get("peer_default"), page.get("peer_lean")
        peer = " / ".join(f"{p['p50_ms']}" if p else "n/a" for p in (default, lean))
        lines.append(
            f"| {name} | {site['p50_ms']} / {site['p95_ms']} | {site['rps']} | {cached['p50_ms']} / {cached['rps']} "
            f"| {sql['p50_ms']} ({sql['queries']} q) | {fw['p50_ms']} | {peer} | {ratio(site, fw)} "
            f"| {ratio(site, lean)} | {ratio(cached, lean)} |"
        )
    warm, export = run["event_page_cached"], run["csv_export"]
    lines += [
        "",
        f"Event page with a warm Redis cache: {warm['rps']} req/s, p50 {warm['p50_ms']} ms.",
        f"CSV export of all {export['rows']:,} published events: {export['rows_per_second']:,} rows/s, "
        f"peak worker memory {export['peak_worker_rss_mb']} MB"
        + (f" (interrupted: {export['error']})." if export.get("error") else "."),
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
        f"`benchmarks/results/{stamp}.json`.\n\n{body}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--duration", type=float, default=8.0, help="Seconds of load per page.")
    parser.add_argument("--concurrency", type=int, default=4, help="Concurrent keep-alive clients.")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers for the site and the floor.")
    parser.add_argument("--repeat", type=int, default=30, help="Runs of each page's SQL for the SQL floor.")
    parser.add_argument("--fresh", action="store_true", help="Rebuild the benchmark databases.")
    parser.add_argument("--no-peer", action="store_true", help="Skip Datasette.")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    runs = []
    for size in args.sizes:
        runs.append(bench_size(size, args))
        print(table(runs[-1]), flush=True)
        # Written after every size, so a long run keeps what it has measured.
        (RESULTS / f"{stamp}.json").write_text(json.dumps(runs, indent=2))
        write_readme(runs, stamp)


if __name__ == "__main__":
    main()

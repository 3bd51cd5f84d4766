"""The benchmark's floors: the floor files' reader and checker, the framework floor's view, and the floors
themselves, each of which must return what its page shows."""

import importlib.util
import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import Resolver404, resolve

from knowledgebase.loadtest import floor
from knowledgebase.pages.countries import content_counts
from knowledgebase.serving.content_version import clear_memo

ROOT = Path(__file__).resolve().parents[2]
FLOORS = ROOT / "benchmarks" / "floors"
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")

FLOOR_FILE = """-- Floor of a page: what this file is about (not a statement).
-- More about it.

-- part: rows
-- The rows of the page,
-- in their order.
-- check: links /events/{}/
SELECT 'e1' AS public_id, %(word)s AS word
UNION ALL SELECT 'e2', 'x' || '%%'
;
-- part: count
-- check: count event
-- check: in-order after id="map"
SELECT 2 AS n, %(rows_public_id)s AS first
;
"""


def run_script(path):
    """benchmarks/run.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("bench_run", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- Reading a floor file -------------------------------------------------------------------------------


def test_a_floor_file_is_read_as_statements_with_their_part_description_checks_and_sql():
    first, second = floor.parse(FLOOR_FILE)

    assert (first.part, first.about, first.checks) == (
        "rows",
        "The rows of the page, in their order.",
        (floor.Check("links", "/events/{}/"),),
    )
    assert first.sql == "SELECT 'e1' AS public_id, %(word)s AS word\nUNION ALL SELECT 'e2', 'x' || '%%'"
    assert (second.part, second.sql) == ("count", "SELECT 2 AS n, %(rows_public_id)s AS first")
    assert second.checks == (floor.Check("count", "event"), floor.Check("in-order", "", 'id="map"'))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT 1\n;\n", "no '-- part:' line"),
        ("-- part: rows\nSELECT 1\n;\n", "each '-- check:' must start with one of"),
        ("-- part: rows\n-- check: none\n-- check: whatever\nSELECT 1\n", "each '-- check:' must start with one of"),
        ("-- only comments\n;\n", "no statement"),
    ],
)
def test_a_floor_file_without_a_part_or_a_known_check_is_refused(text, message):
    with pytest.raises(ValueError, match=message):
        floor.parse(text)


def test_every_scenario_of_the_benchmark_has_a_floor_file_and_every_floor_file_a_scenario():
    run = run_script(ROOT / "benchmarks" / "run.py")
    names = {scenario.name for scenario in run.scenarios("syne00000001")}

    assert names == {path.stem for path in FLOORS.glob("*.sql")}
    for path in FLOORS.glob("*.sql"):
        statements = floor.load(path)
        assert statements, path
        assert all(statement.about for statement in statements), path  # each says what it feeds


def test_the_benchmark_runs_only_the_scenarios_asked_for_and_refuses_an_unknown_one():
    run = run_script(ROOT / "benchmarks" / "run.py")
    plan = run.scenarios("syne00000001")

    assert [scenario.name for scenario in run.chosen(plan, ["search", "events"])] == ["events", "search"]
    assert run.chosen(plan, None) == plan
    with pytest.raises(SystemExit, match="Unknown scenario"):
        run.chosen(plan, ["events", "nowhere"])


def test_the_report_gives_each_page_its_ratios_to_its_floors_and_says_which_targets_hold():
    run = run_script(ROOT / "benchmarks" / "run.py")
    measured = {
        "fast": ({"p50_ms": 30.0, "p95_ms": 40.0}, {"p50_ms": 20.0}, {"p50_ms": 4.0}, {"p50_ms": 3.0}, []),
        "slow": ({"p50_ms": 90.0, "p95_ms": 99.0}, {"p50_ms": 30.0}, {"p50_ms": 50.0}, {"p50_ms": 10.0}, ["rows: x"]),
    }
    pages = {
        name: {
            "site": site,
            "framework_floor": framework,
            "site_sql": {**site_sql, "queries": 4},
            "sql_floor": {**sql_floor, "queries": 3},
            "floor_check": check,
        }
        for name, (site, framework, site_sql, sql_floor, check) in measured.items()
    }
    report = run.table(
        {
            "size": 1000,
            "workers": 3,
            "concurrency": 4,
            "duration_seconds": 8,
            "explain_directory": "benchmarks/results/x/explain/1000",
            "generation_seconds": None,
            "pages": pages,
        }
    )

    assert "| fast | 30.0 / 40.0 | 20.0 | 3.0 (3 q) | 4.0 (4 q) | 1.5 | 1.33 | n/a | n/a / n/a |" in report
    assert "| fast | yes | yes | yes | same as the page |" in report
    assert "| slow | no | no | no | 1 difference(s): rows: x |" in report
    assert "p50 ≤ 50 ms on 1 of 2 pages, ≤ 2× the framework floor on 1, site SQL ≤ 2× the SQL floor on 1" in report


# --- Comparing a floor with its page ----------------------------------------------------------------------

PAGE = """<p class="result-count">12,345 events</p>
<ol><li><a href="/events/e1/">Exchange number 12</a></li><li><a href="/events/e2/">Exchange number 123</a></li>
<li><a href="/events/e2/">again</a></li></ol><a href="/events/export.csv?x=1">CSV</a>
<h2 id="map">Map</h2><table><tr><th><a href="/events/?country=UA">Ukraine</a></th><td>1,234</td></tr></table>"""


def check(check, rows, columns=("a", "b"), page=PAGE, cap=10_000):
    statement = floor.Statement("part", "", tuple(floor.Check.parse(text) for text in check.split(" ; ")), "SELECT 1")
    return floor.compare(statement, list(columns), rows, page, cap)


def test_links_must_be_every_matching_link_of_the_page_in_order():
    assert check("links /events/{}/", [("e1",), ("e2",)]) == []
    assert check("links /events/{}/", [("e2",), ("e1",)]) != []  # another order
    assert check("links /events/{}/", [("e1",)]) != []  # one fewer
    assert check("links-any /events/{}/", [("e2",), ("e1",)]) == []  # any order
    assert check("links-any /events/{}/", [("e1",), ("e3",)]) != []


def test_in_order_values_are_whole_words_of_the_page_in_this_order():
    assert check("in-order", [("Exchange number 12",), ("Exchange number 123",)]) == []
    assert check("in-order", [("Exchange number 123",), ("Exchange number 12",)]) != []
    assert check("in-order", [("Exchange number 1",)]) != []  # not the start of "number 12"
    assert check("in-order", [("Ukraine",), ("Exchange number 12",)]) != []


def test_a_count_is_the_page_s_capped_count():
    assert check("count event", [(12_345,)], cap=20_000) == []
    assert check("count event", [(12_345,)]) != []  # over the cap the page says "More than"
    assert check("count event", [(10_001,)], page="More than 10,000 events") == []
    assert check("count event", [(1,)], page="1 event") == []
    assert check("count event", [(1,)], page="1 events") != []
    assert check("count event", [(12,)]) != []
    assert check("count event n", [("e1", 12_345)], columns=("public_id", "n"), cap=20_000) == []  # a named column


def test_a_statement_s_checks_must_all_hold():
    assert check("links /events/{}/ ; count event n", [("e1", 12_345), ("e2", 12_345)], ("id", "n"), cap=20_000) == []
    assert check("links /events/{}/ ; count event n", [("e1", 12_346), ("e2", 12_346)], ("id", "n"), cap=20_000) != []


def test_cells_are_a_row_s_numbers_as_the_page_writes_them():
    assert check("cells name n", [("Ukraine", 1234)], columns=("name", "n")) == []
    assert check("cells name n", [("Ukraine", 1235)], columns=("name", "n")) != []
    assert check("cells name n", [("", 3)], columns=("name", "n")) == []  # a row the table does not show
    assert check("cells name missing", [("Ukraine", 1234)], columns=("name", "n")) != []


def test_a_check_can_look_only_after_a_marker_of_the_page():
    assert check('in-order after id="map"', [("Ukraine",)]) == []
    assert check('in-order after id="map"', [("Exchange number 12",)]) != []
    assert check('in-order after id="nowhere"', [("Ukraine",)]) != []


def test_values_are_written_as_the_page_writes_them():
    assert [floor.shown(value) for value in (1234567, Decimal("12.50"), Decimal("3"), date(2024, 1, 3), None)] == [
        "1,234,567",
        "12.5",
        "3",
        "2024-01-03",
        "",
    ]


# --- The framework floor ------------------------------------------------------------------------------


@pytest.fixture
def floors_file(tmp_path, monkeypatch):
    sql = tmp_path / "events.sql"
    sql.write_text(FLOOR_FILE)
    plan = tmp_path / "floors.json"
    plan.write_text(json.dumps({"events": {"file": str(sql), "params": {"word": "<strike>"}}}))
    monkeypatch.setenv("BENCH_FLOORS_FILE", str(plan))
    floor.plan.cache_clear()
    floor.load.cache_clear()
    yield plan
    floor.plan.cache_clear()
    floor.load.cache_clear()


@pytest.mark.urls("knowledgebase.loadtest.urls")
def test_the_floor_runs_a_scenario_s_hand_written_sql_with_its_parameters_and_renders_the_rows(client, db, floors_file):
    response = client.get("/_bench/floor/events/")

    assert response.status_code == 200
    assert b"<td>e1</td><td>&lt;strike&gt;</td>" in response.content  # the parameter, escaped
    assert b"<td>e2</td><td>x%</td>" in response.content
    # A statement's first row is handed on: the count's statement reads the rows' first public id.
    assert b"<caption>count</caption><tr><td>2</td><td>e1</td></tr>" in response.content


@pytest.mark.urls("knowledgebase.loadtest.urls")
def test_an_unknown_scenario_or_no_floors_file_is_not_found(client, db, floors_file, monkeypatch):
    assert client.get("/_bench/floor/nothing/").status_code == 404
    monkeypatch.delenv("BENCH_FLOORS_FILE")
    assert client.get("/_bench/floor/events/").status_code == 404


@pytest.mark.urls("knowledgebase.loadtest.urls")
def test_the_load_test_urlconf_keeps_every_product_page(client, db):
    assert client.get("/events/").status_code == 200


def test_the_products_urlconf_has_no_floor():
    with pytest.raises(Resolver404):
        resolve("/_bench/floor/events/", urlconf="knowledgebase.urls")


@pytest.mark.parametrize(
    ("extra", "installed", "urlconf"),
    [
        ({}, False, "knowledgebase.urls"),
        ({"ROOT_URLCONF": "knowledgebase.loadtest.urls"}, False, "knowledgebase.urls"),
        ({"LOADTEST": "1"}, True, "knowledgebase.urls"),
        ({"LOADTEST": "1", "ROOT_URLCONF": "knowledgebase.loadtest.urls"}, True, "knowledgebase.loadtest.urls"),
    ],
)
def test_the_product_installs_the_app_and_its_urlconf_only_when_loadtest_is_set(extra, installed, urlconf):
    env = {key: value for key, value in os.environ.items() if key not in {"LOADTEST", "ROOT_URLCONF"}}
    script = (
        "from knowledgebase import settings as s; print('knowledgebase.loadtest' in s.INSTALLED_APPS, s.ROOT_URLCONF)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DEBUG": "1", "DATABASE_URL": "sqlite://:memory:", **extra},
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == [str(installed), urlconf]


# --- The floors return what their pages show ----------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not ON_POSTGRESQL, reason="the floors are PostgreSQL's SQL")
def test_every_floor_returns_what_its_page_shows(client, demo_content):
    call_command("generate_synthetic", events=60, actors=10, organizations=5, verbosity=0)
    clear_memo()
    cache.clear()
    run = run_script(ROOT / "benchmarks" / "run.py")
    caps = {"count": settings.COUNT_CAP, "list": getattr(settings, "LIST_COUNT_CAP", settings.COUNT_CAP)}
    plan = run.with_caps(run.scenarios("syne00000030"), caps)
    differences = {}
    for scenario in plan:
        params = (
            {**scenario.params, "codes": sorted(content_counts())} if "codes" in scenario.params else scenario.params
        )
        response = client.get(scenario.path)
        assert response.status_code == 200, scenario.path
        page = response.content.decode()
        statements = floor.load(scenario.floor_file)
        with connection.cursor() as cursor:
            results = floor.execute(cursor, statements, params)
        for statement, (columns, rows) in zip(statements, results, strict=True):
            problems = floor.compare(statement, columns, rows, page, params["cap"])
            differences.update({f"{scenario.name} {statement.part}": problems} if problems else {})
    # Page 200 exists in the benchmark's databases (10,000 events and more), not among these few: the page
    # falls back to its last page, which its floor does not.
    differences.pop("events-page-200 rows", None)

    assert differences == {}

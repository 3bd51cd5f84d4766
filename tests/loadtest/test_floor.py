"""The benchmark's framework floor: only in the load-test URLconf, runs the captured SQL of a scenario."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from knowledgebase.loadtest import floor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queries_file(tmp_path, monkeypatch):
    path = tmp_path / "queries.json"
    path.write_text(json.dumps({"events": ["SELECT 1, 'one'", "SELECT 2"]}))
    monkeypatch.setenv("BENCH_QUERIES_FILE", str(path))
    floor.captured_queries.cache_clear()
    yield path
    floor.captured_queries.cache_clear()


@pytest.mark.urls("knowledgebase.loadtest.urls")
def test_the_floor_runs_a_scenarios_sql_and_renders_the_rows(client, db, queries_file):
    response = client.get("/_bench/floor/events/")

    assert response.status_code == 200
    assert b"<td>1</td><td>one</td>" in response.content
    assert b"<td>2</td>" in response.content


@pytest.mark.urls("knowledgebase.loadtest.urls")
def test_an_unknown_scenario_or_no_queries_file_is_not_found(client, db, queries_file, monkeypatch):
    assert client.get("/_bench/floor/nothing/").status_code == 404
    monkeypatch.delenv("BENCH_QUERIES_FILE")
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

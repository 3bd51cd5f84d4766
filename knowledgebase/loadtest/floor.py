"""The benchmark's floors: what a page could cost, written by hand, and the framework floor that serves it.

A floor is what a page could cost, not what it costs. For every benchmark scenario,
``benchmarks/floors/<scenario>.sql`` holds the best SQL we can write over the schema and indexes that
exist for the same rows, counts, map and chart data the page shows (see the README beside them).
``benchmarks/run.py`` times it through psycopg (the SQL floor), checks what it returns against the
page's HTML (``compare``), and serves it through ``floor`` below under the same gunicorn as the site
(the framework floor): a minimal Django view that runs the statements through a raw cursor and renders
their rows with a plain template. No ORM, no FilterSet, no page logic of ours: only Django's own stack.

A floor file is statements separated by lines holding a lone ``;``. Each statement starts with comment
lines: ``-- part: <name>`` (the part of the page it feeds: rows, count, map…), what it is for, and one
``-- check: <how>`` line or more (how ``compare`` finds its values in the page). Comment lines before the first
statement's ``-- part:`` describe the file. Parameters are psycopg's named ones (``%(country)s``), which
run.py fills per scenario, and a statement's first row is handed to the statements after it as parameters
named ``<part>_<column>``, as a page's code hands a query's result to its next query; a literal ``%`` is
written ``%%``.

Only the load-test URLconf (knowledgebase.loadtest.urls) mounts the view; the product never does.
"""

import html
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db import connection
from django.http import Http404
from django.template.response import TemplateResponse

#: How ``compare`` finds a statement's values in the page (the first word of its ``-- check:`` line).
CHECKS = {
    "links": "the first column, in order, is every distinct link of the page matching the pattern ({} the value)",
    "links-any": "the same links, in any order (the page orders them by a score worked out in Python)",
    "in-order": "the first column's values appear in the page's text in this order",
    "count": "the first column (or the one named after the noun) is the page's capped count: 'More than 1,000 "
    "<noun>s' or '<n> <noun>(s)'",
    "cells": "each row's named cells (numbers as the page writes them) appear in the page's text, in order",
    "none": "not compared (the reason follows)",
}
#: Ends a check to compare with the part of the page after a marker only: ``links /events/{}/ after id="x"``.
AFTER = " after "
SEPARATOR = re.compile(r"^\s*;\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Check:
    """How to find a statement's values in the page: ``kind`` (one of CHECKS), its ``argument`` (a link
    pattern, a noun, column names) and the ``after`` marker of the part of the page it looks at ('' for all)."""

    kind: str
    argument: str = ""
    after: str = ""

    @classmethod
    def parse(cls, text):
        text, _, after = text.partition(AFTER)
        kind, _, argument = text.strip().partition(" ")
        return cls(kind, argument.strip(), after.strip())


@dataclass(frozen=True)
class Statement:
    """One statement of a floor: the part of the page it feeds, why, how it is checked, and its SQL."""

    part: str
    about: str
    checks: tuple
    sql: str


def parse(text, name="floor"):
    """The statements of a floor file; a ValueError names what is missing."""
    statements = []
    for number, chunk in enumerate(SEPARATOR.split(text), start=1):
        lines = chunk.strip().splitlines()
        if not any(line.strip() and not line.lstrip().startswith("--") for line in lines):
            continue  # comments only: the file's description, or a trailing separator
        part, checks, about, sql = None, [], [], []
        for line in lines:
            stripped = line.strip()
            if not sql and not stripped:
                continue
            if sql or not stripped.startswith("--"):
                sql.append(line)
            elif stripped.startswith("-- part:"):
                part, about = stripped.removeprefix("-- part:").strip(), []
            elif stripped.startswith("-- check:"):
                checks.append(Check.parse(stripped.removeprefix("-- check:")))
            elif part is not None:
                about.append(stripped.removeprefix("--").strip())
        where = f"{name}, statement {number}"
        if not part:
            raise ValueError(f"{where}: no '-- part:' line before the SQL")
        if not checks or any(check.kind not in CHECKS for check in checks):
            raise ValueError(f"{where} ({part}): each '-- check:' must start with one of {', '.join(CHECKS)}")
        statements.append(Statement(part, " ".join(about), tuple(checks), "\n".join(sql).strip()))
    if not statements:
        raise ValueError(f"{name}: no statement")
    return statements


@cache
def load(path):
    """The statements of the floor file at ``path`` (read once per process)."""
    path = Path(path)
    return parse(path.read_text(encoding="utf-8"), path.name)


# --- Does the floor return what the page shows? -------------------------------------------------------


def page_text(page):
    """The page as a reader reads it: no tags, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", page)).split())


def shown(value):
    """A value as the page writes it in English: numbers with thousands separators, dates as ISO dates."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{int(value):,}" if value == value.to_integral_value() else f"{value.normalize():f}"
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


def _whole(text):
    """A pattern for ``text`` as a whole word or number (not the start of a longer one)."""
    return r"(?<![\w,])" + re.escape(text) + r"(?![\w]|,\d)"


def _distinct(values):
    return list(dict.fromkeys(values))


def _links(part, check, rows, page):
    pattern = check.argument
    if "{}" not in pattern:
        return [f"{part}: the links pattern has no {{}}"]
    before, after = (re.escape(piece) for piece in pattern.split("{}", 1))
    found = _distinct(re.findall(rf'href="{before}([^"/?#]+){after}"', page))
    expected = _distinct(str(row[0]) for row in rows)
    if check.kind == "links-any":
        found, expected = sorted(found), sorted(expected)
    if found == expected:
        return []
    return [
        f"{part}: the page links {len(found)} ({', '.join(found[:5])}…), "
        f"the floor returns {len(expected)} ({', '.join(expected[:5])}…)"
    ]


def _in_order(part, rows, text):
    position = 0
    for row in rows:
        value = shown(row[0])
        if not value:
            continue
        match = re.compile(_whole(value)).search(text, position)
        if match is None:
            where = "at all" if not re.search(_whole(value), text) else "in this order"
            return [f"{part}: {value!r} is not in the page {where}"]
        position = match.end()
    return []


def _count(part, check, columns, rows, text, cap):
    noun, _, column = check.argument.partition(" ")
    index = columns.index(column) if column in columns else 0
    n = rows[0][index] if rows and rows[0] else None
    if not isinstance(n, int):
        return [f"{part}: the floor returns no count"]
    noun = noun or "event"
    expected = f"More than {cap:,} {noun}s" if n > cap else f"{n:,} {noun}{'' if n == 1 else 's'}"
    if re.search(_whole(expected), text):
        return []
    return [f"{part}: the page does not say {expected!r}"]


def _cells(part, check, columns, rows, text):
    names = check.argument.split()
    missing = [name for name in names if name not in columns]
    if missing or not names:
        return [f"{part}: no column named {', '.join(missing) or '(none given)'}"]
    indexes = [columns.index(name) for name in names]
    problems = []
    for row in rows:
        cells = [shown(row[index]) for index in indexes]
        if not all(cells):
            continue  # a row the page does not show in this table (a place without a name, say)
        pattern = ".{0,80}?".join(_whole(cell) for cell in cells)
        if not re.search(pattern, text):
            problems.append(f"{part}: the page has no {' · '.join(cells)!r}")
    return problems[:5]


def compare(statement, columns, rows, page, cap):
    """What the page shows that ``statement``'s rows (with ``columns``) do not say: [] when they agree.
    ``cap`` is the cap of the page's count."""
    problems = []
    for check in statement.checks:
        problems += _compare(statement.part, check, list(columns), rows, page, cap)
    return problems


def _compare(part, check, columns, rows, page, cap):
    if check.kind == "none":
        return []
    if check.after:
        start = page.find(check.after)
        if start == -1:
            return [f"{part}: the page has no {check.after!r}"]
        page = page[start:]
    if check.kind in ("links", "links-any"):
        return _links(part, check, rows, page)
    text = page_text(page)
    if check.kind == "in-order":
        return _in_order(part, rows, text)
    if check.kind == "count":
        return _count(part, check, columns, rows, text, cap)
    return _cells(part, check, columns, rows, text)


# --- Running a floor ----------------------------------------------------------------------------------


def passed_on(statement, columns, rows):
    """What a statement hands to the statements after it, as the page's code hands a query's result to the
    next query: its first row's values, as parameters named ``<part>_<column>`` (``%(selection_keys)s``)."""
    prefix = statement.part.replace("-", "_")
    return {f"{prefix}_{column}": value for column, value in zip(columns, rows[0] if rows else (), strict=False)}


def execute(cursor, statements, params, explain=False):
    """Run ``statements`` in turn with ``params`` and what each hands on (``passed_on``): [(columns, rows)],
    or with ``explain``, [(columns, rows, plan lines)] (the plan of EXPLAIN (ANALYZE, BUFFERS))."""
    params, results = dict(params), []
    for statement in statements:
        plan = []
        if explain:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, params)
            plan = [row[0] for row in cursor.fetchall()]
        cursor.execute(statement.sql, params)
        columns = [column[0] for column in cursor.description] if cursor.description else []
        rows = cursor.fetchall() if cursor.description else []
        params.update(passed_on(statement, columns, rows))
        results.append((columns, rows, plan) if explain else (columns, rows))
    return results


# --- The framework floor ------------------------------------------------------------------------------


@cache
def plan(path):
    """{scenario: {"file": floor file, "params": {...}}}, written by benchmarks/run.py."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def floor(request, scenario):
    """A scenario's hand-written SQL, run through a raw cursor, its rows in a plain template."""
    path = os.environ.get("BENCH_FLOORS_FILE")
    entry = plan(path).get(scenario) if path else None
    if entry is None:
        raise Http404("No such scenario.")
    statements = load(entry["file"])
    with connection.cursor() as cursor:
        results = execute(cursor, statements, entry["params"])
    parts = [(statement.part, rows) for statement, (_columns, rows) in zip(statements, results, strict=True)]
    return TemplateResponse(request, "loadtest/floor.html", {"parts": parts})

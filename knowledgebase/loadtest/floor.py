"""The framework floor of the benchmark: the least a Django page with the same data can cost.

Mounted only by this app's URLconf (knowledgebase.loadtest.urls), which benchmarks/run.py gives its
floor server through ROOT_URLCONF; the product's URLconf never mounts it. For a benchmark scenario it
runs the exact SQL the real page ran (captured by the benchmark into the JSON file named by the
BENCH_QUERIES_FILE environment variable) through a raw cursor and renders the rows with a plain
template: no ORM, no FilterSet, no middleware work of ours beyond Django's own stack.
"""

import json
import os
from functools import cache

from django.db import connection
from django.http import Http404
from django.template.response import TemplateResponse


@cache
def captured_queries(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def floor(request, scenario):
    path = os.environ.get("BENCH_QUERIES_FILE")
    queries = captured_queries(path).get(scenario) if path else None
    if queries is None:
        raise Http404("No such scenario.")
    tables = []
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql)
            tables.append(cursor.fetchall() if cursor.description else [])
    return TemplateResponse(request, "loadtest/floor.html", {"tables": tables})

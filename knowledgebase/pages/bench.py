"""The framework floor of the benchmark: the least a Django page with the same data can cost.

Only mounted when BENCH_FLOOR is on (benchmarks/run.py sets it for its own
gunicorn; never in production). For a benchmark scenario it runs the exact
SQL the real page ran (captured by the benchmark into BENCH_QUERIES_FILE)
through a raw cursor and renders the rows with a plain template: no ORM, no
FilterSet, no middleware work of ours beyond Django's own stack.
"""

import json
from functools import cache

from django.conf import settings
from django.db import connection
from django.http import Http404
from django.template.response import TemplateResponse


@cache
def captured_queries():
    with open(settings.BENCH_QUERIES_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def floor(request, scenario):
    queries = captured_queries().get(scenario)
    if queries is None:
        raise Http404("No such scenario.")
    tables = []
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql)
            tables.append(cursor.fetchall() if cursor.description else [])
    return TemplateResponse(request, "bench/floor.html", {"tables": tables})

"""Streaming CSV and JSON downloads built from column specifications.

A column says what it is once (name, HXL hashtag, description, how to read
it from a row); the CSV header, the HXL row, the JSON keys and the data
dictionary page at /data/ all come from that one description. Rows are read
with ``iterator(chunk_size=…)`` and written as they come, so memory stays flat
however many rows a filter selects.
"""

import csv
import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

CHUNK_SIZE = 2000
MULTI_VALUE_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    name: str
    hxl: str
    description: str
    value: object  # callable(row) -> str | int | date | list | bool | None
    multi: bool = False  # a '; '-joined string that JSON gives as an array

    def read(self, row):
        return self.value(row)


def key(name):
    """A column reader for rows that are dicts (querysets' values())."""
    return lambda row: row[name]


@dataclass(frozen=True)
class Export:
    """A downloadable table: its columns, and the function that yields its rows from a queryset."""

    slug: str
    title: str
    description: str
    columns: tuple
    rows: object  # callable(queryset) -> iterable of row objects


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def csv_cell(value):
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return MULTI_VALUE_SEPARATOR.join(csv_cell(v) for v in value)
    return str(value)


def json_value(value, multi=False):
    if multi:
        return value.split(MULTI_VALUE_SEPARATOR) if value else []
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def csv_lines(export, queryset):
    """The header row, the HXL hashtag row, then one line per row."""
    writer = csv.writer(_Echo())
    yield writer.writerow([column.name for column in export.columns])
    yield writer.writerow([column.hxl for column in export.columns])
    readers = [column.value for column in export.columns]
    for row in export.rows(queryset):
        yield writer.writerow([csv_cell(read(row)) for read in readers])


def json_chunks(export, queryset):
    """A JSON array of objects, written one object at a time."""
    yield "["
    first = True
    for row in export.rows(queryset):
        record = {column.name: json_value(column.read(row), column.multi) for column in export.columns}
        yield ("" if first else ",") + "\n" + json.dumps(record, ensure_ascii=False)
        first = False
    yield "\n]\n"


def buffered(pieces, size=64 * 1024):
    """Join small pieces into blocks of about ``size`` characters: one write per block, not per row."""
    block, length = [], 0
    for piece in pieces:
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(block)
            block, length = [], 0
    if block:
        yield "".join(block)


def download(export, queryset, fmt):
    """A streaming response with the rows of ``queryset`` as CSV or JSON."""
    if fmt not in FORMATS:
        raise Http404("Downloads come as .csv or .json.")
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = StreamingHttpResponse(buffered(csv_lines(export, queryset)), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(
            buffered(json_chunks(export, queryset)), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{export.slug}-{stamp}.{fmt}"'
    return response


FORMATS = ("csv", "json")


def invalid_filters_response(form):
    """400 with the form's errors, as JSON: a download never silently ignores a bad filter."""
    return JsonResponse(
        {
            "error": "Some filters could not be read.",
            "fields": {name: list(errors) for name, errors in form.errors.items()},
        },
        status=400,
    )


def list_dataset(request, export, url_name):
    """schema.org Dataset for a list page: the rows its filters select, as CSV and JSON downloads."""
    from knowledgebase.core.structured_data import dataset

    query = request.GET.copy()
    query.pop("page", None)
    suffix = f"?{query.urlencode()}" if query else ""
    return dataset(
        name=str(export.title),
        description=str(export.description),
        url=request.build_absolute_uri(request.path),
        downloads=[
            (media_type, request.build_absolute_uri(reverse(url_name, args=[fmt])) + suffix)
            for fmt, media_type in (("csv", "text/csv"), ("json", "application/json"))
        ],
    )

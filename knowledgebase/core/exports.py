"""Streaming CSV and JSON downloads built from column specifications.

A column says what it is once (name, HXL hashtag, description, how to read
it from a row); the CSV header, the HXL row, the JSON keys and the data
dictionary page at /data/ all come from that one description. Rows are read
with ``iterator(chunk_size=…)`` and written as they come, so memory stays flat
however many rows a filter selects. On PostgreSQL, an export that also gives
each column as a database expression is written by COPY … TO STDOUT instead,
streamed in blocks: the same bytes, without a Python object per cell.
"""

import csv
import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connections
from django.db.models import Case, F, Func, TextField, Value, When, Window
from django.db.models.functions import Cast, NullIf, RowNumber
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

CHUNK_SIZE = 2000
MULTI_VALUE_SEPARATOR = "; "
LINE_END = "\n"


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
    # callable(queryset) -> one cell per column, in column order (a text expression, or CopyJoined for a
    # multi-value cell): on PostgreSQL the CSV is then written by COPY … TO STDOUT (same bytes, faster).
    copy: object = None


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


def _csv_writer():
    return csv.writer(_Echo(), lineterminator=LINE_END)


def csv_head(export, writer=None):
    """The header row and the HXL hashtag row."""
    writer = writer or _csv_writer()
    yield writer.writerow([column.name for column in export.columns])
    yield writer.writerow([column.hxl for column in export.columns])


def csv_lines(export, queryset):
    """The header row, the HXL hashtag row, then one line per row."""
    writer = _csv_writer()
    yield from csv_head(export, writer)
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
    """Join small pieces (text or bytes) into blocks of about ``size``: one write per block, not per row."""
    block, length = [], 0
    for piece in pieces:
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield piece[:0].join(block)
            block, length = [], 0
    if block:
        yield block[0][:0].join(block)


def copy_csv_blocks(export, queryset, size=64 * 1024):
    """The CSV as PostgreSQL's COPY writes it, in blocks of about ``size`` bytes, under the same two
    header rows. COPY quotes like csv.writer's minimal quoting once empty strings are NULL (see
    ``copy_text``), and ends lines with LF as csv_lines does."""
    yield "".join(csv_head(export)).encode()
    sql, params = copy_select(queryset, export.copy(queryset))
    with (
        connections[queryset.db].cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy,
    ):
        yield from buffered((bytes(data) for data in copy), size)


@dataclass(frozen=True)
class CopyJoined:
    """A multi-value cell for COPY: the values of a related table's rows, '; '-joined in ``order``.

    ``source`` is the FROM clause (with joins), ``link`` the column that holds the exported row's id,
    ``value`` the SQL of one value, ``where`` an optional condition. All are fixed SQL written here,
    never user input."""

    source: str
    link: str
    value: str
    order: str
    where: str = "TRUE"


def copy_select(queryset, cells):
    """(sql, params) of one SELECT that gives ``cells`` (expressions or CopyJoined) for the rows of
    ``queryset``, in its order.

    The rows and their plain cells are picked once (the filters and sort are the queryset's own, so
    the export is exactly the page's rows); each multi-value cell is aggregated in one pass over its
    table for the picked rows and hash-joined, rather than looked up row by row."""
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    position = Window(
        RowNumber(),
        order_by=[
            item if not isinstance(item, str) else F(item[1:]).desc() if item.startswith("-") else F(item).asc()
            for item in ordering
        ],
    )
    plain = {f"cell{index:02d}": cell for index, cell in enumerate(cells) if not isinstance(cell, CopyJoined)}
    picked = queryset.order_by().values(copy_row_id=F("pk"), copy_position=position, **plain)
    picked_sql, params = picked.query.get_compiler(queryset.db).as_sql()
    columns, joins = [], []
    for index, cell in enumerate(cells):
        if not isinstance(cell, CopyJoined):
            columns.append(f"picked.cell{index:02d}")
            continue
        alias = f"joined{index:02d}"
        columns.append(f"{alias}.value")
        joins.append(
            f"LEFT JOIN (SELECT {cell.link} AS row_id, "  # noqa: S608 - fixed SQL written in this code
            f"STRING_AGG(({cell.value})::text, '{MULTI_VALUE_SEPARATOR}' ORDER BY {cell.order}) AS value "
            f"FROM {cell.source} WHERE ({cell.where}) AND {cell.link} IN (SELECT copy_row_id FROM picked) "
            f"GROUP BY {cell.link}) {alias} ON {alias}.row_id = picked.copy_row_id"
        )
    sql = (
        f"WITH picked AS MATERIALIZED ({picked_sql}) "  # noqa: S608 - fixed SQL and the ORM's own query
        f"SELECT {', '.join(columns)} FROM picked {' '.join(joins)} ORDER BY picked.copy_position"
    )
    return sql, params


def copy_text(expression):
    """A text cell for COPY: empty strings become NULL, which COPY writes as nothing (csv.writer's '')."""
    return NullIf(Cast(expression, TextField()), Value(""), output_field=TextField())


def copy_date(expression):
    """A date as ISO 8601 text, like date.isoformat()."""
    return Func(expression, Value("YYYY-MM-DD"), function="to_char", output_field=TextField())


def copy_datetime(expression):
    """A timestamp as ISO 8601 text to the second with its offset, like csv_cell gives it (the
    connection's time zone is TIME_ZONE; see ``uses_copy``)."""
    return Func(expression, Value('YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'), function="to_char", output_field=TextField())


def copy_boolean(field):
    """'true' or 'false', as csv_cell writes a boolean."""
    return Case(When(**{field: True}, then=Value("true")), default=Value("false"), output_field=TextField())


def uses_copy(export, queryset):
    connection = connections[queryset.db]
    return (
        export.copy is not None and connection.vendor == "postgresql" and connection.timezone_name == settings.TIME_ZONE
    )


def download(export, queryset, fmt):
    """A streaming response with the rows of ``queryset`` as CSV or JSON."""
    if fmt not in FORMATS:
        raise Http404("Downloads come as .csv or .json.")
    stamp = timezone.localdate().isoformat()
    if fmt == "csv" and uses_copy(export, queryset):
        response = StreamingHttpResponse(copy_csv_blocks(export, queryset), content_type="text/csv; charset=utf-8")
    elif fmt == "csv":
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

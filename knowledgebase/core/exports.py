"""Streaming CSV and JSON downloads built from column specifications.

A column says what it is once (name, HXL hashtag, description, how to read
it from a row); the CSV header, the HXL row, the JSON keys and the data
dictionary page at /data/ all come from that one description. Rows are read
with ``iterator(chunk_size=…)`` and written as they come, so memory stays flat
however many rows a filter selects. On PostgreSQL, an export that also gives
each column as a database expression is written by COPY … TO STDOUT instead,
streamed in blocks: the same bytes, without a Python object per cell.

* Formulas: a CSV text cell that a spreadsheet would run (``=HYPERLINK(…)``)
  gets an apostrophe in front, by the one rule of ``core.formulas``, in Python
  and in the COPY's SQL alike; numbers are written as they are. JSON keeps the
  raw text: no spreadsheet opens it as cells.
* Complete or an error: a download reads its first block (the query built,
  the rows started) before the response is returned, so what can fail fails
  as an error response, never as a file cut short.
* At most ``EXPORT_CONCURRENCY`` downloads stream at once across the site:
  each holds a slot in the cache while it streams (see ``ExportSlot``).
"""

import csv
import datetime
import json
import logging
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, F, Func, TextField, Value, When, Window
from django.db.models.functions import Cast, NullIf, RowNumber
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from knowledgebase.core.formulas import ESCAPE, FORMULA_START_PATTERN, FORMULA_STARTS, neutralise

logger = logging.getLogger(__name__)

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


# Only a text that begins with a formula's start or with the escape can be changed by neutralise: any
# other text (nearly every cell) skips the call, which is most of a large download's Python time.
_MAY_NEED_ESCAPE = frozenset((*FORMULA_STARTS, ESCAPE))


def csv_cell(value):
    """The text of a CSV cell. Text (a '; '-joined list too) that a spreadsheet would run as a formula
    gets an apostrophe in front (``formulas.neutralise``); numbers, dates and booleans are written as
    they are."""
    if type(value) is str:
        text = value
    elif isinstance(value, str):
        text = str(value)
    elif isinstance(value, list | tuple):
        text = MULTI_VALUE_SEPARATOR.join(_plain_cell(v) for v in value)
    else:
        return _plain_cell(value)
    return neutralise(text) if text and text[0] in _MAY_NEED_ESCAPE else text


def _plain_cell(value):
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
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


class _LineWriter:
    """csv.writer's rows as lines ending in LINE_END. The writer is given RFC 4180's CRLF, because it
    quotes a cell holding any character of its line end: so a cell with a carriage return is quoted,
    as COPY quotes it, and a bare CR in a cell cannot end a row for a reader. The CR is then dropped."""

    def __init__(self):
        self._writer = csv.writer(_Echo(), lineterminator="\r\n")

    def writerow(self, row):
        return self._writer.writerow(row)[:-2] + LINE_END


def _csv_writer():
    return _LineWriter()


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
    ``copy_text``), and ends lines with LF as csv_lines does.

    Nothing is yielded before the COPY has started and sent its first rows, and the last block is
    yielded once the COPY has ended: a download that fits in one block holds no cursor after its
    first block is read (see ``download``)."""
    head = "".join(csv_head(export)).encode()
    try:
        sql, params = copy_select(queryset, export.copy(queryset))
    except EmptyResultSet:  # filters that cannot match a row (a search without a word): no query to run
        yield head
        return
    with (
        connections[queryset.db].cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy,
    ):
        blocks = buffered(chain([head], (bytes(data) for data in copy)), size)
        pending = next(blocks)
        for block in blocks:
            yield pending
            pending = block
    yield pending


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


# regexp_replace(text, FORMULA_START_PATTERN, NEUTRALISED_START) is formulas.neutralise in SQL: an
# apostrophe before a first character that would start a formula (\& is the matched character).
NEUTRALISED_START = ESCAPE + "\\&"


class Neutralised(Func):
    """A text expression with ``formulas.neutralise`` applied; NULL stays NULL."""

    function = "regexp_replace"
    output_field = TextField()

    def __init__(self, expression):
        super().__init__(expression, Value(FORMULA_START_PATTERN), Value(NEUTRALISED_START))


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
        # The joined cell is text: neutralised as a whole, as csv_cell neutralises a joined cell.
        joins.append(
            f"LEFT JOIN (SELECT {cell.link} AS row_id, "  # noqa: S608 - fixed SQL written in this code
            f"regexp_replace(STRING_AGG(({cell.value})::text, '{MULTI_VALUE_SEPARATOR}' ORDER BY {cell.order}), "
            f"%s, %s) AS value "
            f"FROM {cell.source} WHERE ({cell.where}) AND {cell.link} IN (SELECT copy_row_id FROM picked) "
            f"GROUP BY {cell.link}) {alias} ON {alias}.row_id = picked.copy_row_id"
        )
        params = (*params, FORMULA_START_PATTERN, NEUTRALISED_START)
    sql = (
        f"WITH picked AS MATERIALIZED ({picked_sql}) "  # noqa: S608 - fixed SQL and the ORM's own query
        f"SELECT {', '.join(columns)} FROM picked {' '.join(joins)} ORDER BY picked.copy_position"
    )
    return sql, params


def copy_text(expression):
    """A text cell for COPY: empty strings become NULL, which COPY writes as nothing (csv.writer's ''),
    and text a spreadsheet would run as a formula is neutralised, as csv_cell does."""
    return Neutralised(NullIf(Cast(expression, TextField()), Value(""), output_field=TextField()))


def copy_number(expression):
    """A number for COPY, as str() writes it: never neutralised (-33.5 is a latitude, not a formula)."""
    return Cast(expression, TextField())


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
    """A streaming response with the rows of ``queryset`` as CSV or JSON; 503 while every download
    slot is taken. The first block is read here: an error before it is an error response."""
    if fmt not in FORMATS:
        raise Http404(_("Downloads come as .csv or .json."))
    slot = ExportSlot.take()
    if slot is None:
        return too_many_downloads()
    try:
        if fmt == "csv" and uses_copy(export, queryset):
            blocks = copy_csv_blocks(export, queryset)
        elif fmt == "csv":
            blocks = buffered(csv_lines(export, queryset))
        else:
            blocks = buffered(json_chunks(export, queryset))
        stream = DownloadStream(blocks, slot)
    except BaseException:
        slot.release()
        raise
    response = StreamingHttpResponse(stream, content_type=CONTENT_TYPES[fmt])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{export.slug}-{stamp}.{fmt}"'
    return response


FORMATS = ("csv", "json")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


class DownloadStream:
    """The blocks of a download, its first block already read, and the slot it holds: kept fresh
    while blocks are sent, and freed when the blocks run out or the response is closed (by the server
    at the end, or when the client goes away before it)."""

    def __init__(self, blocks, slot):
        self._blocks = iter(blocks)
        self._slot = slot
        self._refreshed_at = time.monotonic()
        first = next(self._blocks, None)  # runs the query: what fails, fails before a byte is sent
        self._first = [] if first is None else [first]

    def __iter__(self):
        return self

    def __next__(self):
        if self._first:
            return self._first.pop()
        if time.monotonic() - self._refreshed_at >= SLOT_REFRESH_SECONDS:
            self._slot.refresh()
            self._refreshed_at = time.monotonic()
        try:
            return next(self._blocks)
        except StopIteration:
            self._release()
            raise

    def close(self):
        try:
            if hasattr(self._blocks, "close"):
                self._blocks.close()
        finally:
            self._release()

    def _release(self):
        slot, self._slot = self._slot, NO_SLOT
        slot.release()


# A slot nobody refreshes (its worker died) is free again after SLOT_SECONDS; a download refreshes
# its slot between blocks at most every SLOT_REFRESH_SECONDS.
SLOT_SECONDS = 60
SLOT_REFRESH_SECONDS = 15
RETRY_AFTER_SECONDS = 30


def slot_key(index):
    return f"export-slot:{index}"


class ExportSlot:
    """One of the EXPORT_CONCURRENCY places for a streaming download, held in the cache so that every
    server counts it (Redis when REDIS_URL is set; per process with local memory).

    A slot is a cache key taken with ``cache.add``, which only one caller can win, holding a token
    that is this download's alone; it is released only by its holder. If the cache fails (it raises,
    or it keeps nothing, as a cache that drops writes while Redis is down), downloads are served
    without a cap, and it is logged, rather than refused."""

    def __init__(self, key, token):
        self.key = key
        self.token = token

    @classmethod
    def take(cls):
        """A free slot; NO_SLOT when nothing caps downloads; None when every slot is taken."""
        if settings.EXPORT_CONCURRENCY <= 0:
            return NO_SLOT
        token = secrets.token_hex(8)
        keys = [slot_key(index) for index in range(settings.EXPORT_CONCURRENCY)]
        try:
            for key in keys:
                if cache.add(key, token, timeout=SLOT_SECONDS):
                    return cls(key, token)
            taken = cache.get_many(keys)
        except Exception:
            logger.warning("Download slots unavailable (the cache failed): serving without a cap.", exc_info=True)
            return NO_SLOT
        if not taken:  # every add refused, yet no slot is held: the cache keeps nothing
            logger.warning("Download slots unavailable (the cache keeps nothing): serving without a cap.")
            return NO_SLOT
        return None

    def _holds(self):
        return cache.get(self.key) == self.token

    def refresh(self):
        try:
            if self._holds():
                cache.touch(self.key, timeout=SLOT_SECONDS)
        except Exception:
            logger.warning("Could not refresh download slot %s (the cache failed).", self.key, exc_info=True)

    def release(self):
        try:
            if self._holds():
                cache.delete(self.key)
        except Exception:
            logger.warning("Could not release download slot %s (the cache failed).", self.key, exc_info=True)


class _NoSlot:
    """What a download holds when nothing caps downloads."""

    def refresh(self):
        pass

    def release(self):
        pass


NO_SLOT = _NoSlot()


def too_many_downloads():
    response = JsonResponse(
        {"error": _("Too many downloads are running at the moment. Please try again in a minute.")}, status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def invalid_filters_response(form):
    """400 with the form's errors, as JSON: a download never silently ignores a bad filter."""
    return JsonResponse(
        {
            "error": _("Some filters could not be read."),
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

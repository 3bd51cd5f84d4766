"""Streaming CSV and JSON downloads built from column specifications.

A column says what it is once (``Column``: name, HXL hashtag, description,
and where its value comes from); the CSV header, the HXL row, the JSON keys,
the Python writer's cells, the COPY writer's SQL and the data dictionary page
at /data/ all come from that one definition. Rows are read with
``iterator(chunk_size=…)`` and written as they come, so memory stays flat
however many rows a filter selects. On PostgreSQL, an export whose columns are
all database values can be written by COPY … TO STDOUT instead, streamed in
blocks: the same bytes, without a Python object per cell.

* Formulas: a CSV text cell that a spreadsheet would run (``=HYPERLINK(…)``)
  gets an apostrophe in front, by the one rule of ``opendata.formulas``, in Python
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
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BooleanField,
    DateField,
    DateTimeField,
    DecimalField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    TextField,
    Value,
    Window,
)
from django.db.models.functions import Cast, NullIf, RowNumber
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from knowledgebase.core.db import AnyOf  # noqa: F401 - registers the any_of lookup that Related reads with
from knowledgebase.core.filtering import bind_filters
from knowledgebase.core.translation import in_language
from knowledgebase.opendata.formulas import ESCAPE, FORMULA_START_PATTERN, FORMULA_STARTS, neutralise

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000
MULTI_VALUE_SEPARATOR = "; "
LINE_END = "\n"


@dataclass(frozen=True)
class Related:
    """A cell of several values: the ``value`` of each row of ``model`` (those ``where`` selects) whose
    ``link`` is the exported row's ``key``, '; '-joined in the order of their ids.

    Read in Python with one query per chunk of exported rows, and by COPY with one aggregate over the
    table for all of them (see ``table_rows`` and ``copy_select``)."""

    model: type
    link: str  # the column of ``model`` that holds the exported row's key, e.g. "event_id"
    value: object  # a field path or an expression over ``model``
    where: Q = field(default_factory=Q)
    key: str = "pk"  # the field of the exported row that ``link`` holds

    def related(self):
        return self.model._default_manager.filter(self.where).order_by()

    def joined(self, keys):
        """{key: "a; b"} for the exported rows' keys, in one query."""
        values = {}
        value = in_language(self.value, self.model)
        rows = self.related().filter(**{f"{self.link}__any_of": keys}).values_list(self.link, value)
        for key, value in rows.order_by(self.link, "pk"):
            values.setdefault(key, []).append(value)
        return {key: MULTI_VALUE_SEPARATOR.join(items) for key, items in values.items()}


@dataclass(frozen=True)
class Column:
    """One column of a download, defined once: its header, HXL hashtag and description (the data
    dictionary at /data/ lists them), and where each row's cell comes from, ``value``:

    * a field path of the exported rows ("event_type__slug") or a database expression over them: read
      with the rows by the Python writer, and written in SQL by COPY, in the way the field's kind asks
      (``copy_cell``: text neutralised as ``csv_cell`` does, numbers and dates as Python writes them);
    * ``Related``: several values from another table, one cell that JSON gives as an array;
    * a function of a row object, for an export that builds its rows in Python (``object_rows``).
    """

    name: str
    hxl: str
    description: str
    value: object

    @property
    def multi(self):
        return isinstance(self.value, Related)


@dataclass(frozen=True)
class Export:
    """A downloadable table: its columns, and how its rows come from the list's queryset.

    By default each row of the queryset is a row of the file, its cells the columns' database values
    (``table_rows``). ``rows``, callable(queryset) -> lists of cells in column order, replaces that
    for a table built otherwise (the figures of the selected events, the exchanges' sides). With
    ``copy``, the CSV is written on PostgreSQL by COPY … TO STDOUT from the same columns: the same
    bytes as the Python writer, without a Python object per cell."""

    slug: str
    title: str
    description: str
    columns: tuple
    rows: object = None
    copy: bool = False

    def records(self, queryset):
        """The rows of the file, each a list of cells in column order."""
        return table_rows(self.columns, queryset) if self.rows is None else self.rows(queryset)


def batched(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def table_rows(columns, queryset, chunk_size=CHUNK_SIZE):
    """The rows of ``queryset`` as lists of cells in column order, in the queryset's order: the plain
    cells in one query (tuples, no model instances), and each ``Related`` cell in one query per chunk."""
    plain = [in_language(column.value, queryset.model) for column in columns if not column.multi]
    related = [(index, column.value) for index, column in enumerate(columns) if column.multi]
    keys = list(dict.fromkeys(cell.key for _index, cell in related))
    width = len(plain)
    rows = queryset.values_list(*plain, *keys).iterator(chunk_size=chunk_size)
    for chunk in batched(rows, chunk_size):
        joined = []
        for index, cell in related:  # in column order: each insert lands at its column's place
            position = width + keys.index(cell.key)
            joined.append((index, position, cell.joined(list({row[position] for row in chunk}))))
        for row in chunk:
            cells = list(row[:width])
            for index, position, values in joined:
                cells.insert(index, values.get(row[position], ""))
            yield cells


def object_rows(columns, objects):
    """Rows built in Python: each column's function reads its cell from each object."""
    readers = [column.value for column in columns]
    for item in objects:
        yield [read(item) for read in readers]


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
    for row in export.records(queryset):
        yield writer.writerow([csv_cell(value) for value in row])


def json_chunks(export, queryset):
    """A JSON array of objects, written one object at a time."""
    keys = [(column.name, column.multi) for column in export.columns]
    yield "["
    first = True
    for row in export.records(queryset):
        record = {name: json_value(value, multi) for (name, multi), value in zip(keys, row, strict=True)}
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
        sql, params = copy_select(queryset, export.columns)
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


# regexp_replace(text, FORMULA_START_PATTERN, NEUTRALISED_START) is formulas.neutralise in SQL: an
# apostrophe before a first character that would start a formula (\& is the matched character).
NEUTRALISED_START = ESCAPE + "\\&"


class Neutralised(Func):
    """A text expression with ``formulas.neutralise`` applied; NULL stays NULL."""

    function = "regexp_replace"
    output_field = TextField()

    def __init__(self, expression):
        super().__init__(expression, Value(FORMULA_START_PATTERN), Value(NEUTRALISED_START))


def as_expression(value):
    return F(value) if isinstance(value, str) else value


def copy_select(queryset, columns):
    """(sql, params) of one SELECT that gives the cells of ``columns`` for the rows of ``queryset``, in
    its order.

    The rows and their plain cells are picked once (the filters and sort are the queryset's own, so
    the export is exactly the page's rows); each ``Related`` cell is aggregated in one pass over its
    table for the picked rows and hash-joined, rather than looked up row by row."""
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    position = Window(
        RowNumber(),
        order_by=[
            item if not isinstance(item, str) else F(item[1:]).desc() if item.startswith("-") else F(item).asc()
            for item in ordering
        ],
    )
    plain = {
        f"cell{index:02d}": in_language(column.value, queryset.model)
        for index, column in enumerate(columns)
        if not column.multi
    }
    related = {f"joined{index:02d}": column.value for index, column in enumerate(columns) if column.multi}
    keys = {"pk": "copy_row_id"} | {
        key: f"copy_key_{key}" for key in dict.fromkeys(cell.key for cell in related.values()) if key != "pk"
    }
    picked = queryset.order_by().values(
        copy_row_id=F("pk"),
        copy_position=position,
        **copy_cells(queryset, plain),
        **{alias: F(key) for key, alias in keys.items() if key != "pk"},
    )
    picked_sql, params = picked.query.get_compiler(queryset.db).as_sql()
    joins = []
    for alias, cell in related.items():
        key = keys[cell.key]
        values = cell.related().values(
            copy_link=F(cell.link),
            copy_value=Cast(as_expression(in_language(cell.value, cell.model)), TextField()),
            copy_order=F("pk"),
        )
        values_sql, values_params = values.query.get_compiler(queryset.db).as_sql()
        # The joined cell is text: neutralised as a whole, as csv_cell neutralises a joined cell.
        joins.append(
            f"LEFT JOIN (SELECT related.copy_link AS row_key, "  # noqa: S608 - fixed SQL and the ORM's own
            f"regexp_replace(STRING_AGG(related.copy_value, '{MULTI_VALUE_SEPARATOR}' "
            f"ORDER BY related.copy_order), %s, %s) AS value "
            f"FROM ({values_sql}) related WHERE related.copy_link IN (SELECT {key} FROM picked) "
            f"GROUP BY related.copy_link) {alias} ON {alias}.row_key = picked.{key}"
        )
        params = (*params, FORMULA_START_PATTERN, NEUTRALISED_START, *values_params)
    cells = [
        f"picked.cell{index:02d}" if not column.multi else f"joined{index:02d}.value"
        for index, column in enumerate(columns)
    ]
    sql = (
        f"WITH picked AS MATERIALIZED ({picked_sql}) "  # noqa: S608 - fixed SQL and the ORM's own query
        f"SELECT {', '.join(cells)} FROM picked {' '.join(joins)} ORDER BY picked.copy_position"
    )
    return sql, params


def copy_cells(queryset, values):
    """{alias: the SQL text of the cell} for database values over ``queryset``, each written as the Python
    writer writes its kind (``copy_cell``); the kind is the resolved expression's field."""
    expressions = {alias: as_expression(value) for alias, value in values.items()}
    resolved = queryset.values(**expressions).query.annotations
    return {alias: copy_cell(expression, resolved[alias].output_field) for alias, expression in expressions.items()}


def copy_cell(expression, output_field):
    """A database value as text for COPY, as ``csv_cell`` writes the Python value the database returns."""
    if output_field.is_relation:
        return copy_cell(expression, output_field.target_field)
    if isinstance(output_field, DateTimeField):
        return copy_datetime(expression)
    if isinstance(output_field, DateField):
        return copy_date(expression)
    if isinstance(output_field, BooleanField | IntegerField | DecimalField | FloatField):
        return copy_number(expression)
    return copy_text(expression)


def copy_text(expression):
    """A text cell for COPY: empty strings become NULL, which COPY writes as nothing (csv.writer's ''),
    and text a spreadsheet would run as a formula is neutralised, as csv_cell does."""
    return Neutralised(NullIf(Cast(expression, TextField()), Value(""), output_field=TextField()))


def copy_number(expression):
    """A number as str() writes it, a boolean as 'true' or 'false' (PostgreSQL's text of a boolean):
    never neutralised (-33.5 is a latitude, not a formula)."""
    return Cast(expression, TextField())


def copy_date(expression):
    """A date as ISO 8601 text, like date.isoformat()."""
    return Func(expression, Value("YYYY-MM-DD"), function="to_char", output_field=TextField())


def copy_datetime(expression):
    """A timestamp as ISO 8601 text to the second with its offset, like csv_cell gives it (the
    connection's time zone is TIME_ZONE; see ``uses_copy``)."""
    return Func(expression, Value('YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'), function="to_char", output_field=TextField())


def uses_copy(export, queryset):
    connection = connections[queryset.db]
    return export.copy and connection.vendor == "postgresql" and connection.timezone_name == settings.TIME_ZONE


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
    at the end, or when the client goes away before it). Every block is written in the language the
    request chose (``opendata.language``): the server reads the blocks after the view has returned."""

    def __init__(self, blocks, slot):
        self._blocks = iter(blocks)
        self._slot = slot
        self._language = translation.get_language()
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
            with translation.override(self._language):
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


def filtered_download(request, export, filterset_class, queryset, fmt):
    """The download of a list: the rows its FilterSet selects from the request, in its page's order
    (``core.filtering``). A filter that cannot be read is a 400 with the reasons, never ignored."""
    bound = bind_filters(request, filterset_class, queryset)
    if not bound.is_valid:
        return bound.error_response()
    return download(export, bound.rows, fmt)


def list_dataset(request, export, url_name):
    """schema.org Dataset for a list page: the rows its filters select, as CSV and JSON downloads."""
    from knowledgebase.presentation.structured_data import dataset

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

"""Streaming CSV and JSON downloads built from column specifications.

A column says what it is once (``Column``: name, HXL hashtag, description,
and where its value comes from); the CSV header, the HXL row, the JSON keys,
the Python writer's cells, the COPY writer's SQL and the data dictionary page
at /data/ all come from that one definition. Rows are read with
``iterator(chunk_size=…)`` and written as they come, so memory stays flat
however many rows a filter selects. On PostgreSQL, an export whose columns are
all database values can be written by COPY … TO STDOUT instead, streamed in
blocks: the same bytes, without a Python object per cell (the JSON's objects
too, each built in SQL as json.dumps writes it).

* Formulas: a CSV text cell that a spreadsheet would run (``=HYPERLINK(…)``)
  gets an apostrophe in front, by the one rule of ``opendata.formulas``, in Python
  and in the COPY's SQL alike; numbers are written as they are. JSON keeps the
  raw text: no spreadsheet opens it as cells.
* Complete or an error: a download reads its first block (the query built,
  the rows started) before the response is returned, so what can fail fails
  as an error response, never as a file cut short.
* At most ``EXPORT_CONCURRENCY`` downloads stream at once across the site:
  each holds a slot in the cache while it streams (see ``ExportSlot``).
* A CSV download without filters is sent to the list's bulk file while that
  file is current (``opendata.bulk``): the same bytes, written once.
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
    OrderBy,
    Q,
    TextField,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, NullIf, RowNumber
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from knowledgebase.core.db import AnyOf  # noqa: F401 - registers the any_of lookup that Related reads with
from knowledgebase.core.filtering import bind_filters
from knowledgebase.core.translation import in_language
from knowledgebase.opendata.bulk_files import download_redirect
from knowledgebase.opendata.formulas import ESCAPE, FORMULA_START_PATTERN, FORMULA_STARTS, neutralise
from knowledgebase.serving.caching import filter_parameters

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
class Listed:
    """A cell of several values kept on the exported row itself, '; '-joined in one text (``value``: a field
    path or an expression): read with the row's other cells, written as that text in CSV and as an array in
    JSON, as a ``Related`` cell is. Reading one column instead of aggregating another table is what lets a
    million rows be written in seconds (the events keep theirs: ``Event.export_*``)."""

    value: object


@dataclass(frozen=True)
class Column:
    """One column of a download, defined once: its header, HXL hashtag and description (the data
    dictionary at /data/ lists them), and where each row's cell comes from, ``value``:

    * a field path of the exported rows ("event_type__slug") or a database expression over them: read
      with the rows by the Python writer, and written in SQL by COPY, in the way the field's kind asks
      (``copy_cell``: text neutralised as ``csv_cell`` does, numbers and dates as Python writes them);
    * ``Related``: several values from another table, one cell that JSON gives as an array;
    * ``Listed``: several values kept '; '-joined on the row, one cell that JSON gives as an array;
    * a function of a row object, for an export that builds its rows in Python (``object_rows``).
    """

    name: str
    hxl: str
    description: str
    value: object

    @property
    def multi(self):
        """A cell of several values: JSON gives it as an array."""
        return isinstance(self.value, Related | Listed)

    @property
    def related(self):
        """A cell aggregated from another table (``Related``), not read with the row."""
        return isinstance(self.value, Related)

    @property
    def row_value(self):
        """What the row's own query reads for a cell that is not ``Related``."""
        return self.value.value if isinstance(self.value, Listed) else self.value


@dataclass(frozen=True)
class Export:
    """A downloadable table: its columns, and how its rows come from the list's queryset.

    By default each row of the queryset is a row of the file, its cells the columns' database values
    (``table_rows``). ``select``, callable(queryset) -> another queryset, makes the rows those of another
    table (the figures of the selected events), still database values. ``rows``, callable(queryset) ->
    lists of cells in column order, replaces all that for a table built in Python (the exchanges'
    sides). With ``copy``, the CSV and the JSON are written on PostgreSQL by COPY … TO STDOUT from the
    same columns: the same bytes as the Python writer, without a Python object per cell."""

    slug: str
    title: str
    description: str
    columns: tuple
    rows: object = None
    copy: bool = False
    select: object = None

    def table(self, queryset):
        """The queryset whose rows are the file's rows (for the database writers)."""
        return queryset if self.select is None else self.select(queryset)

    def records(self, queryset):
        """The rows of the file, each a list of cells in column order."""
        return table_rows(self.columns, self.table(queryset)) if self.rows is None else self.rows(queryset)


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
    plain = [in_language(column.row_value, queryset.model) for column in columns if not column.related]
    related = [(index, column.value) for index, column in enumerate(columns) if column.related]
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


def csv_rows(export, queryset):
    """One line per row, under the two header rows."""
    writer = _csv_writer()
    for row in export.records(queryset):
        yield writer.writerow([csv_cell(value) for value in row])


def csv_lines(export, queryset):
    """The header row, the HXL hashtag row, then one line per row."""
    yield from csv_head(export)
    yield from csv_rows(export, queryset)


def json_rows(export, queryset):
    """One JSON object per row, each on one line (JSON writes a line break in a text as \n)."""
    keys = [(column.name, column.multi) for column in export.columns]
    for row in export.records(queryset):
        record = {name: json_value(value, multi) for (name, multi), value in zip(keys, row, strict=True)}
        yield json.dumps(record, ensure_ascii=False) + LINE_END


def json_array(lines, empty=""):
    """The objects of ``lines`` (JSON Lines, as text or, as COPY writes them, bytes: ``empty`` says which)
    as one JSON array, an object a line: the JSON download is its JSON Lines file between brackets."""

    def literal(text):
        return text if isinstance(empty, str) else text.encode()

    yield literal("[")
    before, comma = literal(LINE_END), literal("," + LINE_END)
    for line in lines:
        yield before + line[:-1]
        before = comma
    yield literal(LINE_END + "]" + LINE_END)


# What a download is written as: "csv", or "jsonl" (JSON Lines, which the JSON download wraps in brackets).
FILE_FORMATS = ("csv", "jsonl")


def file_rows(export, queryset, fmt, whole=False):
    """(head, rows) of a download: the two header rows of a CSV (nothing for JSON Lines) and an iterator
    of its rows, each a line ending in LINE_END. Written by COPY where ``uses_copy`` (bytes), else by
    Python (text); the same characters either way. ``whole`` says that ``queryset`` holds every row of
    its list (no filter), which lets COPY aggregate the related cells without picking their rows first.

    The COPY's SQL is built here, so a query that cannot be built fails before a byte is written."""
    if uses_copy(export, queryset):
        head = "".join(csv_head(export)).encode() if fmt == "csv" else b""
        try:
            return head, copy_rows(export, queryset, fmt, whole)
        except NotWritableInSQL as cell:
            logger.info("The %s download of %s is written by Python: SQL cannot write %s.", fmt, export.slug, cell)
    if fmt == "csv":
        return "".join(csv_head(export)), csv_rows(export, queryset)
    return "", json_rows(export, queryset)


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


def settled_blocks(pieces, size=64 * 1024):
    """``buffered(pieces)``, the last block held back until ``pieces`` has run out: a download whose
    rows come from a COPY yields its last block once the COPY has ended, so a download that fits in one
    block holds no cursor after its first block is read (see ``download``)."""
    blocks = buffered(pieces, size)
    pending = next(blocks, None)
    if pending is None:
        return
    for block in blocks:
        yield pending
        pending = block
    yield pending


def copy_csv_blocks(export, queryset, size=64 * 1024):
    """The CSV as PostgreSQL's COPY writes it, in blocks of about ``size`` bytes, under the same two
    header rows. COPY quotes like csv.writer's minimal quoting once empty strings are NULL (see
    ``copy_text``), and ends lines with LF as csv_lines does."""
    head = "".join(csv_head(export)).encode()
    return settled_blocks(chain([head], copy_rows(export, queryset, "csv")), size)


# COPY's CSV, and its JSON Lines: one field a row, the JSON text, which holds no line break nor any of the
# control characters named as delimiter and quote (JSON escapes them), so COPY writes it as it is.
COPY_OPTIONS = {"csv": "FORMAT csv", "jsonl": "FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01'"}


def copy_rows(export, queryset, fmt, whole=False):
    """The rows of ``export`` over ``queryset`` as COPY writes them (bytes, one row each, ending in a line
    break: libpq returns COPY data a row at a time), in the queryset's order. The SQL is built at once;
    the COPY runs when the rows are read, and ends when they run out or the iterator is closed."""
    table = export.table(queryset)
    try:
        sql, params = copy_select(table, export.columns, fmt, whole)
    except EmptyResultSet:  # filters that cannot match a row (a search without a word): no query to run
        return iter(())
    return _copied(table.db, f"COPY ({sql}) TO STDOUT ({COPY_OPTIONS[fmt]})", params)


def _copied(db, statement, params):
    with connections[db].cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        for data in copy:
            yield bytes(data)


# regexp_replace(text, FORMULA_START_PATTERN, NEUTRALISED_START) is formulas.neutralise in SQL: an
# apostrophe before a first character that would start a formula (\& is the matched character).
NEUTRALISED_START = ESCAPE + "\\&"


# The code points a text must begin with for ``FORMULA_START_PATTERN`` to match it: a formula's start or
# the escape. Testing the first one is much cheaper than the regular expression, which only such a text
# (nearly none) then runs: measured, 12% of the events file's time in PostgreSQL.
_ESCAPABLE_STARTS = ", ".join(str(ord(character)) for character in (*FORMULA_STARTS, ESCAPE))


class Neutralised(Func):
    """A text expression with ``formulas.neutralise`` applied; NULL stays NULL."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        (expression,) = self.get_source_expressions()
        sql, params = compiler.compile(expression)
        return (
            f"CASE WHEN ascii({sql}) IN ({_ESCAPABLE_STARTS}) THEN regexp_replace({sql}, %s, %s) ELSE {sql} END",
            (*params, *params, FORMULA_START_PATTERN, NEUTRALISED_START, *params),
        )


def as_expression(value):
    return F(value) if isinstance(value, str) else value


class NotWritableInSQL(TypeError):
    """A cell whose Python text the COPY writer cannot reproduce in SQL (a float in JSON): the download is
    written by Python."""


@dataclass(frozen=True)
class CopyCells:
    """How COPY writes a file's cells: each plain cell's SQL (``plain(expression, output_field)``), a
    ``Related`` cell around its '; '-joined text, NULL when it has no value (``joined(sql)`` -> (sql,
    params)), a ``Listed`` cell from the text the row keeps (``listed(expression)`` -> expression), and
    the row from its cells (``line(columns, cells)`` -> (sql, params))."""

    plain: object
    joined: object
    line: object
    listed: object


def _csv_joined(sql):
    """The joined cell is text: neutralised as a whole, as csv_cell neutralises a joined cell."""
    return f"regexp_replace({sql}, %s, %s)", (FORMULA_START_PATTERN, NEUTRALISED_START)


def _json_joined(sql):
    """An array of the joined values, split on '; ' as json_value splits them: in the JSON text of the
    joined string, each separator becomes the end of one string and the start of the next."""
    return (
        f"CASE WHEN {sql} IS NULL OR {sql} = '' THEN '[]' ELSE '[' || replace(to_json({sql})::text, %s, %s) || ']' END",
        (MULTI_VALUE_SEPARATOR, '", "'),
    )


def _csv_listed(expression):
    """A ``Listed`` cell's text, as a joined cell is written: neutralised, and nothing when it is empty."""
    return copy_text(expression)


class JsonList(Func):
    """A ``Listed`` cell as the JSON array ``_json_joined`` makes of a joined text."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        (expression,) = self.get_source_expressions()
        sql, params = compiler.compile(expression)
        joined, joined_params = _json_joined(f"({sql})")
        return joined, (*params, *params, *params, *joined_params)


def _json_listed(expression):
    return JsonList(Cast(expression, TextField()))


def _csv_line(columns, cells):
    return ", ".join(sql for sql, _params in cells), tuple(param for _sql, params in cells for param in params)


def _json_line(columns, cells):
    """One JSON object: json.dumps's separators (", " and ": ") between the columns' names and cells."""
    parts, params = [], []
    for index, (column, (sql, cell_params)) in enumerate(zip(columns, cells, strict=True)):
        parts += ["%s", sql]
        params += [("{" if index == 0 else ", ") + json.dumps(column.name) + ": ", *cell_params]
    parts.append("%s")
    params.append("}")
    return " || ".join(parts), tuple(params)


def copy_select(queryset, columns, fmt="csv", whole=False):
    """(sql, params) of one SELECT that gives the cells of ``columns`` for the rows of ``queryset``, in
    its order: one field per cell for CSV, one JSON object per row for JSON Lines (``fmt`` "jsonl").

    The rows and their plain cells are picked once (the filters and sort are the queryset's own, so
    the export is exactly the page's rows); the ``Related`` cells are aggregated in one pass over their
    tables and hash-joined (``_joined``), rather than looked up row by row. Without ``Related`` cells, the
    rows are read and sorted in one pass, with no join (``_sorted_select``)."""
    cells = COPY_CELLS[fmt]
    ordering = [
        item if not isinstance(item, str) else F(item[1:]).desc() if item.startswith("-") else F(item).asc()
        for item in queryset.query.order_by or queryset.model._meta.ordering
    ]
    plain, listed = {}, {}
    for index, column in enumerate(columns):
        if not column.related:
            values = listed if column.multi else plain
            values[f"cell{index:02d}"] = in_language(column.row_value, queryset.model)
    picked_cells = {
        **copy_cells(queryset, plain, cells.plain),
        **copy_cells(queryset, listed, lambda expression, _field: cells.listed(expression)),
    }
    if not any(column.related for column in columns) and all(isinstance(item, OrderBy) for item in ordering):
        return _sorted_select(queryset, columns, cells, picked_cells, ordering)
    position = Window(RowNumber(), order_by=ordering)
    keys = {"pk": "copy_row_id"} | {
        key: f"copy_key_{key}" for key in dict.fromkeys(c.value.key for c in columns if c.related) if key != "pk"
    }
    picked = queryset.order_by().values(
        copy_row_id=F("pk"),
        copy_position=position,
        **picked_cells,
        **{alias: F(key) for key, alias in keys.items() if key != "pk"},
    )
    picked_sql, picked_params = picked.query.get_compiler(queryset.db).as_sql()
    joins, join_params, joined = _joined(columns, keys, queryset.db, whole)
    selected = [
        cells.joined(joined[index]) if column.related else (f"picked.cell{index:02d}", ())
        for index, column in enumerate(columns)
    ]
    line, line_params = cells.line(columns, selected)
    sql = (
        f"WITH picked AS {'' if whole else 'MATERIALIZED '}({picked_sql}) "  # noqa: S608 - the ORM's own
        f"SELECT {line} FROM picked {' '.join(joins)} ORDER BY picked.copy_position"
    )
    return sql, (*picked_params, *line_params, *join_params)


def _sorted_select(queryset, columns, cells, picked_cells, ordering):
    """(sql, params) of ``copy_select`` for cells that are all read with the row: the rows picked with their
    cells and sort keys, and sorted by those keys, in one query without a window or a join. (A sort over
    the row number of a window would sort every row twice: measured, 1.1 s instead of 0.7 s for 100,000
    events.)"""
    keys = {f"copy_sort{index}": item.expression for index, item in enumerate(ordering)}
    picked = queryset.order_by().values(**picked_cells, **keys)
    picked_sql, picked_params = picked.query.get_compiler(queryset.db).as_sql()
    line, line_params = cells.line(columns, [(f"picked.cell{index:02d}", ()) for index in range(len(columns))])
    order = ", ".join(
        f"picked.{alias}{' DESC' if item.descending else ''}"
        f"{' NULLS FIRST' if item.nulls_first else ' NULLS LAST' if item.nulls_last else ''}"
        for alias, item in zip(keys, ordering, strict=True)
    )
    sql = f"SELECT {line} FROM ({picked_sql}) picked ORDER BY {order}"  # noqa: S608 - the ORM's own SQL
    return sql, (*line_params, *picked_params)


def _joined(columns, keys, db, whole):
    """(joins, params, {column index: SQL of its '; '-joined text}) for the ``Related`` cells of ``columns``:
    a LEFT JOIN each, which aggregates the cell's values in the order of their ids in one pass over its
    table (``keys``: the key a cell hangs on -> its column in ``picked``). Only the values of the picked
    rows are aggregated, unless ``whole`` says the picked rows are the whole table (a download without
    filters), where picking them first costs more than it saves (measured: 2.7 s instead of 3.5 s for
    100,000 events)."""
    joins, params, joined = [], [], {}
    for index, column in enumerate(columns):
        if not column.related:
            continue
        cell, alias, key = column.value, f"joined{index:02d}", keys[column.value.key]
        values = cell.related().values(
            copy_link=F(cell.link),
            copy_value=Cast(as_expression(in_language(cell.value, cell.model)), TextField()),
            copy_order=F("pk"),
        )
        values_sql, values_params = values.query.get_compiler(db).as_sql()
        within = "" if whole else f" WHERE related.copy_link IN (SELECT {key} FROM picked)"  # noqa: S608
        joins.append(
            f"LEFT JOIN (SELECT related.copy_link AS row_key, "  # noqa: S608 - fixed SQL and the ORM's own
            f"STRING_AGG(related.copy_value, '{MULTI_VALUE_SEPARATOR}' ORDER BY related.copy_order) AS value "
            f"FROM ({values_sql}) related{within} GROUP BY related.copy_link) {alias} ON {alias}.row_key = picked.{key}"
        )
        params += values_params
        joined[index] = f"{alias}.value"
    return joins, params, joined


def copy_cells(queryset, values, cell=None):
    """{alias: the SQL text of the cell} for database values over ``queryset``, each written as the Python
    writer writes its kind (``cell``, by default ``copy_cell``); the kind is the resolved expression's field."""
    cell = cell or copy_cell
    expressions = {alias: as_expression(value) for alias, value in values.items()}
    resolved = queryset.values(**expressions).query.annotations
    return {alias: cell(expression, resolved[alias].output_field) for alias, expression in expressions.items()}


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


class ToJson(Func):
    """The JSON text of a value (PostgreSQL escapes a text's characters as json.dumps does)."""

    function = "to_json"
    template = "%(function)s(%(expressions)s)::text"
    output_field = TextField()


class JsonDecimal(Func):
    """A decimal as json.dumps writes the float json_value makes of it: the shortest text that reads back
    as the same float, which for up to 15 significant digits is the decimal without trailing zeros, with
    '.0' when nothing is left after the point, and in Python's exponent form below 0.0001 (5e-05)."""

    output_field = TextField()
    template = (
        "CASE WHEN {x} IS NULL THEN 'null' "
        "WHEN {x} <> 0 AND abs({x}) < 0.0001 THEN "
        "trim_scale({x} / power(10::numeric, floor(log(abs({x})))))::text || 'e-' || "
        "lpad((-floor(log(abs({x}))))::int::text, 2, '0') "
        "ELSE trim_scale({x})::text || CASE WHEN scale(trim_scale({x})) = 0 THEN '.0' ELSE '' END END"
    )

    def as_sql(self, compiler, connection, **extra_context):
        (expression,) = self.get_source_expressions()
        sql, params = compiler.compile(expression)
        count = self.template.count("{x}")
        return self.template.replace("{x}", f"({sql})"), tuple(params) * count


def json_cell(expression, output_field):
    """A database value as the JSON text json_value and json.dumps give the Python value ('null' for
    NULL): texts, dates and times as strings, numbers and booleans as they are."""
    if output_field.is_relation:
        return json_cell(expression, output_field.target_field)
    if isinstance(output_field, DecimalField):
        if not output_field.max_digits or output_field.max_digits > 15:
            raise NotWritableInSQL(output_field)
        return JsonDecimal(expression)
    if isinstance(output_field, FloatField):  # PostgreSQL writes 30 where Python writes 30.0
        raise NotWritableInSQL(output_field)
    if isinstance(output_field, DateTimeField):
        value = copy_datetime(expression)
    elif isinstance(output_field, DateField):
        value = copy_date(expression)
    elif isinstance(output_field, BooleanField | IntegerField):
        value = expression
    else:
        value = Cast(expression, TextField())
    return Coalesce(ToJson(value), Value("null"), output_field=TextField())


COPY_CELLS = {
    "csv": CopyCells(copy_cell, _csv_joined, _csv_line, _csv_listed),
    "jsonl": CopyCells(json_cell, _json_joined, _json_line, _json_listed),
}


def uses_copy(export, queryset):
    connection = connections[queryset.db]
    return export.copy and connection.vendor == "postgresql" and connection.timezone_name == settings.TIME_ZONE


def download(export, queryset, fmt, whole=False):
    """A streaming response with the rows of ``queryset`` as CSV or JSON; 503 while every download
    slot is taken. The first block is read here: an error before it is an error response. ``whole``
    says that ``queryset`` is every row of the list (see ``file_rows``)."""
    if fmt not in FORMATS:
        raise Http404(_("Downloads come as .csv or .json."))
    slot = ExportSlot.take()
    if slot is None:
        return too_many_downloads()
    try:
        head, rows = file_rows(export, queryset, "csv" if fmt == "csv" else "jsonl", whole)
        pieces = chain([head], rows) if fmt == "csv" else json_array(rows, head)
        stream = DownloadStream(settled_blocks(pieces), slot)
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
    (``core.filtering``). A filter that cannot be read is a 400 with the reasons, never ignored.

    A CSV download without filters is the list's bulk file, while that file is current: the request is
    redirected to it (``bulk_files.download_redirect``, in the request's language), and the file is
    served as CSV. Filtered downloads, and all of them while no current file exists, stream."""
    whole = not filters_given(request, filterset_class)
    if whole and fmt == "csv":
        redirect = download_redirect(export, fmt, translation.get_language())
        if redirect is not None:
            return redirect
    bound = bind_filters(request, filterset_class, queryset)
    if not bound.is_valid:
        return bound.error_response()
    return download(export, bound.rows, fmt, whole)


def filters_given(request, filterset_class):
    """True when the request gives a value to a parameter the FilterSet reads (``lang`` is not one)."""
    return any(value.strip() for name in filter_parameters(filterset_class) for value in request.GET.getlist(name))


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

"""The CSV and XLSX files of the admin's import and export, read and written safely and within limits.

Reading (import):

* A file over ``IMPORT_MAX_BYTES``, or with more than ``IMPORT_MAX_ROWS`` rows, is refused; rows are
  counted while reading (whatever a sheet declares its size to be), and reading stops at the first
  row over the limit.
* An XLSX workbook is a zip archive. Before openpyxl opens it, it is refused if its members unpack to
  more than ``IMPORT_MAX_UNPACKED_BYTES`` or to more than ``MAX_UNPACK_RATIO`` times their packed size:
  a 199 KB file that unpacked to 200 MB once took a worker from 108 MB to 977 MB. Python's zipfile
  never inflates a member past the size the archive declares, so the declared sizes are a real bound.
* An XLSX formula cell is read as its formula (``=1+1``), not as the value the program that saved the
  file cached for it, so that the import can refuse it (``opendata.formulas``).
* CSV text is UTF-8 (with or without a byte-order mark), else Windows-1252, unless the editor names its
  encoding (Windows-1251 for Cyrillic files); the preview says which one was used.
* The first row names the columns, each once; blank rows are skipped; cells past the named columns
  must be empty.

Writing (the admin's export): text cells that a spreadsheet program would run as a formula get an
apostrophe in front (``opendata.formulas``); numbers and dates stay numbers and dates; no XLSX cell is ever
written as a formula.

Every problem with a file is a ``SpreadsheetError`` whose message the import form shows the editor.
"""

import csv
import datetime
import io
import warnings
import zipfile

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats

from knowledgebase.opendata.formulas import neutralise

# A spreadsheet's XML packs ten to thirty times; a hundred times is a file built to explode.
MAX_UNPACK_RATIO = 100
# An XLSX workbook has a few dozen parts (sheets, styles, shared strings, properties).
MAX_ARCHIVE_MEMBERS = 1000

AUTO = ""
# (codec, label) offered on the import form; "" detects UTF-8, else Windows-1252.
ENCODING_CHOICES = [
    (AUTO, _("Detect: UTF-8, else Windows-1252")),
    ("utf-8-sig", _("UTF-8")),
    ("cp1252", _("Windows-1252 (Western European, Latin-1)")),
    ("cp1251", _("Windows-1251 (Cyrillic)")),
]
ENCODING_NAMES = {"utf-8-sig": _("UTF-8"), "cp1252": _("Windows-1252"), "cp1251": _("Windows-1251")}

FILE_TOO_LARGE = _("This file is %(size)s; an import takes at most %(limit)s. Split it into smaller files.")
TOO_MANY_ROWS = _(
    "This file has more than %(limit)s rows; an import takes at most %(limit)s. Split it into smaller files."
)
EMPTY_FILE = _("This file is empty: the first row must name the columns, and the rows below it hold the records.")
NO_ROWS = _("This file names its columns but has no rows below them.")
UNNAMED_COLUMN = _("Column %(number)s has no name in the first row: name it, or delete the column.")
DUPLICATE_COLUMN = _("The first row names the column %(column)s twice: keep one.")
CELLS_PAST_COLUMNS = _(
    "Row %(row)s of the file has more cells than the first row has column names: name the column, or empty it."
)
NOT_CSV = _("This file is not CSV text%(hint)s. Choose the format that matches the file, or save it as CSV.")
LOOKS_LIKE_XLSX = _(" (it looks like an XLSX workbook)")
NOT_DECODABLE = _(
    "This file is not valid %(encoding)s text (an unexpected byte at position %(position)s). Choose the file's "
    "encoding in the form, or save it as CSV UTF-8."
)
NOT_DETECTED = _(
    "This file is neither UTF-8 nor Windows-1252 text. Choose the file's encoding in the form, or save it as CSV UTF-8."
)
UNREADABLE_CSV = _("This file could not be read as CSV (line %(line)s: %(problem)s).")
NOT_XLSX = _("This file could not be read as an XLSX workbook. Choose the format that matches the file.")
UNPACKS_TOO_LARGE = _(
    "This workbook unpacks to %(size)s; an import takes at most %(limit)s unpacked. Split it into smaller files."
)
UNPACKS_OUT_OF_PROPORTION = _(
    "This workbook unpacks to %(ratio)s times its size, far more than a spreadsheet does. Save it again from your "
    "spreadsheet program, or export it as CSV."
)
TOO_MANY_PARTS = _(
    "This workbook has %(count)s parts, far more than a spreadsheet has. Save it again as a plain workbook."
)
NO_SHEET = _("This workbook has no worksheet to read.")


class SpreadsheetError(Exception):
    """A file the import cannot read, with the message to show the editor."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def check_size(size):
    if size > settings.IMPORT_MAX_BYTES:
        raise SpreadsheetError(
            FILE_TOO_LARGE % {"size": filesizeformat(size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)}
        )


def encoding_name(codec):
    return ENCODING_NAMES.get(codec, codec)


# --- Reading -----------------------------------------------------------------------------------------


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _headers(row):
    """The column names of the first row: trimmed, the empty ones at the end dropped, each named once."""
    names = ["" if _blank(cell) else str(cell).strip() for cell in row]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise SpreadsheetError(EMPTY_FILE)
    seen = set()
    for number, name in enumerate(names, 1):
        if not name:
            raise SpreadsheetError(UNNAMED_COLUMN % {"number": number})
        if name in seen:
            raise SpreadsheetError(DUPLICATE_COLUMN % {"column": name})
        seen.add(name)
    return names


def dataset_from_rows(rows):
    """A ``tablib.Dataset`` from an iterator of rows (lists of cells), the first row naming the columns.

    Stops with an error at the first row over ``IMPORT_MAX_ROWS``, so that a huge file costs no more
    than a file just over the limit."""
    limit = settings.IMPORT_MAX_ROWS
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        raise SpreadsheetError(EMPTY_FILE)
    headers = _headers(first)
    width = len(headers)
    data = []
    for number, row in enumerate(rows, 2):
        if all(_blank(cell) for cell in row):
            continue
        if len(data) == limit:
            raise SpreadsheetError(TOO_MANY_ROWS % {"limit": limit})
        if not all(_blank(cell) for cell in row[width:]):
            raise SpreadsheetError(CELLS_PAST_COLUMNS % {"row": number})
        cells = list(row[:width])
        data.append(cells + [None] * (width - len(cells)))
    if not data:
        raise SpreadsheetError(NO_ROWS)
    return tablib.Dataset(*data, headers=headers)


def decode(data, codec=AUTO):
    """``(text, codec)``: the bytes of a CSV file as text, in ``codec`` or, when none is given, in UTF-8
    (a byte-order mark is dropped) or else Windows-1252."""
    if data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(NOT_CSV % {"hint": LOOKS_LIKE_XLSX})
    if b"\x00" in data:
        raise SpreadsheetError(NOT_CSV % {"hint": ""})
    if codec:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError as error:
            raise SpreadsheetError(
                NOT_DECODABLE % {"encoding": encoding_name(codec), "position": error.start}
            ) from error
    for candidate in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(NOT_DETECTED)


def read_csv(text):
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return dataset_from_rows(reader)
    except csv.Error as error:
        raise SpreadsheetError(UNREADABLE_CSV % {"line": reader.line_num, "problem": error}) from error


def check_archive(data):
    """Refuse, before anything unpacks it, an XLSX archive that would unpack to too much."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise SpreadsheetError(NOT_XLSX) from error
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise SpreadsheetError(TOO_MANY_PARTS % {"count": len(members)})
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    if unpacked > limit:
        raise SpreadsheetError(UNPACKS_TOO_LARGE % {"size": filesizeformat(unpacked), "limit": filesizeformat(limit)})
    if unpacked > MAX_UNPACK_RATIO * max(packed, 1):
        raise SpreadsheetError(UNPACKS_OUT_OF_PROPORTION % {"ratio": unpacked // max(packed, 1)})


def _cell_value(cell):
    """A cell's value; a formula cell's formula, always beginning with '='."""
    if cell.data_type != "f":
        return cell.value
    formula = str(getattr(cell.value, "text", cell.value) or "")  # an array formula keeps its text apart
    return formula if formula.startswith("=") else "=" + formula


def read_xlsx(data):
    import openpyxl

    check_archive(data)
    try:
        with warnings.catch_warnings():
            # Workbooks from other programs draw warnings about features openpyxl ignores (styles, validation).
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises whatever its XML and zip readers raise
        raise SpreadsheetError(NOT_XLSX) from error
    try:
        sheet = book.active
        if sheet is None or not hasattr(sheet, "reset_dimensions"):
            raise SpreadsheetError(NO_SHEET)
        sheet.reset_dimensions()  # the declared size may lie: read the rows that are there
        return dataset_from_rows([_cell_value(cell) for cell in row] for row in sheet.iter_rows())
    except SpreadsheetError:
        raise
    except Exception as error:
        raise SpreadsheetError(NOT_XLSX) from error
    finally:
        book.close()


# --- Writing -----------------------------------------------------------------------------------------


def _neutralised(dataset):
    safe = tablib.Dataset(headers=[neutralise(header) for header in dataset.headers or []], title=dataset.title)
    for row in dataset:
        safe.append([neutralise(cell) for cell in row])
    return safe


def _xlsx_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)  # Excel has no time zones
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", neutralise(value)))
    cell.data_type = "s"  # text, whatever it looks like: never a formula, never an error code
    return cell


def write_xlsx(dataset):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=(dataset.title or "export")[:31])
    sheet.freeze_panes = "A2"
    for row in [dataset.headers or [], *dataset]:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- The formats of IMPORT_FORMATS and EXPORT_FORMATS --------------------------------------------------


class CSV(base_formats.CSV):
    """CSV in a detected or chosen encoding; written with formula-like text neutralised.

    ``encoding`` is the codec to read with ("" or None to detect); after reading, the codec used."""

    # Exported rows keep numbers as numbers, so that only text is neutralised (see the admin mixin).
    native_types = True

    def is_binary(self):
        return True  # the admin hands over the bytes: this format decodes them itself

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            return read_csv(in_stream)
        check_size(len(in_stream))
        text, self.encoding = decode(in_stream, self.encoding or AUTO)
        return read_csv(text)

    def export_data(self, dataset, **kwargs):
        return super().export_data(_neutralised(dataset), **kwargs)


class XLSX(base_formats.XLSX):
    """XLSX read within limits, formulas as formulas; written with text as text and numbers as numbers."""

    native_types = True

    def create_dataset(self, in_stream, **kwargs):
        check_size(len(in_stream))
        return read_xlsx(in_stream)

    def export_data(self, dataset, **kwargs):
        return write_xlsx(dataset)

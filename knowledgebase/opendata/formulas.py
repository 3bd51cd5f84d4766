"""Spreadsheet formula injection: the one rule for every CSV and XLSX the site writes or reads.

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula (and
tab or carriage return can hide such a start), so a title like ``=HYPERLINK("http://x","y")`` in a
download would run on a reader's machine (OWASP, "CSV Injection"). Every *text* cell the site writes
that begins with one of these characters is written with an apostrophe in front, which spreadsheet
programs read as "this is text". Numbers are written as numbers: ``-33.5`` stays ``-33.5``. Text that
already begins with apostrophes before such a character gets one more, so that the escape can be undone
exactly: ``'=x`` is written ``''=x``.

On import the rule runs backwards: one leading apostrophe before such a start is removed (so the site's
own files import unchanged), and a text cell that begins with one of these characters without the
apostrophe is refused as a formula, unless it is a number.
"""

import re

from django.utils.translation import gettext_lazy as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
# What the COPY writer's SQL tests (see opendata.exports): the same rule, as a PostgreSQL regular expression.
FORMULA_START_PATTERN = "^'*[=+@\t\r-]"
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")

FORMULA_REFUSED = _(
    "%(column)s begins with %(start)s, which spreadsheet programs run as a formula. Remove the formula, "
    "or put an apostrophe (') in front of the text to keep it as text."
)


_START_NAMES = {"\t": _("a tab"), "\r": _("a carriage return")}


def is_number(text):
    return bool(_NUMBER.fullmatch(text.strip()))


def _needs_escape(text):
    return text.lstrip(ESCAPE).startswith(FORMULA_STARTS)


def neutralise(value):
    """``value`` safe to write into a spreadsheet cell: text that a spreadsheet would run as a formula
    (or that begins with apostrophes before such a start) gets an apostrophe in front; anything that is
    not text is returned as it is."""
    if isinstance(value, str) and _needs_escape(value):
        return ESCAPE + value
    return value


def looks_like_formula(text):
    """True for a text cell a spreadsheet would run: it begins with a formula character and is not a
    number (``-5`` and ``+1.5`` are numbers)."""
    return isinstance(text, str) and text.startswith(FORMULA_STARTS) and not is_number(text)


def unescape(text):
    """The text an escaped cell stands for: ``'=x`` is ``=x`` and ``''=x`` is ``'=x``; anything else is
    returned as it is."""
    if isinstance(text, str) and text.startswith(ESCAPE) and _needs_escape(text[1:]):
        return text[1:]
    return text


def formula_refused(column, text):
    """The editor's message for a cell of ``column`` that ``looks_like_formula``."""
    start = _START_NAMES.get(text[0], f"\u201c{text[0]}\u201d")
    return FORMULA_REFUSED % {"column": column, "start": start}

"""How numbers and dates are written for readers, in the active language: thousands separators (a comma
in English, a non-breaking space in Ukrainian), a claim's value as its source states it, and dates in the
formats of ``knowledgebase.formats``. Nothing here runs a query."""

import datetime
import functools

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.formats import date_format, get_format_modules
from django.utils.translation import get_language, gettext_lazy

QUALIFIER_TEXT = {
    "exact": "%(value)s",
    "more-than": gettext_lazy("more than %(value)s"),
    "at-least": gettext_lazy("at least %(value)s"),
    "less-than": gettext_lazy("less than %(value)s"),
    "up-to": gettext_lazy("up to %(value)s"),
    "about": gettext_lazy("about %(value)s"),
}

# What a language without its own formats module gets (see knowledgebase/formats/__init__.py).
DEFAULT_FORMATS = {"DAY_DATE_FORMAT": "j F Y", "MONTH_YEAR_FORMAT": "F Y", "MONTH_NAMES_LOWER_CASE": False}


def locale_format(name):
    """A date format of the active language's formats module, or the English default."""
    for module in get_format_modules(get_language()):  # cached per language by Django
        value = getattr(module, name, None)
        if value is not None:
            return value
    return DEFAULT_FORMATS[name]


def number(value):
    """12,345 with the active language's thousands separator (12 345 in Ukrainian); empty for None."""
    if value is None:
        return ""
    return intcomma(value)


def stated_value(claim):
    """The value with its qualifier and bounds: 'up to 230', 'about 110,000,000 (100,000,000–120,000,000)'."""
    text = str(QUALIFIER_TEXT.get(claim.qualifier, "%(value)s")) % {"value": number(claim.value)}
    if claim.low is not None or claim.high is not None:
        low = number(claim.low) if claim.low is not None else "…"
        high = number(claim.high) if claim.high is not None else "…"
        text = f"{text} ({low}–{high})"
    return text


def day_date(date):
    """A date (or the local day of a moment) to the day, as running text writes it: '3 January 2024',
    '3 січня 2024'; empty for None."""
    if date in (None, ""):
        return ""
    if isinstance(date, datetime.datetime):
        date = (timezone.localtime(date) if timezone.is_aware(date) else date).date()
    return _day_date(date, get_language())


@functools.lru_cache(maxsize=8192)
def _day_date(date, language):
    # A page writes the same days again and again (a list's dates, "version of"): each is formatted once per
    # language; ``language`` is the active one, named so that each language keeps its own.
    return date_format(date, locale_format("DAY_DATE_FORMAT"))


def month_year(date):
    """A month on its own: 'September 2022', 'вересень 2022'."""
    text = date_format(date, locale_format("MONTH_YEAR_FORMAT"))
    return text.lower() if locale_format("MONTH_NAMES_LOWER_CASE") else text


def month_after_preposition(date):
    """The month's name as it reads after a word such as 'about' (Django's alternative form: 'January',
    'січня'), for a sentence that places it itself."""
    return date_format(date, "E")

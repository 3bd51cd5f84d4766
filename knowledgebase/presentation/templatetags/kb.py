"""Formatting helpers for templates: dates with their precision, attributed values, Markdown.

None of these run queries.
"""

import datetime
import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from knowledgebase.core.search import highlight
from knowledgebase.presentation.formatting import number, stated_value
from knowledgebase.presentation.markdown import render_markdown

register = template.Library()


def _season(date):
    # Meteorological seasons of the northern hemisphere, where the seed's events happen.
    if date.month in (12, 1, 2):
        return _("Winter")
    if date.month in (3, 4, 5):
        return _("Spring")
    if date.month in (6, 7, 8):
        return _("Summer")
    return _("Autumn")


@register.simple_tag
def precise_date(date, precision="day"):
    """'3 January 2024', 'September 2022', 'Summer 2023', '2023', 'about January 2024'."""
    if not date:
        return _("undated")
    if not isinstance(date, datetime.date):
        return str(date)
    if precision == "month":
        return f"{MONTHS[date.month]} {date.year}"
    if precision == "season":
        return f"{_season(date)} {date.year}"
    if precision == "year":
        return str(date.year)
    if precision == "week":
        return _("week of %(date)s") % {"date": date_format(date, "j F Y")}
    if precision == "approximate":
        return _("about %(month)s %(year)s") % {"month": MONTHS[date.month], "year": date.year}
    return date_format(date, "j F Y")


@register.simple_tag
def date_range(start, end, precision="day"):
    """A start date and an optional end date, both read with the same precision."""
    first = precise_date(start, precision)
    if not end or end == start:
        return first
    last = precise_date(end, precision)
    return first if first == last else f"{first} – {last}"


register.filter("number", number)
register.filter("stated_value", stated_value)


@register.filter
def markdown(text):
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 in render_markdown


@register.filter(name="highlight")
def highlight_filter(text, query):
    """Escaped text with the words of ``query`` marked; plain escaped text without a query."""
    return highlight(text, query) if query else text


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def jsonld(data):
    """A schema.org JSON-LD data block; <, > and & are escaped so no text can close the element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped above

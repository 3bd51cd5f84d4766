"""Columns of the admin's change lists that keep a row to a line or two: long text cut to a length with the
whole text on hover, and dates written as the site writes them ("3 January 2024", "3 січня 2024").

Each helper returns a column to assign in a ``ModelAdmin``'s class body and to name in ``list_display``::

    short_title = truncated("title", 80)
    published = dated("published_date")
    list_display = ["short_title", "published"]

The column takes its header from the model field's ``verbose_name`` and sorts by the field, unless told
otherwise. Nothing here runs a query: a related field's text comes from ``list_select_related``."""

import datetime

from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from knowledgebase.presentation.formatting import day_date, stated_value
from knowledgebase.presentation.templatetags.kb import precise_date


def shortened(text, length):
    """``text`` cut to ``length`` characters (an ellipsis included), marked up with the whole text in its
    ``title`` so that it shows on hover; the text itself when it is short enough; None when empty."""
    if text is None or text == "":
        return None
    text = str(text)
    short = Truncator(text).chars(length)
    if short == text:
        return text
    return format_html('<span class="truncated" title="{}">{}</span>', text, short)


def written_date(value):
    """A date (or the local day of a moment) as the site writes it, in a ``<time>`` element that carries
    the machine-readable date; None when empty."""
    if value is None:
        return None
    machine = value
    if isinstance(value, datetime.datetime):
        machine = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return format_html('<time datetime="{}">{}</time>', machine.isoformat(), day_date(value))


def written_date_at_precision(start, end=None, precision="day"):
    """An event's date as its page writes it, at its precision: '3 January 2024', 'September 2022',
    'Summer 2023'; a range as two dates that each stay on one line."""
    if start is None:
        return None
    first = precise_date(start, precision)
    last = precise_date(end, precision) if end and end != start else first
    start_html = format_html('<time datetime="{}">{}</time>', start.isoformat(), first)
    if last == first:
        return start_html
    return format_html('{} – <time datetime="{}">{}</time>', start_html, end.isoformat(), last)


class Column:
    """A change-list column of a ``ModelAdmin``: a descriptor that gives the admin a display function with
    the header and the sort order the admin reads (``short_description``, ``admin_order_field``).

    The column reads ``field`` of each row (a field with choices by its label), or ``read(row)`` when given,
    and shows ``render(value)``. Its header is ``description`` or the field's ``verbose_name``; it sorts by
    ``ordering`` (the field unless given; "" for a column that does not sort)."""

    def __init__(self, field, render, *, description=None, ordering=None, read=None):
        self.field = field
        self.render = render
        self.description = description
        self.ordering = field if ordering is None else ordering
        self.read = read

    def __get__(self, model_admin, owner=None):
        if model_admin is None:
            return self
        model_field = model_admin.model._meta.get_field(self.field)
        read = self.read or self.reader(model_field)
        render = self.render

        def column(obj):
            return render(read(obj))

        column.short_description = self.description or model_field.verbose_name
        column.admin_order_field = self.ordering or None
        return column

    @staticmethod
    def reader(model_field):
        if model_field.choices:
            return lambda obj: getattr(obj, f"get_{model_field.name}_display")() or None
        return lambda obj: getattr(obj, model_field.name)


def truncated(field, length, *, description=None, ordering=None):
    """A column showing ``field`` (text, a choice's label, or a related record by its name) cut to
    ``length`` characters, with the whole text on hover."""
    return Column(field, lambda value: shortened(value, length), description=description, ordering=ordering)


def dated(field, *, description=None, ordering=None):
    """A column showing the date (or moment) ``field`` as the site writes it: '3 January 2024'."""
    return Column(field, written_date, description=description, ordering=ordering)


def stated(*, description=None):
    """A column showing an attributed value (``sources.models.AttributedValue``) as its source states it,
    with its qualifier and bounds: 'up to 230', 'about 110,000,000 (100,000,000–120,000,000)'."""
    return Column("value", lambda text: text, description=description, read=stated_value)

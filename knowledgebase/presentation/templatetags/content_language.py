"""Content shown in English for want of a translation: mark its language and tell the reader.

``{% load content_language %}``, then ``<h1{% content_lang event "title" %}>{{ event.title }}</h1>`` gives
the element ``lang="en"`` when the title falls back to English on a page in another language (so that
screen readers pronounce it as English), and ``{% untranslated_notice event %}`` says that the record's
text has not been translated yet. Neither runs a query: every language's text is in the row.
"""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language

from knowledgebase.core.translation import falls_back, shown_language, untranslated_fields

register = template.Library()


def _in_original_language():
    """True on a page in the language every record is written in (English), where nothing falls back: the
    tags below then answer without looking at the record (a list calls them for every row)."""
    return get_language() == settings.MODELTRANSLATION_DEFAULT_LANGUAGE


@register.simple_tag
def content_lang(obj, field):
    """A ``lang`` attribute (with its leading space) when ``obj.<field>`` is shown in another language than
    the page's; nothing otherwise."""
    if obj is None or _in_original_language() or not falls_back(obj, field):
        return ""
    return format_html(' lang="{}"', shown_language(obj, field))


@register.filter
def is_untranslated(obj):
    """True when some text of ``obj`` is shown in English for want of a translation."""
    return obj is not None and bool(untranslated_fields(obj))


@register.inclusion_tag("includes/untranslated_notice.html")
def untranslated_notice(*records):
    """The notice that a record's text is shown in English, untranslated (nothing when it is translated).
    Each argument is a record or a list of its rows (a brief's prefetched takeaways)."""
    rows = (row for record in records for row in (record if hasattr(record, "__iter__") else [record]))
    return {"untranslated": any(is_untranslated(row) for row in rows)}


@register.filter
def shows_untranslated(obj, fields):
    """True when one of ``fields`` (comma-separated: "title,summary") of ``obj`` is shown in English for want
    of a translation: for a list row, which shows only some of the record's text."""
    if obj is None or _in_original_language():
        return False
    return any(falls_back(obj, field.strip()) for field in fields.split(","))

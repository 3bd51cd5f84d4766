"""Formatting helpers for templates: dates with their precision, attributed values, Markdown.

None of these run queries.
"""

import datetime
import json
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from knowledgebase.core.search import highlight
from knowledgebase.presentation.formatting import day_date, month_after_preposition, month_year, number, stated_value
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
    """'3 January 2024', 'September 2022', 'Summer 2023', '2023', 'about January 2024', in the active language
    ('3 січня 2024', 'вересень 2022')."""
    if not date:
        return _("undated")
    if not isinstance(date, datetime.date):
        return str(date)
    if precision == "month":
        return month_year(date)
    if precision == "season":
        return f"{_season(date)} {date.year}"
    if precision == "year":
        return str(date.year)
    if precision == "week":
        return _("week of %(date)s") % {"date": day_date(date)}
    if precision == "approximate":
        return _("about %(month)s %(year)s") % {"month": month_after_preposition(date), "year": date.year}
    return day_date(date)


@register.simple_tag
def date_range(start, end, precision="day"):
    """A start date and an optional end date, both read with the same precision."""
    first = precise_date(start, precision)
    if not end or end == start:
        return first
    last = precise_date(end, precision)
    return first if first == last else f"{first} – {last}"


@dataclass(frozen=True)
class LanguageVersion:
    """The page the reader is on, in one language of the site."""

    code: str
    name: str  # in its own language: "English", "Українська"
    url: str  # the same page with the same query string (filters, page), or that language's home page
    alternate: str  # absolute address without the query string, for hreflang; "" when the page has none
    is_current: bool
    is_default: bool  # the language of the unprefixed addresses, hreflang="x-default"


@register.simple_tag(takes_context=True)
def language_versions(context):
    """The current page in every language of the site, for the switcher and the hreflang alternates.

    ``translate_url`` resolves the path in the active language and reverses it in the other, keeping the
    query string (which the page cache has already reduced to the parameters the page reads). A path that
    resolves to no page (a 404) leads to the other language's home page and has no alternates. No query."""
    request = context.get("request")
    if request is None:
        return []
    current = translation.get_language()
    here = request.get_full_path()
    resolved = getattr(request, "resolver_match", None) is not None
    pages = {code: translate_url(here, code) if resolved else here for code, _name in settings.LANGUAGES}
    # Every language has its own address for this page (an unprefixed page, such as the sign-in, has not).
    translated = all(url != here for code, url in pages.items() if code != current)
    versions = []
    for code, _name in settings.LANGUAGES:
        url, alternate = pages[code], translate_url(request.path, code) if translated else ""
        if code != current and not translated:
            with translation.override(code):
                url = reverse("pages:home")
        versions.append(
            LanguageVersion(
                code=code,
                name=translation.get_language_info(code)["name_local"],
                url=url,
                alternate=request.build_absolute_uri(alternate) if alternate else "",
                is_current=code == current,
                is_default=code == settings.LANGUAGE_CODE,
            )
        )
    return versions


register.filter("number", number)
register.filter("day_date", day_date)


@register.simple_tag
def today():
    """Today's date in running text, in the active language ('29 November 2026', '29 листопада 2026')."""
    return day_date(timezone.localdate())


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

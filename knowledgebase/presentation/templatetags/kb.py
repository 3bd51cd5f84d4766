"""Formatting helpers for templates: dates with their precision, attributed values, Markdown.

None of these run queries.
"""

import datetime
import json
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.base import render_value_in_context
from django.urls import (
    NoReverseMatch,
    Resolver404,
    get_resolver,
    get_script_prefix,
    get_urlconf,
    resolve,
    reverse,
    translate_url,
)
from django.utils import timezone, translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from knowledgebase.core.search import highlight
from knowledgebase.core.translation import falls_back, shown_language
from knowledgebase.presentation.formatting import day_date, month_after_preposition, month_year, number, stated_value
from knowledgebase.presentation.markdown import render_markdown
from knowledgebase.presentation.templatetags.content_language import content_lang

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


def _translated_urls(request, here):
    """{language: (``translate_url(here, language)``, ``translate_url(request.path, language)``)}, ``here`` being
    the page's path with its query string: the path resolved once for every language, and each language's
    address reversed once for both (``translate_url`` resolves and reverses each time)."""
    parsed = urlsplit(here)
    if parsed.path != request.path:  # a path that its address escapes: translate_url reads each as it does
        return {
            code: (translate_url(here, code), translate_url(request.path, code)) for code, _name in settings.LANGUAGES
        }
    try:
        match = resolve(unquote(parsed.path))
    except Resolver404:
        return {code: (here, request.path) for code, _name in settings.LANGUAGES}
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            try:
                if match.args or match.kwargs:
                    path = reverse(name, args=match.args, kwargs=match.kwargs)
                else:
                    path = fixed_url(name)
            except NoReverseMatch:
                urls[code] = (here, request.path)
                continue
        urls[code] = (urlunsplit(parsed._replace(path=path)), urlunsplit(("", "", path, "", "")))
    return urls


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
    pages = _translated_urls(request, here) if resolved else {code: (here, here) for code, _name in settings.LANGUAGES}
    # Every language has its own address for this page (an unprefixed page, such as the sign-in, has not).
    translated = all(url != here for code, (url, _path) in pages.items() if code != current)
    versions = []
    for code, _name in settings.LANGUAGES:
        url, alternate = pages[code][0], pages[code][1] if translated else ""
        if code != current and not translated:
            with translation.override(code):
                url = fixed_url("pages:home")
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


_FIXED_URLS = {}  # (name, args, language, script prefix, URLconf) -> (the URLconf's resolver, address)


def fixed_url(name, *args):
    """``reverse(name, args=args)``, memoised per process for each language, script prefix and URLconf: the
    address is a pure function of those. The URLconf's resolver is kept with it: Django replaces it when it
    clears its URL caches (a test that changes the URLconf), which forgets the address. For the pages every page
    links (header, footer) and the few hundred a list links (countries), not for arguments without bound (a
    record's identifier). A ``{% url %}`` costs ~15 µs."""
    urlconf = get_urlconf()
    key = (name, args, translation.get_language(), get_script_prefix(), urlconf)
    resolver = get_resolver(urlconf)
    memo = _FIXED_URLS.get(key)
    if memo is None or memo[0] is not resolver:
        memo = _FIXED_URLS[key] = (resolver, reverse(name, args=args))
    return memo[1]


@register.simple_tag(name="fixed_url")
def fixed_url_tag(name):
    """``{% url name %}`` of a page without arguments (the header's and footer's links), memoised by
    ``fixed_url``."""
    return fixed_url(name)


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


# --- A row of an event list ----------------------------------------------------------------------------


def _lang_attribute(event, field, language):
    """`` lang="en"`` when ``event.<field>`` falls back to another language than the page's, else ""."""
    if not falls_back(event, field, language):
        return ""
    return f' lang="{escape(shown_language(event, field, language))}"'


def _event_row(event, query, texts, language):
    """One ``<li>`` of an event list (what ``includes/event_row.html`` rendered, byte for byte): the title
    linked to the event, its dates, type and countries, its badges and its summary, every text escaped."""
    if language is None:  # the page is in the language every record is written in: nothing falls back
        title_lang = summary_lang = ""
    else:
        title_lang = _lang_attribute(event, "title", language)
        summary_lang = _lang_attribute(event, "summary", language)
    start = event.start_date
    countries = event.country_links
    if countries:
        links = ", ".join(f'<a href="{escape(url)}">{escape(name)}</a>' for name, url in countries)
        countries = f"· <span>{links}</span>"
    summary = highlight(event.summary, query) if query else escape(event.summary)
    return (
        '<li class="event-row">\n'
        f'  <h3 class="event-title"><a href="{escape(event.list_url)}"{title_lang}>{escape(event.title)}</a></h3>\n'
        '  <p class="event-meta">\n'
        f'    <time datetime="{start.isoformat() if start else ""}">'
        f"{escape(date_range(start, event.end_date, event.date_precision))}</time>\n"
        f"    · <span>{escape(event.event_type.name)}</span>\n"
        f"    {countries or ''}\n"
        f"    {texts['disputed'] if event.has_disputed_figures else ''}\n"
        f"    {texts['untranslated'] if title_lang or summary_lang else ''}\n"
        "  </p>\n"
        f'  <p class="event-summary"{summary_lang}>{summary}</p>\n'
        "</li>\n"
    )


def _row_texts():
    return {
        "disputed": '<span class="badge badge-disputed">{}</span>'.format(escape(_("disputed figures"))),
        "untranslated": '<span class="note">{}</span>'.format(escape(_("This text has not been translated yet."))),
    }


def _fallback_language():
    """The active language when records may fall back from it to English, else None."""
    language = translation.get_language()
    return None if language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE else language


@register.simple_tag(takes_context=True)
def event_rows(context, events):
    """The ``<li>`` of each event of a list (``includes/event_row.html`` each), with the words of the
    context's ``query`` marked in the summaries. Written in Python, as the map is: a list page shows 25
    rows, and the template engine's lookups per row cost more than the rest of the list."""
    query, texts, language = context.get("query"), _row_texts(), _fallback_language()
    return mark_safe("".join(_event_row(event, query, texts, language) for event in events))  # noqa: S308 - escaped


@register.simple_tag(takes_context=True)
def event_row(context, event):
    """The ``<li>`` of one event of a list (``includes/event_row.html``): ``event_rows`` of one."""
    return event_rows(context, [event])


@register.simple_tag(takes_context=True)
def table_rows(context, rows):
    """The ``<tr>`` of a map's table (``presentation.maps.Table``), each cell (text, link or "", is a number):
    the first cell a row header, a number in the active language's digits with ``class="num"``, each text and
    link as ``{{ }}`` writes it (localised, escaped). In Python: a map of the world tabulates up to hundreds
    of rows, and the template engine's loop per cell cost more than the map."""
    parts = []
    for row in rows:
        parts.append("<tr>")
        for index, (text, url, is_number) in enumerate(row):
            shown = render_value_in_context(number(text) if is_number else text, context)
            if url:
                shown = f'<a href="{render_value_in_context(url, context)}">{shown}</a>'
            if index == 0:
                parts.append(f'<th scope="row">{shown}</th>')
            else:
                parts.append(f'<td class="num">{shown}</td>' if is_number else f"<td>{shown}</td>")
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every text and link is escaped as {{ }} escapes it


# Words of the rows below, translated when a row is written. Outside the f-strings that use them, where
# makemessages (xgettext) would not find them.
ARCHIVED_COPY = gettext_lazy("archived copy")
NOT_GRADED = gettext_lazy("reliability not graded")
CANNOT_BE_JUDGED = gettext_lazy("reliability cannot be judged (F)")
RELIABILITY = gettext_lazy("reliability %(grade)s")
UNDATED = gettext_lazy("As of: not dated by the source")
INCLUDES = gettext_lazy("Includes:")
ACCORDING_TO = gettext_lazy("according to")
REPORTED_IN = gettext_lazy("reported in")
MEDIATED_BY = gettext_lazy("mediated by")
ORIGIN = gettext_lazy("Origin:")
HOST = gettext_lazy("Host:")
HOW_THE_TRACKER_COUNTS = gettext_lazy("How the tracker counts")


# --- A source, a statistic ---------------------------------------------------------------------------


def _methodology(anchor):
    """The methodology page's address with ``#anchor``, escaped as ``{% url %}`` writes it."""
    return f"{escape(fixed_url('pages:methodology'))}#{anchor}"


def _source_citation(source):
    """What ``source_citation`` writes. A source of None cites as the template cited it: an empty title,
    not graded (``{{ }}`` of a missing attribute writes "")."""
    title = escape(getattr(source, "title", ""))
    url = getattr(source, "url", "")
    parts = [
        f'<cite class="source"><a href="{escape(url)}" rel="noopener">{title}</a></cite>'
        if url
        else f'<cite class="source">{title}</cite>'
    ]
    publisher = getattr(source, "publisher", None)
    published = getattr(source, "published_date", None)
    if publisher:
        when = f", {escape(day_date(published))}" if published else ""
        parts.append(f" ({escape(publisher.name)}{when})")
    elif published:
        parts.append(f" ({escape(day_date(published))})")
    archive = getattr(source, "archive_url", "")
    if archive:
        parts.append(
            f' <a class="source-archive" href="{escape(archive)}" rel="noopener">{escape(ARCHIVED_COPY)}'
            f'<span class="visually-hidden">: {title}</span></a>'
        )
    grade = getattr(source, "reliability", "")
    if not grade:
        parts.append(f' <a class="grade grade-none" href="{_methodology("reliability")}">{escape(NOT_GRADED)}</a>')
    elif grade == "F":
        parts.append(f' <a class="grade grade-F" href="{_methodology("reliability")}">{escape(CANNOT_BE_JUDGED)}</a>')
    else:
        grade = escape(grade)
        parts.append(
            f' <a class="grade grade-{grade}" href="{_methodology("reliability")}" '
            f'title="{escape(source.get_reliability_display())}">'
            f"{RELIABILITY % {'grade': grade}}</a>"
        )
    return "".join(parts)


@register.simple_tag
def source_citation(source):
    """A source as every page cites it (``includes/source.html``): its title, linked when it has an address,
    its publisher and date, its archived copy and its reliability grade linked to the methodology, every text
    escaped. In Python: a statistic cites its source, and the explorer and a country's profile list dozens."""
    return mark_safe(_source_citation(source))  # noqa: S308 - every text is escaped


def _as_of(statistic):
    if statistic.as_of_date:
        return _("As of %(date)s") % {"date": escape(day_date(statistic.as_of_date))}
    if statistic.period_end:
        return _("Period %(start)s – %(end)s") % {
            "start": escape(day_date(statistic.period_start)),
            "end": escape(day_date(statistic.period_end)),
        }
    note_lang = content_lang(statistic, "as_of_note")
    return f"{escape(UNDATED)} <span{note_lang}>({escape(statistic.as_of_note)})</span>"


def _claimant(statistic):
    """``<a href="…">who</a>`` of whoever claims the statistic."""
    claimant = statistic.claimant
    url = claimant.get_absolute_url() if claimant is not None else ""
    return f'<a href="{escape(url)}">{escape(claimant)}</a>'


def _statistic_item(statistic):
    rate = f" {escape(statistic.get_rate_period_display().lower())}" if statistic.rate_period else ""
    population = escape(statistic.population_type.lower())
    includes = (
        f'<span class="includes">{escape(INCLUDES)} {escape(statistic.includes)}</span>' if statistic.includes else ""
    )
    return (
        '<li class="statistic">\n'
        f'  <strong class="figure-big">{escape(stated_value(statistic))}</strong>{rate}\n'
        f'  <span class="statistic-label">{escape(statistic.title)}</span>\n'
        f'  <span class="note"><a href="{_methodology("population-" + population)}">'
        f"{escape(statistic.get_population_type_display())}</a> · {escape(statistic.get_measurement_display())} · "
        f"{escape(statistic.get_cause_display())}</span>\n"
        f'  <span class="as-of">{_as_of(statistic)}</span>\n'
        f'  <span class="claim-attribution">{escape(ACCORDING_TO)} {_claimant(statistic)}; '
        f"{escape(REPORTED_IN)} {_source_citation(statistic.source)}\n</span>\n"
        f"  {includes}\n"
        "</li>"
    )


@register.simple_tag
def statistic_item(statistic):
    """The ``<li>`` of a statistic in a list (``includes/statistic.html``): ``statistic_items`` of one, without
    the line break after it."""
    return mark_safe(_statistic_item(statistic))  # noqa: S308 - every text is escaped


@register.simple_tag
def statistic_items(statistics):
    """The ``<li>`` of each statistic of a list, each on its own line (``includes/statistic.html`` each): its
    value, label, kind, date, who claims it and where, every text escaped. In Python: a country's profile
    lists twenty, and the template engine's lookups cost more than the rest of the profile's statistics."""
    return mark_safe("".join(f"{_statistic_item(statistic)}\n" for statistic in statistics))  # noqa: S308 - escaped


# --- The prisoner-exchange tables ------------------------------------------------------------------------


def _exchange_texts():
    return {
        "lowest": ' <span class="note">{}</span>'.format(escape(_("(lowest claim; no best estimate)"))),
        "disputed": '<br><span class="badge badge-disputed">{}</span> '.format(escape(_("disputed"))),
        "not recorded": '<span class="note">{}</span>'.format(escape(_("not recorded"))),
        "not known": '<span class="note">{}</span>'.format(escape(_("not known"))),
        "none recorded": '<span class="note">{}</span>'.format(escape(_("none recorded"))),
    }


def _exchange_cell(group, value, lowest, texts):
    """A side's cell of an exchange, as (the number counted, the range of claims): the best estimate, else the
    lowest claim (said so), and the range when the claims contradict each other ("" when they agree)."""
    summary = group.summary
    counted = f"<strong>{escape(number(value))}</strong>{texts['lowest'] if lowest else ''}"
    if not summary.is_disputed:
        return counted, ""
    return (
        counted,
        f'{texts["disputed"]}<span class="range">{escape(number(summary.low))}–{escape(number(summary.high))}</span>',
    )


def _links(records):
    return ", ".join(f'<a href="{escape(record.get_absolute_url())}">{escape(record)}</a>' for record in records)


@register.simple_tag(takes_context=True)
def exchange_rows(context, rows):
    """The ``<tr>`` of each exchange of the tracker's table, from the view's (row, its date, its permalink,
    [(side, its claims, the number counted, whether the lowest claim)…]): its date, title, a cell per side,
    its sequence number with who counts it, and its mediators, every text escaped. In Python: the tracker shows
    fifty exchanges, and the template engine's loop per cell cost half the page's Python."""
    texts, parts = _exchange_texts(), []
    for row, when, permalink, cells in rows:
        event = row.event
        start = event.start_date
        parts.append(
            "\n    <tr>\n"
            f'      <td><time datetime="{start.isoformat() if start else ""}">{escape(when)}</time></td>\n'
            f'      <th scope="row"><a href="{escape(permalink)}">{escape(event.title)}</a></th>\n      '
        )
        for _side, group, value, lowest in cells:
            if group:
                counted, disputed = _exchange_cell(group, value, lowest, texts)
                cell = f"\n          {counted}\n          {disputed}\n        "
            else:
                cell = texts["not recorded"]
            parts.append(f'\n      <td class="num">\n        {cell}\n      </td>\n      ')
        preferred = row.sequence.summary.preferred if row.sequence else None
        if preferred:
            who = _("count by %(who)s") % {"who": escape(preferred.claimant)}
            sequence = f'{render_value_in_context(preferred.value, context)} <span class="note">({who})</span>'
        else:
            sequence = texts["not known"]
        parts.append(
            f'\n      <td class="num">{sequence}</td>\n'
            f"      <td>{_links(row.mediators) or texts['none recorded']}</td>\n"
            "    </tr>\n    "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped


@register.simple_tag
def country_exchange_rows(exchanges):
    """The ``<tr>`` of each exchange of a country's profile, from the view's (row, [(side, its claims, the
    number counted, whether the lowest claim)…]): the exchange linked with its date and mediators, and a cell
    per side (as the tracker's), every text escaped."""
    texts, parts = _exchange_texts(), []
    for row, cells in exchanges:
        event = row.event
        start = event.start_date
        mediators = f" · {escape(MEDIATED_BY)} {_links(row.mediators)}" if row.mediators else ""
        parts.append(
            "\n        <tr>\n"
            f'          <th scope="row"><a href="{escape(event.get_absolute_url())}">{escape(event.title)}</a>\n'
            f'            <span class="exchange-meta note"><time datetime="{start.isoformat() if start else ""}">'
            f"{escape(date_range(start, event.end_date, event.date_precision))}</time>{mediators}</span></th>\n"
            "          "
        )
        for _side, group, value, lowest in cells:
            if group:
                counted, disputed = _exchange_cell(group, value, lowest, texts)
                cell = f"{counted}\n            {disputed}\n            "
            else:
                cell = texts["not recorded"]
            parts.append(f'\n          <td class="num">\n            {cell}\n          </td>\n          ')
        parts.append("\n        </tr>\n      ")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped


def _place(statistic, side):
    """The origin or host of a statistic: its country linked to the country's profile, its region, or its
    scope."""
    country = getattr(statistic, f"{side}_country")
    if country:
        return f'<a href="{escape(fixed_url("countries:detail", country.code))}">{escape(country.name)}</a>'
    region = getattr(statistic, f"{side}_region")
    return escape(region or getattr(statistic, f"get_{side}_scope_display")())


@register.simple_tag
def statistic_row(statistic):
    """The ``<tr>`` of a statistic in the explorer's table: its label, value, kind, origin and host, date, who
    claims it and its source, every text escaped. In Python: the explorer shows 25 rows, and the template
    engine's lookups per row cost more than the rest of the page."""
    includes = f'<span class="includes">{escape(statistic.includes)}</span>' if statistic.includes else ""
    rate = f" {escape(statistic.get_rate_period_display().lower())}" if statistic.rate_period else ""
    if statistic.as_of_date:
        when = escape(day_date(statistic.as_of_date))
    elif statistic.period_end:
        when = f"{escape(day_date(statistic.period_start))} – {escape(day_date(statistic.period_end))}"
    else:
        when = escape(_("not dated by the source"))
        if statistic.as_of_note:
            note_lang = content_lang(statistic, "as_of_note")
            when += f' <span class="note"{note_lang}>({escape(statistic.as_of_note)})</span>'
    html = (
        "<tr>\n"
        f'            <th scope="row">{escape(statistic.title)}{includes}</th>\n'
        f'            <td class="num">{escape(stated_value(statistic))}{rate}</td>\n'
        f'            <td><span class="cell-line">{escape(statistic.get_population_type_display())}</span>'
        f'<span class="cell-line note">{escape(statistic.get_measurement_display())}</span>'
        f'<span class="cell-line note">{escape(statistic.get_cause_display())}</span></td>\n'
        f'            <td><span class="cell-line">{escape(ORIGIN)} {_place(statistic, "origin")}</span>'
        f'<span class="cell-line">{escape(HOST)} {_place(statistic, "host")}</span></td>\n'
        f"            <td>{when}</td>\n"
        f"            <td>{_claimant(statistic)}; {_source_citation(statistic.source)}\n</td>\n"
        "          </tr>"
    )
    return mark_safe(html)  # noqa: S308 - every text is escaped


@register.simple_tag
def exchange_count(count):
    """The tracker's notice of how many exchanges are recorded here against how many the sources count
    (``events/exchange_count.html``; ``count`` is an ``ExchangeCount``), every text escaped: why no running
    total is drawn."""
    shown = escape(number(count.total))
    recorded = ngettext(
        "%(shown)s exchange is recorded here.", "%(shown)s exchanges are recorded here.", count.total
    ) % {"shown": shown}
    if count.number:
        who, event = count.claimant, count.event
        known = {
            "url": escape(who.get_absolute_url()),
            "who": escape(who),
            "when": escape(date_range(event.start_date, event.end_date, event.date_precision)),
            "number": escape(number(count.number)),
        }
        if count.is_complete:
            counted = (
                _(
                    '<a href="%(url)s">%(who)s</a> counted the exchange of %(when)s as number %(number)s; all '
                    "%(number)s exchanges up to it are recorded here."
                )
                % known
            )
            total = _(
                "No running total is shown: no source recorded here says how many exchanges there have been since."
            )
        else:
            counted = _(
                'The sources count more: <a href="%(url)s">%(who)s</a> counted the exchange of %(when)s as number '
                "%(number)s, and %(recorded)s of those %(number)s are recorded here."
            ) % {**known, "recorded": escape(number(count.recorded))}
            total = _(
                "No running total is shown: a total of the exchanges recorded here would understate what happened."
            )
        said = f"\n    \n      {counted}\n      {escape(total)}\n    \n  "
    else:
        said = escape(
            _(
                "No source recorded here says how many exchanges there were, so this list may be incomplete. No "
                "running total is shown."
            )
        )
        said = f"\n    {said}\n  "
    html = (
        '<p class="notice exchange-count">\n'
        f"  {recorded}\n"
        f"  {said}\n"
        f'  <a href="{_methodology("charts")}">{escape(HOW_THE_TRACKER_COUNTS)}</a>\n'
        "</p>"
    )
    return mark_safe(html)  # noqa: S308 - every text is escaped

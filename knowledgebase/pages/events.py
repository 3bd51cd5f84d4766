"""The public event pages: the filtered list, the event page, the POW exchange tracker, and their
downloads. They join the events app with the apps above it (the IHL facet, allegations, briefs)."""

from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from knowledgebase.core.filtering import active_filters, bind_filters
from knowledgebase.core.views import paginate, paginate_selection, visible_to
from knowledgebase.events.changelog import event_changes
from knowledgebase.events.exports import EVENTS, EXCHANGES, FIGURES
from knowledgebase.events.models import LIST_DEFERRED_FIELDS, Event, countries_by_code
from knowledgebase.events.selectors import (
    PRISONER_EXCHANGE,
    counted_exchanges,
    counted_value,
    exchange_queryset,
    exchange_rows_of,
    figures_by_measure,
)
from knowledgebase.opendata.exports import download, filtered_download, list_dataset
from knowledgebase.pages.countries import event_map, selected_events
from knowledgebase.pages.filters import EventListFilter, ExchangeListFilter
from knowledgebase.pages.selectors import event_page_queryset, sources_of
from knowledgebase.presentation import structured_data
from knowledgebase.presentation.charts import BarGroup, RangeBar, range_bar_chart
from knowledgebase.presentation.templatetags.kb import date_range
from knowledgebase.serving.caching import cached_page
from knowledgebase.serving.ratelimits import EXPORT, SEARCH, limited_as

EXCHANGES_PER_PAGE = 50


def published_events():
    """What the event list, its downloads and its feed select from."""
    return Event.objects.published().for_list()


@limited_as(EXPORT)
def event_export(request, fmt):
    return filtered_download(request, EVENTS, EventListFilter, published_events(), fmt)


@limited_as(EXPORT)
def figure_export(request, fmt):
    return filtered_download(request, FIGURES, EventListFilter, published_events(), fmt)


@limited_as(EXPORT)
def exchange_export(request, fmt):
    return filtered_download(request, EXCHANGES, ExchangeListFilter, exchange_queryset(Event.objects.published()), fmt)


def _searching(request):
    return SEARCH if request.GET.get("q", "").strip() else None


@cached_page("page", filterset=EventListFilter)
@limited_as(_searching)
def event_list(request):
    events = bind_filters(request, EventListFilter, published_events())
    selection = selected_events(request, events)
    # A search ranks its matches up to the cap; beyond it, they are listed by date (and the page says so).
    ranked = events.filterset.by_relevance() and not selection.is_capped
    by_date = events.filterset.date_ordering()
    rows = events.rows if ranked else events.rows.order_by(*by_date)
    page = paginate_selection(
        request,
        rows,
        count=selection.count,
        cap=selection.cap,
        keys=None if ranked else selection.keys,
        by_key=published_events().order_by(*by_date),
    )
    context = {
        "filter": events.filterset,
        "form": events.form,
        "page_obj": page,
        "is_valid": events.is_valid,
        "taking_part": [*events.cleaned.get("actor", []), *events.cleaned.get("organization", [])],
        "active_filters": active_filters(request, events),
        "query": events.cleaned.get("q", ""),
        "by_date_not_relevance": events.filterset.by_relevance() and selection.is_capped,
        "downloads": [(_("Events"), "events:export"), (_("Their figures"), "events:figure-export")],
        # An empty selection offers nothing to download, to readers or to machines.
        "structured_data": list_dataset(request, EVENTS, "events:export") if selection.count else None,
        "events_map": event_map(request, selection) if selection.count else None,
    }
    template = "events/event_list.html"
    if request.headers.get("X-Requested-With") == "fetch":
        template += "#results"
    return TemplateResponse(request, template, context, status=200 if events.is_valid else 400)


@cached_page()
def event_detail(request, key):
    events = visible_to(request, Event.objects.all())
    event = event_page_queryset(events).filter(public_id=key).first()
    if event is None:
        by_slug = events.filter(slug=key).only("public_id").first()
        if by_slug is None:
            raise Http404(_("No published event has this identifier."))
        return redirect(by_slug, permanent=True)
    permalink = request.build_absolute_uri(event.get_absolute_url())
    context = {
        "event": event,
        "measures": figures_by_measure(event.figures.all()),
        "sources": sources_of(event),
        "permalink": permalink,
        "changes": event_changes(event),
        "structured_data": structured_data.event(event, permalink),
    }
    return TemplateResponse(request, "events/event_detail.html", context)


def _exchanges():
    return Event.objects.published().filter(event_type__slug=PRISONER_EXCHANGE).defer(*LIST_DEFERRED_FIELDS)


@cached_page("page", filterset=ExchangeListFilter)
def pow_exchanges(request):
    """Every published prisoner exchange in date order, with a chart of the exchanges on the page: one bar
    per exchange and side, never a running total (the sources count more exchanges than are recorded)."""
    exchanges = bind_filters(request, ExchangeListFilter, _exchanges())
    count = counted_exchanges()
    filtered = active_filters(request, exchanges)
    # Unfiltered, the list is every published exchange, which the count has just counted.
    total = None if filtered or not exchanges.is_valid else count.total
    page = paginate(request, exchanges.rows, EXCHANGES_PER_PAGE, count=total)
    rows = exchange_rows_of(page.object_list)
    # The sides, named from the countries kept for the content version (no query of their own).
    by_code = countries_by_code()
    sides = {code for row in rows for code in row.sides if code in by_code}
    countries = sorted((by_code[code] for code in sides), key=lambda country: (country.name, country.code))
    # Each exchange's date at its precision, written once for the table and the chart.
    dates = [date_range(row.event.start_date, row.event.end_date, row.event.date_precision) for row in rows]
    context = {
        "rows": _tracker_table(rows, dates, countries),
        "page_obj": page,
        "countries": countries,
        "count": count,
        "chart": _exchange_chart(rows, dates, countries),
        "chart_title": EXCHANGE_CHART_TITLE,
        "form": exchanges.form,
        "is_valid": exchanges.is_valid,
        "active_filters": filtered,
        "downloads": [(_("Exchanges"), "events:exchange-export")],
        "structured_data": list_dataset(request, EXCHANGES, "events:exchange-export") if page.paginator.count else None,
    }
    return TemplateResponse(request, "events/pow_exchanges.html", context, status=200 if exchanges.is_valid else 400)


def _tracker_table(rows, dates, countries):
    """(row, its date, its permalink, [(country, its claims, the number counted, whether the lowest claim)…])
    per exchange. The permalinks come from one reverse() for the page, not one per row: a public identifier
    is lower-case letters and digits, which a URL writes as they are."""
    permalink = reverse("events:detail", kwargs={"key": "KEY"})
    return [
        (
            row,
            when,
            permalink.replace("KEY", row.event.public_id),
            [
                (country, row.sides.get(country.code), *counted_value(row.sides.get(country.code)))
                for country in countries
            ],
        )
        for row, when in zip(rows, dates, strict=True)
    ]


EXCHANGE_CHART_TITLE = gettext_lazy("People returned in each exchange, by side")


def _exchange_chart(rows, dates, countries):
    """The tracker's chart: per exchange on the page (labelled by its date), per side, the number counted
    (best estimate, else the lowest claim) and the range of claims."""
    groups = []
    for row, when in zip(rows, dates, strict=True):
        bars = []
        for country in countries:
            group = row.sides.get(country.code)
            value, lowest = counted_value(group)
            bars.append(None if value is None else RangeBar(value, group.summary.low, group.summary.high, lowest))
        groups.append(BarGroup(when, tuple(bars)))
    return range_bar_chart(
        "pow-returned",
        EXCHANGE_CHART_TITLE,
        _(
            "One bar per exchange on this page and side, in date order: people returned to that side. A filled "
            "bar is the best estimate; an open bar is the lowest claim, where no best estimate stands out; a "
            "whisker spans the numbers claimed. A side with no figure has no bar. No running total is drawn."
        ),
        [_("Returned to %(country)s") % {"country": country.name} for country in countries],
        groups,
    )


@limited_as(EXPORT)
def exchange_chart_export(request):
    """The tracker chart's points as CSV: one row per exchange on the requested page and side, with the
    number drawn and the range of claims (the columns of the exchanges download)."""
    exchanges = bind_filters(request, ExchangeListFilter, _exchanges())
    if not exchanges.is_valid:
        return exchanges.error_response()
    page = paginate(request, exchanges.rows, EXCHANGES_PER_PAGE)
    on_page = Event.objects.filter(pk__in=[event.pk for event in page.object_list])
    return download(EXCHANGES, exchange_queryset(on_page), "csv")

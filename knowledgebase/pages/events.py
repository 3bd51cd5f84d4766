"""The public event pages: the filtered list, the event page, the POW exchange tracker, and their
downloads. They join the events app with the apps above it (the IHL facet, allegations, briefs)."""

from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from knowledgebase.core.filtering import bind_filters
from knowledgebase.core.models import Country
from knowledgebase.core.views import paginate, visible_to
from knowledgebase.events.changelog import event_changes
from knowledgebase.events.exports import EVENTS, EXCHANGES, FIGURES
from knowledgebase.events.models import Event
from knowledgebase.events.selectors import (
    PRISONER_EXCHANGE,
    counted_value,
    cumulative_returns,
    exchange_prefetches,
    exchange_queryset,
    exchange_rows,
    figures_by_measure,
)
from knowledgebase.opendata.exports import filtered_download, list_dataset
from knowledgebase.pages.filters import EventListFilter, ExchangeListFilter
from knowledgebase.pages.selectors import event_page_queryset, sources_of
from knowledgebase.presentation import structured_data
from knowledgebase.presentation.charts import step_chart
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
    page = paginate(request, events.rows)
    context = {
        "filter": events.filterset,
        "form": events.form,
        "page_obj": page,
        "is_valid": events.is_valid,
        "taking_part": [*events.cleaned.get("actor", []), *events.cleaned.get("organization", [])],
        "query": events.cleaned.get("q", ""),
        "downloads": [(_("Events"), "events:export"), (_("Their figures"), "events:figure-export")],
        "structured_data": list_dataset(request, EVENTS, "events:export"),
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


@cached_page("page", filterset=ExchangeListFilter)
def pow_exchanges(request):
    """Every published prisoner exchange in date order, with a cumulative chart of people returned."""
    exchanges = bind_filters(
        request, ExchangeListFilter, Event.objects.published().filter(event_type__slug=PRISONER_EXCHANGE)
    )
    selected = exchanges.rows
    page = paginate(request, selected, EXCHANGES_PER_PAGE)
    prefetch_related_objects(page.object_list, *exchange_prefetches())
    rows = exchange_rows(page.object_list)
    series = cumulative_returns(selected)
    countries = list(
        Country.objects.filter(code__in={*series, *(c for row in rows for c in row.sides)}).order_by("name")
    )
    named = {country: series.get(country.code, []) for country in countries}
    chart = step_chart(
        "pow-cumulative",
        _("People returned to each side, cumulative"),
        _(
            "Running total of people returned in published exchanges, by the side they returned to, "
            "using each exchange's best estimate."
        ),
        {country.name: points for country, points in named.items()},
    )
    table = [
        (
            row,
            [
                (country, row.sides.get(country.code), *counted_value(row.sides.get(country.code)))
                for country in countries
            ],
        )
        for row in rows
    ]
    context = {
        "rows": table,
        "page_obj": page,
        "countries": countries,
        "chart": chart,
        "series": named,
        "form": exchanges.form,
        "is_valid": exchanges.is_valid,
        "downloads": [(_("Exchanges"), "events:exchange-export")],
        "structured_data": list_dataset(request, EXCHANGES, "events:exchange-export"),
    }
    return TemplateResponse(request, "events/pow_exchanges.html", context, status=200 if exchanges.is_valid else 400)

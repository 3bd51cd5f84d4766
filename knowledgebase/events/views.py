"""Public event pages: the filtered list and the event page."""

from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from knowledgebase.core import structured_data
from knowledgebase.core.charts import step_chart
from knowledgebase.core.exports import download, invalid_filters_response, list_dataset
from knowledgebase.core.models import Country
from knowledgebase.core.views import paginate, visible_to
from knowledgebase.events.changelog import event_changes
from knowledgebase.events.exports import EVENTS, EXCHANGES, FIGURES
from knowledgebase.events.filters import EventFilter
from knowledgebase.events.models import Event
from knowledgebase.events.selectors import (
    cumulative_returns,
    estimate,
    event_detail_queryset,
    exchange_queryset,
    exchange_rows,
    figures_by_measure,
    sources_of,
)


def filtered_events(request, queryset=None):
    """The FilterSet over published events; the list, the tracker, exports and feeds all use it."""
    if queryset is None:
        queryset = Event.objects.published().for_list()
    return EventFilter(request.GET or None, queryset=queryset, request=request)


def _export(request, export, fmt, queryset=None):
    filterset = filtered_events(request, queryset)
    if filterset.is_bound and not filterset.is_valid():
        return invalid_filters_response(filterset.form)
    return download(export, filterset.qs, fmt)


def event_export(request, fmt):
    return _export(request, EVENTS, fmt)


def figure_export(request, fmt):
    return _export(request, FIGURES, fmt)


def exchange_export(request, fmt):
    return _export(request, EXCHANGES, fmt, exchange_queryset(Event.objects.published()))


def event_list(request):
    filterset = filtered_events(request)
    valid = not filterset.is_bound or filterset.is_valid()
    page = paginate(request, filterset.qs if valid else Event.objects.none())
    data = filterset.form.cleaned_data if filterset.is_bound and valid else {}
    context = {
        "filter": filterset,
        "form": filterset.form,
        "page_obj": page,
        "is_valid": valid,
        "taking_part": [*data.get("actor", []), *data.get("organization", [])],
        "query": data.get("q", ""),
        "downloads": [(_("Events"), "events:export"), (_("Their figures"), "events:figure-export")],
        "structured_data": list_dataset(request, EVENTS, "events:export"),
    }
    template = "events/event_list.html"
    if request.headers.get("X-Requested-With") == "fetch":
        template += "#results"
    return TemplateResponse(request, template, context, status=200 if valid else 400)


def event_detail(request, key):
    events = visible_to(request, Event.objects.all())
    event = event_detail_queryset(events).filter(public_id=key).first()
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


def pow_exchanges(request):
    """Every published prisoner exchange in date order, with a cumulative chart of people returned."""
    filterset = filtered_events(request, exchange_queryset(Event.objects.published()))
    valid = not filterset.is_bound or filterset.is_valid()
    rows = exchange_rows(filterset.qs.order_by("start_date", "id") if valid else Event.objects.none())
    codes = sorted({code for row in rows for code in row.sides})
    countries = list(Country.objects.filter(code__in=codes).order_by("name"))
    series = cumulative_returns(rows, countries)
    chart = step_chart(
        "pow-cumulative",
        _("People returned to each side, cumulative"),
        _(
            "Running total of people returned in published exchanges, by the side they returned to, "
            "using each exchange's best estimate."
        ),
        {country.name: points for country, points in series.items()},
    )
    table = [
        (row, [(country, row.sides.get(country.code), *estimate(row.sides.get(country.code))) for country in countries])
        for row in rows
    ]
    context = {
        "rows": table,
        "countries": countries,
        "chart": chart,
        "series": series,
        "form": filterset.form,
        "is_valid": valid,
        "downloads": [(_("Exchanges"), "events:exchange-export")],
        "structured_data": list_dataset(request, EXCHANGES, "events:exchange-export"),
    }
    return TemplateResponse(request, "events/pow_exchanges.html", context, status=200 if valid else 400)

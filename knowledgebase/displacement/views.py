"""The displacement statistics explorer: filters, charts and a table that keeps every source."""

import datetime
from collections import defaultdict

from django.db.models import Max
from django.db.models.functions import Coalesce, ExtractYear
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from knowledgebase.core.caching import cached_page
from knowledgebase.core.charts import Point, bar_chart, step_chart
from knowledgebase.core.exports import download, invalid_filters_response, list_dataset
from knowledgebase.core.ratelimits import EXPORT, limited_as
from knowledgebase.core.views import paginate
from knowledgebase.displacement.exports import STATISTICS
from knowledgebase.displacement.filters import StatisticFilter
from knowledgebase.displacement.models import DisplacementStatistic, PopulationType, newest_first

PER_PAGE = 50


def filtered_statistics(request):
    return StatisticFilter(request.GET or None, queryset=DisplacementStatistic.objects.published(), request=request)


@limited_as(EXPORT)
def statistic_export(request, fmt):
    filterset = filtered_statistics(request)
    if filterset.is_bound and not filterset.is_valid():
        return invalid_filters_response(filterset.form)
    return download(STATISTICS, filterset.qs, fmt)


def yearly_series(queryset):
    """Per population type, the largest figure recorded for each year: [(year, value), …]."""
    rows = (
        queryset.annotate(year=ExtractYear(Coalesce("as_of_date", "period_end")))
        .filter(year__isnull=False)
        .values("population_type", "year")
        .annotate(value=Max("value"))
        .order_by("population_type", "year")
    )
    series = defaultdict(list)
    for row in rows:
        series[row["population_type"]].append((row["year"], row["value"]))
    return series


@cached_page("page", filterset=StatisticFilter)
def explorer(request):
    filterset = filtered_statistics(request)
    valid = not filterset.is_bound or filterset.is_valid()
    statistics = filterset.qs if valid else DisplacementStatistic.objects.none()
    series = yearly_series(statistics)
    labels = dict(PopulationType.choices)
    time_chart = step_chart(
        "displacement-series",
        _("Displacement figures by year"),
        _("For each population type, the largest figure recorded for each year in the selection."),
        {
            labels[key]: [(datetime.date(year, 12, 31), value) for year, value in points]
            for key, points in series.items()
        },
    )
    breakdown = [Point(labels[key], points[-1][1]) for key, points in series.items()]
    breakdown_chart = bar_chart(
        "displacement-breakdown",
        _("Latest figure by population type"),
        _("For each population type in the selection, the largest figure of the latest year recorded."),
        breakdown,
    )
    page = paginate(request, statistics.with_attribution().order_by(*newest_first()), PER_PAGE)
    context = {
        "filter": filterset,
        "form": filterset.form,
        "is_valid": valid,
        "page_obj": page,
        "series": {labels[key]: points for key, points in series.items()},
        "breakdown": breakdown,
        "time_chart": time_chart,
        "breakdown_chart": breakdown_chart,
        "downloads": [(_("Statistics"), "displacement:export")],
        "structured_data": list_dataset(request, STATISTICS, "displacement:export"),
    }
    return TemplateResponse(request, "displacement/explorer.html", context, status=200 if valid else 400)

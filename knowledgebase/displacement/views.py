"""The displacement statistics explorer: filters, charts and a table that keeps every source."""

import datetime
from collections import defaultdict

from django.db.models import Max
from django.db.models.functions import Coalesce, ExtractYear
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from knowledgebase.core.filtering import bind_filters
from knowledgebase.core.views import paginate
from knowledgebase.displacement.exports import STATISTICS
from knowledgebase.displacement.filters import StatisticFilter
from knowledgebase.displacement.models import DisplacementStatistic, PopulationType
from knowledgebase.opendata.exports import filtered_download, list_dataset
from knowledgebase.presentation.charts import Point, bar_chart, step_chart
from knowledgebase.serving.caching import cached_page
from knowledgebase.serving.ratelimits import EXPORT, limited_as

PER_PAGE = 50


@limited_as(EXPORT)
def statistic_export(request, fmt):
    return filtered_download(request, STATISTICS, StatisticFilter, DisplacementStatistic.objects.published(), fmt)


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
    selected = bind_filters(request, StatisticFilter, DisplacementStatistic.objects.published())
    statistics = selected.rows
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
    page = paginate(request, statistics.with_attribution(), PER_PAGE)
    context = {
        "filter": selected.filterset,
        "form": selected.form,
        "is_valid": selected.is_valid,
        "page_obj": page,
        "series": {labels[key]: points for key, points in series.items()},
        "breakdown": breakdown,
        "time_chart": time_chart,
        "breakdown_chart": breakdown_chart,
        "downloads": [(_("Statistics"), "displacement:export")],
        "structured_data": list_dataset(request, STATISTICS, "displacement:export"),
    }
    return TemplateResponse(request, "displacement/explorer.html", context, status=200 if selected.is_valid else 400)

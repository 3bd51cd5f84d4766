"""The displacement statistics explorer: filters, charts and a table that keeps every source."""

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from knowledgebase.core.filtering import active_filters, bind_filters
from knowledgebase.core.views import paginate
from knowledgebase.displacement.charts import CHART_EXPORTS, chart_series, latest_figures, year_table, yearly_figures
from knowledgebase.displacement.exports import STATISTICS
from knowledgebase.displacement.filters import StatisticFilter
from knowledgebase.displacement.maps import PARAMETER, statistic_map
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.opendata.exports import filtered_download, list_dataset
from knowledgebase.presentation.charts import Point, bar_chart, line_chart
from knowledgebase.serving.caching import cached_page
from knowledgebase.serving.content_version import memoised
from knowledgebase.serving.ratelimits import EXPORT, limited_as

PER_PAGE = 25


@limited_as(EXPORT)
def statistic_export(request, fmt):
    return filtered_download(request, STATISTICS, StatisticFilter, DisplacementStatistic.objects.published(), fmt)


@limited_as(EXPORT)
def chart_export(request, chart):
    """A chart's points as CSV, for the explorer's filters."""
    export = CHART_EXPORTS.get(chart)
    if export is None:
        raise Http404(_("No such chart."))
    return filtered_download(request, export, StatisticFilter, DisplacementStatistic.objects.published(), "csv")


TIME_CHART_TITLE = gettext_lazy("Displacement figures by year")
LATEST_CHART_TITLE = gettext_lazy("Latest figure by population type")


def explorer_charts(statistics, every_statistic=False):
    """The explorer's two charts and the numbers they draw, from one query; for ``every_statistic`` (no
    filter), kept for the content version, as an aggregate over every published statistic."""
    if every_statistic:
        figures = memoised("displacement.yearly-figures", lambda: yearly_figures(statistics))
    else:
        figures = yearly_figures(statistics)
    series = chart_series(figures)
    other = next((line.label for line in series if line.is_other), None)
    time_chart = line_chart(
        "displacement-series",
        TIME_CHART_TITLE,
        _(
            "For each population type, the largest figure recorded in each year of the selection: figures from "
            "different sources overlap, so they are never added up. With more than six types, the five with the "
            "largest figures are drawn and the others together are one line, their largest figure each year. A "
            "year without a figure is a gap."
        ),
        {line.label: line.points for line in series},
        other=other,
    )
    latest = latest_figures(figures)
    latest_chart = bar_chart(
        "displacement-breakdown",
        LATEST_CHART_TITLE,
        _(
            "For each population type in the selection, the largest figure of the latest year that has one, "
            "largest first."
        ),
        [Point(label, value) for _code, label, _year, value in latest],
    )
    return {
        "time_chart": time_chart,
        "series": series,
        "year_table": year_table(series),
        "breakdown_chart": latest_chart,
        "breakdown": latest,
    }


@cached_page("page", PARAMETER, filterset=StatisticFilter)
def explorer(request):
    selected = bind_filters(request, StatisticFilter, DisplacementStatistic.objects.published())
    statistics = selected.rows
    page = paginate(request, statistics.with_attribution(), PER_PAGE)
    filters = active_filters(request, selected)
    # Unfiltered, the charts and the map are aggregates over every published statistic (half a million at a
    # million events: 0.7 s), which only a change of content changes: kept for the content version.
    every_statistic = selected.is_valid and not filters
    context = {
        "filter": selected.filterset,
        "form": selected.form,
        "is_valid": selected.is_valid,
        "active_filters": filters,
        "page_obj": page,
        **explorer_charts(statistics, every_statistic),
        "chart_titles": {"time": TIME_CHART_TITLE, "latest": LATEST_CHART_TITLE},
        "statistics_map": statistic_map(request, statistics, every_statistic) if selected.is_valid else None,
        "downloads": [(_("Statistics"), "displacement:export")],
        "structured_data": list_dataset(request, STATISTICS, "displacement:export") if page.paginator.count else None,
    }
    return TemplateResponse(request, "displacement/explorer.html", context, status=200 if selected.is_valid else 400)

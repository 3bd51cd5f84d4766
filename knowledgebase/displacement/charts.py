"""What the explorer's charts draw, computed in the database from the selected statistics, and their
downloads: each chart's points as CSV, through the download engine (``opendata.exports``).

Figures about displaced people come from different sources and overlap, so they are never added up: a
chart shows the largest figure recorded, per population type and year. With more population types than
a chart can tell apart, the types with the largest figures are drawn and the rest are grouped, their
largest figure each year standing for them.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from knowledgebase.displacement.models import PopulationType
from knowledgebase.opendata.exports import Column, Export, object_rows
from knowledgebase.presentation.charts import SERIES_COLOURS

# With more population types than colours, this many are drawn and the rest grouped as one series.
TOP_SERIES = SERIES_COLOURS - 1
OTHER_TYPES = _("Other population types")


@dataclass(frozen=True)
class Series:
    """One line of the chart: a population type, or the group of the rest (``is_other``)."""

    label: str
    codes: tuple
    points: list  # [(year, largest figure)] in year order
    is_other: bool = False


def yearly_figures(statistics):
    """{population type: [(year, largest figure), …]} for the selected statistics, in one query. A stock
    counts in the year of its as-of date, a flow or change in the year its period ends."""
    rows = (
        statistics.order_by()
        .annotate(year=ExtractYear(Coalesce("as_of_date", "period_end")))
        .filter(year__isnull=False)
        .values("population_type", "year")
        .annotate(value=Max("value"))
        .order_by("population_type", "year")
    )
    figures = defaultdict(list)
    for row in rows:
        figures[row["population_type"]].append((row["year"], row["value"]))
    return dict(figures)


def chart_series(figures):
    """The series to draw, largest first (by the largest figure of each type); beyond SERIES_COLOURS
    types, the first TOP_SERIES and a grouped "other" series."""
    labels = dict(PopulationType.choices)
    order = [code for code, _label in PopulationType.choices]
    ranked = sorted(figures, key=lambda code: (-max(v for _y, v in figures[code]), order.index(code)))
    shown = ranked if len(ranked) <= SERIES_COLOURS else ranked[:TOP_SERIES]
    series = [Series(str(labels[code]), (code,), figures[code]) for code in shown]
    rest = ranked[len(shown) :]
    if rest:
        largest = defaultdict(int)
        for code in rest:
            for year, value in figures[code]:
                largest[year] = max(largest[year], value)
        series.append(Series(str(OTHER_TYPES), tuple(sorted(rest, key=order.index)), sorted(largest.items()), True))
    return series


def latest_figures(figures):
    """[(population type, label, latest year, its largest figure)], largest first."""
    labels = dict(PopulationType.choices)
    latest = [(code, str(labels[code]), *points[-1]) for code, points in figures.items()]
    return sorted(latest, key=lambda row: (-row[3], row[0]))


def year_table(series):
    """The chart's numbers as rows: (year, [figure or None per series])."""
    years = sorted({year for line in series for year, _value in line.points})
    values = [dict(line.points) for line in series]
    return [(year, [by_year.get(year) for by_year in values]) for year in years]


def _year_points(statistics):
    for line in chart_series(yearly_figures(statistics)):
        for year, value in line.points:
            yield (line, year, value)


YEAR_COLUMNS = (
    Column(
        "series",
        "#indicator+name",
        _("The line of the chart: a population type, or the others together."),
        lambda r: r[0].label,
    ),
    Column(
        "population_types",
        "#group+code",
        _("UNHCR population types the line stands for, separated by '; '."),
        lambda r: list(r[0].codes),
    ),
    Column(
        "year",
        "#date+year",
        _("Year of the as-of date of a stock, or of the end of the period of a flow."),
        lambda r: r[1],
    ),
    Column("largest_figure", "#affected+num+max", _("The largest figure recorded that year."), lambda r: r[2]),
)

LATEST_COLUMNS = (
    Column("population_type", "#group+code", _("UNHCR population type."), lambda r: r[0]),
    Column("label", "#group+name", _("Population type in words."), lambda r: r[1]),
    Column("year", "#date+year", _("The latest year with a figure of this type."), lambda r: r[2]),
    Column("largest_figure", "#affected+num+max", _("The largest figure recorded that year."), lambda r: r[3]),
)

YEARS_CHART = Export(
    "displacement-chart-years",
    _("Displacement figures by year (chart)"),
    _("The points of the chart of /displacement/ for the same filters: the largest figure per year and line."),
    YEAR_COLUMNS,
    lambda statistics: object_rows(YEAR_COLUMNS, _year_points(statistics)),
)

LATEST_CHART = Export(
    "displacement-chart-latest",
    _("Latest figure by population type (chart)"),
    _("The bars of the chart of /displacement/ for the same filters: the latest largest figure per type."),
    LATEST_COLUMNS,
    lambda statistics: object_rows(LATEST_COLUMNS, latest_figures(yearly_figures(statistics))),
)

CHART_EXPORTS = {"years": YEARS_CHART, "latest": LATEST_CHART}

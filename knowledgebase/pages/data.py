"""The catalogue of downloads that the data dictionary page documents, from the exports' own column definitions."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from knowledgebase.displacement.charts import LATEST_CHART, YEARS_CHART
from knowledgebase.displacement.exports import STATISTICS
from knowledgebase.events.exports import EVENTS, EXCHANGES, FIGURES

FORMAT_LABELS = {"csv": _("All rows as CSV"), "json": "JSON"}


@dataclass(frozen=True)
class Download:
    """One download the data dictionary documents: its columns (``export``), the page whose filters it
    follows, and its address in each of its formats."""

    export: object
    page_name: str
    url_name: str
    url_args: tuple = ()
    formats: tuple = ("csv", "json")

    def links(self):
        """(label, URL) of each format: a route with a format segment takes it, a CSV-only one does not."""
        if self.formats == ("csv",):
            return [(FORMAT_LABELS["csv"], reverse(self.url_name, args=self.url_args))]
        return [(FORMAT_LABELS[fmt], reverse(self.url_name, args=[*self.url_args, fmt])) for fmt in self.formats]


CATALOGUE = [
    Download(EVENTS, "events:list", "events:export"),
    Download(FIGURES, "events:list", "events:figure-export"),
    Download(EXCHANGES, "events:pow-exchanges", "events:exchange-export"),
    Download(STATISTICS, "displacement:explorer", "displacement:export"),
]

#: The data behind each chart, for the chart's page and filters (CSV only).
CHART_DOWNLOADS = [
    Download(EXCHANGES, "events:pow-exchanges", "events:exchange-chart-export", formats=("csv",)),
    Download(YEARS_CHART, "displacement:explorer", "displacement:chart-export", ("years",), ("csv",)),
    Download(LATEST_CHART, "displacement:explorer", "displacement:chart-export", ("latest",), ("csv",)),
]

CONVENTIONS = [
    _("Files are UTF-8. Each CSV has a header row and, under it, a row of HXL hashtags (hxlstandard.org)."),
    _("Dates are ISO 8601 (YYYY-MM-DD); a date_precision column says how precisely an event's date is known."),
    _("A cell with several values separates them with '; '. JSON gives them as arrays."),
    _("Numbers are given as their source states them, with a qualifier (more-than, up-to…) and who claims them."),
    _(
        "Only published records are exported. A download follows the same filters (GET parameters) as its page, "
        "and lists its rows in the page's order."
    ),
    _(
        "A filter that cannot be read is never ignored: the answer is 400 with a JSON object that names each such "
        "parameter with its reasons, as the API does."
    ),
    _(
        "In CSV files, a text that begins with =, +, -, @, a tab or a carriage return is written with an "
        "apostrophe (') in front, so that spreadsheet programs show it as text instead of running it as a "
        "formula. Numbers are written as they are (a latitude of -33.5 stays -33.5). Other programs see the "
        "apostrophe: drop a leading apostrophe that comes before one of these characters. JSON gives every text "
        "as it is."
    ),
    _(
        "A download that cannot be completed is an error, never a shortened file. While too many downloads run "
        "at once, the answer is 503 with a Retry-After header: try again a little later."
    ),
]

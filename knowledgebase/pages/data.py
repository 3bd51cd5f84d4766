"""The catalogue of downloads that the data dictionary page documents, from the exports' own column definitions,
and the bulk files of the whole dataset (``opendata.bulk``) with what their last build wrote."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from knowledgebase.displacement.charts import LATEST_CHART, YEARS_CHART
from knowledgebase.displacement.exports import STATISTICS
from knowledgebase.displacement.filters import StatisticFilter
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.exports import EVENTS, EXCHANGES, FIGURES
from knowledgebase.opendata.bulk import Dataset
from knowledgebase.opendata.bulk_files import MANIFEST, freshness, public_name, read_manifest
from knowledgebase.opendata.exports import FILE_FORMATS
from knowledgebase.pages.events import published_events
from knowledgebase.pages.filters import EventListFilter

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

#: The bulk files: each the download of its list without filters (the same FilterSet and rows as its view).
BULK_DATASETS = [
    Dataset(EVENTS, EventListFilter, published_events),
    Dataset(FIGURES, EventListFilter, published_events),
    Dataset(STATISTICS, StatisticFilter, DisplacementStatistic.objects.published),
]

BULK_FORMAT_LABELS = {"csv": _("CSV"), "jsonl": _("JSON Lines")}


@dataclass(frozen=True)
class BulkFile:
    """One file of a bulk dataset in one language, as the last build wrote it."""

    label: str
    url: str
    bytes: int


@dataclass(frozen=True)
class BulkRow:
    """A bulk dataset in one language: its rows and build time, and its files in each format."""

    title: str
    language: str
    rows: int
    built_at: datetime.datetime
    files: list


def bulk_listing():
    """What the last build wrote, a row per dataset and language, with whether the site has changed since
    (``freshness``); None while no build has finished. Reads the manifest, no query."""
    manifest = read_manifest()
    if manifest is None:
        return None
    entries = {entry.get("name"): entry for entry in manifest["files"]}
    rows = []
    for dataset in BULK_DATASETS:
        for code, _name in settings.LANGUAGES:
            names = [public_name(dataset.slug, fmt, code) for fmt in FILE_FORMATS]
            found = [entries[name] for name in names if name in entries]
            if found:
                files = [_bulk_file(entry) for entry in found]
                built_at = datetime.datetime.fromisoformat(found[0]["built_at"])
                language = get_language_info(code)["name_local"]  # as a language switcher names it
                rows.append(BulkRow(dataset.export.title, language, found[0]["rows"], built_at, files))
    return {
        "rows": rows,
        "built_at": datetime.datetime.fromisoformat(manifest["built_at"]),
        "freshness": freshness(manifest),
        "manifest_url": reverse("data-file", args=[MANIFEST]),
    }


def _bulk_file(entry):
    return BulkFile(BULK_FORMAT_LABELS[entry["format"]], reverse("data-file", args=[entry["name"]]), entry["bytes"])

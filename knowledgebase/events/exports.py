"""Exports of the event list, its figures and the POW exchange tracker.

Each export reads exactly the rows of the page's own FilterSet (see views),
with the same GET parameters.
"""

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from knowledgebase.core.exports import CHUNK_SIZE, Column, Export
from knowledgebase.events.models import Citation, Figure, Participation
from knowledgebase.events.selectors import estimate, exchange_rows, figures_by_measure


def absolute(path):
    return settings.SITE_URL + path


def _event_rows(queryset):
    rows = queryset.select_related("event_type__category").prefetch_related(
        "countries",
        "themes",
        Prefetch("participations", queryset=Participation.objects.select_related("actor", "organization")),
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
        Prefetch("figures", queryset=Figure.objects.with_attribution().order_by("measure__position", "id")),
    )
    return rows.iterator(chunk_size=CHUNK_SIZE)


def _participants(event, kind):
    return [
        f"{p.participant.name} ({p.role})"
        for p in event.participations.all()
        if (p.actor_id if kind == "actor" else p.organization_id)
    ]


def _figure_summary(event):
    lines = []
    for group in figures_by_measure(event.figures.all()):
        summary = group.summary
        best = summary.preferred
        text = f"{group.measure.name}: " + (f"{best.value} ({best.claimant})" if best else "no best estimate")
        if summary.is_disputed:
            text += f", disputed {summary.low}-{summary.high}"
        lines.append(text)
    return lines


EVENT_COLUMNS = (
    Column("id", "#event+id", _("Public identifier of the event; part of its permalink."), lambda e: e.public_id),
    Column("url", "#meta+url", _("Permalink of the event page."), lambda e: absolute(e.get_absolute_url())),
    Column("title", "#event+name", _("Title of the event."), lambda e: e.title),
    Column(
        "date_start", "#date+start", _("Start date, ISO 8601; read it with date_precision."), lambda e: e.start_date
    ),
    Column("date_end", "#date+end", _("End date, ISO 8601, if any."), lambda e: e.end_date),
    Column(
        "date_precision",
        "#date+precision",
        _("How precisely the date is known: day, week, month, season, year or approximate."),
        lambda e: e.date_precision,
    ),
    Column("date_note", "#date+note", _("How the source dates the event when it is vague."), lambda e: e.date_note),
    Column("event_type", "#event+type", _("Event type (slug of the taxonomy)."), lambda e: e.event_type.slug),
    Column("category", "#event+category", _("Category of the event type."), lambda e: e.event_type.category.slug),
    Column(
        "country_codes",
        "#country+code",
        _("ISO 3166-1 alpha-2 codes of every country the event concerns, separated by '; '."),
        lambda e: [c.code for c in e.countries.all()],
    ),
    Column("region", "#adm1+name", _("Region, oblast or province."), lambda e: e.region),
    Column("place", "#loc+name", _("Place name."), lambda e: e.place_name),
    Column("latitude", "#geo+lat", _("Latitude (WGS 84), if known."), lambda e: e.latitude),
    Column("longitude", "#geo+lon", _("Longitude (WGS 84), if known."), lambda e: e.longitude),
    Column(
        "geo_precision",
        "#geo+precision",
        _("How precise the location is: exact, near, region or country."),
        lambda e: e.geo_precision,
    ),
    Column(
        "actors",
        "#actor+name",
        _("Actors taking part, each with their role in brackets."),
        lambda e: _participants(e, "actor"),
    ),
    Column(
        "organizations",
        "#org+name",
        _("Organisations taking part, each with their role in brackets."),
        lambda e: _participants(e, "organization"),
    ),
    Column("themes", "#meta+theme", _("Themes (slugs)."), lambda e: [t.slug for t in e.themes.all()]),
    Column(
        "figures",
        "#affected+summary",
        _("For each measure, the best estimate and who claims it, and the range where claims are disputed."),
        _figure_summary,
    ),
    Column(
        "disputed",
        "#meta+disputed",
        _("true when some measure's claims contradict each other."),
        lambda e: e.has_disputed_figures,
    ),
    Column("summary", "#description", _("Summary of the event."), lambda e: e.summary),
    Column("sources", "#meta+source", _("Titles of the sources that report the event."), lambda e: _source_titles(e)),
    Column(
        "first_published",
        "#date+published",
        _("When the record was first published here."),
        lambda e: e.first_published_at,
    ),
    Column("last_changed", "#date+updated", _("When the record last changed."), lambda e: e.updated_at),
)


def _source_titles(event):
    return [c.source.title for c in event.citations.all()]


EVENTS = Export(
    "events",
    _("Events"),
    _("One row per published event that the filters of /events/ select."),
    EVENT_COLUMNS,
    _event_rows,
)


def _figure_rows(events):
    figures = (
        Figure.objects.filter(event__in=events.values("pk"))
        .with_attribution()
        .select_related("event")
        .prefetch_related("event__countries")
        .order_by("-event__start_date", "event_id", "measure__position", "id")
    )
    return figures.iterator(chunk_size=CHUNK_SIZE)


FIGURE_COLUMNS = (
    Column("figure_id", "#meta+id", _("Public identifier of the figure."), lambda f: f.public_id),
    Column(
        "event_id", "#event+id", _("Public identifier of the event the figure is about."), lambda f: f.event.public_id
    ),
    Column("event_title", "#event+name", _("Title of the event."), lambda f: f.event.title),
    Column("date_start", "#date+start", _("Start date of the event, ISO 8601."), lambda f: f.event.start_date),
    Column("date_precision", "#date+precision", _("Precision of the event's date."), lambda f: f.event.date_precision),
    Column(
        "country_codes",
        "#country+code",
        _("ISO 3166-1 alpha-2 codes of the event's countries."),
        lambda f: [c.code for c in f.event.countries.all()],
    ),
    Column("measure", "#indicator+code", _("What the figure counts (slug)."), lambda f: f.measure.slug),
    Column("measure_name", "#indicator+name", _("What the figure counts, in words."), lambda f: f.measure.name),
    Column("value", "#affected+num", _("The number as the source states it."), lambda f: f.value),
    Column(
        "qualifier",
        "#affected+qualifier",
        _("How to read the value: exact, more-than, at-least, less-than, up-to or about."),
        lambda f: f.qualifier,
    ),
    Column("low", "#affected+min", _("Low bound, if the source gives one."), lambda f: f.low),
    Column("high", "#affected+max", _("High bound, if the source gives one."), lambda f: f.high),
    Column("rank", "#meta+rank", _("preferred (best estimate), normal or deprecated."), lambda f: f.rank),
    Column(
        "rank_reason", "#meta+rank+reason", _("Why the figure is preferred or deprecated."), lambda f: f.rank_reason
    ),
    Column(
        "claimant",
        "#actor+claimant+name",
        _("Who claims the number (actor or organisation)."),
        lambda f: f.claimant.name,
    ),
    Column("as_of", "#date+reported", _("Date the number refers to, ISO 8601."), lambda f: f.as_of_date),
    Column("source", "#meta+source", _("Title of the source that reports the claim."), lambda f: f.source.title),
    Column("source_url", "#meta+source+url", _("Address of the source, if recorded."), lambda f: f.source.url),
    Column(
        "source_reliability",
        "#meta+reliability",
        _("Reliability of the source on the Admiralty scale, A to F."),
        lambda f: f.source.reliability,
    ),
    Column("excerpt", "#meta+excerpt", _("The words of the source that state the number."), lambda f: f.excerpt),
)

FIGURES = Export(
    "figures",
    _("Figures"),
    _("One row per attributed figure of the published events that the filters of /events/ select."),
    FIGURE_COLUMNS,
    _figure_rows,
)


def _exchange_rows(queryset):
    for row in exchange_rows(queryset.iterator(chunk_size=CHUNK_SIZE)):
        sequence = row.sequence.summary.preferred.value if row.sequence and row.sequence.summary.preferred else None
        for code, group in sorted(row.sides.items()):
            value, lowest = estimate(group)
            yield {"row": row, "code": code, "group": group, "value": value, "lowest": lowest, "sequence": sequence}


EXCHANGE_COLUMNS = (
    Column("event_id", "#event+id", _("Public identifier of the exchange."), lambda r: r["row"].event.public_id),
    Column("title", "#event+name", _("Title of the exchange."), lambda r: r["row"].event.title),
    Column("date_start", "#date+start", _("Date of the exchange, ISO 8601."), lambda r: r["row"].event.start_date),
    Column("date_precision", "#date+precision", _("Precision of the date."), lambda r: r["row"].event.date_precision),
    Column("returned_to", "#country+code", _("The side people returned to (ISO 3166-1 alpha-2)."), lambda r: r["code"]),
    Column(
        "returned",
        "#affected+num+returned",
        _("People returned to that side: the best estimate, else the lowest claim."),
        lambda r: r["value"],
    ),
    Column(
        "is_lowest_claim",
        "#meta+lowest",
        _("true when no best estimate stands out and 'returned' is the lowest claim."),
        lambda r: r["lowest"],
    ),
    Column("claims_low", "#affected+min", _("Lowest number claimed."), lambda r: r["group"].summary.low),
    Column("claims_high", "#affected+max", _("Highest number claimed."), lambda r: r["group"].summary.high),
    Column(
        "disputed",
        "#meta+disputed",
        _("true when the claims contradict each other."),
        lambda r: r["group"].summary.is_disputed,
    ),
    Column("sequence", "#meta+sequence", _("The exchange's sequence number, where known."), lambda r: r["sequence"]),
    Column(
        "mediators",
        "#org+mediator+name",
        _("Mediators of the exchange."),
        lambda r: [m.name for m in r["row"].mediators],
    ),
)

EXCHANGES = Export(
    "pow-exchanges",
    _("Prisoner exchanges"),
    _("One row per published exchange and side: how many people returned to it."),
    EXCHANGE_COLUMNS,
    _exchange_rows,
)

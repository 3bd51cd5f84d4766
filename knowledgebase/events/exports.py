"""Exports of the event list, its figures and the POW exchange tracker.

Each export reads exactly the rows of the page's own FilterSet (see views),
with the same GET parameters.
"""

from django.conf import settings
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext_lazy as _

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.db import StringAgg  # noqa: F401 - also registers the any_of lookup
from knowledgebase.core.exports import (
    CHUNK_SIZE,
    MULTI_VALUE_SEPARATOR,
    Column,
    CopyJoined,
    Export,
    copy_boolean,
    copy_date,
    copy_datetime,
    copy_number,
    copy_text,
    key,
)
from knowledgebase.core.models import Theme
from knowledgebase.events.models import Citation, Event, Figure, Participation
from knowledgebase.events.selectors import estimate, exchange_rows
from knowledgebase.sources.models import Source


def absolute(public_id):
    return f"{settings.SITE_URL}/events/{public_id}/"


PARTICIPANT = Concat("actor__name", Value(" ("), "role", Value(")"), output_field=CharField())
ORGANIZATION_PARTICIPANT = Concat("organization__name", Value(" ("), "role", Value(")"), output_field=CharField())


def _event_rows(queryset):
    """Plain rows: the events in chunks, and for each chunk their countries, themes, participants and
    sources in one query each (no model instances, no per-row query)."""
    rows = (
        queryset.annotate(type_slug=F("event_type__slug"), category_slug=F("event_type__category__slug"))
        .values("pk", *EVENT_FIELDS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for chunk in batched(rows, CHUNK_SIZE):
        ids = [row["pk"] for row in chunk]
        related = {
            "country_codes": grouped(Event.countries.through.objects.filter(event_id__any_of=ids), "country_id"),
            "theme_slugs": grouped(Event.themes.through.objects.filter(event_id__any_of=ids), "theme__slug"),
            "actor_names": grouped(
                Participation.objects.filter(event_id__any_of=ids, actor__isnull=False), PARTICIPANT
            ),
            "organization_names": grouped(
                Participation.objects.filter(event_id__any_of=ids, organization__isnull=False), ORGANIZATION_PARTICIPANT
            ),
            "source_titles": grouped(Citation.objects.filter(event_id__any_of=ids), "source__title"),
        }
        for row in chunk:
            for name, values in related.items():
                row[name] = MULTI_VALUE_SEPARATOR.join(values.get(row["pk"], ()))
            yield row


def grouped(queryset, value):
    """{event id: [values…]} for the rows of ``queryset``, in id order."""
    result = {}
    expression = value if isinstance(value, str) else None
    rows = (
        queryset.values_list("event_id", expression)
        if expression
        else queryset.annotate(text=value).values_list("event_id", "text")
    )
    for event_id, text in rows.order_by("event_id", "pk"):
        result.setdefault(event_id, []).append(text)
    return result


def batched(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


EVENT_FIELDS = [
    "public_id",
    "title",
    "start_date",
    "end_date",
    "date_precision",
    "date_note",
    "type_slug",
    "category_slug",
    "region",
    "place_name",
    "latitude",
    "longitude",
    "geo_precision",
    "has_disputed_figures",
    "summary",
    "first_published_at",
    "updated_at",
]

EVENT_COLUMNS = (
    Column("id", "#event+id", _("Public identifier of the event; part of its permalink."), key("public_id")),
    Column("url", "#meta+url", _("Permalink of the event page."), lambda row: absolute(row["public_id"])),
    Column("title", "#event+name", _("Title of the event."), key("title")),
    Column("date_start", "#date+start", _("Start date, ISO 8601; read it with date_precision."), key("start_date")),
    Column("date_end", "#date+end", _("End date, ISO 8601, if any."), key("end_date")),
    Column(
        "date_precision",
        "#date+precision",
        _("How precisely the date is known: day, week, month, season, year or approximate."),
        key("date_precision"),
    ),
    Column("date_note", "#date+note", _("How the source dates the event when it is vague."), key("date_note")),
    Column("event_type", "#event+type", _("Event type (slug of the taxonomy)."), key("type_slug")),
    Column("category", "#event+category", _("Category of the event type."), key("category_slug")),
    Column(
        "country_codes",
        "#country+code",
        _("ISO 3166-1 alpha-2 codes of every country the event concerns, separated by '; '."),
        key("country_codes"),
        multi=True,
    ),
    Column("region", "#adm1+name", _("Region, oblast or province."), key("region")),
    Column("place", "#loc+name", _("Place name."), key("place_name")),
    Column("latitude", "#geo+lat", _("Latitude (WGS 84), if known."), key("latitude")),
    Column("longitude", "#geo+lon", _("Longitude (WGS 84), if known."), key("longitude")),
    Column(
        "geo_precision",
        "#geo+precision",
        _("How precise the location is: exact, near, region or country."),
        key("geo_precision"),
    ),
    Column(
        "actors",
        "#actor+name",
        _("Actors taking part, each with their role in brackets."),
        key("actor_names"),
        multi=True,
    ),
    Column(
        "organizations",
        "#org+name",
        _("Organisations taking part, each with their role in brackets."),
        key("organization_names"),
        multi=True,
    ),
    Column("themes", "#meta+theme", _("Themes (slugs)."), key("theme_slugs"), multi=True),
    Column(
        "disputed",
        "#meta+disputed",
        _("true when some measure's claims contradict each other; the figures download has every claim."),
        key("has_disputed_figures"),
    ),
    Column("summary", "#description", _("Summary of the event."), key("summary")),
    Column(
        "sources", "#meta+source", _("Titles of the sources that report the event."), key("source_titles"), multi=True
    ),
    Column(
        "first_published", "#date+published", _("When the record was first published here."), key("first_published_at")
    ),
    Column("last_changed", "#date+updated", _("When the record last changed."), key("updated_at")),
)


def _event_copy(queryset):
    """The event columns for COPY on PostgreSQL, in EVENT_COLUMNS order."""
    participation = Participation._meta.db_table
    return [
        copy_text("public_id"),
        Concat(Value(f"{settings.SITE_URL}/events/"), "public_id", Value("/"), output_field=CharField()),
        copy_text("title"),
        copy_date("start_date"),
        copy_date("end_date"),
        copy_text("date_precision"),
        copy_text("date_note"),
        copy_text("event_type__slug"),
        copy_text("event_type__category__slug"),
        CopyJoined(f"{Event.countries.through._meta.db_table} t", "t.event_id", "t.country_id", "t.id"),
        copy_text("region"),
        copy_text("place_name"),
        copy_number("latitude"),
        copy_number("longitude"),
        copy_text("geo_precision"),
        CopyJoined(
            f"{participation} t JOIN {Actor._meta.db_table} a ON a.id = t.actor_id",
            "t.event_id",
            "a.name || ' (' || t.role || ')'",
            "t.id",
        ),
        CopyJoined(
            f"{participation} t JOIN {Organization._meta.db_table} o ON o.id = t.organization_id",
            "t.event_id",
            "o.name || ' (' || t.role || ')'",
            "t.id",
        ),
        CopyJoined(
            f"{Event.themes.through._meta.db_table} t JOIN {Theme._meta.db_table} th ON th.id = t.theme_id",
            "t.event_id",
            "th.slug",
            "t.id",
        ),
        copy_boolean("has_disputed_figures"),
        copy_text("summary"),
        CopyJoined(
            f"{Citation._meta.db_table} t JOIN {Source._meta.db_table} s ON s.id = t.source_id",
            "t.event_id",
            "s.title",
            "t.id",
        ),
        copy_datetime("first_published_at"),
        copy_datetime("updated_at"),
    ]


EVENTS = Export(
    "events",
    _("Events"),
    _("One row per published event that the filters of /events/ select."),
    EVENT_COLUMNS,
    _event_rows,
    _event_copy,
)


def _figure_rows(events):
    figures = (
        Figure.objects.filter(event__in=events.values("pk"))
        .annotate(
            event_public_id=F("event__public_id"),
            event_title=F("event__title"),
            event_start_date=F("event__start_date"),
            event_date_precision=F("event__date_precision"),
            country_codes=_figure_countries(),
            measure_slug=F("measure__slug"),
            measure_name=F("measure__name"),
            claimant=Coalesce("claimant_actor__name", "claimant_organization__name"),
            source_title=F("source__title"),
            source_url=F("source__url"),
            source_reliability=F("source__reliability"),
        )
        .order_by("-event__start_date", "event_id", "measure__position", "id")
        .values(*FIGURE_FIELDS)
    )
    return figures.iterator(chunk_size=CHUNK_SIZE)


def _figure_countries():
    return Subquery(
        Event.countries.through.objects.filter(event=OuterRef("event_id"))
        .order_by()
        .values("event")
        .annotate(joined=StringAgg("country_id"))
        .values("joined")[:1]
    )


FIGURE_FIELDS = [
    "public_id",
    "event_public_id",
    "event_title",
    "event_start_date",
    "event_date_precision",
    "country_codes",
    "measure_slug",
    "measure_name",
    "value",
    "qualifier",
    "low",
    "high",
    "rank",
    "rank_reason",
    "claimant",
    "as_of_date",
    "source_title",
    "source_url",
    "source_reliability",
    "excerpt",
]

FIGURE_COLUMNS = (
    Column("figure_id", "#meta+id", _("Public identifier of the figure."), key("public_id")),
    Column("event_id", "#event+id", _("Public identifier of the event the figure is about."), key("event_public_id")),
    Column("event_title", "#event+name", _("Title of the event."), key("event_title")),
    Column("date_start", "#date+start", _("Start date of the event, ISO 8601."), key("event_start_date")),
    Column("date_precision", "#date+precision", _("Precision of the event's date."), key("event_date_precision")),
    Column(
        "country_codes",
        "#country+code",
        _("ISO 3166-1 alpha-2 codes of the event's countries."),
        key("country_codes"),
        multi=True,
    ),
    Column("measure", "#indicator+code", _("What the figure counts (slug)."), key("measure_slug")),
    Column("measure_name", "#indicator+name", _("What the figure counts, in words."), key("measure_name")),
    Column("value", "#affected+num", _("The number as the source states it."), key("value")),
    Column(
        "qualifier",
        "#affected+qualifier",
        _("How to read the value: exact, more-than, at-least, less-than, up-to or about."),
        key("qualifier"),
    ),
    Column("low", "#affected+min", _("Low bound, if the source gives one."), key("low")),
    Column("high", "#affected+max", _("High bound, if the source gives one."), key("high")),
    Column("rank", "#meta+rank", _("preferred (best estimate), normal or deprecated."), key("rank")),
    Column("rank_reason", "#meta+rank+reason", _("Why the figure is preferred or deprecated."), key("rank_reason")),
    Column("claimant", "#actor+claimant+name", _("Who claims the number (actor or organisation)."), key("claimant")),
    Column("as_of", "#date+reported", _("Date the number refers to, ISO 8601."), key("as_of_date")),
    Column("source", "#meta+source", _("Title of the source that reports the claim."), key("source_title")),
    Column("source_url", "#meta+source+url", _("Address of the source, if recorded."), key("source_url")),
    Column(
        "source_reliability",
        "#meta+reliability",
        _("Reliability of the source on the Admiralty scale, A to F."),
        key("source_reliability"),
    ),
    Column("excerpt", "#meta+excerpt", _("The words of the source that state the number."), key("excerpt")),
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

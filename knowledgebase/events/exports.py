"""Exports of the event list, its figures and the POW exchange tracker.

Each export reads exactly the rows of its page's FilterSet, in the page's order (see views and
``core.filtering``), with the same GET parameters. Each column is defined once below: the Python
writer, the COPY writer and the data dictionary at /data/ read the same definition.
"""

from django.conf import settings
from django.db.models import CharField, Expression, F, OuterRef, Subquery, TextField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from knowledgebase.events.models import Figure
from knowledgebase.events.selectors import counted_value, exchange_rows
from knowledgebase.opendata.exports import CHUNK_SIZE, Column, Export, Listed, object_rows
from knowledgebase.sources.models import claimant_name

_PLACEHOLDER = "public-id"  # stands for the identifier while the URLconf gives an event's path


class Permalink(Expression):
    """The address of each event's page, as a database expression: ``base`` (SITE_URL unless given),
    then the path the URLconf gives an event (``Event.get_absolute_url``). The downloads (Python and
    COPY alike) and the API read it; it is built when a query is, once the URLconf can be read."""

    output_field = CharField()

    def __init__(self, base=None):
        super().__init__()
        self.base = base

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        before, after = reverse("events:detail", kwargs={"key": _PLACEHOLDER}).split(_PLACEHOLDER)
        base = settings.SITE_URL if self.base is None else self.base
        address = Concat(Value(base + before), "public_id", Value(after), output_field=CharField())
        return address.resolve_expression(query, allow_joins, reuse, summarize, for_save)


CLAIMANT = claimant_name()


class StoredNames(Expression):
    """An event's participants of one kind ("actors" or "organizations"), each "Name (role)", '; '-joined as
    the event keeps them (``Event.export_actors``…): in the active language where their names differ from
    the English ones (``Event.export_translated``), else in English. ``prefix`` leads from the exported
    rows to the event ("event__" for its figures). Built when a query is, in the language active then."""

    output_field = TextField()

    def __init__(self, kind, prefix=""):
        super().__init__()
        self.kind = kind
        self.prefix = prefix

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        english = F(f"{self.prefix}export_{self.kind}")
        language = translation.get_language()
        if language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE or language not in dict(settings.LANGUAGES):
            names = english
        else:
            translated = KT(f"{self.prefix}export_translated__{language}__{self.kind}")
            names = Coalesce(translated, english, output_field=TextField())
        return names.resolve_expression(query, allow_joins, reuse, summarize, for_save)


def event_countries(prefix=""):
    """ISO codes of an event's countries, in the order they were recorded (``Event.export_countries``);
    ``prefix`` leads from the exported rows to the event."""
    return Listed(f"{prefix}export_countries")


EVENT_COLUMNS = (
    Column("id", "#event+id", _("Public identifier of the event; part of its permalink."), "public_id"),
    Column("url", "#meta+url", _("Permalink of the event page."), Permalink()),
    Column("title", "#event+name", _("Title of the event."), "title"),
    Column("date_start", "#date+start", _("Start date, ISO 8601; read it with date_precision."), "start_date"),
    Column("date_end", "#date+end", _("End date, ISO 8601, if any."), "end_date"),
    Column(
        "date_precision",
        "#date+precision",
        _("How precisely the date is known: day, week, month, season, year or approximate."),
        "date_precision",
    ),
    Column("date_note", "#date+note", _("How the source dates the event when it is vague."), "date_note"),
    Column("event_type", "#event+type", _("Event type (slug of the taxonomy)."), "event_type__slug"),
    Column("category", "#event+category", _("Category of the event type."), "event_type__category__slug"),
    Column(
        "country_codes",
        "#country+code",
        _("ISO 3166-1 alpha-2 codes of every country the event concerns, separated by '; '."),
        event_countries(),
    ),
    Column("region", "#adm1+name", _("Region, oblast or province."), "region"),
    Column("place", "#loc+name", _("Place name."), "place_name"),
    Column("latitude", "#geo+lat", _("Latitude (WGS 84), if known."), "latitude"),
    Column("longitude", "#geo+lon", _("Longitude (WGS 84), if known."), "longitude"),
    Column(
        "geo_precision",
        "#geo+precision",
        _("How precise the location is: exact, near, region or country."),
        "geo_precision",
    ),
    Column(
        "actors",
        "#actor+name",
        _("Actors taking part, each with their role in brackets."),
        Listed(StoredNames("actors")),
    ),
    Column(
        "organizations",
        "#org+name",
        _("Organisations taking part, each with their role in brackets."),
        Listed(StoredNames("organizations")),
    ),
    Column("themes", "#meta+theme", _("Themes (slugs)."), Listed("export_themes")),
    Column(
        "disputed",
        "#meta+disputed",
        _("true when some measure's claims contradict each other; the figures download has every claim."),
        "has_disputed_figures",
    ),
    Column("summary", "#description", _("Summary of the event."), "summary"),
    Column(
        "sources",
        "#meta+source",
        _("Titles of the sources that report the event."),
        Listed("export_sources"),
    ),
    Column("first_published", "#date+published", _("When the record was first published here."), "first_published_at"),
    Column("last_changed", "#date+updated", _("When the record last changed."), "updated_at"),
)


EVENTS = Export(
    "events",
    _("Events"),
    _("One row per published event that the filters of /events/ select."),
    EVENT_COLUMNS,
    copy=True,
)


def _figures_of(events):
    """The figures of the selected events, in one query: the events in their list's order, each
    event's figures in the order of its page (by measure)."""
    return in_event_order(Figure.objects.filter(event__in=events.values("pk")), events)


def in_event_order(related, events):
    """``related`` rows (with an ``event``) in the order of ``events``, then in their own order. The
    events' order is field names, translated through ``event``, and annotation names (a search rank),
    read for each row from ``events``."""
    ordering = []
    for item in events.query.order_by or events.model._meta.ordering:
        sign, name = ("-", item[1:]) if item.startswith("-") else ("", item)
        if name in events.query.annotations:
            value = Subquery(events.filter(pk=OuterRef("event_id")).order_by().values(name)[:1])
            related = related.annotate(**{f"event_{name}": value})
            ordering.append(f"{sign}event_{name}")
        else:
            ordering.append(f"{sign}event__{name}")
    return related.order_by(*ordering, *related.model._meta.ordering)


FIGURE_COLUMNS = (
    Column("figure_id", "#meta+id", _("Public identifier of the figure."), "public_id"),
    Column("event_id", "#event+id", _("Public identifier of the event the figure is about."), "event__public_id"),
    Column("event_title", "#event+name", _("Title of the event."), "event__title"),
    Column("date_start", "#date+start", _("Start date of the event, ISO 8601."), "event__start_date"),
    Column("date_precision", "#date+precision", _("Precision of the event's date."), "event__date_precision"),
    Column(
        "country_codes",
        "#country+code",
        _("ISO 3166-1 alpha-2 codes of the event's countries."),
        event_countries(prefix="event__"),
    ),
    Column("measure", "#indicator+code", _("What the figure counts (slug)."), "measure__slug"),
    Column("measure_name", "#indicator+name", _("What the figure counts, in words."), "measure__name"),
    Column("value", "#affected+num", _("The number as the source states it."), "value"),
    Column(
        "qualifier",
        "#affected+qualifier",
        _("How to read the value: exact, more-than, at-least, less-than, up-to or about."),
        "qualifier",
    ),
    Column("low", "#affected+min", _("Low bound, if the source gives one."), "low"),
    Column("high", "#affected+max", _("High bound, if the source gives one."), "high"),
    Column("rank", "#meta+rank", _("preferred (best estimate), normal or deprecated."), "rank"),
    Column("rank_reason", "#meta+rank+reason", _("Why the figure is preferred or deprecated."), "rank_reason"),
    Column("claimant", "#actor+claimant+name", _("Who claims the number (actor or organisation)."), CLAIMANT),
    Column("as_of", "#date+reported", _("Date the number refers to, ISO 8601."), "as_of_date"),
    Column("source", "#meta+source", _("Title of the source that reports the claim."), "source__title"),
    Column("source_url", "#meta+source+url", _("Address of the source, if recorded."), "source__url"),
    Column(
        "source_reliability",
        "#meta+reliability",
        _("Reliability of the source on the Admiralty scale, A to F; empty while it is not graded."),
        "source__reliability",
    ),
    Column("excerpt", "#meta+excerpt", _("The words of the source that state the number."), "excerpt"),
)

FIGURES = Export(
    "figures",
    _("Figures"),
    _("One row per attributed figure of the published events that the filters of /events/ select."),
    FIGURE_COLUMNS,
    copy=True,
    select=_figures_of,
)


def _exchange_sides(queryset):
    for row in exchange_rows(queryset.iterator(chunk_size=CHUNK_SIZE)):
        sequence = row.sequence.summary.preferred.value if row.sequence and row.sequence.summary.preferred else None
        for code, group in sorted(row.sides.items()):
            value, lowest = counted_value(group)
            yield {"row": row, "code": code, "group": group, "value": value, "lowest": lowest, "sequence": sequence}


def _exchange_rows(queryset):
    """One row per exchange and side, the exchanges in the tracker's order."""
    return object_rows(EXCHANGE_COLUMNS, _exchange_sides(queryset))


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

"""Reads that compose an event page from several models."""

from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Coalesce

from knowledgebase.core.translation import in_language
from knowledgebase.events.models import (
    LIST_DEFERRED_FIELDS,
    Citation,
    Event,
    ExchangeSummary,
    Figure,
    MeasureKind,
    Participation,
    ParticipationRole,
)
from knowledgebase.sources.claims import summarise_claims

PRISONER_EXCHANGE = "prisoner-exchange"


@dataclass(frozen=True)
class MeasureClaims:
    """The claims about one measure of one event, with what they say together."""

    measure: object
    summary: object

    @property
    def claims(self):
        return self.summary.claims


def figures_by_measure(figures):
    """Group figures (already ordered by measure) into MeasureClaims, preferred claim first."""
    groups = OrderedDict()
    for figure in figures:
        groups.setdefault(figure.measure_id, (figure.measure, []))[1].append(figure)
    return [MeasureClaims(measure, summarise_claims(claims)) for measure, claims in groups.values()]


def event_detail_queryset(base):
    """What the events app knows of an event for its page, in a fixed number of queries (the page adds
    the allegations and briefs of the apps above: ``pages.selectors``)."""
    return (
        base.select_related("event_type__category")
        # The stored search columns: never shown, and as long as the texts in every language together.
        .defer("search_document", "search_body", "search_vector")
        .prefetch_related(
            "countries",
            "themes",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("actor__country", "organization").order_by("role", "id"),
            ),
            Prefetch("citations", queryset=_citations()),
            Prefetch(
                "figures",
                queryset=Figure.objects.with_attribution().order_by("measure__position", "measure__name", "id"),
            ),
            Prefetch(
                "related_events",
                queryset=Event.objects.published().defer(*LIST_DEFERRED_FIELDS).order_by("-start_date"),
            ),
        )
    )


def _citations():
    return Citation.objects.select_related("source__publisher").order_by("id")


@dataclass(frozen=True)
class ExchangeRow:
    """One prisoner exchange in the tracker: people returned to each side, sequence number, mediators."""

    event: object
    sides: dict  # country code -> MeasureClaims
    sequence: object  # MeasureClaims of the ordinal measure, or None
    mediators: list


class CountedValue(NamedTuple):
    """The number the tracker counts for a side, and whether it is the lowest claim (no best estimate)."""

    value: int | None
    is_lowest_claim: bool


def counted_value(group):
    """The number the tracker counts for a side: the best estimate, else the lowest claim (and say so)."""
    if group is None:
        return CountedValue(None, False)
    if group.summary.preferred is not None:
        return CountedValue(group.summary.preferred.value, False)
    return CountedValue(group.summary.low, True)


def exchange_rows(events):
    """Tracker rows for exchange events prefetched by ``exchange_queryset``."""
    return [
        _exchange_row(
            event,
            event.figures.all(),
            [p.participant for p in event.participations.all() if p.role == ParticipationRole.MEDIATOR],
        )
        for event in events
    ]


class ClaimedMeasure(NamedTuple):
    """What a tracker row reads of a figure's measure."""

    id: int
    kind: str
    country_id: str | None


class Claim(NamedTuple):
    """What a tracker row reads of a figure: the claim (``summarise_claims``'s attributes) and who makes it,
    by name in the active language."""

    id: int
    measure_id: int
    measure: ClaimedMeasure
    value: int
    qualifier: str
    low: int | None
    high: int | None
    rank: str
    claimant: str


def exchange_rows_of(events):
    """Tracker rows for a page of exchange events (a few dozen), as ``exchange_rows`` makes them from
    ``exchange_prefetches``, in the same two queries: the figures read as plain rows (``Claim``) rather than
    three model instances each (figure, measure, claimant), and grouped here by event rather than through
    ``prefetch_related``, which clones its queryset once per event. The tracker's page and a country's
    profile spent more on those than on their SQL."""
    events = list(events)
    keys = [event.pk for event in events]
    figures, mediators = defaultdict(list), defaultdict(list)
    claims = (
        Figure.objects.filter(event_id__in=keys, measure__kind__in=[MeasureKind.RETURNED, MeasureKind.ORDINAL])
        .annotate(
            claimant_name=Coalesce(
                in_language(F("claimant_actor__name"), Figure), in_language(F("claimant_organization__name"), Figure)
            )
        )
        .order_by("measure__position", "id")
        .values_list(
            "event_id",
            "id",
            "measure_id",
            "measure__kind",
            "measure__country_id",
            "value",
            "qualifier",
            "low",
            "high",
            "rank",
            "claimant_name",
        )
    )
    measures = {}
    for event_id, key, measure_id, kind, country_id, *claim, claimant in claims:
        measure = measures.setdefault(measure_id, ClaimedMeasure(measure_id, kind, country_id))
        figures[event_id].append(Claim(key, measure_id, measure, *claim, claimant or ""))
    for participation in _mediators().queryset.filter(event_id__in=keys):
        mediators[participation.event_id].append(participation.participant)
    return [_exchange_row(event, figures[event.pk], mediators[event.pk]) for event in events]


def _exchange_row(event, figures, mediators):
    groups = figures_by_measure(figures)
    sides = {g.measure.country_id: g for g in groups if g.measure.kind == MeasureKind.RETURNED}
    sequence = next((g for g in groups if g.measure.kind == MeasureKind.ORDINAL), None)
    return ExchangeRow(event, sides, sequence, mediators)


def _exchange_figures(*, sources):
    figures = Figure.objects.select_related("measure", "claimant_actor", "claimant_organization")
    if sources:
        figures = figures.select_related("source__publisher")
    return Prefetch("figures", queryset=figures.order_by("measure__position", "id"))


def _mediators():
    return Prefetch(
        "participations",
        queryset=Participation.objects.filter(role=ParticipationRole.MEDIATOR).select_related("actor", "organization"),
    )


def exchange_prefetches():
    """What the tracker's rows show: the figures with who claims them, and the mediators. Not the figures'
    sources, which no row shows: reading them made each figure three model instances more."""
    return [_exchange_figures(sources=False), _mediators()]


def exchange_queryset(base):
    """Exchanges in the tracker's order with what their rows show, their countries (a country's profile
    names the sides by them) and their figures' sources (the home page cites the best estimate's)."""
    return (
        base.filter(event_type__slug=PRISONER_EXCHANGE)
        .prefetch_related("countries", _exchange_figures(sources=True), _mediators())
        .order_by("start_date", "id")
    )


@dataclass(frozen=True)
class ExchangeCount:
    """How many exchanges the sources count, against how many are recorded here.

    ``number`` is the largest sequence number a live claim gives an exchange ("the 49th exchange"), as
    counted by ``claimant`` for ``event``; ``recorded`` is how many exchanges up to that one's date are
    recorded here, and ``total`` how many are recorded in all.
    """

    number: int | None
    claimant: object
    event: object
    recorded: int
    total: int

    @property
    def is_complete(self):
        """Whether every exchange the sources count, up to the one they number, is recorded here."""
        return self.number is not None and self.recorded >= self.number


def counted_exchanges():
    """The count of exchanges the sources give, set against every published exchange, in two queries of the
    tracker's summary (``ExchangeSummary``), whatever the number of exchanges and figures. An ordinal claim
    belongs to whoever counts: the largest live one is taken, not an estimate."""
    top = (
        ExchangeSummary.objects.filter(sequence_figure__isnull=False)
        .select_related("event", "sequence_figure__claimant_actor", "sequence_figure__claimant_organization")
        .defer(*(f"event__{name}" for name in LIST_DEFERRED_FIELDS))
        .order_by("-sequence_number", "-start_date", "-sequence_figure_id")
        .first()
    )
    if top is None:
        return ExchangeCount(None, None, None, 0, ExchangeSummary.objects.count())
    up_to = Q(start_date__lte=top.start_date)
    counts = ExchangeSummary.objects.aggregate(total=Count("pk"), recorded=Count("pk", filter=up_to))
    figure = top.sequence_figure
    return ExchangeCount(figure.value, figure.claimant, top.event, counts["recorded"], counts["total"])

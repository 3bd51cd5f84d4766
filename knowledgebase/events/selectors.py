"""Reads that compose an event page from several models."""

from collections import OrderedDict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Prefetch, Q

from knowledgebase.events.models import Citation, Event, Figure, MeasureKind, Participation, ParticipationRole
from knowledgebase.sources.claims import DEPRECATED, summarise_claims

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
    return base.select_related("event_type__category").prefetch_related(
        "countries",
        "themes",
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("actor__country", "organization").order_by("role", "id"),
        ),
        Prefetch("citations", queryset=_citations()),
        Prefetch(
            "figures", queryset=Figure.objects.with_attribution().order_by("measure__position", "measure__name", "id")
        ),
        Prefetch(
            "related_events",
            queryset=Event.objects.published().select_related("event_type").order_by("-start_date"),
        ),
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
    rows = []
    for event in events:
        groups = figures_by_measure(event.figures.all())
        sides = {g.measure.country_id: g for g in groups if g.measure.kind == MeasureKind.RETURNED}
        sequence = next((g for g in groups if g.measure.kind == MeasureKind.ORDINAL), None)
        mediators = [p.participant for p in event.participations.all() if p.role == ParticipationRole.MEDIATOR]
        rows.append(ExchangeRow(event, sides, sequence, mediators))
    return rows


def exchange_prefetches():
    """What a tracker row shows: countries, attributed figures and mediators."""
    return [
        "countries",
        Prefetch("figures", queryset=Figure.objects.with_attribution().order_by("measure__position", "id")),
        Prefetch(
            "participations",
            queryset=Participation.objects.filter(role=ParticipationRole.MEDIATOR).select_related(
                "actor", "organization"
            ),
        ),
    ]


def exchange_queryset(base):
    return (
        base.filter(event_type__slug=PRISONER_EXCHANGE)
        .prefetch_related(*exchange_prefetches())
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


def counted_exchanges(exchanges):
    """The count of exchanges the sources give, set against ``exchanges`` (every published exchange), in two
    queries. An ordinal claim belongs to whoever counts: the largest live one is taken, not an estimate."""
    figure = (
        Figure.objects.filter(event__in=exchanges.values("pk"), measure__kind=MeasureKind.ORDINAL)
        .exclude(rank=DEPRECATED)
        .select_related("claimant_actor", "claimant_organization", "event")
        .order_by("-value", "-event__start_date", "-id")
        .first()
    )
    if figure is None:
        return ExchangeCount(None, None, None, 0, exchanges.count())
    up_to = Q(start_date__lte=figure.event.start_date)
    counts = exchanges.order_by().aggregate(total=Count("pk"), recorded=Count("pk", filter=up_to))
    return ExchangeCount(figure.value, figure.claimant, figure.event, counts["recorded"], counts["total"])

"""Writes that keep an event's derived fields true: its search document and its dispute flag."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from knowledgebase.core.search import document_text, every_language, refresh_search_vectors
from knowledgebase.events.models import Event, Figure
from knowledgebase.sources.claims import summarise_claims


def event_search_document(event: Event) -> str:
    """Title and summary in every language, place, type and every participant's names (in every language)
    and aliases (in every script), case-folded. The body is searched as a column of its own
    (``event_search_body``), with less weight."""
    names = []
    for participation in event.participations.all():
        if participation.actor_id:
            names.extend(every_language(participation.actor, "name"))
            names.extend(alias.name for alias in participation.actor.aliases.all())
        else:
            names.extend([*every_language(participation.organization, "name"), participation.organization.acronym])
    return document_text(
        *every_language(event, "title"),
        *every_language(event, "summary"),
        *every_language(event, "place_name"),
        event.region,
        *every_language(event.event_type, "name"),
        *names,
    )


def event_search_body(event: Event) -> str:
    """The body in every language, case-folded."""
    return document_text(*every_language(event, "body"))


def events_refresh_search_documents(*, events: QuerySet[Event]) -> int:
    """Rebuild the search columns of each event in the queryset ``events``."""
    rows = list(
        Event.objects.filter(pk__in=events.values("pk"))
        .select_related("event_type")
        .prefetch_related("participations__actor__aliases", "participations__organization")
    )
    for event in rows:
        event.search_document = event_search_document(event)
        event.search_body = event_search_body(event)
    Event.objects.bulk_update(rows, ["search_document", "search_body"], batch_size=500)
    refresh_search_vectors(Event.objects.filter(pk__in=[row.pk for row in rows]))
    return len(rows)


def disputed_event_ids(figures: Iterable[Figure]) -> set[int]:
    """Ids of the events among ``figures`` where some measure's live claims contradict each other."""
    by_measure = defaultdict(list)
    for figure in figures:
        by_measure[(figure.event_id, figure.measure_id)].append(figure)
    return {event_id for (event_id, _), claims in by_measure.items() if summarise_claims(claims).is_disputed}


@transaction.atomic
def events_refresh_dispute_flags(*, event_ids: Iterable[int]) -> set[int]:
    """Recompute ``has_disputed_figures`` for the given events from their figures."""
    event_ids = set(event_ids)
    figures = Figure.objects.filter(event_id__in=event_ids).only(
        "event_id", "measure_id", "value", "qualifier", "low", "high", "rank"
    )
    disputed = disputed_event_ids(figures)
    Event.objects.filter(pk__in=disputed).exclude(has_disputed_figures=True).update(has_disputed_figures=True)
    Event.objects.filter(pk__in=event_ids - disputed).exclude(has_disputed_figures=False).update(
        has_disputed_figures=False
    )
    return disputed

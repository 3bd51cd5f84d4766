"""What an event's derived fields (its search document, its dispute flag, the tracker's summary of an
exchange) are made from.

The search document holds the event's own text, its type and its participants' names and aliases;
the dispute flag comes from its figures; the summary of a prisoner exchange from its status, type, date
and sequence-number claims. See ``core.derived`` for how writes use this.
"""

from knowledgebase.actors.models import Actor, ActorAlias, Organization
from knowledgebase.core import derived
from knowledgebase.core.models import Theme
from knowledgebase.events.models import (
    Citation,
    Event,
    EventType,
    ExchangeSummary,
    Figure,
    Measure,
    MeasureKind,
    Participation,
)
from knowledgebase.events.selectors import PRISONER_EXCHANGE
from knowledgebase.events.services import (
    events_refresh_country_codes,
    events_refresh_dispute_flags,
    events_refresh_exchange_summaries,
    events_refresh_export_cells,
    events_refresh_search_documents,
    events_refresh_theme_keys,
)
from knowledgebase.sources.models import Source

SEARCH = "events.search"
DISPUTES = "events.disputes"
EXCHANGES = "events.exchanges"
#: ``Event.country_codes``, noted by the ``m2m_changed`` handler of ``Event.countries`` (``events.services``).
COUNTRIES = "events.countries"
#: ``Event.theme_keys``, noted by the ``m2m_changed`` handler of ``Event.themes``, and by a deleted theme.
THEMES = "events.themes"
#: ``Event.export_*``, the downloads' cells of several values: noted by the ``m2m_changed`` handlers of
#: ``Event.countries`` and ``Event.themes``, by a participation or citation, and by a renamed (or deleted)
#: actor, organisation, source or theme, for the events that show its name (a country's code, its key,
#: never changes).
EXPORT = "events.export"


def _summarised():
    return ExchangeSummary.objects.values("event_id")


def _exchanges_measured_by(measure):
    """The exchanges a saved measure may change the count of: those with figures of it while it counts
    sequence numbers; those whose counted claim is one of its figures once it no longer does."""
    if measure.kind == MeasureKind.ORDINAL:
        return Event.objects.published().filter(
            event_type__slug=PRISONER_EXCHANGE, pk__in=Figure.objects.filter(measure=measure).values("event_id")
        )
    return Event.objects.filter(pk__in=_summarised().filter(sequence_figure__measure=measure))


def _exchanges_typed(event_type):
    """The events a saved type may add to the tracker (all of its events, while it is the exchange type)
    or take out of it (those in it, once its slug changed)."""
    if event_type.slug == PRISONER_EXCHANGE:
        return Event.objects.published().filter(event_type=event_type)
    return Event.objects.filter(event_type=event_type, pk__in=_summarised())


def declare():
    derived.refresher(SEARCH, lambda ids: events_refresh_search_documents(events=Event.objects.filter(pk__in=ids)))
    derived.refresher(DISPUTES, lambda ids: events_refresh_dispute_flags(event_ids=ids))
    derived.refresher(EXCHANGES, lambda ids: events_refresh_exchange_summaries(event_ids=ids))
    derived.refresher(COUNTRIES, lambda ids: events_refresh_country_codes(event_ids=ids))
    derived.refresher(THEMES, lambda ids: events_refresh_theme_keys(event_ids=ids))
    derived.refresher(EXPORT, lambda ids: events_refresh_export_cells(event_ids=ids))
    derived.depends(Theme, THEMES, query=lambda theme: Event.objects.filter(theme_keys__overlaps=[theme.pk]))
    derived.depends(Event, SEARCH, via="pk")
    derived.depends(Participation, SEARCH, via="event_id")
    derived.depends(ActorAlias, SEARCH, query=lambda alias: Event.objects.filter(participations__actor=alias.actor_id))
    derived.depends(Actor, SEARCH, query=lambda actor: Event.objects.filter(participations__actor=actor))
    derived.depends(
        Organization, SEARCH, query=lambda organization: Event.objects.filter(participations__organization=organization)
    )
    derived.depends(Figure, DISPUTES, via="event_id")
    derived.depends(Event, EXCHANGES, via="pk")
    derived.depends(Figure, EXCHANGES, via="event_id")
    derived.depends(Measure, EXCHANGES, query=_exchanges_measured_by)
    derived.depends(EventType, EXCHANGES, query=_exchanges_typed)
    derived.depends(Participation, EXPORT, via="event_id")
    derived.depends(Citation, EXPORT, via="event_id")
    derived.depends(Actor, EXPORT, query=lambda actor: Event.objects.filter(participations__actor=actor))
    derived.depends(
        Organization, EXPORT, query=lambda organization: Event.objects.filter(participations__organization=organization)
    )
    derived.depends(Source, EXPORT, query=lambda source: Event.objects.filter(citations__source=source))
    derived.depends(Theme, EXPORT, query=lambda theme: Event.objects.filter(theme_keys__overlaps=[theme.pk]))

"""What an event's derived fields (its search document and its dispute flag) are made from.

The search document holds the event's own text, its type and its participants' names and aliases;
the dispute flag comes from its figures. See ``core.derived`` for how writes use this.
"""

from knowledgebase.actors.models import Actor, ActorAlias, Organization
from knowledgebase.core import derived
from knowledgebase.events.models import Event, Figure, Participation
from knowledgebase.events.services import events_refresh_dispute_flags, events_refresh_search_documents

SEARCH = "events.search"
DISPUTES = "events.disputes"


def declare():
    derived.refresher(SEARCH, lambda ids: events_refresh_search_documents(events=Event.objects.filter(pk__in=ids)))
    derived.refresher(DISPUTES, lambda ids: events_refresh_dispute_flags(event_ids=ids))
    derived.depends(Event, SEARCH, via="pk")
    derived.depends(Participation, SEARCH, via="event_id")
    derived.depends(ActorAlias, SEARCH, query=lambda alias: Event.objects.filter(participations__actor=alias.actor_id))
    derived.depends(Actor, SEARCH, query=lambda actor: Event.objects.filter(participations__actor=actor))
    derived.depends(
        Organization, SEARCH, query=lambda organization: Event.objects.filter(participations__organization=organization)
    )
    derived.depends(Figure, DISPUTES, via="event_id")

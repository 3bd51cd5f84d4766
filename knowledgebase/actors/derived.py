"""What the names actors and organisations are searched by are made of: an actor's names and its aliases,
an organisation's names and acronym. See ``core.derived`` for how writes use this."""

from knowledgebase.actors.models import Actor, ActorAlias, Organization
from knowledgebase.actors.services import actors_refresh_search_names, organizations_refresh_search_names
from knowledgebase.core import derived

ACTOR_NAMES = "actors.names"
ORGANIZATION_NAMES = "organizations.names"


def declare():
    derived.refresher(ACTOR_NAMES, lambda ids: actors_refresh_search_names(actors=Actor.objects.filter(pk__in=ids)))
    derived.refresher(
        ORGANIZATION_NAMES,
        lambda ids: organizations_refresh_search_names(organizations=Organization.objects.filter(pk__in=ids)),
    )
    derived.depends(Actor, ACTOR_NAMES, via="pk")
    derived.depends(ActorAlias, ACTOR_NAMES, via="actor_id")
    derived.depends(Organization, ORGANIZATION_NAMES, via="pk")

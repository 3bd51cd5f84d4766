"""Writes that keep the names actors and organisations are found by (``search_names``) true to their names
in every language and to their aliases in every script."""

from django.db.models import QuerySet

from knowledgebase.actors.models import Actor, Organization, folded_names
from knowledgebase.core.search import every_language

BATCH_SIZE = 500


def actor_search_names(actor: Actor) -> str:
    """The actor's name in every language and each of its aliases, case-folded, one a line."""
    return folded_names(*every_language(actor, "name"), *(alias.name for alias in actor.aliases.all()))


def organization_search_names(organization: Organization) -> str:
    """The organisation's name in every language and its acronym, case-folded, one a line."""
    return folded_names(*every_language(organization, "name"), organization.acronym)


def actors_refresh_search_names(*, actors: QuerySet[Actor]) -> int:
    """Rebuild the ``search_names`` of each actor in the queryset ``actors``."""
    rows = list(Actor.objects.filter(pk__in=actors.values("pk")).prefetch_related("aliases"))
    for actor in rows:
        actor.search_names = actor_search_names(actor)
    Actor.objects.bulk_update(rows, ["search_names"], batch_size=BATCH_SIZE)
    return len(rows)


def organizations_refresh_search_names(*, organizations: QuerySet[Organization]) -> int:
    """Rebuild the ``search_names`` of each organisation in the queryset ``organizations``."""
    rows = list(Organization.objects.filter(pk__in=organizations.values("pk")))
    for organization in rows:
        organization.search_names = organization_search_names(organization)
    Organization.objects.bulk_update(rows, ["search_names"], batch_size=BATCH_SIZE)
    return len(rows)

"""Actor and organisation names and descriptions per language (see core.translation)."""

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.translation import register

register(Actor, ["name", "position", "description"])
register(Organization, ["name", "description"])

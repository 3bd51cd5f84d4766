from django.utils.translation import gettext_lazy as _

from knowledgebase.core.apps import DomainConfig


class ActorsConfig(DomainConfig):
    default = True  # the one config of this module (DomainConfig is imported here too)
    name = "knowledgebase.actors"
    label = "actors"
    verbose_name = _("Actors and organisations")
    shared_models = ("actor", "actoralias", "organization")

    def ready(self):
        from knowledgebase.actors.derived import declare

        declare()

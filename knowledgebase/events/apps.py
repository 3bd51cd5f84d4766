from django.utils.translation import gettext_lazy as _

from knowledgebase.core.apps import DomainConfig


class EventsConfig(DomainConfig):
    default = True  # the one config of this module (DomainConfig is imported here too)
    name = "knowledgebase.events"
    label = "events"
    verbose_name = _("Events and figures")
    editorial_models = ("event", "participation", "citation", "figure", "figurebreakdown")

    def ready(self):
        from knowledgebase.events.derived import declare

        declare()

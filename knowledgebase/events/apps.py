from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "knowledgebase.events"
    label = "events"
    verbose_name = _("Events and figures")

    def ready(self):
        from knowledgebase.events.derived import declare

        declare()

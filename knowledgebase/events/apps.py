from django.utils.translation import gettext_lazy as _

from knowledgebase.core.apps import DomainConfig


class EventsConfig(DomainConfig):
    default = True  # the one config of this module (DomainConfig is imported here too)
    name = "knowledgebase.events"
    label = "events"
    verbose_name = _("Events and figures")
    editorial_models = ("event", "participation", "citation", "figure", "figurebreakdown")

    def ready(self):
        from django.db.models.signals import m2m_changed

        from knowledgebase.events.derived import declare
        from knowledgebase.events.models import Event
        from knowledgebase.events.services import countries_changed, themes_changed

        declare()
        m2m_changed.connect(countries_changed, sender=Event.countries.through, dispatch_uid="events-country-codes")
        m2m_changed.connect(themes_changed, sender=Event.themes.through, dispatch_uid="events-theme-keys")

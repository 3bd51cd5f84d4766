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

        from knowledgebase.events.derived import COUNTRIES, EXPORT, THEMES, declare
        from knowledgebase.events.models import Event
        from knowledgebase.events.services import relation_changed

        declare()
        # weak=False: the handlers are closures that nothing else holds.
        for relation, name in ((Event.countries, COUNTRIES), (Event.themes, THEMES)):
            handler = relation_changed(name, EXPORT)
            m2m_changed.connect(handler, sender=relation.through, weak=False, dispatch_uid=name)

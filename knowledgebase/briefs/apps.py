from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefsConfig(AppConfig):
    name = "knowledgebase.briefs"
    label = "briefs"
    verbose_name = _("Briefs")

    def ready(self):
        from knowledgebase.briefs.derived import declare

        declare()

from django.utils.translation import gettext_lazy as _

from knowledgebase.core.apps import DomainConfig


class BriefsConfig(DomainConfig):
    default = True  # the one config of this module (DomainConfig is imported here too)
    name = "knowledgebase.briefs"
    label = "briefs"
    verbose_name = _("Briefs")
    editorial_models = ("brief", "takeaway", "recommendation")

    def ready(self):
        from knowledgebase.briefs.derived import declare

        declare()

from django.utils.translation import gettext_lazy as _

from knowledgebase.core.apps import DomainConfig


class DisplacementConfig(DomainConfig):
    default = True  # the one config of this module (DomainConfig is imported here too)
    name = "knowledgebase.displacement"
    label = "displacement"
    verbose_name = _("Displacement statistics")
    editorial_models = ("displacementstatistic",)

from django.utils.translation import gettext_lazy as _

from knowledgebase.core.apps import DomainConfig


class IhlConfig(DomainConfig):
    default = True  # the one config of this module (DomainConfig is imported here too)
    name = "knowledgebase.ihl"
    label = "ihl"
    verbose_name = _("International humanitarian law")
    editorial_models = ("allegation",)

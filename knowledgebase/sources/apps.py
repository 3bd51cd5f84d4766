from django.utils.translation import gettext_lazy as _

from knowledgebase.core.apps import DomainConfig


class SourcesConfig(DomainConfig):
    default = True  # the one config of this module (DomainConfig is imported here too)
    name = "knowledgebase.sources"
    label = "sources"
    verbose_name = _("Sources and claims")
    shared_models = ("source",)

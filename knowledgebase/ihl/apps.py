from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IhlConfig(AppConfig):
    name = "knowledgebase.ihl"
    label = "ihl"
    verbose_name = _("International humanitarian law")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoadTestConfig(AppConfig):
    name = "knowledgebase.loadtest"
    label = "loadtest"
    verbose_name = _("Load tests")

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True

    def ready(self):
        from knowledgebase.core import checks  # noqa: F401 - registers the deployment checks
        from knowledgebase.core.content_version import connect_invalidation

        connect_invalidation()

    name = "knowledgebase.core"
    label = "core"
    verbose_name = _("Reference data and workflow")


class KnowledgeBaseAdminConfig(admin_apps.AdminConfig):
    default = False
    """Replaces the default admin site with one that knows the review queue."""

    default_site = "knowledgebase.core.admin_site.KnowledgeBaseAdminSite"

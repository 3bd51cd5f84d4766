from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServingConfig(AppConfig):
    """Serving the site: the page cache and its invalidation, rate limits, outages, sign-in lockouts,
    request hygiene and security headers, and the deployment checks of their settings."""

    name = "knowledgebase.serving"
    label = "serving"
    verbose_name = _("Serving")

    def ready(self):
        from knowledgebase.serving import checks  # noqa: F401 - registers the deployment checks
        from knowledgebase.serving.content_version import connect_invalidation

        connect_invalidation()

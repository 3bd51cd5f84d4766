from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PresentationConfig(AppConfig):
    """How the site shows things: formatting of values and dates (the ``kb`` template tags), Markdown,
    charts, structured data for search engines, fast choice widgets."""

    name = "knowledgebase.presentation"
    label = "presentation"
    verbose_name = _("Presentation")

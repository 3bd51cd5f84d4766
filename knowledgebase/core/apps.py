from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class DomainConfig(AppConfig):
    """An app that holds the knowledge base's content. It says which of its models are what, for the two
    editorial groups (``core.workflow_groups``); a change to any of its rows invalidates the page cache
    (``serving.content_version``).

    * ``editorial_models``: records under review and the rows that belong to them: editors draft them,
      reviewers publish them.
    * ``shared_models``: entities every record refers to: editors add and change them, reviewers delete.
    * ``standard_models``: copied from a standard (ISO 3166): only superusers change them.
    Any other model of the app is maintained by reviewers (taxonomies, IHL provisions) and read by editors.
    """

    default = False
    editorial_models = ()
    shared_models = ()
    standard_models = ()


def domain_configs():
    return [config for config in apps.get_app_configs() if isinstance(config, DomainConfig)]


class CoreConfig(DomainConfig):
    default = True
    name = "knowledgebase.core"
    label = "core"
    verbose_name = _("Reference data and workflow")
    standard_models = ("country",)


class KnowledgeBaseAdminConfig(admin_apps.AdminConfig):
    """Replaces the default admin site with one that knows the review queue."""

    default = False
    default_site = "knowledgebase.core.admin_site.KnowledgeBaseAdminSite"

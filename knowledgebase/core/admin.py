from django.contrib import admin

from knowledgebase.core.admin_translation import TranslationAdmin, in_every_language
from knowledgebase.core.admin_workflow import ServiceAdmin
from knowledgebase.core.models import Country, Theme


@admin.register(Country)
class CountryAdmin(ServiceAdmin, TranslationAdmin):
    """ISO 3166-1 reference data: loaded by a migration, read-only in daily work."""

    list_display = ["code", "name", "alpha_3", "numeric"]
    search_fields = in_every_language(Country, "code", "name", "iso_name", "alpha_3")


@admin.register(Theme)
class ThemeAdmin(ServiceAdmin, TranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = in_every_language(Theme, "name", "description")
    prepopulated_fields = {"slug": ["name"]}
    view_on_site = True

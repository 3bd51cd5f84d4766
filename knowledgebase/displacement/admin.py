from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from knowledgebase.core.admin_translation import TranslationAdmin, in_every_language, translation_filters
from knowledgebase.core.admin_workflow import HistoryAdmin, PublishableAdmin
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.displacement.resources import DisplacementStatisticResource
from knowledgebase.spreadsheets.resources import SpreadsheetImportExportMixin


@admin.register(DisplacementStatistic)
class DisplacementStatisticAdmin(SpreadsheetImportExportMixin, HistoryAdmin, PublishableAdmin, TranslationAdmin):
    resource_classes = [DisplacementStatisticResource]
    list_display = ["title", "value", "qualifier", "population_type", "measurement", "cause", "as_of_date", "status"]
    list_filter = [
        "status",
        "population_type",
        "measurement",
        "cause",
        "origin_scope",
        "host_scope",
        "origin_country",
        "host_country",
        *translation_filters(),
    ]
    list_select_related = ["origin_country", "host_country"]
    search_fields = in_every_language(
        DisplacementStatistic, "title", "public_id", "includes", "excerpt", "source__title"
    )
    autocomplete_fields = [
        "origin_country",
        "host_country",
        "claimant_actor",
        "claimant_organization",
        "source",
        "themes",
    ]
    date_hierarchy = "as_of_date"
    readonly_fields = ["public_id"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "public_id",
                    ("population_type", "cause"),
                    ("measurement", "rate_period"),
                    "includes",
                    "themes",
                ]
            },
        ),
        (
            _("Number"),
            {
                "fields": [
                    ("value", "qualifier", "low", "high"),
                    ("as_of_date", "as_of_note"),
                    ("period_start", "period_end"),
                ]
            },
        ),
        (
            _("Geography"),
            {
                "fields": [
                    ("origin_scope", "origin_country", "origin_region"),
                    ("host_scope", "host_country", "host_region"),
                ]
            },
        ),
        (
            _("Attribution"),
            {"fields": [("claimant_actor", "claimant_organization"), "source", "excerpt", ("rank", "rank_reason")]},
        ),
        (_("Publication"), {"fields": ["status", "retraction_note"]}),
    ]

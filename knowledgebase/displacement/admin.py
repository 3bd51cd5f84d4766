from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from knowledgebase.core.admin_display import dated, stated, truncated
from knowledgebase.core.admin_translation import TranslationAdmin, in_every_language, translation_filters
from knowledgebase.core.admin_workflow import HistoryAdmin, PublishableAdmin
from knowledgebase.core.models import PublicationStatus
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.displacement.resources import DisplacementStatisticResource
from knowledgebase.displacement.views import TIME_CHART_TITLE, explorer_charts
from knowledgebase.spreadsheets.resources import SpreadsheetImportExportMixin


@admin.register(DisplacementStatistic)
class DisplacementStatisticAdmin(SpreadsheetImportExportMixin, HistoryAdmin, PublishableAdmin, TranslationAdmin):
    resource_classes = [DisplacementStatisticResource]
    list_display = ["short_title", "stated_value", "population_type", "short_measurement", "cause", "as_of", "status"]
    short_title = truncated("title", 80)
    stated_value = stated()
    as_of = dated("as_of_date")
    short_measurement = truncated("measurement", 24)
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

    def get_urls(self):
        opts = self.model._meta
        preview = self.admin_site.admin_view(self.preview_view)
        name = f"{opts.app_label}_{opts.model_name}_preview"
        return [path("<path:object_id>/preview/", preview, name=name), *super().get_urls()]

    def preview_view(self, request, object_id):
        """The statistic as readers will see it, whatever its status: its row of the explorer's table, its
        card on country pages and briefs, and the explorer's chart of its population type with it counted
        among the published figures. Staff with view rights only; 404 for anyone else."""
        try:
            statistic = self.get_queryset(request).with_attribution().get(pk=unquote(object_id))
        except (DisplacementStatistic.DoesNotExist, ValueError, ValidationError):
            raise Http404(_("No statistic has this identifier.")) from None
        if not self.has_view_permission(request, statistic):
            raise Http404(_("No statistic has this identifier."))
        charted = DisplacementStatistic.objects.filter(
            Q(status=PublicationStatus.PUBLISHED) | Q(pk=statistic.pk), population_type=statistic.population_type
        )
        context = {
            "statistic": statistic,
            "object": statistic,
            "time_chart": explorer_charts(charted)["time_chart"],
            "time_chart_title": TIME_CHART_TITLE,
        }
        return TemplateResponse(request, "admin/displacement/displacementstatistic_preview.html", context)

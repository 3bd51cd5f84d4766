from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from knowledgebase.briefs.models import Brief, Recommendation, Takeaway
from knowledgebase.core.admin_translation import (
    TranslationAdmin,
    TranslationTabularInline,
    in_every_language,
    translation_filters,
)
from knowledgebase.core.admin_workflow import (
    ChildOfPublishableAdmin,
    HistoryAdmin,
    LockedWithParentInline,
    PublishableAdmin,
)


class TakeawayInline(LockedWithParentInline, TranslationTabularInline):
    model = Takeaway
    extra = 1
    fields = ["position", "text", "event"]
    autocomplete_fields = ["event"]


class RecommendationInline(LockedWithParentInline, TranslationTabularInline):
    model = Recommendation
    extra = 1
    fields = ["position", "audience", "text"]


@admin.register(Brief)
class BriefAdmin(HistoryAdmin, PublishableAdmin, TranslationAdmin):
    list_display = ["title", "organization", "published_date", "status", "is_featured"]
    list_filter = ["status", "is_featured", "organization", "themes", *translation_filters()]
    list_select_related = ["organization"]
    search_fields = in_every_language(Brief, "title", "slug", "standfirst", "organization__name")
    autocomplete_fields = ["organization", "source", "themes", "events", "figures", "statistics", "actors"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_date"
    inlines = [TakeawayInline, RecommendationInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "standfirst",
                    "body",
                    ("organization", "author"),
                    ("source", "published_date"),
                ]
            },
        ),
        (_("Links"), {"fields": ["themes", "events", "figures", "statistics", "actors"]}),
        (_("Publication"), {"fields": ["status", "retraction_note", "is_featured"]}),
    ]


@admin.register(Takeaway)
class TakeawayAdmin(ChildOfPublishableAdmin, TranslationAdmin):
    list_display = ["brief", "position", "text", "event"]
    list_select_related = ["brief", "event"]
    search_fields = in_every_language(Takeaway, "text", "brief__title")
    autocomplete_fields = ["brief", "event"]


@admin.register(Recommendation)
class RecommendationAdmin(ChildOfPublishableAdmin, TranslationAdmin):
    list_display = ["brief", "position", "audience", "text"]
    list_filter = ["audience"]
    list_select_related = ["brief"]
    search_fields = in_every_language(Recommendation, "text", "brief__title")
    autocomplete_fields = ["brief"]

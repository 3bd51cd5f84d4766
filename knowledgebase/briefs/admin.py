from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from knowledgebase.briefs.models import Brief, Recommendation, Takeaway
from knowledgebase.core.admin_workflow import (
    ChildOfPublishableAdmin,
    HistoryAdmin,
    LockedWithParentInline,
    PublishableAdmin,
)


class TakeawayInline(LockedWithParentInline, admin.TabularInline):
    model = Takeaway
    extra = 1
    fields = ["position", "text", "event"]
    autocomplete_fields = ["event"]


class RecommendationInline(LockedWithParentInline, admin.TabularInline):
    model = Recommendation
    extra = 1
    fields = ["position", "audience", "text"]


@admin.register(Brief)
class BriefAdmin(HistoryAdmin, PublishableAdmin):
    list_display = ["title", "organization", "published_date", "status", "is_featured"]
    list_filter = ["status", "is_featured", "organization", "themes"]
    list_select_related = ["organization"]
    search_fields = ["title", "slug", "standfirst", "organization__name"]
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
class TakeawayAdmin(ChildOfPublishableAdmin):
    list_display = ["brief", "position", "text", "event"]
    list_select_related = ["brief", "event"]
    search_fields = ["text", "brief__title"]
    autocomplete_fields = ["brief", "event"]


@admin.register(Recommendation)
class RecommendationAdmin(ChildOfPublishableAdmin):
    list_display = ["brief", "position", "audience", "text"]
    list_filter = ["audience"]
    list_select_related = ["brief"]
    search_fields = ["text", "brief__title"]
    autocomplete_fields = ["brief"]

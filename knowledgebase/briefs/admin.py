from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from knowledgebase.briefs.models import Brief, Recommendation, Takeaway
from knowledgebase.core.admin_display import dated, truncated
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
    list_display = ["short_title", "short_organization", "published", "status", "featured"]
    short_title = truncated("title", 90)
    short_organization = truncated("organization", 40)
    published = dated("published_date")
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

    @admin.display(description=_("featured"), boolean=True, ordering="is_featured")
    def featured(self, obj):
        return obj.is_featured


@admin.register(Takeaway)
class TakeawayAdmin(ChildOfPublishableAdmin, TranslationAdmin):
    list_display = ["short_text", "short_brief", "position", "short_event"]
    short_text = truncated("text", 110)
    short_brief = truncated("brief", 50)
    short_event = truncated("event", 50)
    list_select_related = ["brief", "event"]
    search_fields = in_every_language(Takeaway, "text", "brief__title")
    autocomplete_fields = ["brief", "event"]


@admin.register(Recommendation)
class RecommendationAdmin(ChildOfPublishableAdmin, TranslationAdmin):
    list_display = ["short_text", "short_brief", "position", "audience"]
    short_text = truncated("text", 110)
    short_brief = truncated("brief", 50)
    list_filter = ["audience"]
    list_select_related = ["brief"]
    search_fields = in_every_language(Recommendation, "text", "brief__title")
    autocomplete_fields = ["brief"]

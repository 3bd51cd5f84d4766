from django.contrib import admin

from knowledgebase.core.admin_display import dated, truncated
from knowledgebase.core.admin_workflow import ServiceAdmin
from knowledgebase.sources.models import Source


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
    list_display = ["short_title", "short_publisher", "kind", "published", "reliability", "scale"]
    short_title = truncated("title", 90)
    short_publisher = truncated("publisher", 40)
    published = dated("published_date")
    list_filter = ["kind", "language", "reliability", "scale", "publisher"]
    list_select_related = ["publisher"]
    search_fields = ["title", "slug", "author", "url", "publisher__name", "publisher__acronym"]
    autocomplete_fields = ["publisher"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_date"
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "language", "publisher", "author"]}),
        (None, {"fields": ["url", "archive_url", "published_date", "accessed_date"]}),
        (None, {"fields": ["reliability", "scale", "notes", "created_at", "updated_at"]}),
    ]

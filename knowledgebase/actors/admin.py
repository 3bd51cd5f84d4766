from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from knowledgebase.actors.models import Actor, ActorAlias, Organization, name_query
from knowledgebase.core.admin_display import truncated
from knowledgebase.core.admin_translation import TranslationAdmin, in_every_language, translation_filters
from knowledgebase.core.admin_workflow import ServiceAdmin


class NameSearchAdmin:
    """The admin's search (its list and the autocomplete of every form that names one) also finds a record
    by any of its names in any case and script: its name in every language, an actor's aliases, an
    organisation's acronym (``search_names``, folded in Python: SQLite's own matching folds ASCII only, so
    "лубінець" would miss "Лубінець")."""

    def get_search_results(self, request, queryset, search_term):
        search_term = search_term.replace("\x00", " ")  # no database stores it; PostgreSQL refuses it
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if name_query(search_term):
            results = results | queryset.search(search_term)
        return results, may_have_duplicates


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 1
    fields = ["name", "kind", "language"]


class ChildActorInline(admin.TabularInline):
    model = Actor
    fk_name = "parent"
    extra = 0
    fields = ["name", "kind", "position"]
    show_change_link = True
    can_delete = False
    verbose_name_plural = _("affiliated actors")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Actor)
class ActorAdmin(NameSearchAdmin, ServiceAdmin, TranslationAdmin):
    list_display = ["name", "kind", "country", "short_parent", "short_position", "event_count"]
    short_parent = truncated("parent", 40)
    short_position = truncated("position", 40)
    list_filter = ["kind", "country", *translation_filters()]
    list_select_related = ["country", "parent"]
    search_fields = in_every_language(Actor, "name", "slug", "aliases__name", "position", "wikidata_qid")
    autocomplete_fields = ["country", "parent"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ActorAliasInline, ChildActorInline]
    ordering = ["name", "id"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "country", "parent", "position", "description"]}),
        (_("Identifiers in other datasets"), {"fields": ["wikidata_qid", "acled_actor_name"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=Count("participations__event", distinct=True))

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, obj):
        return obj.event_count


@admin.register(ActorAlias)
class ActorAliasAdmin(ServiceAdmin):
    list_display = ["name", "actor", "kind", "language"]
    list_filter = ["kind"]
    list_select_related = ["actor"]
    search_fields = ["name", "actor__name_en", "actor__name_uk"]
    autocomplete_fields = ["actor"]


@admin.register(Organization)
class OrganizationAdmin(NameSearchAdmin, ServiceAdmin, TranslationAdmin):
    list_display = ["name", "acronym", "kind", "country", "source_count"]
    list_filter = ["kind", "country", *translation_filters()]
    list_select_related = ["country"]
    search_fields = in_every_language(Organization, "name", "acronym", "slug", "wikidata_qid")
    autocomplete_fields = ["country", "parent"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(source_count=Count("sources", distinct=True))

    @admin.display(description=_("sources"), ordering="source_count")
    def source_count(self, obj):
        return obj.source_count

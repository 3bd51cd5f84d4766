from django.contrib import admin

from knowledgebase.core.admin_display import dated, truncated
from knowledgebase.core.admin_translation import TranslationAdmin, TranslationStackedInline, in_every_language
from knowledgebase.core.admin_workflow import ChildOfPublishableAdmin, LockedWithParentInline, ServiceAdmin, add_inline
from knowledgebase.events.models import Event
from knowledgebase.ihl.models import Allegation, Instrument, Provision


@admin.register(Instrument)
class InstrumentAdmin(ServiceAdmin, TranslationAdmin):
    list_display = ["short_name", "name", "adopted", "position"]
    adopted = dated("adopted_date")
    search_fields = in_every_language(Instrument, "name", "short_name")
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(Provision)
class ProvisionAdmin(ServiceAdmin, TranslationAdmin):
    list_display = ["article", "title", "instrument"]
    list_filter = ["instrument"]
    list_select_related = ["instrument"]
    search_fields = in_every_language(Provision, "article", "title", "summary", "instrument__short_name")
    autocomplete_fields = ["instrument"]
    prepopulated_fields = {"slug": ["article", "title"]}
    view_on_site = True


class AllegationInline(LockedWithParentInline, TranslationStackedInline):
    model = Allegation
    extra = 0
    fields = [("provision", "status", "source"), "excerpt", "note"]
    autocomplete_fields = ["provision", "source"]


# The event form shows an event's allegations.
add_inline(Event, AllegationInline)


@admin.register(Allegation)
class AllegationAdmin(ChildOfPublishableAdmin, TranslationAdmin):
    list_display = ["short_event", "short_provision", "status", "short_source"]
    short_event = truncated("event", 60)
    short_provision = truncated("provision", 60)
    short_source = truncated("source", 40)
    list_filter = ["status", "provision__instrument", "provision"]
    list_select_related = ["event", "provision__instrument", "source"]
    search_fields = ["event__title", "provision__title", "provision__article", "excerpt"]
    autocomplete_fields = ["event", "provision", "source"]

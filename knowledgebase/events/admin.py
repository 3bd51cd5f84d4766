from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy, ngettext

from knowledgebase.core.admin_display import shortened, stated, truncated, written_date_at_precision
from knowledgebase.core.admin_review import PublishCheck
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
    ServiceAdmin,
)
from knowledgebase.core.models import PublicationStatus
from knowledgebase.core.services import can_publish, record_save
from knowledgebase.events.admin_entry import (
    CONFIRMED_BEFORE_PUBLISHING,
    EventEntryAdmin,
    FigureRowsInline,
    RowLabelsInline,
)
from knowledgebase.events.forms import EventForm
from knowledgebase.events.models import (
    Citation,
    Event,
    EventCategory,
    EventType,
    Figure,
    FigureBreakdown,
    Measure,
    Participation,
    breakdown_excess,
)
from knowledgebase.events.resources import EventResource, FigureResource
from knowledgebase.events.review_warnings import short_label, stored_warnings_of
from knowledgebase.spreadsheets.resources import SpreadsheetImportExportMixin

CLAIM_FIELDS = [
    ("measure", "value", "qualifier", "low", "high"),
    ("claimant_actor", "claimant_organization"),
    ("source", "as_of_date"),
    "excerpt",
    ("rank", "rank_reason"),
]
CLAIM_AUTOCOMPLETE = ["measure", "claimant_actor", "claimant_organization", "source"]


@admin.register(EventCategory)
class EventCategoryAdmin(ServiceAdmin, TranslationAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = in_every_language(EventCategory, "name")
    prepopulated_fields = {"slug": ["name"]}


@admin.register(EventType)
class EventTypeAdmin(ServiceAdmin, TranslationAdmin):
    list_display = ["name", "category", "slug"]
    list_filter = ["category"]
    list_select_related = ["category"]
    search_fields = in_every_language(EventType, "name", "category__name")
    autocomplete_fields = ["category"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Measure)
class MeasureAdmin(ServiceAdmin, TranslationAdmin):
    list_display = ["name", "kind", "country", "position"]
    list_filter = ["kind"]
    list_select_related = ["country"]
    search_fields = in_every_language(Measure, "name", "description")
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}


class ParticipationInline(RowLabelsInline, LockedWithParentInline, TranslationTabularInline):
    model = Participation
    row_related = ("actor", "organization")
    extra = 1
    fields = ["actor", "organization", "role", "note"]
    autocomplete_fields = ["actor", "organization"]


class CitationInline(RowLabelsInline, LockedWithParentInline, admin.TabularInline):
    model = Citation
    row_related = ("source",)
    extra = 1
    fields = ["source", "locator", "excerpt"]
    autocomplete_fields = ["source"]


@admin.register(Event)
class EventAdmin(EventEntryAdmin, SpreadsheetImportExportMixin, HistoryAdmin, PublishableAdmin, TranslationAdmin):
    resource_classes = [EventResource]
    list_display = ["short_title", "when", "event_type", "status", "disputed", "pinned"]
    list_filter = [
        "status",
        "is_pinned",
        "event_type__category",
        "event_type",
        "has_disputed_figures",
        "date_precision",
        "themes",
        "countries",
        *translation_filters(),
    ]
    list_select_related = ["event_type"]
    search_fields = in_every_language(
        Event,
        "title",
        "public_id",
        "slug",
        "summary",
        "participations__actor__name_en",
        "participations__actor__name_uk",
        "participations__actor__aliases__name",
    )
    # The type is a small taxonomy: a select grouped by category (events.forms.EventForm), one choice.
    autocomplete_fields = ["countries", "themes", "related_events", "account_source"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    readonly_fields = ["public_id", "has_disputed_figures"]
    # Apps above events add theirs through core.admin_workflow.add_inline (ihl: allegations).
    inlines = [ParticipationInline, CitationInline, FigureRowsInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "public_id", "event_type", "summary", "body", "account_source", "themes"]}),
        (gettext_lazy("When"), {"fields": [("start_date", "end_date"), ("date_precision", "date_note")]}),
        (
            gettext_lazy("Where"),
            {"fields": ["countries", ("region", "place_name"), ("latitude", "longitude", "geo_precision")]},
        ),
        (gettext_lazy("Links"), {"fields": ["related_events", ("acled_event_id", "glide_number", "wikidata_qid")]}),
        (
            gettext_lazy("Publication"),
            {"fields": ["status", "retraction_note", "has_disputed_figures", "is_pinned"]},
        ),
    ]
    actions = [*PublishableAdmin.actions, "pin_selected", "unpin_selected", "add_theme", "export_selected"]

    def get_readonly_fields(self, request, obj=None):
        """What the home page features is a reviewer's choice: editors see the pin, and cannot change it."""
        fields = super().get_readonly_fields(request, obj)
        return fields if can_publish(request.user, Event) else (*fields, *Event.reviewer_fields)

    def publish_checks(self, request, objects):
        """The review desk's checks (queue, change form's panel, bulk publish): the event form's warnings
        ("Before publishing"), two queries for any number of events. As on the form, a dispute without a
        best estimate blocks publishing until the reviewer ticks "Publish without a best estimate", unless
        the public version already has it (a published event's public version is the one stored)."""
        warnings = stored_warnings_of(objects)
        confirm = EventForm.base_fields["confirm_warnings"].label
        checks = {}
        for event in objects:
            may_block = event.status != PublicationStatus.PUBLISHED
            checks[event.pk] = [
                PublishCheck(
                    label=short_label(warning),
                    message=warning.message,
                    items=warning.items,
                    blocks=may_block and warning.code in CONFIRMED_BEFORE_PUBLISHING,
                    confirm_label=confirm,
                    code=warning.code,
                )
                for warning in warnings.get(event.pk, ())
            ]
        return checks

    def _pin(self, request, queryset, pinned):
        done = 0
        for event in queryset.exclude(is_pinned=pinned):
            event.is_pinned = pinned
            try:
                record_save(obj=event, by=request.user)
                done += 1
            except (PermissionDenied, ValidationError) as error:
                message = error.messages[0] if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{event}: {message}", messages.ERROR)
        return done

    @admin.action(description=gettext_lazy("Pin selected on the home page"), permissions=["publish"])
    def pin_selected(self, request, queryset):
        done = self._pin(request, queryset, True)
        self.message_user(request, ngettext("%d event pinned.", "%d events pinned.", done) % done)

    @admin.action(description=gettext_lazy("Unpin selected from the home page"), permissions=["publish"])
    def unpin_selected(self, request, queryset):
        done = self._pin(request, queryset, False)
        self.message_user(request, ngettext("%d event unpinned.", "%d events unpinned.", done) % done)

    # Change-list columns: the title gets the width, the date reads as on the event's page.
    short_title = truncated("title", 90)

    @admin.display(description=gettext_lazy("date"), ordering="start_date")
    def when(self, obj):
        return written_date_at_precision(obj.start_date, obj.end_date, obj.date_precision)

    @admin.display(description=gettext_lazy("disputed"), boolean=True, ordering="has_disputed_figures")
    def disputed(self, obj):
        return obj.has_disputed_figures

    @admin.display(description=gettext_lazy("pinned"), boolean=True, ordering="is_pinned")
    def pinned(self, obj):
        return obj.is_pinned


@admin.register(Participation)
class ParticipationAdmin(ChildOfPublishableAdmin, TranslationAdmin):
    list_display = ["short_event", "participant", "role"]
    short_event = truncated("event", 70)
    list_filter = ["role"]
    list_select_related = ["event", "actor", "organization"]
    search_fields = ["event__title", "actor__name", "actor__aliases__name", "organization__name"]
    autocomplete_fields = ["event", "actor", "organization"]

    @admin.display(description=gettext_lazy("actor or organisation"))
    def participant(self, obj):
        return shortened(obj.participant, 50)


@admin.register(Citation)
class CitationAdmin(ChildOfPublishableAdmin):
    list_display = ["short_event", "short_source", "locator"]
    short_event = truncated("event", 70)
    short_source = truncated("source", 70)
    list_select_related = ["event", "source"]
    search_fields = ["event__title", "source__title", "excerpt"]
    autocomplete_fields = ["event", "source"]


class BreakdownFormSet(BaseInlineFormSet):
    """Breakdowns never add up to more than their figure (``breakdown_excess``), counted as edited together."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.sum_checked_by_formset = True
        return form

    def clean(self):
        super().clean()
        rows = [getattr(form, "cleaned_data", None) for form in self.forms]
        parts = [
            (row["dimension"], row["value"])
            for row in rows
            if row and not row.get("DELETE") and row.get("value") is not None
        ]
        excess = breakdown_excess(self.instance.value, parts)
        if excess:
            raise ValidationError(excess)


class FigureBreakdownInline(LockedWithParentInline, admin.TabularInline):
    model = FigureBreakdown
    formset = BreakdownFormSet
    extra = 1


@admin.register(Figure)
class FigureAdmin(SpreadsheetImportExportMixin, HistoryAdmin, ChildOfPublishableAdmin, TranslationAdmin):
    resource_classes = [FigureResource]
    list_display = ["short_event", "short_measure", "stated_value", "claimant", "short_source", "rank"]
    short_event = truncated("event", 70)
    short_measure = truncated("measure", 30)
    stated_value = stated()
    short_source = truncated("source", 40)
    list_filter = ["rank", "qualifier", "measure"]
    list_select_related = ["event", "measure", "claimant_actor", "claimant_organization", "source"]
    search_fields = ["event__title", "measure__name", "claimant_actor__name", "claimant_organization__name", "excerpt"]
    autocomplete_fields = ["event", *CLAIM_AUTOCOMPLETE]
    fields = ["event", *CLAIM_FIELDS, "note"]
    inlines = [FigureBreakdownInline]

    @admin.display(description=gettext_lazy("claimed by"))
    def claimant(self, obj):
        return shortened(obj.claimant, 30)


@admin.register(FigureBreakdown)
class FigureBreakdownAdmin(ChildOfPublishableAdmin):
    list_display = ["short_figure", "dimension", "category", "value"]
    short_figure = truncated("figure", 60)
    list_filter = ["dimension"]
    list_select_related = ["figure__event", "figure__measure"]
    search_fields = ["figure__event__title", "category"]
    autocomplete_fields = ["figure"]

"""The event form as editors work in it all day: figures as compact rows, the warnings to check before an
event goes public, and the bulk actions of the event list (add a theme, export the selection).

Every write goes through the services (``core.services.record_save``), so the review rule holds here as
on every other path: an editor changes no published or retracted event, and publishes nothing.
"""

import functools

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import CheckboxInput
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from knowledgebase.core.admin_translation import TranslationTabularInline
from knowledgebase.core.admin_workflow import LockedWithParentInline
from knowledgebase.core.models import PublicationStatus
from knowledgebase.core.services import can_publish, record_save
from knowledgebase.core.translation import localized, translated_fields
from knowledgebase.events.forms import (
    DETAIL_FIELDS,
    CitedFirstSourceAutocomplete,
    EventForm,
    FigureRowForm,
    FigureRowFormSet,
    KnownLabelAutocomplete,
    RowLabelsFormSet,
    ThemeChoiceForm,
)
from knowledgebase.events.models import Citation, Event, Figure
from knowledgebase.events.review_warnings import DISPUTE, event_warnings, new_warnings, stored_event_warnings
from knowledgebase.spreadsheets.formats import CSV

#: Empty figure rows on a new event's form (the seed's exchange has six claims), and on a saved one's.
NEW_EVENT_FIGURE_ROWS = 6
SAVED_EVENT_FIGURE_ROWS = 2

#: The warnings a reviewer confirms before they reach readers; the others are shown, and stop nothing.
CONFIRMED_BEFORE_PUBLISHING = {DISPUTE}
CONFIRM_BEFORE_PUBLISHING = gettext_lazy(
    "The claims of a measure contradict each other and none is the best estimate (see “Before publishing”): "
    "rank one “Preferred”, with the reason, or tick “Publish without a best estimate”."
)
CONFIRM_FIELD_ERROR = gettext_lazy(
    "Tick this to publish the range and its claims as they are, or choose a best estimate."
)


class RowLabelsInline:
    """An inline whose rows are read with what they show (``row_related``) and whose autocompletes label
    their choice from it: the form costs the same few queries whatever the number of rows."""

    formset = RowLabelsFormSet
    row_related = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.row_related)

    def autocomplete_widget(self, name):
        return KnownLabelAutocomplete

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            widget = self.autocomplete_widget(db_field.name)
            kwargs["widget"] = widget(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FigureRowsInline(RowLabelsInline, LockedWithParentInline, TranslationTabularInline):
    """The event's figures, one claim a row: the number's own fields on the row, its excerpt, the reason
    for its rank and a note one click away, its breakdowns and history on its own page."""

    model = Figure
    form = FigureRowForm
    formset = FigureRowFormSet
    template = "admin/events/edit_inline/figure_rows.html"
    fields = [
        "measure",
        "value",
        "qualifier",
        "low",
        "high",
        "claimant",
        "claimant_actor",
        "claimant_organization",
        "source",
        "as_of_date",
        "rank",
        *DETAIL_FIELDS,
    ]
    autocomplete_fields = ["source"]
    row_related = ("measure", "claimant_actor", "claimant_organization", "source")
    show_change_link = True

    class Media:
        js = ["js/admin-figures.js"]
        css = {"all": ["css/admin-figures.css"]}

    def get_extra(self, request, obj=None, **kwargs):
        return NEW_EVENT_FIGURE_ROWS if obj is None else SAVED_EVENT_FIGURE_ROWS

    @admin.display(description=gettext_lazy("claimed by"))
    def claimant(self, figure):
        """The claimant of a row shown read-only (for an editor, a published event's)."""
        return figure.claimant

    def autocomplete_widget(self, name):
        return CitedFirstSourceAutocomplete if name == "source" else KnownLabelAutocomplete

    @property
    def detail_field_names(self):
        """The form fields behind a row's "more": ``DETAIL_FIELDS``, a translated one in every language."""
        translated = set(translated_fields(Figure))
        languages = [code for code, _name in settings.LANGUAGES]
        return [
            name
            for field in DETAIL_FIELDS
            for name in ([localized(field, code) for code in languages] if field in translated else [field])
        ]


class EventEntryAdmin:
    """The event admin's fast entry and checks: the grouped type select, the warnings shown under
    "Before publishing" (and as messages after each save), the confirmation a reviewer gives to publish
    with new warnings, and the bulk actions ``add_theme`` and ``export_selected``."""

    form = EventForm

    # --- The form ---------------------------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "publishing_checks")

    def get_fieldsets(self, request, obj=None):
        added = ["publishing_checks"]
        if can_publish(request.user, Event):
            added.append("confirm_warnings")
        return [
            (name, {**options, "fields": [*options["fields"], *added]})
            if "status" in options["fields"]
            else (name, options)
            for name, options in super().get_fieldsets(request, obj)
        ]

    @admin.display(description=gettext_lazy("Before publishing"))
    def publishing_checks(self, obj):
        warnings = getattr(obj, "posted_warnings", None)
        if warnings is None and obj is not None and obj.pk:
            warnings = stored_event_warnings(obj)
        return render_to_string("admin/events/includes/publishing_checks.html", {"warnings": warnings})

    def save_form(self, request, form, change):
        event = super().save_form(request, form, change)
        event.entry_form = form  # where the publishing check puts its error, next to the confirmation
        return event

    def _create_formsets(self, request, obj, change):
        # Where the form's formsets are made together: the figures' rows see the citations posted with
        # them (for their default source) and the check that runs before the event goes public.
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        figures = next((formset for formset in formsets if formset.model is Figure), None)
        if figures is not None:
            figures.citations = next((formset for formset in formsets if formset.model is Citation), None)
            if request.method == "POST":
                figures.check_publishing = functools.partial(self.check_publishing, request, obj)
        return formsets, inline_instances

    def check_publishing(self, request, event, *, figures, cites_a_source):
        """The error that stops a save making ``event`` public with a dispute its public version does not
        have (claims that contradict, none the best estimate), unless the reviewer confirmed it; None
        otherwise. Keeps the warnings for the form to show."""
        event.posted_warnings = posted = event_warnings(figures=figures, cites_a_source=cites_a_source)
        posted = [warning for warning in posted if warning.code in CONFIRMED_BEFORE_PUBLISHING]
        if event.status != PublicationStatus.PUBLISHED or not posted:
            return None
        if CheckboxInput().value_from_datadict(request.POST, {}, "confirm_warnings"):
            return None
        stored_status = Event.objects.filter(pk=event.pk).values_list("status", flat=True).first() if event.pk else None
        public = stored_event_warnings(event) if stored_status == PublicationStatus.PUBLISHED else []
        if not new_warnings(posted, public):
            return None
        form = getattr(event, "entry_form", None)
        if form is not None and "confirm_warnings" in form.fields:
            form.add_error("confirm_warnings", CONFIRM_FIELD_ERROR)
        return CONFIRM_BEFORE_PUBLISHING

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for warning in stored_event_warnings(form.instance):
            self.message_user(request, warning.message, messages.WARNING)

    # --- Bulk actions -----------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Add a theme to selected events"), permissions=["change"])
    def add_theme(self, request, queryset):
        """Asks which theme, then adds it to each selected event through ``record_save``: an editor's
        published or retracted events are refused, one by one, and keep their themes."""
        form = ThemeChoiceForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Add a theme"),
                "opts": self.model._meta,
                "queryset": queryset,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/events/event/add_theme.html", context)
        theme = form.cleaned_data["theme"]
        done = 0
        for event in queryset.exclude(themes=theme):
            try:
                with transaction.atomic():
                    record_save(obj=event, by=request.user)  # the review gate, and the revision it records
                    event.themes.add(theme)
            except (PermissionDenied, ValidationError) as error:
                message = error.messages[0] if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{event}: {message}", messages.ERROR)
            else:
                done += 1
        self.message_user(
            request,
            ngettext(
                "Theme “%(theme)s” added to %(count)d event.", "Theme “%(theme)s” added to %(count)d events.", done
            )
            % {"theme": theme, "count": done},
        )
        return None

    @admin.action(description=gettext_lazy("Export selected events as CSV"), permissions=["export"])
    def export_selected(self, request, queryset):
        """The selected events, and only them, in the columns of the admin's export (``EventResource``),
        drafts included for whoever may see them in the list."""
        file_format = CSV()
        data = self.get_export_data(file_format, request, queryset.order_by("-start_date", "-id"))
        response = HttpResponse(data, content_type=file_format.get_content_type())
        filename = self.get_export_filename(request, queryset, file_format)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

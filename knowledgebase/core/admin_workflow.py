"""Admin building blocks that enforce the publication workflow on every path.

An editor (no ``publish_*`` permission) can create drafts and submit them for
review. Published and retracted records, and every row that belongs to one
(figures, participations, takeaways…), are read-only for editors: the change
form, inlines, bulk actions and the child's own admin all refuse.

Every write of the admin (a form, its inline rows, a deletion, a bulk action, a
revert) goes through the services of ``core.services``; the admin site runs each
request as one ``core.derived`` batch, so derived data is refreshed once per save.
"""

from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from knowledgebase.core import derived
from knowledgebase.core.admin_review import (
    CONFIRM_FIELD,
    ReturnForm,
    action_url,
    confirmed,
    diff_template,
    left_out_message,
    publish_checks_of,
    review_diffs_of,
)
from knowledgebase.core.models import PUBLIC_STATUSES, PublicationStatus, Publishable, ReviewTransition, publishable_of
from knowledgebase.core.review import latest_submission, latest_transition
from knowledgebase.core.services import (
    ERROR_NO_RETRACTION_NOTE,
    ERROR_NOT_REVIEWER,
    can_publish,
    publishable_transition,
    record_delete,
    record_save,
    transition_allowed,
)


def locked_for(user, publishable):
    """True when ``publishable`` is public and ``user`` may not change public records."""
    return (
        publishable is not None and publishable.status in PUBLIC_STATUSES and not can_publish(user, type(publishable))
    )


class RetractForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why are these records retracted?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Readers will see this note on each retracted page."),
    )


_added_inlines = defaultdict(list)


def add_inline(model, inline):
    """Show ``inline`` on the admin form of ``model``: how an app adds rows of its own to the form of a
    model of an app below it (ihl's allegations on the event form) without touching that app's admin."""
    if inline not in _added_inlines[model]:
        _added_inlines[model].append(inline)


class ServiceAdmin(admin.ModelAdmin):
    """A ModelAdmin whose every write goes through the services (forms validated the rows already), and
    whose form also shows the inlines other apps add (``add_inline``)."""

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), *_added_inlines.get(self.model, ())]

    def save_model(self, request, obj, form, change):
        note = form.cleaned_data.get("public_change_note", "") if change else ""
        record_save(obj=obj, by=request.user, note=note, validate=False, before=derived.parents_in_form(form))

    def delete_model(self, request, obj):
        record_delete(obj=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record_delete(obj=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        rows = formset.save(commit=False)
        for obj in formset.deleted_objects:
            record_delete(obj=obj, by=request.user)
        parent = publishable_of(formset.instance)
        for obj in rows:
            # An inline row cannot leave its parent: nothing to look up.
            record_save(obj=obj, by=request.user, validate=False, before={}, stored=parent)
        formset.save_m2m()


def review_history(model, object_id):
    """The history page's context: the record's status changes (``review_transitions``), when ``model`` is
    reviewed; read when the page shows them, after the record was found."""
    try:
        pk = int(unquote(object_id))
    except (TypeError, ValueError):
        return {}
    if not issubclass(model, Publishable) or not 0 < pk < 2**63:
        return {}
    rows = ReviewTransition.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=pk)
    return {"review_transitions": rows.select_related("by").order_by("at", "pk")}


SUBMIT_FOR_REVIEW = "_submit_for_review"


class PublishableAdmin(ServiceAdmin):
    """ModelAdmin for a Publishable model: status restricted by role, workflow actions, review filter; on
    the change form, the review desk's buttons (``review_panel``): Publish and Return to editor for a
    reviewer on a record in review, the return's comment on a returned draft, Save and submit for review
    on a draft."""

    actions = ["submit_for_review", "publish_selected", "retract_selected"]
    workflow_readonly_fields = ("first_published_at", "retracted_at", "created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.workflow_readonly_fields)

    def has_publish_permission(self, request):
        return can_publish(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not locked_for(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not locked_for(request.user, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        user, model = request.user, self.model

        class WorkflowForm(form_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                status = self.fields.get("status")
                if status is not None and not can_publish(user, model):
                    status.choices = [c for c in status.choices if c[0] not in PUBLIC_STATUSES]

            def clean(self):
                cleaned = super().clean()
                to_status = cleaned.get("status")
                # Before _post_clean, the instance still holds the stored status.
                from_status = self.instance.status if self.instance.pk else PublicationStatus.DRAFT
                if to_status and not transition_allowed(
                    user=user, model=model, from_status=from_status, to_status=to_status
                ):
                    raise ValidationError(_(ERROR_NOT_REVIEWER))
                if to_status == PublicationStatus.RETRACTED and not cleaned.get("retraction_note"):
                    self.add_error("retraction_note", _(ERROR_NO_RETRACTION_NOTE))
                return cleaned

        return WorkflowForm

    def save_model(self, request, obj, form, change):
        if SUBMIT_FOR_REVIEW in request.POST and obj.status == PublicationStatus.DRAFT:
            obj.status = PublicationStatus.REVIEW
        super().save_model(request, obj, form, change)

    def _submitted_message(self, request, obj):
        if SUBMIT_FOR_REVIEW in request.POST and obj.status == PublicationStatus.REVIEW:
            self.message_user(request, _("“%(record)s” is submitted for review.") % {"record": obj}, messages.SUCCESS)

    def response_add(self, request, obj, post_url_continue=None):
        self._submitted_message(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._submitted_message(request, obj)
        return super().response_change(request, obj)

    def publish_checks(self, request, objects):
        """What a reviewer should look at before ``objects`` (records of this model) go public: {pk: [``core.
        admin_review.PublishCheck``]}, in a fixed number of queries whatever their number. The review desk
        shows them on the queue, the change form's panel and the bulk publish's page; one that ``blocks``
        keeps its record from being published by any of those paths until the reviewer confirms it. None
        by default: a model's admin says what its records need (the event admin: ``events.review_warnings``)."""
        return {}

    def review_panel(self, request, obj):
        """What the change form offers and says about the record's review (template
        ``admin/includes/review_panel.html``)."""
        if obj is None:
            return {"can_submit": self.has_add_permission(request)}
        panel = {"status": obj.status}
        if obj.status == PublicationStatus.REVIEW:
            panel["submission"] = latest_submission(obj)
            panel["checks"] = publish_checks_of(self, request, [obj])[obj.pk]
            if self.has_publish_permission(request):
                site = self.admin_site
                panel.update(
                    can_review=True,
                    publish_url=action_url(site, obj, "publish"),
                    return_url=action_url(site, obj, "return"),
                    return_form=ReturnForm(),
                    next=request.path,
                )
        elif obj.status == PublicationStatus.DRAFT:
            last = latest_transition(obj)
            panel["returned"] = last if last is not None and last.is_return else None
            panel["can_submit"] = self.has_change_permission(request, obj)
        return panel

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if not context.get("is_popup"):
            context["review_panel"] = self.review_panel(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        extra = {**review_history(self.model, object_id), **(extra_context or {})}
        return super().history_view(request, object_id, extra)

    def _transition(self, request, queryset, to_status, note=""):
        done = 0
        for obj in queryset:
            try:
                publishable_transition(obj=obj, to_status=to_status, by=request.user, note=note)
                done += 1
            except (PermissionDenied, ValidationError) as error:
                message = error.messages[0] if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{obj}: {message}", messages.ERROR)
        return done

    @admin.action(description=gettext_lazy("Submit selected for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        done = self._transition(request, queryset.filter(status=PublicationStatus.DRAFT), PublicationStatus.REVIEW)
        self.message_user(
            request, ngettext("%d record submitted for review.", "%d records submitted for review.", done) % done
        )

    @admin.action(description=gettext_lazy("Publish selected"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        """First a page with what each selected record changes in its published version and what to check
        before it goes public (``publish_checks``); then, confirmed, the records published. A record whose
        checks block is left out, with a message, unless its own box was ticked on that page."""
        records = list(queryset)
        checks = publish_checks_of(self, request, records)
        if "apply" in request.POST:
            chosen = []
            for obj in records:
                if checks[obj.pk].blocking and not confirmed(request, obj):
                    self.message_user(request, left_out_message(obj, checks[obj.pk]), messages.WARNING)
                else:
                    chosen.append(obj)
            done = self._transition(request, chosen, PublicationStatus.PUBLISHED)
            self.message_user(request, ngettext("%d record published.", "%d records published.", done) % done)
            return None
        diffs = review_diffs_of(self.model, records)
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Publish records"),
            "opts": opts,
            "records": [{"object": obj, "diff": diffs.get(obj.pk), "checks": checks[obj.pk]} for obj in records],
            "blocked": sum(1 for obj in records if checks[obj.pk].blocking),
            "diff_template": diff_template(),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "confirm_field": CONFIRM_FIELD,
        }
        return TemplateResponse(request, "admin/publish_confirmation.html", context)

    @admin.action(description=gettext_lazy("Retract selected"), permissions=["publish"])
    def retract_selected(self, request, queryset):
        form = RetractForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = self._transition(request, queryset, PublicationStatus.RETRACTED, note=form.cleaned_data["note"])
            self.message_user(request, ngettext("%d record retracted.", "%d records retracted.", done) % done)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Retract records"),
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/retract_confirmation.html", context)


class LockedWithParentInline:
    """Inline of a publishable record's rows: read-only when the record the form's object is or belongs to
    (``publishable_of``) is public and the user may not publish."""

    def _locked(self, request, obj):
        return locked_for(request.user, publishable_of(obj))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._locked(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(request, obj)


class ChildOfPublishableAdmin(ServiceAdmin):
    """Standalone admin of rows that belong to a publishable record (their model's ``publication_parent``):
    read-only for an editor when that record is public; the form refuses to move a row onto a public
    record (the services refuse it too, and the move away from one: ``core.services.check_review``)."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not locked_for(request.user, publishable_of(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not locked_for(request.user, publishable_of(obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class ChildForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if locked_for(user, publishable_of(self.instance_with(cleaned))):
                    raise ValidationError(_(ERROR_NOT_REVIEWER))
                return cleaned

            def instance_with(self, cleaned):
                """The row with the parent the form names (before the form writes to the instance)."""
                first = type(self.instance).publication_parent.split(".")[0]
                row = type(self.instance)()
                setattr(row, first, cleaned.get(first))
                return row

        return ChildForm


class PublicNoteForm(forms.ModelForm):
    public_change_note = forms.CharField(
        label=gettext_lazy("Public note about this change"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "For a correction to something already published: readers see it in the change log, "
            "e.g. 'Figure corrected after the ministry's update'."
        ),
    )


class HistoryAdmin(SimpleHistoryAdmin):
    """Revision history with diffs and revert; a revert is a change, so it needs change permission.

    The form also takes a public note that explains a change to readers: it is kept as the
    revision's reason and shown in the record's public change log.
    """

    form = PublicNoteForm
    history_list_display = ["status_at_revision"]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied(_(ERROR_NOT_REVIEWER))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        """The revisions, and above them the record's status changes when it is reviewed. An id that
        cannot be one is a 404 (django-simple-history would fail on it)."""
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError as error:
            raise Http404 from error
        extra = {**review_history(self.model, object_id), **(extra_context or {})}
        return super().history_view(request, object_id, extra)

    @admin.display(description=gettext_lazy("status"))
    def status_at_revision(self, historical):
        return getattr(historical, "status", "")

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "public_change_note" in fields else [*fields, "public_change_note"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.fieldsets:
            return fieldsets
        return [*fieldsets, (None, {"fields": ["public_change_note"]})]

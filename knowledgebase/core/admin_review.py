"""The review desk of the admin: the queue of every record waiting for review, across every reviewed kind,
with who submitted it and when, what it changes in its published version and a preview; and the
reviewer's two answers, Publish and Return to editor (with a comment), from the queue and from the
record's change form. Editors see the queue read-only; every write goes through ``core.services``.

What a reviewer checks before a record goes public comes from its model admin's ``publish_checks`` (none by
default; the event admin's: disputes without a best estimate, figures without an excerpt…): the queue and
the change form show them, and a check that blocks stops every publish path (the queue's and the form's
Publish, the bulk action) until the reviewer confirms it or corrects the record."""

import datetime
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from knowledgebase.core.models import PublicationStatus, ReviewTransition
from knowledgebase.core.review import record_key, submissions_for
from knowledgebase.core.services import (
    ERROR_NO_RETURN_COMMENT,
    can_publish,
    publishable_publish,
    publishable_return,
)

REVIEW_QUEUE_LIMIT = 200
DIFF_TEMPLATE = "admin/includes/review_diff.html"
# How long a record has waited, for the queue's filter: days.
AGES = {"day": 1, "week": 7, "month": 30}
#: The box a reviewer ticks (its value: the record's pk) to publish a record whose checks block.
CONFIRM_FIELD = "confirm_warnings"


@dataclass(frozen=True)
class PublishCheck:
    """One thing a reviewer looks at before a record goes public (``PublishableAdmin.publish_checks``).

    ``label``: a short line for the queue's row; ``message``: what it is and what to do; ``items``: the lines
    it is about (the claims of a dispute, the figures without an excerpt). A check that ``blocks`` keeps the
    record from being published, by any path, until the reviewer ticks ``confirm_label`` or corrects the
    record; the others are shown and stop nothing. ``code`` names its kind (a CSS class)."""

    label: str
    message: str
    items: tuple = ()
    blocks: bool = False
    confirm_label: str = ""
    code: str = ""


class RecordChecks(tuple):
    """The checks of one record, in order, with what the pages ask about them."""

    @property
    def blocking(self):
        return [check for check in self if check.blocks]

    @property
    def confirm_label(self):
        """What the reviewer ticks to publish the record as it is."""
        labels = [check.confirm_label for check in self.blocking if check.confirm_label]
        return labels[0] if labels else _("Publish it as it is")


def publish_checks_of(model_admin, request, objects):
    """{pk: RecordChecks} of ``objects``, all of one model, from its model admin's ``publish_checks`` (in
    the fixed number of queries it takes), empty for a record without any."""
    hook = getattr(model_admin, "publish_checks", None)
    found = hook(request, objects) if hook is not None and objects else {}
    return {obj.pk: RecordChecks(found.get(obj.pk, ())) for obj in objects}


def confirmed(request, obj):
    """Whether the reviewer ticked the confirmation for ``obj`` on the page they posted from."""
    return str(obj.pk) in request.POST.getlist(CONFIRM_FIELD)


def left_out_message(obj, checks):
    """Why ``obj`` was not published with the others: its checks that block, unconfirmed."""
    message = _("“%(record)s” is not published: %(checks)s. Publish it with “%(confirm)s” ticked, or correct it first.")
    return message % {
        "record": obj,
        "checks": "; ".join(str(check.label) for check in checks.blocking),
        "confirm": checks.confirm_label,
    }


def kind_key(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("What should the editor change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The editor who submitted the record sees this on their dashboard and on the record."),
        error_messages={"required": gettext_lazy(ERROR_NO_RETURN_COMMENT)},
    )


class QueueFilterForm(forms.Form):
    """The queue's filters, from the query string: every value is checked (an unknown one is a 400)."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    submitter = forms.ModelChoiceField(
        label=gettext_lazy("Submitted by"),
        queryset=get_user_model().objects.filter(is_staff=True).order_by("username"),
        to_field_name="username",
        required=False,
        empty_label=gettext_lazy("Anyone"),
    )
    age = forms.ChoiceField(
        label=gettext_lazy("Waiting"),
        required=False,
        choices=[
            ("", gettext_lazy("Any time")),
            ("day", gettext_lazy("Over a day")),
            ("week", gettext_lazy("Over a week")),
            ("month", gettext_lazy("Over a month")),
        ],
    )

    def __init__(self, *args, models, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [(kind_key(model), capfirst(model._meta.verbose_name_plural)) for model in models]
        self.fields["kind"].choices = [("", _("Every kind")), *kinds]


def review_diffs_of(model, rows):
    """{pk: ReviewDiff} of ``rows`` (``core.review_diff``, in a fixed number of queries), or {} while that
    module or its template is missing."""
    try:
        from knowledgebase.core.review_diff import review_diffs
    except ImportError:
        return {}
    return review_diffs(rows) if rows else {}


def diff_template():
    """The diff's include, or None while it is missing."""
    try:
        return select_template([DIFF_TEMPLATE]).template.name
    except Exception:  # noqa: BLE001 - TemplateDoesNotExist or a syntax error: the queue shows no diff
        return None


def preview_link(obj):
    """Where staff see ``obj`` as the public will: its page (drafts are previewed to staff), else the
    admin's preview of its kind."""
    if hasattr(obj, "get_absolute_url"):
        return obj.get_absolute_url()
    try:
        from knowledgebase.core.review_diff import preview_url
    except ImportError:
        return None
    return preview_url(obj)


def _waiting(model, filters):
    """The records of ``model`` in review, with when (the last submission, else the last change) and by
    whom they were submitted, oldest first."""
    submissions = ReviewTransition.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef("pk"),
        to_status=PublicationStatus.REVIEW,
    ).order_by("-at", "-pk")
    rows = model.objects.awaiting_review().annotate(
        submitted_at=Coalesce(Subquery(submissions.values("at")[:1]), F("updated_at")),
        submitter_id=Subquery(submissions.values("by")[:1]),
    )
    if filters.get("submitter"):
        rows = rows.filter(submitter_id=filters["submitter"].pk)
    if filters.get("age"):
        rows = rows.filter(submitted_at__lte=timezone.now() - datetime.timedelta(days=AGES[filters["age"]]))
    return list(rows.order_by("submitted_at", "pk")[:REVIEW_QUEUE_LIMIT])


def queue_items(site, request, models, filters):
    """One row per record waiting, every kind together, oldest first. A fixed number of queries: one per
    kind, the diffs' per kind, and one for the submitters."""
    items = []
    for model in models:
        if filters.get("kind") and filters["kind"] != kind_key(model):
            continue
        rows = _waiting(model, filters)
        diffs = review_diffs_of(model, rows)
        checks = publish_checks_of(site._registry[model], request, rows)
        opts, may_publish = model._meta, can_publish(request.user, model)
        for obj in rows:
            items.append(
                {
                    "object": obj,
                    "kind": capfirst(opts.verbose_name),
                    "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
                    "submitted_at": obj.submitted_at,
                    "diff": diffs.get(obj.pk),
                    "checks": checks[obj.pk],
                    "preview_url": preview_link(obj),
                    "can_publish": may_publish,
                    "publish_url": action_url(site, obj, "publish"),
                    "return_url": action_url(site, obj, "return"),
                }
            )
    submissions = submissions_for([item["object"] for item in items])
    for item in items:
        submission = submissions.get(record_key(item["object"]))
        item["submitter"] = submission.by if submission else None
    items.sort(key=lambda item: item["submitted_at"])
    return items


def queue_view(site, request):
    """/admin/review/: everything waiting for review, with the reviewer's actions."""
    models = [model for model in site.publishable_models() if site._registry[model].has_view_permission(request)]
    form = QueueFilterForm(request.GET, models=models)
    valid = form.is_valid()
    items = queue_items(site, request, models, form.cleaned_data) if valid else []
    context = {
        **site.each_context(request),
        "title": _("Waiting for review"),
        "filter_form": form,
        "items": items,
        "total": len(items),
        "limit": REVIEW_QUEUE_LIMIT,
        "can_publish_any": any(can_publish(request.user, model) for model in models),
        "diff_template": diff_template(),
        "return_form": ReturnForm(),
        "next": request.get_full_path(),
    }
    return TemplateResponse(request, "admin/review_queue.html", context, status=200 if valid else 400)


def action_url(site, obj, action):
    opts = obj._meta
    return reverse(f"{site.name}:review-{action}", args=[opts.app_label, opts.model_name, obj.pk])


def _reviewed(site, request, app_label, model_name, pk):
    """The model admin and the record a desk action names; 404 for an unknown kind or record, 403 for
    anyone who may not publish that kind."""
    for model in site.publishable_models():
        if (model._meta.app_label, model._meta.model_name) == (app_label, model_name):
            break
    else:
        raise Http404
    model_admin = site._registry[model]
    if not can_publish(request.user, model):
        raise PermissionDenied(_("Only a reviewer can publish or return a record."))
    obj = model_admin.get_object(request, str(pk))
    if obj is None:
        raise Http404
    return model_admin, obj


def _next(site, request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(f"{site.name}:review-queue")


def _no_longer_waiting(model_admin, request, obj):
    if obj.status == PublicationStatus.REVIEW:
        return False
    model_admin.message_user(request, _("“%(record)s” no longer waits for review.") % {"record": obj}, messages.WARNING)
    return True


def publish_view(site, request, app_label, model_name, pk):
    """POST: publish a record in review (reviewers only). A record whose checks block (``publish_checks``)
    is not published until the reviewer confirms them: they get a page with the checks, the box to tick
    and a link to the record's form, instead."""
    model_admin, obj = _reviewed(site, request, app_label, model_name, pk)
    if request.method != "POST":
        return HttpResponseRedirect(_next(site, request))
    if not _no_longer_waiting(model_admin, request, obj):
        checks = publish_checks_of(model_admin, request, [obj])[obj.pk]
        if checks.blocking and not confirmed(request, obj):
            return _confirm_publish(site, request, obj, checks)
        try:
            publishable_publish(obj=obj, by=request.user)
        except ValidationError as error:
            model_admin.message_user(request, f"{obj}: {' '.join(error.messages)}", messages.ERROR)
        else:
            model_admin.message_user(request, _("“%(record)s” is published.") % {"record": obj}, messages.SUCCESS)
    return HttpResponseRedirect(_next(site, request))


def _confirm_publish(site, request, obj, checks):
    """The page a reviewer gets when Publish meets checks that block: what they are (a dispute's range and
    claims), the box that publishes the record as it is, and the record's form to correct it instead.
    Posted from this page without the box ticked, it says so."""
    opts = obj._meta
    context = {
        **site.each_context(request),
        "title": _("Before publishing: %(record)s") % {"record": obj},
        "opts": opts,
        "object": obj,
        "checks": checks,
        "confirm_field": CONFIRM_FIELD,
        "refused": "confirming" in request.POST,
        "publish_url": action_url(site, obj, "publish"),
        "change_url": reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
        "next": _next(site, request),
    }
    return TemplateResponse(request, "admin/review_publish.html", context)


def return_view(site, request, app_label, model_name, pk):
    """Return a record in review to its editor with a comment (reviewers only): the form on its own page
    (GET, or a POST without a comment), the return on a POST with one."""
    model_admin, obj = _reviewed(site, request, app_label, model_name, pk)
    if _no_longer_waiting(model_admin, request, obj):
        return HttpResponseRedirect(_next(site, request))
    form = ReturnForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            publishable_return(obj=obj, by=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            model_admin.message_user(
                request, _("“%(record)s” is returned to its editor.") % {"record": obj}, messages.SUCCESS
            )
            return HttpResponseRedirect(_next(site, request))
    context = {
        **site.each_context(request),
        "title": _("Return to editor: %(record)s") % {"record": obj},
        "opts": obj._meta,
        "object": obj,
        "form": form,
        "next": _next(site, request),
        "diff_template": diff_template(),
        "diff": review_diffs_of(type(obj), [obj]).get(obj.pk),
    }
    return TemplateResponse(request, "admin/review_return.html", context)

"""The editors' admin site: Django's, plus a review queue that reviewers work from.

Signing in goes through django-two-factor-auth's login (password, then a code from an authenticator
app for anyone who has enrolled one). With ``STAFF_2FA_REQUIRED`` (on whenever DEBUG is off) the
admin opens only to a session verified with a second factor: a member of staff who has none is sent
to enrol one first.
"""

import functools
from functools import cached_property

from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

from knowledgebase.core import admin_review, dashboard, derived
from knowledgebase.core.admin_translation import missing_translation_counts
from knowledgebase.core.models import Publishable

SIGN_INS_SHOWN = 8


class WaitingCount:
    """How many records wait for review, of the kinds the user may see: counted when the header first
    shows it, in one query over every kind."""

    def __init__(self, models):
        self.models = models

    @cached_property
    def value(self):
        waiting = [model.objects.awaiting_review().order_by().values_list("pk") for model in self.models]
        if not waiting:
            return 0
        return waiting[0].union(*waiting[1:], all=True).count() if len(waiting) > 1 else waiting[0].count()


class KnowledgeBaseAdminSite(admin.AdminSite):
    site_header = _("Knowledge base: editors and reviewers")
    site_title = _("Knowledge base admin")
    index_title = _("Editorial work")
    index_template = "admin/kb_index.html"

    def admin_view(self, view, cacheable=False):
        """Every admin request is one ``core.derived`` batch: a save with its inline rows, a bulk action
        or an import refreshes each record's derived data once, at the end."""
        checked = super().admin_view(view, cacheable)

        @functools.wraps(checked)
        def in_one_batch(request, *args, **kwargs):
            with derived.batch():
                return checked(request, *args, **kwargs)

        return in_one_batch

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not settings.STAFF_2FA_REQUIRED or request.user.is_verified()

    def login(self, request, extra_context=None):
        """Sign-in is the two-step login; a signed-in member of staff without a second factor, where
        one is required, is sent to enrol one."""
        user = request.user
        needs_device = settings.STAFF_2FA_REQUIRED and user.is_active and user.is_staff and not user.is_verified()
        if needs_device and not user_has_device(user):
            return redirect("two_factor:setup")
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index", current_app=self.name)
        return redirect_to_login(target)

    def publishable_models(self):
        return [model for model in self._registry if issubclass(model, Publishable)]

    def each_context(self, request):
        """Every admin page's header says how many records wait for review (``review_waiting.value``)."""
        context = super().each_context(request)
        if self.has_permission(request):
            models = [
                model for model in self.publishable_models() if self._registry[model].has_view_permission(request)
            ]
            context["review_waiting"] = WaitingCount(models)
        return context

    def get_urls(self):
        record = "review/<slug:app_label>/<slug:model_name>/<int:pk>"
        return [
            path("review/", self.admin_view(self.review_queue), name="review-queue"),
            path(f"{record}/publish/", self.admin_view(self.review_publish), name="review-publish"),
            path(f"{record}/return/", self.admin_view(self.review_return), name="review-return"),
            *super().get_urls(),
        ]

    def review_queue(self, request):
        """Everything waiting for review across every reviewed kind, oldest first (``core.admin_review``)."""
        return admin_review.queue_view(self, request)

    def review_publish(self, request, app_label, model_name, pk):
        return admin_review.publish_view(self, request, app_label, model_name, pk)

    def review_return(self, request, app_label, model_name, pk):
        return admin_review.return_view(self, request, app_label, model_name, pk)

    def index(self, request, extra_context=None):
        """The editor's dashboard (``core.dashboard``); a reviewer's also counts what waits for review and
        the public records that miss a translation."""
        extra = {**dashboard.dashboard(self, request), **self.sign_ins(request)}
        if extra["is_reviewer"]:
            counts = [
                (model._meta.verbose_name_plural, model.objects.awaiting_review().count())
                for model in self.publishable_models()
                if self._registry[model].has_view_permission(request)
            ]
            extra["review_counts"] = counts
            extra["review_total"] = sum(count for _name, count in counts)
            extra["missing_translations"] = missing_translation_counts(self, request)
        return super().index(request, {**extra, **(extra_context or {})})

    def sign_ins(self, request):
        """For reviewers: the latest staff sign-ins, and the lockouts in force (django-axes)."""
        if not request.user.has_perm("axes.view_accesslog"):
            return {}
        locked = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        return {
            "recent_sign_ins": AccessLog.objects.order_by("-attempt_time")[:SIGN_INS_SHOWN],
            "lockouts": locked.order_by("-attempt_time")[:SIGN_INS_SHOWN],
        }

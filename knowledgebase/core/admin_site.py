"""The editors' admin site: Django's, plus a review queue that reviewers work from.

Signing in goes through django-two-factor-auth's login (password, then a code from an authenticator
app for anyone who has enrolled one). With ``STAFF_2FA_REQUIRED`` (on whenever DEBUG is off) the
admin opens only to a session verified with a second factor: a member of staff who has none is sent
to enrol one first.
"""

import functools

from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

from knowledgebase.core import derived
from knowledgebase.core.admin_translation import missing_translation_counts
from knowledgebase.core.models import PublicationStatus, Publishable
from knowledgebase.core.services import can_publish

REVIEW_QUEUE_LIMIT = 200
SIGN_INS_SHOWN = 8


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

    def get_urls(self):
        return [path("review/", self.admin_view(self.review_queue), name="review-queue"), *super().get_urls()]

    def review_queue(self, request):
        """Everything waiting for review, oldest change first, across every publishable model."""
        sections = []
        for model in self.publishable_models():
            if not self._registry[model].has_view_permission(request):
                continue
            opts = model._meta
            items = list(model.objects.awaiting_review().order_by("updated_at")[:REVIEW_QUEUE_LIMIT])
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            sections.append(
                {
                    "title": opts.verbose_name_plural,
                    "items": [
                        {
                            "object": item,
                            "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk]),
                        }
                        for item in items
                    ],
                    "changelist_url": f"{changelist}?status__exact={PublicationStatus.REVIEW}",
                    "can_publish": can_publish(request.user, model),
                }
            )
        context = {
            **self.each_context(request),
            "title": _("Waiting for review"),
            "sections": sections,
            "total": sum(len(section["items"]) for section in sections),
        }
        return TemplateResponse(request, "admin/review_queue.html", context)

    def index(self, request, extra_context=None):
        counts = [
            (model._meta.verbose_name_plural, model.objects.awaiting_review().count())
            for model in self.publishable_models()
            if self._registry[model].has_view_permission(request)
        ]
        extra = {
            "review_counts": counts,
            "review_total": sum(count for _name, count in counts),
            "missing_translations": missing_translation_counts(self, request),
            **self.sign_ins(request),
        }
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

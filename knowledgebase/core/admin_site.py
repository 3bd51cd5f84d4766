"""The editors' admin site: Django's, plus a review queue that reviewers work from."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from knowledgebase.core.models import PublicationStatus, Publishable
from knowledgebase.core.services import can_publish

REVIEW_QUEUE_LIMIT = 200


class KnowledgeBaseAdminSite(admin.AdminSite):
    site_header = _("Knowledge base: editors and reviewers")
    site_title = _("Knowledge base admin")
    index_title = _("Editorial work")
    index_template = "admin/kb_index.html"

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
        extra = {"review_counts": counts, "review_total": sum(count for _name, count in counts)}
        return super().index(request, {**extra, **(extra_context or {})})

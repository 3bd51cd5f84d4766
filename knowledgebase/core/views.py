"""Helpers shared by public views: who may see what, pagination that keeps filters, the 400 page."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.functional import cached_property

from knowledgebase.core.models import PUBLIC_STATUSES


def bad_request(request, exception=None):
    """handler400: JSON under /api/, elsewhere a page that reads nothing from the request (it may carry
    a Host header the site refuses, and reading that again would turn the 400 into a 500)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return HttpResponse(render_to_string("400.html"), status=400)


def visible_to(request, queryset):
    """Published and retracted records for the public (a retracted page keeps answering, with its
    notice); editors with view rights also preview drafts (with a banner)."""
    user = request.user
    opts = queryset.model._meta
    if user.is_authenticated and user.is_staff and user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        return queryset
    return queryset.filter(status__in=PUBLIC_STATUSES)


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` + 1 rows: an exact count of a million rows costs more than the page.

    Beyond the cap the page says "more than 10,000" and offers the pages up to it; a reader narrows
    the filters (or downloads the rows) to go further.
    """

    @cached_property
    def count(self):
        rows = self.object_list
        if hasattr(rows, "order_by"):
            rows = rows.order_by()  # a count needs no sort (nor a search rank): it can stop at the cap
        return rows[: settings.COUNT_CAP + 1].count()

    @property
    def is_capped(self):
        return self.count > settings.COUNT_CAP


def paginate(request, queryset, per_page=None):
    """A page of ``queryset``; a bad or out-of-range ``page`` falls back calmly to the first or last page."""
    paginator = CappedPaginator(queryset, per_page or settings.EVENTS_PER_PAGE)
    return paginator.get_page(request.GET.get("page"))

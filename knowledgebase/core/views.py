"""Helpers shared by public views: who may see what, and pagination that keeps filters."""

from django.conf import settings
from django.core.paginator import Paginator

from knowledgebase.core.models import PUBLIC_STATUSES


def visible_to(request, queryset):
    """Published and retracted records for the public (a retracted page keeps answering, with its
    notice); editors with view rights also preview drafts (with a banner)."""
    user = request.user
    opts = queryset.model._meta
    if user.is_authenticated and user.is_staff and user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        return queryset
    return queryset.filter(status__in=PUBLIC_STATUSES)


def paginate(request, queryset, per_page=None):
    """A page of ``queryset``; a bad or out-of-range ``page`` falls back calmly to the first or last page."""
    paginator = Paginator(queryset, per_page or settings.EVENTS_PER_PAGE)
    return paginator.get_page(request.GET.get("page"))

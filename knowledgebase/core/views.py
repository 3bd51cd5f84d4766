"""Helpers shared by public views: who may see what, pagination that keeps filters, the 400 page."""

import math

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Subquery
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


def paginate(request, queryset, per_page=None, *, count=None):
    """A page of ``queryset``; a bad or out-of-range ``page`` falls back calmly to the first or last page.
    ``count``: how many rows ``queryset`` holds, when the caller has counted them already (no second count)."""
    paginator = CappedPaginator(queryset, per_page or settings.EVENTS_PER_PAGE)
    if count is not None:
        paginator.count = min(count, settings.COUNT_CAP + 1)
    return paginator.get_page(request.GET.get("page"))


class BrowsedPage(Page):
    """A page that knows whether another follows without knowing how many pages there are."""

    def __init__(self, object_list, number, paginator, *, has_next):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next


class SelectionPaginator(Paginator):
    """The pages of a list whose selection was counted already, exactly up to ``cap`` (``count`` is at most
    ``cap`` + 1), with the keys of its first rows in the list's order (``keys``, or None). Rows named by key are
    read from ``by_key`` (the list's rows in its order without its filters, which the keys already met), or from
    ``object_list``.

    A page within those keys is read by key (25 rows by primary key, however costly the filters); a page
    beyond them is read with its offset over the keys alone (``id IN (SELECT id … OFFSET n LIMIT 26)``, which
    an index-only scan can serve) rather than over whole rows. Beyond the cap the number of pages is not
    known: a reader browses page after page up to the COUNT_CAP-th row, and each page says whether another
    follows (it reads one row more than it shows). A page past the end falls back to the last one, as
    Django's ``get_page`` does.
    """

    def __init__(self, object_list, per_page, *, count, cap, keys=None, by_key=None):
        super().__init__(object_list, per_page)
        self.cap = cap
        self.keys = keys
        self.by_key = object_list if by_key is None else by_key
        self._count = count

    @property
    def count(self):
        return self._count

    @property
    def is_capped(self):
        return self._count > self.cap

    @property
    def shows_total(self):
        """False beyond the cap, where the number of pages is not known ("Page 3", not "Page 3 of 400")."""
        return not self.is_capped

    @property
    def num_pages(self):
        """The last page: exact below the cap; beyond it, the deepest page a reader may browse to."""
        rows = max(settings.COUNT_CAP, self._count) if self.is_capped else self._count
        return max(1, math.ceil(rows / self.per_page))

    def get_page(self, number):
        try:
            number = self.validate_number(number)
        except PageNotAnInteger:
            number = 1
        except EmptyPage:
            number = self.num_pages
        page = self.page(number)
        if number > 1 and not page.object_list:  # past the end of a list longer than its cap
            number = max(1, math.ceil(self.object_list[: settings.COUNT_CAP].count() / self.per_page))
            page = self.page(min(number, self.num_pages))
        return page

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if self.keys is not None and (top <= len(self.keys) or not self.is_capped):
            rows = list(self.by_key.filter(pk__in=self.keys[bottom:top])) if bottom < len(self.keys) else []
            more = top < len(self.keys) or (self.is_capped and top == len(self.keys))
        elif not self.is_capped:
            rows = list(self.object_list[bottom:top])
            more = top < self._count
        else:
            window = self.object_list.values("pk")[bottom : top + 1]
            rows = list(self.object_list.filter(pk__in=Subquery(window)))
            more = len(rows) > self.per_page
            rows = rows[: self.per_page]
        return BrowsedPage(rows, number, self, has_next=more and number < self.num_pages)


def paginate_selection(request, queryset, *, count, cap, keys=None, by_key=None, per_page=None):
    """A page of ``queryset``, whose selection was counted (``count``, up to ``cap`` + 1) and, optionally, whose
    first rows' keys are known in its order (see ``SelectionPaginator``)."""
    paginator = SelectionPaginator(
        queryset, per_page or settings.EVENTS_PER_PAGE, count=count, cap=cap, keys=keys, by_key=by_key
    )
    return paginator.get_page(request.GET.get("page"))

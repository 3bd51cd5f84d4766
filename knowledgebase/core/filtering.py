"""One way to bind a list's FilterSet to a request, for its page, its downloads, its feed and the API.

A list's FilterSet (``<app>/filters.py``) says which rows its GET parameters select and, in its
``ordering()``, the order of the list's page. ``bind_filters`` reads the request into it, checks the
parameters and gives the selected rows in that order, so that a page, its downloads and the API list
the same rows in the same order. A parameter that cannot be read selects nothing; what the reader gets
then depends only on the medium:

* an HTML page shows its form with the errors, with status 400 (the view renders ``bound.form``);
* a download, a feed and the API answer 400 with one JSON body, each parameter that could not be read
  with its reasons in the reader's language: ``{"date": ["Enter a valid date."]}``
  (``BoundFilters.error_response``; the API's schema documents it, see ``core.api``).
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import JsonResponse
from django_filters import FilterSet


@dataclass(frozen=True)
class BoundFilters:
    """A list's FilterSet bound to one request, and what it selects."""

    filterset: FilterSet
    is_valid: bool
    rows: QuerySet  # the selected rows in the page's order; none when a parameter could not be read
    cleaned: dict  # the parameters as read (empty without parameters, or when one could not be read)

    @property
    def form(self):
        return self.filterset.form

    def errors(self):
        """{parameter: [reasons…]}: the 400 body of downloads, feeds and the API, translated now."""
        return {
            name: [str(error["message"]) for error in errors]
            for name, errors in self.filterset.form.errors.get_json_data().items()
        }

    def error_response(self):
        return JsonResponse(self.errors(), status=400)


def bind_filters(request, filterset_class, queryset):
    """``filterset_class`` bound to the GET parameters of ``request`` over ``queryset``: its rows (in
    the FilterSet's ``ordering()`` when it has one, else in the queryset's), or none if invalid."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    is_valid = not filterset.is_bound or filterset.is_valid()
    rows = filterset.qs if is_valid else queryset.none()
    ordering = getattr(filterset, "ordering", None)
    if ordering is not None:
        rows = rows.order_by(*ordering())
    cleaned = filterset.form.cleaned_data if filterset.is_bound and is_valid else {}
    return BoundFilters(filterset, is_valid, rows, cleaned)

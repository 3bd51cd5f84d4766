"""One way to bind a list's FilterSet to a request, for its page, its downloads, its feed and the API.

A list's FilterSet (``<app>/filters.py``) says which rows its GET parameters select and, in its
``ordering()``, the order of the list's page. ``bind_filters`` reads the request into it, checks the
parameters and gives the selected rows in that order, so that a page, its downloads and the API list
the same rows in the same order. A parameter that cannot be read selects nothing; what the reader gets
then depends only on the medium:

* an HTML page shows its form with the errors, with status 400 (the view renders ``bound.form``);
* a download, a feed and the API answer 400 with one JSON body, each parameter that could not be read
  with its reasons in the reader's language: ``{"date": ["Enter a valid date."]}``
  (``BoundFilters.error_response``; the API's schema documents it, see ``opendata.api``).
"""

from dataclasses import dataclass

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, QuerySet
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django_filters import FilterSet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from knowledgebase.presentation.formatting import day_date


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


# --- Filters that lists share ---------------------------------------------------------------------


class RowsChoiceField(django_filters.fields.ModelMultipleChoiceField):
    """Chosen rows of a table by key; none chosen cleans to an empty list, not to an empty queryset (which
    Django compiles to SQL merely to find it empty, on every filter of every request)."""

    def clean(self, value):
        if not self.required and not value:
            return []
        return super().clean(value)


class KeptChoicesField(RowsChoiceField):
    """The values of a small table (event types, countries, themes…) chosen by key, checked against its rows
    kept per content version (``memoised``: one query per version, not one per request). The chosen rows come
    back in the table's order, as a query would give them."""

    def _rows(self):
        from knowledgebase.serving.content_version import memoised

        key = self.to_field_name or "pk"
        return memoised(
            f"kept-choices:{self.queryset.model._meta.label}:{key}",
            lambda: {str(getattr(row, key)): (position, row) for position, row in enumerate(self.queryset)},
        )

    def _check_values(self, value):
        try:
            value = frozenset(value)
        except TypeError:
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list") from None
        rows = self._rows()
        found = []
        for item in value:
            self.validate_no_null_characters(item)
            row = rows.get(str(item))
            if row is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
            found.append(row)
        return [row for _position, row in sorted(found, key=lambda pair: pair[0])]


@extend_schema_field(OpenApiTypes.STR)
class ToOneKeyFilter(django_filters.ModelMultipleChoiceFilter):
    """A repeatable key (a slug, a code) matched through a to-one relation (``?type=a&type=b`` means either).

    A to-one path cannot repeat a row, so no DISTINCT (which would compare every column of every row).
    ``field_name`` is the relation (``event_type``): the rows are matched on its key column
    (``event_type_id IN (…)``), never by joining the related table to compare slugs, so that an index
    that holds the key column (with the countries, say) serves the filter.
    """

    field_class = KeptChoicesField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": sorted({obj.pk for obj in value})})


@extend_schema_field(OpenApiTypes.STR)
class ExistsFilter(django_filters.ModelMultipleChoiceFilter):
    """A repeatable key of a to-many relation (``?actor=a&actor=b`` means either), matched with EXISTS, never a
    join: ``exists(pks)`` gives the subquery. The key is the slug unless ``to_field_name`` names another
    (a country's code). ``kept_choices`` for a small table (themes, provisions), whose rows are then kept per
    content version instead of read to check each request (``KeptChoicesField``)."""

    field_class = RowsChoiceField

    def __init__(self, *args, exists, kept_choices=False, **kwargs):
        self.exists = exists
        if kept_choices:
            self.field_class = KeptChoicesField
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("distinct", False)
        super().__init__(*args, method=self.filter_exists, **kwargs)

    def filter_exists(self, queryset, name, values):
        if not values:
            return queryset
        return queryset.filter(Exists(self.exists([value.pk for value in values])))


@extend_schema_field(OpenApiTypes.STR)
class CodesFilter(django_filters.ModelMultipleChoiceFilter):
    """A repeatable key of a to-many relation whose keys each row keeps in a ``CodeListField`` (an event's
    country codes, its themes' keys): ``?country=UA&country=PL`` means either, matched on the row itself
    (``__overlaps``, which a GIN index serves on PostgreSQL, or an index that includes the list), never
    through the relation's table."""

    field_class = KeptChoicesField

    def __init__(self, *args, codes_field, code_attribute=None, **kwargs):
        self.codes_field = codes_field
        # What the list holds of each value: its key in the address (a country's code) unless named (a pk).
        self.code_attribute = code_attribute
        kwargs.setdefault("distinct", False)
        super().__init__(*args, method=self.filter_codes, **kwargs)

    def filter_codes(self, queryset, name, values):
        if not values:
            return queryset
        key = self.code_attribute or self.extra.get("to_field_name") or "pk"
        return queryset.filter(**{f"{self.codes_field}__overlaps": [getattr(value, key) for value in values]})


# --- The filters a list is read with, for its reader -------------------------------------------------


@dataclass(frozen=True)
class ActiveFilter:
    """One value a list is filtered by, and the address of the list without it (the others kept)."""

    name: str  # what it filters: "Country"
    value: str  # the value, for a reader: "Ukraine"
    remove_url: str


def active_filters(request, bound):
    """Each value the list is filtered by, in the order of the FilterSet's ``display_order`` (else the
    form's), with the address that drops it alone. No queries: the values were read, and the choices
    listed, when the parameters were checked."""
    if not bound.is_valid:
        return []
    order = getattr(bound.filterset, "display_order", None) or list(bound.cleaned)
    found = []
    for name in order:
        value = bound.cleaned.get(name)
        if value in (None, "", [], ()) or (isinstance(value, str) and not value.strip()):
            continue
        field = bound.form.fields[name]
        if isinstance(value, slice):
            for suffix, bound_value, text in (
                ("after", value.start, _("from %s")),
                ("before", value.stop, _("until %s")),
            ):
                if bound_value is not None:
                    found.append(
                        ActiveFilter(field.label, text % day_date(bound_value), _without(request, f"{name}_{suffix}"))
                    )
        elif hasattr(field, "queryset"):
            key = field.to_field_name or "pk"
            found += [
                ActiveFilter(
                    field.label, str(field.label_from_instance(obj)), _without(request, name, str(getattr(obj, key)))
                )
                for obj in value
            ]
        elif isinstance(value, list | tuple):  # repeatable plain choices, in the choices' order
            chosen = {str(v) for v in value}
            found += [
                ActiveFilter(field.label, str(label), _without(request, name, str(key)))
                for key, label in field.choices
                if str(key) in chosen
            ]
        elif isinstance(value, bool):
            choices = dict(field.widget.choices)
            found.append(ActiveFilter(field.label, str(choices["true" if value else "false"]), _without(request, name)))
        else:
            found.append(ActiveFilter(field.label, str(value), _without(request, name)))
    return found


def _without(request, name, value=None):
    """The address of the list without ``name`` (or only its ``value``), from its first page."""
    params = request.GET.copy()
    params.pop("page", None)
    kept = [v for v in params.getlist(name) if value is not None and v != value]
    if kept:
        params.setlist(name, kept)
    else:
        params.pop(name, None)
    return f"{request.path}?{params.urlencode()}" if params else request.path

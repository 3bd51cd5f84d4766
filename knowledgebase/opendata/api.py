"""Shared API pieces."""

import re

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from knowledgebase.core.filtering import bind_filters
from knowledgebase.opendata.language import PARAMETER as LANGUAGE_PARAMETER
from knowledgebase.presentation.maps import kept_for_selection
from knowledgebase.serving.content_version import memoised


class FilterBackend(DjangoFilterBackend):
    """The viewset's FilterSet, bound as every list binds it (``core.filtering``): the rows in the order
    of the matching page, and a parameter that cannot be read answered 400 with the downloads' body,
    ERROR_SCHEMA. django-filter's own backend binds it apart, so its order and errors could differ."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        bound = bind_filters(request, filterset_class, queryset)
        if not bound.is_valid:
            raise ValidationError(bound.errors())
        return bound.rows


# A key that ``reverse`` writes as it is (a slug, a public identifier), and a stand-in for it.
_PLAIN_KEY = re.compile(r"[-a-zA-Z0-9_]+")
_STAND_IN = "0linkkey0"


class TemplatedLinks:
    """A hyperlink field (DRF's related or identity field) whose links are one address with each row's key put
    in: the address is reversed once per request (with its ``format``), not once per row."""

    def get_url(self, obj, view_name, request, format):
        if hasattr(obj, "pk") and obj.pk in (None, ""):
            return None
        key = getattr(obj, self.lookup_field)
        if request is None or not isinstance(key, str) or not _PLAIN_KEY.fullmatch(key):
            return super().get_url(obj, view_name, request, format)
        kept = request.__dict__.setdefault("_link_templates", {})
        name = (view_name, self.lookup_url_kwarg, format, get_language())
        if name not in kept:
            url = self.reverse(view_name, kwargs={self.lookup_url_kwarg: _STAND_IN}, request=request, format=format)
            kept[name] = url.split(_STAND_IN) if url.count(_STAND_IN) == 1 else None
        if kept[name] is None:
            return super().get_url(obj, view_name, request, format)
        before, after = kept[name]
        return before + key + after


class LinkField(TemplatedLinks, serializers.HyperlinkedRelatedField):
    pass


class IdentityLinkField(TemplatedLinks, serializers.HyperlinkedIdentityField):
    pass


class KeyedPaginator(Paginator):
    """Django's paginator, with two savings that change no page.

    ``count``: when given (a callable), how many rows there are, instead of counting them here (a whole list's
    count kept per content version: ``Pagination``). A page after the first is read by key: the keys of its
    rows first, with the list's order and offset (``id IN (SELECT id … ORDER BY … OFFSET n LIMIT 50)``, which
    an index of the order can serve without reading the rows it skips), then those rows alone, in the same
    order; never whole rows (and their joins) read only to be skipped."""

    def __init__(self, object_list, per_page, *, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        if self._known_count is not None:
            return self._known_count()
        return super().count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if bottom and hasattr(rows, "values") and not rows.query.distinct:  # (DISTINCT selects its order too)
            rows = rows.filter(pk__in=rows.values("pk")[bottom:top])
        else:
            rows = rows[bottom:top]
        return self._get_page(rows, number, self)


# Parameters that choose a page or its form, not rows: a request with no others lists every row of its view.
NOT_FILTERS = frozenset({"page", "page_size", "format", LANGUAGE_PARAMETER})


class Pagination(PageNumberPagination):
    """Numbered pages over a stable ordering (every list ends its ordering with the id), each with the exact
    ``count`` of the list. The count of a whole list (no filter) is kept per content version (``memoised``):
    counting a million published rows on every request is what made an unfiltered list slow."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        self.known_count = None
        if view is not None and hasattr(queryset, "count"):
            name = f"api-count:{type(view).__module__}.{type(view).__qualname__}"
            if set(request.query_params) <= NOT_FILTERS:
                self.known_count = lambda: memoised(name, queryset.count)
            else:  # the other pages of one selection share its count (while the page cache keeps pages)
                self.known_count = lambda: kept_for_selection(request, name, queryset.count, ignore=NOT_FILTERS)
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, queryset, page_size):
        return KeyedPaginator(queryset, page_size, count=self.known_count)


ERROR_SCHEMA = {
    "type": "object",
    "description": "Each parameter that could not be read, with the reasons (the same body as the downloads').",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"date": ["Enter a valid date."]},
}
DETAIL_SCHEMA = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}


def document_language(result, generator, request, public):
    """drf-spectacular post-processing hook: every GET operation takes ``lang`` and ``Accept-Language``
    (see ``opendata.language``); an unknown ``lang`` answers 400 (documented by the next hook)."""
    codes = [code for code, _name in settings.LANGUAGES]
    parameters = [
        {
            "name": LANGUAGE_PARAMETER,
            "in": "query",
            "required": False,
            "schema": {"type": "string", "enum": codes},
            "description": (
                "Language of labels and translated text (titles, summaries, names), with the English text "
                "where a translation is missing. Identifiers, figures, dates and field names never change. "
                "Without it, Accept-Language chooses; otherwise English. Any other value answers 400."
            ),
        },
        {
            "name": "Accept-Language",
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
            "description": f"Used when there is no {LANGUAGE_PARAMETER} parameter: the first of {', '.join(codes)}.",
        },
    ]
    for path_item in result.get("paths", {}).values():
        operation = path_item.get("get")
        if operation:
            operation.setdefault("parameters", []).extend(parameters)
    return result


def document_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: say what every GET operation answers when it cannot.

    Lists with filters answer 400 with the filters' errors (a value that names nothing, a bad date), and
    every operation with an unknown ``lang``;
    a page number past the end, or an unknown identifier, answers 404.
    """
    for path_item in result.get("paths", {}).values():
        operation = path_item.get("get")
        if not operation:
            continue
        responses = operation.setdefault("responses", {})
        responses.setdefault(
            "404", {"description": "Not found.", "content": {"application/json": {"schema": DETAIL_SCHEMA}}}
        )
        filters = [
            p
            for p in operation.get("parameters", [])
            if p.get("in") == "query" and p["name"] not in {"page", "page_size", "format"}
        ]
        if filters:
            responses.setdefault(
                "400",
                {
                    "description": "A filter or the language could not be read.",
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                },
            )
    return result

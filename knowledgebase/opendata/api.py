"""Shared API pieces."""

from django.conf import settings
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from knowledgebase.core.filtering import bind_filters
from knowledgebase.opendata.language import PARAMETER as LANGUAGE_PARAMETER


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


class Pagination(PageNumberPagination):
    """Numbered pages over a stable ordering (every list ends its ordering with the id)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


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

"""Text search shared by every searchable model.

A searchable model keeps a ``search_document``: its title, summary and the
names (aliases included) of what it is linked to, case-folded. Its long text
(``body``) is searched too, with less weight.

* PostgreSQL: full-text search (``websearch`` syntax, which never raises on
  user input) over the weighted vector of both fields, ranked with ts_rank. A
  GIN index on exactly that expression, created by a PostgreSQL-only
  migration, keeps it fast.
* SQLite: every word of the query must occur in either field; a word in the
  title counts 3, in the document 2, in the body 1.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, FloatField, Q, Value, When

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SEARCH_CONFIG = "english"
_WORD = re.compile(r"\w+", re.UNICODE)


def clean_query(query):
    """Trim, collapse whitespace and cap the length, so that any input is safe to search."""
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def query_terms(query):
    return _WORD.findall(clean_query(query).casefold())[:MAX_TERMS]


def document_text(*parts):
    """The case-folded text stored in a ``search_document`` field."""
    return " ".join(" ".join(str(part).split()) for part in parts if part).casefold()


def is_postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


def search_vector(document_field="search_document", body_field="body"):
    """The exact expression the PostgreSQL GIN indexes are built on."""
    return SearchVector(document_field, weight="A", config=SEARCH_CONFIG) + SearchVector(
        body_field, weight="C", config=SEARCH_CONFIG
    )


def search_queryset(queryset, query, *, document_field="search_document", body_field="body", title_field="title"):
    """Rows matching ``query``, annotated with ``search_rank`` (higher is better)."""
    terms = query_terms(query)
    if not terms:
        return queryset.none()
    if is_postgresql(queryset):
        search_query = SearchQuery(clean_query(query), search_type="websearch", config=SEARCH_CONFIG)
        vector = search_vector(document_field, body_field)
        return (
            queryset.annotate(search_vector=vector)
            .filter(search_vector=search_query)
            .annotate(search_rank=SearchRank(vector, search_query))
        )
    matches = Q()
    rank = Value(0.0, output_field=FloatField())
    for term in terms:
        matches &= Q(**{f"{document_field}__contains": term}) | Q(**{f"{body_field}__icontains": term})
        rank = rank + Case(
            When(**{f"{title_field}__icontains": term}, then=Value(3.0)),
            When(**{f"{document_field}__contains": term}, then=Value(2.0)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    return queryset.filter(matches).annotate(search_rank=rank)

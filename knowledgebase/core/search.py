"""Text search shared by every searchable model.

A searchable model keeps a ``search_document``: its title, summary and the
names (aliases included) of what it is linked to, case-folded. Its long text
(``body``) is searched too, with less weight.

* PostgreSQL: full-text search (``websearch`` syntax, which never raises on
  user input) over the weighted vector of both fields, stored in a
  ``search_vector`` column with a GIN index (PostgreSQL-only migration), and
  ranked with ts_rank on the stored vector.
* SQLite: every word of the query must occur in either field; a word in the
  title counts 3, in the document 2, in the body 1.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, F, FloatField, Q, TextField, Value, When
from django.db.models.functions import Coalesce, Concat
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SEARCH_CONFIG = "english"
_WORD = re.compile(r"\w+", re.UNICODE)


def clean_query(query):
    """Safe to search whatever the input: no NUL, whitespace collapsed, at most MAX_TERMS words and
    MAX_QUERY_LENGTH characters, cut between words (a cut word would have to match too)."""
    words = (query or "").replace("\x00", " ").split()[:MAX_TERMS]
    text = " ".join(words)
    if len(text) <= MAX_QUERY_LENGTH:
        return text
    cut = text[:MAX_QUERY_LENGTH]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def query_terms(query):
    return _WORD.findall(clean_query(query).casefold())[:MAX_TERMS]


def document_text(*parts):
    """The case-folded text stored in a ``search_document`` field."""
    return " ".join(" ".join(str(part).split()) for part in parts if part).casefold()


def is_postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


def search_vector(document_field="search_document", body_field="body"):
    """The weighted vector of a row's text; stored in ``search_vector`` on PostgreSQL."""
    return SearchVector(document_field, weight="A", config=SEARCH_CONFIG) + SearchVector(
        body_field, weight="C", config=SEARCH_CONFIG
    )


def refresh_search_vectors(queryset):
    """On PostgreSQL, store each row's weighted vector (ranking then reads it instead of parsing text)."""
    if is_postgresql(queryset):
        queryset.update(search_vector=search_vector())


def search_queryset(queryset, query, *, document_field="search_document", body_field="body", title_field="title"):
    """Rows matching ``query``, annotated with ``search_rank`` (higher is better)."""
    terms = query_terms(query)
    if not terms:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField())).none()
    if is_postgresql(queryset):
        search_query = SearchQuery(clean_query(query), search_type="websearch", config=SEARCH_CONFIG)
        return queryset.filter(search_vector=search_query).annotate(
            search_rank=SearchRank(F("search_vector"), search_query)
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


# ts_headline returns the document's raw text with markers around matches; the
# text is not escaped, so it marks with control characters, escapes everything,
# then turns the markers into <mark> elements.
MARK_START, MARK_END = "\x02", "\x03"


def with_headline(queryset, query, *fields):
    """On PostgreSQL, annotate ``headline``: fragments of ``fields`` around the matches (page rows only)."""
    if not is_postgresql(queryset) or not query_terms(query):
        return queryset
    parts = [part for field in fields for part in (Coalesce(field, Value(""), output_field=TextField()), Value(" … "))][
        :-1
    ]
    text = Concat(*parts, output_field=TextField())
    return queryset.annotate(
        headline=SearchHeadline(
            text,
            SearchQuery(clean_query(query), search_type="websearch", config=SEARCH_CONFIG),
            config=SEARCH_CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_fragments=2,
            max_words=30,
            min_words=12,
            fragment_delimiter=" … ",
        )
    )


PASSAGE_LENGTH = 300


def passage(text, query, length=PASSAGE_LENGTH):
    """The part of ``text`` around the first word that starts with a word of ``query`` (as ``highlight``
    marks them), about ``length`` characters cut between words, with "…" where it is cut; the start of
    the text when no word matches. Plain text: escape it (``highlight`` does) before showing it."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    terms = [re.escape(term) for term in query_terms(query)]
    match = re.search(r"\b(" + "|".join(terms) + r")", text, re.IGNORECASE | re.UNICODE) if terms else None
    start = max(0, match.start() - length // 3) if match else 0
    end = min(len(text), start + length)
    start = max(0, min(start, end - length))
    if start > 0:
        cut = text.find(" ", start, match.start() if match else end)
        start = cut + 1 if cut != -1 else start
    if end < len(text):
        cut = text.rfind(" ", max(start, match.end() if match else start), end)
        end = cut if cut != -1 else end
    return f"{'… ' if start > 0 else ''}{text[start:end]}{' …' if end < len(text) else ''}"


def highlight(text, query):
    """Escaped ``text`` with the query's words (or PostgreSQL's markers) wrapped in <mark>."""
    text = text or ""
    if MARK_START in text:
        return mark_safe(  # noqa: S308 - the text is escaped before the markers become tags
            escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
        )
    terms = [re.escape(term) for term in query_terms(query)]
    if not terms:
        return escape(text)
    pattern = re.compile(r"\b(" + "|".join(terms) + r")\w*", re.IGNORECASE | re.UNICODE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(format_html("<mark>{}</mark>", match.group(0)))
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every part is escaped

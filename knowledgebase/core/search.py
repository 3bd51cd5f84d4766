"""Text search shared by every searchable model, in every language and script of the site.

A searchable model keeps two stored, case-folded columns, which its app's services rebuild whenever
what they are made of changes (``core.derived``):

* ``search_document``: its title and summary (or standfirst) in every language, and the names, in every
  language, aliases and scripts included, of what it is linked to ("Dmytro Lubinets" and "Дмитро Лубінець");
* ``search_body``: its long text (``body``) in every language.

Why folded copies stored with the row, rather than ``icontains`` or a function registered with SQLite:
SQLite's ``LIKE`` folds ASCII only, so ``icontains`` never matches "Лубінець" for "лубінець". Folding in
Python (``str.casefold``) when the row is written, and folding the query's words the same way, makes
matching a plain ``contains`` that behaves alike on every database and in every tool that reads the
table, with no extra query and no Python function run over every body of the table on each search (which
a registered SQLite function would do). The cost is one copy of the bodies' text.

* PostgreSQL: full-text search in the ``websearch`` syntax (which never raises on user input) over the
  stored ``search_vector`` column, which a GIN index serves because the query reads the column itself.
  The vector holds the document under two configurations at weight A: ``english``, which stems English
  ("exchanges" finds "exchange"), and ``kb_simple``, ``simple`` with ``unaccent`` where the extension is
  available (see the events migration that creates it), for Ukrainian and any language PostgreSQL has
  no stemmer for; and each language's body under that language's configuration at weight C. A query
  matches under either configuration; results are ranked with ts_rank on the stored vector, and a
  result's passage is cut by ts_headline around the words of either.
* SQLite: every word of the query, case-folded, must occur in either column; a word in a title counts 3,
  in the document 2, in the body 1.
"""

import functools
import operator
import re

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import Case, F, FloatField, Func, Q, TextField, Value, When
from django.db.models.functions import NullIf
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from modeltranslation.fields import TranslationField
from modeltranslation.utils import build_localized_fieldname

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
#: The configuration of English text: stemmed, English stop words left out.
SEARCH_CONFIG = "english"
#: The configuration of text in every other language: words as written, lower-cased (and unaccented where
#: PostgreSQL has ``unaccent``). PostgreSQL ships no Ukrainian stemmer.
SIMPLE_CONFIG = "kb_simple"
#: The languages PostgreSQL can stem, with their configuration; the others are read with SIMPLE_CONFIG.
LANGUAGE_CONFIGS = {"en": SEARCH_CONFIG}
_WORD = re.compile(r"\w+", re.UNICODE)


def config_for(language):
    """The text-search configuration of text written in ``language``."""
    return LANGUAGE_CONFIGS.get(language, SIMPLE_CONFIG)


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
    """The query's words, case-folded as the stored search columns are."""
    return _WORD.findall(clean_query(query).casefold())[:MAX_TERMS]


def document_text(*parts):
    """The case-folded text stored in a search column (``search_document``, ``search_body``,
    ``search_names``): the non-empty parts, whitespace collapsed, joined by spaces."""
    return " ".join(" ".join(str(part).split()) for part in parts if part).casefold()


def language_columns(model, field):
    """[(language code, column)] holding ``field``'s text: one column per language of the site when the field
    is entered per language (django-modeltranslation), else the field itself, in the default language."""
    columns = []
    for code, _name in settings.LANGUAGES:
        column = build_localized_fieldname(field, code)
        try:
            if isinstance(model._meta.get_field(column), TranslationField):
                columns.append((code, column))
        except FieldDoesNotExist:
            continue
    return columns or [(settings.LANGUAGE_CODE, field)]


def every_language(obj, field):
    """``obj``'s ``field`` in every language it is written in, each text once, without fallbacks."""
    values = []
    for _code, column in language_columns(type(obj), field):
        value = getattr(obj, column, None)
        if value and value not in values:
            values.append(value)
    return values


def reading_columns(model, *fields):
    """The columns of ``fields`` in the order a result's passage is looked for in: each field in the
    reader's language, then in each other language of the site."""
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    columns = {field: dict(language_columns(model, field)) for field in fields}
    order = [current, *(code for code, _name in settings.LANGUAGES if code != current)]
    return list(
        dict.fromkeys(by_language[code] for code in order for by_language in columns.values() if code in by_language)
    )


def is_postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


def search_vector(model):
    """The weighted vector of a ``model`` row's text, stored in its ``search_vector`` on PostgreSQL: the
    document under both configurations (A), each language's body under its own (C)."""
    parts = [
        SearchVector("search_document", weight="A", config=SEARCH_CONFIG),
        SearchVector("search_document", weight="A", config=SIMPLE_CONFIG),
        *(
            SearchVector(column, weight="C", config=config_for(code))
            for code, column in language_columns(model, "body")
        ),
    ]
    return functools.reduce(operator.add, parts)


def search_query(query):
    """The query under both configurations: a row matches if it matches under either."""
    text = clean_query(query)
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG) | SearchQuery(
        text, search_type="websearch", config=SIMPLE_CONFIG
    )


def refresh_search_vectors(queryset):
    """On PostgreSQL, store each row's weighted vector (ranking then reads it instead of parsing text)."""
    if is_postgresql(queryset):
        queryset.update(search_vector=search_vector(queryset.model))


def _spellings(term):
    """How a case-folded word may be written in a title: SQLite compares non-ASCII letters case-sensitively."""
    return list(dict.fromkeys([term, term.capitalize(), term.upper()]))


def search_queryset(queryset, query, *, title_field="title"):
    """Rows matching ``query``, annotated with ``search_rank`` (higher is better)."""
    terms = query_terms(query)
    if not terms:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField())).none()
    if is_postgresql(queryset):
        found = search_query(query)
        return queryset.filter(search_vector=found).annotate(search_rank=SearchRank(F("search_vector"), found))
    titles = [column for _code, column in language_columns(queryset.model, title_field)]
    matches = Q()
    rank = Value(0.0, output_field=FloatField())
    for term in terms:
        matches &= Q(search_document__contains=term) | Q(search_body__contains=term)
        # Ranking only: a title written in the usual cases of the word ("Лубінець", "ЛУБІНЕЦЬ") counts as one.
        in_title = functools.reduce(
            operator.or_, (Q(**{f"{column}__contains": spelling}) for column in titles for spelling in _spellings(term))
        )
        rank = rank + Case(
            When(in_title, then=Value(3.0)),
            When(search_document__contains=term, then=Value(2.0)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    return queryset.filter(matches).annotate(search_rank=rank)


# ts_headline returns the document's raw text with markers around matches; the
# text is not escaped, so it marks with control characters, escapes everything,
# then turns the markers into <mark> elements.
MARK_START, MARK_END = "\x02", "\x03"
PASSAGE_SEPARATOR = " … "


def with_headline(queryset, query, *fields):
    """On PostgreSQL, annotate ``headline``: fragments of ``fields`` around the matches, read in the reader's
    language first, then in the others (``reading_columns``), for the rows of the page only."""
    if not is_postgresql(queryset) or not query_terms(query):
        return queryset
    columns = reading_columns(queryset.model, *fields)
    text = Func(
        Value(PASSAGE_SEPARATOR),
        *(NullIf(F(column), Value("")) for column in columns),
        function="CONCAT_WS",
        output_field=TextField(),
    )
    return queryset.annotate(
        headline=SearchHeadline(
            text,
            search_query(query),
            config=SEARCH_CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_fragments=2,
            max_words=30,
            min_words=12,
            fragment_delimiter=PASSAGE_SEPARATOR,
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

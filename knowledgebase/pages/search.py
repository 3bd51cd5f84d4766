"""One ranked search over events, briefs, actors (aliases included) and organisations.

Scores put the kinds on one scale: a name or alias equal to the query ranks
first, then names that start with or contain it, then events and briefs by
their text rank, then names found only by similarity (a misspelling or a
different transliteration).

An event or a brief shows the passage that matched, its words marked: PostgreSQL
cuts it with ts_headline, SQLite with ``core.search.passage``, both from the
summary (or standfirst) and the body, in the reader's language first, then in
the others. An event also shows its date at its precision and its headline
figure: the best estimate of its first measure.

Events are ranked among the newest RANKED_EVENTS that match, and the page says so when more match: a
common word matches tens of thousands of events at a million, and ranking them all cost more than the
whole page. The event list (``/events/?q=``) lists every match.
"""

import difflib
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Exists, Prefetch, Subquery
from django.utils.translation import gettext_lazy as _

from knowledgebase.actors.models import NAME_SEPARATOR, Actor, Organization, name_query
from knowledgebase.briefs.models import Brief
from knowledgebase.core.search import (
    clean_query,
    highlight,
    is_postgresql,
    passage,
    query_terms,
    reading_columns,
    with_headline,
)
from knowledgebase.events.models import Event, Figure
from knowledgebase.events.selectors import figures_by_measure

PER_KIND = 20
#: Events ranked by relevance: the newest that match, at most this many.
RANKED_EVENTS = 200
SIMILARITY_THRESHOLD = 0.5
FUZZY_CUTOFF = 0.75


@dataclass(frozen=True)
class Result:
    kind: str
    title: str
    url: str
    snippet: str
    score: float
    object: object
    date: object = None  # the date it shows, read at ``date_precision`` (with ``end_date`` for a span)
    end_date: object = None
    date_precision: str = "day"
    figure: object = None  # an event's headline figure: the MeasureClaims of its first measure


def name_score(query, names):
    """1.0 for an exact name or alias, 0.95 for whole words of one ("Medvedchuk"), 0.8 when
    one starts with the query, 0.6 when one contains it."""
    folded = query.casefold()
    names = [n.casefold() for n in names if n]
    if folded in names:
        return 1.0
    query_words = folded.split()
    if any(_contains_words(name.split(), query_words) for name in names):
        return 0.95
    if any(n.startswith(folded) for n in names):
        return 0.8
    return 0.6 if any(folded in n for n in names) else 0.0


def _contains_words(words, wanted):
    size = len(wanted)
    return any(words[i : i + size] == wanted for i in range(len(words) - size + 1))


def similar_actor_ids(query, exclude):
    """Actors one of whose names or aliases, in any language or script, is close to the query, for
    misspellings and transliterations (read from ``search_names``: one column, no join)."""
    candidates = Actor.objects.exclude(pk__in=exclude)
    query = name_query(query)
    if is_postgresql(candidates):
        return list(
            candidates.annotate(similarity=TrigramWordSimilarity(query, "search_names"))
            .filter(similarity__gte=SIMILARITY_THRESHOLD)
            .order_by("-similarity", "pk")
            .values_list("pk", flat=True)[:PER_KIND]
        )
    names = {}
    for pk, search_names in candidates.order_by("pk").values_list("pk", "search_names"):
        for name in search_names.split(NAME_SEPARATOR):
            names.setdefault(name, pk)
    words = {word: pk for name, pk in names.items() for word in [name, *name.split()]}
    close = difflib.get_close_matches(query, list(words), n=PER_KIND, cutoff=FUZZY_CUTOFF)
    return list(dict.fromkeys(words[word] for word in close))


def _actor_results(query):
    found = list(Actor.objects.search(query).prefetch_related("aliases")[:PER_KIND])
    similar = similar_actor_ids(query, exclude=[a.pk for a in found])
    fuzzy = list(Actor.objects.filter(pk__in=similar).prefetch_related("aliases"))
    results = []
    for actor, fuzzy_match in [(a, False) for a in found] + [(a, True) for a in fuzzy]:
        names = actor.search_names.split(NAME_SEPARATOR)
        score = 0.45 if fuzzy_match else max(name_score(query, names), 0.55)
        aka = ", ".join(alias.name for alias in actor.aliases.all())
        snippet = " · ".join(
            part
            for part in [actor.get_kind_display(), actor.position, aka and _("also %(names)s") % {"names": aka}]
            if part
        )
        results.append(
            Result(_("Actor"), actor.name, actor.get_absolute_url(), highlight(snippet, query), score, actor)
        )
    return results


def _organization_results(query):
    results = []
    for organization in Organization.objects.search(query)[:PER_KIND]:
        score = max(name_score(query, organization.search_names.split(NAME_SEPARATOR)), 0.55)
        results.append(
            Result(
                _("Organisation"),
                str(organization),
                organization.get_absolute_url(),
                organization.get_kind_display(),
                score,
                organization,
            )
        )
    return results


def _matched(row, query, *fields):
    """The passage of ``row`` that matched, its words marked: PostgreSQL's headline where it made one,
    else the passage of ``fields`` (summary, then body) around the first word that matches."""
    headline = getattr(row, "headline", None)
    if headline:
        return highlight(headline, query)
    columns = reading_columns(type(row), *fields)
    return highlight(passage("\n".join(getattr(row, column) or "" for column in columns), query), query)


def _score(row, top):
    return 0.5 + 0.4 * row.search_rank / (top or 1)


def _event_results(events, query):
    events = list(events)
    top = max((event.search_rank for event in events), default=0)
    results = []
    for event in events:
        measures = figures_by_measure(event.figures.all())
        results.append(
            Result(
                _("Event"),
                event.title,
                event.get_absolute_url(),
                _matched(event, query, "summary", "body"),
                _score(event, top),
                event,
                date=event.start_date,
                end_date=event.end_date,
                date_precision=event.date_precision,
                figure=measures[0] if measures else None,
            )
        )
    return results


def _brief_results(briefs, query):
    briefs = list(briefs)
    top = max((brief.search_rank for brief in briefs), default=0)
    return [
        Result(
            _("Brief"),
            brief.title,
            brief.get_absolute_url(),
            _matched(brief, query, "standfirst", "body"),
            _score(brief, top),
            brief,
            date=brief.published_date,
        )
        for brief in briefs
    ]


def _headline_figures():
    """What an event result shows of its figures: every live claim of each measure (the best estimate is
    worked out from them), with the measure and the claimant, in the event page's order."""
    return Prefetch(
        "figures",
        queryset=Figure.objects.select_related("measure", "claimant_actor", "claimant_organization").order_by(
            "measure__position", "measure__name", "id"
        ),
    )


@dataclass(frozen=True)
class Found:
    """What a search found: ``results`` of every kind, best first; ``events_ranked_among`` is RANKED_EVENTS when
    more events matched than that (only the newest of them were ranked), else None."""

    results: list
    events_ranked_among: int | None = None


def _events(query):
    """The events to rank: the newest RANKED_EVENTS that match (a common word matches tens of thousands of
    events at a million, and ranking them all costs more than the page), annotated ``beyond_ranked`` when more
    match (one query with the ranking: an unordered probe for one match past RANKED_EVENTS)."""
    found = Event.objects.published().search(query)
    newest = found.order_by("-start_date", "-id").values("pk")[:RANKED_EVENTS]
    return (
        found.filter(pk__in=Subquery(newest))
        .annotate(beyond_ranked=Exists(found.values("pk")[RANKED_EVENTS : RANKED_EVENTS + 1]))
        .select_related("event_type")
        .defer("search_document", "search_body", "search_vector")
        .prefetch_related(_headline_figures())
        .order_by("-search_rank", "-start_date", "-id")
    )


def site_search(query):
    """What a search finds, results of every kind best first (``Found``). An empty query finds nothing."""
    query = clean_query(query)
    if not query_terms(query):
        return Found([])
    events = list(with_headline(_events(query), query, "summary", "body")[:PER_KIND])
    briefs = Brief.objects.published().search(query).select_related("organization").order_by("-search_rank")
    results = [
        *_actor_results(query),
        *_organization_results(query),
        *_event_results(events, query),
        *_brief_results(with_headline(briefs, query, "standfirst", "body")[:PER_KIND], query),
    ]
    beyond = any(event.beyond_ranked for event in events)
    return Found(sorted(results, key=lambda r: -r.score), RANKED_EVENTS if beyond else None)

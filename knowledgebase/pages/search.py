"""One ranked search over events, briefs, actors (aliases included) and organisations.

Scores put the kinds on one scale: a name or alias equal to the query ranks
first, then names that start with or contain it, then events and briefs by
their text rank, then names found only by similarity (a misspelling or a
different transliteration).
"""

import difflib
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from knowledgebase.actors.models import Actor, ActorAlias, Organization
from knowledgebase.briefs.models import Brief
from knowledgebase.core.search import clean_query, highlight, is_postgresql, query_terms, with_headline
from knowledgebase.events.models import Event

PER_KIND = 20
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
    """Actors whose name or alias is close to the query, for misspellings and transliterations."""
    candidates = Actor.objects.exclude(pk__in=exclude)
    if is_postgresql(candidates):
        return list(
            candidates.annotate(
                similarity=Greatest(TrigramWordSimilarity(query, "name"), TrigramWordSimilarity(query, "aliases__name"))
            )
            .filter(similarity__gte=SIMILARITY_THRESHOLD)
            .order_by("-similarity")
            .values_list("pk", flat=True)
            .distinct()[:PER_KIND]
        )
    names = {}
    for pk, name in candidates.values_list("pk", "name"):
        names.setdefault(name.casefold(), pk)
    for pk, name in ActorAlias.objects.exclude(actor_id__in=exclude).values_list("actor_id", "name"):
        names.setdefault(name.casefold(), pk)
    words = {word: pk for name, pk in names.items() for word in [name, *name.split()]}
    close = difflib.get_close_matches(query.casefold(), list(words), n=PER_KIND, cutoff=FUZZY_CUTOFF)
    return list(dict.fromkeys(words[word] for word in close))


def _actor_results(query):
    found = list(Actor.objects.search(query).prefetch_related("aliases")[:PER_KIND])
    similar = similar_actor_ids(query, exclude=[a.pk for a in found])
    fuzzy = list(Actor.objects.filter(pk__in=similar).prefetch_related("aliases"))
    results = []
    for actor, fuzzy_match in [(a, False) for a in found] + [(a, True) for a in fuzzy]:
        names = [actor.name, *(alias.name for alias in actor.aliases.all())]
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
        score = max(name_score(query, [organization.name, organization.acronym]), 0.55)
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


def _ranked(rows, kind, snippet, query):
    """Events or briefs with their text rank put on the common scale, their snippets highlighted."""
    rows = list(rows)
    top = max((row.search_rank for row in rows), default=0) or 1
    return [
        Result(
            kind,
            row.title,
            row.get_absolute_url(),
            highlight(getattr(row, "headline", None) or snippet(row), query),
            0.5 + 0.4 * row.search_rank / top,
            row,
        )
        for row in rows
    ]


def _summary(event):
    return event.summary


def _standfirst(brief):
    return brief.standfirst


def site_search(query):
    """Results of every kind, best first. An empty query finds nothing."""
    query = clean_query(query)
    if not query_terms(query):
        return []
    events = (
        Event.objects.published().search(query).select_related("event_type").order_by("-search_rank", "-start_date")
    )
    briefs = Brief.objects.published().search(query).select_related("organization").order_by("-search_rank")
    results = [
        *_actor_results(query),
        *_organization_results(query),
        *_ranked(with_headline(events, query, "summary", "body")[:PER_KIND], _("Event"), _summary, query),
        *_ranked(with_headline(briefs, query, "standfirst", "body")[:PER_KIND], _("Brief"), _standfirst, query),
    ]
    return sorted(results, key=lambda r: -r.score)

"""Actor and organisation profiles: who they are, and what the apps above them record of them (their
events year by year, the figures they claimed, the sources an organisation publishes that published
content uses, its briefs)."""

from itertools import groupby

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.briefs.models import Brief
from knowledgebase.core.models import PublicationStatus
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import LIST_DEFERRED_FIELDS, Citation, Figure
from knowledgebase.ihl.models import Allegation
from knowledgebase.presentation.structured_data import organization as structured_organization
from knowledgebase.presentation.structured_data import with_context
from knowledgebase.serving.caching import cached_page

PUBLISHED = PublicationStatus.PUBLISHED
CLAIMED_SHOWN = 100
TIMELINE_SHOWN = 50


def timeline(participations):
    """The latest TIMELINE_SHOWN participations in published events, newest first, grouped by year, and
    whether there are more (the event list filtered by the participant has them all). A party to a long
    war takes part in thousands of events: a page of all of them grew with the data. One query."""
    rows = list(
        participations.filter(event__status=PUBLISHED)
        .select_related("event__event_type")
        .defer(*(f"event__{name}" for name in LIST_DEFERRED_FIELDS))
        .order_by("-event__start_date", "-event_id")[: TIMELINE_SHOWN + 1]
    )
    years = [
        (year, list(items)) for year, items in groupby(rows[:TIMELINE_SHOWN], key=lambda p: p.event.start_date.year)
    ]
    return {"years": years, "more": len(rows) > TIMELINE_SHOWN, "shown": TIMELINE_SHOWN}


def claimed_figures(**claimant):
    """The figures a claimant (``claimant_actor=…`` or ``claimant_organization=…``) states about published
    events, newest event first, with their event, measure and source: at most CLAIMED_SHOWN of them, and
    whether there are more. One query."""
    rows = list(
        Figure.objects.published()
        .filter(**claimant)
        .select_related("event", "measure", "source")
        .defer(*(f"event__{name}" for name in LIST_DEFERRED_FIELDS))
        .order_by("-event__start_date", "-event_id", "measure__position", "id")[: CLAIMED_SHOWN + 1]
    )
    return {"rows": rows[:CLAIMED_SHOWN], "more": len(rows) > CLAIMED_SHOWN, "shown": CLAIMED_SHOWN}


@cached_page()
def actor_detail(request, slug):
    actor = get_object_or_404(
        Actor.objects.select_related("country", "parent").prefetch_related("aliases", "children"), slug=slug
    )
    context = {
        "actor": actor,
        "timeline": timeline(actor.participations.all()),
        "claimed": claimed_figures(claimant_actor=actor),
    }
    return TemplateResponse(request, "actors/actor_detail.html", context)


def published_sources(sources):
    """The sources that published content cites or uses: a published event's citations, figures and
    allegations, published statistics and briefs. A source that only a draft uses is not public yet.

    One subquery each: no join that multiplies rows, and no query per source."""

    def used(model, published):
        return Exists(model.objects.filter(published, source=OuterRef("pk")))

    return sources.filter(
        used(Citation, Q(event__status=PUBLISHED))
        | used(Figure, Q(event__status=PUBLISHED))
        | used(Allegation, Q(event__status=PUBLISHED))
        | used(DisplacementStatistic, Q(status=PUBLISHED))
        | used(Brief, Q(status=PUBLISHED))
    )


@cached_page()
def organization_detail(request, slug):
    organization = get_object_or_404(
        Organization.objects.select_related("country", "parent").prefetch_related("children"), slug=slug
    )
    url = request.build_absolute_uri(organization.get_absolute_url())
    context = {
        "organization": organization,
        "structured_data": with_context(structured_organization(organization, url)),
        "timeline": timeline(organization.participations.all()),
        "claimed": claimed_figures(claimant_organization=organization),
        "sources": published_sources(organization.sources.select_related("publisher")).order_by(
            "-published_date", "title"
        )[:50],
        "briefs": organization.briefs.filter(status=PUBLISHED).order_by("-published_date"),
    }
    return TemplateResponse(request, "actors/organization_detail.html", context)

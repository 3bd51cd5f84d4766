"""Actor and organisation lists and profiles.

Events sit to the right of actors: profiles reach them through reverse relations
(``participations``), filtered to published events.
"""

from itertools import groupby

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from knowledgebase.actors.filters import ActorFilter, OrganizationFilter
from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.caching import cached_page
from knowledgebase.core.filtering import bind_filters
from knowledgebase.core.models import PublicationStatus
from knowledgebase.core.structured_data import organization as structured_organization
from knowledgebase.core.structured_data import with_context
from knowledgebase.core.views import paginate

PUBLISHED = PublicationStatus.PUBLISHED


def _list(request, filterset_class, queryset, template):
    listed = bind_filters(request, filterset_class, queryset)
    page = paginate(request, listed.rows)
    context = {"filter": listed.filterset, "form": listed.form, "page_obj": page, "is_valid": listed.is_valid}
    return TemplateResponse(request, template, context, status=200 if listed.is_valid else 400)


@cached_page("page", filterset=ActorFilter)
def actor_list(request):
    actors = Actor.objects.select_related("country", "parent").prefetch_related("aliases")
    return _list(request, ActorFilter, actors, "actors/actor_list.html")


@cached_page("page", filterset=OrganizationFilter)
def organization_list(request):
    organizations = Organization.objects.select_related("country")
    return _list(request, OrganizationFilter, organizations, "actors/organization_list.html")


def timeline(participations):
    """Participations in published events, newest first, grouped by year."""
    rows = (
        participations.filter(event__status=PUBLISHED)
        .select_related("event__event_type")
        .order_by("-event__start_date", "-event_id")
    )
    return [(year, list(items)) for year, items in groupby(rows, key=lambda p: p.event.start_date.year)]


@cached_page()
def actor_detail(request, slug):
    actor = get_object_or_404(
        Actor.objects.select_related("country", "parent").prefetch_related("aliases", "children"), slug=slug
    )
    context = {"actor": actor, "timeline": timeline(actor.participations.all())}
    return TemplateResponse(request, "actors/actor_detail.html", context)


def published_sources(sources):
    """The sources that published content cites or uses: a published event's citations, figures and
    allegations, published statistics and briefs. A source that only a draft uses is not public yet.

    The models sit to the right of actors, so they are looked up by name (one subquery each, no join
    that multiplies rows, and no query per source)."""

    def used(model, published):
        return Exists(apps.get_model(model).objects.filter(published, source=OuterRef("pk")))

    return sources.filter(
        used("events.Citation", Q(event__status=PUBLISHED))
        | used("events.Figure", Q(event__status=PUBLISHED))
        | used("ihl.Allegation", Q(event__status=PUBLISHED))
        | used("displacement.DisplacementStatistic", Q(status=PUBLISHED))
        | used("briefs.Brief", Q(status=PUBLISHED))
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
        "sources": published_sources(organization.sources.select_related("publisher")).order_by(
            "-published_date", "title"
        )[:50],
        "briefs": organization.briefs.filter(status=PUBLISHED).order_by("-published_date"),
    }
    return TemplateResponse(request, "actors/organization_detail.html", context)

"""Actor and organisation lists (their profiles join other apps: ``pages.profiles``)."""

from django.template.response import TemplateResponse

from knowledgebase.actors.filters import ActorFilter, OrganizationFilter
from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.filtering import active_filters, bind_filters
from knowledgebase.core.views import paginate
from knowledgebase.serving.caching import cached_page


def _list(request, filterset_class, queryset, template):
    listed = bind_filters(request, filterset_class, queryset)
    page = paginate(request, listed.rows)
    context = {
        "filter": listed.filterset,
        "form": listed.form,
        "page_obj": page,
        "is_valid": listed.is_valid,
        "active_filters": active_filters(request, listed),
    }
    return TemplateResponse(request, template, context, status=200 if listed.is_valid else 400)


@cached_page("page", filterset=ActorFilter)
def actor_list(request):
    actors = Actor.objects.select_related("country", "parent").prefetch_related("aliases")
    return _list(request, ActorFilter, actors, "actors/actor_list.html")


@cached_page("page", filterset=OrganizationFilter)
def organization_list(request):
    organizations = Organization.objects.select_related("country")
    return _list(request, OrganizationFilter, organizations, "actors/organization_list.html")

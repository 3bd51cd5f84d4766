"""The read-only JSON API, /api/v1/: a router over each app's viewsets, its OpenAPI schema and docs.

Django REST framework gives the browsable API, content negotiation and
django-filter integration (the same FilterSets as the HTML pages);
drf-spectacular generates the OpenAPI 3 schema, and its sidecar serves the
Swagger UI files locally (no CDN).
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from knowledgebase.actors.api import ActorViewSet, OrganizationViewSet
from knowledgebase.briefs.api import BriefViewSet
from knowledgebase.displacement.api import StatisticViewSet
from knowledgebase.events.api import FigureViewSet
from knowledgebase.ihl.api import ProvisionViewSet
from knowledgebase.pages.api import EventViewSet


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI; its start-up script is the same URL with ``?script`` (a parameter the page cache keeps)."""

    cache_parameters = frozenset({"script"})


router = DefaultRouter()
router.register("events", EventViewSet, basename="event")
router.register("figures", FigureViewSet, basename="figure")
router.register("actors", ActorViewSet, basename="actor")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("statistics", StatisticViewSet, basename="statistic")
router.register("briefs", BriefViewSet, basename="brief")
router.register("provisions", ProvisionViewSet, basename="provision")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the strict CSP holds.
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]

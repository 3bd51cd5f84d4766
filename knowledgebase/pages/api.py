"""The events' list in the API: filtered as /events/ is, the IHL facet included (``pages.filters``)."""

from django.db.models import Prefetch
from rest_framework import viewsets

from knowledgebase.events.api import EventSerializer
from knowledgebase.events.exports import Permalink
from knowledgebase.events.models import LIST_DEFERRED_FIELDS, Event, Figure, Participation
from knowledgebase.pages.filters import EventListFilter


class EventViewSet(viewsets.ReadOnlyModelViewSet):
    """Published events, with the same filters and sort as /events/ (repeat a parameter for "any of")."""

    serializer_class = EventSerializer
    filterset_class = EventListFilter
    lookup_field = "public_id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator: no request to build links with
            return Event.objects.none()
        return (
            Event.objects.published()
            .annotate(page=Permalink(base=self.request.build_absolute_uri("/").removesuffix("/")))
            .select_related("event_type__category")
            .defer(*LIST_DEFERRED_FIELDS)  # the body in every language and the search columns: not in the API
            .prefetch_related(
                "countries",
                "themes",
                Prefetch("participations", queryset=Participation.objects.select_related("actor", "organization")),
                Prefetch("figures", queryset=Figure.objects.with_attribution().order_by("measure__position", "id")),
            )
        )

"""Read-only API of published events and their attributed figures: the serializers, and the figures' list
(the events' list filters as /events/ does, with the facets of the apps above: ``pages.api``)."""

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from knowledgebase.events.models import LIST_DEFERRED_FIELDS, Event, Figure
from knowledgebase.events.selectors import figures_by_measure
from knowledgebase.opendata.api import IdentityLinkField, LinkField
from knowledgebase.presentation.structured_data import iso_date
from knowledgebase.sources.api import ClaimantField, SourceSummarySerializer


class FigureSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id")
    url = IdentityLinkField(view_name="api:figure-detail", lookup_field="public_id")
    event = LinkField(view_name="api:event-detail", lookup_field="public_id", read_only=True)
    measure = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    claimant = ClaimantField(source="*", read_only=True)
    source = SourceSummarySerializer(read_only=True)

    class Meta:
        model = Figure
        fields = [
            "id",
            "url",
            "event",
            "measure",
            "value",
            "qualifier",
            "low",
            "high",
            "rank",
            "rank_reason",
            "claimant",
            "source",
            "excerpt",
            "as_of_date",
        ]


class ParticipantSerializer(serializers.Serializer):
    kind = serializers.SerializerMethodField()
    slug = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    role = serializers.CharField()

    def get_kind(self, participation) -> str:
        return "actor" if participation.actor_id else "organization"

    def get_slug(self, participation) -> str:
        return participation.participant.slug

    def get_name(self, participation) -> str:
        return participation.participant.name


class MeasureSummarySerializer(serializers.Serializer):
    measure = serializers.CharField(source="measure.slug")
    name = serializers.CharField(source="measure.name")
    claims_low = serializers.IntegerField(source="summary.low", allow_null=True)
    claims_high = serializers.IntegerField(source="summary.high", allow_null=True)
    disputed = serializers.BooleanField(source="summary.is_disputed")
    best_estimate = serializers.SerializerMethodField()

    def get_best_estimate(self, group) -> int | None:
        best = group.summary.preferred
        return best.value if best else None


class EventSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id")
    url = IdentityLinkField(view_name="api:event-detail", lookup_field="public_id")
    page = serializers.CharField(read_only=True)  # Permalink, annotated by the viewset
    type = serializers.CharField(source="event_type.slug")
    category = serializers.CharField(source="event_type.category.slug")
    date = serializers.SerializerMethodField()
    countries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    participants = ParticipantSerializer(source="participations", many=True, read_only=True)
    measures = serializers.SerializerMethodField()
    figures = FigureSerializer(many=True, read_only=True)
    disputed = serializers.BooleanField(source="has_disputed_figures")

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "page",
            "title",
            "slug",
            "type",
            "category",
            "start_date",
            "end_date",
            "date_precision",
            "date",
            "date_note",
            "countries",
            "region",
            "place_name",
            "latitude",
            "longitude",
            "geo_precision",
            "summary",
            "themes",
            "participants",
            "measures",
            "figures",
            "disputed",
            "first_published_at",
            "updated_at",
        ]

    def get_date(self, event) -> str:
        """The start date at the precision it is known (2022-09 for a month)."""
        return iso_date(event.start_date, event.date_precision)

    @extend_schema_field(MeasureSummarySerializer(many=True))
    def get_measures(self, event):
        """MeasureSummarySerializer's fields, written directly: a serializer built for each event of a list
        (its fields copied each time) cost more than the rest of the event."""
        measures = []
        for group in figures_by_measure(event.figures.all()):
            summary, best = group.summary, group.summary.preferred
            measures.append(
                {
                    "measure": str(group.measure.slug),
                    "name": str(group.measure.name),
                    "claims_low": None if summary.low is None else int(summary.low),
                    "claims_high": None if summary.high is None else int(summary.high),
                    "disputed": bool(summary.is_disputed),
                    "best_estimate": best.value if best else None,
                }
            )
        return measures


class FigureFilter(django_filters.FilterSet):
    event = django_filters.CharFilter(field_name="event__public_id", label="Event identifier")
    measure = django_filters.CharFilter(field_name="measure__slug", label="Measure slug")
    rank = django_filters.ChoiceFilter(choices=Figure._meta.get_field("rank").choices)

    class Meta:
        model = Figure
        fields = []


class FigureViewSet(viewsets.ReadOnlyModelViewSet):
    """Attributed figures of published events: who claims what number, where."""

    serializer_class = FigureSerializer
    filterset_class = FigureFilter
    lookup_field = "public_id"

    def get_queryset(self):
        return (
            Figure.objects.published()
            .with_attribution()
            .select_related("event")
            .defer(*(f"event__{name}" for name in LIST_DEFERRED_FIELDS))  # a figure shows its event's link alone
            .order_by("-event__start_date", "event_id", "measure__position", "id")
        )

"""Read-only API of published briefs."""

from django.db.models import Prefetch
from rest_framework import serializers, viewsets

from knowledgebase.briefs.models import Brief
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import Event, Figure
from knowledgebase.opendata.api import IdentityLinkField, LinkField


class BriefSerializer(serializers.ModelSerializer):
    url = IdentityLinkField(view_name="api:brief-detail", lookup_field="slug")
    organization = LinkField(view_name="api:organization-detail", lookup_field="slug", read_only=True)
    takeaways = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    recommendations = serializers.SerializerMethodField()
    events = LinkField(view_name="api:event-detail", lookup_field="public_id", many=True, read_only=True)
    figures = LinkField(view_name="api:figure-detail", lookup_field="public_id", many=True, read_only=True)
    statistics = LinkField(view_name="api:statistic-detail", lookup_field="public_id", many=True, read_only=True)

    class Meta:
        model = Brief
        fields = [
            "url",
            "slug",
            "title",
            "standfirst",
            "body",
            "organization",
            "author",
            "published_date",
            "takeaways",
            "recommendations",
            "events",
            "figures",
            "statistics",
            "first_published_at",
            "updated_at",
        ]

    def get_recommendations(self, brief) -> list[dict[str, str]]:
        return [{"audience": r.audience, "text": r.text} for r in brief.recommendations.all()]


class BriefViewSet(viewsets.ReadOnlyModelViewSet):
    """Published briefs; linked events, figures and statistics are listed only when published."""

    serializer_class = BriefSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return (
            Brief.objects.published()
            .select_related("organization")
            .prefetch_related(
                "takeaways",
                "recommendations",
                Prefetch("events", queryset=Event.objects.published().only("pk", "public_id")),
                Prefetch("figures", queryset=Figure.objects.published().only("pk", "public_id")),
                Prefetch("statistics", queryset=DisplacementStatistic.objects.published().only("pk", "public_id")),
            )
            .order_by("-published_date", "-id")
        )

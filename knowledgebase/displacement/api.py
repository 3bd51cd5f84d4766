"""Read-only API of published displacement statistics."""

from rest_framework import serializers, viewsets

from knowledgebase.displacement.filters import StatisticFilter
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.sources.api import ClaimantField, SourceSummarySerializer


class StatisticSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id")
    url = serializers.HyperlinkedIdentityField(view_name="api:statistic-detail", lookup_field="public_id")
    origin_country = serializers.CharField(source="origin_country_id", allow_null=True)
    host_country = serializers.CharField(source="host_country_id", allow_null=True)
    claimant = ClaimantField(source="*", read_only=True)
    source = SourceSummarySerializer(read_only=True)

    class Meta:
        model = DisplacementStatistic
        fields = [
            "id",
            "url",
            "title",
            "population_type",
            "cause",
            "measurement",
            "rate_period",
            "value",
            "qualifier",
            "low",
            "high",
            "origin_scope",
            "origin_country",
            "origin_region",
            "host_scope",
            "host_country",
            "host_region",
            "as_of_date",
            "as_of_note",
            "period_start",
            "period_end",
            "includes",
            "claimant",
            "source",
            "excerpt",
            "rank",
            "first_published_at",
            "updated_at",
        ]


class StatisticViewSet(viewsets.ReadOnlyModelViewSet):
    """Published displacement statistics, with the same filters and order as /displacement/."""

    serializer_class = StatisticSerializer
    filterset_class = StatisticFilter
    lookup_field = "public_id"

    def get_queryset(self):
        return DisplacementStatistic.objects.published().with_attribution()

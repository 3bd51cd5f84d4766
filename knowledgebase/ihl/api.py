"""Read-only API of IHL provisions and the allegations about published events."""

from django.db.models import Prefetch
from rest_framework import serializers, viewsets

from knowledgebase.core.models import PublicationStatus
from knowledgebase.ihl.models import Allegation, Provision
from knowledgebase.opendata.api import IdentityLinkField, LinkField


class AllegationSerializer(serializers.ModelSerializer):
    event = LinkField(view_name="api:event-detail", lookup_field="public_id", read_only=True)
    source = serializers.CharField(source="source.title")

    class Meta:
        model = Allegation
        fields = ["event", "status", "source", "excerpt", "note"]


class ProvisionSerializer(serializers.ModelSerializer):
    url = IdentityLinkField(view_name="api:provision-detail", lookup_field="slug")
    instrument = serializers.CharField(source="instrument.name")
    allegations = AllegationSerializer(many=True, read_only=True)

    class Meta:
        model = Provision
        fields = ["url", "slug", "instrument", "article", "title", "summary", "official_url", "allegations"]


class ProvisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Rules of IHL, each with the allegations that published events violate it."""

    serializer_class = ProvisionSerializer
    lookup_field = "slug"

    def get_queryset(self):
        allegations = Allegation.objects.filter(event__status=PublicationStatus.PUBLISHED).select_related(
            "event", "source"
        )
        return Provision.objects.prefetch_related(Prefetch("allegations", queryset=allegations)).order_by(
            "instrument__position", "position", "id"
        )

"""Read-only API of actors and organisations."""

from rest_framework import serializers, viewsets

from knowledgebase.actors.filters import ActorFilter, OrganizationFilter
from knowledgebase.actors.models import Actor, Organization
from knowledgebase.opendata.api import IdentityLinkField, LinkField


class ActorSerializer(serializers.HyperlinkedModelSerializer):
    url = IdentityLinkField(view_name="api:actor-detail", lookup_field="slug")
    country = serializers.CharField(source="country_id", allow_null=True)
    parent = LinkField(view_name="api:actor-detail", lookup_field="slug", read_only=True, allow_null=True)
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    page = serializers.SerializerMethodField()

    class Meta:
        model = Actor
        fields = [
            "url",
            "slug",
            "name",
            "kind",
            "country",
            "parent",
            "position",
            "aliases",
            "description",
            "wikidata_qid",
            "page",
        ]

    def get_page(self, actor) -> str:
        return self.context["request"].build_absolute_uri(actor.get_absolute_url())


class OrganizationSerializer(serializers.HyperlinkedModelSerializer):
    url = IdentityLinkField(view_name="api:organization-detail", lookup_field="slug")
    country = serializers.CharField(source="country_id", allow_null=True)
    parent = LinkField(view_name="api:organization-detail", lookup_field="slug", read_only=True, allow_null=True)
    page = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "url",
            "slug",
            "name",
            "acronym",
            "kind",
            "country",
            "parent",
            "website",
            "description",
            "wikidata_qid",
            "page",
        ]

    def get_page(self, organization) -> str:
        return self.context["request"].build_absolute_uri(organization.get_absolute_url())


class ActorViewSet(viewsets.ReadOnlyModelViewSet):
    """Actors: states, government bodies, armed forces, officials… Filter with `q` (aliases too), `kind`, `country`."""

    queryset = Actor.objects.select_related("country", "parent").prefetch_related("aliases")
    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    lookup_field = "slug"


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations that publish sources, author briefs or take part in events."""

    queryset = Organization.objects.select_related("country", "parent")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    lookup_field = "slug"

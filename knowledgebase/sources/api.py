"""API building blocks of attributed values, for every app whose records carry one (figures, statistics):
who claims a number, and the source that reports it."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class ClaimantField(serializers.Field):
    """The actor or organisation that claims a number: its kind, slug and name."""

    def to_representation(self, claim):
        if claim.claimant_actor_id:
            return {"kind": "actor", "slug": claim.claimant_actor.slug, "name": claim.claimant_actor.name}
        return {
            "kind": "organization",
            "slug": claim.claimant_organization.slug,
            "name": claim.claimant_organization.name,
        }


CLAIMANT_SCHEMA = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": ["actor", "organization"]},
        "slug": {"type": "string"},
        "name": {"type": "string"},
    },
    "required": ["kind", "slug", "name"],
}
ClaimantField = extend_schema_field(CLAIMANT_SCHEMA)(ClaimantField)


class SourceSummarySerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    publisher = serializers.CharField(source="publisher.name", allow_null=True, default=None)
    url = serializers.CharField()
    published_date = serializers.DateField(allow_null=True)
    reliability = serializers.CharField()

"""Import and export of displacement statistics as CSV or XLSX (admin)."""

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.models import Country
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.sources.models import Source
from knowledgebase.spreadsheets.resources import NaturalKeyResource, foreign_key


class DisplacementStatisticResource(NaturalKeyResource):
    origin_country = foreign_key("origin_country", Country, "code")
    host_country = foreign_key("host_country", Country, "code")
    claimant_actor = foreign_key("claimant_actor", Actor)
    claimant_organization = foreign_key("claimant_organization", Organization)
    source = foreign_key("source", Source)

    class Meta(NaturalKeyResource.Meta):
        model = DisplacementStatistic
        fields = (
            "public_id",
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
            "claimant_actor",
            "claimant_organization",
            "source",
            "excerpt",
            "rank",
            "rank_reason",
        )
        export_order = fields

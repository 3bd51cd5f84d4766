"""Import and export of displacement statistics as CSV or XLSX (admin)."""

from import_export import fields, widgets

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.models import Country
from knowledgebase.core.resources import NaturalKeyResource
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.sources.models import Source


def slug_field(name, model, attribute="slug"):
    return fields.Field(column_name=name, attribute=name, widget=widgets.ForeignKeyWidget(model, field=attribute))


class DisplacementStatisticResource(NaturalKeyResource):
    origin_country = slug_field("origin_country", Country, "code")
    host_country = slug_field("host_country", Country, "code")
    claimant_actor = slug_field("claimant_actor", Actor)
    claimant_organization = slug_field("claimant_organization", Organization)
    source = slug_field("source", Source)

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

"""Import and export of events and of their figures as CSV or XLSX (admin).

Load events first, then their figures (which name their event by public_id).
"""

from import_export import fields, widgets

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.models import Country, Theme
from knowledgebase.core.resources import NaturalKeyResource
from knowledgebase.events.models import Event, EventType, Figure, Measure
from knowledgebase.sources.models import Source

SEPARATOR = ";"


def related(name, model, attribute="slug"):
    return fields.Field(column_name=name, attribute=name, widget=widgets.ForeignKeyWidget(model, field=attribute))


def related_many(name, model, attribute):
    return fields.Field(
        column_name=name, attribute=name, widget=widgets.ManyToManyWidget(model, field=attribute, separator=SEPARATOR)
    )


class EventResource(NaturalKeyResource):
    event_type = related("event_type", EventType)
    countries = related_many("countries", Country, "code")
    themes = related_many("themes", Theme, "slug")

    class Meta(NaturalKeyResource.Meta):
        model = Event
        fields = (
            "public_id",
            "title",
            "slug",
            "event_type",
            "start_date",
            "end_date",
            "date_precision",
            "date_note",
            "countries",
            "region",
            "place_name",
            "latitude",
            "longitude",
            "geo_precision",
            "summary",
            "body",
            "themes",
            "acled_event_id",
            "glide_number",
            "wikidata_qid",
        )
        export_order = fields


class FigureResource(NaturalKeyResource):
    publishable_path = "event"
    event = related("event", Event, "public_id")
    measure = related("measure", Measure)
    claimant_actor = related("claimant_actor", Actor)
    claimant_organization = related("claimant_organization", Organization)
    source = related("source", Source)

    class Meta(NaturalKeyResource.Meta):
        model = Figure
        fields = (
            "public_id",
            "event",
            "measure",
            "value",
            "qualifier",
            "low",
            "high",
            "claimant_actor",
            "claimant_organization",
            "source",
            "excerpt",
            "as_of_date",
            "rank",
            "rank_reason",
            "note",
        )
        export_order = fields

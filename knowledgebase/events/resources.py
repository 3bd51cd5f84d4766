"""Import and export of events and of their figures as CSV or XLSX (admin).

Load events first, then their figures (which name their event by public_id). An import refreshes the
search documents and dispute flags of the events it touches once, after its rows (core.derived).
"""

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.models import Country, Theme
from knowledgebase.events.models import Event, EventType, Figure, Measure
from knowledgebase.sources.models import Source
from knowledgebase.spreadsheets.resources import NaturalKeyResource, foreign_key, many_to_many


class EventResource(NaturalKeyResource):
    event_type = foreign_key("event_type", EventType)
    countries = many_to_many("countries", Country, "code")
    themes = many_to_many("themes", Theme)

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
    event = foreign_key("event", Event, "public_id")
    measure = foreign_key("measure", Measure)
    claimant_actor = foreign_key("claimant_actor", Actor)
    claimant_organization = foreign_key("claimant_organization", Organization)
    source = foreign_key("source", Source)

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

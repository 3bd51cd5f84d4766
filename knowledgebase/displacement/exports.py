"""Export of the displacement explorer: exactly the statistics its filters select."""

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from knowledgebase.core.exports import CHUNK_SIZE, Column, Export, key
from knowledgebase.displacement.models import newest_first


def _rows(queryset):
    return (
        queryset.annotate(
            claimant=Coalesce("claimant_actor__name", "claimant_organization__name"),
            source_title=F("source__title"),
            source_url=F("source__url"),
            source_reliability=F("source__reliability"),
        )
        .order_by(*newest_first())
        .values()
        .iterator(chunk_size=CHUNK_SIZE)
    )


COLUMNS = (
    Column("id", "#meta+id", _("Public identifier of the statistic."), key("public_id")),
    Column("label", "#indicator+name", _("Short label of the statistic."), key("title")),
    Column(
        "population_type",
        "#group+code",
        _(
            "UNHCR population type: REF, ASY, IDP, OIP, STA, RET (returned refugees), RDP (returned IDPs), "
            "FDP (all forcibly displaced)."
        ),
        key("population_type"),
    ),
    Column(
        "cause",
        "#cause",
        _("Cause: conflict, persecution, disaster, climate or mixed (mixed or not stated)."),
        key("cause"),
    ),
    Column(
        "measurement",
        "#indicator+type",
        _("stock (people at a date), flow (new displacements in a period) or change (change in the stock)."),
        key("measurement"),
    ),
    Column("rate", "#indicator+rate", _("year or month for a rate, empty for a total."), key("rate_period")),
    Column("value", "#affected+num", _("The number as the source states it."), key("value")),
    Column(
        "qualifier",
        "#affected+qualifier",
        _("exact, more-than, at-least, less-than, up-to or about."),
        key("qualifier"),
    ),
    Column("low", "#affected+min", _("Low bound, if given."), key("low")),
    Column("high", "#affected+max", _("High bound, if given."), key("high")),
    Column("origin_scope", "#geo+origin+scope", _("global, region or country."), key("origin_scope")),
    Column(
        "origin_country",
        "#country+code+origin",
        _("Origin country, ISO 3166-1 alpha-2."),
        key("origin_country_id"),
    ),
    Column(
        "origin_region",
        "#region+name+origin",
        _("Origin region, when the scope is a region."),
        key("origin_region"),
    ),
    Column("host_scope", "#geo+host+scope", _("global, region or country."), key("host_scope")),
    Column("host_country", "#country+code+host", _("Host country, ISO 3166-1 alpha-2."), key("host_country_id")),
    Column("host_region", "#region+name+host", _("Host region, when the scope is a region."), key("host_region")),
    Column("as_of", "#date+reported", _("Date a stock refers to, ISO 8601."), key("as_of_date")),
    Column("as_of_note", "#date+note", _("What the source says about when, if it gives no date."), key("as_of_note")),
    Column("period_start", "#date+start", _("Start of the period of a flow or change."), key("period_start")),
    Column("period_end", "#date+end", _("End of the period of a flow or change."), key("period_end")),
    Column("includes", "#description", _("Which people the number counts."), key("includes")),
    Column("claimant", "#org+claimant+name", _("Who claims the number."), key("claimant")),
    Column("source", "#meta+source", _("Title of the source."), key("source_title")),
    Column("source_url", "#meta+source+url", _("Address of the source, if recorded."), key("source_url")),
    Column(
        "source_reliability",
        "#meta+reliability",
        _("Admiralty reliability grade, A to F."),
        key("source_reliability"),
    ),
    Column("excerpt", "#meta+excerpt", _("The words of the source that state the number."), key("excerpt")),
    Column(
        "first_published",
        "#date+published",
        _("When the record was first published here."),
        key("first_published_at"),
    ),
    Column("last_changed", "#date+updated", _("When the record last changed."), key("updated_at")),
)

STATISTICS = Export(
    "displacement-statistics",
    _("Displacement statistics"),
    _("One row per published statistic that the filters of /displacement/ select."),
    COLUMNS,
    _rows,
)

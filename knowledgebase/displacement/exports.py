"""Export of the displacement explorer: exactly the statistics its filters select, in its table's order.

Each column is defined once below: the Python writer, the COPY writer and the data dictionary at /data/
read the same definition.
"""

from django.utils.translation import gettext_lazy as _

from knowledgebase.opendata.exports import Column, Export
from knowledgebase.sources.models import claimant_name

CLAIMANT = claimant_name()

COLUMNS = (
    Column("id", "#meta+id", _("Public identifier of the statistic."), "public_id"),
    Column("label", "#indicator+name", _("Short label of the statistic."), "title"),
    Column(
        "population_type",
        "#group+code",
        _(
            "UNHCR population type: REF, ASY, IDP, OIP, STA, RET (returned refugees), RDP (returned IDPs), "
            "FDP (all forcibly displaced)."
        ),
        "population_type",
    ),
    Column(
        "cause",
        "#cause",
        _("Cause: conflict, persecution, disaster, climate or mixed (mixed or not stated)."),
        "cause",
    ),
    Column(
        "measurement",
        "#indicator+type",
        _("stock (people at a date), flow (new displacements in a period) or change (change in the stock)."),
        "measurement",
    ),
    Column("rate", "#indicator+rate", _("year or month for a rate, empty for a total."), "rate_period"),
    Column("value", "#affected+num", _("The number as the source states it."), "value"),
    Column(
        "qualifier",
        "#affected+qualifier",
        _("exact, more-than, at-least, less-than, up-to or about."),
        "qualifier",
    ),
    Column("low", "#affected+min", _("Low bound, if given."), "low"),
    Column("high", "#affected+max", _("High bound, if given."), "high"),
    Column("origin_scope", "#geo+origin+scope", _("global, region or country."), "origin_scope"),
    Column(
        "origin_country",
        "#country+code+origin",
        _("Origin country, ISO 3166-1 alpha-2."),
        "origin_country_id",
    ),
    Column(
        "origin_region",
        "#region+name+origin",
        _("Origin region, when the scope is a region."),
        "origin_region",
    ),
    Column("host_scope", "#geo+host+scope", _("global, region or country."), "host_scope"),
    Column("host_country", "#country+code+host", _("Host country, ISO 3166-1 alpha-2."), "host_country_id"),
    Column("host_region", "#region+name+host", _("Host region, when the scope is a region."), "host_region"),
    Column("as_of", "#date+reported", _("Date a stock refers to, ISO 8601."), "as_of_date"),
    Column("as_of_note", "#date+note", _("What the source says about when, if it gives no date."), "as_of_note"),
    Column("period_start", "#date+start", _("Start of the period of a flow or change."), "period_start"),
    Column("period_end", "#date+end", _("End of the period of a flow or change."), "period_end"),
    Column("includes", "#description", _("Which people the number counts."), "includes"),
    Column("claimant", "#org+claimant+name", _("Who claims the number."), CLAIMANT),
    Column("source", "#meta+source", _("Title of the source."), "source__title"),
    Column("source_url", "#meta+source+url", _("Address of the source, if recorded."), "source__url"),
    Column(
        "source_reliability",
        "#meta+reliability",
        _("Admiralty reliability grade, A to F; empty while the source is not graded."),
        "source__reliability",
    ),
    Column("excerpt", "#meta+excerpt", _("The words of the source that state the number."), "excerpt"),
    Column(
        "first_published",
        "#date+published",
        _("When the record was first published here."),
        "first_published_at",
    ),
    Column("last_changed", "#date+updated", _("When the record last changed."), "updated_at"),
)

STATISTICS = Export(
    "displacement-statistics",
    _("Displacement statistics"),
    _("One row per published statistic that the filters of /displacement/ select."),
    COLUMNS,
    copy=True,
)

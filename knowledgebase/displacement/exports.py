"""Export of the displacement explorer: exactly the statistics its filters select."""

from django.utils.translation import gettext_lazy as _

from knowledgebase.core.exports import CHUNK_SIZE, Column, Export


def _rows(queryset):
    return queryset.with_attribution().order_by("-as_of_date", "-period_end", "id").iterator(chunk_size=CHUNK_SIZE)


def _geography(statistic, side):
    country = getattr(statistic, f"{side}_country")
    return country.code if country else None


COLUMNS = (
    Column("id", "#meta+id", _("Public identifier of the statistic."), lambda s: s.public_id),
    Column("label", "#indicator+name", _("Short label of the statistic."), lambda s: s.title),
    Column(
        "population_type",
        "#group+code",
        _(
            "UNHCR population type: REF, ASY, IDP, OIP, STA, RET (returned refugees), RDP (returned IDPs), "
            "FDP (all forcibly displaced)."
        ),
        lambda s: s.population_type,
    ),
    Column(
        "cause",
        "#cause",
        _("Cause: conflict, persecution, disaster, climate or mixed (mixed or not stated)."),
        lambda s: s.cause,
    ),
    Column(
        "measurement",
        "#indicator+type",
        _("stock (people at a date), flow (new displacements in a period) or change (change in the stock)."),
        lambda s: s.measurement,
    ),
    Column("rate", "#indicator+rate", _("year or month for a rate, empty for a total."), lambda s: s.rate_period),
    Column("value", "#affected+num", _("The number as the source states it."), lambda s: s.value),
    Column(
        "qualifier",
        "#affected+qualifier",
        _("exact, more-than, at-least, less-than, up-to or about."),
        lambda s: s.qualifier,
    ),
    Column("low", "#affected+min", _("Low bound, if given."), lambda s: s.low),
    Column("high", "#affected+max", _("High bound, if given."), lambda s: s.high),
    Column("origin_scope", "#geo+origin+scope", _("global, region or country."), lambda s: s.origin_scope),
    Column(
        "origin_country",
        "#country+code+origin",
        _("Origin country, ISO 3166-1 alpha-2."),
        lambda s: _geography(s, "origin"),
    ),
    Column(
        "origin_region",
        "#region+name+origin",
        _("Origin region, when the scope is a region."),
        lambda s: s.origin_region,
    ),
    Column("host_scope", "#geo+host+scope", _("global, region or country."), lambda s: s.host_scope),
    Column(
        "host_country", "#country+code+host", _("Host country, ISO 3166-1 alpha-2."), lambda s: _geography(s, "host")
    ),
    Column("host_region", "#region+name+host", _("Host region, when the scope is a region."), lambda s: s.host_region),
    Column("as_of", "#date+reported", _("Date a stock refers to, ISO 8601."), lambda s: s.as_of_date),
    Column(
        "as_of_note", "#date+note", _("What the source says about when, if it gives no date."), lambda s: s.as_of_note
    ),
    Column("period_start", "#date+start", _("Start of the period of a flow or change."), lambda s: s.period_start),
    Column("period_end", "#date+end", _("End of the period of a flow or change."), lambda s: s.period_end),
    Column("includes", "#description", _("Which people the number counts."), lambda s: s.includes),
    Column("claimant", "#org+claimant+name", _("Who claims the number."), lambda s: s.claimant.name),
    Column("source", "#meta+source", _("Title of the source."), lambda s: s.source.title),
    Column("source_url", "#meta+source+url", _("Address of the source, if recorded."), lambda s: s.source.url),
    Column(
        "source_reliability",
        "#meta+reliability",
        _("Admiralty reliability grade, A to F."),
        lambda s: s.source.reliability,
    ),
    Column("excerpt", "#meta+excerpt", _("The words of the source that state the number."), lambda s: s.excerpt),
    Column(
        "first_published",
        "#date+published",
        _("When the record was first published here."),
        lambda s: s.first_published_at,
    ),
    Column("last_changed", "#date+updated", _("When the record last changed."), lambda s: s.updated_at),
)

STATISTICS = Export(
    "displacement-statistics",
    _("Displacement statistics"),
    _("One row per published statistic that the filters of /displacement/ select."),
    COLUMNS,
    _rows,
)

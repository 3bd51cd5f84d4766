"""Figures about displaced people: how many, of which kind, from where, hosted where, as of when."""

import functools

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from knowledgebase.core.models import Country, Publishable, PublishableQuerySet, Theme, generate_public_id
from knowledgebase.sources.models import AttributedValue, attributed_value_constraints


# UNHCR Refugee Data Finder population types (REF, ASY, IDP, OIP, STA, returnees),
# plus the total of forcibly displaced people that headline figures report.
class PopulationType(models.TextChoices):
    REFUGEES = "REF", _("Refugees")
    ASYLUM_SEEKERS = "ASY", _("Asylum-seekers")
    IDPS = "IDP", _("Internally displaced people")
    OTHERS_IN_NEED = "OIP", _("Other people in need of international protection")
    STATELESS = "STA", _("Stateless people")
    RETURNED_REFUGEES = "RET", _("Returned refugees")
    RETURNED_IDPS = "RDP", _("Returned internally displaced people")
    TOTAL_FORCIBLY_DISPLACED = "FDP", _("All forcibly displaced people")


# IDMC splits displacement by cause; the seed insists that forced and
# environmentally driven displacement differ, so they are never merged.
class Cause(models.TextChoices):
    CONFLICT = "conflict", _("Conflict and violence")
    PERSECUTION = "persecution", _("Persecution and human rights violations")
    DISASTER = "disaster", _("Disaster")
    CLIMATE = "climate", _("Climate and environmental change")
    MIXED = "mixed", _("Mixed or not stated")


class Measurement(models.TextChoices):
    STOCK = "stock", _("Stock: people displaced at a date")
    FLOW = "flow", _("Flow: new displacements in a period")
    CHANGE = "change", _("Change in the stock over a period")


class GeographyScope(models.TextChoices):
    GLOBAL = "global", _("Global")
    REGION = "region", _("Region")
    COUNTRY = "country", _("Country")


class RatePeriod(models.TextChoices):
    NONE = "", _("Total for the period")
    YEAR = "year", _("Per year")
    MONTH = "month", _("Per month")


def newest_first():
    """Stocks by their as-of date and flows by the end of their period, newest first, undated last."""
    return [Coalesce("as_of_date", "period_end").desc(nulls_last=True), "title", "id"]


class _WithCountries(models.query.ModelIterable):
    """Statistics with their countries of origin and host taken from the countries read once per content
    version (``events.models.countries_by_code``) rather than joined: two more joins multiply the ways
    PostgreSQL can order a query's joins, and its planning took 5.5 ms of a 6 ms query."""

    def __iter__(self):
        from knowledgebase.events.models import countries_by_code

        model = self.queryset.model
        sides = [model._meta.get_field(name) for name in ("origin_country", "host_country")]
        countries = None
        for statistic in super().__iter__():
            for field in sides:
                code = getattr(statistic, field.attname)
                if code is not None and not field.is_cached(statistic):
                    countries = countries_by_code() if countries is None else countries
                    if code in countries:  # a country newer than the memo is read when it is asked for
                        field.set_cached_value(statistic, countries[code])
            yield statistic


class DisplacementStatisticQuerySet(PublishableQuerySet):
    def with_attribution(self):
        """Statistics with who claims them and where, without a query per row: the claimant and the source
        and its publisher joined, the countries from the memo (``_WithCountries``)."""
        queryset = self.select_related("claimant_actor", "claimant_organization", "source__publisher")
        queryset._iterable_class = _WithCountries
        return queryset


class DisplacementStatisticManager(models.Manager.from_queryset(DisplacementStatisticQuerySet)):
    def get_by_natural_key(self, public_id):
        return self.get(public_id=public_id)


def _geography_constraints(side):
    return [
        models.CheckConstraint(
            condition=~Q(**{f"{side}_scope": GeographyScope.COUNTRY}) | Q(**{f"{side}_country__isnull": False}),
            name=f"statistic_{side}_country_given",
            violation_error_message=_("Choose the country, or change the scope."),
        ),
        models.CheckConstraint(
            condition=~Q(**{f"{side}_scope": GeographyScope.REGION}) | ~Q(**{f"{side}_region": ""}),
            name=f"statistic_{side}_region_given",
            violation_error_message=_("Name the region, or change the scope."),
        ),
    ]


class OneLabelDisplay:
    """``get_<field>_display()`` that translates the one label it returns. Django's own makes every choice of
    the field hashable first, translating each label: the explorer's table did that five times a row."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(_choice_labels(field).get(value, value), strings_only=True)


@functools.cache
def _choice_labels(field):
    """{value: label, still lazy} of a field with fixed choices."""
    return dict(field.flatchoices)


class DisplacementStatistic(OneLabelDisplay, Publishable, AttributedValue):
    """A number of displaced people, e.g. 'some 110 million forcibly displaced' (Wilson Center)."""

    public_id = models.SlugField(
        _("public identifier"),
        max_length=16,
        unique=True,
        default=generate_public_id,
        editable=False,
        help_text=_(
            "Given by the site when the record is created, e.g. 3k9d02hx; it never changes. Downloads cite it, "
            "and a spreadsheet import matches its rows on it."
        ),
    )
    title = models.CharField(_("label"), max_length=300, help_text=_("A short label readers see beside the number."))
    population_type = models.CharField(
        _("population type"),
        max_length=3,
        choices=PopulationType.choices,
        help_text=_(
            "Who is counted, in UNHCR's population types (refugees, asylum-seekers, internally displaced "
            "people…); 'All forcibly displaced people' for a total such as '110 million'."
        ),
    )
    cause = models.CharField(
        _("cause"),
        max_length=16,
        choices=Cause.choices,
        default=Cause.MIXED,
        help_text=_(
            "Why people were displaced, as IDMC splits it; 'Mixed or not stated' when the source does not say. "
            "Conflict and disaster displacement are never added together."
        ),
    )
    measurement = models.CharField(
        _("stock or flow"),
        max_length=8,
        choices=Measurement.choices,
        help_text=_(
            "'Stock': how many people are displaced at a date (as of). 'Flow': how many were newly displaced "
            "in a period. 'Change': how much the stock rose or fell over a period."
        ),
    )
    rate_period = models.CharField(
        _("rate"),
        max_length=8,
        choices=RatePeriod.choices,
        blank=True,
        default=RatePeriod.NONE,
        help_text=_("For a flow the source states per year or per month, e.g. '30,000 a month'. A stock has none."),
    )
    origin_scope = models.CharField(
        _("origin"),
        max_length=8,
        choices=GeographyScope.choices,
        help_text=_("Where the people come from: the whole world, a region (name it) or a country (choose it)."),
    )
    origin_country = models.ForeignKey(
        Country, verbose_name=_("origin country"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    origin_region = models.CharField(
        _("origin region"), max_length=200, blank=True, help_text=_("e.g. Sahel, or Donetsk Oblast.")
    )
    host_scope = models.CharField(
        _("host"),
        max_length=8,
        choices=GeographyScope.choices,
        help_text=_(
            "Where the people are now: the whole world, a region (name it) or a country (choose it). For "
            "internally displaced people, their own country."
        ),
    )
    host_country = models.ForeignKey(
        Country, verbose_name=_("host country"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    host_region = models.CharField(
        _("host region"), max_length=200, blank=True, help_text=_("e.g. European Union, or Lviv Oblast.")
    )
    period_start = models.DateField(
        _("period start"),
        null=True,
        blank=True,
        help_text=_("For a flow or a change, the first day it covers, e.g. 2023-01-01."),
    )
    period_end = models.DateField(
        _("period end"),
        null=True,
        blank=True,
        help_text=_("For a flow or a change, the last day it covers, e.g. 2023-12-31."),
    )
    as_of_note = models.CharField(
        _("as-of note"),
        max_length=200,
        blank=True,
        help_text=_("When the source gives no date, say so, e.g. 'undated page: “currently”'."),
    )
    includes = models.TextField(
        _("what it includes"), blank=True, help_text=_("Which people the number counts and which it leaves out.")
    )
    themes = models.ManyToManyField(
        Theme,
        verbose_name=_("themes"),
        related_name="statistics",
        blank=True,
        help_text=_("The subjects readers filter by, e.g. 'Forced displacement'; choose every one that applies."),
    )

    objects = DisplacementStatisticManager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = newest_first()
        verbose_name = _("displacement statistic")
        verbose_name_plural = _("displacement statistics")
        permissions = [("publish_displacementstatistic", _("Can publish and retract displacement statistics"))]
        indexes = [
            # The explorer's usual filters, and its newest-first table.
            models.Index(fields=["status", "population_type", "origin_country"], name="statistic_type_origin_idx"),
            models.Index(fields=["status", "-as_of_date"], name="statistic_status_date_idx"),
        ]
        constraints = [
            *attributed_value_constraints("statistic"),
            *_geography_constraints("origin"),
            *_geography_constraints("host"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="statistic_period_end_not_before_start",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.public_id,)

    def clean(self):
        super().clean()
        if self.measurement == Measurement.STOCK and self.rate_period:
            raise ValidationError({"rate_period": _("A stock counts people at a date; it has no rate.")})
        if self.as_of_date is None and self.period_end is None and not self.as_of_note:
            raise ValidationError(
                {"as_of_note": _("Give the as-of date or period, or say that the source does not date it.")}
            )

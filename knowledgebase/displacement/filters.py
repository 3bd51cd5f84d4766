"""The FilterSet behind /displacement/ (page, exports and API)."""

import django_filters
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from knowledgebase.core.models import Country
from knowledgebase.core.translation import in_language
from knowledgebase.displacement.models import (
    Cause,
    DisplacementStatistic,
    GeographyScope,
    Measurement,
    PopulationType,
    newest_first,
)
from knowledgebase.presentation.widgets import (
    DateRangeWidget,
    Facet,
    FastCheckboxSelectMultiple,
    FastSelectMultiple,
    MemoisedChoicesMixin,
)
from knowledgebase.serving.content_version import memoised

GLOBAL = "global"


def geography_choices():
    """``global`` and every country: what ``origin`` and ``host`` accept (a country without statistics
    too, which selects none), read once per content version."""
    return memoised(
        "displacement.filters.geography",
        lambda: [(GLOBAL, str(_("Global"))), *Country.objects.values_list("code", in_language("name", Country))],
    )


@extend_schema_field(OpenApiTypes.STR)
class GeographyFilter(django_filters.MultipleChoiceFilter):
    """``global`` or ISO 3166-1 alpha-2 codes; repeat the parameter for any of several."""

    def __init__(self, side, **kwargs):
        self.side = side
        super().__init__(choices=geography_choices, method=self.filter_geography, widget=FastSelectMultiple, **kwargs)

    def filter_geography(self, queryset, name, values):
        if not values:
            return queryset
        condition = Q(**{f"{self.side}_country__in": [v for v in values if v != GLOBAL]})
        if GLOBAL in values:
            condition |= Q(**{f"{self.side}_scope": GeographyScope.GLOBAL})
        return queryset.filter(condition)


STATISTIC_COUNT = ngettext_lazy("%(count)s statistic", "%(count)s statistics", "count")


def published_statistics_by(side):
    """The facet of ``origin`` or ``host``: "global" (when global statistics are published) and each
    country with published statistics, with how many each selects, from one aggregate query."""
    scope, code, name = f"{side}_scope", f"{side}_country", f"{side}_country_name"

    def counted():
        rows = (
            DisplacementStatistic.objects.published()
            .values(scope, code, **{name: in_language(F(f"{side}_country__name"), DisplacementStatistic)})
            .annotate(facet_count=Count("id"))
            .order_by(name, code, scope)
        )
        worldwide, countries = 0, {}
        for row in rows:
            if row[scope] == GeographyScope.GLOBAL:
                worldwide += row["facet_count"]
            if row[code] is not None:
                label, count = countries.get(row[code], (row[name], 0))
                countries[row[code]] = (label, count + row["facet_count"])
        found = [(GLOBAL, _("Global"), worldwide)] if worldwide else []
        return found + [(key, label, count) for key, (label, count) in countries.items()]

    return Facet(counted=counted, find_label=_("Find a country"), count_text=STATISTIC_COUNT)


class StatisticFilter(MemoisedChoicesMixin, django_filters.FilterSet):
    """Its page shows the origins and hosts as facets: "global" and the countries that published
    statistics have, each with how many."""

    # Columns of the row itself: no join can repeat a row, so no DISTINCT (django-filter's default for a
    # multiple choice), which sorted every selected row on every column before the page's 25.
    population_type = django_filters.MultipleChoiceFilter(
        label=_("Population type"), choices=PopulationType.choices, widget=FastCheckboxSelectMultiple, distinct=False
    )
    cause = django_filters.MultipleChoiceFilter(
        label=_("Cause"), choices=Cause.choices, widget=FastCheckboxSelectMultiple, distinct=False
    )
    measurement = django_filters.MultipleChoiceFilter(
        label=_("Stock or flow"), choices=Measurement.choices, widget=FastCheckboxSelectMultiple, distinct=False
    )
    origin = GeographyFilter("origin", label=_("Origin"))
    host = GeographyFilter("host", label=_("Host"))
    period = django_filters.DateFromToRangeFilter(label=_("Period"), method="filter_period", widget=DateRangeWidget)

    facets = {"origin": published_statistics_by("origin"), "host": published_statistics_by("host")}

    class Meta:
        model = DisplacementStatistic
        fields = []

    def ordering(self):
        """The explorer's table order, which its downloads and the API keep (see core.filtering)."""
        return newest_first()

    def filter_period(self, queryset, name, value):
        """Stocks by their as-of date, flows and changes by their period."""
        if value.start:
            queryset = queryset.filter(Q(as_of_date__gte=value.start) | Q(period_end__gte=value.start))
        if value.stop:
            queryset = queryset.filter(Q(as_of_date__lte=value.stop) | Q(period_start__lte=value.stop))
        return queryset

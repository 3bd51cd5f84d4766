"""FilterSets for the actor and organisation lists (page and API)."""

import django_filters
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from knowledgebase.actors.models import Actor, ActorKind, Organization, OrganizationKind
from knowledgebase.core.models import Country
from knowledgebase.core.translation import in_language
from knowledgebase.presentation.widgets import Facet, FastSelectMultiple, MemoisedChoicesMixin
from knowledgebase.serving.content_version import memoised


class NameSearchFilter(django_filters.CharFilter):
    def __init__(self, **kwargs):
        super().__init__(label=_("Name or alias"), method=self.search, max_length=200, **kwargs)

    @staticmethod
    def search(queryset, name, value):
        return queryset.search(value) if value.strip() else queryset


class ByName:
    """For a FilterSet whose list is in name order: the page's order, which the API keeps (see
    core.filtering); the id settles equal names, so numbered pages never repeat or skip a row."""

    def ordering(self):
        return ["name", "id"]


def country_filter():
    """Repeatable ISO 3166-1 alpha-2 code of the country an actor or organisation is based in."""
    return django_filters.ModelMultipleChoiceFilter(
        label=_("Country"),
        field_name="country",
        to_field_name="code",
        queryset=Country.objects.all(),
        widget=FastSelectMultiple,
    )


def _kinds_and_countries(model):
    """[(kind, country code, country name, how many)] of ``model``'s rows, in one aggregate query kept once
    per content version: the kind and country facets of its list share it."""
    return memoised(
        f"actors.filters.{model.__name__}.kinds-and-countries",
        lambda: list(
            model.objects.values_list("kind", "country", in_language("country__name", model))
            .annotate(facet_count=Count("id"))
            .order_by(in_language("country__name", model), "country", "kind")
        ),
    )


def kind_facet(model, count_text):
    """The kinds that ``model`` has rows of, in the order of its kinds, with how many each."""

    def counted():
        counts = {}
        for kind, _code, _name, count in _kinds_and_countries(model):
            counts[kind] = counts.get(kind, 0) + count
        kinds = model._meta.get_field("kind").choices
        return [(kind, label, counts[kind]) for kind, label in kinds if kind in counts]

    return Facet(counted=counted, count_text=count_text)


def country_facet(model, count_text):
    """The countries that ``model`` has rows based in, by name, with how many each."""

    def counted():
        countries = {}
        for _kind, code, name, count in _kinds_and_countries(model):
            if code is not None:
                label, total = countries.get(code, (name, 0))
                countries[code] = (label, total + count)
        return [(code, label, count) for code, (label, count) in countries.items()]

    return Facet(counted=counted, find_label=_("Find a country"), count_text=count_text)


ACTOR_COUNT = ngettext_lazy("%(count)s actor", "%(count)s actors", "count")
ORGANIZATION_COUNT = ngettext_lazy("%(count)s organisation", "%(count)s organisations", "count")


class ActorFilter(ByName, MemoisedChoicesMixin, django_filters.FilterSet):
    """Its page shows the kinds and the countries as facets: only those actors have, with how many."""

    q = NameSearchFilter()
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=ActorKind.choices, widget=FastSelectMultiple)
    country = country_filter()

    facets = {"kind": kind_facet(Actor, ACTOR_COUNT), "country": country_facet(Actor, ACTOR_COUNT)}

    class Meta:
        model = Actor
        fields = []


class OrganizationFilter(ByName, MemoisedChoicesMixin, django_filters.FilterSet):
    """Its page shows the kinds and the countries as facets: only those organisations have, with how many."""

    q = NameSearchFilter()
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=OrganizationKind.choices, widget=FastSelectMultiple
    )
    country = country_filter()

    facets = {
        "kind": kind_facet(Organization, ORGANIZATION_COUNT),
        "country": country_facet(Organization, ORGANIZATION_COUNT),
    }

    class Meta:
        model = Organization
        fields = []

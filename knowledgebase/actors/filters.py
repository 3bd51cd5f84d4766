"""FilterSets for the actor and organisation lists (page and API)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from knowledgebase.actors.models import Actor, ActorKind, Organization, OrganizationKind
from knowledgebase.core.models import Country
from knowledgebase.presentation.widgets import FastSelectMultiple, MemoisedChoicesMixin


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


class ActorFilter(ByName, MemoisedChoicesMixin, django_filters.FilterSet):
    q = NameSearchFilter()
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=ActorKind.choices, widget=FastSelectMultiple)
    country = country_filter()

    class Meta:
        model = Actor
        fields = []


class OrganizationFilter(ByName, MemoisedChoicesMixin, django_filters.FilterSet):
    q = NameSearchFilter()
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=OrganizationKind.choices, widget=FastSelectMultiple
    )
    country = country_filter()

    class Meta:
        model = Organization
        fields = []

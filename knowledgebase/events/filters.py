"""The filters of events: what the events app alone can say about them (its text, type, category,
themes, countries, participants, dates, disputes) and the order of its lists. The public list adds the
facets of the apps above it (``pages.filters``)."""

import django_filters
from django import forms
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.filtering import ExistsFilter, ToOneKeyFilter
from knowledgebase.core.models import Country, Theme
from knowledgebase.events.models import Event, EventCategory, EventType, Participation
from knowledgebase.presentation.widgets import (
    DateRangeWidget,
    FastCheckboxSelectMultiple,
    FastSelectMultiple,
    MemoisedChoicesMixin,
)

SORT_NEWEST = "newest"
SORT_OLDEST = "oldest"
SORT_RELEVANCE = "relevance"
SORT_CHOICES = [
    (SORT_NEWEST, _("Newest first")),
    (SORT_OLDEST, _("Oldest first")),
    (SORT_RELEVANCE, _("Relevance (with a search)")),
]
ORDERINGS = {
    SORT_NEWEST: ["-start_date", "-id"],
    SORT_OLDEST: ["start_date", "id"],
}


def _participation_exists(field):
    return lambda pks: Participation.objects.filter(event=OuterRef("pk"), **{f"{field}__in": pks})


def _through_exists(relation, column):
    def exists(pks):
        through = Event._meta.get_field(relation).remote_field.through
        return through.objects.filter(event=OuterRef("pk"), **{f"{column}__in": pks})

    return exists


class EventFilter(MemoisedChoicesMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    type = ToOneKeyFilter(
        label=_("Type"),
        field_name="event_type__slug",
        to_field_name="slug",
        queryset=EventType.objects.select_related("category"),
        widget=FastCheckboxSelectMultiple,
    )
    category = ToOneKeyFilter(
        label=_("Category"),
        field_name="event_type__category__slug",
        to_field_name="slug",
        queryset=EventCategory.objects.all(),
        widget=FastCheckboxSelectMultiple,
    )
    theme = ExistsFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        exists=_through_exists("themes", "theme_id"),
        widget=FastCheckboxSelectMultiple,
    )
    country = ExistsFilter(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="code",
        exists=_through_exists("countries", "country_id"),
        widget=FastSelectMultiple,
    )
    actor = ExistsFilter(
        label=_("Actor"),
        queryset=Actor.objects.all(),
        exists=_participation_exists("actor_id"),
        widget=forms.MultipleHiddenInput,
    )
    organization = ExistsFilter(
        label=_("Organisation"),
        queryset=Organization.objects.all(),
        exists=_participation_exists("organization_id"),
        widget=forms.MultipleHiddenInput,
    )
    date = django_filters.DateFromToRangeFilter(label=_("Date"), field_name="start_date", widget=DateRangeWidget)
    disputed = django_filters.BooleanFilter(
        label=_("Disputed figures"),
        field_name="has_disputed_figures",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Only disputed")), ("false", _("Not disputed"))]),
    )
    sort = django_filters.ChoiceFilter(label=_("Sort"), choices=SORT_CHOICES, method="filter_sort", empty_label=None)

    class Meta:
        model = Event
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_sort(self, queryset, name, value):
        return queryset  # the order is ordering()'s, applied after the filters (the search rank exists then)

    def ordering(self):
        """The order of the list's page, which its downloads and the API keep (see core.filtering)."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        sort = data.get("sort") or (SORT_RELEVANCE if (data.get("q") or "").strip() else SORT_NEWEST)
        if sort == SORT_RELEVANCE and (data.get("q") or "").strip():
            return ["-search_rank", "-start_date", "-id"]
        return ORDERINGS.get(sort, ORDERINGS[SORT_NEWEST])


class ExchangeFilter(EventFilter):
    """The POW exchange tracker's filters: those of the event list, over exchanges listed in date order,
    oldest first, whatever ``sort`` says (the tracker is a chronology, with a cumulative chart)."""

    def ordering(self):
        return ["start_date", "id"]

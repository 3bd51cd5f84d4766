"""The filters of events: what the events app alone can say about them (its text, type, category,
themes, countries, participants, dates, disputes) and the order of its lists. The public list adds the
facets of the apps above it (``pages.filters``)."""

import copy

import django_filters
from django import forms
from django.db.models import Count, OuterRef
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.filtering import CodesFilter, ExistsFilter, ToOneKeyFilter
from knowledgebase.core.models import Country, PublicationStatus, Theme
from knowledgebase.events.models import Event, EventCategory, EventType, Participation
from knowledgebase.presentation.widgets import (
    DateRangeWidget,
    Facet,
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


def published_events_of(path, *, distinct=False):
    """A facet's count: the values with published events (reached from the value by ``path``), each
    annotated with how many, in one aggregate query. ``distinct`` where one event can reach a value twice."""

    def count(queryset):
        return queryset.filter(**{f"{path}__status": PublicationStatus.PUBLISHED}).annotate(
            facet_count=Count(path, distinct=distinct)
        )

    return count


def published_types():
    """The event types with published events, each with its category and how many: one query, which the
    type and category facets share (an event has one type, so a category's count is its types')."""
    from knowledgebase.serving.content_version import memoised

    return memoised(
        "events.filters.published-types",
        lambda: list(published_events_of("events")(EventType.objects.select_related("category"))),
    )


def _types_counted(queryset):
    return published_types()


def _categories_counted(queryset):
    counts, categories = {}, {}
    for event_type in published_types():
        counts[event_type.category_id] = counts.get(event_type.category_id, 0) + event_type.facet_count
        categories[event_type.category_id] = event_type.category
    counted = []
    for pk, category in sorted(categories.items(), key=lambda item: (item[1].position, item[1].name)):
        counted.append(copy.copy(category))
        counted[-1].facet_count = counts[pk]
    return counted


EVENT_COUNT = ngettext_lazy("%(count)s event", "%(count)s events", "count")


def event_facet(path, *, distinct=False, find_label=""):
    """A filter of events shown as a facet: its values with published events, and how many each."""
    return Facet(published_events_of(path, distinct=distinct), find_label=find_label, count_text=EVENT_COUNT)


#: The event list's facets (``pages.filters`` adds the IHL provisions).
EVENT_FACETS = {
    "category": Facet(_categories_counted, count_text=EVENT_COUNT),
    "type": Facet(_types_counted, find_label=_("Find a type"), count_text=EVENT_COUNT),
    "theme": event_facet("events", find_label=_("Find a theme")),
    "country": event_facet("events", find_label=_("Find a country")),
}


def _stock_attributes(attrs):
    """Attributes as Django's ``attrs.html`` writes them: a true one bare, a false one left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """``forms.Select`` written in Python, byte for byte as Django's ``select.html`` and ``select_option.html``
    write it (the same options selected, every value and label escaped): the event list's two selects cost it
    a dozen template renders each. A select of option groups is left to Django's templates."""

    def render(self, name, value, attrs=None, renderer=None):
        if any(isinstance(label, list | tuple) for _value, label in self.choices):
            return super().render(name, value, attrs, renderer)
        options = [
            f'\n  <option value="{escape(option["value"])}"{_stock_attributes(option["attrs"])}>'
            f"{escape(option['label'])}</option>\n"
            for _group, group, _index in self.optgroups(name, self.format_value(value))
            for option in group
        ]
        attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(f'<select name="{escape(name)}"{_stock_attributes(attrs)}>{"".join(options)}\n</select>')  # noqa: S308


class EventFilter(MemoisedChoicesMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    type = ToOneKeyFilter(
        label=_("Type"),
        field_name="event_type",
        to_field_name="slug",
        queryset=EventType.objects.select_related("category"),
        widget=FastCheckboxSelectMultiple,
    )
    category = ToOneKeyFilter(
        label=_("Category"),
        field_name="event_type__category",
        to_field_name="slug",
        queryset=EventCategory.objects.all(),
        widget=FastCheckboxSelectMultiple,
    )
    theme = CodesFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        codes_field="theme_keys",
        code_attribute="pk",
        widget=FastCheckboxSelectMultiple,
    )
    country = CodesFilter(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="code",
        codes_field="country_codes",
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
        widget=PlainSelect(choices=[("", _("Any")), ("true", _("Only disputed")), ("false", _("Not disputed"))]),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), choices=SORT_CHOICES, method="filter_sort", empty_label=None, widget=PlainSelect
    )

    class Meta:
        model = Event
        fields = []

    def get_form_class(self):
        """The form class, made once per FilterSet class: its fields depend on nothing a request carries, and
        django-filter would otherwise build every field and the class again for each request."""
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_class = form_class
        return form_class

    def filter_q(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_sort(self, queryset, name, value):
        return queryset  # the order is ordering()'s, applied after the filters (the search rank exists then)

    def _sort(self):
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        searching = bool((data.get("q") or "").strip())
        sort = data.get("sort") or (SORT_RELEVANCE if searching else SORT_NEWEST)
        return sort if sort != SORT_RELEVANCE or searching else SORT_NEWEST

    def ordering(self):
        """The order of the list's page, which its downloads and the API keep (see core.filtering)."""
        if self._sort() == SORT_RELEVANCE:
            return ["-search_rank", "-start_date", "-id"]
        return self.date_ordering()

    def date_ordering(self):
        """The list's order by date: the chosen one, newest first for relevance (which the page falls back to
        when a search matches too many events to rank them all)."""
        return ORDERINGS.get(self._sort(), ORDERINGS[SORT_NEWEST])

    def by_relevance(self):
        """True when the list is ordered by the search's rank."""
        return self._sort() == SORT_RELEVANCE


class ExchangeFilter(EventFilter):
    """The POW exchange tracker's filters: those of the event list, over exchanges listed in date order,
    oldest first, whatever ``sort`` says (the tracker is a chronology, with a cumulative chart)."""

    def ordering(self):
        return ["start_date", "id"]

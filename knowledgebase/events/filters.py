"""The one FilterSet behind /events/ (the page, its exports, its feed and the API), and the exchange tracker's."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.models import Country, Theme
from knowledgebase.core.widgets import FastCheckboxSelectMultiple, FastSelectMultiple, MemoisedChoicesMixin
from knowledgebase.events.models import Event, EventCategory, EventType, Participation

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


class DateRangeWidget(django_filters.widgets.DateRangeWidget):
    """Two date inputs, each with its own label (axe flags one label for two inputs)."""

    template_name = "events/widgets/date_range.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"type": "date", **(attrs or {})})


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(django_filters.ModelMultipleChoiceFilter):
    """Repeatable slug parameter matched through a to-one relation (``?type=a&type=b`` means either).

    A to-one path cannot repeat a row, so no DISTINCT (which would compare every column of every row).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class SlugMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """Repeatable slug parameter (``?actor=a&actor=b`` means either), matched with EXISTS, never a join."""

    def __init__(self, *args, exists, **kwargs):
        self.exists = exists
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("distinct", False)
        super().__init__(*args, method=self.filter_exists, **kwargs)

    def filter_exists(self, queryset, name, values):
        if not values:
            return queryset
        return queryset.filter(Exists(self.exists([value.pk for value in values])))


def _participation_exists(field):
    return lambda pks: Participation.objects.filter(event=OuterRef("pk"), **{f"{field}__in": pks})


def _through_exists(relation, column):
    def exists(pks):
        through = Event._meta.get_field(relation).remote_field.through
        return through.objects.filter(event=OuterRef("pk"), **{f"{column}__in": pks})

    return exists


def _allegation_exists(pks):
    # ihl sits to the right of events: follow the reverse relation by name, without importing it.
    return Event.objects.filter(pk=OuterRef("pk"), allegations__provision__in=pks)


def _provisions(request):
    from django.apps import apps

    return apps.get_model("ihl", "Provision").objects.all()


class EventFilter(MemoisedChoicesMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    type = SlugFilter(
        label=_("Type"),
        field_name="event_type__slug",
        to_field_name="slug",
        queryset=EventType.objects.select_related("category"),
        widget=FastCheckboxSelectMultiple,
    )
    category = SlugFilter(
        label=_("Category"),
        field_name="event_type__category__slug",
        to_field_name="slug",
        queryset=EventCategory.objects.all(),
        widget=FastCheckboxSelectMultiple,
    )
    theme = SlugMultipleChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        exists=_through_exists("themes", "theme_id"),
        widget=FastCheckboxSelectMultiple,
    )
    country = SlugMultipleChoiceFilter(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="code",
        exists=_through_exists("countries", "country_id"),
        widget=FastSelectMultiple,
    )
    actor = SlugMultipleChoiceFilter(
        label=_("Actor"),
        queryset=Actor.objects.all(),
        exists=_participation_exists("actor_id"),
        widget=forms.MultipleHiddenInput,
    )
    organization = SlugMultipleChoiceFilter(
        label=_("Organisation"),
        queryset=Organization.objects.all(),
        exists=_participation_exists("organization_id"),
        widget=forms.MultipleHiddenInput,
    )
    provision = SlugMultipleChoiceFilter(
        label=_("IHL provision"), queryset=_provisions, exists=_allegation_exists, widget=FastCheckboxSelectMultiple
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

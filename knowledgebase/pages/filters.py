"""The filters of the public event lists: the events app's own, and the IHL facet, which only a layer
above both events and ihl can join (events alleged to violate a provision)."""

from django.db.models import Count, OuterRef
from django.utils.translation import gettext_lazy, ngettext_lazy

from knowledgebase.core.filtering import ExistsFilter
from knowledgebase.core.models import PublicationStatus
from knowledgebase.events.filters import EVENT_FACETS, EventFilter, ExchangeFilter, event_facet
from knowledgebase.events.selectors import PRISONER_EXCHANGE
from knowledgebase.ihl.models import Allegation, Provision
from knowledgebase.presentation.widgets import Facet, FastCheckboxSelectMultiple


def _alleged(pks):
    return Allegation.objects.filter(event=OuterRef("pk"), provision__in=pks)


provision = ExistsFilter(
    label=gettext_lazy("IHL provision"),
    queryset=Provision.objects.all(),
    exists=_alleged,
    kept_choices=True,
    widget=FastCheckboxSelectMultiple,
)


class EventListFilter(EventFilter):
    """/events/, its downloads, its feed and the API: the events app's filters and the IHL facet. Its page
    shows the taxonomies, countries and provisions as facets: only values with published events, counted."""

    provision = provision
    facets = {**EVENT_FACETS, "provision": event_facet("allegations__event", distinct=True)}
    #: The order of the filters on the page, which the active filters above the results follow.
    display_order = [
        "q",
        "actor",
        "organization",
        "date",
        "country",
        "category",
        "type",
        "theme",
        "provision",
        "disputed",
    ]


def _with_published_exchanges(queryset):
    """The countries of published prisoner exchanges, each with how many (one aggregate query; every
    condition in one ``filter()``, so that the count joins the events once)."""
    return queryset.filter(
        events__status=PublicationStatus.PUBLISHED, events__event_type__slug=PRISONER_EXCHANGE
    ).annotate(facet_count=Count("events"))


EXCHANGE_COUNT = ngettext_lazy("%(count)s exchange", "%(count)s exchanges", "count")


class ExchangeListFilter(ExchangeFilter):
    """/pow-exchanges/ and its download: the tracker's filters and the IHL facet. Its page shows the
    countries as a facet: only those of published exchanges, with how many exchanges each. The page
    shows the date and the country; the other filters are read from links, and listed above the
    results like them."""

    provision = provision
    facets = {
        "country": Facet(
            _with_published_exchanges, find_label=gettext_lazy("Find a country"), count_text=EXCHANGE_COUNT
        )
    }
    display_order = EventListFilter.display_order

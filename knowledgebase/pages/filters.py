"""The filters of the public event lists: the events app's own, and the IHL facet, which only a layer
above both events and ihl can join (events alleged to violate a provision)."""

from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _

from knowledgebase.core.filtering import ExistsFilter
from knowledgebase.events.filters import EventFilter, ExchangeFilter
from knowledgebase.ihl.models import Allegation, Provision
from knowledgebase.presentation.widgets import FastCheckboxSelectMultiple


def _alleged(pks):
    return Allegation.objects.filter(event=OuterRef("pk"), provision__in=pks)


provision = ExistsFilter(
    label=_("IHL provision"), queryset=Provision.objects.all(), exists=_alleged, widget=FastCheckboxSelectMultiple
)


class EventListFilter(EventFilter):
    """/events/, its downloads, its feed and the API: the events app's filters and the IHL facet."""

    provision = provision


class ExchangeListFilter(ExchangeFilter):
    """/pow-exchanges/ and its download: the tracker's filters and the IHL facet."""

    provision = provision

"""Atom feeds of new and updated published events: all of them, any filter of /events/, or one actor's."""

from django.contrib.syndication.views import Feed
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from knowledgebase.actors.models import Actor
from knowledgebase.events.filters import EventFilter
from knowledgebase.events.models import Event

FEED_SIZE = 50


class EventFeed(Feed):
    """Newest changes first; the same GET parameters as /events/ narrow it."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        self.filterset = EventFilter(
            request.GET or None, queryset=Event.objects.published().for_list(), request=request
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return JsonResponse(
                {"error": _("Some filters could not be read."), "fields": self.filterset.errors}, status=400
            )
        self.query_string = request.GET.urlencode()
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return _("Events: new and updated")

    def link(self):
        return reverse("events:list") + (f"?{self.query_string}" if self.query_string else "")

    def subtitle(self):
        return _("Published events of the knowledge base, newest changes first.")

    def items(self):
        return self.filterset.qs.order_by("-updated_at", "-id")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return item.public_id

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.event_type.name, *(country.code for country in item.countries.all())]


class ActorEventFeed(EventFeed):
    """Published events an actor took part in."""

    def get_object(self, request, slug):
        return get_object_or_404(Actor, slug=slug)

    def title(self, actor):
        return _("Events with %(name)s") % {"name": actor.name}

    def link(self, actor):
        return actor.get_absolute_url()

    def items(self, actor):
        return (
            self.filterset.qs.filter(participations__actor=actor).distinct().order_by("-updated_at", "-id")[:FEED_SIZE]
        )

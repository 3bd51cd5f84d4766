"""Atom feeds of new and updated published events: all of them, any filter of /events/, or one actor's."""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from knowledgebase.actors.models import Actor
from knowledgebase.core.filtering import bind_filters
from knowledgebase.events.models import Event
from knowledgebase.opendata.feeds import TextSummaryAtomFeed
from knowledgebase.pages.filters import EventListFilter
from knowledgebase.serving.caching import filter_parameters

FEED_SIZE = 50


@dataclass(frozen=True)
class Selection:
    """What one request asked the feed for. The feed object serves every request, from several threads
    at once, so nothing of a request may be kept on it."""

    events: QuerySet
    query_string: str
    actor: Actor | None = None


class EventFeed(Feed):
    """Newest changes first; the same GET parameters as /events/ narrow it."""

    cache_parameters = filter_parameters(EventListFilter)
    feed_type = TextSummaryAtomFeed

    def __call__(self, request, *args, **kwargs):
        selected = bind_filters(request, EventListFilter, Event.objects.published().for_list())
        if not selected.is_valid:
            return selected.error_response()
        request.feed_events = selected.rows  # on the request, never on this feed object that all share
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return Selection(request.feed_events, request.GET.urlencode())

    def title(self, selection):
        return _("Events: new and updated")

    def link(self, selection):
        return reverse("events:list") + (f"?{selection.query_string}" if selection.query_string else "")

    def subtitle(self):
        return _("Published events of the knowledge base, newest changes first.")

    def items(self, selection):
        return selection.events.order_by("-updated_at", "-id")[:FEED_SIZE]

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
        return [item.event_type.name, *item.country_codes]


class ActorEventFeed(EventFeed):
    """Published events an actor took part in."""

    def get_object(self, request, slug):
        actor = get_object_or_404(Actor, slug=slug)
        return Selection(request.feed_events, request.GET.urlencode(), actor)

    def title(self, selection):
        return _("Events with %(name)s") % {"name": selection.actor.name}

    def link(self, selection):
        return selection.actor.get_absolute_url()

    def items(self, selection):
        events = selection.events.filter(participations__actor=selection.actor).distinct()
        return events.order_by("-updated_at", "-id")[:FEED_SIZE]

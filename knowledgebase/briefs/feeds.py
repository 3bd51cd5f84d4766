"""Atom feed of published briefs."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from knowledgebase.briefs.models import Brief
from knowledgebase.opendata.feeds import TextSummaryAtomFeed

FEED_SIZE = 50


class BriefFeed(Feed):
    cache_parameters = frozenset()
    feed_type = TextSummaryAtomFeed
    title = _("Briefs")
    subtitle = _("Analysis and advocacy published in the knowledge base.")
    link = reverse_lazy("briefs:list")

    def items(self):
        return Brief.objects.published().select_related("organization").order_by("-updated_at", "-id")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_link(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return item.organization.name

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.updated_at

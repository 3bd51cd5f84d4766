"""The sitemap: published events and briefs, actors, organisations, provisions, the profiles of countries
with published content, and the main pages; every page in each language of the site, with its
``hreflang`` alternates and the English address as ``x-default``."""

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.urls import reverse

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.briefs.models import Brief
from knowledgebase.events.models import Event
from knowledgebase.ihl.models import Provision
from knowledgebase.pages.countries import content_counts


class LanguagePairs:
    """(item, language) for every item and language, as Django's i18n sitemap pages them, without reading
    every item: its length is a count, and a page reads only the items that page holds (a slice)."""

    def __init__(self, items, languages):
        self.items = items
        self.languages = languages

    def count(self):
        items = len(self.items) if isinstance(self.items, list | tuple) else self.items.count()
        return items * len(self.languages)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(self.count())
        width = len(self.languages)
        pairs = [(item, code) for item in self.items[start // width : -(-stop // width)] for code in self.languages]
        offset = start - start // width * width
        return pairs[offset : offset + max(stop - start, 0)]


class Sitemap(DjangoSitemap):
    """A section of the sitemap in every language, each address with its alternates."""

    i18n = True
    alternates = True
    x_default = True

    def _items(self):
        return LanguagePairs(self.items(), self._languages())


class PublishedSitemap(Sitemap):
    model = None
    limit = 10000  # rows per sitemap page; the index lists every page

    def items(self):
        return self.model.objects.published().only("pk", "updated_at", *self.fields).order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class EventSitemap(PublishedSitemap):
    model = Event
    fields = ["public_id"]


class BriefSitemap(PublishedSitemap):
    model = Brief
    fields = ["slug"]


class EntitySitemap(Sitemap):
    model = None

    def items(self):
        return self.model.objects.only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class ActorSitemap(EntitySitemap):
    model = Actor


class OrganizationSitemap(EntitySitemap):
    model = Organization


class ProvisionSitemap(Sitemap):
    def items(self):
        return Provision.objects.order_by("pk")


class CountrySitemap(Sitemap):
    """Profiles of the countries that published events or statistics concern."""

    def items(self):
        return sorted(content_counts())

    def location(self, item):
        return reverse("countries:detail", kwargs={"code": item})


class PageSitemap(Sitemap):
    def items(self):
        return [
            "pages:home",
            "events:list",
            "events:pow-exchanges",
            "displacement:explorer",
            "briefs:list",
            "actors:actor-list",
            "actors:organization-list",
            "ihl:list",
            "countries:list",
            "pages:data",
            "pages:about",
            "pages:methodology",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "events": EventSitemap,
    "briefs": BriefSitemap,
    "actors": ActorSitemap,
    "organizations": OrganizationSitemap,
    "provisions": ProvisionSitemap,
    "countries": CountrySitemap,
}

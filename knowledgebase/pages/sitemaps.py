"""The sitemap: published events and briefs, actors, organisations, provisions, the profiles of countries
with published content, and the main pages; every page in each language of the site, with its
``hreflang`` alternates and the English address as ``x-default``.

However many events there are, a section's page reads only its own rows, from the key where it starts: the
number of rows and the key that starts every page are kept per content version (``memoised``, one pass over
the published rows' keys), and a page never skips rows with an OFFSET. Each address is its page's address in
that language with the row's key put in (one ``reverse`` per language, not one per row and language), and
the index's latest change of a section is one ``Max``, which an index serves for events. A section's page is
Django's view with its XML written out directly (``sitemap_section``), not through the template, which took most of
the time of a page of 10,000 addresses.
"""

import datetime
import html
from urllib.parse import quote

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import F, Max, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone, translation

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.briefs.models import Brief
from knowledgebase.events.models import Event
from knowledgebase.ihl.models import Provision
from knowledgebase.pages.countries import content_counts
from knowledgebase.serving.content_version import memoised

# What ``reverse`` leaves unquoted in a path (django.urls.resolvers: RFC 3986's sub-delimiters and "/~:@").
_SAFE_IN_PATH = "!$&'()*+,;=/~:@"
_KEY = "sitemap-key"


class KeyedRows:
    """The rows of a queryset ordered by primary key, as a sitemap pages them: ``count()`` and slices.

    The count, and the key of every ``step``-th row, are kept per content version (``memoised`` under
    ``name``); a slice is read from the kept key at or before its start (``pk >= key``, an index range),
    with an offset of less than ``step`` rows, never an offset over every row before it."""

    def __init__(self, queryset, name, step):
        self.queryset = queryset
        self.name = name
        self.step = step

    def count(self):
        return memoised(f"sitemap:{self.name}:count", self.queryset.count)

    def __len__(self):
        return self.count()

    def __iter__(self):
        return iter(self.queryset)

    def _starts(self):
        """[key of row 0, key of row step, key of row 2·step, …] in one query (the row numbers are counted
        over the keys alone)."""
        numbered = self.queryset.order_by().annotate(row=Window(RowNumber(), order_by=F("pk").asc()))
        rows = numbered.annotate(place=(F("row") - 1) % self.step).filter(place=0).order_by("row")
        return list(rows.values_list("pk", flat=True))

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("KeyedRows only takes slices without a step")
        start, stop = index.start or 0, index.stop
        if start < self.step:
            return self.queryset[start:stop]
        starts = memoised(f"sitemap:{self.name}:starts:{self.step}", self._starts)
        block = start // self.step
        if block >= len(starts):
            return self.queryset.none()
        skip = block * self.step
        rest = self.queryset.filter(pk__gte=starts[block])
        return rest[start - skip : None if stop is None else stop - skip]


class LanguagePairs:
    """(item, language) for every item and language, as Django's i18n sitemap pages them, without reading
    every item: its length is a count, and a page reads only the items that page holds (a slice)."""

    def __init__(self, items, languages):
        self.items = items
        self.languages = languages
        self._count = None

    def count(self):
        if self._count is None:
            items = len(self.items) if isinstance(self.items, list | tuple) else self.items.count()
            self._count = items * len(self.languages)
        return self._count

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
    """A section of the sitemap in every language, each address with its alternates.

    With ``url_name``, an item's address is that page's (its ``get_absolute_url()``) with the item's ``url_key``
    attribute as the page's one argument, ``url_kwarg``: worked out from one ``reverse`` per language."""

    i18n = True
    alternates = True
    x_default = True
    url_name = None
    url_kwarg = "slug"
    url_key = "slug"

    def _items(self):
        return LanguagePairs(self.items(), self._languages())

    def _address(self, language):
        """(before, after) the key in the address of ``url_name`` in ``language``."""
        addresses = self.__dict__.setdefault("_addresses", {})
        if language not in addresses:
            with translation.override(language):
                path = reverse(self.url_name, kwargs={self.url_kwarg: _KEY})
            before, _key, after = path.rpartition(_KEY)
            addresses[language] = (before, after)
        return addresses[language]

    def _location(self, item, force_lang_code=None):
        if self.url_name is None:
            return super()._location(item, force_lang_code)
        row, language = item
        before, after = self._address(force_lang_code or language)
        key = row.__dict__.get("_sitemap_key")
        if key is None:  # each item's address is written several times (its own, its alternates')
            key = row.__dict__["_sitemap_key"] = quote(str(getattr(row, self.url_key)), safe=_SAFE_IN_PATH)
        return before + key + after


class ModelSitemap(Sitemap):
    """Rows of a model by primary key, each with its last change; a section's latest change is one Max."""

    model = None
    fields = ["slug"]

    def rows(self):
        return self.model.objects.all()

    def items(self):
        rows = self.rows().only("pk", "updated_at", *self.fields).order_by("pk")
        # One page of this section holds limit // languages rows.
        return KeyedRows(rows, self.model._meta.label_lower, max(self.limit // len(self._languages()), 1))

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        """The latest ``lastmod`` of the section (Django's reads every row for it)."""
        return self.rows().aggregate(latest=Max("updated_at"))["latest"]


class PublishedSitemap(ModelSitemap):
    limit = 10000  # addresses per sitemap page; the index lists every page

    def rows(self):
        return self.model.objects.published()


class EventSitemap(PublishedSitemap):
    model = Event
    fields = ["public_id"]
    url_name = "events:detail"
    url_kwarg = "key"
    url_key = "public_id"


class BriefSitemap(PublishedSitemap):
    model = Brief
    url_name = "briefs:detail"


class ActorSitemap(ModelSitemap):
    model = Actor
    url_name = "actors:actor-detail"


class OrganizationSitemap(ModelSitemap):
    model = Organization
    url_name = "actors:organization-detail"


class ProvisionSitemap(Sitemap):
    url_name = "ihl:detail"

    def items(self):
        return KeyedRows(Provision.objects.order_by("pk"), "ihl.provision", self.limit // len(self._languages()))


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


_URLSET_START = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)


def _day(value):
    """``value|date:"Y-m-d"`` as the template wrote it: a date and time in the current time zone."""
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def escape(text):
    """What the template's autoescape writes (``django.utils.html.escape`` without its lazy-string wrapper)."""
    return html.escape(str(text))


def urlset_xml(urls):
    """The XML of Django's ``sitemap.xml`` template (its ``spaceless`` output) for ``urls``, byte for byte."""
    days = {}
    parts = [_URLSET_START]
    for url in urls:
        parts.append(f"<url><loc>{escape(url['location'])}</loc>")
        if url["lastmod"]:
            day = days.get(url["lastmod"]) or days.setdefault(url["lastmod"], _day(url["lastmod"]))
            parts.append(f"<lastmod>{day}</lastmod>")
        if url["changefreq"]:
            parts.append(f"<changefreq>{escape(url['changefreq'])}</changefreq>")
        if url["priority"]:
            parts.append(f"<priority>{escape(url['priority'])}</priority>")
        for alternate in url["alternates"]:
            parts.append(
                f'<xhtml:link rel="alternate" hreflang="{escape(alternate["lang_code"])}" '
                f'href="{escape(alternate["location"])}"/>'
            )
        parts.append("</url>")
    parts.append("\n</urlset>\n")
    return "".join(parts)


def sitemap_section(request, sitemaps, section):
    """Django's view of a sitemap section (its pages, 404s and headers), its XML written by ``urlset_xml``."""
    response = sitemap_views.sitemap(request, sitemaps, section)
    response.content = urlset_xml(response.context_data["urlset"])
    return response

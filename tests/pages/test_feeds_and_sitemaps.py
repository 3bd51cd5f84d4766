"""Atom feeds, the sitemap, robots.txt and structured data."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from knowledgebase.events.models import Event
from knowledgebase.pages import sitemaps
from knowledgebase.serving.content_version import content_changed_at
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE, SEP_2022_EXCHANGE
from tests.factories import ActorFactory, BriefFactory, EventFactory, ParticipationFactory

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/events/",
        "/feeds/events/?country=UA&type=prisoner-exchange",
        "/feeds/briefs/",
        "/feeds/actors/dmytro-lubinets/",
    ],
)
def test_every_feed_parses_without_a_bozo_error(client, demo_content, url):
    parsed = feedparser.parse(client.get(url).content)

    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.entries


def test_a_filtered_feed_has_the_filtered_events_only(client, demo_content):
    parsed = feedparser.parse(client.get("/feeds/events/?country=UA&type=prisoner-exchange").content)

    assert sorted(entry.id for entry in parsed.entries) == sorted([JAN_2024_EXCHANGE, SEP_2022_EXCHANGE])


def test_an_actor_feed_lists_the_events_they_took_part_in(client, demo_content):
    parsed = feedparser.parse(client.get("/feeds/actors/viktor-medvedchuk/").content)

    assert [entry.id for entry in parsed.entries] == [SEP_2022_EXCHANGE]


def test_feeds_never_carry_drafts(client, demo_content):
    parsed = feedparser.parse(client.get("/feeds/events/").content)

    assert DRAFT_EVENT not in {entry.id for entry in parsed.entries}


def test_a_feed_with_a_bad_filter_is_a_400(client, db):
    assert client.get("/feeds/events/?date_after=soon").status_code == 400


def sitemap_locations(client):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = []
    for section in index.findall("sm:sitemap/sm:loc", SITEMAP_NS):
        path = re.sub(r"^https?://[^/]+", "", section.text)
        page = ET.fromstring(client.get(path).content)
        locations += [loc.text for loc in page.findall("sm:url/sm:loc", SITEMAP_NS)]
    return locations


def test_sitemap_lists_published_pages_and_no_draft(client, demo_content):
    locations = sitemap_locations(client)

    assert any(loc.endswith(f"/events/{JAN_2024_EXCHANGE}/") for loc in locations)
    assert any(loc.endswith("/briefs/wilson-center-forced-displacement/") for loc in locations)
    assert not any(DRAFT_EVENT in loc for loc in locations)


def test_sitemap_leaves_out_retracted_events(client, db):
    retracted = EventFactory(status="retracted", retraction_note="Wrong place")

    assert not any(retracted.public_id in loc for loc in sitemap_locations(client))


def test_robots_points_to_the_sitemap(client, db):
    text = client.get("/robots.txt").content.decode()

    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_event_page_describes_itself_for_search_engines(client, demo_content):
    html = client.get(f"/events/{SEP_2022_EXCHANGE}/").content.decode()
    (data,) = json_ld(html)

    assert data["@type"] == "Event" and data["startDate"] == "2022-09"
    assert f'<link rel="canonical" href="http://testserver/events/{SEP_2022_EXCHANGE}/">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary">' in html


def test_brief_organisation_and_list_pages_carry_their_types(client, demo_content):
    brief = json_ld(client.get("/briefs/isw-russia-ukraine-biggest-pow-exchange/").content.decode())[0]
    organization = json_ld(client.get("/organizations/wilson-center/").content.decode())[0]
    dataset = json_ld(client.get("/events/?country=UA").content.decode())[0]

    assert brief["@type"] == "Article" and brief["datePublished"] == "2024-01-03"
    assert organization["@type"] == "Organization"
    assert dataset["@type"] == "Dataset"
    assert {d["encodingFormat"] for d in dataset["distribution"]} == {"text/csv", "application/json"}
    assert all("country=UA" in d["contentUrl"] for d in dataset["distribution"])


def test_json_ld_cannot_be_closed_by_content(client, db):
    event = EventFactory(published=True, title="</script><script>alert(1)</script>")

    html = client.get(event.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html


ATOM = {"atom": "http://www.w3.org/2005/Atom"}


@pytest.mark.parametrize("url", ["/feeds/events/", "/feeds/actors/{actor}/", "/feeds/briefs/"])
def test_feeds_deliver_editors_text_as_text_not_html(client, db, url):
    event = EventFactory(published=True, summary="Editors wrote <b>x</b> & more")
    actor = ActorFactory(slug="feed-actor")
    ParticipationFactory(event=event, actor=actor)
    BriefFactory(published=True, standfirst="Editors wrote <b>x</b> & more")

    feed = ET.fromstring(client.get(url.format(actor=actor.slug)).content)
    (summary,) = feed.findall("atom:entry/atom:summary", ATOM)

    assert summary.get("type") == "text"
    assert summary.text == "Editors wrote <b>x</b> & more"


def test_a_feed_reader_shows_the_markup_as_written(client, db):
    EventFactory(published=True, summary="<b>x</b>")

    (entry,) = feedparser.parse(client.get("/feeds/events/").content).entries

    assert entry.summary_detail.type == "text/plain"
    assert entry.summary == "<b>x</b>"


@pytest.mark.parametrize("path", ["/feeds/events/", "/feeds/actors/{actor}/"])
def test_a_feed_keeps_each_readers_filters_apart(rf, db, path):
    """One feed object serves every request (and threads): a reader's filters must not leak into another
    reader's feed that is being written at the same moment."""
    from unittest import mock

    from django.contrib.syndication.views import Feed
    from django.urls import resolve

    actor = ActorFactory()
    for country, title in (("UA", "Only in Ukraine"), ("RU", "Only in Russia")):
        ParticipationFactory(event=EventFactory(published=True, countries=[country], title=title), actor=actor)
    url = path.format(actor=actor.slug)
    match = resolve(url)
    write_feed = Feed.get_feed

    def another_reader_arrives_meanwhile(feed, obj, request):
        if request.GET.get("country") == "UA":
            match.func(rf.get(url, {"country": "RU"}), **match.kwargs)
        return write_feed(feed, obj, request)

    with mock.patch.object(Feed, "get_feed", another_reader_arrives_meanwhile):
        body = match.func(rf.get(url, {"country": "UA"}), **match.kwargs).content.decode()

    assert "Only in Ukraine" in body
    assert "Only in Russia" not in body


# --- The sitemap over many rows: its pages read by key, counted once per content version -----------


class StockEventSitemap(DjangoSitemap):
    """What the events' section lists, the way Django's i18n sitemap lists it: every published event by key,
    in each language with its alternates, read in full (the reference the section must match)."""

    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Event.objects.published().order_by("pk")

    def lastmod(self, event):
        return event.updated_at


@pytest.fixture
def uncached(settings):
    """No page cache: each request runs its queries (the kept counts and keys still hold)."""
    settings.PAGE_CACHE_SECONDS = 0


def stock_page(rf, sitemap, page):
    """A page of ``sitemap`` as Django's own view and template write it (status, body, headers)."""
    try:
        response = sitemap_views.sitemap(rf.get("/sitemap-events.xml", {"p": page}), {"events": sitemap}, "events")
    except Http404:
        return 404, None, None
    response.render()
    return 200, response.content, response.headers.get("Last-Modified")


def published_and_draft_events(count):
    events = []
    for n in range(count):
        events.append(EventFactory(published=True, title=f"Published {n}"))
        EventFactory(title=f"Draft {n}")  # drafts between them: a page's keys are not consecutive
    return events


def test_every_page_of_the_events_sitemap_is_djangos_page(client, rf, db, monkeypatch):
    """Pages of 4 addresses (2 events in 2 languages): each page after the first starts from its kept key, and
    each is byte for byte the page Django's view and template write over every row. Its Last-Modified, like
    every public page's, is the time of the last content change (serving.caching), not Django's latest row of
    the page: the two differ whenever a later write (here, a draft) falls in a later second."""
    monkeypatch.setattr(sitemaps.EventSitemap, "limit", 4)
    monkeypatch.setattr(StockEventSitemap, "limit", 4)
    published_and_draft_events(7)

    for page in range(1, 6):  # 4 pages, then one past the end
        response = client.get("/sitemap-events.xml", {"p": page})
        status, body, modified = stock_page(rf, StockEventSitemap, page)
        assert response.status_code == status
        if status == 200:
            assert response.content == body
            assert modified is not None
            assert response.headers.get("Last-Modified") == http_date(content_changed_at())
    assert client.get("/sitemap-events.xml", {"p": "two"}).status_code == 404


def test_a_deep_sitemap_page_reads_from_its_key_not_over_an_offset(client, db, monkeypatch, uncached):
    monkeypatch.setattr(sitemaps.EventSitemap, "limit", 4)
    events = published_and_draft_events(7)
    client.get("/sitemap-events.xml", {"p": 3})  # the count and the pages' first keys, once per version

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/sitemap-events.xml", {"p": 3})

    assert response.status_code == 200
    assert len(queries) == 1
    assert "OFFSET" not in queries[0]["sql"].upper()
    assert f'"events_event"."id" >= {events[4].pk}' in queries[0]["sql"]


def test_the_sitemap_follows_content_changes(client, db, monkeypatch, uncached):
    """The kept count and keys belong to a content version: an event published later is listed at once."""
    monkeypatch.setattr(sitemaps.EventSitemap, "limit", 4)
    published_and_draft_events(4)
    assert client.get("/sitemap-events.xml", {"p": 3}).status_code == 404

    late = EventFactory(published=True)

    assert late.public_id in client.get("/sitemap-events.xml", {"p": 3}).content.decode()
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-events.xml?p=3</loc>" in index


def test_the_sitemap_index_dates_each_section_by_its_latest_published_change(client, db):
    """One Max per section (Django's index reads every row for it); a draft's newer change does not count."""
    old, new = EventFactory(published=True), EventFactory(published=True)
    Event.objects.filter(pk=old.pk).update(updated_at=datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC))
    Event.objects.filter(pk=new.pk).update(updated_at=datetime.datetime(2024, 5, 2, 12, tzinfo=datetime.UTC))
    draft = EventFactory()
    Event.objects.filter(pk=draft.pk).update(updated_at=datetime.datetime(2025, 1, 1, 12, tzinfo=datetime.UTC))

    index = ET.fromstring(client.get("/sitemap.xml").content)
    lastmods = {
        entry.find("sm:loc", SITEMAP_NS).text.rsplit("/", 1)[-1]: entry.find("sm:lastmod", SITEMAP_NS)
        for entry in index.findall("sm:sitemap", SITEMAP_NS)
    }

    assert lastmods["sitemap-events.xml"].text.startswith("2024-05-02")
    assert sitemaps.EventSitemap().get_latest_lastmod() == StockEventSitemap().get_latest_lastmod()


def test_the_sitemap_index_counts_once_per_content_version(client, db, uncached):
    published_and_draft_events(3)
    client.get("/sitemap.xml")
    with CaptureQueriesContext(connection) as few:
        client.get("/sitemap.xml")
    published_and_draft_events(20)
    client.get("/sitemap.xml")  # a new content version: counted again once
    with CaptureQueriesContext(connection) as many:
        client.get("/sitemap.xml")

    assert len(many) == len(few)
    assert not any("COUNT(" in query["sql"].upper() for query in many)


# --- The events' feed: newest changes first, from an index of that order ----------------------------


def test_the_events_feed_lists_the_newest_changes_first(client, db, django_assert_num_queries, uncached):
    events = [EventFactory(published=True, title=f"Event {n}") for n in range(4)]
    EventFactory(title="Draft")
    days = [3, 1, 4, 1]  # two changed at the same time: the later id first
    for event, day in zip(events, days, strict=True):
        Event.objects.filter(pk=event.pk).update(updated_at=datetime.datetime(2024, 1, day, tzinfo=datetime.UTC))

    client.get("/feeds/events/")  # the countries' names, kept per content version
    with django_assert_num_queries(1):
        parsed = feedparser.parse(client.get("/feeds/events/").content)

    assert [entry.id for entry in parsed.entries] == [
        events[2].public_id,
        events[0].public_id,
        events[3].public_id,
        events[1].public_id,
    ]

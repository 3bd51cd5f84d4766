"""Every public page in English at its address and in Ukrainian under /uk/: the language switcher, <html lang>,
hreflang alternates and canonical links, the page cache kept apart per language, the feeds and the sitemap."""

import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest

from tests.browser.checks import MAIN_PAGES
from tests.conftest import JAN_2024_EXCHANGE

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def html_lang(html):
    return re.search(r'<html lang="([^"]+)">', html).group(1)


def alternates(html):
    """{hreflang: href} of the page's <link rel="alternate" hreflang> elements."""
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def canonical(html):
    return re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)


def switcher(html):
    """{language: (href, is current)} of the language switcher."""
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    links = re.findall(r'<a href="([^"]*)" lang="([^"]+)" hreflang="([^"]+)"( aria-current="true")?>', nav)
    return {lang: (unescape(href), bool(current)) for href, lang, hreflang, current in links if lang == hreflang}


def ukrainian(path):
    return "/uk" + path


@pytest.mark.parametrize("name", sorted(MAIN_PAGES))
def test_every_main_page_answers_in_ukrainian_with_alternates_both_ways(shared_demo_content, client, name):
    path = MAIN_PAGES[name]
    bare = path.split("?")[0]

    english = client.get(path)
    other = client.get(ukrainian(path))

    assert english.status_code == other.status_code == 200
    en_html, uk_html = english.content.decode(), other.content.decode()
    assert html_lang(en_html) == "en" and html_lang(uk_html) == "uk"
    assert other["Content-Language"] == "uk"
    expected = {
        "en": f"http://testserver{bare}",
        "uk": f"http://testserver/uk{bare}",
        "x-default": f"http://testserver{bare}",
    }
    assert alternates(en_html) == alternates(uk_html) == expected
    assert canonical(en_html) == expected["en"] and canonical(uk_html) == expected["uk"]
    assert switcher(uk_html) == {"en": (path, False), "uk": (ukrainian(path), True)}
    assert switcher(en_html) == {"en": (path, True), "uk": (ukrainian(path), False)}


def test_the_switcher_keeps_the_filters_and_drops_what_the_page_does_not_read(client, db):
    html = client.get("/uk/events/?country=UA&junk=1&type=prisoner-exchange&page=1").content.decode()

    assert switcher(html)["en"] == ("/events/?country=UA&page=1&type=prisoner-exchange", False)


def test_a_page_that_does_not_exist_offers_the_other_languages_home_and_no_alternates(client, db):
    response = client.get("/uk/no-such-page/")
    html = response.content.decode()

    assert response.status_code == 404
    assert html_lang(html) == "uk"
    assert switcher(html) == {"en": ("/", False), "uk": ("/uk/no-such-page/", True)}
    assert alternates(html) == {}


def test_the_ukrainian_navigation_leads_to_ukrainian_pages(client, db):
    html = client.get("/uk/events/").content.decode()

    assert 'href="/uk/pow-exchanges/"' in html and 'href="/uk/about/methodology/"' in html
    assert 'href="/uk/feeds/events/"' in html
    assert 'href="/pow-exchanges/"' not in html


# The page cache: the path and the language are in the key, so a copy never crosses languages; the language of
# an unprefixed page is English whatever Accept-Language says, so that header can neither change nor poison it.


def test_the_cache_never_serves_one_language_under_the_others_address(client, db):
    for _ in range(2):
        english = client.get("/events/")
        other = client.get("/uk/events/")

    assert english["X-Cache"] == other["X-Cache"] == "hit"
    assert html_lang(english.content.decode()) == "en"
    assert html_lang(other.content.decode()) == "uk"


def test_accept_language_neither_changes_nor_poisons_an_english_page(client, db):
    asked_in_ukrainian = client.get("/events/", HTTP_ACCEPT_LANGUAGE="uk")
    plain = client.get("/events/")
    other = client.get("/uk/events/", HTTP_ACCEPT_LANGUAGE="en")

    assert html_lang(asked_in_ukrainian.content.decode()) == "en"
    assert asked_in_ukrainian["Content-Language"] == "en"
    assert plain["X-Cache"] == "hit" and plain.content == asked_in_ukrainian.content
    assert html_lang(other.content.decode()) == "uk"


def test_a_lang_parameter_does_not_change_a_page(client, db):
    response = client.get("/events/?lang=uk")

    assert html_lang(response.content.decode()) == "en"


# Feeds and the sitemap


@pytest.mark.parametrize("path", ["/feeds/events/", "/feeds/briefs/", "/feeds/actors/dmytro-lubinets/"])
def test_each_feed_exists_in_each_language_with_its_links(shared_demo_content, client, path):
    english = ET.fromstring(client.get(path).content)
    other = ET.fromstring(client.get(ukrainian(path)).content)

    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert english.get(lang) == "en" and other.get(lang) == "uk"
    en_links = [link.get("href") for link in english.iter("{http://www.w3.org/2005/Atom}link")]
    uk_links = [link.get("href") for link in other.iter("{http://www.w3.org/2005/Atom}link")]
    assert uk_links and all(href.startswith("http://testserver/uk/") for href in uk_links)
    assert en_links and not any("/uk/" in href for href in en_links)
    en_entries = [e.find("atom:link", ATOM).get("href") for e in english.findall("atom:entry", ATOM)]
    uk_entries = [e.find("atom:link", ATOM).get("href") for e in other.findall("atom:entry", ATOM)]
    assert en_entries and [href.replace("testserver/", "testserver/uk/", 1) for href in en_entries] == uk_entries


def test_a_filtered_ukrainian_feed_keeps_its_filters(shared_demo_content, client):
    feed = ET.fromstring(client.get("/uk/feeds/events/?country=UA").content)

    links = {link.get("rel"): link.get("href") for link in feed.findall("atom:link", ATOM)}
    assert links["alternate"] == "http://testserver/uk/events/?country=UA"


def sitemap_entries(client):
    """{loc: {hreflang: href}} over every section of the sitemap."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    entries = {}
    for section in index.findall("sm:sitemap/sm:loc", SITEMAP_NS):
        page = ET.fromstring(client.get(re.sub(r"^https?://[^/]+", "", section.text)).content)
        for url in page.findall("sm:url", SITEMAP_NS):
            links = {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", SITEMAP_NS)}
            entries[url.findtext("sm:loc", namespaces=SITEMAP_NS)] = links
    return entries


def test_the_sitemap_lists_every_page_in_both_languages_with_alternates(shared_demo_content, client):
    entries = sitemap_entries(client)

    event = f"http://testserver/events/{JAN_2024_EXCHANGE}/"
    event_uk = f"http://testserver/uk/events/{JAN_2024_EXCHANGE}/"
    assert entries[event] == entries[event_uk] == {"en": event, "uk": event_uk, "x-default": event}
    english = {loc for loc in entries if "/uk/" not in loc}
    assert {loc.replace("testserver/", "testserver/uk/", 1) for loc in english} == set(entries) - english
    assert "http://testserver/uk/" in entries and "http://testserver/uk/countries/UA/" in entries


def test_a_sitemap_page_holds_its_share_of_pairs(shared_demo_content, client, settings):
    from knowledgebase.pages.sitemaps import EventSitemap

    sitemap = EventSitemap()
    sitemap.limit = 3
    pages = [sitemap.paginator.page(number).object_list for number in sitemap.paginator.page_range]

    pairs = [(item.pk, code) for page in pages for item, code in page]
    expected = [(pk, code) for pk in sorted(item.pk for item in sitemap.items()) for code in ("en", "uk")]
    assert pairs == expected
    assert [len(page) for page in pages][:-1] == [3] * (len(pages) - 1)


def test_the_data_page_documents_the_languages_of_the_open_data(client, db):
    html = client.get("/data/").content.decode()

    assert 'id="languages"' in html
    for text in ("/events/export.csv?lang=uk", "/api/v1/events/?lang=uk", "/uk/feeds/events/", "Accept-Language"):
        assert text in html


def test_dates_on_a_ukrainian_page_read_in_ukrainian(shared_demo_content, client):
    html = client.get(f"/uk/events/{JAN_2024_EXCHANGE}/").content.decode()

    assert "3 січня 2024" in html
    assert "3 Січень 2024" not in html and "3 January 2024" not in html


# --- Names read from aggregates (facets, maps, charts) are in the page's language too ------------


def test_facets_maps_and_charts_name_countries_and_types_in_the_pages_language(shared_demo_content, client):
    from tests import factories
    from tests.reading import facet

    factories.StatisticFactory(
        published=True, origin_scope="country", origin_country_id="UA", host_scope="country", host_country_id="PL"
    )
    actors = client.get("/uk/actors/")
    statistics = client.get("/uk/displacement/")
    profile = client.get("/uk/countries/UA/").content.decode()

    assert ("UA", "Україна") in [(code, label) for code, label, _n, _checked in facet(actors, "country")]
    assert ("KZ", "Казахстан") in [(code, label) for code, label, _n, _checked in facet(actors, "country")]
    assert ("UA", "Україна") in [(code, label) for code, label, _n, _checked in facet(statistics, "origin")]
    assert ("PL", "Польща") in [(code, label) for code, label, _n, _checked in facet(statistics, "host")]
    assert "Польща" in statistics.content.decode().split('id="map-heading"', 1)[1]  # the map and its table
    assert "Обмін полоненими" in profile  # the events-by-type chart and its table
    assert "Prisoner exchange" not in profile
    assert "<title>Польща</title>" in profile  # a country of the locator map without content
    assert "<title>Poland</title>" in client.get("/countries/UA/").content.decode()


def test_the_map_of_a_selection_is_kept_once_per_language(shared_demo_content, client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    english = client.get("/events/", {"country": "UA"}).content.decode()
    ukrainian = client.get("/uk/events/", {"country": "UA"}).content.decode()

    assert "Ukraine: 12 events" in unescape(english)
    assert "Україна" in ukrainian and "Ukraine: 12" not in unescape(ukrainian)


def test_the_sites_own_name_reads_in_the_pages_language_and_an_operators_name_as_set(client, db, settings):
    from django.core.cache import cache

    assert "<title>Події · База знань про переміщених осіб і військовополонених</title>" in (
        client.get("/uk/events/").content.decode()
    )
    assert "<title>Events · Displacement and POW Knowledge Base</title>" in client.get("/events/").content.decode()

    settings.SITE_NAME = "Captivity Records"
    cache.clear()  # the pages kept above
    assert "<title>Події · Captivity Records</title>" in client.get("/uk/events/").content.decode()

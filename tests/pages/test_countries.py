"""Country profiles, the list of countries, and the maps of /events/ and /displacement/, over HTTP, on the
demo content (and a few rows of its own where the seed has none: coordinates, statistics by country)."""

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.presentation import maps
from tests import factories
from tests.conftest import JAN_2024_EXCHANGE, SEP_2022_EXCHANGE
from tests.presentation.test_maps import CRIMEA, covers

SVG = "{http://www.w3.org/2000/svg}"


def svg_of(response, svg_id):
    html = response.content.decode()
    start = html.index(f'<svg class="map-svg" id="{svg_id}"')
    return ET.fromstring(html[start : html.index("</svg>", start) + len("</svg>")])


def links_of(svg):
    """{href: aria-label} of the shapes in the tab order."""
    return {unescape(a.get("href")): a.get("aria-label") for a in svg.iter(f"{SVG}a") if a.get("tabindex") is None}


def path_of(svg, href):
    link = next(a for a in svg.iter(f"{SVG}a") if unescape(a.get("href")) == href)
    return link.find(f"{SVG}path").get("d")


def section(response, heading_id):
    html = response.content.decode()
    start = html.rindex("<section", 0, html.index(f'aria-labelledby="{heading_id}"'))
    return html[start : html.index("</section>", start)]


def text(html):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- /countries/UA/ -------------------------------------------------------------------------------


def test_ukraine_shows_both_seed_exchanges_with_each_sides_numbers(shared_demo_content, client):
    response = client.get("/countries/UA/")

    assert response.status_code == 200
    exchanges = section(response, "exchanges-heading")
    assert f'href="/events/{JAN_2024_EXCHANGE}/"' in exchanges
    assert f'href="/events/{SEP_2022_EXCHANGE}/"' in exchanges
    rows = text(exchanges)
    assert "Returned to Ukraine Returned to Russian Federation" in rows  # the country's own side first
    assert (
        "Russia and Ukraine hold the largest POW exchange of the war to date 3 January 2024 · mediated by "
        "United Arab Emirates 230 disputed 173–230 248"
    ) in rows
    assert (
        "Russia and Ukraine exchange 215 Ukrainian POWs for 55 Russian POWs and political prisoners "
        "September 2022 215 55"
    ) in rows
    assert rows.index("3 January 2024") < rows.index("September 2022")  # newest first


def test_a_profile_shows_the_locator_map_with_crimea_inside_ukraine(shared_demo_content, client):
    response = client.get("/countries/UA/")
    svg = svg_of(response, "country-map")
    focus = [p for p in svg.iter(f"{SVG}path") if "map-focus" in (p.get("class") or "")]

    assert len(focus) == 1
    assert covers(focus[0].get("d"), *maps.project(*CRIMEA))
    assertContains(response, 'href="/about/methodology/#borders"')


def test_a_profile_charts_its_events_by_year_and_type_with_the_numbers_beside(shared_demo_content, client):
    response = client.get("/countries/UA/")
    events = section(response, "events-heading")

    assert 'id="country-events"' in events
    table = text(events[events.index("<table") : events.index("</table>")])
    assert "Type 2022 2023 2024" in table
    assert "Prisoner exchange 1 0 1" in table
    assertContains(response, '<a href="/events/?country=UA">12</a>', html=True)


def test_a_profile_lists_latest_events_actors_briefs_and_its_downloads(shared_demo_content, client):
    response = client.get("/countries/UA/")
    html = response.content.decode()

    assert f'href="/events/{JAN_2024_EXCHANGE}/"' in section(response, "events-heading")
    assert 'href="/actors/dmytro-lubinets/"' in section(response, "actors-heading")
    assert 'href="/actors/rosgvardia/"' not in section(response, "actors-heading")
    assert 'href="/briefs/isw-russia-ukraine-biggest-pow-exchange/"' in section(response, "briefs-heading")
    assert 'href="/briefs/wilson-center-forced-displacement/"' not in section(response, "briefs-heading")
    for url in (
        "/events/export.csv?country=UA",
        "/events/export.json?country=UA",
        "/pow-exchanges/export.csv?country=UA",
        "/displacement/export.csv?origin=UA",
        "/displacement/export.csv?host=UA",
        "/api/v1/actors/?country=UA",
    ):
        assert f'href="{url}"' in html, url
    assertContains(
        response,
        '<link rel="alternate" type="application/atom+xml" title="Events concerning Ukraine" '
        'href="/feeds/events/?country=UA">',
        html=True,
    )


def download(client, url):
    return b"".join(client.get(url).streaming_content).decode()


def test_the_profiles_downloads_select_the_countrys_rows(shared_demo_content, client):
    kazakhstan = download(client, "/events/export.csv?country=KZ")
    exchanges = download(client, "/pow-exchanges/export.csv?country=UA")

    rows = list(csv.reader(io.StringIO(kazakhstan)))[2:]  # after the header and the HXL hashtags
    assert [row[0] for row in rows] == ["phtbt5hp"]  # the Tokayev interview
    assert JAN_2024_EXCHANGE in exchanges and SEP_2022_EXCHANGE in exchanges


def test_a_profile_shows_displacement_from_and_hosted_in_the_country(shared_demo_content, client):
    factories.StatisticFactory(
        published=True, title="Refugees from Ukraine", origin_scope="country", origin_country_id="UA", value=6000
    )
    factories.StatisticFactory(
        published=True, title="Refugees hosted in Ukraine", host_scope="country", host_country_id="UA", value=40
    )
    factories.StatisticFactory(title="A draft from Ukraine", origin_scope="country", origin_country_id="UA")

    displacement = section(client.get("/countries/UA/"), "displacement-heading")

    people_from, hosted = displacement.split("People hosted in Ukraine")
    assert "Refugees from Ukraine" in people_from and "Refugees hosted in Ukraine" not in people_from
    assert "Refugees hosted in Ukraine" in hosted
    assert "A draft from Ukraine" not in displacement


@pytest.mark.parametrize(
    ("path", "location"), [("/countries/ua/", "/countries/UA/"), ("/countries/Ru/", "/countries/RU/")]
)
def test_a_code_in_lowercase_redirects_to_the_profile(shared_demo_content, client, path, location):
    response = client.get(path)

    assert response.status_code == 301
    assert response["Location"] == location


@pytest.mark.parametrize("path", ["/countries/ZZ/", "/countries/UKR/", "/countries/zz/", "/countries/U1/"])
def test_an_unknown_code_is_not_found(shared_demo_content, client, path):
    response = client.get(path, follow=True)

    assert response.status_code == 404


def test_a_country_without_content_still_has_a_profile_that_says_so(shared_demo_content, client):
    response = client.get("/countries/FR/")

    assert response.status_code == 200
    assertContains(response, "No published event or statistic concerns France yet.")
    assert "map-focus" in str(ET.tostring(svg_of(response, "country-map")))


def test_a_country_too_small_for_the_map_says_so(shared_demo_content, client):
    response = client.get("/countries/MT/")

    assertContains(response, "too small to be drawn")
    assertNotContains(response, 'id="country-map"')


# --- /countries/ ----------------------------------------------------------------------------------


def test_the_country_list_shows_only_countries_with_published_content_and_their_counts(shared_demo_content, client):
    factories.EventFactory(title="A draft in France", countries=["FR"])
    factories.StatisticFactory(title="Draft", origin_scope="country", origin_country_id="PL")

    response = client.get("/countries/")
    table = response.content.decode()
    table = table[table.index("<table") : table.index("</table>")]
    listed = re.findall(r'href="/countries/([A-Z]{2})/"', table)

    assert listed == ["KZ", "RU", "UA"]  # the UAE is a mediator (an actor), not content; drafts do not count
    assert "Kazakhstan 1 0 0" in text(table)
    assert "Ukraine 12 0 0" in text(table)


def test_a_statistic_puts_its_countries_on_the_list(shared_demo_content, client):
    factories.StatisticFactory(
        published=True, origin_scope="country", origin_country_id="SY", host_scope="country", host_country_id="TR"
    )

    table = text(client.get("/countries/").content.decode())

    assert "Syria 0 1 0" in table or "Syrian Arab Republic 0 1 0" in table
    assert re.search(r"T(urkey|ürkiye) 0 0 1", table)


def test_the_country_list_maps_countries_to_their_profiles(shared_demo_content, client):
    svg = svg_of(client.get("/countries/"), "countries-map")

    assert links_of(svg) == {
        "/countries/KZ/": "Kazakhstan: 1 event",
        "/countries/RU/": "Russian Federation: 10 events",
        "/countries/UA/": "Ukraine: 12 events",
    }


def test_country_profiles_are_in_the_sitemap_when_they_have_content(shared_demo_content, client):
    sitemap = client.get("/sitemap-countries.xml").content.decode()
    pages = client.get("/sitemap-pages.xml").content.decode()

    # Each profile in English and in Ukrainian (each address with its alternates, see tests/pages/test_languages.py).
    locations = re.findall(r"<loc>https?://[^/]+((?:/uk)?/countries/[A-Z]{2}/)</loc>", sitemap)
    assert locations == [f"{prefix}/countries/{code}/" for code in ("KZ", "RU", "UA") for prefix in ("", "/uk")]
    assert "/countries/</loc>" in pages


# --- Links to profiles ----------------------------------------------------------------------------


def test_countries_link_to_their_profile_wherever_they_are_shown(shared_demo_content, client):
    factories.StatisticFactory(published=True, origin_scope="country", origin_country_id="UA")
    profile = '<a href="/countries/UA/">Ukraine</a>'

    for path in (
        f"/events/{JAN_2024_EXCHANGE}/",
        "/events/",
        "/actors/dmytro-lubinets/",
        "/actors/",
        "/displacement/",
        "/countries/",
    ):
        assertContains(client.get(path), profile, html=False, msg_prefix=path)


# --- The map of /events/ --------------------------------------------------------------------------


def test_the_event_list_maps_its_selection_by_country(shared_demo_content, client):
    response = client.get("/events/")
    svg = svg_of(response, "events-map")

    assert links_of(svg) == {
        "/events/?country=KZ": "Kazakhstan: 1 event",
        "/events/?country=RU": "Russian Federation: 10 events",
        "/events/?country=UA": "Ukraine: 12 events",
    }
    assert covers(path_of(svg, "/events/?country=UA"), *maps.project(*CRIMEA))
    assert not covers(path_of(svg, "/events/?country=RU"), *maps.project(*CRIMEA))
    assertContains(response, "Table: Selected events by country")


def test_the_event_map_follows_the_filters_and_its_links_keep_them(shared_demo_content, client):
    response = client.get("/events/", {"type": "prisoner-exchange", "page": "1"})

    links = links_of(svg_of(response, "events-map"))

    assert links == {
        "/events/?type=prisoner-exchange&country=RU": "Russian Federation: 2 events",
        "/events/?type=prisoner-exchange&country=UA": "Ukraine: 2 events",
    }


def test_the_event_map_is_in_the_live_filter_fragment(shared_demo_content, client):
    response = client.get("/events/", {"country": "KZ"}, HTTP_X_REQUESTED_WITH="fetch")

    assert links_of(svg_of(response, "events-map")) == {  # Tokayev's interview concerns both
        "/events/?country=KZ": "Kazakhstan: 1 event",
        "/events/?country=RU": "Russian Federation: 1 event",
    }


def test_located_events_are_marked_by_precision_and_listed(shared_demo_content, client):
    def located(place, lat, lon, precision, countries=("UA",)):
        return factories.EventFactory(
            published=True,
            place_name=place,
            latitude=lat,
            longitude=lon,
            geo_precision=precision,
            countries=list(countries),
        )

    located("Kharkiv", "49.99000", "36.23000", "exact")
    located("Kharkiv", "49.99000", "36.23000", "exact")
    located("Near Bakhmut", "48.59000", "38.00000", "near")
    located("Zaporizhzhia oblast", "47.50000", "35.50000", "region")
    factories.EventFactory(published=True, countries=["PL"])

    response = client.get("/events/")
    svg = svg_of(response, "events-map")
    marks = {c.find(f"{SVG}title").text: c.get("class") for c in svg.iter(f"{SVG}circle")}

    assert marks == {
        "Kharkiv (exact point): 2": "map-mark map-mark-exact",
        "Near Bakhmut (near a place): 1": "map-mark map-mark-near",
        "Zaporizhzhia oblast (somewhere in a region): 1": "map-mark map-mark-region",
    }
    places = text(response.content.decode().split("Table: Located events by place")[1].split("</table>")[0])
    assert "Kharkiv 49.99, 36.23 exact point 2" in places
    assert "Near Bakhmut 48.59, 38 near a place 1" in places
    assert links_of(svg)["/events/?country=UA"] == "Ukraine: 16 events"  # 12 of the demo
    assertContains(response, "Events with coordinates are marked by how precisely they are located.")


def test_a_profile_marks_the_countrys_located_published_events(shared_demo_content, client):
    for status in ("published", "draft"):
        factories.EventFactory(
            published=status == "published",
            place_name=f"Kharkiv ({status})",
            latitude="49.99000",
            longitude="36.23000",
            geo_precision="exact",
            countries=["UA"],
        )
    factories.EventFactory(
        published=True, place_name="Warsaw", latitude="52.23000", longitude="21.01000", countries=["PL"]
    )

    response = client.get("/countries/UA/")

    svg = svg_of(response, "country-map")
    assert [c.find(f"{SVG}title").text for c in svg.iter(f"{SVG}circle")] == ["Kharkiv (published) (exact point): 1"]
    places = text(response.content.decode().split("Table: Located events by place")[1].split("</table>")[0])
    assert "Kharkiv (published) 49.99, 36.23 exact point 1" in places
    assert "Warsaw" not in places
    assertContains(response, "Events with coordinates are marked by how precisely they are located.")


def test_the_event_map_over_the_cap_maps_the_first_rows_and_says_so(shared_demo_content, client, settings):
    settings.LIST_COUNT_CAP = 3
    for day in range(5):
        factories.EventFactory(published=True, countries=["UA"], start_date=datetime.date(2025, 1, 1 + day))
    factories.EventFactory(published=True, countries=["PL"], start_date=datetime.date(2020, 1, 1))

    response = client.get("/events/")

    assert links_of(svg_of(response, "events-map")) == {"/events/?country=UA": "Ukraine: 3 events"}
    assertContains(response, "for the first 3 events of the selection")


def test_an_empty_selection_draws_no_map(shared_demo_content, client):
    assertNotContains(client.get("/events/", {"q": "nothing matches this"}), 'id="events-map"')


def test_the_event_map_data_is_kept_for_the_other_pages_of_a_selection_until_content_changes(
    shared_demo_content, client, settings
):
    settings.PAGE_CACHE_SECONDS = 60
    client.get("/events/", {"country": "UA"})

    with CaptureQueriesContext(connection) as queries:
        client.get("/events/", {"country": "UA", "sort": "oldest", "page": "2"})
    factories.EventFactory(published=True, countries=["UA"])  # bumps the content version
    response = client.get("/events/", {"country": "UA", "page": "3"})

    assert not any("UNION ALL" in query["sql"] for query in queries.captured_queries)
    assert links_of(svg_of(response, "events-map"))["/events/?country=UA"] == "Ukraine: 13 events"


# --- The map of /displacement/ --------------------------------------------------------------------


@pytest.fixture
def statistics_by_country(shared_demo_content):
    def make(title, origin, host, value, published=True):
        factories.StatisticFactory(
            published=published,
            title=title,
            origin_scope="country",
            origin_country_id=origin,
            host_scope="country",
            host_country_id=host,
            value=value,
        )

    make("Ukrainians in Poland", "UA", "PL", 950000)
    make("Ukrainians in Germany", "UA", "DE", 1100000)
    make("Syrians in Türkiye", "SY", "TR", 3200000)
    make("Draft", "AF", "PK", 5, published=False)
    factories.StatisticFactory(published=True, title="Worldwide")


def test_the_displacement_map_shades_countries_of_origin_by_their_largest_figure(statistics_by_country, client):
    response = client.get("/displacement/")
    svg = svg_of(response, "displacement-map")

    links = links_of(svg)
    assert set(links) == {"/displacement/?origin=UA", "/displacement/?origin=SY"}
    assert links["/displacement/?origin=UA"] == "Ukraine: largest figure 1,100,000 (2 statistics)"
    assertContains(response, '<a href="/displacement/" aria-current="true">Countries of origin</a>', html=True)
    assertContains(response, "are never added up")
    assert covers(path_of(svg, "/displacement/?origin=UA"), *maps.project(*CRIMEA))


def test_the_displacement_map_switches_to_host_countries_and_keeps_the_filters(statistics_by_country, client):
    response = client.get("/displacement/", {"map": "host", "population_type": "REF"})

    links = links_of(svg_of(response, "displacement-map"))

    assert set(links) == {
        "/displacement/?map=host&population_type=REF&host=PL",
        "/displacement/?map=host&population_type=REF&host=DE",
        "/displacement/?map=host&population_type=REF&host=TR",
    }
    assertContains(response, '<a href="/displacement/?population_type=REF">Countries of origin</a>', html=True)
    assertContains(response, "Table: Selected statistics by host country")


def test_with_only_global_statistics_the_displacement_map_says_why_nothing_is_shaded(shared_demo_content, client):
    response = client.get("/displacement/")

    assert links_of(svg_of(response, "displacement-map")) == {}
    assertContains(response, "No selected statistic counts people from a single country")


def test_an_unknown_map_view_falls_back_to_countries_of_origin(statistics_by_country, client):
    response = client.get("/displacement/", {"map": "<script>"})

    assert response.status_code == 200
    assert "/displacement/?origin=UA" in links_of(svg_of(response, "displacement-map"))


@pytest.mark.parametrize(
    "path",
    [
        "/countries/%C3%9F/",  # "ß".upper() is "SS", South Sudan's code: still not found
        "/countries/u%00/",
        "/countries/12/",
        "/countries/%D0%A3%D0%90/",  # Cyrillic "УА"
        "/countries/UA%2F..%2F/",
        "/countries/" + "U" * 300 + "/",
    ],
)
def test_a_hostile_country_segment_is_answered_calmly(shared_demo_content, client, path):
    assert client.get(path).status_code in (400, 404)


def test_hostile_map_parameters_are_answered_calmly(shared_demo_content, client):
    for query in ({"map": ["host", "origin", "x"]}, {"map": "\u202e"}, {"origin": "UA", "map": "host", "page": "999"}):
        assert client.get("/displacement/", query).status_code == 200


@pytest.mark.parametrize("url", ["/countries/", "/countries/UA/", "/events/", "/displacement/?map=host"])
def test_map_pages_carry_no_inline_script_or_style(shared_demo_content, client, url):
    html = client.get(url).content.decode()

    for tag in re.findall(r"<script[^>]*>", html):
        assert ' src="' in tag or 'type="application/ld+json"' in tag, tag
    assert "<style" not in html and " style=" not in html

"""The displacement statistics explorer (/displacement/): filters, a table that keeps sources, SVG charts."""

import csv
import datetime
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.displacement.views import PER_PAGE
from tests import factories
from tests.reading import chips, empty_result, facet, visible_text

SVG = "{http://www.w3.org/2000/svg}"

DEMO_STATISTICS = ["Forcibly displaced people worldwide", "Yearly growth in the number of forcibly displaced people"]


def table(response):
    html = response.content.decode()
    start = html.index('<section aria-labelledby="table-heading">')
    return html[start : html.index("</section>", start)]


def listed(response):
    """Labels of the statistics in the table, in order."""
    return re.findall(r'<th scope="row">([^<]+)', table(response))


def row(response, label):
    html = table(response)
    start = html.rindex("<tr>", 0, html.index(f'<th scope="row">{label}'))
    return visible_text(html[start : html.index("</tr>", start)])


@pytest.fixture
def statistics(shared_demo_content):
    """Synthetic test statistics that differ in one attribute at a time; labels say what they are."""
    source = factories.SourceFactory(title="Test dataset", reliability="B")
    common = {"published": True, "source": source}
    return {
        "refugees": factories.StatisticFactory(
            title="Test refugees from UA hosted in PL",
            population_type="REF",
            cause="conflict",
            origin_scope="country",
            origin_country_id="UA",
            host_scope="country",
            host_country_id="PL",
            value=1000,
            as_of_date=datetime.date(2023, 6, 30),
            **common,
        ),
        "idps": factories.StatisticFactory(
            title="Test IDPs in UA",
            population_type="IDP",
            cause="conflict",
            origin_scope="country",
            origin_country_id="UA",
            host_scope="country",
            host_country_id="UA",
            value=2000,
            as_of_date=datetime.date(2024, 3, 31),
            **common,
        ),
        "disaster": factories.StatisticFactory(
            title="Test new disaster displacements",
            population_type="IDP",
            cause="disaster",
            measurement="flow",
            value=3000,
            as_of_date=None,
            period_start=datetime.date(2023, 1, 1),
            period_end=datetime.date(2023, 12, 31),
            **common,
        ),
        "draft": factories.StatisticFactory(
            title="Test draft statistic", population_type="REF", host_scope="country", host_country_id="PL"
        ),
    }


def test_the_demo_statistics_are_listed_with_source_and_as_of(shared_demo_content, client):
    response = client.get("/displacement/")

    assert listed(response) == DEMO_STATISTICS
    assert row(response, "Forcibly displaced people worldwide").endswith(
        "about 110,000,000 All forcibly displaced people Stock: people displaced at a date Mixed or not stated "
        "Origin: Global Host: Global not dated by the source (Undated page: “currently”) "
        "Wilson Center ; Forced displacement (Wilson Center) reliability not graded"
    )
    assert "10,000,000 per year" in row(response, "Yearly growth in the number of forcibly displaced people")


def test_undated_statistics_draw_no_chart_and_say_why(shared_demo_content, client):
    response = client.get("/displacement/")

    assertContains(response, "No figure in this selection carries a date, so there is no time series to draw.")
    assertNotContains(response, 'id="displacement-series"')


def test_a_dated_statistic_shows_its_as_of_date_and_graded_source(client, statistics):
    response = client.get("/displacement/")

    text = row(response, "Test refugees from UA hosted in PL")
    assert (
        "1,000 Refugees Stock: people displaced at a date Conflict and violence "
        "Origin: Ukraine Host: Poland 30 June 2023"
    ) in text
    assert text.endswith(
        "Test dataset (" + statistics["refugees"].source.publisher.name + ", 3 January 2024) reliability B"
    )
    assert "1 January 2023 – 31 December 2023" in row(response, "Test new disaster displacements")


def test_draft_statistics_are_never_listed(client, statistics):
    response = client.get("/displacement/", {"host": "PL"})

    assert listed(response) == ["Test refugees from UA hosted in PL"]
    assertNotContains(response, "Test draft statistic")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"population_type": "IDP"}, ["Test IDPs in UA", "Test new disaster displacements"]),
        (
            {"population_type": ["REF", "IDP"]},
            ["Test IDPs in UA", "Test refugees from UA hosted in PL", "Test new disaster displacements"],
        ),
        ({"cause": "disaster"}, ["Test new disaster displacements"]),
        ({"cause": "mixed"}, DEMO_STATISTICS),
        ({"measurement": "flow"}, ["Test new disaster displacements"]),
        (
            {"measurement": ["change", "flow"]},
            ["Yearly growth in the number of forcibly displaced people", "Test new disaster displacements"],
        ),
        ({"origin": "UA"}, ["Test IDPs in UA", "Test refugees from UA hosted in PL"]),
        ({"host": "UA"}, ["Test IDPs in UA"]),
        ({"host": ["UA", "PL"]}, ["Test IDPs in UA", "Test refugees from UA hosted in PL"]),
        ({"host": "global", "population_type": "IDP"}, ["Test new disaster displacements"]),
        ({"period_after": "2024-01-01"}, ["Test IDPs in UA"]),
        ({"period_before": "2023-06-30"}, ["Test refugees from UA hosted in PL", "Test new disaster displacements"]),
        ({"period_after": "2023-07-01", "period_before": "2023-12-31"}, ["Test new disaster displacements"]),
    ],
    ids=[
        "population",
        "repeated-population",
        "cause",
        "cause-mixed",
        "flow",
        "repeated-measurement",
        "origin",
        "host",
        "repeated-host",
        "global-host",
        "period-after",
        "period-before",
        "period-between",
    ],
)
def test_filters_narrow_the_table(client, statistics, params, expected):
    response = client.get("/displacement/", params)

    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(expected)
    assertContains(response, f"{len(expected)} statistic")


def test_the_table_lists_the_latest_figures_first_and_undated_ones_last(client, statistics):
    response = client.get("/displacement/")

    assert listed(response) == [
        "Test IDPs in UA",  # as of 31 March 2024
        "Test new disaster displacements",  # period ending 31 December 2023
        "Test refugees from UA hosted in PL",  # as of 30 June 2023
        *DEMO_STATISTICS,  # undated
    ]


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("period_after", "not-a-date", "Period: Enter a valid date."),
        ("period_before", "2024-02-30", "Period: Enter a valid date."),
        ("origin", "XX", "Origin: Select a valid choice. XX is not one of the available choices."),
        ("population_type", "refugees", "Select a valid choice. refugees is not one of the available choices."),
        ("cause", "war", "Select a valid choice. war is not one of the available choices."),
    ],
)
def test_unreadable_filters_answer_400_with_a_message(shared_demo_content, client, param, value, message):
    response = client.get("/displacement/", {param: value})

    assertContains(response, message, status_code=400)
    assertContains(response, "No results are shown until the filters can be read.", status_code=400)
    assertNotContains(response, "Forcibly displaced people worldwide", status_code=400)


def test_charts_are_svg_with_a_title_and_a_description(client, statistics):
    response = client.get("/displacement/")
    html = response.content.decode()

    svgs = re.findall(r'<svg class="chart" [^>]*>.*?</svg>', html, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        chart_id = re.search(r'id="([^"]+)"', svg).group(1)
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert re.search(rf'<title id="{chart_id}-title">[^<]+</title>', svg)
        assert re.search(rf'<desc id="{chart_id}-desc">[^<]+</desc>', svg)
        assert "<script" not in svg
    assertContains(response, '<title id="displacement-series-title">Displacement figures by year</title>')
    assertContains(response, '<title id="displacement-breakdown-title">Latest figure by population type</title>')


def test_the_chart_data_is_also_given_as_a_table(client, statistics):
    response = client.get("/displacement/", {"population_type": "IDP"})
    html = response.content.decode()
    start = html.index("The chart’s numbers")
    data = visible_text(html[start : html.index("</table>", start)])

    assert "Year Internally displaced people 2023 3,000 2024 2,000" in data


# --- many statistics ------------------------------------------------------------------------------------

POPULATION_TYPES = ["REF", "ASY", "IDP", "OIP", "STA", "RET", "RDP", "FDP"]


@pytest.fixture
def many_statistics(shared_demo_content):
    """60 published statistics: every population type, over 2015-2024, each type with its own size
    (FDP the largest, REF the smallest), so that the ranking of series is known."""
    source = factories.SourceFactory(title="Test dataset", reliability="B")
    made = []
    for n in range(60):
        kind = POPULATION_TYPES[n % 8]
        made.append(
            factories.StatisticFactory(
                published=True,
                title=f"Test statistic {n:02d}",
                population_type=kind,
                value=(POPULATION_TYPES.index(kind) + 1) * 100_000 + n,
                as_of_date=datetime.date(2015 + n % 10, 6, 30),
                source=source,
            )
        )
    return made


def chart_of(response, chart_id):
    html = response.content.decode()
    start = html.index(f'<svg class="chart" id="{chart_id}"')
    return ET.fromstring(html[start : html.index("</svg>", start) + len("</svg>")])


def test_with_many_statistics_the_chart_shows_the_largest_series_and_groups_the_rest(client, many_statistics):
    svg = chart_of(client.get("/displacement/"), "displacement-series")

    legend = [" ".join(t.itertext()) for t in svg.iter(f"{SVG}text") if "chart-legend" in t.get("class", "")]
    assert legend == [
        "All forcibly displaced people",
        "Returned internally displaced people",
        "Returned refugees",
        "Stateless people",
        "Other people in need of international protection",
        "Other population types",
    ]
    series_classes = {
        cls for element in svg.iter() for cls in element.get("class", "").split() if cls.startswith("chart-series-")
    }
    assert series_classes == {f"chart-series-{n}" for n in range(5)} | {"chart-series-other"}
    for line in svg.iter(f"{SVG}polyline"):
        assert re.search(r"chart-series-(\d|other)", line.get("class")), line.get("class")


def test_the_grouped_series_is_the_largest_figure_of_the_other_types_each_year(client, many_statistics):
    response = client.get("/displacement/")
    html = response.content.decode()
    start = html.index("The chart’s numbers")
    rows = re.findall(r"<tr>(.*?)</tr>", html[start : html.index("</table>", start)], re.S)
    by_year = {visible_text(r).split()[0]: visible_text(r).split()[1:] for r in rows[1:]}

    # 2015 holds statistics 0, 10, 20, …: of the three grouped types, refugees (0, 40) and internally
    # displaced people (10, 50) have figures that year; the largest is statistic 50.
    expected_other = max(
        s.value for s in many_statistics if s.as_of_date.year == 2015 and s.population_type in {"REF", "ASY", "IDP"}
    )
    assert by_year["2015"][-1] == f"{expected_other:,}"


def test_the_table_is_paginated_and_its_pages_keep_the_filters(client, many_statistics):
    selected = [s.title for s in many_statistics if s.population_type != "FDP"]  # 52 of them
    response = client.get("/displacement/", {"population_type": ["REF", "ASY", "IDP", "OIP", "STA", "RET", "RDP"]})
    seen = []
    while True:
        assert response.status_code == 200
        page = listed(response)
        assert 0 < len(page) <= PER_PAGE
        seen += page
        found = re.search(r'<a href="([^"]+)" rel="next"', response.content.decode())
        if not found:
            break
        next_link = unescape(found.group(1))
        assert next_link.count("population_type=") == 7
        response = client.get("/displacement/" + next_link)

    assert sorted(seen) == sorted(selected)  # every one once, none from outside the filters


def test_the_chart_data_tables_are_folded_away_under_the_charts(client, many_statistics):
    html = client.get("/displacement/").content.decode()

    start = html.index('<details class="chart-data">')
    details = html[start : html.index("</details>", start)]
    assert "The chart’s numbers" in details


def chart_csv(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(b"".join(response.streaming_content).decode().splitlines()))


def test_each_chart_offers_its_points_as_csv_with_the_filters(client, statistics):
    html = client.get("/displacement/", {"population_type": "IDP"}).content.decode()
    links = [unescape(link) for link in re.findall(r'href="(/displacement/chart-[a-z]+\.csv\?[^"]*)"', html)]

    assert [link.split("?")[0] for link in links] == ["/displacement/chart-years.csv", "/displacement/chart-latest.csv"]
    assert all("population_type=IDP" in link for link in links)
    years = chart_csv(client, links[0])
    assert years[0] == ["series", "population_types", "year", "largest_figure"]
    assert years[2:] == [
        ["Internally displaced people", "IDP", "2023", "3000"],
        ["Internally displaced people", "IDP", "2024", "2000"],
    ]
    latest = chart_csv(client, links[1])
    assert latest[0] == ["population_type", "label", "year", "largest_figure"]
    assert latest[2:] == [["IDP", "Internally displaced people", "2024", "2000"]]


def test_a_chart_download_answers_400_for_a_filter_it_cannot_read(shared_demo_content, client):
    response = client.get("/displacement/chart-years.csv", {"period_after": "not-a-date"})

    assert response.status_code == 400
    assert response.json() == {"period": ["Enter a valid date."]}


def test_each_chart_says_how_to_cite_it_and_links_to_the_methodology(client, statistics):
    response = client.get("/displacement/", {"population_type": "IDP"})
    text = re.sub(r" ([.,])", r"\1", visible_text(response.content.decode()))

    today = date_format(timezone.localdate(), "j F Y")
    for title in ("Displacement figures by year", "Latest figure by population type"):
        assert (
            f"How to cite this chart: “{title}”. Displacement and POW Knowledge Base. "
            f"http://testserver/displacement/?population_type=IDP. Accessed {today}."
        ) in text
    assertContains(response, 'href="/about/methodology/#charts"', count=2)


# --- Facets, active filters and empty results (issue 11, filters that scale) ---------------------


@pytest.mark.parametrize("side", ["origin", "host"])
def test_origin_and_host_list_global_and_the_countries_of_published_statistics_with_counts(client, statistics, side):
    factories.StatisticFactory(
        title="Test draft in France",
        host_scope="country",
        host_country_id="FR",
        origin_scope="country",
        origin_country_id="FR",
    )

    values = facet(client.get("/displacement/"), side)

    published = DisplacementStatistic.objects.published()
    expected = {"global": published.filter(**{f"{side}_scope": "global"}).count()}
    for code in published.exclude(**{f"{side}_country": None}).values_list(f"{side}_country", flat=True):
        expected[code] = published.filter(**{f"{side}_country": code}).count()
    assert {value: count for value, _label, count, _checked in values} == expected
    assert "FR" not in expected
    assert values[0][:2] == ("global", "Global")


def test_a_chosen_host_is_ticked_and_shown_as_a_removable_filter(client, statistics):
    response = client.get("/displacement/", {"host": "PL", "population_type": "REF"})

    assert facet(response, "host")[0] == ("PL", "Poland", 1, True)
    assert chips(response) == [
        ("Population type: Refugees", "/displacement/?host=PL"),
        ("Host: Poland", "/displacement/?population_type=REF"),
    ]


def test_an_empty_selection_names_its_filters_and_offers_no_download_or_chart(client, statistics):
    response = client.get("/displacement/", {"host": "PL", "population_type": "IDP"})

    assertNotContains(response, 'aria-labelledby="table-heading"')
    text, removals = empty_result(response)
    assert text.startswith("No published statistic matches all of these filters. Remove one to see more:")
    assert removals == ["/displacement/?host=PL", "/displacement/?population_type=IDP"]
    assertNotContains(response, "/displacement/export.csv")
    assertNotContains(response, "<svg")


# --- every statistic, unfiltered --------------------------------------------------------------------------


def aggregates_run(client, path):
    """The aggregate queries (the charts' largest figures, the map's) that a request for ``path`` runs."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in queries if "MAX(" in query["sql"].upper()]


def test_unfiltered_charts_and_map_are_read_once_per_content_version(client, statistics):
    assert len(aggregates_run(client, "/displacement/")) == 2  # the charts' and the map's
    # Another page of the same (unfiltered) explorer, and the host map, reuse them; a filter does not.
    assert aggregates_run(client, "/displacement/?page=1") == []
    assert len(aggregates_run(client, "/displacement/?map=host")) == 1  # the host map's own
    assert len(aggregates_run(client, "/displacement/?population_type=IDP")) == 2

    # Publishing changes the content version: the next reader sees the new figure in the charts and map.
    factories.StatisticFactory(
        published=True,
        title="Test refugees from UA, 2019",
        population_type="REF",
        origin_scope="country",
        origin_country_id="UA",
        value=777_777,
        as_of_date=datetime.date(2019, 6, 30),
        source=statistics["refugees"].source,
    )
    assert len(aggregates_run(client, "/displacement/?page=2")) == 2
    response = client.get("/displacement/?page=3")
    chart_numbers = visible_text(response.content.decode().split("The chart’s numbers", 1)[1])
    assert "777,777" in chart_numbers
    map_table = response.content.decode().split("Selected statistics by country of origin", 1)[1]
    assert "777,777" in visible_text(map_table.split("</table>", 1)[0])

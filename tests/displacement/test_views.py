"""The displacement statistics explorer (/displacement/): filters, a table that keeps sources, SVG charts."""

import datetime
import re
from html import unescape

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from tests import factories

DEMO_STATISTICS = ["Forcibly displaced people worldwide", "Yearly growth in the number of forcibly displaced people"]


def visible_text(html):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


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
        "Global Global not dated by the source (Undated page: “currently”) "
        "Wilson Center ; Forced displacement (Wilson Center) reliability F"
    )
    assert "10,000,000 per year" in row(response, "Yearly growth in the number of forcibly displaced people")


def test_undated_statistics_draw_no_chart_and_say_why(shared_demo_content, client):
    response = client.get("/displacement/")

    assertContains(response, "No figure in this selection carries a date, so there is no time series to draw.")
    assertNotContains(response, "<svg")


def test_a_dated_statistic_shows_its_as_of_date_and_graded_source(client, statistics):
    response = client.get("/displacement/")

    text = row(response, "Test refugees from UA hosted in PL")
    assert "1,000 Refugees Stock: people displaced at a date Conflict and violence Ukraine Poland 30 June 2023" in text
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

    svgs = re.findall(r"<svg [^>]*>.*?</svg>", html, re.S)
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
    start = html.index("Figures by year shown in the chart")
    data = visible_text(html[start : html.index("</table>", start)])

    assert "Internally displaced people 2023 3,000" in data
    assert "Internally displaced people 2024 2,000" in data

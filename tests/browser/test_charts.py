"""Charts drawn by Chromium at 1280 and 390 px, with the demo and with many synthetic rows: no text cut off
(each text's box lies inside its SVG's viewBox), text at least 12 px on the phone, no sideways scrolling
of the page, no serious axe violation; screenshots written to test-artifacts/screenshots/ for review."""

import datetime

import pytest
from django.core.cache import cache

from knowledgebase.events.models import EventType, Measure
from knowledgebase.serving.content_version import clear_memo
from tests import factories
from tests.browser.checks import sweep, sweep_once

PAGES = {
    "charts-pow-exchanges": "/pow-exchanges/",
    "charts-displacement": "/displacement/",
    "charts-about": "/about/",
    "charts-methodology": "/about/methodology/",
}
POPULATION_TYPES = ["REF", "ASY", "IDP", "OIP", "STA", "RET", "RDP", "FDP"]


def many_synthetic_rows():
    """200 published statistics over every population type and 2000-2024, and 40 exchanges, some with claims
    that disagree: what a chart must stay readable with."""
    source = factories.SourceFactory(title="Synthetic test dataset", reliability="B")
    organization = source.publisher
    for n in range(200):
        factories.StatisticFactory(
            published=True,
            title=f"Synthetic statistic {n}",
            population_type=POPULATION_TYPES[n % 8],
            value=1_000 + (n * 7_919) % 4_000_000,
            as_of_date=datetime.date(2000 + n % 25, 1 + n % 12, 1),
            claimant_organization=organization,
            source=source,
        )
    exchange = EventType.objects.get(slug="prisoner-exchange")
    to_ukraine = Measure.objects.get(slug="people-returned-to-ukraine")
    to_russia = Measure.objects.get(slug="people-returned-to-russia")
    actor = factories.ActorFactory(name="Synthetic counter")
    for n in range(40):
        event = factories.SingleSaveEventFactory(
            published=True,
            title=f"Synthetic exchange {n}",
            event_type=exchange,
            start_date=datetime.date(2022 + n // 12, 1 + n % 12, 15),
            date_precision="month" if n % 3 else "day",
            countries=["UA", "RU"],
        )
        factories.FigureFactory(event=event, measure=to_ukraine, value=50 + 13 * n, claimant_actor=actor, source=source)
        factories.FigureFactory(event=event, measure=to_russia, value=40 + 11 * n, claimant_actor=actor, source=source)
        if n % 4 == 0:
            factories.FigureFactory(
                event=event, measure=to_russia, value=60 + 17 * n, claimant_actor=actor, source=source
            )
    cache.clear()
    clear_memo()


@sweep_once
def test_charts_with_hundreds_of_rows_are_readable_at_every_width(site, browser, screenshot_dir):
    many_synthetic_rows()

    assert sweep(site, browser, screenshot_dir, PAGES, suffix="synthetic") == {}


@pytest.mark.parametrize("path", ["/pow-exchanges/", "/displacement/"])
def test_the_charts_are_drawn_and_named(site, page, path):
    many_synthetic_rows()
    page.goto(site + path)

    charts = page.locator("svg.chart")
    assert charts.count() >= 1
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.get_attribute("role") == "img"
        title = chart.locator("title").text_content()
        assert title and chart.locator("desc").text_content()
        assert page.get_by_role("img", name=title).count() >= 1
    assert page.console_errors == []

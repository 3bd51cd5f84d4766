"""Every main page in Chromium with the demo and 2,000 synthetic events and 200 synthetic statistics on top,
at 1280 and 390 px: nothing scrolls sideways, no chart or map label is cut off or too small on the phone,
no serious axe violation; screenshots (suffix "scale") go to test-artifacts/screenshots/ for review.

On PostgreSQL, the production database, only: what the pages draw does not depend on the database, and one
run keeps `make test` within its time."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import Event
from knowledgebase.loadtest.models import SyntheticIdRange
from knowledgebase.serving.content_version import clear_memo
from tests.browser.checks import MAIN_PAGES, ON_POSTGRESQL, sweep

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not ON_POSTGRESQL, reason="runs on PostgreSQL (see the docstring)"),
]

EVENTS, STATISTICS = 2000, 200
PAGES = {
    **MAIN_PAGES,
    "events-last-page": "/events/?sort=oldest",
    "events-searched": "/events/?q=exchange",
    "displacement-host-map": "/displacement/?map=host",
    "country-ru": "/countries/RU/",
}


@pytest.fixture
def site_at_scale(site):
    call_command("generate_synthetic", events=EVENTS, statistics=STATISTICS, actors=300, organizations=60, verbosity=0)
    cache.clear()
    clear_memo()
    return site


def test_every_main_page_reads_at_both_widths_with_thousands_of_rows(site_at_scale, browser, screenshot_dir):
    assert SyntheticIdRange.objects.rows(Event).count() == EVENTS
    assert SyntheticIdRange.objects.rows(DisplacementStatistic).count() == STATISTICS

    # axe at one width: the demo sweep (test_accessibility) checks every page at both.
    assert sweep(site_at_scale, browser, screenshot_dir, PAGES, suffix="scale", axe_at=("phone",)) == {}

"""Every main page at desktop and phone width (tests/browser/checks.py): no serious or critical axe-core
violation, no sideways scrolling, no chart or map text cut off, no console error, and screenshots written
to test-artifacts/screenshots/ for review."""

import pytest

from tests.browser.checks import MAIN_PAGES, OVERFLOW, sweep, sweep_once
from tests.conftest import JAN_2024_EXCHANGE


@sweep_once
def test_main_pages_pass_axe_fit_a_phone_and_are_captured(site, browser, screenshot_dir):
    assert sweep(site, browser, screenshot_dir, MAIN_PAGES) == {}


@pytest.mark.parametrize("path", ["/events/", f"/events/{JAN_2024_EXCHANGE}/"])
def test_no_horizontal_scroll_on_a_360px_phone(site, browser, path):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(site + path)

    overflow = page.evaluate(OVERFLOW)

    assert overflow <= 0
    context.close()


def test_api_documentation_runs_under_the_strict_policy(site, page):
    page.goto(site + "/api/v1/docs/")

    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert page.locator(".swagger-ui .opblock").count() >= 7
    assert page.console_errors == []

"""Every main page: no serious or critical axe-core violation, no console error, and screenshots
at desktop and phone width written to test-artifacts/screenshots/ for review."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import JAN_2024_EXCHANGE

PAGES = {
    "home": "/",
    "events": "/events/",
    "events-filtered": "/events/?country=UA&type=prisoner-exchange",
    "event": f"/events/{JAN_2024_EXCHANGE}/",
    "pow-exchanges": "/pow-exchanges/",
    "displacement": "/displacement/",
    "briefs": "/briefs/",
    "brief": "/briefs/isw-russia-ukraine-biggest-pow-exchange/",
    "brief-wilson": "/briefs/wilson-center-forced-displacement/",
    "actors": "/actors/",
    "actor": "/actors/viktor-medvedchuk/",
    "organizations": "/organizations/",
    "organization": "/organizations/institute-for-the-study-of-war/",
    "ihl": "/ihl/",
    "provision": "/ihl/gc3-art-130/",
    "search": "/search/?q=Medvechuk",
    "data": "/data/",
}
VIEWPORTS = {"desktop": (1280, 900), "phone": (360, 800)}
BLOCKING = {"serious", "critical"}


def test_main_pages_pass_axe_and_are_captured(site, browser, screenshot_dir):
    axe = Axe()
    failures = {}
    for viewport, (width, height) in VIEWPORTS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        errors = []
        page.on("console", lambda message, errors=errors: message.type == "error" and errors.append(message.text))
        for name, path in PAGES.items():
            response = page.goto(site + path)
            assert response.status == 200, path
            violations = [v for v in axe.run(page).response["violations"] if v["impact"] in BLOCKING]
            if violations:
                failures[f"{viewport} {path}"] = [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in violations]
            page.screenshot(path=str(screenshot_dir / f"{name}-{viewport}.png"), full_page=True)
        assert errors == [], errors
        context.close()
    assert failures == {}


@pytest.mark.parametrize("path", ["/events/", f"/events/{JAN_2024_EXCHANGE}/"])
def test_no_horizontal_scroll_on_a_360px_phone(site, browser, path):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(site + path)

    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")

    assert overflow <= 0
    context.close()


def test_api_documentation_runs_under_the_strict_policy(site, page):
    page.goto(site + "/api/v1/docs/")

    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert page.locator(".swagger-ui .opblock").count() >= 7
    assert page.console_errors == []

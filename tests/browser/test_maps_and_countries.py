"""Maps and country profiles in Chromium: axe finds no serious or critical violation, nothing scrolls
sideways at 390 px, no text of a map or chart leaves its picture, a keyboard reaches the shaded countries,
and screenshots at 1280 and 390 px go to test-artifacts/screenshots/ for review."""

from tests.browser.checks import VIEWPORTS, sweep, sweep_once

PAGES = {
    "countries": "/countries/",
    "country-ua": "/countries/UA/",
    "events-map": "/events/",
    "displacement-map": "/displacement/",
}


def open_tables_and_check_maps(page, viewport):
    """The folded tables opened, so that they are checked too; each page draws a map inside the screen."""
    for details in page.locator("details.map-table").all():
        details.evaluate("element => element.open = true")
    maps = page.locator("svg.map-svg")
    if not maps.count():
        return ["no map"]
    width = VIEWPORTS[viewport][0]
    boxes = [maps.nth(index).bounding_box() for index in range(maps.count())]
    return [
        f"a map reaches outside the screen: {box}" for box in boxes if box["x"] < 0 or box["x"] + box["width"] > width
    ]


@sweep_once
def test_map_pages_pass_axe_fit_the_screen_and_are_captured(site, browser, screenshot_dir):
    # axe at one width, with every table open: the sweep of test_accessibility checks these pages at both.
    assert sweep(site, browser, screenshot_dir, PAGES, prepare=open_tables_and_check_maps, axe_at=("desktop",)) == {}


def test_a_keyboard_reaches_each_shaded_country_and_its_name(site, page):
    page.goto(site + "/events/")
    links = page.locator("#events-map a:not([tabindex])")

    names = [links.nth(i).get_attribute("aria-label") for i in range(links.count())]
    assert sorted(names) == ["Kazakhstan: 1 event", "Russian Federation: 10 events", "Ukraine: 12 events"]
    page.locator("#events-map-caption").click()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('#events-map') !== null"):
            break
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") in names
    page.keyboard.press("Enter")
    page.wait_for_url("**/events/?country=*")


def test_the_map_view_switch_and_a_countrys_shape_work_without_script(site, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site + "/displacement/")

    page.get_by_role("link", name="Host countries").click()
    assert page.url.endswith("/displacement/?map=host")
    assert page.locator(".map-views a[aria-current='true']").inner_text() == "Host countries"
    page.goto(site + "/events/")
    page.locator("#events-map a[href='/events/?country=UA']").click()
    assert page.url.endswith("/events/?country=UA")
    page.locator("#events-map a[href='/countries/PL/']").click(force=True)  # a shape without data, for the mouse
    assert page.url.endswith("/countries/PL/")
    context.close()

"""Every main page in Ukrainian (tests/browser/checks.py), at desktop and phone width: lang="uk", the language
switcher leads to the same page with its filters and back, no sideways scrolling, no serious or critical axe-core
violation; screenshots written as <page>-uk-desktop.png and <page>-uk-phone.png."""

from tests.browser.checks import MAIN_PAGES, VIEWPORTS, sweep, sweep_once

UKRAINIAN_PAGES = {name: "/uk" + path for name, path in MAIN_PAGES.items()}


def switcher_problems(page, viewport):
    """What is wrong with the page's language and its switcher, as sentences."""
    found = []
    if page.get_attribute("html", "lang") != "uk":
        found.append(f'<html lang="{page.get_attribute("html", "lang")}">')
    current = page.locator('.language-switcher a[aria-current="true"]')
    if current.count() != 1 or current.get_attribute("lang") != "uk":
        found.append("the switcher does not mark Ukrainian as the current language")
    english = page.locator('.language-switcher a[lang="en"]')
    if not english.is_visible():
        found.append(f"the link to English is not visible at {viewport} width")
    return found


@sweep_once
def test_main_pages_in_ukrainian_pass_axe_fit_a_phone_and_are_captured(site, browser, screenshot_dir):
    # axe at one width: the English sweep (test_accessibility) checks these pages at both.
    problems = sweep(
        site, browser, screenshot_dir, UKRAINIAN_PAGES, suffix="uk", prepare=switcher_problems, axe_at=("phone",)
    )

    assert problems == {}


def test_the_switcher_keeps_the_page_and_its_filters_both_ways(site, browser):
    for viewport, (width, height) in VIEWPORTS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(site + "/uk/events/?country=UA")

        page.locator('.language-switcher a[lang="en"]').click()
        page.wait_for_url(site + "/events/?country=UA")
        assert page.get_attribute("html", "lang") == "en", viewport
        chosen = 'input[name="country"][value="UA"]:checked, select[name="country"] option[value="UA"]:checked'
        assert page.locator(chosen).count() == 1, viewport

        page.locator('.language-switcher a[lang="uk"]').click()
        page.wait_for_url(site + "/uk/events/?country=UA")
        assert page.get_attribute("html", "lang") == "uk", viewport
        context.close()


def test_the_switcher_follows_the_filters_chosen_without_reloading(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site + "/uk/events/")

    group = page.locator("details.facet-group").filter(has=page.locator('input[name="country"]'))
    group.locator("summary").click()
    group.locator('input[name="country"][value="UA"]').check()
    page.wait_for_url(site + "/uk/events/?country=UA")
    page.locator('.language-switcher a[lang="en"]').click()

    page.wait_for_url(site + "/events/?country=UA")
    assert page.get_attribute("html", "lang") == "en"
    context.close()

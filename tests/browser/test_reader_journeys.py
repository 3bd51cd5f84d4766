"""A reader filters events, opens one, follows an actor, reads a brief and searches, in Chromium."""

import re

from playwright.sync_api import expect

from tests.conftest import JAN_2024_EXCHANGE


def test_reader_filters_opens_an_event_follows_an_actor_reads_a_brief_and_searches(site, page):
    page.goto(f"{site}/events/")
    page.locator("details.facet-group > summary", has_text="Type").click()
    page.get_by_role("checkbox", name=re.compile("^Prisoner exchange")).check()
    page.locator("details.facet-group > summary", has_text="Country").click()
    page.get_by_role("checkbox", name=re.compile("^Ukraine")).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status").filter(has_text="events")).to_have_text("2 events")
    assert "type=prisoner-exchange" in page.url and "country=UA" in page.url

    page.get_by_role("link", name="Russia and Ukraine hold the largest POW exchange of the war to date").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Russia and Ukraine hold the largest POW exchange of the war to date"
    )
    returned = page.locator("section.measure", has=page.get_by_role("heading", name="People returned to Ukraine"))
    expect(returned.locator(".badge-disputed")).to_have_text(re.compile("disputed", re.I))
    expect(returned).to_contain_text("claims range from 173 to 230")
    expect(returned.locator("li.claim")).to_have_count(4)

    page.locator("section.measure li.claim-best").first.get_by_role("link", name="Dmytro Lubinets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dmytro Lubinets")
    expect(page.get_by_role("heading", name="2024")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Briefs").click()
    page.get_by_role("link", name="Russia, Ukraine hold biggest prisoners-of-war exchange to date").click()
    takeaways = page.locator("section.takeaways li")
    expect(takeaways).to_have_count(9)

    page.get_by_role("search").first.get_by_label("Search the site").fill("Medvechuk")
    page.get_by_role("search").first.get_by_role("button", name="Search").click()
    first = page.locator("ol.search-results > li").first
    expect(first).to_contain_text("Viktor Medvedchuk")

    assert page.console_errors == []


def test_filters_update_results_without_reload_and_keep_a_shareable_url(site, page):
    page.goto(f"{site}/events/")
    marker = page.evaluate("() => { window.__noReload = true; return true; }")

    page.locator("details.facet-group > summary", has_text="Type").click()
    page.get_by_role("checkbox", name=re.compile("^Prisoner exchange")).check()

    expect(page.get_by_role("status").filter(has_text="events")).to_have_text("2 events")
    page.wait_for_url(re.compile(r"type=prisoner-exchange"))
    assert marker and page.evaluate("() => window.__noReload === true")
    assert page.console_errors == []


def test_the_site_works_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/events/")
    page.get_by_label("Search", exact=True).fill("Medvechuk")
    page.get_by_role("button", name="Apply filters").click()

    expect(page.get_by_role("link", name=re.compile("exchange 215 Ukrainian POWs"))).to_be_visible()
    page.goto(f"{site}/events/{JAN_2024_EXCHANGE}/")
    expect(page.locator(".badge-disputed").first).to_be_visible()
    context.close()


def test_a_bad_date_shows_a_message_not_an_error_page(site, page):
    page.goto(f"{site}/events/?date_after=not-a-date")

    expect(page.get_by_role("alert")).to_contain_text("Enter a valid date")

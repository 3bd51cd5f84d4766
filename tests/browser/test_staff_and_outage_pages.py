"""The pages staff and readers meet when something is refused or down: sign-in, the second factor,
a lockout, a rate limit, a database outage. Each passes axe at desktop and phone width and is
captured in test-artifacts/screenshots/ for review."""

from unittest import mock

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from playwright.sync_api import expect

from knowledgebase.core.workflow_groups import REVIEWER
from tests.browser.checks import VIEWPORTS, page_problems

PASSWORD = "a long pass phrase for the browser"


@pytest.fixture
def reviewer(site, django_user_model):
    user = django_user_model.objects.create_user("olena", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=REVIEWER))
    return user


def look(page, name, screenshot_dir):
    """No serious accessibility violation, no sideways scrolling, and a screenshot, at both widths."""
    failures = {}
    for viewport, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        found = page_problems(page, phone=viewport == "phone", axe=Axe())
        if found:
            failures[viewport] = found
        page.screenshot(path=str(screenshot_dir / f"{name}-{viewport}.png"), full_page=True)
    assert failures == {}, name


def sign_in(page, site, password=PASSWORD):
    page.goto(f"{site}/account/login/?next=/admin/")
    page.locator("#id_auth-username").fill("olena")
    page.locator("#id_auth-password").fill(password)
    page.locator("form button[type=submit]").last.click()


def test_sign_in_enrolment_and_the_reviewers_front_page(site, page, reviewer, screenshot_dir):
    page.goto(f"{site}/admin/")
    expect(page.locator("#id_auth-username")).to_be_visible()
    look(page, "staff-sign-in", screenshot_dir)

    sign_in(page, site)
    expect(page.locator("#sign-ins")).to_contain_text("olena")
    look(page, "admin-front-page", screenshot_dir)

    page.goto(f"{site}/account/two_factor/setup/")
    expect(page.locator("#content")).to_contain_text("Follow the steps in this wizard")
    page.locator("form button[type=submit]").last.click()  # the token generator is the only method: no choice
    expect(page.locator("#content")).to_contain_text("scan the QR code")
    qr_code = page.locator("img[src*='qrcode']")
    expect(qr_code).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", qr_code.element_handle()) > 0  # served under the strict CSP
    look(page, "second-factor-enrolment", screenshot_dir)
    assert page.console_errors == []


def test_a_lockout_says_what_happened_and_for_how_long(site, page, reviewer, screenshot_dir):
    for _ in range(5):
        sign_in(page, site, password="wrong")

    expect(page.get_by_role("heading", name="Sign-in locked")).to_be_visible()
    expect(page.locator("#content")).to_contain_text("Try again in 30 minutes")
    look(page, "sign-in-locked", screenshot_dir)


def test_a_rate_limit_page(site, page, settings, screenshot_dir):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "1/h"}
    page.goto(f"{site}/search/?q=exchange")

    response = page.goto(f"{site}/search/?q=prisoners")

    assert response.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many requests")
    look(page, "rate-limited", screenshot_dir)


def test_a_database_outage_for_a_reader_and_for_an_editor(site, page, reviewer, screenshot_dir):
    sign_in(page, site)
    page.goto(f"{site}/admin/events/event/add/")
    page.locator("#id_title_en").fill("Typed while the database is down")

    refused = OperationalError("connection to server failed: Connection refused")
    with mock.patch.object(CursorWrapper, "execute", side_effect=refused):
        page.locator("input[name=_save]").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your changes were not saved")
        assert page.locator("input[name=title_en]").get_attribute("value") == "Typed while the database is down"
        look(page, "outage-editor-not-saved", screenshot_dir)

        response = page.goto(f"{site}/briefs/?page=2")
        assert response.status == 503
        expect(page.get_by_role("heading", level=1)).to_have_text("Back in a moment")
        look(page, "outage-reader", screenshot_dir)

"""A dispute before publishing, in a browser, as a reviewer: the queue marks the event whose claims contradict
with no best estimate, its Publish opens the page with the range and the claims (not published), ticking
"Publish without a best estimate" publishes it; the change form's review panel marks it too. Each page opens
without sideways scrolling at 1,280 px and with no serious accessibility violation in what the desk adds.
Screenshots: test-artifacts/screenshots/admin/desk-dispute-*.png."""

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import expect

from knowledgebase.core.models import PublicationStatus
from knowledgebase.core.services import publishable_submit
from knowledgebase.core.workflow_groups import EDITOR, REVIEWER
from tests.admin_forms import status_of
from tests.browser.checks import BLOCKING, page_problems, sweep_once
from tests.events.test_desk_disputes import CONFIRM, RANGE, clean_event, disputed_event

pytestmark = sweep_once  # what a database decides is tested over HTTP on both (tests/events/test_desk_disputes.py)


def staff(username, group):
    user = get_user_model().objects.create_user(username, password="not used", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_a_reviewer_meets_the_dispute_on_the_queue_confirms_it_and_publishes(site, browser, screenshot_dir):
    editor, reviewer = staff("desk-editor", EDITOR), staff("desk-reviewer", REVIEWER)
    held = disputed_event(title="Exchange whose two counts of the returned contradict each other")
    on_form = disputed_event(title="Another exchange with contradicting counts")
    clean = clean_event()
    for event in (held, on_form, clean):
        publishable_submit(obj=event, by=editor)
    client = Client()
    client.force_login(reviewer)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site}])
    page = context.new_page()
    errors, problems, axe = [], {}, Axe()
    page.on("pageerror", lambda error: errors.append(str(error)))
    shots = screenshot_dir / "admin"
    shots.mkdir(parents=True, exist_ok=True)

    def look(name, only=None):
        found = page_problems(page, phone=False, axe=None if only else axe)
        if only:
            violations = axe.run(page, context=only).response["violations"]
            found += [f"axe {v['id']} ({v['impact']})" for v in violations if v["impact"] in BLOCKING]
        page.screenshot(path=str(shots / f"desk-dispute-{name}.png"), full_page=True)
        if found:
            problems[name] = found

    page.goto(f"{site}/admin/review/")
    row = page.locator("#review-queue > tbody > tr").filter(has_text=held.title)
    expect(row.locator(".review-check-blocking")).to_contain_text("disputed, 173 to 230, no best estimate")
    clean_row = page.locator("#review-queue > tbody > tr").filter(has_text=clean.title)
    expect(clean_row.locator(".review-checks")).to_have_count(0)
    look("queue")

    row.get_by_role("button", name="Publish").click()
    expect(page.locator("#review-publish-held")).to_contain_text("is not published yet")
    expect(page.locator("#review-publish-checks")).to_contain_text(RANGE)
    expect(page.locator("#review-publish-checks")).to_contain_text("173, claimed by Russian sources")
    assert status_of(held) == PublicationStatus.REVIEW
    look("confirmation")
    page.get_by_label(CONFIRM).check()
    page.locator("#review-publish-confirm-form input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text("is published")
    assert status_of(held) == PublicationStatus.PUBLISHED

    page.goto(f"{site}/admin/events/event/{on_form.pk}/change/")
    expect(page.locator("#review-panel-checks .review-check-blocking")).to_contain_text("173 to 230")
    look("panel", only="#review-panel")
    page.locator("#review-panel").get_by_role("button", name="Publish").click()
    expect(page.locator("#review-publish-checks")).to_contain_text(RANGE)
    assert status_of(on_form) == PublicationStatus.REVIEW
    context.close()

    assert problems == {}
    assert errors == []

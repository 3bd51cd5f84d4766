"""The editor's dashboard on the admin index, in a browser: for an editor with drafts, a returned record with a
long comment, a submission and the demo's published records, and for a reviewer, the page opens without
sideways scrolling at 1,280 px and at 390 px, with no serious accessibility violation. Screenshots go to
test-artifacts/screenshots/admin/dashboard-<who>-<viewport>.png."""

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from knowledgebase.core.services import publishable_return, publishable_save, publishable_submit
from knowledgebase.core.workflow_groups import EDITOR, REVIEWER
from tests.browser.checks import VIEWPORTS, page_problems, sweep_once
from tests.factories import BriefFactory, EventFactory, StatisticFactory

pytestmark = sweep_once

LONG_TITLE = (
    "Exchange of prisoners of war mediated by the United Arab Emirates, with the bodies of the fallen returned "
    "to both sides and a disputed count of the wounded"
)


def staff(username, group):
    user = get_user_model().objects.create_user(username, password="not used", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def sign_in_as(context, site, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.clear_cookies()
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site}])


def test_the_dashboard_fits_a_laptop_and_a_phone_for_an_editor_and_a_reviewer(site, browser, screenshot_dir):
    editor, reviewer = staff("editor", EDITOR), staff("reviewer", REVIEWER)
    for factory, title in [
        (EventFactory, LONG_TITLE),
        (BriefFactory, "A brief in progress"),
        (StatisticFactory, "IDPs"),
    ]:
        publishable_save(obj=factory(title=title), by=editor)
    returned = publishable_save(obj=EventFactory(title=f"Returned: {LONG_TITLE}"), by=editor)
    publishable_submit(obj=returned, by=editor)
    publishable_return(
        obj=returned,
        by=reviewer,
        comment="The second figure cites the commissioner's Telegram post; add the post's address and the "
        "as-of date, and mark the 173 claim as the Russian ministry's.",
    )
    publishable_submit(obj=publishable_save(obj=BriefFactory(title="Waiting brief"), by=editor), by=editor)
    shots = screenshot_dir / "admin"
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    axe, problems = Axe(), {}
    for who, user in [("editor", editor), ("reviewer", reviewer)]:
        sign_in_as(context, site, user)
        for viewport, (width, height) in VIEWPORTS.items():
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto(f"{site}/admin/")
            assert response.status == 200
            if who == "editor":
                assert page.locator("#returned-to-me blockquote").inner_text().startswith("The second figure")
                assert page.locator("#my-drafts tbody tr").count() == 3
            # axe on every width of the editor's page, which shows every section; on the reviewer's at one.
            checked = who == "editor" or viewport == "desktop"
            found = page_problems(page, phone=viewport == "phone", axe=axe if checked else None)
            title = page.locator("#my-drafts th[scope=row], #recently-published th[scope=row]").first
            if title.count() and title.bounding_box()["width"] < width / 3:
                found.append(f"the title column is {title.bounding_box()['width']:.0f} px wide")
            page.screenshot(path=str(shots / f"dashboard-{who}-{viewport}.png"), full_page=True)
            if found:
                problems[f"{who} {viewport}"] = found

    context.close()
    assert problems == {}
    assert errors == []

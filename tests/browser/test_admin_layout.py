"""The editors' admin fits a 1,280 px screen with its navigation sidebar open: every change list, change form
and add form of the demo opens without scrolling sideways (the page, and any table or box within it) for a
reviewer, and the event list and an event's form (a draft, and a published one that is read-only) for an
editor too; the event list keeps each row to a few lines. Screenshots of the event list and form go to
test-artifacts/screenshots/admin/."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from knowledgebase.core.workflow_groups import EDITOR, REVIEWER
from knowledgebase.events.models import Event
from tests.browser.checks import sweep_once
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE

pytestmark = sweep_once

WIDTH, HEIGHT = 1280, 800
#: A result row of one line is about 35 px high, of three lines (a long title) about 65 px.
TALLEST_ROW_PX = 80

# How far the page scrolls sideways, which boxes inside the content scroll sideways (a change list's table
# sits in one that Django lets scroll), the elements that reach past the window, and the result rows' heights.
MEASURE = """() => {
  const width = window.innerWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/)[0] : '');
  const overflow = document.documentElement.scrollWidth - width;
  const past = overflow <= 0 ? [] : [...document.querySelectorAll('#content *')]
    .filter(el => el.getClientRects().length && el.getBoundingClientRect().right > width + 1);
  return {
    overflow,
    scrolling: [...document.querySelectorAll('#content div, #content fieldset, #content table, #content ul')]
      .filter(el => el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
      .map(el => `${name(el)} by ${el.scrollWidth - el.clientWidth} px`),
    past: past.filter(el => !past.some(other => other.parentElement === el)).slice(0, 3).map(name),
    rows: [...document.querySelectorAll('#result_list tbody tr')].map(row => row.getBoundingClientRect().height),
  };
}"""


def staff(username, group):
    """The demo's account ``username`` in ``group`` (created here unless the demo's loader made it)."""
    user, _created = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
    user.groups.set([Group.objects.get(name=group)])
    return user


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def pages_for(user):
    """{name: path} of every registered admin's change list the user may open, the change form of its first
    row (when it has one) and its add form (when the user may add)."""
    pages = {"index": reverse("admin:index")}
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
        label = model._meta.label_lower
        may = {
            action: user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")
            for action in ("view", "change", "add")
        }
        if not (may["view"] or may["change"]):
            continue
        pages[f"{label} list"] = admin_url(model, "changelist")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages[f"{label} form"] = admin_url(model, "change", first.pk)
        if may["add"]:
            pages[f"{label} add form"] = admin_url(model, "add")
    return pages


def sign_in(context, site, user):
    """The browser signed in as ``user`` (the sign-in pages have their own tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.clear_cookies()
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site}])


def look(page, url):
    """What is wrong with the page at ``url`` (sentences; empty when nothing is), and its measures."""
    response = page.goto(url)
    found = [] if response.status == 200 else [f"status {response.status}"]
    measured = page.evaluate(MEASURE)
    if measured["overflow"] > 0:
        found.append(f"the page scrolls sideways by {measured['overflow']} px ({', '.join(measured['past'])})")
    found += [f"{box} scrolls sideways" for box in measured["scrolling"]]
    return found, measured


def test_every_admin_list_and_form_fits_1280_px_for_a_reviewer_and_an_editor(site, browser, screenshot_dir):
    reviewer, editor = staff("reviewer", REVIEWER), staff("editor", EDITOR)
    shots = screenshot_dir / "admin"
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    problems = {}

    sign_in(context, site, reviewer)
    pages = pages_for(reviewer)
    for name, path in pages.items():
        found, _measured = look(page, site + path)
        if found:
            problems[f"reviewer, {name} ({path})"] = found

    sign_in(context, site, editor)
    draft, published = Event.objects.get(public_id=DRAFT_EVENT), Event.objects.get(public_id=JAN_2024_EXCHANGE)
    for name, path in {
        "events-list": admin_url(Event, "changelist"),
        "event-form": admin_url(Event, "change", draft.pk),
        "published-event-form": admin_url(Event, "change", published.pk),  # read-only for an editor
    }.items():
        found, measured = look(page, site + path)
        found += [f"a result row is {height:.0f} px high" for height in measured["rows"] if height > TALLEST_ROW_PX]
        if name == "events-list" and len(measured["rows"]) < Event.objects.count():
            found.append(f"{len(measured['rows'])} rows for {Event.objects.count()} events")
        if name != "published-event-form":
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        if found:
            problems[f"editor, {name} ({path})"] = found
    context.close()

    assert "events.event form" in pages and "actors.actor add form" in pages and "axes.accesslog list" in pages
    assert problems == {}, "\n".join(f"{where}: {'; '.join(found)}" for where, found in problems.items())
    assert errors == []

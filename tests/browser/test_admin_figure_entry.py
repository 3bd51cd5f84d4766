"""Fast figure entry, as an editor does it in the browser: the seed's exchange of 3 January 2024 with its six
claims, entered on the event form in under 25 inputs and one submit, every input counted; then the
suggestions of "Claimed by" (an alias) and of a row's source (the event's cited source first).

Screenshots: test-artifacts/screenshots/admin/figure-entry.png (the form filled in, before its submit) and
figure-entry-saved.png (after it, with the warnings), at 1,280 px."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from knowledgebase.core.workflow_groups import EDITOR
from knowledgebase.events.models import Event
from tests.browser.checks import BLOCKING, OVERFLOW, sweep_once

PASSWORD = "a long pass phrase for the editor"
MOST_INPUTS = 24  # "under 25 inputs"
TITLE = "Russia and Ukraine hold the largest POW exchange of the war to date"

# The seed's six claims (fixtures/demo.json), in the order an editor reads them in the ISW text, grouped by
# measure: (measure, value, qualifier, claimant as typed). A measure left unchosen is the row above's.
CLAIMS = [
    ("People returned to Ukraine", "230", None, "Lubinets"),
    (None, "200", "more than", "Zelensky"),
    (None, "173", None, "Russian sources"),
    (None, "230", "up to", "Russian sources"),
    ("People returned to Russia", "248", None, "Russian MoD"),
    ("Exchange sequence number", "49", None, "Lubinets"),
]
SAVED = [
    ("people-returned-to-ukraine", 230, "exact", "dmytro-lubinets"),
    ("people-returned-to-ukraine", 200, "more-than", "volodymyr-zelensky"),
    ("people-returned-to-ukraine", 173, "exact", "unnamed-russian-sources"),
    ("people-returned-to-ukraine", 230, "up-to", "unnamed-russian-sources"),
    ("people-returned-to-russia", 248, "exact", "russian-ministry-of-defense"),
    ("exchange-sequence-number", 49, "exact", "dmytro-lubinets"),
]

pytestmark = sweep_once  # what a page takes to fill in does not depend on the database


class Inputs:
    """What the editor does, counted as a person does it: each value typed, option chosen or button clicked
    is one input; an autocomplete is two (type, then choose), whatever it takes Playwright to drive it."""

    def __init__(self, page):
        self.page = page
        self.made = []

    def fill(self, selector, text):
        self.page.locator(selector).fill(text)
        self.made.append(("type", selector, text))

    def choose(self, selector, label):
        self.page.locator(selector).select_option(label=label)
        self.made.append(("choose", selector, label))

    def click(self, selector):
        self.page.locator(selector).click()
        self.made.append(("click", selector, ""))

    def autocomplete(self, select_id, text, result):
        self.page.locator(f"#{select_id} + .select2 .select2-selection").click()  # where the typing goes
        self.page.locator(".select2-container--open .select2-search__field").fill(text)
        self.page.locator(".select2-results__option", has_text=result).first.click()
        self.made += [("type", select_id, text), ("choose", select_id, result)]


@pytest.fixture
def editor(site, django_user_model):
    user = django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR))
    return user


def sign_in(page, site):
    page.goto(f"{site}/account/login/?next=/admin/")
    page.locator("#id_auth-username").fill("editor")
    page.locator("#id_auth-password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#user-tools")).to_contain_text("editor")


def test_an_editor_enters_the_seeds_exchange_and_its_six_claims_in_under_25_inputs(site, page, editor, screenshot_dir):
    shots = screenshot_dir / "admin"
    shots.mkdir(exist_ok=True)
    sign_in(page, site)
    page.goto(f"{site}/admin/events/event/add/")
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    inputs = Inputs(page)

    inputs.fill("#id_title_en", TITLE)
    inputs.choose("#id_event_type", "Prisoner exchange")
    inputs.fill("#id_start_date", "2024-01-03")
    inputs.fill("#id_summary_en", "The largest POW exchange of the war to date; the sides' numbers disagree.")
    inputs.autocomplete("id_citations-0-source", "ISW", "Russia, Ukraine hold biggest prisoners-of-war exchange")
    for index, (measure, value, qualifier, claimant) in enumerate(CLAIMS):
        if measure:
            inputs.choose(f"#id_figures-{index}-measure", measure)
        inputs.fill(f"#id_figures-{index}-value", value)
        if qualifier:
            inputs.choose(f"#id_figures-{index}-qualifier", qualifier)
        inputs.fill(f"#id_figures-{index}-claimant", claimant)
    expect(page.locator("#id_figures-3-measure option:checked")).to_have_text("People returned to Ukraine")
    assert page.evaluate(OVERFLOW) <= 0, "the form scrolls sideways at 1,280 px"
    figures = page.locator("#figures-group")
    found = Axe().run(page, context="#figures-group").response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found if v["impact"] in BLOCKING] == []
    figures.screenshot(path=str(shots / "figure-entry-rows.png"))
    page.screenshot(path=str(shots / "figure-entry.png"), full_page=True)
    inputs.click("input[name=_continue]")

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert len(inputs.made) <= MOST_INPUTS, inputs.made
    assert len(posts) == 1, posts
    event = Event.objects.get(title_en=TITLE, status="draft")
    figures_saved = event.figures.order_by("id").select_related("measure", "claimant_actor", "source")
    assert [(f.measure.slug, f.value, f.qualifier, f.claimant_actor.slug) for f in figures_saved] == SAVED
    assert {(f.source.slug, f.as_of_date) for f in figures_saved} == {
        ("isw-2024-01-03-pow-exchange", datetime.date(2024, 1, 3))
    }
    warnings = page.locator(".messagelist .warning")
    expect(warnings.first).to_contain_text("People returned to Ukraine: the claims contradict each other")
    expect(page.locator(".field-publishing_checks")).to_contain_text("from 173 to 230")
    expect(page.locator(".field-publishing_checks")).to_contain_text("more than 200, claimed by Volodymyr Zelensky")
    page.screenshot(path=str(shots / "figure-entry-saved.png"), full_page=True)

    # "Claimed by" suggests by alias, and choosing one names the actor exactly.
    claimant = page.locator("#id_figures-6-claimant")
    claimant.fill("Medvechuk")
    suggestion = page.locator("#figure-claimant-suggestions li", has_text="Viktor Medvedchuk")
    expect(suggestion).to_be_visible()
    claimant.press("ArrowDown")
    claimant.press("Enter")
    expect(claimant).to_have_value("Viktor Medvedchuk")
    assert page.locator("#id_figures-6-claimant_actor").input_value() != ""

    # A row's source offers the event's cited source first.
    page.locator("#id_figures-6-source + .select2 .select2-selection").click()
    cited = page.locator(".select2-results__group", has_text="Cited on this event")
    expect(cited).to_be_visible()
    expect(page.locator(".select2-results__option[role=group]").first).to_contain_text("Russia, Ukraine hold")
    assert page.console_errors == []

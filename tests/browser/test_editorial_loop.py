"""The whole editorial loop in a browser, with the demo loaded and its two accounts (made by
create_demo_accounts, signed in through the real sign-in page, each in a browser context of its own):

1. the editor enters a new event with two contradicting claims of one measure (under 25 inputs, one submit),
   sees the warning about the contradiction, and submits the event for review;
2. the reviewer finds it in the queue beside other kinds waiting (submitter, "New record", a preview that
   opens the draft's public page with its notice), tries to return it without a comment (refused by the
   browser, then by the server: the status stays "review"), and returns it with one;
3. the editor reads the comment on the dashboard and on the record, corrects the title, resubmits;
4. the reviewer sees the record still "New record" (never published), publishes another record from the
   queue and this one from its form;
5. a reader (no account) sees the event and its claims on its public page, and its history page lists
   every move, with the comment.

Every page opens without sideways scrolling at 1,280 px; the desk's pages (queue, return, history) have no
serious accessibility violation, and the desk's panels on the event form none either (the form's own widgets
have their own tests). Screenshots: test-artifacts/screenshots/admin/loop-NN-*.png, in the loop's order."""

from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from knowledgebase.core.models import PublicationStatus
from knowledgebase.core.services import publishable_save, publishable_submit
from knowledgebase.events.models import Event
from tests.browser.checks import BLOCKING, page_problems, sweep_once
from tests.browser.test_admin_figure_entry import Inputs
from tests.conftest import JAN_2024_EXCHANGE
from tests.core.test_create_demo_accounts import printed_credentials, run
from tests.factories import BriefFactory, StatisticFactory

pytestmark = sweep_once  # a journey through the UI: the services it calls are tested on both databases

MOST_INPUTS = 24  # "under 25 inputs"
TITLE = "Ukraine and Russia exchange prisoners of war; the sides' counts disagree"
CORRECTED = "Ukraine and Russia exchange prisoners of war on 3 January 2024; the sides' counts disagree"
COMMENT = "Put the exchange's date in the title: several exchanges have the same title."
WARNING = "People returned to Ukraine: the claims contradict each other"
LONG_TITLE = (
    "A brief on the exchanges of prisoners of war mediated by the United Arab Emirates, with the bodies of the "
    "fallen returned to both sides and a disputed count of the wounded"
)


def status_of(event):
    return Event.objects.values_list("status", flat=True).get(pk=event.pk)


def sign_in(page, site, username, password):
    """Through the sign-in page, as a person does (the second factor is optional in the demo)."""
    page.goto(f"{site}/account/login/?next=/admin/")
    page.locator("#id_auth-username").fill(username)
    page.locator("#id_auth-password").fill(password)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#user-tools")).to_contain_text(username)


def others_waiting(editor, reviewer):
    """What else waits when the loop starts: the demo's January exchange edited since it was published (a
    diff with field rows), a brief with a long title and a statistic."""
    edited = Event.objects.get(public_id=JAN_2024_EXCHANGE)
    edited.status = PublicationStatus.DRAFT
    edited.title = f"{edited.title} (figures corrected)"
    publishable_save(obj=edited, by=reviewer)
    publishable_submit(obj=edited, by=editor)
    for record in [BriefFactory(title=LONG_TITLE), StatisticFactory(title="IDPs waiting")]:
        publishable_submit(obj=record, by=editor)
    return edited


def test_an_event_goes_from_the_editor_to_the_reviewer_and_back_then_to_the_public(
    site, browser, screenshot_dir, settings, tmp_path
):
    settings.DEMO_ACCOUNTS_FILE = tmp_path / "demo_accounts.json"
    credentials = printed_credentials(run("create_demo_accounts", "--force"))
    users = {user.username: user for user in get_user_model().objects.filter(username__in=credentials)}
    edited = others_waiting(users["editor"], users["reviewer"])
    shots = screenshot_dir / "admin"
    shots.mkdir(parents=True, exist_ok=True)
    errors, problems, taken = [], {}, []

    def open_context():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        return context, page

    def look(page, name, *, axe=False, only=None):
        """Screenshot ``page`` as loop-NN-name.png and note its problems: sideways scrolling always, axe on
        the whole page (``axe``) or on the part the desk adds to a page others own (``only``, a selector)."""
        found = page_problems(page, phone=False, axe=Axe() if axe else None)
        if only:
            violations = Axe().run(page, context=only).response["violations"]
            found += [f"axe {v['id']} ({v['impact']})" for v in violations if v["impact"] in BLOCKING]
        taken.append(name)
        page.evaluate("window.scrollTo(0, 0)")  # the sticky sidebar is drawn where the window was scrolled to
        page.screenshot(path=str(shots / f"loop-{len(taken):02}-{name}.png"), full_page=True)
        if found:
            problems[name] = found

    editor_context, ed = open_context()
    reviewer_context, rev = open_context()
    sign_in(ed, site, "editor", credentials["editor"])
    sign_in(rev, site, "reviewer", credentials["reviewer"])

    # 1. The editor enters the event and its two claims: one submit; the contradiction is pointed out.
    ed.goto(f"{site}/admin/events/event/add/")
    posts = []
    ed.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    inputs = Inputs(ed)
    inputs.fill("#id_title_en", TITLE)
    inputs.choose("#id_event_type", "Prisoner exchange")
    inputs.fill("#id_start_date", "2024-01-03")
    inputs.fill("#id_summary_en", "The sides' numbers of the prisoners returned to Ukraine disagree.")
    inputs.autocomplete("id_citations-0-source", "ISW", "Russia, Ukraine hold biggest prisoners-of-war exchange")
    inputs.choose("#id_figures-0-measure", "People returned to Ukraine")
    inputs.fill("#id_figures-0-value", "230")
    inputs.fill("#id_figures-0-claimant", "Lubinets")
    inputs.fill("#id_figures-1-value", "173")  # the measure is the row above's
    inputs.fill("#id_figures-1-claimant", "Russian sources")
    look(ed, "editor-enters-the-event")
    inputs.click("input[name=_continue]")
    expect(ed.locator(".messagelist")).to_contain_text("was added successfully")
    assert len(inputs.made) <= MOST_INPUTS, inputs.made
    assert len(posts) == 1, posts
    event = Event.objects.get(title_en=TITLE)
    assert status_of(event) == PublicationStatus.DRAFT
    assert sorted(event.figures.values_list("value", "claimant_actor__slug")) == [
        (173, "unnamed-russian-sources"),
        (230, "dmytro-lubinets"),
    ]
    expect(ed.locator(".messagelist .warning").first).to_contain_text(WARNING)
    expect(ed.locator(".field-publishing_checks")).to_contain_text("from 173 to 230")
    look(ed, "editor-sees-the-contradiction")

    ed.get_by_role("button", name="Save and submit for review").click()
    expect(ed.locator(".messagelist")).to_contain_text("is submitted for review")
    assert status_of(event) == PublicationStatus.REVIEW

    # 2. The reviewer: who submitted it, what it changes (everything: it is new), its preview.
    rev.goto(f"{site}/admin/review/")
    expect(rev.locator("#review-waiting")).to_contain_text("(4)")
    rows = rev.locator("#review-queue > tbody > tr")
    expect(rows).to_have_count(4)
    row = rows.filter(has_text=TITLE)
    expect(row.locator("td").nth(1)).to_have_text("editor")  # Kind, Submitted by, …
    expect(row.locator(".review-diff-new")).to_contain_text("New record")
    expect(rows.filter(has_text="(figures corrected)").locator(".review-diff-table")).to_contain_text("Title")
    row.locator("summary").click()
    look(rev, "reviewer-queue", axe=True)

    row.locator(".review-preview").click()
    expect(rev).to_have_url(f"{site}/events/{event.public_id}/")
    expect(rev.locator(".notice-draft")).to_contain_text("not public")
    expect(rev.locator("h1")).to_contain_text(TITLE)
    look(rev, "reviewer-previews-the-draft")
    rev.go_back()

    # Without a comment the return is refused: first by the browser (nothing posts) ...
    row.locator("summary").click()
    row.get_by_role("button", name="Return to editor").click()
    expect(row.locator("textarea")).to_be_focused()
    assert status_of(event) == PublicationStatus.REVIEW
    # ... then by the server, for a browser that skips the check: the return's page says why.
    row.locator("textarea").evaluate("textarea => textarea.removeAttribute('required')")
    row.get_by_role("button", name="Return to editor").click()
    expect(rev.locator("#review-return-form .errornote")).to_be_visible()
    assert status_of(event) == PublicationStatus.REVIEW
    look(rev, "reviewer-return-refused-without-a-comment", axe=True)
    rev.locator("#id_comment").fill(COMMENT)
    rev.locator("#review-return-form input[type=submit]").click()
    expect(rev.locator(".messagelist")).to_contain_text("is returned to its editor")
    assert status_of(event) == PublicationStatus.DRAFT
    expect(rows).to_have_count(3)

    # 3. The editor reads the comment on the dashboard and on the record, corrects, resubmits.
    ed.goto(f"{site}/admin/")
    returned = ed.locator("#returned-to-me")
    expect(returned.locator("blockquote")).to_have_text(COMMENT)
    expect(returned).to_contain_text("by reviewer")
    look(ed, "editor-dashboard-shows-the-return")
    returned.get_by_role("link", name=TITLE).click()
    expect(ed.locator("#review-returned")).to_contain_text(COMMENT)
    expect(ed.locator("#review-returned")).to_contain_text("reviewer returned it on")
    ed.locator("#id_title_en").fill(CORRECTED)
    look(ed, "editor-corrects-the-record", only="#review-returned")
    ed.get_by_role("button", name="Save and submit for review").click()
    expect(ed.locator(".messagelist")).to_contain_text("is submitted for review")
    assert status_of(event) == PublicationStatus.REVIEW

    # 4. The reviewer: the record was never published, so it is still all new; publish.
    rev.goto(f"{site}/admin/review/")
    expect(rows).to_have_count(4)
    row = rows.filter(has_text=CORRECTED)
    expect(row.locator(".review-diff-new")).to_contain_text("New record")
    expect(row.locator("td").nth(1)).to_have_text("editor")
    look(rev, "reviewer-queue-after-the-correction")
    rows.filter(has_text="(figures corrected)").get_by_role("button", name="Publish").click()
    expect(rev.locator(".messagelist")).to_contain_text("is published")
    assert status_of(edited) == PublicationStatus.PUBLISHED
    expect(rows).to_have_count(3)

    row.get_by_role("link", name=CORRECTED).click()
    panel = rev.locator("#review-panel")
    expect(panel).to_contain_text("Submitted by editor")
    look(rev, "reviewer-opens-the-record", only="#review-panel")
    panel.get_by_role("button", name="Publish").click()
    # The two claims contradict and no best estimate is chosen: the desk shows the dispute and holds the
    # record until the reviewer confirms (or ranks a claim "Preferred").
    expect(rev.locator("#review-publish-confirm-form")).to_be_visible()
    assert status_of(event) == PublicationStatus.REVIEW
    look(rev, "reviewer-sees-the-dispute-before-publishing", axe=True)
    rev.get_by_label("Publish without a best estimate").check()
    rev.locator("#review-publish-confirm-form input[type=submit]").click()
    expect(rev.locator(".messagelist")).to_contain_text("is published")
    assert status_of(event) == PublicationStatus.PUBLISHED

    rev.goto(f"{site}/admin/events/event/{event.pk}/history/")
    transitions = rev.locator("#review-transitions > table > tbody > tr")
    expect(transitions).to_have_count(4)
    for index, (who, to_status) in enumerate(
        [("editor", "In review"), ("reviewer", "Draft"), ("editor", "In review"), ("reviewer", "Published")]
    ):
        expect(transitions.nth(index).locator("td").nth(1)).to_have_text(who)
        expect(transitions.nth(index).locator("td").nth(3)).to_contain_text(to_status)
    expect(transitions.nth(1)).to_contain_text("returned to editor")
    expect(transitions.nth(1).locator("td").nth(4)).to_have_text(COMMENT)
    look(rev, "history-lists-every-move", axe=True)
    editor_context.close()
    reviewer_context.close()

    # 5. A reader sees the event and both claims.
    reader_context, reader = open_context()
    response = reader.goto(f"{site}/events/{event.public_id}/")
    assert response.status == 200
    expect(reader.locator("h1")).to_have_text(CORRECTED)
    expect(reader.locator(".notice-draft")).to_have_count(0)
    figures = reader.locator("section.figures")
    for text in ["230", "173", "Dmytro Lubinets", "disputed"]:
        expect(figures).to_contain_text(text)
    look(reader, "the-public-page")
    reader_context.close()

    assert problems == {}
    assert errors == []

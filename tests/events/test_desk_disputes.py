"""Disputes before publishing from the review desk and in bulk: the queue's Publish, the change form's review
panel and the bulk action "Publish selected" hold an event whose claims contradict with no best estimate
(the rule the event form applies) until the reviewer ticks "Publish without a best estimate" or ranks a claim
"Preferred"; the other warnings (no excerpt, source dates, no source) are shown and stop nothing. Driven
through the admin as the demo's reviewer and editor (``create_demo_accounts``)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from knowledgebase.core.admin_review import CONFIRM_FIELD, PublishCheck, RecordChecks
from knowledgebase.core.models import PublicationStatus
from knowledgebase.core.services import publishable_submit
from knowledgebase.events.models import Event
from knowledgebase.events.review_warnings import (
    DISPUTE,
    NO_EXCERPT,
    NO_SOURCE,
    stored_event_warnings,
    stored_warnings_of,
)
from knowledgebase.sources.claims import PREFERRED
from tests.admin_forms import admin_url, form_values, messages_of, run_action, status_of
from tests.factories import (
    ActorFactory,
    BriefFactory,
    CitationFactory,
    EventFactory,
    FigureFactory,
    MeasureFactory,
    SourceFactory,
    StatisticFactory,
)

DRAFT, REVIEW, PUBLISHED = PublicationStatus.DRAFT, PublicationStatus.REVIEW, PublicationStatus.PUBLISHED
CONFIRM = "Publish without a best estimate"
RANGE = "from 173 to 230"


# --- the demo's accounts and the records they work on ------------------------------------------------------


@pytest.fixture
def demo_accounts(db, settings, tmp_path):
    """The demo's reviewer and editor, as `make demo` makes them."""
    settings.DEMO_ACCOUNTS_FILE = tmp_path / "demo_accounts.json"
    call_command("create_demo_accounts", "--force", stdout=StringIO(), stderr=StringIO())
    return {user.username: user for user in get_user_model().objects.filter(username__in=["reviewer", "editor"])}


@pytest.fixture
def reviewer_desk(client, demo_accounts):
    client.force_login(demo_accounts["reviewer"])
    return client


@pytest.fixture
def editor_desk(client, demo_accounts):
    client.force_login(demo_accounts["editor"])
    return client


def disputed_event(*, title="Exchange with contradicting counts", status=DRAFT, preferred=False, excerpt="“…”"):
    """An event citing its source, whose two claims of one measure contradict (230 and 173 returned)."""
    event = EventFactory(title=title, status=status)
    source = SourceFactory()
    CitationFactory(event=event, source=source)
    measure = MeasureFactory(name="People returned to Ukraine", slug="people-returned-to-ukraine")
    common = {"event": event, "measure": measure, "source": source, "excerpt": excerpt}
    FigureFactory(**common, value=230, claimant_actor=ActorFactory(name="Dmytro Lubinets"), rank="normal")
    FigureFactory(
        **common,
        value=173,
        claimant_actor=ActorFactory(name="Russian sources"),
        rank=PREFERRED if preferred else "normal",
        rank_reason="The later count, confirmed by both sides." if preferred else "",
    )
    return event


def clean_event(*, title="Exchange with one count", status=DRAFT):
    """An event citing its source, with one figure quoted from it: nothing to check."""
    event = EventFactory(title=title, status=status)
    source = SourceFactory()
    CitationFactory(event=event, source=source)
    FigureFactory(event=event, source=source, value=100, excerpt="“100 returned”")
    return event


def submitted(event, demo_accounts):
    publishable_submit(obj=event, by=demo_accounts["editor"])
    return event


def desk_url(action, obj):
    opts = obj._meta
    return reverse(f"admin:review-{action}", args=[opts.app_label, opts.model_name, obj.pk])


def queue_item(response, obj):
    return next(item for item in response.context["items"] if item["object"] == obj)


# --- the checks themselves --------------------------------------------------------------------------------


def test_the_bulk_warnings_are_each_events_stored_warnings_in_two_queries(db, django_assert_num_queries):
    events = [disputed_event(), clean_event(), EventFactory(), disputed_event(title="Ranked", preferred=True)]
    expected = {event.pk: stored_event_warnings(event) for event in events}

    with django_assert_num_queries(2):
        found = stored_warnings_of(events)

    assert found == expected
    assert [warning.code for warning in found[events[0].pk]] == [DISPUTE]
    assert found[events[1].pk] == []
    assert [warning.code for warning in found[events[2].pk]] == [NO_SOURCE]
    assert found[events[3].pk] == []
    assert stored_warnings_of([]) == {}


def test_a_dispute_blocks_unless_the_event_is_already_public(db, rf, demo_accounts):
    from django.contrib import admin

    event_admin = admin.site._registry[Event]
    draft = disputed_event(title="Draft")
    public = disputed_event(title="Public", status=PUBLISHED)
    unsourced = EventFactory(title="No source")
    request = rf.get("/admin/")
    request.user = demo_accounts["reviewer"]

    checks = event_admin.publish_checks(request, [draft, public, unsourced])

    (dispute,) = checks[draft.pk]
    assert isinstance(dispute, PublishCheck)
    assert dispute.blocks
    assert dispute.code == DISPUTE
    assert dispute.confirm_label == CONFIRM
    assert "People returned to Ukraine: disputed, 173 to 230" in dispute.label
    assert RANGE in dispute.message
    assert dispute.items == ("230, claimed by Dmytro Lubinets", "173, claimed by Russian sources")
    assert [check.blocks for check in checks[public.pk]] == [False]
    assert [(check.code, check.blocks) for check in checks[unsourced.pk]] == [(NO_SOURCE, False)]


def test_a_model_admin_without_checks_has_none_and_its_records_hold_nothing():
    assert RecordChecks().blocking == []
    held = RecordChecks([PublishCheck("a", "b"), PublishCheck("c", "d", blocks=True, confirm_label="Go")])
    assert [check.label for check in held.blocking] == ["c"]
    assert held.confirm_label == "Go"
    assert RecordChecks([PublishCheck("c", "d", blocks=True)]).confirm_label == "Publish it as it is"


# --- the queue ------------------------------------------------------------------------------------------------


def test_the_queue_shows_each_events_checks_and_marks_the_dispute(reviewer_desk, demo_accounts):
    disputed = submitted(disputed_event(), demo_accounts)
    unquoted = submitted(disputed_event(title="Ranked, unquoted", preferred=True, excerpt=""), demo_accounts)
    clean = submitted(clean_event(), demo_accounts)
    brief = submitted(BriefFactory(title="A brief"), demo_accounts)

    response = reviewer_desk.get(reverse("admin:review-queue"))

    assert response.status_code == 200
    assert [check.code for check in queue_item(response, disputed)["checks"].blocking] == [DISPUTE]
    assert [(c.code, c.blocks) for c in queue_item(response, unquoted)["checks"]] == [(NO_EXCERPT, False)]
    assert not queue_item(response, clean)["checks"]
    assert not queue_item(response, brief)["checks"]  # core's default: no checks
    assertContains(response, "People returned to Ukraine: disputed, 173 to 230, no best estimate")
    assertContains(response, "2 figures without an excerpt")
    assertContains(response, "review-check-blocking", count=1)
    assertContains(response, "Asks you to confirm what is marked first.", count=1)
    for record in (disputed, unquoted, clean, brief):
        assertContains(response, desk_url("publish", record))


def test_queue_publish_of_a_dispute_without_a_best_estimate_publishes_nothing_and_shows_it(
    reviewer_desk, demo_accounts
):
    event = submitted(disputed_event(), demo_accounts)
    back = reverse("admin:review-queue") + "?kind=events.event"

    response = reviewer_desk.post(desk_url("publish", event), {"next": back})

    assert response.status_code == 200
    assertTemplateUsed(response, "admin/review_publish.html")
    assert status_of(event) == REVIEW
    assertContains(response, "is not published yet")
    assertContains(response, RANGE)
    assertContains(response, "230, claimed by Dmytro Lubinets")
    assertContains(response, "173, claimed by Russian sources")
    assertContains(response, "Choose it (rank “Preferred”, with the reason)")
    assertContains(response, CONFIRM)
    assertContains(response, admin_url(Event, "change", event.pk))
    assertNotContains(response, "review-confirm-refused")

    confirmed = form_values(response, "review-publish-confirm-form")
    assert CONFIRM_FIELD not in confirmed  # the reviewer ticks it
    confirmed[CONFIRM_FIELD] = [str(event.pk)]
    published = reviewer_desk.post(desk_url("publish", event), confirmed)

    assert published.status_code == 302
    assert published["Location"] == back
    assert status_of(event) == PUBLISHED
    assert f"“{event}” is published." in messages_of(published)


def test_the_confirmation_page_posted_without_its_box_ticked_publishes_nothing(reviewer_desk, demo_accounts):
    event = submitted(disputed_event(), demo_accounts)
    other = submitted(disputed_event(title="Another"), demo_accounts)
    page = reviewer_desk.post(desk_url("publish", event), {"next": "/admin/review/"})
    data = form_values(page, "review-publish-confirm-form")

    unticked = reviewer_desk.post(desk_url("publish", event), data)
    for forged in ([str(other.pk)], ["on"], ["-1"], ["x" * 5000], []):
        response = reviewer_desk.post(desk_url("publish", event), {**data, CONFIRM_FIELD: forged})
        assert response.status_code == 200

    assert unticked.status_code == 200
    assertContains(unticked, "Tick the box to publish it as it is")
    assert status_of(event) == REVIEW


def test_queue_publish_of_a_dispute_with_a_preferred_claim_publishes_it(reviewer_desk, demo_accounts):
    event = submitted(disputed_event(preferred=True), demo_accounts)

    response = reviewer_desk.post(desk_url("publish", event), {"next": "/admin/review/"})

    assert response.status_code == 302
    assert status_of(event) == PUBLISHED
    assert f"“{event}” is published." in messages_of(response)


def test_warnings_that_do_not_block_do_not_stop_the_queues_publish(reviewer_desk, demo_accounts):
    unsourced = submitted(EventFactory(title="Cites nothing"), demo_accounts)
    unquoted = submitted(clean_event(title="Quotes nothing"), demo_accounts)
    unquoted.figures.update(excerpt="")
    queue = reviewer_desk.get(reverse("admin:review-queue"))
    assertContains(queue, "No source cited")
    assertContains(queue, "1 figure without an excerpt")

    for event in (unsourced, unquoted):
        response = reviewer_desk.post(desk_url("publish", event), {"next": "/admin/review/"})

        assert response.status_code == 302
        assert status_of(event) == PUBLISHED


def test_a_dispute_ranked_after_the_hold_lets_the_event_through(reviewer_desk, demo_accounts):
    event = submitted(disputed_event(), demo_accounts)
    assert reviewer_desk.post(desk_url("publish", event)).status_code == 200

    event.figures.filter(value=230).update(rank=PREFERRED, rank_reason="The ombudsman's count, by name.")
    response = reviewer_desk.post(desk_url("publish", event))

    assert response.status_code == 302
    assert status_of(event) == PUBLISHED


# Sessions and permissions, the filters' submitters, the header count, per kind its rows and diffs, the
# events' checks (figures, citations: 2), the submitters: 18 measured with two kinds.
QUEUE_BUDGET = 20


def test_the_queue_with_disputes_costs_the_same_queries_for_3_or_30_events(
    reviewer_desk, demo_accounts, django_assert_max_num_queries
):
    def measured():
        with django_assert_max_num_queries(QUEUE_BUDGET) as captured:
            response = reviewer_desk.get(reverse("admin:review-queue"))
        assert response.status_code == 200
        return len(captured), len(response.context["items"])

    submitted(StatisticFactory(title="A statistic"), demo_accounts)
    for number in range(3):
        submitted(disputed_event(title=f"Disputed {number}"), demo_accounts)
    few = measured()
    for number in range(27):
        submitted(disputed_event(title=f"More {number}"), demo_accounts)

    many = measured()
    assert (few[1], many[1]) == (4, 31)
    assert many[0] == few[0]


def test_the_publish_confirmation_page_costs_a_fixed_number_of_queries(
    reviewer_desk, demo_accounts, django_assert_max_num_queries
):
    event = submitted(disputed_event(), demo_accounts)
    with django_assert_max_num_queries(12) as few:
        reviewer_desk.post(desk_url("publish", event))
    for value in range(20):
        FigureFactory(event=event, measure=event.figures.first().measure, value=300 + value)

    with django_assert_max_num_queries(12) as many:
        response = reviewer_desk.post(desk_url("publish", event))

    assertContains(response, "from 173 to 319")
    assert len(many) == len(few)


# --- the change form's review panel ------------------------------------------------------------------------


def test_the_panel_shows_the_dispute_and_its_publish_holds_the_event(reviewer_desk, demo_accounts):
    event = submitted(disputed_event(), demo_accounts)
    url = admin_url(Event, "change", event.pk)

    page = reviewer_desk.get(url)

    assertContains(page, 'id="review-panel-checks"')
    assertContains(page, "People returned to Ukraine: disputed, 173 to 230, no best estimate")
    assertContains(page, f"Publish then asks you to confirm what is marked (“{CONFIRM}”)")
    response = reviewer_desk.post(desk_url("publish", event), form_values(page, "review-publish-form"))
    assert response.status_code == 200
    assertContains(response, RANGE)
    assert status_of(event) == REVIEW

    data = form_values(response, "review-publish-confirm-form")
    data[CONFIRM_FIELD] = [str(event.pk)]
    published = reviewer_desk.post(desk_url("publish", event), data)

    assert published["Location"] == url
    assert status_of(event) == PUBLISHED


def test_the_panel_of_an_event_without_checks_is_as_it_was(reviewer_desk, demo_accounts):
    event = submitted(clean_event(), demo_accounts)
    url = admin_url(Event, "change", event.pk)

    page = reviewer_desk.get(url)
    response = reviewer_desk.post(desk_url("publish", event), form_values(page, "review-publish-form"))

    assertNotContains(page, "review-panel-checks")
    assertContains(page, 'id="review-publish-form"')
    assert response["Location"] == url
    assert status_of(event) == PUBLISHED


# --- the bulk action -------------------------------------------------------------------------------------------


def test_bulk_publish_leaves_the_disputed_event_out_unless_its_box_is_ticked(reviewer_desk, demo_accounts):
    disputed = submitted(disputed_event(), demo_accounts)
    clean = submitted(clean_event(), demo_accounts)

    page = run_action(reviewer_desk, Event, "publish_selected", [disputed, clean])

    assert page.status_code == 200
    assertTemplateUsed(page, "admin/publish_confirmation.html")
    assertContains(page, "1 record needs your confirmation first")
    assertContains(page, RANGE)
    assertContains(page, "230, claimed by Dmytro Lubinets")
    assertContains(page, f'id="confirm-warnings-{disputed.pk}"')
    assertNotContains(page, f'id="confirm-warnings-{clean.pk}"')
    assert page.context["records"][0]["checks"] or page.context["records"][1]["checks"]
    data = form_values(page, "publish-confirmation")
    assert CONFIRM_FIELD not in data

    response = reviewer_desk.post(admin_url(Event, "changelist"), data)

    assert response.status_code == 302
    assert (status_of(disputed), status_of(clean)) == (REVIEW, PUBLISHED)
    said = messages_of(response)
    assert "1 record published." in said
    assert any(message.startswith(f"“{disputed}” is not published") and CONFIRM in message for message in said)

    page = run_action(reviewer_desk, Event, "publish_selected", [disputed])
    data = form_values(page, "publish-confirmation")
    data[CONFIRM_FIELD] = [str(disputed.pk)]
    response = reviewer_desk.post(admin_url(Event, "changelist"), data)

    assert "1 record published." in messages_of(response)
    assert status_of(disputed) == PUBLISHED


def test_bulk_publish_with_a_box_ticked_for_one_event_publishes_only_that_one(reviewer_desk, demo_accounts):
    first = submitted(disputed_event(title="First"), demo_accounts)
    second = submitted(disputed_event(title="Second"), demo_accounts)
    page = run_action(reviewer_desk, Event, "publish_selected", [first, second])
    data = form_values(page, "publish-confirmation")

    response = reviewer_desk.post(admin_url(Event, "changelist"), {**data, CONFIRM_FIELD: [str(first.pk), "junk"]})

    assert response.status_code == 302
    assert (status_of(first), status_of(second)) == (PUBLISHED, REVIEW)


def test_bulk_publish_holds_nothing_the_public_already_has(reviewer_desk, demo_accounts):
    public = disputed_event(title="Already public", status=PUBLISHED)
    clean = submitted(clean_event(), demo_accounts)
    page = run_action(reviewer_desk, Event, "publish_selected", [public, clean])

    assertNotContains(page, "needs your confirmation")
    response = reviewer_desk.post(admin_url(Event, "changelist"), form_values(page, "publish-confirmation"))

    assert "2 records published." in messages_of(response)
    assert status_of(clean) == PUBLISHED


def test_the_bulk_confirmation_costs_the_same_queries_for_2_or_12_disputed_events(
    reviewer_desk, demo_accounts, django_assert_max_num_queries
):
    def confirmation(count):
        events = [submitted(disputed_event(title=f"Disputed {count}-{n}"), demo_accounts) for n in range(count)]
        data = {"action": "publish_selected", "index": "0", "_selected_action": [event.pk for event in events]}
        with django_assert_max_num_queries(22) as captured:  # the desk's own budget: the checks fit in it
            response = reviewer_desk.post(admin_url(Event, "changelist"), data)
        assert response.status_code == 200
        assertContains(response, 'class="module review-confirm-record review-confirm-held"', count=count)
        return len(captured)

    assert confirmation(2) == confirmation(12)


# --- an editor publishes by no path ----------------------------------------------------------------------------


def test_an_editor_gets_403_on_every_publish_path_even_confirming(editor_desk, demo_accounts):
    disputed = submitted(disputed_event(), demo_accounts)
    clean = submitted(clean_event(), demo_accounts)
    confirm = {CONFIRM_FIELD: [str(disputed.pk), str(clean.pk)], "confirming": "1", "next": "/admin/"}

    for event in (disputed, clean):
        assert editor_desk.post(desk_url("publish", event), confirm).status_code == 403
    bulk = run_action(editor_desk, Event, "publish_selected", [disputed, clean], apply="1", **confirm)
    form = editor_desk.post(
        admin_url(Event, "change", disputed.pk), {"status": PUBLISHED, "confirm_warnings": "on", "title_en": "x"}
    )

    assert bulk.status_code in {302, 403}
    assert form.status_code in {200, 403}
    assert (status_of(disputed), status_of(clean)) == (REVIEW, REVIEW)


def test_an_editor_sees_the_checks_on_the_queue_without_the_publish_button(editor_desk, demo_accounts):
    submitted(disputed_event(), demo_accounts)

    response = editor_desk.get(reverse("admin:review-queue"))

    assertContains(response, "People returned to Ukraine: disputed, 173 to 230, no best estimate")
    assertNotContains(response, "/publish/")
    assertNotContains(response, "Asks you to confirm what is marked first.")

"""The review desk: every status change recorded, a reviewer returning a record to its editor with a
comment, the queue over every reviewed kind with its actions, the change form's buttons, the history
page and the bulk publish after the combined diff; and an editor publishing by none of these paths."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from knowledgebase.core.models import PublicationStatus, ReviewTransition
from knowledgebase.core.review import (
    latest_submission,
    latest_transition,
    latest_transitions_for,
    record_key,
    returned_to,
    submissions_for,
    transitions_of,
)
from knowledgebase.core.services import (
    publishable_publish,
    publishable_retract,
    publishable_return,
    publishable_save,
    publishable_submit,
    record_delete,
)
from knowledgebase.events.models import Event
from knowledgebase.presentation.formatting import day_date
from tests.admin_forms import PUBLISHABLE, admin_form, admin_url, form_values, messages_of, run_action, status_of
from tests.conftest import make_staff
from tests.factories import BriefFactory, EventFactory, StatisticFactory

DRAFT, REVIEW = PublicationStatus.DRAFT, PublicationStatus.REVIEW
PUBLISHED, RETRACTED = PublicationStatus.PUBLISHED, PublicationStatus.RETRACTED


@pytest.fixture
def other_editor(db, django_user_model):
    return make_staff(django_user_model, "ed2", "Editor")


def moves(obj):
    return [(t.from_status, t.to_status, t.by.username if t.by else None, t.comment) for t in transitions_of(obj)]


# --- services: every status change is recorded ---------------------------------------------------


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_submit_publish_and_retract_are_recorded_with_who_and_why(editor, reviewer, model, factory):
    record = factory()

    publishable_submit(obj=record, by=editor)
    publishable_publish(obj=record, by=reviewer)
    publishable_retract(obj=record, by=reviewer, note="A duplicate.")

    assert moves(record) == [
        (DRAFT, REVIEW, "ed", ""),
        (REVIEW, PUBLISHED, "rev", ""),
        (PUBLISHED, RETRACTED, "rev", "A duplicate."),
    ]


def test_a_save_that_changes_the_status_is_recorded_and_one_that_keeps_it_is_not(editor, reviewer):
    event = EventFactory()

    event.title = "Edited, still a draft"
    publishable_save(obj=event, by=editor)
    event.status = REVIEW
    publishable_save(obj=event, by=editor)
    event.title = "Edited in review"
    publishable_save(obj=event, by=reviewer)

    assert moves(event) == [(DRAFT, REVIEW, "ed", "")]


def test_a_new_record_saved_into_review_counts_as_submitted_and_a_new_draft_records_nothing(editor):
    draft = EventFactory.build(event_type=EventFactory().event_type, title="New draft", slug="new-draft")
    submitted = EventFactory.build(event_type=draft.event_type, title="New", slug="new", status=REVIEW)

    publishable_save(obj=draft, by=editor)
    publishable_save(obj=submitted, by=editor)

    assert moves(draft) == []
    assert moves(submitted) == [(DRAFT, REVIEW, "ed", "")]
    assert latest_submission(submitted).by == editor


def test_a_refused_transition_records_nothing(editor):
    event = EventFactory(status=REVIEW)

    with pytest.raises(PermissionDenied):
        publishable_publish(obj=event, by=editor)

    assert moves(event) == []


def test_transition_rows_must_change_the_status(editor):
    event = EventFactory()
    content_type = ContentType.objects.get_for_model(Event)
    row = ReviewTransition(content_type=content_type, object_id=event.pk, from_status=DRAFT, to_status=DRAFT)

    with pytest.raises(ValidationError):
        row.full_clean()
    with pytest.raises(IntegrityError):
        row.save()


def test_deleting_a_record_deletes_its_transitions(editor):
    event = EventFactory()
    publishable_submit(obj=event, by=editor)
    key = record_key(event)

    record_delete(obj=event, by=editor)

    assert not ReviewTransition.objects.filter(content_type_id=key[0], object_id=key[1]).exists()


def test_a_deleted_users_transitions_stay_without_them(editor, reviewer):
    event = EventFactory()
    publishable_submit(obj=event, by=editor)

    editor.delete()

    assert moves(event) == [(DRAFT, REVIEW, None, "")]


# --- services: return to the editor ---------------------------------------------------------------


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_a_reviewer_returns_a_record_in_review_to_draft_with_a_comment(editor, reviewer, model, factory):
    record = factory()
    publishable_submit(obj=record, by=editor)

    publishable_return(obj=record, by=reviewer, comment="  Cite the ministry's statement.  ")

    record.refresh_from_db()
    assert record.status == DRAFT
    last = latest_transition(record)
    assert (last.from_status, last.to_status, last.by, last.comment) == (
        REVIEW,
        DRAFT,
        reviewer,
        "Cite the ministry's statement.",
    )
    assert last.is_return


@pytest.mark.parametrize("comment", ["", "   ", None])
def test_returning_without_a_comment_is_refused(editor, reviewer, comment):
    event = EventFactory()
    publishable_submit(obj=event, by=editor)

    with pytest.raises(ValidationError) as refused:
        publishable_return(obj=event, by=reviewer, comment=comment)

    assert "comment" in refused.value.message_dict
    assert Event.objects.get(pk=event.pk).status == REVIEW
    assert len(moves(event)) == 1


def test_an_editor_cannot_return_a_record(editor, other_editor):
    event = EventFactory()
    publishable_submit(obj=event, by=other_editor)

    with pytest.raises(PermissionDenied):
        publishable_return(obj=event, by=editor, comment="Not mine to judge.")

    assert Event.objects.get(pk=event.pk).status == REVIEW
    assert len(moves(event)) == 1


@pytest.mark.parametrize("status", [DRAFT, PUBLISHED, RETRACTED])
def test_only_a_record_in_review_can_be_returned(reviewer, status):
    event = EventFactory(status=status, retraction_note="Gone." if status == RETRACTED else "")

    with pytest.raises(ValidationError):
        publishable_return(obj=event, by=reviewer, comment="Why?")

    assert Event.objects.get(pk=event.pk).status == status
    assert moves(event) == []


def test_the_return_comment_stays_out_of_the_public_change_log(editor, reviewer):
    event = EventFactory()
    publishable_submit(obj=event, by=editor)

    publishable_return(obj=event, by=reviewer, comment="Internal: check the numbers.")

    assert event.history.latest().history_change_reason in (None, "")


# --- reads: submissions, returns, history ---------------------------------------------------------


def test_latest_submission_is_the_last_move_into_review(editor, other_editor, reviewer):
    event = EventFactory()
    assert latest_submission(event) is None
    publishable_submit(obj=event, by=editor)
    publishable_return(obj=event, by=reviewer, comment="Fix the date.")
    publishable_submit(obj=event, by=other_editor)

    assert latest_submission(event).by == other_editor


def test_submissions_for_answers_for_every_kind_in_one_query(editor, other_editor, django_assert_num_queries):
    records = [EventFactory(), EventFactory(), BriefFactory(), StatisticFactory()]
    for record, who in zip(records, [editor, other_editor, editor, other_editor], strict=True):
        publishable_submit(obj=record, by=who)
    never_submitted = EventFactory(status=REVIEW)
    ContentType.objects.get_for_models(Event)  # the content types are cached, as in a running site

    with django_assert_num_queries(1):
        found = submissions_for([*records, never_submitted])
        submitters = {key: transition.by.username for key, transition in found.items()}

    assert submitters == {
        record_key(records[0]): "ed",
        record_key(records[1]): "ed2",
        record_key(records[2]): "ed",
        record_key(records[3]): "ed2",
    }
    assert submissions_for([]) == {}


def test_a_brief_and_an_event_with_the_same_id_keep_their_own_submissions(editor, other_editor):
    event = EventFactory()
    brief = BriefFactory(id=event.pk)
    publishable_submit(obj=event, by=editor)
    publishable_submit(obj=brief, by=other_editor)

    found = submissions_for([event, brief])

    assert found[record_key(event)].by == editor
    assert found[record_key(brief)].by == other_editor


def test_latest_transitions_for_gives_each_records_last_move(editor, reviewer):
    returned, submitted = EventFactory(), BriefFactory()
    for record in (returned, submitted):
        publishable_submit(obj=record, by=editor)
    publishable_return(obj=returned, by=reviewer, comment="Add a source.")

    found = latest_transitions_for([returned, submitted])

    assert found[record_key(returned)].comment == "Add a source."
    assert found[record_key(submitted)].to_status == REVIEW


def test_returned_to_lists_what_a_reviewer_sent_back_to_its_submitter(editor, other_editor, reviewer):
    mine, theirs, resubmitted, edited_after = EventFactory(), BriefFactory(), StatisticFactory(), EventFactory()
    publishable_submit(obj=mine, by=editor)
    publishable_submit(obj=theirs, by=other_editor)
    publishable_submit(obj=resubmitted, by=editor)
    publishable_submit(obj=edited_after, by=editor)
    for number, record in enumerate([mine, theirs, resubmitted, edited_after]):
        publishable_return(obj=record, by=reviewer, comment=f"Fix {number}.")
    publishable_submit(obj=resubmitted, by=editor)
    edited_after.title = "Corrected, not yet resubmitted"
    publishable_save(obj=edited_after, by=editor)

    found = returned_to(editor)

    assert [(record, transition.comment) for record, transition in found] == [
        (edited_after, "Fix 3."),
        (mine, "Fix 0."),
    ]
    assert [record for record, _transition in returned_to(other_editor)] == [theirs]
    assert returned_to(reviewer) == []


def test_returned_to_ignores_a_move_back_to_draft_without_a_comment(editor, reviewer):
    event = EventFactory()
    publishable_submit(obj=event, by=editor)
    event.status = DRAFT
    publishable_save(obj=event, by=reviewer)

    assert returned_to(editor) == []


def test_returned_to_runs_a_fixed_number_of_queries(editor, reviewer, django_assert_max_num_queries):
    for number in range(6):
        record = [EventFactory, BriefFactory, StatisticFactory][number % 3]()
        publishable_submit(obj=record, by=editor)
        publishable_return(obj=record, by=reviewer, comment="Again.")

    with django_assert_max_num_queries(4):
        assert len(returned_to(editor)) == 6


def test_the_submitter_is_the_one_before_the_return_even_at_the_same_instant(editor, other_editor, reviewer):
    event = EventFactory()
    content_type = ContentType.objects.get_for_model(Event)
    moment = timezone.now() - datetime.timedelta(days=1)
    common = {"content_type": content_type, "object_id": event.pk, "at": moment}
    ReviewTransition.objects.create(**common, from_status=DRAFT, to_status=REVIEW, by=other_editor)
    ReviewTransition.objects.create(**common, from_status=REVIEW, to_status=DRAFT, by=reviewer, comment="No.")
    ReviewTransition.objects.create(**common, from_status=DRAFT, to_status=REVIEW, by=editor)
    ReviewTransition.objects.create(**common, from_status=REVIEW, to_status=DRAFT, by=reviewer, comment="Still no.")

    assert [transition.comment for _record, transition in returned_to(editor)] == ["Still no."]
    assert returned_to(other_editor) == []


# --- the queue -------------------------------------------------------------------------------------


def queue(client, **params):
    return client.get(reverse("admin:review-queue"), params)


def desk_url(action, obj):
    opts = obj._meta
    return reverse(f"admin:review-{action}", args=[opts.app_label, opts.model_name, obj.pk])


@pytest.fixture
def submitted(editor, other_editor):
    """One record of each reviewed kind submitted by an editor, and a published event put back in review."""
    event = EventFactory(title="Exchange submitted by ed")
    statistic = StatisticFactory(title="Statistic submitted by ed2")
    brief = BriefFactory(title="Brief submitted by ed")
    publishable_submit(obj=event, by=editor)
    publishable_submit(obj=statistic, by=other_editor)
    publishable_submit(obj=brief, by=editor)
    return {"event": event, "statistic": statistic, "brief": brief}


def rows_of(response):
    return [item["object"] for item in response.context["items"]]


def test_the_queue_shows_each_kind_with_its_submitter_time_diff_and_preview(reviewer_client, submitted):
    response = queue(reviewer_client)

    assert response.status_code == 200
    assert set(rows_of(response)) == set(submitted.values())
    by_title = {str(item["object"]): item for item in response.context["items"]}
    assert by_title["Statistic submitted by ed2"]["submitter"].username == "ed2"
    assert by_title["Exchange submitted by ed"]["submitter"].username == "ed"
    assert by_title["Brief submitted by ed"]["kind"] == "Brief"
    page = response.content.decode()
    for record in submitted.values():
        assert admin_url(type(record), "change", record.pk) in page
        assert desk_url("publish", record) in page
        assert desk_url("return", record) in page
    assert submitted["event"].get_absolute_url() in page
    assert submitted["brief"].get_absolute_url() in page
    assert by_title["Statistic submitted by ed2"]["preview_url"]
    assert day_date(timezone.now()) in page
    assertContains(response, "<td>ed2</td>", html=True)
    assertContains(response, 'name="comment"', count=3)


def test_the_queue_renders_the_diff_of_each_record(reviewer_client, submitted, reviewer, editor):
    event = submitted["event"]
    publishable_publish(obj=event, by=reviewer)
    event.title = "Exchange, title corrected"
    event.status = DRAFT
    publishable_save(obj=event, by=reviewer)
    publishable_submit(obj=event, by=editor)

    response = queue(reviewer_client)

    item = next(item for item in response.context["items"] if item["object"] == event)
    if item["diff"] is None:
        pytest.skip("core.review_diff is not there yet")
    assert not item["diff"].is_new
    assertContains(response, "Exchange, title corrected")
    assertContains(response, "Exchange submitted by ed")


def test_the_queue_lists_the_longest_waiting_first(reviewer_client, editor):
    older, newer = EventFactory(title="Older"), BriefFactory(title="Newer")
    publishable_submit(obj=newer, by=editor)
    publishable_submit(obj=older, by=editor)
    content_type = ContentType.objects.get_for_model(Event)
    ReviewTransition.objects.filter(content_type=content_type, object_id=older.pk).update(
        at=timezone.now() - datetime.timedelta(days=3)
    )

    assert [str(record) for record in rows_of(queue(reviewer_client))] == ["Older", "Newer"]


def test_the_queue_filters_by_kind_submitter_and_age(reviewer_client, submitted):
    content_type = ContentType.objects.get_for_model(Event)
    ReviewTransition.objects.filter(content_type=content_type, object_id=submitted["event"].pk).update(
        at=timezone.now() - datetime.timedelta(days=10)
    )

    assert rows_of(queue(reviewer_client, kind="briefs.brief")) == [submitted["brief"]]
    assert set(rows_of(queue(reviewer_client, submitter="ed"))) == {submitted["event"], submitted["brief"]}
    assert rows_of(queue(reviewer_client, submitter="ed2")) == [submitted["statistic"]]
    assert rows_of(queue(reviewer_client, age="week")) == [submitted["event"]]
    assert rows_of(queue(reviewer_client, age="month")) == []
    assert rows_of(queue(reviewer_client, kind="events.event", submitter="ed", age="day")) == [submitted["event"]]


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "auth.user"},
        {"kind": "events.figure"},
        {"submitter": "nobody"},
        {"submitter": "'; drop table"},
        {"age": "century"},
        {"age": "7"},
        {"kind": "x" * 5000},
    ],
)
def test_an_invalid_filter_is_a_400_with_the_error_shown(reviewer_client, submitted, params):
    response = queue(reviewer_client, **params)

    assert response.status_code == 400
    assert response.context["items"] == []
    assertContains(response, "errornote", status_code=400)


def test_editors_see_the_queue_read_only(editor_client, submitted):
    response = queue(editor_client)

    assert response.status_code == 200
    assert len(rows_of(response)) == 3
    assertNotContains(response, 'name="comment"')
    assertNotContains(response, "/publish/")
    assertContains(response, "A reviewer publishes them or returns them to their editor.")


def make_waiting(count, editor):
    for number in range(count):
        record = [EventFactory, BriefFactory, StatisticFactory][number % 3](title=f"Waiting {number}")
        publishable_submit(obj=record, by=editor)


def queries_of(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# Sessions and permissions, the filter form's submitters, the header count, then per kind its rows and
# its diffs (core.review_diff), the events' checks before publishing (publish_checks: 2), and the submitters
# of every row: 18 measured with three kinds.
QUEUE_BUDGET = 20


def test_the_queue_costs_the_same_queries_for_3_or_30_records(reviewer_client, editor, django_assert_max_num_queries):
    make_waiting(3, editor)
    few = queries_of(reviewer_client, reverse("admin:review-queue"), django_assert_max_num_queries, QUEUE_BUDGET)
    make_waiting(27, editor)
    many = queries_of(reviewer_client, reverse("admin:review-queue"), django_assert_max_num_queries, QUEUE_BUDGET)

    assert many == few


# --- publish and return from the desk --------------------------------------------------------------


def test_a_reviewer_publishes_from_the_queue_and_comes_back_to_it(reviewer_client, submitted, reviewer):
    event = submitted["event"]
    back = reverse("admin:review-queue") + "?kind=events.event"

    response = reviewer_client.post(desk_url("publish", event), {"next": back})

    assert response.status_code == 302
    assert response["Location"] == back
    assert status_of(event) == PUBLISHED
    assert latest_transition(event).by == reviewer
    assert f"“{event}” is published." in messages_of(response)


def test_a_reviewer_returns_a_record_from_the_queue_with_a_comment(reviewer_client, submitted, editor, reviewer):
    brief = submitted["brief"]

    response = reviewer_client.post(desk_url("return", brief), {"comment": "Name the source.", "next": "/admin/"})

    assert response.status_code == 302
    assert status_of(brief) == DRAFT
    assert [(record, transition.comment) for record, transition in returned_to(editor)] == [(brief, "Name the source.")]


def test_returning_without_a_comment_is_refused_with_a_form_error(reviewer_client, submitted):
    statistic = submitted["statistic"]

    response = reviewer_client.post(desk_url("return", statistic), {"comment": "  ", "next": "/admin/review/"})

    assert response.status_code == 200
    assert response.context["form"].errors["comment"]
    assertContains(response, "Say what the editor should change: the comment is required.")
    assert status_of(statistic) == REVIEW
    assert latest_transition(statistic).to_status == REVIEW


def test_the_return_page_asks_for_the_comment_on_its_own(reviewer_client, submitted):
    event = submitted["event"]
    page = reviewer_client.get(desk_url("return", event))
    data = form_values(page, "review-return-form")
    data["comment"] = "The date is wrong."

    response = reviewer_client.post(desk_url("return", event), data)

    assert page.status_code == 200
    assert response.status_code == 302
    assert latest_transition(event).comment == "The date is wrong."


@pytest.mark.parametrize("action", ["publish", "return"])
def test_an_editor_posting_to_the_desk_gets_403_and_nothing_changes(editor_client, submitted, action):
    for record in submitted.values():
        response = editor_client.post(desk_url(action, record), {"comment": "Forged.", "next": "/admin/"})

        assert response.status_code == 403
        assert status_of(record) == REVIEW
        assert latest_transition(record).to_status == REVIEW


@pytest.mark.parametrize("action", ["publish", "return"])
def test_the_desk_needs_a_staff_login(client, submitted, action):
    response = client.post(desk_url(action, submitted["event"]), {"comment": "Forged."})

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert status_of(submitted["event"]) == REVIEW


def test_the_desk_refuses_a_post_without_its_csrf_token(reviewer, submitted):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)

    response = client.post(desk_url("publish", submitted["event"]))

    assert response.status_code == 403
    assert status_of(submitted["event"]) == REVIEW


@pytest.mark.parametrize(
    "path",
    [
        "/admin/review/events/figure/1/publish/",
        "/admin/review/auth/user/1/publish/",
        "/admin/review/events/event/999999/publish/",
        "/admin/review/events/event/999999/return/",
        "/admin/review/events/event/99999999999999999999999/publish/",
    ],
)
def test_an_unknown_kind_or_record_is_a_404(reviewer_client, path):
    assert reviewer_client.post(path, {"comment": "x"}).status_code == 404


def test_a_get_on_publish_changes_nothing(reviewer_client, submitted):
    response = reviewer_client.get(desk_url("publish", submitted["event"]))

    assert response.status_code == 302
    assert status_of(submitted["event"]) == REVIEW


@pytest.mark.parametrize("action", ["publish", "return"])
def test_a_record_no_longer_in_review_is_left_as_it_is(reviewer_client, reviewer, submitted, action):
    event = submitted["event"]
    publishable_publish(obj=event, by=reviewer)

    response = reviewer_client.post(desk_url(action, event), {"comment": "Late.", "next": "/admin/"})

    assert response.status_code == 302
    assert status_of(event) == PUBLISHED
    assert f"“{event}” no longer waits for review." in messages_of(response)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_the_desk_never_sends_a_reviewer_off_site(reviewer_client, submitted, target):
    response = reviewer_client.post(desk_url("publish", submitted["event"]), {"next": target})

    assert response["Location"] == reverse("admin:review-queue")


def test_an_invalid_record_is_not_published_and_the_reviewer_is_told(reviewer_client, submitted):
    event = submitted["event"]
    Event.objects.filter(pk=event.pk).update(slug="")

    response = reviewer_client.post(desk_url("publish", event), {"next": "/admin/review/"})

    assert response.status_code == 302
    assert status_of(event) == REVIEW
    assert any(message.startswith(str(event)) for message in messages_of(response))


# --- the header count --------------------------------------------------------------------------


def test_every_admin_page_says_how_many_records_wait(reviewer_client, submitted):
    for url in [reverse("admin:index"), admin_url(Event, "changelist"), admin_url(Event, "add")]:
        response = reviewer_client.get(url)

        assertContains(response, 'id="review-waiting"')
        assertContains(response, "Review queue (3)")


def test_the_header_count_is_one_query_whatever_the_number_of_kinds(reviewer, submitted, rf):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = reviewer
    waiting = admin.site.each_context(request)["review_waiting"]

    with CaptureQueriesContext(connection) as captured:
        assert waiting.value == 3
        assert waiting.value == 3

    assert len(captured) == 1


def test_no_count_for_someone_not_signed_in_to_the_admin(submitted, rf, django_user_model):
    from django.contrib import admin
    from django.contrib.auth.models import AnonymousUser

    for user in [AnonymousUser(), django_user_model.objects.create_user("reader", password="pw")]:
        request = rf.get("/admin/")
        request.user = user

        assert "review_waiting" not in admin.site.each_context(request)


def test_an_editor_counts_what_waits_too(editor_client, submitted):
    assertContains(editor_client.get(reverse("admin:index")), "Review queue (3)")


def test_the_return_page_costs_a_fixed_number_of_queries(reviewer_client, submitted, django_assert_max_num_queries):
    queries_of(reviewer_client, desk_url("return", submitted["event"]), django_assert_max_num_queries, 12)


# --- the change form -----------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_a_reviewer_publishes_from_the_change_form(reviewer_client, editor, model, factory):
    record = factory()
    publishable_submit(obj=record, by=editor)
    url = admin_url(model, "change", record.pk)
    page = reviewer_client.get(url)
    assertContains(page, 'id="review-publish-form"')
    assertContains(page, 'id="review-return-form"')
    assertContains(page, "Submitted by ed on")

    response = reviewer_client.post(desk_url("publish", record), form_values(page, "review-publish-form"))

    assert response.status_code == 302
    assert response["Location"] == url
    assert status_of(record) == PUBLISHED


def test_a_reviewer_returns_from_the_change_form(reviewer_client, editor):
    event = EventFactory()
    publishable_submit(obj=event, by=editor)
    page = reviewer_client.get(admin_url(Event, "change", event.pk))
    data = form_values(page, "review-return-form")
    data["comment"] = "Add the second claim."

    response = reviewer_client.post(desk_url("return", event), data)

    assert response["Location"] == admin_url(Event, "change", event.pk)
    assert status_of(event) == DRAFT


def test_an_editor_sees_a_record_in_review_without_the_reviewers_buttons(editor_client, editor):
    event = EventFactory()
    publishable_submit(obj=event, by=editor)

    page = editor_client.get(admin_url(Event, "change", event.pk))

    assertContains(page, "Submitted by ed on")
    assertNotContains(page, "review-publish-form")
    assertNotContains(page, "review-return-form")
    assertNotContains(page, "_submit_for_review")


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_an_editor_sees_the_return_comment_on_the_returned_draft(editor_client, editor, reviewer, model, factory):
    record = factory()
    publishable_submit(obj=record, by=editor)
    publishable_return(obj=record, by=reviewer, comment="Say who counted them.\nAnd <when>.")

    page = editor_client.get(admin_url(model, "change", record.pk))

    assertContains(page, 'id="review-returned"')
    assertContains(page, "rev returned it on")
    assertContains(page, "Say who counted them.<br>And &lt;when&gt;.")
    assertContains(page, 'name="_submit_for_review"')


def test_the_return_comment_goes_once_the_editor_resubmits(editor_client, editor, reviewer):
    event = EventFactory()
    publishable_submit(obj=event, by=editor)
    publishable_return(obj=event, by=reviewer, comment="Fix it.")
    publishable_submit(obj=event, by=editor)

    assertNotContains(editor_client.get(admin_url(Event, "change", event.pk)), "review-returned")


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_an_editor_saves_and_submits_a_draft_from_the_change_form(editor_client, editor, model, factory):
    record = factory()
    url, data = admin_form(editor_client, model, record)
    data["_submit_for_review"] = "Save and submit for review"

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert status_of(record) == REVIEW
    assert latest_submission(record).by == editor
    assert f"“{record}” is submitted for review." in messages_of(response)


def test_an_editor_corrects_a_returned_draft_and_resubmits_it(editor_client, editor, reviewer):
    event = EventFactory(title="Wrong title")
    publishable_submit(obj=event, by=editor)
    publishable_return(obj=event, by=reviewer, comment="The title is wrong.")
    url, data = admin_form(editor_client, Event, event)
    data.update(title_en="Right title", _submit_for_review="Save and submit for review")

    editor_client.post(url, data)

    event.refresh_from_db()
    assert (event.title, event.status) == ("Right title", REVIEW)
    assert returned_to(editor) == []
    assert [move[:3] for move in moves(event)] == [(DRAFT, REVIEW, "ed"), (REVIEW, DRAFT, "rev"), (DRAFT, REVIEW, "ed")]


def test_the_add_form_saves_and_submits_a_new_record(editor_client, editor):
    event_type = EventFactory().event_type
    url, data = admin_form(editor_client, Event)
    data.update(
        title_en="Submitted at once",
        slug="submitted-at-once",
        event_type=event_type.pk,
        start_date="2024-01-03",
        summary_en="Both sides returned remains.",
        _submit_for_review="Save and submit for review",
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302
    event = Event.objects.get(slug="submitted-at-once")
    assert event.status == REVIEW
    assert latest_submission(event).by == editor


def test_the_submit_button_cannot_publish_or_touch_a_published_record(editor_client, reviewer):
    event = EventFactory(published=True)

    page = editor_client.get(admin_url(Event, "change", event.pk))
    response = editor_client.post(
        admin_url(Event, "change", event.pk), {"_submit_for_review": "1", "status": PUBLISHED}
    )

    assertNotContains(page, "_submit_for_review")
    assert response.status_code == 403
    assert status_of(event) == PUBLISHED


def test_the_change_form_of_a_record_in_review_costs_the_same_queries_with_a_long_history(
    reviewer_client, editor, reviewer, django_assert_max_num_queries
):
    event = EventFactory()
    publishable_submit(obj=event, by=editor)
    url = admin_url(Event, "change", event.pk)
    # 24: the review panel's checks before publishing (publish_checks) read the figures and citations (2).
    few = queries_of(reviewer_client, url, django_assert_max_num_queries, 24)
    for _round in range(5):
        publishable_return(obj=event, by=reviewer, comment="Again.")
        publishable_submit(obj=event, by=editor)

    assert queries_of(reviewer_client, url, django_assert_max_num_queries, 24) == few


# --- the history page ------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_the_history_page_lists_every_transition(editor_client, editor, reviewer, model, factory):
    record = factory()
    publishable_submit(obj=record, by=editor)
    publishable_return(obj=record, by=reviewer, comment="Check <the> figures.")
    publishable_submit(obj=record, by=editor)

    response = editor_client.get(admin_url(model, "history", record.pk))

    assert response.status_code == 200
    assertContains(response, 'id="review-transitions"')
    transitions = response.context["review_transitions"]
    assert [(t.from_status, t.to_status, t.by.username) for t in transitions] == [
        (DRAFT, REVIEW, "ed"),
        (REVIEW, DRAFT, "rev"),
        (DRAFT, REVIEW, "ed"),
    ]
    assertContains(response, "Check &lt;the&gt; figures.")
    assertContains(response, "returned to editor")
    assertContains(response, day_date(timezone.now()))
    assertContains(response, 'id="change-history"')  # the revisions are still listed


def test_a_record_without_transitions_says_so_on_its_history_page(reviewer_client):
    event = EventFactory()

    response = reviewer_client.get(admin_url(Event, "history", event.pk))

    assertContains(response, "No change of status is recorded yet.")


def test_the_history_page_costs_the_same_queries_for_1_or_10_transitions(
    reviewer_client, editor, reviewer, django_assert_max_num_queries
):
    event = EventFactory()
    publishable_submit(obj=event, by=editor)
    url = admin_url(Event, "history", event.pk)
    few = queries_of(reviewer_client, url, django_assert_max_num_queries, 15)
    for _round in range(5):
        publishable_return(obj=event, by=reviewer, comment="Again.")
        publishable_submit(obj=event, by=editor)

    assert queries_of(reviewer_client, url, django_assert_max_num_queries, 15) == few


@pytest.mark.parametrize("object_id", ["abc", "-1", "99999999999999999999999", "0"])
def test_the_history_page_of_an_odd_id_is_never_a_500(reviewer_client, object_id):
    response = reviewer_client.get(f"/admin/events/event/{object_id}/history/")

    assert response.status_code in {302, 404}


# --- bulk publish after the combined diff ------------------------------------------------------------


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_bulk_publish_first_shows_each_record_with_its_diff(reviewer_client, editor, model, factory):
    first, second = factory(title="First to publish"), factory(title="Second to publish")
    for record in (first, second):
        publishable_submit(obj=record, by=editor)

    page = run_action(reviewer_client, model, "publish_selected", [first, second])

    assert page.status_code == 200
    assertTemplateUsed(page, "admin/publish_confirmation.html")
    assertContains(page, "First to publish")
    assertContains(page, "Second to publish")
    if page.context["diff_template"]:
        assertContains(page, '<div class="review-diff">', count=2)
    assert {status_of(first), status_of(second)} == {REVIEW}

    response = reviewer_client.post(admin_url(model, "changelist"), form_values(page, "publish-confirmation"))

    assert "2 records published." in messages_of(response)
    assert {status_of(first), status_of(second)} == {PUBLISHED}
    assert latest_transition(first).by.username == "rev"


def test_the_publish_confirmation_costs_the_same_queries_for_2_or_12_records(
    reviewer_client, django_assert_max_num_queries
):
    def confirmation(count):
        events = [EventFactory(status=REVIEW) for _number in range(count)]
        data = {"action": "publish_selected", "index": "0", "_selected_action": [event.pk for event in events]}
        with django_assert_max_num_queries(22) as captured:
            response = reviewer_client.post(admin_url(Event, "changelist"), data)
        assert response.status_code == 200
        return len(captured)

    assert confirmation(2) == confirmation(12)


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_an_editor_forging_the_confirmed_bulk_publish_publishes_nothing(editor_client, model, factory):
    record = factory(status=REVIEW)

    response = run_action(editor_client, model, "publish_selected", [record], apply="1")

    assert response.status_code in {302, 403}
    assert status_of(record) == REVIEW
    assert latest_transition(record) is None

"""The editor's dashboard on the admin index: my drafts, what reviewers returned to me with their comment,
what I wait on a review for, what was published lately; for reviewers the queue's count and the missing
translations too; in a fixed number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.core.dashboard import SHOWN
from knowledgebase.core.services import (
    publishable_publish,
    publishable_return,
    publishable_save,
    publishable_submit,
)
from knowledgebase.events.models import Event
from knowledgebase.presentation.formatting import day_date
from tests.admin_forms import PUBLISHABLE
from tests.conftest import make_staff
from tests.factories import BriefFactory, EventFactory, StatisticFactory

INDEX = "/admin/"


@pytest.fixture
def other_editor(db, django_user_model):
    return make_staff(django_user_model, "ed2", "Editor")


def draft_by(user, factory=EventFactory, **fields):
    """A draft whose latest revision ``user`` made, as the admin's form saves it."""
    return publishable_save(obj=factory(**fields), by=user)


def module(response, module_id):
    """The HTML of one module of the dashboard (modules hold no other <div>)."""
    html = response.content.decode()
    found = re.search(rf'<div class="module" id="{module_id}">(.*?)</div>', html, re.S)
    assert found, f"no module {module_id}"
    return found.group(1)


def titles(section):
    return [str(entry.record) for entry in section.entries]


# --- my drafts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_a_draft_of_mine_appears_under_my_drafts_and_someone_elses_does_not(
    client, editor, other_editor, model, factory
):
    mine = draft_by(editor, factory, title="My own draft")
    draft_by(other_editor, factory, title="A colleague's draft")
    client.force_login(editor)

    response = client.get(INDEX)

    assert response.status_code == 200
    drafts = module(response, "my-drafts")
    assert "My own draft" in drafts
    assert "A colleague&#x27;s draft" not in drafts and "colleague" not in response.content.decode()
    change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[mine.pk])
    assert f'href="{change}"' in drafts
    assert str(model._meta.verbose_name).capitalize() in drafts


def test_a_draft_a_reviewer_changed_last_is_no_longer_mine(client, editor, reviewer):
    draft = draft_by(editor, title="Corrected by a reviewer")
    draft.title = "Corrected by a reviewer, again"
    publishable_save(obj=draft, by=reviewer)
    client.force_login(editor)

    assertNotContains(client.get(INDEX), "Corrected by a reviewer")


def test_my_drafts_leave_out_what_is_in_review_or_published(client, editor, reviewer):
    draft_by(editor, title="Still mine")
    submitted = draft_by(editor, title="Sent off")
    publishable_submit(obj=submitted, by=editor)
    client.force_login(editor)

    response = client.get(INDEX)

    assert titles(response.context["my_drafts"]) == ["Still mine"]
    assert "Sent off" not in module(response, "my-drafts")


def test_my_drafts_are_newest_first_across_kinds_with_the_day_and_time_of_the_change(client, editor):
    at = datetime.datetime(2024, 1, 3, 14, 5, tzinfo=datetime.UTC)
    older = draft_by(editor, title="Older event")
    newer = draft_by(editor, BriefFactory, title="Newer brief")
    Event.objects.filter(pk=older.pk).update(updated_at=at)
    type(newer).objects.filter(pk=newer.pk).update(updated_at=at + datetime.timedelta(days=1))
    client.force_login(editor)

    response = client.get(INDEX)

    assert titles(response.context["my_drafts"]) == ["Newer brief", "Older event"]
    drafts = module(response, "my-drafts")
    assert f"{day_date(at)}, 14:05" in drafts and "3 January 2024, 14:05" in drafts
    assert 'datetime="2024-01-03T14:05:00+00:00"' in drafts


def test_my_drafts_show_the_latest_ten_and_link_to_every_draft(client, editor):
    for number in range(SHOWN + 2):
        draft_by(editor, title=f"Draft number {number}")
    client.force_login(editor)

    response = client.get(INDEX)

    assert len(response.context["my_drafts"].entries) == SHOWN
    drafts = module(response, "my-drafts")
    assert f"Your latest {SHOWN} drafts are shown." in drafts
    assert "Draft number 11" in drafts and "Draft number 0<" not in drafts
    assert f'href="{reverse("admin:events_event_changelist")}?status__exact=draft"' in drafts


def test_with_no_draft_the_dashboard_says_so(client, editor):
    client.force_login(editor)

    response = client.get(INDEX)

    assertContains(response, "No drafts of yours")
    assertContains(response, "Nothing of yours waits for review.")
    assertNotContains(response, 'id="returned-to-me"')


# --- returned to me ------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_a_record_returned_to_me_shows_the_reviewers_comment(client, editor, reviewer, model, factory):
    record = draft_by(editor, factory, title="Sent back for a fix")
    publishable_submit(obj=record, by=editor)
    publishable_return(obj=record, by=reviewer, comment="The second figure needs its <source>.")
    client.force_login(editor)

    response = client.get(INDEX)

    returned = module(response, "returned-to-me")
    assert "Sent back for a fix" in returned
    assert "The second figure needs its &lt;source&gt;." in returned
    assert "by rev" in returned
    assert "Sent back for a fix" not in module(response, "my-drafts")


def test_a_returned_record_i_have_started_to_correct_is_listed_once(client, editor, reviewer):
    record = draft_by(editor, title="Being corrected")
    publishable_submit(obj=record, by=editor)
    publishable_return(obj=record, by=reviewer, comment="Date it.")
    record.refresh_from_db()
    record.summary = "Now dated."
    publishable_save(obj=record, by=editor)
    client.force_login(editor)

    response = client.get(INDEX)

    assert titles(response.context["returned"]) == ["Being corrected"]
    assert titles(response.context["my_drafts"]) == []


def test_a_record_a_reviewer_returned_is_not_among_the_reviewers_drafts(client, editor, reviewer):
    record = draft_by(editor, title="Returned by me, the reviewer")
    publishable_submit(obj=record, by=editor)
    publishable_return(obj=record, by=reviewer, comment="Over to you.")
    client.force_login(reviewer)

    response = client.get(INDEX)

    assert titles(response.context["my_drafts"]) == []
    assert titles(response.context["returned"]) == []


def test_a_record_returned_to_someone_else_is_not_on_my_dashboard(client, editor, other_editor, reviewer):
    record = draft_by(other_editor, title="Their returned record")
    publishable_submit(obj=record, by=other_editor)
    publishable_return(obj=record, by=reviewer, comment="Not yours.")
    client.force_login(editor)

    response = client.get(INDEX)

    assertNotContains(response, "Their returned record")
    assertNotContains(response, "Not yours.")


def test_a_resubmitted_record_leaves_returned_and_waits_for_review_again(client, editor, reviewer):
    record = draft_by(editor, title="Fixed and resubmitted")
    publishable_submit(obj=record, by=editor)
    publishable_return(obj=record, by=reviewer, comment="Add the source.")
    publishable_submit(obj=record, by=editor)
    client.force_login(editor)

    response = client.get(INDEX)

    assertNotContains(response, "Add the source.")
    assert "Fixed and resubmitted" in module(response, "my-waiting")


# --- waiting for review --------------------------------------------------------------------------


def test_what_i_submitted_waits_for_review_with_when(client, editor, other_editor):
    mine = draft_by(editor, StatisticFactory, title="My statistic in review")
    publishable_submit(obj=mine, by=editor)
    theirs = draft_by(other_editor, title="Their event in review")
    publishable_submit(obj=theirs, by=other_editor)
    client.force_login(editor)

    response = client.get(INDEX)

    waiting = module(response, "my-waiting")
    assert "My statistic in review" in waiting and "Displacement statistic" in waiting
    assert "Their event in review" not in waiting
    assert day_date(timezone.now()) in waiting
    assert f'href="{reverse("admin:review-queue")}"' in waiting


def test_an_editor_sees_neither_the_queues_count_nor_the_missing_translations(editor_client):
    response = editor_client.get(INDEX)

    assert response.context["is_reviewer"] is False
    assertNotContains(response, 'id="review-summary"')
    assertNotContains(response, 'id="missing-translations-uk"')


def test_a_reviewer_sees_the_queues_count_and_the_missing_translations(client, editor, reviewer):
    publishable_submit(obj=draft_by(editor, title="For the reviewer"), by=editor)
    EventFactory(title="Public, English only", published=True)
    client.force_login(reviewer)

    response = client.get(INDEX)

    assert response.context["is_reviewer"] is True
    assertContains(response, "1 record waits for review.")
    assertContains(response, f'href="{reverse("admin:review-queue")}"')
    assertContains(response, 'id="missing-translations-uk"')
    assert "For the reviewer" not in module(response, "my-waiting")


# --- recently published --------------------------------------------------------------------------


def test_a_published_record_appears_with_who_published_it_and_its_public_page(client, editor, reviewer):
    event = draft_by(editor, title="Now public")
    publishable_submit(obj=event, by=editor)
    publishable_publish(obj=event, by=reviewer)
    client.force_login(editor)

    response = client.get(INDEX)

    published = module(response, "recently-published")
    assert "Now public" in published
    assert f'href="{event.get_absolute_url()}"' in published
    assert f'href="{reverse("admin:events_event_change", args=[event.pk])}"' in published
    assert "by rev" in published
    assert day_date(timezone.now()) in published


def test_recently_published_is_the_latest_ten_across_kinds_newest_first(client, editor):
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for number in range(SHOWN):
        EventFactory(
            title=f"Event {number}", published=True, first_published_at=start + datetime.timedelta(days=number)
        )
    BriefFactory(title="Brief published last", published=True, first_published_at=start + datetime.timedelta(days=99))
    StatisticFactory(
        title="Statistic published next to last", published=True, first_published_at=start + datetime.timedelta(days=98)
    )
    EventFactory(title="Still a draft")
    client.force_login(editor)

    response = client.get(INDEX)

    shown = titles(response.context["recently_published"])
    assert shown[:2] == ["Brief published last", "Statistic published next to last"]
    assert len(shown) == SHOWN and "Event 0" not in shown and "Still a draft" not in shown
    assert response.context["recently_published"].more
    assert f'href="{reverse("displacement:explorer")}?origin=global"' in module(response, "recently-published")


# --- the whole page ------------------------------------------------------------------------------


def a_desk_of(size, editor, reviewer):
    """``size`` records of each kind in each state the dashboard shows."""
    for model, factory in [(p.values[0], p.values[1]) for p in PUBLISHABLE]:
        for number in range(size):
            draft_by(editor, factory, title=f"{model.__name__} draft {number}")
            submitted = draft_by(editor, factory, title=f"{model.__name__} submitted {number}")
            publishable_submit(obj=submitted, by=editor)
            returned = draft_by(editor, factory, title=f"{model.__name__} returned {number}")
            publishable_submit(obj=returned, by=editor)
            publishable_return(obj=returned, by=reviewer, comment=f"Fix {number}.")
            published = draft_by(editor, factory, title=f"{model.__name__} published {number}")
            publishable_publish(obj=published, by=reviewer)


#: The index's queries: session, user and permissions (4), the header's queue count (1), returned records (1,
#: then 1 a kind returned), each section's records (3 a section), the admin's recent actions (1) and the
#: session's save (3); a reviewer's also the queue's counts (3), the missing translations (5) and the
#: sign-ins (2). 22 and 29 when written; room for a few more.
BUDGETS = {"editor": 24, "reviewer": 32}


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_the_dashboard_runs_as_few_queries_for_3_records_of_each_kind_as_for_30(
    client, editor, reviewer, django_assert_max_num_queries, who
):
    client.force_login(editor if who == "editor" else reviewer)
    a_desk_of(1, editor, reviewer)
    client.get(INDEX)  # content types and permissions cached, as in any running server
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    a_desk_of(9, editor, reviewer)

    with django_assert_max_num_queries(BUDGETS[who]) as many:
        response = client.get(INDEX)

    assert len(many.captured_queries) == len(few.captured_queries)
    for section in ["my_drafts", "returned", "my_waiting"]:
        assert len(response.context[section].entries) == (SHOWN if who == "editor" else 0)
    assert len(response.context["recently_published"].entries) == SHOWN


def test_the_dashboard_needs_a_staff_login(client, editor):
    draft_by(editor, title="Nobody else sees this")

    response = client.get(INDEX)

    assert response.status_code == 302
    assert "Nobody else sees this" not in response.content.decode()


def test_every_section_is_escaped(client, editor):
    draft_by(editor, title="<script>alert(1)</script>")
    client.force_login(editor)

    response = client.get(INDEX)

    assertNotContains(response, "<script>alert(1)</script>")
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assertContains(response, "css/admin-dashboard.css")

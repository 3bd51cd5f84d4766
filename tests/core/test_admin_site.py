"""The admin site's review queue, and what its front page says of it."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.core.models import PublicationStatus
from knowledgebase.events.models import Event
from tests.admin_forms import (
    admin_url,
)
from tests.factories import (
    BriefFactory,
    EventFactory,
    StatisticFactory,
)


@pytest.fixture
def waiting(db):
    return {
        "events": [EventFactory(title="Exchange awaiting review", status=PublicationStatus.REVIEW)],
        "statistics": [StatisticFactory(title="Refugees awaiting review", status=PublicationStatus.REVIEW)],
        "briefs": [BriefFactory(title="Brief awaiting review", status=PublicationStatus.REVIEW)],
        "others": [
            EventFactory(title="Still a draft"),
            EventFactory(title="Already public", published=True),
            BriefFactory(title="Draft brief"),
        ],
    }


def test_review_queue_lists_what_waits_for_review(reviewer_client, waiting):
    response = reviewer_client.get(reverse("admin:review-queue"))

    assert response.status_code == 200
    assert response.context["total"] == 3
    for title in ["Exchange awaiting review", "Refugees awaiting review", "Brief awaiting review"]:
        assertContains(response, title)
    for title in ["Still a draft", "Already public", "Draft brief"]:
        assertNotContains(response, title)
    assertContains(response, admin_url(Event, "change", waiting["events"][0].pk))
    assertContains(response, reverse("admin:review-publish", args=["events", "event", waiting["events"][0].pk]))


def test_editors_see_the_review_queue_without_the_reviewers_actions(editor_client, waiting):
    response = editor_client.get(reverse("admin:review-queue"))

    assert response.status_code == 200
    assert response.context["total"] == 3
    assertNotContains(response, "/publish/")
    assertNotContains(response, "/return/")


def test_review_queue_needs_a_staff_login(client, waiting):
    response = client.get(reverse("admin:review-queue"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_admin_index_shows_how_many_records_wait(reviewer_client, waiting):
    response = reviewer_client.get(reverse("admin:index"))

    assert response.context["review_total"] == 3
    assertContains(response, "3 records wait for review.")
    assertContains(response, "Events: 1.")
    assertContains(response, reverse("admin:review-queue"))

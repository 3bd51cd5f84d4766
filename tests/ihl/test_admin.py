"""The ihl app's rows on the admin forms of the apps below it."""

from pytest_django.asserts import assertContains

from tests.factories import AllegationFactory


def test_the_event_form_shows_the_events_allegations(reviewer_client):
    allegation = AllegationFactory(excerpt="POWs used as shields, says the source")

    response = reviewer_client.get(f"/admin/events/event/{allegation.event_id}/change/")

    assertContains(response, 'name="allegations-TOTAL_FORMS"')
    assertContains(response, "POWs used as shields, says the source")

"""Lists count exactly up to a cap, then say "more than": an exact count of a million rows costs more than the page."""

from django.test import override_settings

from tests.factories import EventFactory


@override_settings(COUNT_CAP=5)
def test_a_list_beyond_the_cap_says_more_than(client, db):
    for _ in range(8):
        EventFactory(published=True)

    response = client.get("/events/")

    assert response.context["page_obj"].paginator.is_capped
    assert "More than 5 events" in response.content.decode()


@override_settings(COUNT_CAP=5)
def test_a_list_under_the_cap_gives_the_exact_count(client, db):
    for _ in range(4):
        EventFactory(published=True)

    assert "4 events" in client.get("/events/").content.decode()


def test_a_bad_page_number_falls_back_calmly(client, db):
    EventFactory(published=True)

    for page in ["abc", "0", "-1", "999999", "1e9"]:
        assert client.get(f"/events/?page={page}").status_code == 200

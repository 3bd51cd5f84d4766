"""Lists count exactly up to a cap, then say "more than": an exact count of a million rows costs more than the page.
The event list counts up to its own, smaller cap (LIST_COUNT_CAP) and can still be browsed page by page beyond
it, to the COUNT_CAP-th event."""

import datetime
import re

import pytest
from django.test import override_settings

from tests.factories import EventFactory


def listed_titles(response):
    return [event.title for event in response.context["page_obj"].object_list]


@pytest.fixture
def twelve_events(db):
    """Twelve published events, a day apart: "Event 11" is the newest."""
    return [
        EventFactory(
            published=True, title=f"Event {n:02}", start_date=datetime.date(2024, 1, 1) + datetime.timedelta(n)
        )
        for n in range(12)
    ]


@override_settings(LIST_COUNT_CAP=5)
def test_a_list_beyond_the_cap_says_more_than(client, db):
    for _ in range(8):
        EventFactory(published=True)

    response = client.get("/events/")

    assert response.context["page_obj"].paginator.is_capped
    assert "More than 5 events" in response.content.decode()


@override_settings(LIST_COUNT_CAP=5)
def test_a_list_under_the_cap_gives_the_exact_count(client, db):
    for _ in range(4):
        EventFactory(published=True)

    assert "4 events" in client.get("/events/").content.decode()


@override_settings(LIST_COUNT_CAP=5)
def test_a_list_at_the_cap_gives_the_exact_count(client, db):
    for _ in range(5):
        EventFactory(published=True)

    response = client.get("/events/")

    assert not response.context["page_obj"].paginator.is_capped
    assert "5 events" in response.content.decode()


def test_a_bad_page_number_falls_back_calmly(client, db):
    EventFactory(published=True)

    for page in ["abc", "0", "-1", "999999", "1e9"]:
        assert client.get(f"/events/?page={page}").status_code == 200


@override_settings(LIST_COUNT_CAP=5, EVENTS_PER_PAGE=3, COUNT_CAP=9)
def test_beyond_the_cap_each_page_follows_the_last_and_says_only_its_number(client, twelve_events):
    pages = [client.get("/events/", {"page": number}) for number in (1, 2, 3)]

    assert [listed_titles(page) for page in pages] == [
        ["Event 11", "Event 10", "Event 09"],
        ["Event 08", "Event 07", "Event 06"],
        # Past the keys the count read (the first cap + 1), a page is read by its offset.
        ["Event 05", "Event 04", "Event 03"],
    ]
    text = pages[1].content.decode()
    assert re.search(r"Page 2\s*</li>", text) and "Page 2 of" not in text
    assert 'rel="next"' in text and 'rel="prev"' in text


@override_settings(LIST_COUNT_CAP=5, EVENTS_PER_PAGE=3, COUNT_CAP=9)
def test_beyond_the_cap_the_last_browsable_page_offers_no_next(client, twelve_events):
    response = client.get("/events/", {"page": 3})

    assert response.context["page_obj"].number == 3
    assert 'rel="next"' not in response.content.decode()


@override_settings(LIST_COUNT_CAP=5, EVENTS_PER_PAGE=3, COUNT_CAP=30)
def test_a_page_past_the_end_of_a_list_over_the_cap_falls_back_to_its_last_page(client, twelve_events):
    response = client.get("/events/", {"page": 9})

    assert response.context["page_obj"].number == 4
    assert listed_titles(response) == ["Event 02", "Event 01", "Event 00"]
    assert 'rel="next"' not in response.content.decode()


@override_settings(LIST_COUNT_CAP=5, EVENTS_PER_PAGE=3)
def test_pages_under_the_cap_say_how_many_there_are(client, twelve_events):
    response = client.get("/events/", {"date_after": "2024-01-08", "page": 2})

    assert listed_titles(response) == ["Event 08", "Event 07"]
    assert "Page 2 of 2" in response.content.decode()

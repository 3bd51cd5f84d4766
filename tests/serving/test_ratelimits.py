"""Anonymous API, download and search requests are limited per client address: 429 with Retry-After."""

import pytest
from django.test import override_settings

# An hour-long window: a test never straddles the window's end.
LIMITS = {"api": "3/h", "export": "2/h", "search": "3/h", "login": "3/h"}


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.RATE_LIMITS = LIMITS


def requests(client, url, times, **headers):
    return [client.get(url, **headers) for _ in range(times)]


def test_the_api_answers_429_with_retry_after_past_its_limit(client, db):
    *allowed, refused = requests(client, "/api/v1/events/", 4)

    assert [response.status_code for response in allowed] == [200, 200, 200]
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "Too many requests" in refused.json()["detail"]
    assert "no-store" in refused["Cache-Control"]


def test_each_address_has_its_own_allowance(client, db):
    requests(client, "/api/v1/events/", 3, REMOTE_ADDR="192.0.2.1")

    assert client.get("/api/v1/events/", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get("/api/v1/events/", REMOTE_ADDR="192.0.2.2").status_code == 200


def test_an_ipv6_subscriber_cannot_escape_by_changing_address_within_its_network(client, db):
    for host in range(1, 4):
        client.get("/api/v1/events/", REMOTE_ADDR=f"2001:db8:1:2::{host}")

    assert client.get("/api/v1/events/", REMOTE_ADDR="2001:db8:1:2::ffff").status_code == 429
    assert client.get("/api/v1/events/", REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_downloads_have_their_own_limit(client, db):
    *allowed, refused = requests(client, "/events/export.csv", 3)

    assert [response.status_code for response in allowed] == [200, 200]
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


@pytest.mark.parametrize("url", ["/search/?q=exchange", "/events/?q=exchange"])
def test_searches_are_limited_and_say_so_on_a_page(client, db, url):
    *_allowed, refused = requests(client, url, 4)

    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0


def test_browsing_without_a_search_is_not_limited(client, db):
    assert {response.status_code for response in requests(client, "/events/", 6)} == {200}


def test_a_forged_forwarded_for_header_changes_nothing_without_a_proxy(client, db):
    for number in range(3):
        client.get("/api/v1/events/", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")

    assert client.get("/api/v1/events/", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


@override_settings(BEHIND_PROXY=True, PROXY_COUNT=1)
def test_behind_a_proxy_the_address_it_appended_counts(client, db):
    for _ in range(3):
        client.get("/api/v1/events/", HTTP_X_FORWARDED_FOR="203.0.113.5, 192.0.2.7")

    assert client.get("/api/v1/events/", HTTP_X_FORWARDED_FOR="10.1.1.1, 192.0.2.7").status_code == 429
    assert client.get("/api/v1/events/", HTTP_X_FORWARDED_FOR="203.0.113.5, 192.0.2.8").status_code == 200


def test_signed_in_staff_are_not_limited(editor_client):
    assert {response.status_code for response in requests(editor_client, "/api/v1/events/", 5)} == {200}


def test_sign_in_attempts_are_limited_per_address(client, db):
    for _ in range(3):
        client.post("/account/login/", {"login_view-current_step": "auth", "auth-username": "x"})

    response = client.post("/account/login/", {"login_view-current_step": "auth", "auth-username": "y"})

    assert response.status_code == 429
    assert client.get("/account/login/").status_code == 200  # reading the page is not an attempt


def test_a_limit_can_be_lifted(client, db, settings):
    settings.RATE_LIMITS = {**LIMITS, "api": None}

    assert {response.status_code for response in requests(client, "/api/v1/events/", 5)} == {200}

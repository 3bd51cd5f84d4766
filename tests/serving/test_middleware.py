"""Headers that keep the public site and the admin safe, and requests no page can answer (a NUL, a
refused Host, a path out of the static folder)."""

import re

import pytest


def test_public_pages_get_a_strict_content_security_policy(client, db):
    response = client.get("/events/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy


def test_admin_pages_may_use_inline_styles(admin_client):
    policy = admin_client.get("/admin/")["Content-Security-Policy"]

    assert "style-src 'self' 'unsafe-inline'" in policy


def test_public_templates_have_no_inline_script_or_style(client, demo_content):
    """Scripts come from files; the only inline <script> elements are JSON-LD data blocks, never run."""
    for url in ["/", "/events/", "/events/74pfk83e/", "/pow-exchanges/", "/displacement/", "/briefs/", "/search/?q=x"]:
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            assert ' src="' in tag or 'type="application/ld+json"' in tag, (url, tag)
        assert "<style" not in html and ' style="' not in html, url


API_DETAIL_ROUTES = ["events", "figures", "actors", "organizations", "statistics", "briefs", "provisions"]


@pytest.mark.parametrize("resource", API_DETAIL_ROUTES)
def test_a_nul_character_in_an_api_detail_path_is_a_400(client, db, resource):
    response = client.get(f"/api/v1/{resource}/%00/")

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}


@pytest.mark.parametrize("url", ["/events/%00/", "/actors/x%00y/"])
def test_a_nul_character_in_a_page_path_is_a_400(client, db, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("url", ["/events/?country=U%00A", "/events/?type=%00", "/displacement/?origin=%00"])
def test_a_nul_character_in_a_filter_value_is_dropped(client, db, url):
    assert client.get(url).status_code in (200, 400)


def test_a_host_the_site_refuses_is_a_400_not_a_500(db):
    from django.test import Client

    client = Client(raise_request_exception=False)

    response = client.get("/events/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    assert "attacker.example" not in response.content.decode()


def test_a_dot_dot_static_path_under_the_demo_server_is_not_found(db, settings):
    """``make demo`` runs ``manage.py runserver``: with its default options, its handler must answer
    /static/../ with a 404, not a server error (static files come from WhiteNoise, as in production)."""
    from io import BytesIO
    from wsgiref.util import setup_testing_defaults

    from django.core.management import get_commands, load_command_class

    settings.DEBUG = True
    runserver = load_command_class(get_commands()["runserver"], "runserver")
    options = vars(runserver.create_parser("manage.py", "runserver").parse_args([]))
    handler = runserver.get_handler(**options)
    statuses = []
    environ = {"PATH_INFO": "/static/../knowledgebase/settings.py", "wsgi.input": BytesIO()}
    setup_testing_defaults(environ)

    body = b"".join(handler(environ, lambda status, headers, exc_info=None: statuses.append(status)))

    assert statuses[0].startswith("404")
    assert b"SECRET_KEY" not in body


def test_the_admin_allows_no_inline_script(admin_client):
    policy = admin_client.get("/admin/")["Content-Security-Policy"]

    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert script_src.strip() == "script-src 'self'"


def test_every_response_turns_off_unused_browser_features(client, db):
    response = client.get("/")

    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


ADMIN_PAGES = [
    "/admin/",
    "/admin/review/",
    "/admin/events/event/",
    "/admin/events/event/add/",
    "/admin/events/event/{event}/change/",
    "/admin/events/event/{event}/history/",
    "/admin/events/event/import/",
    "/admin/events/event/export/",
    "/admin/displacement/displacementstatistic/export/",
    "/admin/axes/accesslog/",
    "/account/two_factor/",
    "/account/two_factor/setup/",
]


def test_admin_pages_carry_no_inline_script_for_the_policy_to_block(reviewer_client, demo_content):
    """The admin's CSP allows only script files: an inline script or handler would silently stop working."""
    from knowledgebase.events.models import Event

    event = Event.objects.order_by("pk").first()
    for url in ADMIN_PAGES:
        response = reviewer_client.get(url.format(event=event.pk))
        html = response.content.decode()

        assert response.status_code == 200, url
        for tag in re.findall(r"<script[^>]*>", html):
            assert " src=" in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"<[^>]+\son[a-z]+=", html), url
        assert "javascript:" not in html, url

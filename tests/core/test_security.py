"""Headers and escaping that keep the public site safe, and server errors nobody can trigger."""

import datetime
import re

import pytest

from knowledgebase.core.markdown import render_markdown


def test_public_pages_get_a_strict_content_security_policy(client, db):
    response = client.get("/events/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy


def test_admin_pages_may_use_inline_scripts(admin_client):
    response = admin_client.get("/admin/")

    assert "'unsafe-inline'" in response["Content-Security-Policy"]


def test_public_templates_have_no_inline_script_or_style(client, demo):
    """Scripts come from files; the only inline <script> elements are JSON-LD data blocks, never run."""
    for url in ["/", "/events/", "/events/74pfk83e/", "/pow-exchanges/", "/displacement/", "/briefs/", "/search/?q=x"]:
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            assert ' src="' in tag or 'type="application/ld+json"' in tag, (url, tag)
        assert "<style" not in html and ' style="' not in html, url


def test_markdown_is_sanitised():
    html = render_markdown(
        '<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror="alert(1)"> **bold**'
    )

    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "<strong>bold</strong>" in html


def test_markdown_links_get_a_safe_rel():
    html = render_markdown("[ICRC](https://ihl-databases.icrc.org/)")

    assert 'href="https://ihl-databases.icrc.org/"' in html
    assert "noopener" in html


# --- server errors anyone could trigger -----------------------------------------------------------

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


# --- headers -------------------------------------------------------------------------------------


def test_the_admin_allows_no_inline_script(admin_client):
    policy = admin_client.get("/admin/")["Content-Security-Policy"]

    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert script_src.strip() == "script-src 'self'"


def test_every_response_turns_off_unused_browser_features(client, db):
    response = client.get("/")

    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


# --- security.txt and health -----------------------------------------------------------------------


def test_security_txt_says_how_to_report_a_vulnerability(client, db, settings):
    settings.SECURITY_CONTACT = "mailto:security@kb.example.org"

    response = client.get("/.well-known/security.txt")

    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines() if line)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert fields["Contact"] == "mailto:security@kb.example.org"
    assert fields["Canonical"] == "http://testserver/.well-known/security.txt"
    expires = datetime.datetime.fromisoformat(fields["Expires"])
    assert datetime.timedelta(days=30) < expires - datetime.datetime.now(datetime.UTC) < datetime.timedelta(days=365)


def test_health_reports_the_database_and_the_cache(client, db):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert response["Cache-Control"] == "no-store"


def test_health_answers_a_load_balancer_probing_by_address(client, db):
    assert client.get("/health/", HTTP_HOST="10.0.0.7").status_code == 200


def test_health_is_503_while_the_database_is_down(client, db):
    from django.db import OperationalError, connection

    def refused(*args):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refused):
        response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "unavailable", "cache": "ok"}}
    assert "refused" not in response.content.decode()


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


def test_admin_pages_carry_no_inline_script_for_the_policy_to_block(reviewer_client, demo):
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


@pytest.mark.parametrize(
    ("setting", "value", "warning"),
    [
        ("SECURITY_CONTACT", "", "knowledgebase.W001"),
        ("STAFF_2FA_REQUIRED", False, "knowledgebase.W002"),
        ("SESSION_COOKIE_SECURE", False, "knowledgebase.W003"),
    ],
)
def test_the_deployment_check_names_a_weak_production_setting(settings, setting, value, warning):
    from knowledgebase.core.checks import check_security_settings

    settings.SECURITY_CONTACT = "mailto:security@kb.example.org"
    settings.STAFF_2FA_REQUIRED = True
    settings.SESSION_COOKIE_SECURE = True
    assert check_security_settings(None) == []

    setattr(settings, setting, value)

    assert [message.id for message in check_security_settings(None)] == [warning]

"""/health/ for load balancers and /.well-known/security.txt for security researchers."""

import datetime


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

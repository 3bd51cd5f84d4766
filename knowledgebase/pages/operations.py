"""Endpoints for operators and security researchers: /health/ and /.well-known/security.txt."""

import datetime
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from knowledgebase.serving.caching import cached_page

HEALTH_PATH = "/health/"
SECURITY_TXT_DAYS = 180


def _database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unavailable"
    return "ok"


def _cache_status():
    probe, token = "health:probe", secrets.token_hex(8)
    cache.set(probe, token, timeout=10)
    if cache.get(probe) != token:
        return "unavailable"
    # The Redis backend falls back to a per-process cache while Redis is down: the site works, unshared.
    return "degraded" if getattr(cache, "is_down", False) else "ok"


def health(request):
    """For a load balancer: 200 while this server can answer readers (its database answers), else 503.

    A cache outage is reported but keeps 200: the site serves without it. Nothing secret is said:
    no host, no version, no error text."""
    checks = {"database": _database_status(), "cache": _cache_status()}
    healthy = checks["database"] == "ok"
    status = "ok" if healthy and checks["cache"] == "ok" else ("degraded" if healthy else "unavailable")
    response = JsonResponse({"status": status, "checks": checks}, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answer /health/ before the Host header is checked: load balancers probe by address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return health(request)
        return self.get_response(request)


def security_contact():
    if settings.SECURITY_CONTACT:
        return settings.SECURITY_CONTACT
    return f"mailto:security@{urlsplit(settings.SITE_URL).hostname or 'localhost'}"


@cached_page()
def security_txt(request):
    """RFC 9116: how to report a vulnerability, valid for SECURITY_TXT_DAYS from today."""
    # Midnight UTC: the file is the same all day (and its cached copy equals a fresh one).
    expires = datetime.datetime.combine(
        timezone.now().date() + datetime.timedelta(days=SECURITY_TXT_DAYS), datetime.time(), tzinfo=datetime.UTC
    )
    lines = [
        f"Contact: {security_contact()}",
        f"Expires: {expires.astimezone(datetime.UTC).isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: en, uk",
        f"Canonical: {request.build_absolute_uri('/.well-known/security.txt')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")

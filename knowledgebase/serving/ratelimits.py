"""Rate limits for anonymous readers: the API, downloads and searches, per client address.

Each limited view names its group (``@limited_as("export")``; every API view is in ``"api"``), and
``RATE_LIMITS`` gives each group's rate, from the environment (``RATE_LIMIT_API``, …, e.g. "120/m";
"off" lifts it). Counting is django-ratelimit's fixed window in the default cache: shared by every
server through Redis, per process without it (and per process while Redis is down, see
``cache_backends``). Over the limit, the answer is 429 with ``Retry-After``: the seconds left in
the window. Signed-in staff are not limited.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from knowledgebase.serving.clients import client_address
from knowledgebase.serving.middleware import resolver_match

API = "api"
EXPORT = "export"
SEARCH = "search"
LOGIN = "login"


def limited_as(group):
    """Put a view in a rate-limit group: a name, or a function of the request giving one (or None)."""

    def decorate(view):
        view.rate_limit_group = group
        return view

    return decorate


def group_of(request):
    match = resolver_match(request)
    if match is None:
        return None
    if match.namespace == "api":
        return API
    if match.url_name == "login" and match.namespace in {"admin", "two_factor"}:
        return LOGIN
    group = getattr(match.func, "rate_limit_group", None)
    return group(request) if callable(group) else group


def _key(group, request):
    return client_address(request) or "unknown"


def _too_many(request, group, retry_after):
    if request.path.startswith("/api/") or group == EXPORT:
        response = JsonResponse(
            {
                "detail": _("Too many requests from your address. Please wait %(seconds)s seconds.")
                % {"seconds": retry_after}
            },
            status=429,
        )
    else:
        response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        group = group_of(request)
        rate = settings.RATE_LIMITS.get(group) if group else None
        if rate and not (group != LOGIN and request.user.is_authenticated):
            method = ["POST"] if group == LOGIN else get_usage.ALL
            usage = get_usage(request, group=f"kb-{group}", key=_key, rate=rate, method=method, increment=True)
            if usage is not None and usage["should_limit"]:
                return _too_many(request, group, max(1, usage["time_left"]))
        return self.get_response(request)

"""Staff sign-in lockouts (django-axes): the username an attempt names, and the page a locked-out
member of staff sees."""

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    """What happened, for how long, and who can lift it; 429 like every other limit of the site."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_timedelta": cool_off,
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    response["Cache-Control"] = "no-store"
    return response


def attempted_username(request, credentials=None):
    """The username a sign-in attempt names (django-axes's AXES_USERNAME_CALLABLE): from the
    credentials the login form authenticates with, or from the two-step login's first form."""
    if credentials:
        return credentials.get("username")
    data = getattr(request, "data", request.POST)
    return data.get("auth-username") or data.get("username")

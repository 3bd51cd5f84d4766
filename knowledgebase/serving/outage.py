"""When the database or the cache is down: answer calmly, log once, recover without a restart.

* A reader gets the last good copy of a page from the page cache (see ``caching``), or else a 503
  page that needs no database, with ``Retry-After``; the API gets the same as JSON.
* An editor whose save failed is told that nothing was saved, on a page that keeps what they typed
  in a form they can send again once the database answers (files must be chosen again).
* The log gets one line per kind of failure and minute (how many requests it hit), not a traceback
  per request: ``FailureLog``.

Recovery needs nothing: Django opens a new database connection on the next request
(``CONN_HEALTH_CHECKS``), and the cache backend retries Redis on its own (``cache_backends``).
"""

import logging
import sys
import threading
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger("knowledgebase.outage")

RETRY_AFTER_SECONDS = 30
# Form fields that are never written back into a page.
NOT_RESENT = {"password", "password1", "password2", "csrfmiddlewaretoken"}


def database_unavailable(exception):
    """True when ``exception`` says the database cannot be reached (not that a query was wrong)."""
    if isinstance(exception, OperationalError | InterfaceError):
        return True
    # psycopg raises its own errors when a server closes the connection mid-query.
    cause = exception.__cause__ if isinstance(exception, DatabaseError) else None
    return cause is not None and type(cause).__name__ in {"OperationalError", "InterfaceError", "AdminShutdown"}


class FailureLog:
    """Log a failure once per kind and ``interval``: the first occurrence at once, then one line with
    the count of the ones in between. Thread-safe; one per process."""

    def __init__(self, interval=60.0):
        self.interval = interval
        self.lock = threading.Lock()
        self.kinds = {}  # kind -> [first logged at, occurrences since]

    def record(self, kind, detail):
        now = time.monotonic()
        with self.lock:
            state = self.kinds.get(kind)
            if state is not None and now - state[0] < self.interval:
                state[1] += 1
                return
            suppressed = state[1] if state else 0
            self.kinds[kind] = [now, 0]
        more = f" ({suppressed} more since the last report)" if suppressed else ""
        logger.error("%s: %s%s", kind, detail, more)

    def recovered(self, kind):
        with self.lock:
            state = self.kinds.pop(kind, None)
        if state is not None:
            logger.warning("%s: recovered", kind)


failures = FailureLog()


def _describe(exception):
    first_line = str(exception).strip().splitlines()[0] if str(exception).strip() else ""
    return f"{type(exception).__name__}: {first_line}"[:300]


def outage_response(request, exception):
    """The 503 for a request that needed the database while it was down (no query, no session)."""
    failures.record("database unavailable", _describe(exception))
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("The database is unavailable for a moment. Please try again shortly.")}, status=503
        )
    elif request.method == "POST" and request.path.startswith("/admin/"):
        fields = [(name, value) for name, values in request.POST.lists() if name not in NOT_RESENT for value in values]
        context = {
            "fields": fields,
            "action": request.get_full_path(),
            "csrf_token": request.POST.get("csrfmiddlewaretoken", ""),
            "had_files": bool(request.FILES),
            "retry_after": RETRY_AFTER_SECONDS,
        }
        response = HttpResponse(render_to_string("503_not_saved.html", context), status=503)
    else:
        context = {"retry_after": RETRY_AFTER_SECONDS, "site_name": settings.SITE_NAME}
        response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged above, once per minute, rather than one "Service Unavailable" line per request.
    response._has_been_logged = True
    return response


class OutageMiddleware:
    """Turn a database outage met by a view (or its template) into a 503 page or an editor's notice."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            return outage_response(request, exception)
        return None


def server_error(request):
    """handler500: a database outage met outside a view (in a middleware) is a 503 too."""
    exception = sys.exc_info()[1]
    if exception is not None and database_unavailable(exception):
        return outage_response(request, exception)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return HttpResponse(render_to_string("500.html"), status=500)

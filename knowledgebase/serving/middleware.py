"""Request hygiene and security headers.

* ``RequestSanityMiddleware``: PostgreSQL refuses a NUL character in any text, which made every
  lookup with one a 500. A NUL in the path is refused with a 400 before any view runs; NULs in
  query values are dropped (a search for "Medv\\x00chuk" is a search for "Medvchuk").
* ``ContentSecurityPolicyMiddleware``: strict on the public site; the admin allows only this site's
  own scripts too (Django 5.2's admin has no inline script; the pages whose third-party templates
  had one are overridden), and inline styles, which its templates still use. Every response also
  gets a ``Permissions-Policy`` that turns off the browser features the site never uses.
"""

from django.http import QueryDict
from django.urls import Resolver404, resolve

from knowledgebase.core.views import bad_request


def resolver_match(request):
    """The URL match of ``request``, resolved once for every middleware that needs it before the view."""
    if not hasattr(request, "_kb_match"):
        try:
            request._kb_match = resolve(request.path_info)
        except Resolver404:
            request._kb_match = None
    return request._kb_match


class RequestSanityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return bad_request(request)
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            without_nul(request)
        return self.get_response(request)


def without_nul(request):
    """Drop NUL characters from every query value (and the query string links are built from)."""
    query = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        query.setlist(name.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    query._mutable = False
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode()


STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
ADMIN = {**STRICT, "style-src": "'self' 'unsafe-inline'"}
# Swagger UI (the API documentation page) sets inline styles; its scripts are files.
API_DOCS = {**STRICT, "style-src": "'self' 'unsafe-inline'"}

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
)


def _header(policy):
    return "; ".join(f"{directive} {sources}" for directive, sources in policy.items())


STRICT_HEADER = _header(STRICT)
ADMIN_HEADER = _header(ADMIN)
API_DOCS_HEADER = _header(API_DOCS)
STAFF_NAMESPACES = {"admin", "two_factor"}


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            match = getattr(request, "resolver_match", None)
            namespace = match.namespace if match is not None else ""
            if namespace in STAFF_NAMESPACES:
                response["Content-Security-Policy"] = ADMIN_HEADER
            elif namespace == "api" and match.url_name == "docs":
                response["Content-Security-Policy"] = API_DOCS_HEADER
            else:
                response["Content-Security-Policy"] = STRICT_HEADER
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

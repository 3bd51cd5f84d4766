"""Caching of anonymous public pages, invalidated whenever content changes.

* Which pages: a view opts in with ``@cached_page(...)``, naming the query parameters it reads (or the
  FilterSet whose parameters it reads); API views derive theirs from their FilterSet and paginator.
  Any other parameter is removed from the request before the view sees it, and the known ones are
  sorted, so ``?b=2&a=1&junk=x`` and ``?a=1&b=2`` are one page, rendered and stored once.
* The key is every request input that changes the bytes of the response, and ``Vary`` names the same
  inputs (both come from ``variant()``): scheme and host (canonical links, feed and sitemap URLs),
  the language (the address's for a page; ``?lang`` or ``Accept-Language`` for the API, see
  ``opendata.language``, which activates it before this middleware runs), the fragment header of the
  list's live filtering, and for the API the media type that content negotiation picks from ``Accept``.
* Server side: a GET by an anonymous reader is stored with the current *content version* (see
  ``content_version``); a copy is fresh while the version is unchanged and for at most
  ``PAGE_CACHE_SECONDS``. One page stores at most ``PAGE_CACHE_VARIANTS`` new variants per
  ``PAGE_CACHE_SECONDS`` and none larger than ``PAGE_CACHE_MAX_BYTES``, so random query strings
  cannot fill the cache. A response that carries a CSRF token or sets a cookie is never stored.
* Outages: copies are kept for ``STALE_PAGE_SECONDS`` (a day by default) after they stop being
  fresh; while the database is down, a reader gets the last good copy (``X-Cache: stale``) rather
  than an error page.
* HTTP: responses carry ``Last-Modified`` (the time of the last content change) and an ``ETag``
  (ConditionalGetMiddleware), so revalidation answers 304; ``Cache-Control: public,
  max-age=PUBLIC_MAX_AGE`` (30 s by default) bounds how long a browser or CDN may keep a copy.

The stated bound on staleness after a reviewer's change: PUBLIC_MAX_AGE with Redis,
PUBLIC_MAX_AGE + PAGE_CACHE_SECONDS with local memory.
"""

import functools
import hashlib
import time
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from knowledgebase.serving.content_version import content_changed_at, content_version
from knowledgebase.serving.middleware import resolver_match
from knowledgebase.serving.outage import database_unavailable

UNCACHED_PREFIXES = ("/admin/",)
CACHED_TYPES = (
    "text/html",
    "application/json",
    "application/atom+xml",
    "application/xml",
    "text/plain",
    "application/vnd.oai.openapi",
)
FRAGMENT_HEADER = "X-Requested-With"
# The open data's language parameter (``opendata.language``), kept so that the API's links keep it.
LANGUAGE_PARAMETER = "lang"
STALE = "stale"


def filter_parameters(filterset_class):
    """The GET parameters a FilterSet reads (a date range reads ``date_after`` and ``date_before``)."""
    names = set()
    for name, declared in filterset_class.base_filters.items():
        widget = declared.extra.get("widget") or declared.field_class.widget
        suffixes = getattr(widget, "suffixes", None)
        if suffixes:
            names.update(f"{name}_{suffix}" if suffix else name for suffix in suffixes)
        else:
            names.add(name)
    return frozenset(names)


def cached_page(*parameters, filterset=None):
    """Mark a view as a public page the page cache may store, with the query parameters it reads."""
    names = frozenset(parameters) | (filter_parameters(filterset) if filterset else frozenset())

    def decorate(view):
        @functools.wraps(view)
        def page(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        page.cache_parameters = names
        return page

    return decorate


@dataclass(frozen=True)
class Page:
    """What the cache needs to know about the view that answers a request."""

    parameters: frozenset
    negotiate: object = None  # callable(request, kwargs) -> media type, for views that read Accept


@functools.cache
def _api_page(view_class):
    """An API view's parameters (its FilterSet's, its paginator's, the format override, ``lang``) and its
    content negotiation, as Django REST framework will do it; worked out once per view class."""
    from rest_framework.exceptions import NotAcceptable
    from rest_framework.settings import api_settings

    names = set(getattr(view_class, "cache_parameters", ())) | {LANGUAGE_PARAMETER}
    filterset = getattr(view_class, "filterset_class", None)
    if filterset is not None:
        names |= filter_parameters(filterset)
    paginator = getattr(view_class, "pagination_class", None)
    if paginator is not None:
        names |= {paginator.page_query_param, paginator.page_size_query_param} - {None}
    if api_settings.URL_FORMAT_OVERRIDE:
        names.add(api_settings.URL_FORMAT_OVERRIDE)

    def negotiate(request, kwargs):
        shim = SimpleNamespace(query_params=request.GET, META=request.META, headers=request.headers)
        renderers = [renderer() for renderer in view_class.renderer_classes]
        try:
            renderer, media_type = view_class.content_negotiation_class().select_renderer(
                shim, renderers, kwargs.get("format")
            )
        except NotAcceptable:
            return "not-acceptable"
        return f"{renderer.format}:{media_type}"

    return Page(frozenset(names), negotiate)


def page_of(request):
    """(Page, URL kwargs) of the view that answers ``request``, or (None, {}) if it is not a cached page."""
    match = resolver_match(request)
    if match is None:
        return None, {}
    view = match.func
    view_class = getattr(view, "cls", None)
    if view_class is not None and hasattr(view_class, "renderer_classes"):
        return _api_page(view_class), match.kwargs
    parameters = getattr(view, "cache_parameters", None)
    if parameters is None:
        return None, {}
    return Page(parameters), match.kwargs


def normalise_query(request, parameters):
    """Keep only the parameters the page reads, sorted: in ``request.GET`` and in the query string that
    absolute links (pagination, canonical, API ``next``) are built from."""
    pairs = sorted((name, value) for name, values in request.GET.lists() if name in parameters for value in values)
    query = QueryDict(mutable=True)
    for name, value in pairs:
        query.appendlist(name, value)
    query._mutable = False
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode()


# Every request input that changes a cached response, as (the header that carries it, how the key
# reads it). ``Vary`` is built from the same list, so the two cannot drift apart. Scheme is not a
# request header: it is the connection's (or the trusted proxy's), and only joins the key.
VARIANTS = (
    ("Host", lambda request, page, kwargs: request.get_host()),
    ("Accept-Language", lambda request, page, kwargs: get_language()),
    (FRAGMENT_HEADER, lambda request, page, kwargs: request.headers.get(FRAGMENT_HEADER) == "fetch"),
    ("Accept", lambda request, page, kwargs: page.negotiate(request, kwargs) if page.negotiate else ""),
)
VARY = tuple(header for header, _read in VARIANTS)


def variant(request, page, kwargs):
    return [request.scheme, *(read(request, page, kwargs) for _header, read in VARIANTS)]


def page_key(request, page, kwargs):
    parts = [request.path, request.META.get("QUERY_STRING", ""), *variant(request, page, kwargs)]
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(UNCACHED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.user.is_authenticated
    )


def _public(request, response):
    """True when the response may be shared with every reader (and with browsers and CDNs)."""
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page carries a CSRF token
        and "private" not in cache_control
        and "no-store" not in cache_control
        and response.get("Content-Type", "").startswith(CACHED_TYPES)
    )


def _within_variant_cap(request, version):
    """True while this page has stored fewer than PAGE_CACHE_VARIANTS copies in this time window."""
    counter = f"page-variants:{version}:{hashlib.sha256(request.path.encode()).hexdigest()}"
    cache.add(counter, 0, timeout=settings.PAGE_CACHE_SECONDS)
    try:
        stored = cache.incr(counter)
    except ValueError:  # expired between add and incr
        stored = 1
    return stored <= settings.PAGE_CACHE_VARIANTS


def _is_fresh(entry, version):
    return entry["version"] == version and time.time() - entry["stored_at"] < settings.PAGE_CACHE_SECONDS


def _from_entry(entry, state):
    response = HttpResponse(entry["content"], status=entry["status"])
    for header, value in entry["headers"].items():
        response[header] = value
    response["X-Cache"] = state
    if state == STALE:
        patch_cache_control(response, max_age=0, must_revalidate=True)
    return response


class PublicPageCacheMiddleware:
    """Serve anonymous readers from the cache; mark every public response with its cache policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page, kwargs = page_of(request)
        if page is not None:
            normalise_query(request, page.parameters)
        if page is None or not _cacheable_request(request):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        version = content_version()
        key = page_key(request, page, kwargs)
        entry = cache.get(key)
        if entry is not None and _is_fresh(entry, version):
            return _from_entry(entry, "hit")
        request.last_good_copy = entry
        response = self.get_response(request)
        if response.get("X-Cache") == STALE:  # the view failed (see process_exception): keep the old copy as it is
            return response
        if _public(request, response):
            response["Last-Modified"] = http_date(content_changed_at())
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_MAX_AGE)
            patch_vary_headers(response, VARY)
            if len(response.content) <= settings.PAGE_CACHE_MAX_BYTES and _within_variant_cap(request, version):
                cache.set(
                    key,
                    {
                        "version": version,
                        "stored_at": time.time(),
                        "content": response.content,
                        "status": response.status_code,
                        "headers": dict(response.items()),
                    },
                    timeout=max(settings.PAGE_CACHE_SECONDS, settings.STALE_PAGE_SECONDS),
                )
            response["X-Cache"] = "miss"
        return response

    def process_exception(self, request, exception):
        """While the database is down, the last good copy of the page beats an error page."""
        entry = getattr(request, "last_good_copy", None)
        if entry is not None and database_unavailable(exception):
            return _from_entry(entry, STALE)
        return None

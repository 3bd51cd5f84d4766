"""Caching of anonymous public pages, invalidated whenever content changes.

* Server side: a GET by an anonymous reader of a public page, feed or API
  resource is stored in the cache (Redis when ``REDIS_URL`` is set, local
  memory otherwise) under the current *content version*. Any save or delete
  of a domain record bumps that version, so the next request renders afresh.
  With Redis the version is shared by every server: a change is visible at
  once everywhere. With local memory each process keeps its own copy, so a
  page may lag by at most ``PAGE_CACHE_SECONDS`` (60 s by default).
* HTTP: responses carry ``Last-Modified`` (the time of the last content change)
  and an ``ETag`` (ConditionalGetMiddleware), so revalidation answers 304;
  ``Cache-Control: public, max-age=PUBLIC_MAX_AGE`` (30 s by default) bounds
  how long a browser or CDN may keep a copy without asking.

The stated bound on staleness after a reviewer's change: PUBLIC_MAX_AGE with
Redis, PUBLIC_MAX_AGE + PAGE_CACHE_SECONDS with local memory.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from knowledgebase.core.content_version import content_changed_at, content_version

UNCACHED_PREFIXES = ("/admin/",)
CACHED_TYPES = ("text/html", "application/json", "application/atom+xml", "application/xml", "text/plain")


def _cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(UNCACHED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.user.is_authenticated
    )


def _cacheable_response(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith(CACHED_TYPES)
    )


def _key(request, version):
    accept = request.headers.get("Accept", "")
    digest = hashlib.sha256(f"{request.get_full_path()}|{accept}".encode()).hexdigest()
    return f"page:{version}:{digest}"


class PublicPageCacheMiddleware:
    """Serve anonymous readers from the cache; mark every public response with its cache policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        version = content_version()
        key = _key(request, version)
        stored = cache.get(key)
        if stored is not None:
            response = HttpResponse(stored["content"], status=stored["status"])
            for header, value in stored["headers"].items():
                response[header] = value
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _cacheable_response(response):
            response["Last-Modified"] = http_date(content_changed_at())
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_MAX_AGE)
            patch_vary_headers(response, ["Accept"])
            headers = {header: value for header, value in response.items()}
            cache.set(
                key,
                {"content": response.content, "status": response.status_code, "headers": headers},
                timeout=settings.PAGE_CACHE_SECONDS,
            )
            response["X-Cache"] = "miss"
        return response

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
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

VERSION_KEY = "content:version"
CHANGED_KEY = "content:changed-at"
DOMAIN_APPS = {"core", "actors", "sources", "events", "ihl", "displacement", "briefs"}
UNCACHED_PREFIXES = ("/admin/",)
CACHED_TYPES = ("text/html", "application/json", "application/atom+xml", "application/xml", "text/plain")


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        cache.add(CHANGED_KEY, time.time(), timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def content_changed_at():
    return cache.get(CHANGED_KEY) or time.time()


def bump_content_version():
    """Make every cached page stale: called on any change to domain content."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 2, timeout=None)
    cache.set(CHANGED_KEY, time.time(), timeout=None)


_memo = {}
MEMO_LIMIT = 256


def memoised(name, build):
    """``build()``, kept in this process for the current content version and language, and for at most
    FORM_CHOICES_SECONDS: for small derived lists every page repeats (a filter form's countries,
    types and themes). With Redis the version changes everywhere at once; with local memory another
    process's change reaches this one through the time limit, the same bound as the page cache."""
    from django.utils.translation import get_language

    key = (name, content_version(), get_language())
    now = time.monotonic()
    hit = _memo.get(key)
    if hit is not None and now - hit[0] < settings.FORM_CHOICES_SECONDS:
        return hit[1]
    value = build()
    if len(_memo) >= MEMO_LIMIT:
        _memo.clear()
    _memo[key] = (now, value)
    return value


def clear_memo():
    _memo.clear()


def _content_changed(sender, raw=False, **kwargs):
    if sender._meta.app_label in DOMAIN_APPS:
        bump_content_version()


def connect_invalidation():
    post_save.connect(_content_changed, dispatch_uid="content-version-save")
    post_delete.connect(_content_changed, dispatch_uid="content-version-delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="content-version-m2m")


def _m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        _content_changed(type(instance))


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

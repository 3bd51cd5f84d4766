"""The content version: one number that changes whenever published content may have changed.

Every cached page is stored under the version current when it was rendered; any save or delete of a
domain record bumps the version, so the next request renders afresh. With Redis the version is shared
by every server; with local memory each process keeps its own (see ``caching``).

A bump happens at once (so this process's next request sees the change) and again when the
transaction commits: a reader who rendered the page between the first bump and the commit read the
old rows and cached them under the new version, and the second bump makes that copy stale too.

Bulk writers (a spreadsheet import) wrap their work in ``invalidation_deferred()``: the per-row bumps
are skipped, and one bump runs when, and only if, the transaction commits. A dry run, which rolls
back, bumps nothing.
"""

import contextlib
import contextvars
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from knowledgebase.core.apps import DomainConfig
from knowledgebase.serving.replicas import write_position_recorded

VERSION_KEY = "content:version"
CHANGED_KEY = "content:changed-at"

_deferred = contextvars.ContextVar("content_version_deferred", default=False)


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


def _bump_on_commit():
    # With read replicas, the primary's WAL position is recorded before the bump (see replicas).
    with write_position_recorded():
        bump_content_version()


def bump_when_committed():
    """Bump once when the current transaction commits (at once outside a transaction); several calls
    in one transaction schedule a single bump, and a rollback schedules none."""
    if connection.in_atomic_block and any(func is _bump_on_commit for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_bump_on_commit)


@contextlib.contextmanager
def invalidation_deferred():
    """Within this block, content changes do not bump the version row by row; one bump follows the
    commit of the surrounding transaction, none follows a rollback."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def invalidation_is_deferred():
    return _deferred.get()


def content_changed():
    """Record that domain content changed: bump now and after the commit, or only after the commit
    inside ``invalidation_deferred()``."""
    if not _deferred.get():
        bump_content_version()
    bump_when_committed()


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


def _content_saved_or_deleted(sender, raw=False, **kwargs):
    if isinstance(sender._meta.app_config, DomainConfig):
        content_changed()


def _m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        _content_saved_or_deleted(type(instance))


def connect_invalidation():
    post_save.connect(_content_saved_or_deleted, dispatch_uid="content-version-save")
    post_delete.connect(_content_saved_or_deleted, dispatch_uid="content-version-delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="content-version-m2m")

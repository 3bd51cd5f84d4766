"""A Redis cache that the site survives losing.

Django's own Redis backend raises on every call while Redis is down, so each page (and the API)
answered 500. This backend catches Redis's errors and carries on:

* with ``FALLBACK: "local"`` it uses a small in-process cache instead (the page cache and the rate
  limits then work per process, as they do without Redis); with ``"none"`` every read misses and
  every write is dropped;
* after a failure it does not try Redis again for ``RETRY_SECONDS``, so a request is not slowed by
  a connection attempt per cache call; then it tries again, and recovers without a restart;
* on recovery it calls ``ON_RECOVER`` (the content version's bump: pages cached in Redis before the
  outage may predate changes made during it);
* one log line per minute while Redis is down (``outage.FailureLog``), not one per call.

Connection and socket timeouts are short by default (0.5 s and 1 s): a Redis that hangs must not
hold a page longer than the page would take without it.
"""

import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.utils.module_loading import import_string
from redis.exceptions import RedisError

from knowledgebase.serving.outage import failures

CACHE_FAILURE = "cache unavailable"
FAILURES = (RedisError, OSError)


class _Missing:
    """What each cache call gives when there is neither Redis nor a fallback."""

    @staticmethod
    def get(key, default=None, version=None):
        return default

    @staticmethod
    def add(*args, **kwargs):
        return False

    @staticmethod
    def set(*args, **kwargs):
        return None

    @staticmethod
    def touch(*args, **kwargs):
        return False

    @staticmethod
    def delete(*args, **kwargs):
        return False

    @staticmethod
    def get_many(keys, version=None):
        return {}

    @staticmethod
    def has_key(key, version=None):
        return False

    @staticmethod
    def incr(key, delta=1, version=None):
        raise ValueError(f"Key '{key}' not found")

    @staticmethod
    def set_many(data, timeout=None, version=None):
        return list(data)

    @staticmethod
    def delete_many(keys, version=None):
        return None

    @staticmethod
    def clear():
        return None


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        fallback = options.pop("FALLBACK", "local")
        on_recover = options.pop("ON_RECOVER", None)
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, {**params, "OPTIONS": options})
        self._on_recover = import_string(on_recover) if isinstance(on_recover, str) else on_recover
        if fallback == "local":
            self._fallback = LocMemCache(
                f"redis-fallback:{server}:{params.get('KEY_PREFIX', '')}",
                {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 2000}},
            )
        else:
            self._fallback = _Missing()
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._down = False

    @property
    def is_down(self):
        return self._down

    def _call(self, name, *args, **kwargs):
        if self._down and time.monotonic() < self._down_until:
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except FAILURES as error:
            with self._lock:
                self._down = True
                self._down_until = time.monotonic() + self.retry_seconds
            failures.record(CACHE_FAILURE, f"{type(error).__name__}: {error}"[:300])
            return getattr(self._fallback, name)(*args, **kwargs)
        if self._down:
            self._recovered()
        return result

    def _recovered(self):
        with self._lock:
            if not self._down:
                return
            self._down = False
        failures.recovered(CACHE_FAILURE)
        if self._on_recover is not None:
            self._on_recover()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        return self._call("clear")

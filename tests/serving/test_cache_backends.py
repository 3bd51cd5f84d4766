"""The Redis cache the site survives losing, with a redis-server of the test's own, stopped and started."""

import logging
import shutil
import tempfile
from pathlib import Path

import pytest
import redis as redis_py
from django.core.cache import caches
from django.test import override_settings

from knowledgebase.serving import outage
from knowledgebase.serving.cache_backends import ResilientRedisCache
from tests.servers import Redis, free_port

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")

recoveries = []


def record_recovery():
    recoveries.append(True)


@pytest.fixture
def redis_server():
    folder = Path(tempfile.mkdtemp(prefix="kb-redis-"))
    server = Redis(folder)
    server.start()
    outage.failures.kinds.clear()
    recoveries.clear()
    yield server
    if server.process.poll() is None:
        server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def backend(url, **options):
    return ResilientRedisCache(url, {"OPTIONS": {"RETRY_SECONDS": 0, **options}, "KEY_PREFIX": "t"})


def test_without_redis_every_call_answers_and_one_line_is_logged(caplog):
    cache = backend(f"redis://127.0.0.1:{free_port()}/0")
    outage.failures.kinds.clear()

    with caplog.at_level(logging.INFO, logger="knowledgebase.outage"):
        cache.set("a", 1)
        values = (cache.get("a"), cache.add("b", 2), cache.incr("a"), cache.get_many(["a", "b"]))

    assert cache.is_down
    assert values == (1, True, 2, {"a": 2, "b": 2})  # the process's own cache stands in
    assert len([r for r in caplog.records if r.name == "knowledgebase.outage"]) == 1


def test_with_no_fallback_reads_miss_and_writes_are_dropped():
    cache = backend(f"redis://127.0.0.1:{free_port()}/0", FALLBACK="none")

    cache.set("a", 1)

    assert cache.get("a", "default") == "default"
    assert cache.add("a", 1) is False
    with pytest.raises(ValueError):
        cache.incr("a")


def test_redis_is_used_again_when_it_returns_and_the_recovery_is_announced(redis_server):
    cache = backend(redis_server.url, ON_RECOVER=record_recovery)
    cache.set("kept", "in redis")

    redis_server.stop()
    assert cache.get("kept") is None and cache.is_down
    redis_server.start()

    assert cache.get("kept") is None  # a fresh server: what was in it before is gone
    cache.set("again", "in redis")
    assert not cache.is_down and recoveries == [True]
    assert redis_py.Redis(port=redis_server.port).get(cache.make_key("again")) is not None


def test_rate_limits_count_in_redis_and_carry_on_per_process_while_it_is_down(client, db, redis_server, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "3/h"}
    redis_cache = {
        "BACKEND": "knowledgebase.serving.cache_backends.ResilientRedisCache",
        "LOCATION": redis_server.url,
        "KEY_PREFIX": "kb",
        "OPTIONS": {"RETRY_SECONDS": 60},
    }
    with override_settings(CACHES={"default": redis_cache}):
        caches["default"].clear()
        statuses = [client.get("/api/v1/events/").status_code for _ in range(4)]
        counters = list(redis_py.Redis(port=redis_server.port).scan_iter(match="*rl:*"))

        redis_server.stop()
        while_down = [client.get("/api/v1/events/").status_code for _ in range(4)]
        caches["default"].close()

    assert statuses == [200, 200, 200, 429]
    assert counters, "the counts live in Redis, where every server sees them"
    assert while_down == [200, 200, 200, 429]  # counted by this process alone, never a 500

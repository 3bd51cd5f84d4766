"""Helpers for tests that run the site as production does: gunicorn processes on loopback ports,
on the test database (PostgreSQL: a second process cannot share SQLite's in-memory test database)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)

on_postgresql = os.environ.get("DATABASE_URL", "").split(":", 1)[0] in ("postgres", "postgresql")


def redis_available():
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason="needs Redis at 127.0.0.1:6379")


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/robots.txt", timeout=5)  # noqa: S310 - loopback test servers
            return
        except OSError:
            # Refused before the socket is bound; a timeout while the workers are still booting
            # (the master accepts connections before any worker can answer them).
            time.sleep(0.3)
    raise AssertionError(f"{url} did not start")


def database_url():
    """The test database, as a server process started by a test reaches it."""
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def production_env(tmp_path, **overrides):
    """The environment of a production-like server (DEBUG off) on the test database, with static
    files collected into ``tmp_path``."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "deploy-test-" + "k" * 40,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "knowledgebase.settings",
        **overrides,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )
    return env


@contextmanager
def gunicorn(env, log=None):
    """A gunicorn server with the production configuration on a free loopback port; yields its URL.
    Its error log (tracebacks of server errors) goes to the file ``log`` if given."""
    port = free_port()
    with open(log or os.devnull, "w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:knowledgebase.gunicorn", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(url)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)

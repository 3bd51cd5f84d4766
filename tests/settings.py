"""Fast, deterministic settings for the test suite (SQLite unless DATABASE_URL says otherwise)."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-" + "x" * 40)

from knowledgebase.settings import *  # noqa: E402,F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest storage needs collectstatic; tests serve static files plainly.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"handlers": [], "level": "CRITICAL"}}
# Serve static files from the finders, as in development: no collectstatic, no
# STATIC_ROOT needed (the browser tests load CSS and scripts through the live server).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The second factor and the rate limits have tests of their own, which turn them on; the rest of the
# suite signs in with force_login and sends many requests from one address.
STAFF_2FA_REQUIRED = False
RATE_LIMITS = {group: None for group in RATE_LIMITS}  # noqa: F405
# Bulk download files: none, unless a test builds them into a folder of its own (opendata.bulk).
DOWNLOADS_ROOT = BASE_DIR / "var" / "tests-have-no-downloads"  # noqa: F405

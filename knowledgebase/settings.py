"""Settings for the knowledge base, driven by environment variables.

Every value a deployment changes comes from the environment (see the
configuration table in README.md). The defaults serve the local demo only:
with ``DEBUG`` off, the site refuses to start without a real ``SECRET_KEY``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats

from knowledgebase.spreadsheets import formats

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# A key that is public (it is in this file) is acceptable only for a local demo.
DEMO_SECRET_KEY = "demo-only-insecure-key-never-use-in-production"  # noqa: S105 - refused when DEBUG is off
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production). For the local demo, run 'make demo' or set DEBUG=1."
        )
    SECRET_KEY = DEMO_SECRET_KEY
elif not DEBUG and (SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("SECRET_KEY must be a long random value in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, which it patches to show a field per language.
    "modeltranslation",
    "knowledgebase.core.apps.KnowledgeBaseAdminConfig",
    # Static files in development come from WhiteNoise, not runserver (whose handler let a
    # "/static/../" path become a server error).
    "whitenoise.runserver_nostatic",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "axes",
    "django_filters",
    "simple_history",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "template_partials",
    "knowledgebase.core",
    "knowledgebase.serving",
    "knowledgebase.presentation",
    "knowledgebase.actors",
    "knowledgebase.sources",
    "knowledgebase.events",
    "knowledgebase.ihl",
    "knowledgebase.displacement",
    "knowledgebase.briefs",
    "knowledgebase.pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "knowledgebase.pages.operations.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "knowledgebase.serving.middleware.RequestSanityMiddleware",
    "knowledgebase.serving.outage.OutageMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "knowledgebase.opendata.language.OpenDataLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "knowledgebase.serving.ratelimits.RateLimitMiddleware",
    "knowledgebase.serving.caching.PublicPageCacheMiddleware",
    "knowledgebase.serving.replicas.ReplicaMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "knowledgebase.serving.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "knowledgebase.urls"
# Load-test tools (synthetic data, the benchmark's floor server) only when asked: LOADTEST=1, set by
# benchmarks/run.py for its own processes; only then may the environment choose their URLconf.
if env_bool("LOADTEST"):
    INSTALLED_APPS.append("knowledgebase.loadtest")
    ROOT_URLCONF = os.environ.get("ROOT_URLCONF", ROOT_URLCONF)
WSGI_APPLICATION = "knowledgebase.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "knowledgebase.core.context_processors.site",
            ],
        },
    },
]

# Widget templates (e.g. the labelled date range) live in templates/ too.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# SQLite file by default (zero setup for the demo); postgres://… in production.
DEMO_DATABASE = BASE_DIR / "var" / "demo.sqlite3"
if not os.environ.get("DATABASE_URL"):
    DEMO_DATABASE.parent.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DEMO_DATABASE}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not env_bool("POSTGRES_JIT", False):
    # PostgreSQL compiles large plans (a full export, a search over every event) with LLVM first, which
    # costs seconds and wins nothing for a page's short queries: measured 5.9 s of a 9 s export.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Read replicas (PostgreSQL streaming standbys), comma-separated: public reads go to one that is up and
# caught up, everything else to DATABASE_URL (serving.replicas). Their reads are given up after
# REPLICA_MAX_LAG seconds of lag, and a client's for READ_YOUR_WRITES_SECONDS after it wrote.
DATABASE_REPLICAS = []
for number, url in enumerate(env_list("DATABASE_REPLICA_URL"), start=1):
    replica = dj_database_url.parse(url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True)
    if not all(database["ENGINE"].endswith("postgresql") for database in (replica, DATABASES["default"])):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs PostgreSQL, for DATABASE_URL too.")
    options = replica.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", 3)  # a replica that does not answer is given up, not waited for
    if "options" in DATABASES["default"].get("OPTIONS", {}):  # JIT off, as on the primary
        options.setdefault("options", DATABASES["default"]["OPTIONS"]["options"])
    replica["TEST"] = {"MIRROR": "default"}  # tests create no database for it
    DATABASES[f"replica_{number}"] = replica
    DATABASE_REPLICAS.append(f"replica_{number}")
DATABASE_ROUTERS = ["knowledgebase.serving.replicas.ReplicaRouter"] if DATABASE_REPLICAS else []
REPLICA_MAX_LAG = float(os.environ.get("REPLICA_MAX_LAG", "5"))
READ_YOUR_WRITES_SECONDS = int(os.environ.get("READ_YOUR_WRITES_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked username-and-address pair before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# English at today's URLs, Ukrainian under /uk/ (i18n_patterns without a prefix for the default language).
# A third language is a line here and a catalogue in locale/.
LANGUAGES = [("en", _("English")), ("uk", _("Ukrainian"))]
# Content fields translated per language (django-modeltranslation); a missing translation falls back to
# English, and the page says so.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Dates at their precision per language (knowledgebase/formats/<language>/formats.py), before Django's formats.
FORMAT_MODULE_PATH = ["knowledgebase.formats"]

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Production hardening; each can be relaxed from the environment (e.g. behind
# a proxy that terminates TLS and already redirects).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
# Client addresses (rate limits, sign-in lockouts): X-Forwarded-For is read only behind a proxy,
# PROXY_COUNT hops from the right (see serving.clients).
BEHIND_PROXY = env_bool("BEHIND_PROXY")
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))

# Staff sign-in: a second factor (TOTP, django-two-factor-auth) is required when DEBUG is off; a
# username is locked from the address it is tried from after LOGIN_FAILURE_LIMIT failures
# (django-axes), for LOGIN_LOCKOUT_MINUTES after the last attempt, or until a reviewer unlocks it.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", not DEBUG)
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "admin:index"
OTP_TOTP_ISSUER = os.environ.get("SITE_NAME", "Displacement and POW Knowledge Base")
TWO_FACTOR_REMEMBER_COOKIE_AGE = None
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "knowledgebase.serving.clients.client_address_for_axes"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "knowledgebase.serving.signin.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_USERNAME_CALLABLE = "knowledgebase.serving.signin.attempted_username"
AXES_PASSWORD_FORM_FIELD = "auth-password"  # noqa: S105 - a form field name, not a password
# Staff sessions end after a working day without a request (each request extends them).
SESSION_COOKIE_AGE = int(os.environ.get("STAFF_SESSION_SECONDS", str(9 * 3600)))
SESSION_SAVE_EVERY_REQUEST = True

# Caches: Redis when REDIS_URL is set (shared by every server), local memory otherwise. While Redis is
# down the site carries on with a per-process cache (serving.cache_backends).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "knowledgebase.serving.cache_backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kb",
            "OPTIONS": {
                "FALLBACK": "local",
                "ON_RECOVER": "knowledgebase.serving.content_version.bump_content_version",
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}}
    )
}
# Sessions (staff only: readers have none) live in the database, never in the cache: every server
# sees every sign-in, and an outage of Redis can neither end a session nor bring back a closed one.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
PUBLIC_MAX_AGE = int(os.environ.get("PUBLIC_MAX_AGE", "30"))
# What one page may store: new variants (query strings, hosts…) per PAGE_CACHE_SECONDS, bytes per copy;
# and how long the last good copy is kept to serve while the database is down.
PAGE_CACHE_VARIANTS = int(os.environ.get("PAGE_CACHE_VARIANTS", "100"))
PAGE_CACHE_MAX_BYTES = int(os.environ.get("PAGE_CACHE_MAX_BYTES", str(1024 * 1024)))
STALE_PAGE_SECONDS = int(os.environ.get("STALE_PAGE_SECONDS", str(24 * 3600)))
# Anonymous requests per client address ("120/m": per minute; "off" lifts a limit), counted in the
# cache (django-ratelimit; shared through Redis when REDIS_URL is set).
RATE_LIMITS = {
    group: None if rate.strip().lower() in {"", "0", "off"} else rate.strip()
    for group, rate in {
        "api": os.environ.get("RATE_LIMIT_API", "120/m"),
        "export": os.environ.get("RATE_LIMIT_EXPORT", "20/m"),
        "search": os.environ.get("RATE_LIMIT_SEARCH", "60/m"),
        "login": os.environ.get("RATE_LIMIT_LOGIN", "30/m"),
    }.items()
}
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True
# How to report a vulnerability (/.well-known/security.txt): a mailto: or https: address.
SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "")
# Filter forms' choice lists (countries, types, themes…) are built once per content version and
# process, and kept at most this long (see serving.caching.memoised).
FORM_CHOICES_SECONDS = int(os.environ.get("FORM_CHOICES_SECONDS", "60"))

SITE_NAME = os.environ.get("SITE_NAME", "Displacement and POW Knowledge Base")
# Absolute origin used in citations and feeds when a request is not at hand.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where readers write about the site and send corrections (shown on /about/); nothing is shown if unset.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "").strip()

EVENTS_PER_PAGE = 25
COUNT_CAP = 10_000  # lists count exactly up to here, then say "more than"
# The event list counts (and maps) its selection exactly up to here, then says "more than"; it can still
# be browsed page by page to the COUNT_CAP-th event (pages.event_selection).
LIST_COUNT_CAP = 1_000
# Full CSV/JSON downloads streaming at once across the site (slots in the cache); beyond, 503. 0: no cap.
EXPORT_CONCURRENCY = int(os.environ.get("EXPORT_CONCURRENCY", "4"))
# Bulk download files of the whole published dataset (manage.py build_downloads writes, /data/files/ serves).
DOWNLOADS_ROOT = Path(os.environ.get("DOWNLOADS_ROOT", BASE_DIR / "var" / "downloads"))

# Spreadsheet import in the admin: whoever may add rows may import them (as drafts); one bad
# row rolls the whole file back.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Limits of one import (see spreadsheets.formats): the uploaded file's size; its rows, counted while
# reading whatever the sheet declares; and for XLSX the total unpacked size of the archive's members
# (an archive over it, or unpacking to over 100 times its size, is refused before it is opened).
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "5000"))
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", str(50 * 1024 * 1024)))
# The site's own CSV and XLSX: encodings, limits, formula cells refused on import and neutralised on
# export. Tests post format=0 for CSV and 1 for XLSX: keep that order.
IMPORT_FORMATS = [formats.CSV, formats.XLSX]
EXPORT_FORMATS = [formats.CSV, formats.XLSX, base_formats.JSON]

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["knowledgebase.opendata.api.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "knowledgebase.opendata.api.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Displacement and POW Knowledge Base API",
    "DESCRIPTION": (
        "Read-only access to published events, attributed figures, actors, organisations, displacement "
        "statistics, briefs and IHL provisions. Filters are the same GET parameters as the HTML pages."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "knowledgebase.opendata.api.document_language",
        "knowledgebase.opendata.api.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {"GeographyScopeEnum": "knowledgebase.displacement.models.GeographyScope"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Outages are reported once a minute by serving.outage, not as a traceback per request.
    "loggers": {"knowledgebase.outage": {"level": "WARNING"}},
}

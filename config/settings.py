"""Settings, all read from the environment (see .env.example for every variable)."""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy

from config.database import database_settings, replica_settings

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# A production start: docker/start.sh exports DJANGO_PRODUCTION=1, and so does config.wsgi
# when any WSGI server imports it; gunicorn counts as one too (even when its settings load
# first). It fails closed: the checkout's .env is never read, DEBUG must be off and the
# secret key must be a real one.
PRODUCTION = env.bool("DJANGO_PRODUCTION", default=False) or "gunicorn" in sys.modules

if not PRODUCTION:
    # A local .env (made from .env.example by `make`) fills in what the shell did not set.
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if PRODUCTION:
    _why = "a production start (a WSGI server, or docker/start.sh) refuses to run"
    if DEBUG:
        raise ImproperlyConfigured(
            f"DJANGO_DEBUG is on: {_why} with DEBUG (it shows code, settings and data to "
            "anyone). Set DJANGO_DEBUG=0 in the environment; .env is not read here."
        )
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY must be set: {_why} without a secret key in the environment "
            "(.env is not read here)."
        )
    # Django's own test of a strong key (check --deploy, security.W009).
    if (
        SECRET_KEY == DEVELOPMENT_SECRET_KEY
        or SECRET_KEY.startswith("django-insecure")
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
    ):
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is not a real secret key: {_why} with the development key or "
            "one shorter than 50 characters or with fewer than 5 different characters. "
            "Make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
elif not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Redoc's files, served from static/ (no CDN)
    "simple_history",
    "axes",
    "csp",
    # The task engine: jobs in PostgreSQL tables, run by `manage.py procrastinate worker`.
    "procrastinate.contrib.django",
    "archive",
]
# The benchmark's app (`manage.py generate_corpus`) where the checkout has it: a production
# image leaves benchmarks/ out (.dockerignore), and so the command.
if (BASE_DIR / "benchmarks" / "apps.py").exists():
    INSTALLED_APPS.append("benchmarks")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "archive.web.middleware.RejectNulMiddleware",
    "archive.web.middleware.DatabaseUnavailableMiddleware",
    # Before the page cache: the archive generation is read where the page's data is.
    "archive.web.middleware.ReplicaRoutingMiddleware",
    # The language from the address (/ar/...), in place of LocaleMiddleware; before the
    # page cache, which keys on it.
    "archive.web.middleware.LanguageMiddleware",
    # Before sessions, auth and messages: a cache hit touches none of them.
    "archive.web.caching.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # What the page cache did not answer, by client address: after auth (staff are not
    # counted), before the view renders anything.
    "archive.web.throttle.RenderLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "archive.pages.context_processors.query_params",
                "archive.pages.context_processors.site",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_database, EMBEDDED_DATABASE = database_settings(env.ENVIRON, BASE_DIR, env.db_url_config)
DATABASES = {"default": _database}
# No persistent connections in development: runserver's threads would each keep one open.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Read replicas: public pages read from one of them, writes and the admin stay on the
# primary, and a client that has just written reads the primary for a while
# (config/routers.py, archive.web.middleware.ReplicaRoutingMiddleware).
DATABASES.update(replica_settings(env.ENVIRON, env.db_url_config, DATABASES["default"]))
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=15)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins (django-axes). Two limits within the cool-off time: one username from one
# client address (a user is never locked out from another address), and any usernames from
# one address (one password tried across many accounts). config/login_throttle.py applies
# each limit to its own combination.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
if not 1 <= AXES_FAILURE_LIMIT <= AXES_ADDRESS_FAILURE_LIMIT:
    raise ImproperlyConfigured("Need 1 <= AXES_FAILURE_LIMIT <= AXES_ADDRESS_FAILURE_LIMIT.")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]]
AXES_LOCKOUT_LIMITS = [AXES_FAILURE_LIMIT, AXES_ADDRESS_FAILURE_LIMIT]  # one per combination
AXES_HANDLER = "config.login_throttle.LoginThrottleHandler"
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=60))
# The client address. Behind N trusted proxies that each append the address they received
# from to X-Forwarded-For, the client is the N-th entry from the right (django-ipware, which
# axes calls, with proxy_count = N - 1 and non-strict matching: entries a client sent
# itself, at the left, are never used). With 0, X-Forwarded-For is ignored: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be 0 or more.")
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
AXES_IPWARE_PROXY_ORDER = "left-most"
IPWARE_STRICT = False  # a client-sent prefix must not void the chain our proxies wrote

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The archive's own words: its topic is a deployment's choice, not the code's. Each in
# English and in Arabic (the _AR value), chosen by the active language
# (archive.pages.context_processors.site_text).
ARCHIVE_SITE_NAME = env.str("ARCHIVE_SITE_NAME", default="News Archive")
ARCHIVE_SITE_NAME_AR = env.str("ARCHIVE_SITE_NAME_AR", default="أرشيف الأخبار")
ARCHIVE_SITE_DESCRIPTION = env.str(
    "ARCHIVE_SITE_DESCRIPTION",
    default="News in English and Arabic, with the people, organizations and places they "
    "name, and who said what.",
)
ARCHIVE_SITE_DESCRIPTION_AR = env.str(
    "ARCHIVE_SITE_DESCRIPTION_AR",
    default="أخبار بالإنجليزية والعربية، مع الأشخاص والمنظمات والأماكن التي تذكرها، ومن قال ماذا.",
)
ARCHIVE_HOME_INTRO = env.str(
    "ARCHIVE_HOME_INTRO", default="Read, link and compare news across outlets and languages."
)
ARCHIVE_HOME_INTRO_AR = env.str(
    "ARCHIVE_HOME_INTRO_AR", default="اقرأ الأخبار واربطها وقارنها بين الوسائل واللغات."
)
# og:locale of the Arabic pages (language_TERRITORY): the territory is the deployment's.
ARCHIVE_OG_LOCALE_AR = env.str("ARCHIVE_OG_LOCALE_AR", default="ar_AR")
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes (the image's build, docker/start.sh in a checkout). A start in
# the test suite writes elsewhere: its test clients' whitenoise reads this folder.
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "config.storage.StaticFilesStorage"
        )
    },
}
# Tests and `runserver` without collectstatic still find files through the finders.
WHITENOISE_USE_FINDERS = True

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# Public pages and API answers are cached under the archive generation, which every write
# moves on (archive/web/caching.py), so an edit shows on the next request. A shared cache
# (Redis) keeps them for minutes; the per-process memory default only briefly.
_SHARED_CACHE = not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
ARCHIVE_PAGE_CACHE_SECONDS = env.int(
    "ARCHIVE_PAGE_CACHE_SECONDS", default=300 if _SHARED_CACHE else 5
)
# An answer is stored only when it comes to at most this many bytes compressed: one huge
# answer (the Web Annotations of an article with thousands of mentions) is rendered each time
# rather than filling the cache.
ARCHIVE_PAGE_CACHE_MAX_BYTES = env.int("ARCHIVE_PAGE_CACHE_MAX_BYTES", default=1024 * 1024)
# What one client address may have rendered uncached (archive/web/throttle.py), then 429:
# ARCHIVE_RENDER_LIMIT render-seconds per window of ARCHIVE_RENDER_LIMIT_SECONDS (a render
# counts one, and one more per further second it takes) and ARCHIVE_RENDER_CONCURRENCY
# renders at once. Counted in the shared cache: on by default with Redis; off (0) with the
# per-process memory cache of development and tests, where each process would count alone.
ARCHIVE_RENDER_LIMIT = env.int("ARCHIVE_RENDER_LIMIT", default=30 if _SHARED_CACHE else 0)
ARCHIVE_RENDER_LIMIT_SECONDS = env.int("ARCHIVE_RENDER_LIMIT_SECONDS", default=60)
# One at a time: of gunicorn's three workers, one client address never holds more than one.
ARCHIVE_RENDER_CONCURRENCY = env.int("ARCHIVE_RENDER_CONCURRENCY", default=1)
if ARCHIVE_RENDER_LIMIT < 0 or ARCHIVE_RENDER_LIMIT_SECONDS < 1 or ARCHIVE_RENDER_CONCURRENCY < 1:
    raise ImproperlyConfigured(
        "ARCHIVE_RENDER_LIMIT must be 0 (off) or more, ARCHIVE_RENDER_LIMIT_SECONDS and "
        "ARCHIVE_RENDER_CONCURRENCY 1 or more."
    )

REST_FRAMEWORK = {
    # The API is public and read-only: it authenticates nobody. No HTTP Basic login (a
    # second door for password guesses, and a Basic challenge that makes browsers prompt).
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}


def _api_title() -> str:
    # Read at each request (settings tests override). English in either language: the
    # title also names the schema's file in a Content-Disposition header, which cannot carry
    # Arabic letters as they are.
    from django.conf import settings

    return f"{settings.ARCHIVE_SITE_NAME} API"


SPECTACULAR_SETTINGS = {
    "TITLE": lazy(_api_title, str)(),
    "DESCRIPTION": "Read-only access to articles, entities, mentions and claims.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # OpenAPI 3.1: a nullable reference (a claim's speaker) is `oneOf [ref, null]`, which
    # validators read the same way; 3.0's `nullable` beside `allOf` they do not.
    "OAS_VERSION": "3.1.0",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "archive.api.schema.document_errors",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Two models have a "kind" field with different choices: name each enum explicitly.
    "ENUM_NAME_OVERRIDES": {
        "EntityKindEnum": "archive.models.EntityKind",
        "ClaimKindEnum": "archive.models.ClaimKind",
        "StatusEnum": "archive.models.Status",
        "MentionRoleEnum": "archive.models.MentionRole",
        "VerificationEnum": "archive.models.Verification",
    },
}

# Content Security Policy: everything is self-hosted, so 'self' is enough.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Production hardening; each can be relaxed by the environment behind a TLS proxy.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}

# The longest article body (characters) the importer and the admin accept.
ARCHIVE_MAX_BODY_CHARS = env.int("ARCHIVE_MAX_BODY_CHARS", default=200_000)

# The languages an entity's names are kept in beside its own: a place named like a country or
# territory gets that territory's names in these (alias rows of origin "country", from CLDR).
ARCHIVE_NAME_LANGUAGES = env.list(
    "ARCHIVE_NAME_LANGUAGES", default=["en", "ar", "fr", "it", "es", "de"]
)
# Where `manage.py fetch_aliases` reads an entity's Wikidata labels and aliases ("{id}" is the
# Q-id), e.g. https://www.wikidata.org/wiki/Special:EntityData/{id}.json; empty: never online.
ARCHIVE_WIKIDATA_ENTITY_URL = env.str("ARCHIVE_WIKIDATA_ENTITY_URL", default="")
ARCHIVE_WIKIDATA_TIMEOUT_SECONDS = env.float("ARCHIVE_WIKIDATA_TIMEOUT_SECONDS", default=10.0)
ARCHIVE_WIKIDATA_MAX_BYTES = env.int("ARCHIVE_WIKIDATA_MAX_BYTES", default=5 * 1024 * 1024)

# Collecting from outlets' feeds and pages (archive/ingest/http.py, feeds.py, archive/tasks.py;
# docs/collecting.md). Off by default: nothing is fetched from the web until ARCHIVE_COLLECT=1.
ARCHIVE_COLLECT = env.bool("ARCHIVE_COLLECT", default=False)
# Empty: "<ARCHIVE_SITE_NAME> archive bot (+ARCHIVE_COLLECT_CONTACT)".
ARCHIVE_COLLECT_USER_AGENT = env.str("ARCHIVE_COLLECT_USER_AGENT", default="")
ARCHIVE_COLLECT_CONTACT = env.str("ARCHIVE_COLLECT_CONTACT", default="")
ARCHIVE_COLLECT_TIMEOUT_SECONDS = env.float("ARCHIVE_COLLECT_TIMEOUT_SECONDS", default=10.0)
ARCHIVE_COLLECT_FEED_MAX_BYTES = env.int("ARCHIVE_COLLECT_FEED_MAX_BYTES", default=5 * 1024 * 1024)
ARCHIVE_COLLECT_PAGE_MAX_BYTES = env.int("ARCHIVE_COLLECT_PAGE_MAX_BYTES", default=5 * 1024 * 1024)
# Between two requests to one host, across every worker sharing the database.
ARCHIVE_COLLECT_HOST_DELAY_SECONDS = env.float("ARCHIVE_COLLECT_HOST_DELAY_SECONDS", default=2.0)
ARCHIVE_COLLECT_RETRIES = env.int("ARCHIVE_COLLECT_RETRIES", default=2)
ARCHIVE_COLLECT_RETRY_BACKOFF_SECONDS = env.float(
    "ARCHIVE_COLLECT_RETRY_BACKOFF_SECONDS", default=2.0
)
ARCHIVE_COLLECT_MAX_REDIRECTS = env.int("ARCHIVE_COLLECT_MAX_REDIRECTS", default=5)
ARCHIVE_COLLECT_ROBOTS_SECONDS = env.int("ARCHIVE_COLLECT_ROBOTS_SECONDS", default=3600)
# Loopback, link-local and private addresses are refused (a feed must not make the archive
# read its own network); tests and a private deployment turn this on.
ARCHIVE_COLLECT_PRIVATE_ADDRESSES = env.bool("ARCHIVE_COLLECT_PRIVATE_ADDRESSES", default=False)
# When the worker looks for feeds due a poll (cron; a 6th field gives seconds), and the
# longest a failing feed waits between polls (the wait doubles with each failure).
ARCHIVE_COLLECT_SCHEDULE = env.str("ARCHIVE_COLLECT_SCHEDULE", default="* * * * *")
ARCHIVE_COLLECT_MAX_BACKOFF_SECONDS = env.int("ARCHIVE_COLLECT_MAX_BACKOFF_SECONDS", default=86400)
# The task engine (procrastinate, `manage.py procrastinate worker`): jobs of a worker that
# sent no heartbeat for ARCHIVE_WORKER_STALLED_SECONDS (killed, its machine gone) are given
# back to the queue, checked on ARCHIVE_WORKER_STALLED_SCHEDULE.
ARCHIVE_WORKER_CONCURRENCY = env.int("ARCHIVE_WORKER_CONCURRENCY", default=4)
ARCHIVE_WORKER_HEARTBEAT_SECONDS = env.float("ARCHIVE_WORKER_HEARTBEAT_SECONDS", default=10.0)
ARCHIVE_WORKER_STALLED_SECONDS = env.float("ARCHIVE_WORKER_STALLED_SECONDS", default=30.0)
ARCHIVE_WORKER_STALLED_SCHEDULE = env.str("ARCHIVE_WORKER_STALLED_SCHEDULE", default="* * * * *")
PROCRASTINATE_WORKER_DEFAULTS = {
    "concurrency": ARCHIVE_WORKER_CONCURRENCY,
    "update_heartbeat_interval": ARCHIVE_WORKER_HEARTBEAT_SECONDS,
    "stalled_worker_timeout": ARCHIVE_WORKER_STALLED_SECONDS,
    # Finished jobs are deleted; a failed one stays for the admin to see.
    "delete_jobs": "successful",
}

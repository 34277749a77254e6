"""Settings come from the environment; the database is embedded unless DATABASE_URL says."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRINT_DB = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
    "from django.conf import settings; d=settings.DATABASES['default']; "
    "print(settings.EMBEDDED_DATABASE, d['HOST'], d['NAME'], d.get('PORT', ''), sep='|')"
)


def run_python(code: str, **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = run_python(PRINT_DB, DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_settings_start_with_a_secret_key_when_debug_is_off():
    result = run_python(PRINT_DB, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr


def test_embedded_database_is_used_when_database_url_is_absent():
    result = run_python(PRINT_DB, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    embedded, host, name, _port = result.stdout.strip().split("|")
    assert embedded == "True"
    assert host.startswith("/"), "the embedded server listens on a unix socket"
    assert name == "archive"


def test_database_url_is_used_when_present():
    url = "postgres://someone@db.example.org:6543/elsewhere"
    result = run_python(PRINT_DB, DJANGO_DEBUG="1", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split("|") == ["False", "db.example.org", "elsewhere", "6543"]


def test_check_deploy_reports_no_warnings_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "k3y-" + "a8Zq!" * 12,
            "DJANGO_ALLOWED_HOSTS": "archive.example.org",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_cache_moves_to_redis_when_cache_url_says_so():
    """Several web processes share one cache through CACHE_URL (Redis on these machines)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI expects Redis at 127.0.0.1:6379: {error}")
        pytest.skip(f"no Redis at 127.0.0.1:6379: {error}")
    code = (
        "import django, os, uuid; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
        "django.setup(); from django.core.cache import cache, caches; "
        "k = uuid.uuid4().hex; cache.set(k, 'shared', 10); "
        "print(type(caches['default']).__name__, cache.get(k))"
    )
    result = run_python(code, DJANGO_DEBUG="1", CACHE_URL="redis://127.0.0.1:6379/3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RedisCache", "shared"]


DEVELOPMENT_KEY = "django-insecure-development-only-key-never-use-in-production"
REAL_KEY = "k3y-" + "a8Zq!Hx7" * 8
NOWHERE = "postgres://nobody@127.0.0.1:1/none"  # settings only: never connected to


def test_production_start_refuses_debug():
    result = run_python(
        PRINT_DB,
        DJANGO_PRODUCTION="1",
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY=REAL_KEY,
        DATABASE_URL=NOWHERE,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_DEBUG is on" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        DEVELOPMENT_KEY,
        "change-me",  # the placeholder of .env.example
        "k3y-a8Zq!Hx7-short",  # under 50 characters
        "x" * 60,  # long, but fewer than 5 different characters
    ],
)
def test_production_start_refuses_a_development_or_weak_secret_key(key):
    for debug in ({"DJANGO_DEBUG": "0"}, {}):  # DEBUG off, or unset: no .env fills it in
        result = run_python(
            PRINT_DB, DJANGO_PRODUCTION="1", DJANGO_SECRET_KEY=key, DATABASE_URL=NOWHERE, **debug
        )
        assert result.returncode != 0
        assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not a real secret key" in result.stderr


PRINT_CLIENT_ADDRESS = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
    "django.setup(); from django.conf import settings as s; "
    "print(s.AXES_IPWARE_META_PRECEDENCE_ORDER, s.AXES_IPWARE_PROXY_COUNT, s.IPWARE_STRICT, "
    "s.AXES_LOCKOUT_PARAMETERS, s.AXES_LOCKOUT_LIMITS, sep='|')"
)


@pytest.mark.parametrize(
    "count, order, ipware_count",
    [
        (None, "('REMOTE_ADDR',)", "None"),
        ("0", "('REMOTE_ADDR',)", "None"),
        ("1", "('HTTP_X_FORWARDED_FOR',)", "0"),
        ("2", "('HTTP_X_FORWARDED_FOR',)", "1"),
    ],
)
def test_trusted_proxy_count_says_where_the_client_address_is_read(count, order, ipware_count):
    extra = {"DJANGO_TRUSTED_PROXY_COUNT": count} if count is not None else {}
    result = run_python(
        PRINT_CLIENT_ADDRESS,
        DJANGO_DEBUG="1",
        DATABASE_URL=NOWHERE,
        AXES_FAILURE_LIMIT="4",
        AXES_ADDRESS_FAILURE_LIMIT="30",
        **extra,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split("|") == [
        order,
        ipware_count,
        "False",
        "[['username', 'ip_address'], ['ip_address']]",
        "[4, 30]",
    ]


PRINT_CACHE = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
    "from django.conf import settings as s; "
    "print(s.CACHES['default']['BACKEND'].rsplit('.', 1)[1], s.ARCHIVE_PAGE_CACHE_SECONDS)"
)


@pytest.mark.parametrize(
    "cache_url, expected",
    [
        (None, "LocMemCache 5"),  # per process: other processes cannot tell it of an edit
        ("redis://127.0.0.1:6379/2", "RedisCache 300"),
    ],
)
def test_pages_are_cached_only_briefly_unless_the_cache_is_shared(cache_url, expected):
    extra = {"CACHE_URL": cache_url} if cache_url else {}
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", PRINT_CACHE],
        cwd=ROOT,
        env={
            **{k: v for k, v in env.items() if not k.startswith("DJANGO_")},
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": NOWHERE,
            **extra,
        },  # fmt: skip
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


PRINT_REPLICAS = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
    "django.setup(); from django.conf import settings as s; from django.db import router; "
    "from archive.models import Article; "
    "print(sorted(s.DATABASES)); r = s.DATABASES['replica2']; "
    "print(r['HOST'], r['PORT'], r['NAME'], r['TEST']['MIRROR'], r['CONN_MAX_AGE']); "
    "print(router.db_for_read(Article), router.db_for_write(Article), "
    "router.allow_migrate('replica1', 'archive'), router.allow_migrate('default', 'archive'))"
)


def test_replica_urls_add_replicas_that_migrations_tests_and_commands_leave_alone():
    result = run_python(
        PRINT_REPLICAS,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=REAL_KEY,
        DATABASE_URL=NOWHERE,
        DATABASE_REPLICA_URLS="postgres://reader@r1.example.org/archive, "
        "postgres://reader@%2Fvar%2Frun%2Fpostgresql:5433/archive",
    )
    assert result.returncode == 0, result.stderr
    names, replica2, routing = result.stdout.strip().splitlines()
    assert names == "['default', 'replica1', 'replica2']"
    assert replica2 == "/var/run/postgresql 5433 archive default 60"
    # Outside a public request (here, a command) reads and writes go to the primary.
    assert routing == "default default False True"

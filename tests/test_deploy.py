"""The production start script and gunicorn, run for real outside Docker."""

import importlib
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
import yaml

from config import embedded
from tests.servers import free_port, get, gunicorn, spawn, stop

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = "postgres://postgres@127.0.0.1:5432/"


def wait_for(url: str, process: subprocess.Popen, timeout: float = 90) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early:\n{process.stdout.read()}")
        status, body, _ = get(url, timeout=5)
        if status:
            return status, body
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout}s")


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="test-" + uuid.uuid4().hex * 2,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        WEB_CONCURRENCY="2",
        PYTHON=sys.executable,
    )
    env.update(extra)
    return env


def external_postgres_or_skip():
    try:
        psycopg.connect(EXTERNAL + "postgres", connect_timeout=3, autocommit=True).close()
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI expects PostgreSQL at 127.0.0.1:5432: {error}")
        pytest.skip(f"no PostgreSQL at 127.0.0.1:5432: {error}")


def test_docker_compose_declares_db_and_web_services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    db, web = compose["services"]["db"], compose["services"]["web"]
    assert db["image"].startswith("postgres:16")
    assert "healthcheck" in db
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["environment"]["DATABASE_URL"].startswith("postgres://")
    assert "start.sh" in (ROOT / "Dockerfile").read_text()


def test_start_script_migrates_loads_and_serves_with_gunicorn_on_real_postgres(tmp_path):
    external_postgres_or_skip()
    name = f"archive_start_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(EXTERNAL + "postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    port = free_port()
    process = spawn(
        ["sh", "docker/start.sh"],
        production_env(
            DATABASE_URL=EXTERNAL + name,
            BIND=f"127.0.0.1:{port}",
            ARCHIVE_SITE_NAME="Libya News Archive",  # the fixtures' topic, from the environment
            # Not the checkout's staticfiles/: the other workers' whitenoise scans it.
            DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        ),
    )
    try:
        status, html = wait_for(f"http://127.0.0.1:{port}/", process)
        assert status == 200
        assert "Libya News Archive" in html
        with psycopg.connect(EXTERNAL + name) as conn:
            tables = conn.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_name = 'archive_article'"
            ).fetchone()[0]
        assert tables == 1, "migrations ran before serving"
    finally:
        stop(process)
        with psycopg.connect(EXTERNAL + "postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_gunicorn_workers_share_one_embedded_postgres_started_from_nothing(tmp_path):
    """Several workers start at once on an empty data folder: one server, all answer."""
    data = tmp_path / "pgdata"
    port = free_port()
    env = production_env(EMBEDDED_PGDATA=str(data))
    process = spawn(gunicorn(port, workers=3), env)
    try:
        # Every worker imports the settings, which start or reuse the embedded server.
        for _ in range(6):
            status, css = wait_for(f"http://127.0.0.1:{port}/static/css/archive.css", process)
            assert status == 200 and "Noto Naskh Arabic" in css
        assert (data / "postmaster.pid").exists()
    finally:
        stop(process)
        embedded.stop(data)
        shutil.rmtree(data, ignore_errors=True)


def checkout_with_env_file(tmp_path: Path, env_file: str) -> Path:
    """A checkout of the project whose .env says `env_file` (the real one is left alone).

    config/, manage.py and docker/ are copied, so the settings' BASE_DIR is this folder and
    its .env is the one read; the rest links to the real files."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    shutil.copytree(
        ROOT / "config", checkout / "config", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(ROOT / "docker", checkout / "docker")
    shutil.copy2(ROOT / "manage.py", checkout / "manage.py")
    for name in ("archive", "templates", "static", "fixtures", "locale", "seeds"):
        if (ROOT / name).exists():
            (checkout / name).symlink_to(ROOT / name)
    (checkout / ".env").write_text(env_file)
    return checkout


def run_until_exit(command: list[str], cwd: Path, env: dict, port: int, timeout: float = 90):
    """Run `command` and return (exit code, output); fail if it serves on `port` instead."""
    process = spawn(command, env, cwd=cwd)
    deadline = time.monotonic() + timeout
    try:
        while process.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"{command} still running after {timeout}s")
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/static/css/archive.css", timeout=2
                ):
                    pass
            except urllib.error.HTTPError:
                pass
            except OSError:
                time.sleep(0.3)
                continue
            raise AssertionError(f"{command} served on port {port}: it should have refused")
        return process.returncode, process.stdout.read()
    finally:
        if process.poll() is None:
            stop(process)


def checkout_env(**extra) -> dict:
    """The environment of a shell in a checkout: nothing of the project's is set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(PYTHON=sys.executable, WEB_CONCURRENCY="1", **extra)
    return env


DEVELOPMENT_ENV_FILE = "DJANGO_DEBUG=1\nDJANGO_ALLOWED_HOSTS=127.0.0.1\n"


REAL_KEY = "k3y-" + "a8Zq!" * 12


@pytest.mark.parametrize(
    "env_file, environment, message",
    [
        # The checkout's development .env (DEBUG on) and nothing in the environment: the
        # .env is not read, so there is no secret key (and no development one either).
        (DEVELOPMENT_ENV_FILE, {}, "DJANGO_SECRET_KEY must be set"),
        # A key in .env does not count either: production takes the environment only.
        (
            DEVELOPMENT_ENV_FILE + f"DJANGO_SECRET_KEY={REAL_KEY}\n",
            {},
            "DJANGO_SECRET_KEY must be set",
        ),
        # DEBUG on in the environment itself.
        (
            DEVELOPMENT_ENV_FILE,
            {"DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": REAL_KEY},
            "DJANGO_DEBUG is on",
        ),
        # A placeholder key.
        (
            DEVELOPMENT_ENV_FILE,
            {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "change-me"},
            "DJANGO_SECRET_KEY is not a real secret key",
        ),
    ],
    ids=["env-file-debug", "env-file-key", "debug-in-environment", "placeholder-key"],
)
def test_start_script_in_a_checkout_refuses_debug_and_development_keys(
    tmp_path, env_file, environment, message
):
    checkout = checkout_with_env_file(tmp_path, env_file)
    port = free_port()
    env = checkout_env(
        # Nothing listens there: a start that got as far as migrating fails, but not like this.
        DATABASE_URL="postgres://postgres@127.0.0.1:1/archive",
        BIND=f"127.0.0.1:{port}",
        **environment,
    )
    code, output = run_until_exit(["sh", "docker/start.sh"], checkout, env, port)
    assert code != 0, output
    assert f"ImproperlyConfigured: {message}" in output, output
    assert "Traceback" in output and "Booting worker" not in output


def test_gunicorn_in_a_checkout_refuses_the_development_env_file(tmp_path):
    """gunicorn started by hand, without docker/start.sh, is a production start too."""
    checkout = checkout_with_env_file(tmp_path, DEVELOPMENT_ENV_FILE)
    port = free_port()
    env = checkout_env(DATABASE_URL="postgres://postgres@127.0.0.1:1/archive")
    command = gunicorn(port, workers=1)
    code, output = run_until_exit(command, checkout, env, port)
    assert code != 0, output
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set" in output, output
    assert "Worker failed to boot" in output


# -- any WSGI server is a production start ----------------------------------------------------

NOWHERE = "postgres://nobody@127.0.0.1:1/none"  # settings only: never connected to
DEVELOPMENT_KEY = "django-insecure-development-only-key-never-use-in-production"
# What uwsgi (--module config.wsgi), mod_wsgi (the file) and waitress (config.wsgi:application)
# do: import the module and take `application`, with nothing loaded before.
IMPORT_WSGI = (
    "import config.wsgi; from django.conf import settings; "
    "assert callable(config.wsgi.application); print('DEBUG', settings.DEBUG)"
)
# What `manage.py runserver` does: the settings first, then the application they name.
RUNSERVER_WSGI = (
    "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
    "django.setup(); from django.conf import settings; "
    "from django.core.servers.basehttp import get_internal_wsgi_application; "
    "get_internal_wsgi_application(); "
    "print('DEBUG', settings.DEBUG, os.environ.get('DJANGO_PRODUCTION'))"
)


def python_in(checkout: Path, code: str, **environment) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=checkout,  # `python -c` puts it first on sys.path: its config/ is imported
        env=checkout_env(DATABASE_URL=NOWHERE, **environment),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env_file, environment, message",
    [
        # A development .env, nothing in the environment: .env is not read, so no key.
        (DEVELOPMENT_ENV_FILE, {}, "DJANGO_SECRET_KEY must be set"),
        (
            DEVELOPMENT_ENV_FILE + f"DJANGO_SECRET_KEY={DEVELOPMENT_KEY}\n",
            {},
            "DJANGO_SECRET_KEY must be set",
        ),
        ("", {"DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": REAL_KEY}, "DJANGO_DEBUG is on"),
        # The environment cannot say "not production" to a WSGI server.
        (
            DEVELOPMENT_ENV_FILE + f"DJANGO_SECRET_KEY={DEVELOPMENT_KEY}\n",
            {"DJANGO_PRODUCTION": "0"},
            "DJANGO_SECRET_KEY must be set",
        ),
        (
            "",
            {"DJANGO_PRODUCTION": "0", "DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": REAL_KEY},
            "DJANGO_DEBUG is on",
        ),
        ("", {"DJANGO_SECRET_KEY": "change-me"}, "DJANGO_SECRET_KEY is not a real secret key"),
    ],
    ids=[
        "env-file-debug",
        "env-file-key",
        "debug-in-environment",
        "production-0-env-file",
        "production-0-debug",
        "placeholder-key",
    ],
)
def test_importing_config_wsgi_is_a_production_start_whatever_the_server(
    tmp_path, env_file, environment, message
):
    """uwsgi, mod_wsgi and waitress import config.wsgi as gunicorn does: never the .env."""
    checkout = checkout_with_env_file(tmp_path, env_file)
    result = python_in(checkout, IMPORT_WSGI, **environment)
    assert result.returncode != 0, result.stdout
    assert f"ImproperlyConfigured: {message}" in result.stderr, result.stderr


def test_importing_config_wsgi_with_a_real_key_starts_with_debug_off(tmp_path):
    checkout = checkout_with_env_file(tmp_path, DEVELOPMENT_ENV_FILE)
    result = python_in(checkout, IMPORT_WSGI, DJANGO_SECRET_KEY=REAL_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["DEBUG", "False"]


def test_runserver_keeps_reading_the_env_file_of_a_checkout(tmp_path):
    """Development: the settings are loaded (with .env) before runserver imports config.wsgi."""
    checkout = checkout_with_env_file(
        tmp_path, DEVELOPMENT_ENV_FILE + f"DJANGO_SECRET_KEY={DEVELOPMENT_KEY}\n"
    )
    result = python_in(checkout, RUNSERVER_WSGI)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["DEBUG", "True", "None"]


def test_importing_config_wsgi_after_the_settings_changes_nothing_here():
    """A process that loaded its settings first (the test suite, runserver) keeps them, and
    its child processes get no production flag from the import."""
    from django.conf import settings

    before = dict(os.environ)
    sys.modules.pop("config.wsgi", None)  # imported afresh, even if another test did
    wsgi = importlib.import_module("config.wsgi")
    assert callable(wsgi.application)
    assert settings.configured
    assert dict(os.environ) == before

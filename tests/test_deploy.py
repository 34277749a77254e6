"""The production start script and gunicorn, run for real outside Docker."""

import os
import shutil
import signal
import socket
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

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = "postgres://postgres@127.0.0.1:5432/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 90) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early:\n{process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout}s")


def stop(process: subprocess.Popen):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


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
    process = subprocess.Popen(
        ["sh", "docker/start.sh"],
        cwd=ROOT,
        env=production_env(DATABASE_URL=EXTERNAL + name, BIND=f"127.0.0.1:{port}"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
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
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        # Every worker imports the settings, which start or reuse the embedded server.
        for _ in range(6):
            status, css = wait_for(f"http://127.0.0.1:{port}/static/css/archive.css", process)
            assert status == 200 and "Noto Naskh Arabic" in css
        assert (data / "postmaster.pid").exists()
    finally:
        stop(process)
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import pgserver; pgserver.get_server({str(data)!r}, cleanup_mode=None).cleanup()",
            ],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(data, ignore_errors=True)

"""`make backup` / `make restore`: a dump of the seeded archive comes back whole."""

import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from archive.models import Article
from archive.services.backup import backup

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(str(p) for p in (ROOT / "fixtures").glob("*.json"))
TABLES = [
    "archive_source", "archive_story", "archive_article", "archive_entity", "archive_alias",
    "archive_mention", "archive_claim", "archive_claimsubject", "archive_historicalmention",
    "auth_group", "auth_permission", "django_migrations",
]  # fmt: skip


def conninfo(name: str) -> dict:
    settings = connection.settings_dict
    info = {"dbname": name, "user": settings["USER"] or "postgres"}
    if settings["HOST"]:
        info["host"] = settings["HOST"]
    if settings["PORT"]:
        info["port"] = settings["PORT"]
    return info


def database_url(name: str) -> str:
    settings = connection.settings_dict
    host = settings["HOST"] or "127.0.0.1"
    host = host.replace("/", "%2F") if host.startswith("/") else host
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{settings['USER'] or 'postgres'}@{host}{port}/{name}"


def snapshot(name: str) -> tuple[dict, dict]:
    with psycopg.connect(**conninfo(name)) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        hashes = dict(conn.execute("SELECT slug, sha256 FROM archive_article").fetchall())
    return counts, hashes


def manage(name: str, *args) -> subprocess.CompletedProcess:
    env = {"DATABASE_URL": database_url(name), "DJANGO_DEBUG": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.fixture
def empty_database():
    name = f"restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield name
    with psycopg.connect(**conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.django_db(transaction=True)
def test_backup_restores_the_seeded_archive_row_for_row(tmp_path, empty_database):
    call_command("loaddata", *FIXTURES, verbosity=0)
    assert Article.objects.count() == 5
    dump = backup(tmp_path)
    assert dump.name.endswith(".dump") and dump.stat().st_size > 10_000

    restored = manage(empty_database, "restore", str(dump))
    assert restored.returncode == 0, restored.stderr
    counts, hashes = snapshot(empty_database)
    assert (counts, hashes) == snapshot(connection.settings_dict["NAME"])
    assert counts["archive_mention"] > 100 and len(hashes) == 5

    fixity = manage(empty_database, "verify_fixity")
    assert fixity.returncode == 0, fixity.stderr
    assert "5 intact" in fixity.stdout


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_holds_articles(tmp_path):
    call_command("loaddata", *FIXTURES, verbosity=0)
    dump = backup(tmp_path)
    before = snapshot(connection.settings_dict["NAME"])
    refused = manage(connection.settings_dict["NAME"], "restore", str(dump))
    assert refused.returncode != 0
    assert "already holds articles" in refused.stderr
    assert snapshot(connection.settings_dict["NAME"]) == before


def test_restore_of_a_missing_file_says_so(tmp_path):
    result = manage("postgres", "restore", str(tmp_path / "nothing.dump"))
    assert result.returncode != 0 and "no such file" in result.stderr

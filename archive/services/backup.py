"""Backups: `pg_dump` of the archive database in custom format, and its way back.

The PostgreSQL client tools are the bundled ones of the embedded server when the
`pgserver` wheel is installed (version 16, which reads any server from 9.2 on), else
whichever `pg_dump` and `pg_restore` are on the PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection


class BackupError(Exception):
    pass


def pg_tool(name: str) -> str:
    try:
        from config.embedded import EmbeddedDatabaseError, bin_dir

        bundled = bin_dir() / name
        if bundled.exists():
            return str(bundled)
    except EmbeddedDatabaseError:
        pass
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found: install the PostgreSQL client tools.")
    return found


def libpq_env(settings_dict: dict) -> dict:
    """The environment that points libpq tools at this Django database (no password on argv)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    env["PGDATABASE"] = settings_dict["NAME"]
    return env


def _run(args: list[str], settings_dict: dict) -> None:
    result = subprocess.run(args, env=libpq_env(settings_dict), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{args[0]} failed ({result.returncode})")


def backup(folder: Path, settings_dict: dict | None = None) -> Path:
    """Write a timestamped custom-format dump into `folder`; return its path."""
    settings_dict = settings_dict or connection.settings_dict
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{settings_dict['NAME']}-{stamp}.dump"
    # --no-owner: the dump restores into a database owned by whoever restores it.
    _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={path}"], settings_dict)
    return path


def database_is_empty() -> bool:
    """True when the database holds no article (it may hold empty tables)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('archive_article') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return True
        cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM archive_article)")
        return cursor.fetchone()[0]


def restore(path: Path, settings_dict: dict | None = None) -> None:
    """Bring a dump back into an empty database, all or nothing."""
    settings_dict = settings_dict or connection.settings_dict
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    if not database_is_empty():
        raise BackupError(
            f"database {settings_dict['NAME']} already holds articles: restore only into an "
            "empty database (make clean-db, or point DATABASE_URL at a new one)"
        )
    connection.close()
    # --clean --if-exists replaces empty tables a migrate may have made; one transaction,
    # so a dump that fails half-way leaves the database as it was.
    _run(
        [pg_tool("pg_restore"), "--no-owner", "--clean", "--if-exists", "--single-transaction",
         "--exit-on-error", f"--dbname={settings_dict['NAME']}", str(path)],
        settings_dict,
    )  # fmt: skip

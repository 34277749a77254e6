"""Choose the database: `DATABASE_URL` when set, else the embedded PostgreSQL.

The embedded server comes from the `pgserver` wheel and lives in a git-ignored
folder of the checkout. `pgserver.get_server(..., cleanup_mode=None)` starts
it once and leaves it running, so every later process (runserver, each
gunicorn worker, manage.py, pytest) reuses it in well under a second.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

EMBEDDED_DB_NAME = "archive"


def embedded_data_dir(base_dir: Path) -> Path:
    return Path(os.environ.get("EMBEDDED_PGDATA", base_dir / ".pgdata"))


def start_embedded(data_dir: Path) -> dict:
    """Start (or reuse) the embedded server; return Django settings for its archive database."""
    import pgserver  # imported here: production with DATABASE_URL never loads it

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DB_NAME}';")
    if "(1 row)" not in exists:
        # Two processes starting at once may both try; psql reports the loser's error and
        # exits 0, and the database exists either way.
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME} ENCODING 'UTF8' TEMPLATE template0;")
    socket_dir = parse_qs(urlparse(server.get_uri()).query)["host"][0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": EMBEDDED_DB_NAME,
        "USER": "postgres",
        "HOST": socket_dir,
    }


def database_settings(environ, base_dir: Path, parse_url) -> tuple[dict, bool]:
    """Return (Django database settings, embedded?) for this environment."""
    url = environ.get("DATABASE_URL", "").strip()
    if url:
        return parse_url(url), False
    return start_embedded(embedded_data_dir(base_dir)), True

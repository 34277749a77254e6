"""Choose the database: `DATABASE_URL` when set, else the embedded PostgreSQL.

The embedded server (config/embedded.py) lives in a git-ignored folder of the checkout.
The first process starts it and leaves it running; every later one (runserver, each
gunicorn worker, manage.py, pytest) reuses it with one connection and no lock.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from config import embedded


def embedded_data_dir(base_dir: Path) -> Path:
    return Path(os.environ.get("EMBEDDED_PGDATA", base_dir / ".pgdata")).resolve()


def start_embedded(data_dir: Path) -> dict:
    """Start (or reuse) the embedded server; return Django settings for its archive database."""
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": embedded.DATABASE,
        "USER": embedded.SUPERUSER,
        "HOST": str(embedded.ensure_running(data_dir)),
    }


def parse_database_url(url: str, parse_url) -> dict:
    """Django settings for one postgres:// URL (DATABASE_URL or a replica's)."""
    config = parse_url(url)
    # A unix socket folder, written percent-encoded as libpq allows
    # (postgres://user@%2Fvar%2Frun%2Fpostgresql/db): django-environ lower-cases it
    # and leaves it encoded.
    netloc_host = urlsplit(url).netloc.rpartition("@")[2]
    if netloc_host.lower().startswith("%2f"):
        config["HOST"] = unquote(netloc_host.partition(":")[0])
    return config


def database_settings(environ, base_dir: Path, parse_url) -> tuple[dict, bool]:
    """Return (Django database settings, embedded?) for this environment."""
    url = environ.get("DATABASE_URL", "").strip()
    if url:
        return parse_database_url(url, parse_url), False
    return start_embedded(embedded_data_dir(base_dir)), True


def replica_settings(environ, parse_url, primary: dict) -> dict[str, dict]:
    """DATABASE_REPLICA_URLS (comma-separated) as aliases replica1, replica2, …

    Each takes the primary's connection options, and in tests mirrors the primary: tests
    and migrations only ever touch the primary (config/routers.py).
    """
    urls = [u.strip() for u in environ.get("DATABASE_REPLICA_URLS", "").split(",") if u.strip()]
    replicas = {}
    for number, url in enumerate(urls, start=1):
        config = parse_database_url(url, parse_url)
        for option in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
            if option in primary:
                config[option] = primary[option]
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = config
    return replicas

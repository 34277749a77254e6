"""Which release of the archive is serving: what a cached page or body is keyed on, so a new
release never serves what the previous one rendered."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

_code_version: str | None = None
# Settings that change what every page says (the archive's own name and words).
_WORDING = ("ARCHIVE_SITE_", "ARCHIVE_HOME_", "ARCHIVE_OG_")


def code_version() -> str:
    """A digest of the code, templates, translations, static manifest and the archive's
    wording settings, computed once per process."""
    global _code_version
    if _code_version is None:
        digest = hashlib.blake2b(digest_size=8)
        base = Path(settings.BASE_DIR)
        files = [
            path
            for folder in ("archive", "config", "templates", "locale")
            for path in sorted((base / folder).rglob("*"))
            if path.is_file() and path.suffix in {".py", ".html", ".txt", ".xml", ".mo"}
        ]
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        for path in [*files, manifest]:
            if path.is_file():
                digest.update(
                    str(path.relative_to(base) if path.is_relative_to(base) else path).encode()
                )
                digest.update(path.read_bytes())
        for name in sorted(n for n in dir(settings) if n.startswith(_WORDING)):
            digest.update(f"{name}={getattr(settings, name)!r}".encode())
        _code_version = digest.hexdigest()
    return _code_version

"""Shared pytest fixtures. Tests run on real PostgreSQL: embedded, or DATABASE_URL's."""

import os
import shutil

import pytest


@pytest.fixture
def chromium_path():
    """Path to Debian's Chromium; a skip with its reason, or a failure when CI requires it."""
    path = (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        message = "no Chromium found (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message + ": REQUIRE_BROWSER is set, so browser tests must run")
        pytest.skip(message)
    return path

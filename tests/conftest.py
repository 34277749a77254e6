"""Shared pytest fixtures and markers. Tests run on real PostgreSQL: embedded, or
DATABASE_URL's; under pytest-xdist (`make test`) each worker has a test database of its own
(pytest-django names it after the worker: test_archive_gw0, test_archive_gw1, ...)."""

import inspect
import os
import shutil
import socket
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "screenshots"
SERVERS = ROOT / "tests" / "servers.py"
BENCHMARKS = ROOT / "benchmarks"
# A test with none of these and no django_db mark cannot reach the test database.
DATABASE_FIXTURES = {
    "db", "transactional_db", "live_server", "django_db_setup",
    "django_db_reset_sequences", "django_db_serialized_rollback",
}  # fmt: skip
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in containers and CI
    "--disable-gpu",
    # This machine's network is closed: background calls home would only fail noisily.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _defined_in(value) -> Path | None:
    """The file a module, function or class of a test module's namespace comes from."""
    try:
        module = value if inspect.ismodule(value) else inspect.getmodule(value)
    except Exception:  # noqa: BLE001 - a lazy object that cannot say: not ours
        return None
    path = getattr(module, "__file__", None)
    return Path(path).resolve() if path else None


def _borrows(module, where: Path) -> bool:
    """Whether `module` imported something defined in the file or folder `where`."""
    for value in vars(module).values():
        path = _defined_in(value)
        if path is not None and (path == where or path.is_relative_to(where)):
            return True
    return False


def pytest_collection_modifyitems(config, items):
    """Markers from what a test uses, so that `make test-fast` can leave the slow kinds out:
    browser: drives Chromium (the `browser` fixture); slow: its module starts servers of
    its own (with tests/servers.py); corpus: its module generates a synthetic corpus (with
    benchmarks/). And nodb: it uses no test database, so which PostgreSQL the suite runs on
    makes no difference to it (CI runs it once, not on both)."""
    modules: dict[object, tuple[bool, bool]] = {}
    for item in items:
        module = getattr(item, "module", None)
        if module not in modules:
            modules[module] = (
                module is not None and _borrows(module, SERVERS),
                module is not None and _borrows(module, BENCHMARKS),
            )
        servers, corpus = modules[module]
        if "browser" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
        if servers:
            item.add_marker(pytest.mark.slow)
        if corpus:
            item.add_marker(pytest.mark.corpus)
        if item.get_closest_marker("django_db") is None and not (
            DATABASE_FIXTURES & set(item.fixturenames)
        ):
            item.add_marker(pytest.mark.nodb)


@pytest.fixture
def redis_cache(request, settings):
    """The cache on Redis as production has it (CACHE_URL), on the database its test module
    names (`REDIS = "redis://127.0.0.1:6379/N"`: each module its own, since some clear
    theirs); a skip with its reason when Redis is not there, a failure when REQUIRE_REDIS
    is set (CI)."""
    from django.core.cache import cache

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError as error:
        message = f"no Redis at 127.0.0.1:6379: {error}"
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(message + ": REQUIRE_REDIS is set, so the Redis cache must be tested")
        pytest.skip(message)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": request.module.REDIS,
        }
    }
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def collecting(settings):
    """Collecting on, against 127.0.0.1 only (tests/pageserver.py), with no waits between
    requests and no retries (the defaults are for the web); robots.txt, kept per host in
    the cache, is read afresh."""
    from django.core.cache import cache

    settings.ARCHIVE_COLLECT = True
    settings.ARCHIVE_COLLECT_PRIVATE_ADDRESSES = True
    settings.ARCHIVE_COLLECT_HOST_DELAY_SECONDS = 0
    settings.ARCHIVE_COLLECT_TIMEOUT_SECONDS = 2
    settings.ARCHIVE_COLLECT_RETRIES = 0
    cache.clear()


@pytest.fixture
def server(collecting):
    """A local HTTP server for saved pages and feeds, with collecting on."""
    from tests.pageserver import PageServer

    with PageServer() as server:
        yield server


def query_count(client, url) -> int:
    """Queries one successful GET of `url` makes."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


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


@pytest.fixture
def browser(chromium_path):
    """A headless Chromium driven by Playwright; screenshots go to screenshots/."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the live server's ORM calls are safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()

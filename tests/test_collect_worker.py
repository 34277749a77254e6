"""The task engine for real: `manage.py procrastinate worker` processes on the test database,
one killed with SIGKILL in the middle of a batch, another started after it. Every item is
imported exactly once; nothing is lost, nothing doubled.
"""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest
from django.db import connection

from archive.models import Article, CollectedItem, CollectStatus, Feed
from tests.factories import make_source
from tests.pageserver import DATA, PageServer
from tests.servers import ROOT, spawn, stop

PAGES = sorted((DATA / "pages").glob("*.html"))
FEED = DATA / "feeds" / "euronews-africa.xml"
FIRST_LINK = (
    "http://www.euronews.com/my-europe/2026/04/19/"
    "pope-leo-xiv-heads-to-shrine-in-angola-that-was-a-center-of-african-slave-trade"
)


def empty_queue():
    # The task engine's tables are not among those a transactional test empties.
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_events, procrastinate_jobs, procrastinate_periodic_defers,"
            " procrastinate_workers CASCADE"
        )


def worker_env() -> dict:
    db = connection.settings_dict
    if not db["HOST"] or db["HOST"].startswith("/"):
        pytest.skip("the worker subprocess needs the test database over TCP (DATABASE_URL)")
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    address = f"{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ARCHIVE_"))}
    env.update(
        DATABASE_URL=f"postgres://{address}",
        DJANGO_DEBUG="1",
        ARCHIVE_COLLECT="1",
        ARCHIVE_COLLECT_PRIVATE_ADDRESSES="1",
        ARCHIVE_COLLECT_HOST_DELAY_SECONDS="0.1",
        ARCHIVE_COLLECT_TIMEOUT_SECONDS="5",
        # Due feeds every 2 s; a worker silent for 2 s is stalled, looked for every second.
        ARCHIVE_COLLECT_SCHEDULE="* * * * * */2",
        ARCHIVE_WORKER_CONCURRENCY="2",
        ARCHIVE_WORKER_HEARTBEAT_SECONDS="0.5",
        ARCHIVE_WORKER_STALLED_SECONDS="2",
        ARCHIVE_WORKER_STALLED_SCHEDULE="* * * * * *",
    )
    return env


def start_worker(env: dict):
    return spawn([sys.executable, "manage.py", "procrastinate", "worker"], env, cwd=ROOT)


def feed_of(server: PageServer, paths: list[str]) -> bytes:
    """The saved Euronews feed, its first entry repeated once per page's address."""
    whole = FEED.read_bytes()
    start, end = whole.index(b"<item>"), whole.index(b"</item>") + len(b"</item>")
    item = whole[start:end].decode()
    items = "".join(item.replace(FIRST_LINK, server.url(p)) for p in paths)
    return whole[:start] + items.encode() + whole[whole.rindex(b"</item>") + len(b"</item>") :]


def serve(server: PageServer, delay: float) -> list[str]:
    """Every saved page at an address of its own; returns the paths."""
    paths = []
    for page in PAGES:
        charset = "windows-1256" if "1256" in page.name else "utf-8"
        paths.append(f"/articles/{page.stem}")
        server.serve_file(paths[-1], page, f"text/html; charset={charset}", delay=delay)
    return paths


def job_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, count(*) FROM procrastinate_jobs GROUP BY status")
        return dict(cursor.fetchall())


def wait_until(condition, timeout: float, *processes) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(f"the worker stopped:\n{stop(process)}")
        if condition():
            return
        time.sleep(0.2)
    items = list(CollectedItem.objects.values_list("id", "url", "status", "message"))
    raise AssertionError(f"not done within {timeout} s: jobs {job_counts()}, items {items}")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_and_doubles_nothing():
    empty_queue()
    env = worker_env()
    with PageServer() as server:
        # Slow enough that the batch is still going when the first worker dies.
        paths = serve(server, delay=0.5)
        url = server.route(
            "/rss", feed_of(server, paths), headers={"Content-Type": "application/rss+xml"}
        )
        feed = Feed.objects.create(source=make_source(), url=url)  # due at once: never polled
        items = CollectedItem.objects.filter(feed=feed)

        first = start_worker(env)
        try:
            # The worker polls the feed on its own schedule, then collects item after item.
            wait_until(
                lambda: (
                    items.filter(status=CollectStatus.IMPORTED).count() >= 2
                    and job_counts().get("doing", 0) >= 1
                ),
                90,
                first,
            )
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            output = stop(first)
        done_before = items.exclude(status=CollectStatus.WAITING).count()
        assert 2 <= done_before < len(PAGES), output

        second = start_worker(env)
        try:
            wait_until(
                lambda: (
                    items.count() == len(PAGES)
                    and not items.filter(status=CollectStatus.WAITING).exists()
                    and not (job_counts().keys() & {"todo", "doing"})
                ),
                120,
                second,
            )
        finally:
            output = stop(second)

        statuses = {i.url: (i.status, i.message) for i in items}
        assert {s for s, _ in statuses.values()} == {CollectStatus.IMPORTED}, statuses
        articles = Article.objects.filter(collected__feed=feed)
        assert articles.count() == len(PAGES)
        assert len(set(articles.values_list("url_key", flat=True))) == len(PAGES)
        assert Article.objects.count() == len(PAGES)
        # At most the one page in flight when the worker died was fetched a second time.
        fetched = {p: server.fetched(p) for p in paths}
        assert set(fetched.values()) <= {1, 2} and list(fetched.values()).count(2) <= 1, fetched
        feed.refresh_from_db()
        assert feed.articles_made == len(PAGES) and feed.failures == 0
    assert "Traceback" not in output, output
    empty_queue()


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_a_batch_and_fetch_no_page_twice():
    empty_queue()
    env = worker_env()
    with PageServer() as server:
        paths = serve(server, delay=0.2)
        url = server.route(
            "/rss", feed_of(server, paths), headers={"Content-Type": "application/rss+xml"}
        )
        feed = Feed.objects.create(source=make_source(), url=url)
        items = CollectedItem.objects.filter(feed=feed)
        workers = [start_worker(env), start_worker(env)]
        try:
            wait_until(
                lambda: (
                    items.count() == len(PAGES)
                    and not items.filter(status=CollectStatus.WAITING).exists()
                    and not (job_counts().keys() & {"todo", "doing"})
                ),
                120,
                *workers,
            )
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM procrastinate_workers")
                assert cursor.fetchone()[0] == 2
        finally:
            outputs = [stop(worker) for worker in workers]
        assert {i.status for i in items} == {CollectStatus.IMPORTED}
        assert {p: server.fetched(p) for p in paths} == {p: 1 for p in paths}
        assert server.fetched("/rss") == 1
        assert Article.objects.count() == len(PAGES)
    assert not any("Traceback" in output for output in outputs), outputs
    empty_queue()


def test_docker_compose_runs_a_worker_on_the_web_apps_database():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web, worker = compose["services"]["web"], compose["services"]["worker"]
    assert worker["command"] == ["./docker/worker.sh"]
    assert worker["environment"]["DATABASE_URL"] == web["environment"]["DATABASE_URL"]
    assert worker["depends_on"]["db"]["condition"] == "service_healthy"
    script = (ROOT / "docker" / "worker.sh").read_text()
    assert "manage.py procrastinate worker" in script and os.access(
        ROOT / "docker" / "worker.sh", os.X_OK
    )


def test_make_run_starts_a_worker_and_stops_it_with_the_web_server():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile[makefile.index("\nrun: ") :].split("\n\n")[0]
    assert "manage.py procrastinate worker" in run and "runserver" in run
    assert "trap 'kill -TERM $$worker" in run

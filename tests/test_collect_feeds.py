"""Collecting from feeds, against saved real feeds and pages served by a local server
(tests/pageserver.py): the polite fetcher's faults in words, a feed's health after each
kind of fault, nothing collected twice, and the task engine running the jobs.

The saved feeds (tests/data/feeds/, addresses in its README.md) list their outlets' real
addresses; a test serves them with those addresses moved onto the local server, so that
nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django import app

from archive.ingest import feeds
from archive.ingest.http import HTML_ACCEPT, FetchError, fetch, user_agent
from archive.models import Article, CollectedItem, CollectStatus, Feed
from archive.tasks import defer_poll, poll_due, requeue_orphans
from tests.factories import make_source
from tests.pageserver import DATA, PageServer

FEEDS = DATA / "feeds"
PAGES = DATA / "pages"
RSS = "application/rss+xml; charset=utf-8"
# Every fetch takes its host's turn in PostgreSQL (an advisory lock).
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def collecting(collecting, settings):
    """tests/conftest.py's, with shorter timeouts and one quick retry (the faults below)."""
    settings.ARCHIVE_COLLECT_TIMEOUT_SECONDS = 0.5
    settings.ARCHIVE_COLLECT_RETRIES = 1
    settings.ARCHIVE_COLLECT_RETRY_BACKOFF_SECONDS = 0.05


@pytest.fixture
def server():
    with PageServer() as server:
        yield server


def local_feed(server: PageServer, name: str, origins: tuple[str, ...], path: str) -> bytes:
    """The saved feed `name` with its outlets' addresses moved onto the local server."""
    data = (FEEDS / name).read_bytes()
    for origin in origins:
        data = data.replace(origin.encode(), server.url("").encode())
    return data


def jobs(task: str | None) -> list[dict]:
    """The task engine's jobs of `task` (any task: None)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT args, queueing_lock, status FROM procrastinate_jobs"
            " WHERE %s::text IS NULL OR task_name = %s",
            [task, task],
        )
        rows = cursor.fetchall()
    # Django's cursor gives jsonb as text.
    return [{"args": json.loads(a), "queueing_lock": q, "status": s} for a, q, s in rows]


@pytest.fixture
def empty_queue():
    """The task engine's tables are not among those a transactional test empties."""

    def empty():
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE procrastinate_events, procrastinate_jobs, procrastinate_periodic_defers,"
                " procrastinate_workers CASCADE"
            )

    empty()
    yield
    empty()


def make_feed(url: str, **kwargs) -> Feed:
    return Feed.objects.create(
        source=kwargs.pop("source", None) or make_source(), url=url, **kwargs
    )


# --- The polite fetcher ------------------------------------------------------------------


def test_a_page_that_never_answers_times_out_and_is_tried_again(server):
    url = server.route("/slow", b"<html></html>", delay=2)
    with pytest.raises(FetchError) as error:
        fetch(url, accept=HTML_ACCEPT, max_bytes=10_000)
    assert str(error.value) == "timed out after 0.5 s (2 tries)"
    assert server.fetched("/slow") == 2


def test_a_server_error_is_retried_then_reported_with_its_status(server):
    url = server.route("/broken", b"oops", status=500)
    with pytest.raises(FetchError, match=r"^answered 500 \(2 tries\)$"):
        fetch(url, accept=HTML_ACCEPT, max_bytes=10_000)
    assert server.fetched("/broken") == 2


def test_a_client_error_is_not_retried(server):
    with pytest.raises(FetchError, match="^answered 404"):
        fetch(server.url("/gone"), accept=HTML_ACCEPT, max_bytes=10_000)
    assert server.fetched("/gone") == 1


def test_a_redirect_to_itself_is_a_loop(server):
    url = server.route("/here", status=301, headers={"Location": "/here"})
    with pytest.raises(FetchError, match="^redirect loop$"):
        fetch(url, accept=HTML_ACCEPT, max_bytes=10_000)
    assert server.fetched("/here") == 1


def test_a_redirect_is_followed_to_the_final_address(server):
    page = (PAGES / "en-von-militia-clash.html").read_bytes()
    server.route("/new", page, headers={"Content-Type": "text/html"})
    url = server.route("/old", status=301, headers={"Location": "/new"})
    fetched = fetch(url, accept=HTML_ACCEPT, max_bytes=1_000_000)
    assert fetched.url == server.url("/new")
    assert fetched.content == page


def test_a_huge_page_is_refused_without_reading_it_all(server):
    page = (PAGES / "en-von-militia-clash.html").read_bytes()
    url = server.route("/huge", page * 2700, headers={"Content-Type": "text/html"})  # 10 MB
    with pytest.raises(FetchError, match="^larger than 1 MB$"):
        fetch(url, accept=HTML_ACCEPT, max_bytes=1024 * 1024)


def test_a_huge_page_of_undeclared_size_is_cut_off_while_reading(tmp_path):
    """A server that sends no Content-Length (the answer ends when it closes): the limit is
    found while reading, and reading stops there."""
    page = (PAGES / "en-von-militia-clash.html").read_bytes()
    sent = []

    def answer(listener):
        client, _ = listener.accept()
        with client:
            client.recv(65536)
            client.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n")
            with contextlib.suppress(OSError):
                for _ in range(2700):  # ten megabytes, if anyone reads them
                    client.sendall(page)
                    sent.append(len(page))

    with socket.create_server(("127.0.0.1", 0)) as listener:
        thread = threading.Thread(target=answer, args=(listener,), daemon=True)
        thread.start()
        port = listener.getsockname()[1]
        cache.set(f"archive:collect:robots:http://127.0.0.1:{port}", {"text": ""})
        with pytest.raises(FetchError, match="^larger than 1 MB$"):
            fetch(f"http://127.0.0.1:{port}/huge", accept=HTML_ACCEPT, max_bytes=1024 * 1024)
        thread.join(timeout=10)
    assert sum(sent) < 10 * 1024 * 1024


def test_a_page_that_is_not_html_says_what_it_is(server):
    url = server.route("/report.pdf", b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"})
    with pytest.raises(FetchError, match="^not HTML but application/pdf$"):
        fetch(url, accept=HTML_ACCEPT, max_bytes=10_000)


def test_robots_txt_is_honoured_and_read_once_per_host(server):
    server.route("/robots.txt", b"User-agent: *\nDisallow: /private/\n")
    page = (PAGES / "en-von-militia-clash.html").read_bytes()
    server.route("/private/page", page, headers={"Content-Type": "text/html"})
    server.route("/public/page", page, headers={"Content-Type": "text/html"})
    with pytest.raises(FetchError, match="^robots.txt forbids /private/page$"):
        fetch(server.url("/private/page"), accept=HTML_ACCEPT, max_bytes=1_000_000)
    fetch(server.url("/public/page"), accept=HTML_ACCEPT, max_bytes=1_000_000)
    assert server.fetched("/private/page") == 0
    assert server.fetched("/robots.txt") == 1


def test_every_request_names_the_archive(server, settings):
    settings.ARCHIVE_SITE_NAME = "Libya News Archive"
    settings.ARCHIVE_COLLECT_CONTACT = "https://archive.example.org/about"
    url = server.route("/page", b"<html></html>", headers={"Content-Type": "text/html"})
    fetch(url, accept=HTML_ACCEPT, max_bytes=10_000)
    agents = {r.headers.get("User-Agent") for r in server.requests}
    assert agents == {"Libya News Archive archive bot (+https://archive.example.org/about)"}
    assert user_agent() in agents


def test_nothing_is_fetched_while_collecting_is_off(server, settings):
    settings.ARCHIVE_COLLECT = False
    with pytest.raises(FetchError, match="collecting is off"):
        fetch(server.url("/page"), accept=HTML_ACCEPT, max_bytes=10_000)
    assert server.requests == []


def test_an_address_on_a_private_network_is_refused_unless_allowed(server, settings):
    settings.ARCHIVE_COLLECT_PRIVATE_ADDRESSES = False
    with pytest.raises(FetchError, match="private network"):
        fetch(server.url("/page"), accept=HTML_ACCEPT, max_bytes=10_000)
    assert server.requests == []


@pytest.mark.django_db
def test_requests_to_one_host_are_spaced_by_the_delay(server, settings):
    settings.ARCHIVE_COLLECT_HOST_DELAY_SECONDS = 0.4
    url = server.route("/page", b"<html></html>", headers={"Content-Type": "text/html"})
    fetch(url, accept=HTML_ACCEPT, max_bytes=10_000)  # robots.txt, then the page
    started = time.monotonic()
    fetch(url, accept=HTML_ACCEPT, max_bytes=10_000)
    fetch(url, accept=HTML_ACCEPT, max_bytes=10_000)
    # Each request holds the host's turn for the delay after it.
    assert time.monotonic() - started >= 0.8


# --- Polling a feed: health in words -----------------------------------------------------


EURONEWS = ("http://www.euronews.com",)


@pytest.mark.django_db
def test_a_real_feed_gives_one_item_and_one_job_per_entry(server):
    data = local_feed(server, "euronews-africa.xml", EURONEWS, "/rss")
    url = server.route("/rss", data, headers={"Content-Type": RSS}, etag='"v1"')
    feed = make_feed(url)

    status = feeds.poll(feed.pk)

    assert status == "2 items, 2 new"
    items = list(CollectedItem.objects.filter(feed=feed).order_by("url"))
    assert [i.url for i in items] == [
        server.url("/my-europe/2026/04/16/pope-leo-xiv-slams-tyrants-ransacking-world-on-high-security-visit-to-cameroon"),
        server.url("/my-europe/2026/04/19/pope-leo-xiv-heads-to-shrine-in-angola-that-was-a-center-of-african-slave-trade"),
    ]  # fmt: skip
    assert all(i.status == CollectStatus.WAITING and i.source_id == feed.source_id for i in items)
    assert items[1].feed_entry == {
        "title": "Pope Leo XIV heads to shrine in Angola that was a center of African slave trade",
        "published": "2026-04-19T17:10:26+00:00",
        "language": "en",
    }
    queued = jobs("archive.collect_item")
    assert sorted(j["args"]["item_id"] for j in queued) == sorted(i.pk for i in items)
    assert {j["queueing_lock"] for j in queued} == {f"archive.item:{i.pk}" for i in items}
    feed.refresh_from_db()
    assert feed.last_status == "2 items, 2 new"
    assert feed.last_success == feed.last_polled
    assert feed.failures == 0 and feed.last_error == ""
    assert feed.items_seen == 2 and feed.etag == '"v1"'
    assert (feed.next_poll - feed.last_polled).total_seconds() == feed.poll_every


@pytest.mark.django_db
def test_an_unchanged_feed_answers_304_to_the_conditional_get(server):
    data = local_feed(server, "euronews-africa.xml", EURONEWS, "/rss")
    url = server.route("/rss", data, headers={"Content-Type": RSS}, etag='"v1"')
    feed = make_feed(url)
    feeds.poll(feed.pk)

    assert feeds.poll(feed.pk) == "not modified (304)"

    assert server.requests[-1].headers.get("If-None-Match") == '"v1"'
    feed.refresh_from_db()
    assert feed.last_status == "not modified (304)" and feed.failures == 0
    assert CollectedItem.objects.count() == 2 and len(jobs("archive.collect_item")) == 2


@pytest.mark.django_db
def test_a_feed_that_times_out_says_so_and_waits_longer_each_time(server):
    url = server.route("/rss", b"", delay=2)
    feed = make_feed(url, poll_every=600)

    feeds.poll(feed.pk)
    feed.refresh_from_db()
    assert feed.last_error == "timed out after 0.5 s (2 tries)"
    assert feed.last_status == "failed: timed out after 0.5 s (2 tries)"
    assert feed.failures == 1 and feed.last_success is None
    assert feed.last_error_at == feed.last_polled
    assert (feed.next_poll - feed.last_polled).total_seconds() == 1200

    feeds.poll(feed.pk)
    feed.refresh_from_db()
    assert feed.failures == 2
    assert (feed.next_poll - feed.last_polled).total_seconds() == 2400


@pytest.mark.django_db
def test_a_feed_answering_500_fails_and_recovers(server):
    url = server.route("/rss", b"Internal error", status=500)
    feed = make_feed(url)
    feeds.poll(feed.pk)
    feed.refresh_from_db()
    assert feed.last_error == "answered 500 (2 tries)" and feed.failures == 1

    data = local_feed(server, "euronews-africa.xml", EURONEWS, "/rss")
    server.route("/rss", data, headers={"Content-Type": RSS})
    feeds.poll(feed.pk)
    feed.refresh_from_db()
    assert feed.failures == 0 and feed.last_status == "2 items, 2 new"
    # The last error stays on view, with its time, below the newer success.
    assert feed.last_error == "answered 500 (2 tries)" and feed.last_error_at < feed.last_success


@pytest.mark.django_db
def test_a_feed_redirecting_to_itself_says_redirect_loop(server):
    url = server.route("/rss", status=301, headers={"Location": "/rss"})
    feed = make_feed(url)
    assert feeds.poll(feed.pk) == "failed: redirect loop"


@pytest.mark.django_db
def test_a_feed_cut_short_is_read_as_far_as_it_goes_and_says_so(server):
    whole = local_feed(server, "euronews-africa.xml", EURONEWS, "/rss")
    cut = whole[: whole.index(b"<title>Pope Leo XIV slams")]  # mid-way through the 2nd item
    url = server.route("/rss", cut, headers={"Content-Type": RSS})
    feed = make_feed(url)

    status = feeds.poll(feed.pk)

    # The item cut before its link is left out, and the status says why.
    assert status.startswith("1 item, 1 new; 1 without a web address, left out; malformed XML (")
    assert status.endswith("), read as far as it goes")
    assert CollectedItem.objects.filter(feed=feed).count() == 1


@pytest.mark.django_db
def test_broken_xml_with_nothing_readable_is_a_failure_in_words(server):
    url = server.route("/rss", b"<?xml version='1.0'?>\n<rss><chan", headers={"Content-Type": RSS})
    feed = make_feed(url)
    status = feeds.poll(feed.pk)
    assert status.startswith("failed: malformed XML (") and "no entries could be read" in status
    feed.refresh_from_db()
    assert feed.failures == 1


@pytest.mark.django_db
def test_a_page_that_is_no_feed_says_so(server):
    page = (PAGES / "en-von-militia-clash.html").read_bytes()
    url = server.route("/rss", page, headers={"Content-Type": "text/html"})
    feed = make_feed(url)
    assert feeds.poll(feed.pk) == "failed: not a feed (no RSS or Atom in it; it is text/html)"


@pytest.mark.django_db
def test_an_empty_feed_is_a_success_that_says_it_is_empty(server):
    whole = (FEEDS / "euronews-africa.xml").read_bytes()
    empty = whole[: whole.index(b"<item>")] + b"</channel>\n</rss>\n"
    url = server.route("/rss", empty, headers={"Content-Type": RSS})
    feed = make_feed(url)
    assert feeds.poll(feed.pk) == "0 items: the feed is empty"
    feed.refresh_from_db()
    assert feed.last_success is not None and feed.failures == 0


@pytest.mark.django_db
def test_a_huge_feed_is_refused(server, settings):
    settings.ARCHIVE_COLLECT_FEED_MAX_BYTES = 64 * 1024
    data = local_feed(server, "euronews-africa.xml", EURONEWS, "/rss")
    url = server.route("/rss", data * 50, headers={"Content-Type": RSS})
    feed = make_feed(url)
    assert feeds.poll(feed.pk) == "failed: larger than 64 KB"


@pytest.mark.django_db
def test_a_feed_forbidden_by_robots_txt_is_not_read(server):
    server.route("/robots.txt", b"User-agent: *\nDisallow: /feeds/\n")
    url = server.route("/feeds/rss", b"", headers={"Content-Type": RSS})
    feed = make_feed(url)
    assert feeds.poll(feed.pk) == "failed: robots.txt forbids /feeds/rss"
    assert server.fetched("/feeds/rss") == 0


@pytest.mark.django_db
def test_an_atom_feed_and_a_french_feed_are_read(server):
    atom = local_feed(
        server, "bbc-learningenglish-newsaboutbritain.atom", ("http://www.bbc.co.uk",), "/"
    )
    french = local_feed(server, "radiotamtam-actualites.xml", ("https://radiotamtam.org",), "/")
    feed_en = make_feed(
        server.route("/atom", atom, headers={"Content-Type": "application/atom+xml"})
    )
    feed_fr = make_feed(
        server.route("/fr", french, headers={"Content-Type": "application/rss+xml"})
    )
    assert feeds.poll(feed_en.pk) == "1 item, 1 new"
    assert feeds.poll(feed_fr.pk) == "1 item, 1 new"
    fr_item = CollectedItem.objects.get(feed=feed_fr)
    assert fr_item.feed_entry["title"].startswith(
        "Intelligence artificielle : comment les États-Unis"
    )
    assert fr_item.url.endswith("-l-ia-7210")


@pytest.mark.django_db
def test_the_same_item_in_two_feeds_is_one_item_fetched_once(server):
    """RT lists its article with tracking parameters; another feed lists the same article
    bare. One item, one job, whichever feed comes first."""
    rt = local_feed(server, "rt-news.xml", ("https://www.rt.com",), "/")
    whole = local_feed(server, "euronews-africa.xml", EURONEWS, "/")
    rt_item = rt[rt.index(b"<item>") : rt.index(b"</item>") + 7]
    bare = rt_item.replace(b"?utm_source=rss&utm_medium=rss&utm_campaign=RSS", b"")
    other = whole.replace(b"</channel>", bare + b"\n</channel>")
    feed_a = make_feed(server.route("/rt", rt, headers={"Content-Type": RSS}))
    feed_b = make_feed(server.route("/other", other, headers={"Content-Type": RSS}))

    assert feeds.poll(feed_a.pk) == "1 item, 1 new"
    assert feeds.poll(feed_b.pk) == "3 items, 2 new"

    same = CollectedItem.objects.filter(url__contains="640199-afd")
    assert same.count() == 1 and same.get().feed == feed_a
    assert len(jobs("archive.collect_item")) == 3
    feed_b.refresh_from_db()
    assert feed_b.items_seen == 2  # the items it brought first


@pytest.mark.django_db
def test_due_feeds_are_queued_once_and_their_next_poll_moves_on(server):
    due = make_feed(server.url("/due"))
    later = make_feed(server.url("/later"))
    Feed.objects.filter(pk=later.pk).update(next_poll="2999-01-01T00:00:00Z")
    make_feed(server.url("/off"), active=False)

    assert poll_due() == 1
    assert poll_due() == 0  # its next poll has moved on
    assert defer_poll(due.pk) is False  # and one is already waiting
    queued = jobs("archive.poll_feed")
    assert [j["args"] for j in queued] == [{"feed_id": due.pk}]
    due.refresh_from_db()
    assert due.next_poll is not None


def test_an_item_left_waiting_without_a_job_is_queued_again(server):
    feed = make_feed(server.url("/rss"))
    orphan = CollectedItem.objects.create(url=server.url("/a"), url_key="x/a", feed=feed)
    fresh = CollectedItem.objects.create(url=server.url("/b"), url_key="x/b", feed=feed)
    CollectedItem.objects.filter(pk=orphan.pk).update(seen=timezone.now() - timedelta(hours=1))

    assert requeue_orphans() == 1
    assert requeue_orphans() == 0  # its job is waiting now
    assert [j["args"] for j in jobs("archive.collect_item")] == [{"item_id": orphan.pk}]
    assert fresh.status == CollectStatus.WAITING


@pytest.mark.django_db
def test_nothing_is_queued_while_collecting_is_off(server, settings):
    settings.ARCHIVE_COLLECT = False
    make_feed(server.url("/due"))
    assert poll_due() == 0
    assert jobs("archive.poll_feed") == []


# --- The task engine, in this process ----------------------------------------------------


def run_worker():
    """The real procrastinate worker until the queue is empty (as `manage.py procrastinate
    worker` runs it, on a connection of its own)."""
    # wait=False stops at the first moment no job is waiting, which may come while a poll
    # still runs: run it again while its polls leave jobs behind.
    for _ in range(10):
        with app.replace_connector(app.connector.get_worker_connector()):
            app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
        if not any(j["status"] in ("todo", "doing") for j in jobs(None)):
            return
    raise AssertionError("jobs still waiting after 10 rounds of the worker")


def serve_pages(server: PageServer, names: list[str]) -> list[str]:
    paths = []
    for name in names:
        charset = "windows-1256" if "1256" in name else "utf-8"
        paths.append(f"/articles/{Path(name).stem}")
        server.serve_file(paths[-1], PAGES / name, f"text/html; charset={charset}")
    return paths


def feed_of(server: PageServer, paths: list[str]) -> bytes:
    """The saved Euronews feed with its items pointing at these pages (the feed's own
    entries, repeated with each page's address)."""
    whole = (FEEDS / "euronews-africa.xml").read_bytes()
    start, end = whole.index(b"<item>"), whole.index(b"</item>") + len(b"</item>")
    item = whole[start:end].decode()
    old = "http://www.euronews.com/my-europe/2026/04/19/pope-leo-xiv-heads-to-shrine-in-angola-that-was-a-center-of-african-slave-trade"
    items = "".join(item.replace(old, server.url(path)) for path in paths)
    return whole[:start] + items.encode() + whole[whole.rindex(b"</item>") + 7 :]


@pytest.mark.django_db(transaction=True)
def test_a_feeds_new_items_become_articles_held_for_review(server, empty_queue):
    names = ["en-von-militia-clash.html", "ar-najah-libya-1256.html", "fr-sudinfo-damas.html"]
    paths = serve_pages(server, names)
    url = server.route("/rss", feed_of(server, paths), headers={"Content-Type": RSS})
    feed = make_feed(url)
    assert defer_poll(feed.pk)

    run_worker()

    items = CollectedItem.objects.filter(feed=feed)
    assert {i.status for i in items} == {CollectStatus.IMPORTED}, [i.message for i in items]
    articles = Article.objects.filter(collected__feed=feed)
    assert sorted(a.language for a in articles) == ["ar", "en", "fr"]
    assert not any(a.is_public for a in articles)  # the outlet's default: held for review
    assert all(a.url_key and a.fetched_sha256 for a in articles)
    feed.refresh_from_db()
    assert feed.last_status == "3 items, 3 new" and feed.articles_made == 3
    for path in paths:
        assert server.fetched(path) == 1

    # Polled again (the feed changed nothing but its ETag): nothing is fetched twice.
    assert defer_poll(feed.pk)
    run_worker()
    assert Article.objects.count() == 3
    for path in paths:
        assert server.fetched(path) == 1


# --- The admin ---------------------------------------------------------------------------


def test_a_failing_feed_says_why_in_the_admin(server, admin_client):
    feed = make_feed(server.route("/rss", b"oops", status=500))
    feeds.poll(feed.pk)

    listing = admin_client.get("/admin/archive/feed/").content.decode()
    assert "failing (once)" in listing and "answered 500 (2 tries)" in listing
    page = admin_client.get(f"/admin/archive/feed/{feed.pk}/change/").content.decode()
    assert "failed: answered 500 (2 tries)" in page
    failing = admin_client.get("/admin/archive/feed/?health=failing").content.decode()
    assert feed.url in failing


def test_poll_now_queues_a_poll_and_says_no_worker_runs(server, admin_client):
    feed = make_feed(server.url("/rss"))
    response = admin_client.post(
        "/admin/archive/feed/",
        {"action": "poll_now", "_selected_action": [feed.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "1 poll queued." in text and "No worker is running" in text
    assert [j["args"] for j in jobs("archive.poll_feed")] == [{"feed_id": feed.pk}]
    response = admin_client.post(
        "/admin/archive/feed/", {"action": "poll_now", "_selected_action": [feed.pk]}, follow=True
    )
    assert "0 polls queued; 1 already waiting." in response.content.decode()


def test_collected_items_are_listed_read_only_by_status(server, admin_client):
    data = local_feed(server, "euronews-africa.xml", EURONEWS, "/rss")
    feed = make_feed(server.route("/rss", data, headers={"Content-Type": RSS}))
    feeds.poll(feed.pk)
    item = CollectedItem.objects.filter(feed=feed).first()
    CollectedItem.objects.filter(pk=item.pk).update(
        status=CollectStatus.FAILED, message="not HTML but application/pdf"
    )

    failed = admin_client.get("/admin/archive/collecteditem/?status__exact=failed").content.decode()
    assert "not HTML but application/pdf" in failed and "Add collected item" not in failed
    waiting = admin_client.get(
        f"/admin/archive/collecteditem/?status__exact=waiting&feed__id__exact={feed.pk}"
    )
    assert waiting.status_code == 200 and "pope-leo-xiv" in waiting.content.decode()
    assert admin_client.post(f"/admin/archive/collecteditem/{item.pk}/change/").status_code == 403


def test_every_collecting_setting_is_documented_in_env_example():
    root = DATA.parent.parent
    read = re.findall(
        r'env\.\w+\(\s*"((?:ARCHIVE_COLLECT|ARCHIVE_WORKER)\w*)"',
        (root / "config" / "settings.py").read_text(),
    )
    example = (root / ".env.example").read_text()
    assert len(read) >= 15
    assert [name for name in read if f"# {name}=" not in example] == []


def test_a_polls_queries_do_not_grow_with_its_entries(server):
    from django.test.utils import CaptureQueriesContext

    def feed_with(n: int, path: str) -> Feed:
        items = "".join(
            f"<item><title>Entry {i}</title><link>{server.url(f'{path}/{i}')}</link></item>"
            for i in range(n)
        )
        body = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
        return make_feed(server.route(path, body, headers={"Content-Type": RSS}))

    small, large = feed_with(2, "/small"), feed_with(200, "/large")
    feeds.poll(small.pk)  # robots.txt is read once, here
    counts = []
    for feed in (small, large):
        CollectedItem.objects.filter(feed=feed).delete()
        with CaptureQueriesContext(connection) as queries:
            feeds.poll(feed.pk)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert len(jobs("archive.collect_item")) == 2 + 2 + 200

"""Polling one outlet's feed (RSS or Atom): what the task `poll_feed` runs (archive.tasks).

    poll(feed_id) -> the feed's new status, in words ("12 items, 3 new")

A poll is a conditional GET through the one polite fetcher (archive.ingest.http), with the
ETag and Last-Modified the server gave last time; feedparser reads the bytes. Each entry's
address becomes a CollectedItem keyed on its normalized address (archive.text.addresses):
one INSERT … ON CONFLICT DO NOTHING for the whole feed, so an item already seen, from this
feed or another, is never fetched twice. Each new item gets a `collect_item` job deferred
in the same transaction as its row: both are written, or neither.

The feed's health is written at every poll: last_polled, last_success, last_status (what
the poll did), last_error and last_error_at (why it failed), failures in a row, and
next_poll, which backs off as failures add up (poll_every × 2^failures, at most
ARCHIVE_COLLECT_MAX_BACKOFF_SECONDS). items_seen and articles_made are counted from the
items this feed brought first.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import xml.sax
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from archive.ingest.http import FEED_ACCEPT, Fetched, FetchError, fetch
from archive.models import CollectedItem, CollectStatus, Feed
from archive.text.addresses import url_key

logger = logging.getLogger(__name__)

MAX_URL = 1000  # CollectedItem.url
# A feed listing more entries than this is read for its first ones only (newest first, as
# feeds are written): one poll stays one bounded transaction.
MAX_ENTRIES = 500


class FeedError(Exception):
    """The answer is not a feed we can read; the message says why."""


@dataclass
class Entry:
    url: str
    key: str
    data: dict  # CollectedItem.feed_entry: title, published, language, author


def poll(feed_id: int) -> str:
    """Poll one feed now and record its health. Returns the status written."""
    feed = Feed.objects.select_related("source").filter(pk=feed_id).first()
    if feed is None:
        return "no such feed"
    if not feed.active:
        return "not active"
    try:
        fetched = fetch(
            feed.url,
            accept=FEED_ACCEPT,
            max_bytes=settings.ARCHIVE_COLLECT_FEED_MAX_BYTES,
            etag=feed.etag,
            last_modified=feed.last_modified,
        )
        if fetched.not_modified:
            return _succeeded(feed, fetched, "not modified (304)")
        entries, skipped, warning = read_entries(fetched)
    except (FetchError, FeedError) as error:
        return _failed(feed, str(error))
    new = _record(feed, entries)
    status = f"{len(entries)} item{'s' if len(entries) != 1 else ''}, {len(new)} new"
    if not entries and not skipped:
        status = "0 items: the feed is empty"
    if skipped:
        status += f"; {skipped} without a web address, left out"
    if warning:
        status += f"; {warning}"
    return _succeeded(feed, fetched, status)


def read_entries(fetched: Fetched) -> tuple[list[Entry], int, str]:
    """(the entries with a web address, how many had none, a warning in words or "").
    FeedError when the bytes are no feed at all."""
    parsed = feedparser.parse(
        fetched.content,
        response_headers={
            "content-type": fetched.headers.get("content-type", ""),
            "content-location": fetched.url,
        },
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    broken = parsed.get("bozo_exception") if parsed.get("bozo") else None
    malformed = _malformed(broken)
    if not parsed.entries:
        if not parsed.get("version") and (_looks_html(fetched) or not malformed):
            raise FeedError(f"not a feed (no RSS or Atom in it; it is {_kind(fetched)})")
        if malformed:
            raise FeedError(f"malformed XML ({malformed}): no entries could be read")
    language = _language(parsed.feed.get("language", ""))
    entries: dict[str, Entry] = {}
    skipped = 0
    for raw in parsed.entries[:MAX_ENTRIES]:
        entry = _entry(raw, fetched.url, language)
        if entry is None:
            skipped += 1
        else:
            entries.setdefault(entry.key, entry)
    warning = f"malformed XML ({malformed}), read as far as it goes" if malformed else ""
    return list(entries.values()), skipped, warning


def _malformed(error) -> str:
    if isinstance(error, xml.sax.SAXParseException):
        return f"{error.getMessage()} at line {error.getLineNumber()}"
    return ""


def _looks_html(fetched: Fetched) -> bool:
    start = fetched.content[:1024].lstrip().lower()
    return fetched.content_type in ("text/html", "application/xhtml+xml") or start.startswith(
        (b"<!doctype html", b"<html")
    )


def _kind(fetched: Fetched) -> str:
    return fetched.content_type or "of no declared type"


def _language(value: str) -> str:
    primary = (value or "").strip().split("-")[0].split("_")[0].lower()
    return primary if len(primary) == 2 and primary.isalpha() else ""


def _entry(raw, base: str, language: str) -> Entry | None:
    link = (raw.get("link") or "").strip()
    guid = (raw.get("id") or "").strip()
    if not link and guid.startswith(("http://", "https://")):
        link = guid
    if not link:
        return None
    url = urljoin(base, link)
    if urlsplit(url).scheme not in ("http", "https") or len(url) > MAX_URL:
        return None
    try:
        key = url_key(url)
    except ValueError:
        return None
    if not key or len(key) > MAX_URL:
        return None
    data = {
        "title": " ".join((raw.get("title") or "").split())[:500],
        "published": _date(raw.get("published_parsed") or raw.get("updated_parsed")),
        "language": _language(raw.get("language", "")) or language,
        "author": " ".join((raw.get("author") or "").split())[:300],
    }
    return Entry(url=url, key=key, data={k: v for k, v in data.items() if v})


def _date(value: time.struct_time | None) -> str:
    if not value:
        return ""
    try:
        return dt.datetime(*value[:6], tzinfo=dt.UTC).isoformat()
    except (TypeError, ValueError):
        return ""


def _record(feed: Feed, entries: list[Entry]) -> list[int]:
    """Insert the entries not yet known (any feed) and defer a `collect_item` job for each,
    in one transaction. Returns the new items' ids."""
    if not entries:
        return []
    from archive.tasks import defer_collect_many

    table = CollectedItem._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One statement for the whole feed; RETURNING gives only the rows inserted, so an
            # address another feed (or another worker, at this moment) has is left alone.
            cursor.execute(
                f"""
                INSERT INTO {table}
                    (url_key, url, feed_id, source_id, status, attempts, message, feed_entry, seen)
                SELECT e.key, e.url, %s, %s, %s, 0, '', e.data::jsonb, now()
                  FROM unnest(%s::text[], %s::text[], %s::text[]) AS e(key, url, data)
                ON CONFLICT (url_key) DO NOTHING
                RETURNING id
                """,  # noqa: S608 - the table name is the model's, the values are parameters
                [
                    feed.pk,
                    feed.source_id,
                    CollectStatus.WAITING,
                    [e.key for e in entries],
                    [e.url for e in entries],
                    [json.dumps(e.data) for e in entries],
                ],
            )
            new = [row[0] for row in cursor.fetchall()]
        defer_collect_many(new)
    return new


def _succeeded(feed: Feed, fetched: Fetched, status: str) -> str:
    now = timezone.now()
    counts = CollectedItem.objects.filter(feed=feed).aggregate(
        seen=Count("id"), made=Count("id", filter=Q(status=CollectStatus.IMPORTED))
    )
    Feed.objects.filter(pk=feed.pk).update(
        last_polled=now,
        last_success=now,
        last_status=status[:300],
        failures=0,
        next_poll=now + dt.timedelta(seconds=feed.poll_every),
        # A 304 carries no new validators, or the same ones: keep what we had.
        etag=(fetched.headers.get("etag", "") or feed.etag)[:500],
        last_modified=(fetched.headers.get("last-modified", "") or feed.last_modified)[:100],
        items_seen=counts["seen"],
        articles_made=counts["made"],
    )
    return status


def _failed(feed: Feed, error: str) -> str:
    now = timezone.now()
    failures = feed.failures + 1
    wait = backoff(feed.poll_every, failures)
    status = f"failed: {error}"
    Feed.objects.filter(pk=feed.pk).update(
        last_polled=now,
        last_status=status[:300],
        last_error=error,
        last_error_at=now,
        failures=failures,
        next_poll=now + dt.timedelta(seconds=wait),
    )
    logger.info("feed %s: %s (next poll in %s s)", feed.url, error, wait)
    return status


def backoff(poll_every: int, failures: int) -> int:
    """Seconds until the next poll of a feed that failed `failures` times in a row."""
    grown = poll_every * 2 ** min(failures, 20)
    return max(poll_every, min(grown, settings.ARCHIVE_COLLECT_MAX_BACKOFF_SECONDS))

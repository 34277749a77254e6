"""The one polite fetcher every kind of collecting uses (feeds, pages, `add_url`).

    fetch(url, accept="text/html", max_bytes=5 * 2**20) -> Fetched
    raises FetchError("timed out after 10 s"), FetchError("answered 500"), ...

Politeness, whatever the number of workers and hosts:
- nothing leaves the machine unless ARCHIVE_COLLECT is on;
- robots.txt is read once per host and kept in Django's cache (ARCHIVE_COLLECT_ROBOTS_SECONDS);
- requests to one host take turns: a PostgreSQL advisory lock per host is held for the
  request and ARCHIVE_COLLECT_HOST_DELAY_SECONDS after it, so every worker process on
  every machine sharing the database waits its turn (no table, no Redis needed; a worker
  killed mid-request loses its session and so its lock);
- a User-Agent naming the archive; timeouts; a size limit read streaming; redirects capped
  and loops caught; retries with backoff for 5xx, 429 and timeouts;
- addresses on private networks (loopback, link-local, RFC 1918) are refused unless
  ARCHIVE_COLLECT_PRIVATE_ADDRESSES is on: a feed must not make the archive read its own
  network.

Errors are FetchError with a sentence a user understands; it is shown as it is in the
admin (a feed's last error, a collected item's message).
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.robotparser
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.core.cache import cache
from django.db import connection

# The advisory locks' first key: per-host turns (the second key is the host's CRC-32).
HOST_LOCK_SPACE = 0x41524348  # "ARCH"
REDIRECTS = {301, 302, 303, 307, 308}
RETRY_STATUSES = {429, 500, 502, 503, 504}
# How long a fetch waits for the other workers' turns at one host before giving up.
TURN_WAIT_SECONDS = 300
ROBOTS_MAX_BYTES = 512 * 1024
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.1"
)
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9"


class FetchError(Exception):
    """A fetch that did not give the page; the message says why, in words."""

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.message = message
        # A later try may succeed (timeouts, 5xx): a caller may poll again sooner.
        self.retryable = retryable

    def __str__(self) -> str:
        return self.message


@dataclass
class Fetched:
    url: str  # final address, after redirects
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    content: bytes = b""
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def user_agent() -> str:
    """ARCHIVE_COLLECT_USER_AGENT, else "<site name> archive bot (+contact)"."""
    if settings.ARCHIVE_COLLECT_USER_AGENT:
        return settings.ARCHIVE_COLLECT_USER_AGENT
    agent = f"{settings.ARCHIVE_SITE_NAME} archive bot"
    contact = settings.ARCHIVE_COLLECT_CONTACT
    return f"{agent} (+{contact})" if contact else agent


def size_words(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{n} bytes"


def _seconds(value: float) -> str:
    return f"{value:g} s"


def fetch(
    url: str, *, accept: str, max_bytes: int, etag: str = "", last_modified: str = ""
) -> Fetched:
    """GET `url` politely. `accept` is the Accept header and also what the answer's
    Content-Type must match (`*/*` in it accepts anything). With `etag` or
    `last_modified`, the request is conditional and a 304 gives `not_modified=True`."""
    if not settings.ARCHIVE_COLLECT:
        raise FetchError("collecting is off: set ARCHIVE_COLLECT=1 to fetch from the web")
    headers = {"User-Agent": user_agent(), "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    seen: set[str] = set()
    current = url
    with _client() as client:
        for _ in range(settings.ARCHIVE_COLLECT_MAX_REDIRECTS + 1):
            _check_address(current)
            if current in seen:
                raise FetchError("redirect loop")
            seen.add(current)
            _check_robots(client, current)
            response, content = _get_with_retries(client, current, headers, max_bytes)
            if response.status_code in REDIRECTS and response.headers.get("location"):
                current = urljoin(current, response.headers["location"].strip())
                continue
            return _answer(current, response, content, accept)
    raise FetchError(f"more than {settings.ARCHIVE_COLLECT_MAX_REDIRECTS} redirects")


def _client() -> httpx.Client:
    timeout = settings.ARCHIVE_COLLECT_TIMEOUT_SECONDS
    # No environment proxies or .netrc: what the archive fetches depends on its settings only.
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        max_redirects=settings.ARCHIVE_COLLECT_MAX_REDIRECTS,
        trust_env=False,
    )


def _answer(url: str, response: httpx.Response, content: bytes, accept: str) -> Fetched:
    headers = {name.lower(): value for name, value in response.headers.items()}
    status = response.status_code
    if status == 304:
        return Fetched(url=url, status=304, headers=headers, not_modified=True)
    if status in REDIRECTS:
        raise FetchError(f"answered {status} without a Location to go to")
    if status >= 400:
        reason = f" {response.reason_phrase}" if response.reason_phrase else ""
        raise FetchError(f"answered {status}{reason}", retryable=status in RETRY_STATUSES)
    fetched = Fetched(url=url, status=status, headers=headers, content=content)
    if fetched.content_type and not _accepts(accept, fetched.content_type):
        raise FetchError(f"not {_kind(accept)} but {fetched.content_type}")
    return fetched


def _accepts(accept: str, content_type: str) -> bool:
    major = content_type.split("/")[0]
    for part in accept.split(","):
        wanted = part.split(";")[0].strip().lower()
        if wanted in ("*/*", content_type, f"{major}/*"):
            return True
    return False


def _kind(accept: str) -> str:
    first = accept.split(",")[0].split(";")[0].strip().lower()
    if first in ("text/html", "application/xhtml+xml"):
        return "HTML"
    if first.endswith(("rss+xml", "atom+xml", "rdf+xml")):
        return "a feed"
    return first


def _get_with_retries(
    client: httpx.Client, url: str, headers: dict, max_bytes: int
) -> tuple[httpx.Response, bytes]:
    """One address, retried with backoff on timeouts, lost connections, 5xx and 429."""
    tries = settings.ARCHIVE_COLLECT_RETRIES + 1
    for attempt in range(tries):
        last = attempt == tries - 1
        try:
            with _host_turn(url):
                response, content = _get(client, url, headers, max_bytes)
        except FetchError as error:
            if last or not error.retryable:
                if error.retryable and tries > 1:
                    raise FetchError(f"{error.message} ({tries} tries)", retryable=True) from error
                raise
            wait = _backoff(attempt)
        else:
            if response.status_code not in RETRY_STATUSES or last:
                if response.status_code in RETRY_STATUSES and tries > 1:
                    raise FetchError(
                        f"answered {response.status_code} ({tries} tries)", retryable=True
                    )
                return response, content
            wait = max(_backoff(attempt), _retry_after(response))
        time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def _backoff(attempt: int) -> float:
    return settings.ARCHIVE_COLLECT_RETRY_BACKOFF_SECONDS * (2**attempt)


def _retry_after(response: httpx.Response) -> float:
    """The server's Retry-After in seconds (either form), at most a minute."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return 0.0
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return 0.0
    return min(max(seconds, 0.0), 60.0)


def _get(
    client: httpx.Client, url: str, headers: dict, max_bytes: int, follow_redirects: bool = False
) -> tuple[httpx.Response, bytes]:
    timeout = settings.ARCHIVE_COLLECT_TIMEOUT_SECONDS
    too_large = FetchError(f"larger than {size_words(max_bytes)}")
    # A server that trickles bytes never trips the read timeout: the whole answer gets a bound.
    deadline = time.monotonic() + 3 * timeout
    try:
        with client.stream(
            "GET", url, headers=headers, follow_redirects=follow_redirects
        ) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise too_large
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise too_large  # stop reading: the rest is never downloaded
                if time.monotonic() > deadline:
                    raise FetchError(f"took longer than {_seconds(3 * timeout)}", retryable=True)
                chunks.append(chunk)
            return response, b"".join(chunks)
    except httpx.TimeoutException as error:
        raise FetchError(f"timed out after {_seconds(timeout)}", retryable=True) from error
    except httpx.TooManyRedirects as error:  # robots.txt only: other redirects are ours
        raise FetchError("redirect loop") from error
    except httpx.DecodingError as error:
        raise FetchError(f"its compressed answer is broken ({error})") from error
    except httpx.TransportError as error:
        raise FetchError(
            f"could not connect: {error or type(error).__name__}", retryable=True
        ) from error


def _check_address(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not a web address: {url[:200]}")
    if settings.ARCHIVE_COLLECT_PRIVATE_ADDRESSES:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"no such host: {parts.hostname}", retryable=True) from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise FetchError(
                f"{parts.hostname} is on a private network ({address}): not fetched "
                "(ARCHIVE_COLLECT_PRIVATE_ADDRESSES)"
            )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


@contextmanager
def _host_turn(url: str) -> Iterator[None]:
    """Hold this host's turn for the request and the delay after it, across every worker
    sharing the database (a session-level advisory lock: a transaction's rollback does not
    end it, a closed connection does)."""
    host = urlsplit(url).netloc.lower()
    key = zlib.crc32(host.encode()) - 2**31  # a signed 32-bit integer
    deadline = time.monotonic() + TURN_WAIT_SECONDS
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [HOST_LOCK_SPACE, key])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() > deadline:
                raise FetchError(
                    f"waited {TURN_WAIT_SECONDS} s for our other requests to {host}",
                    retryable=True,
                )
            time.sleep(0.1)
    try:
        yield
    finally:
        try:
            time.sleep(settings.ARCHIVE_COLLECT_HOST_DELAY_SECONDS)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [HOST_LOCK_SPACE, key])


def _check_robots(client: httpx.Client, url: str) -> None:
    parser = _robots(client, url)
    if not parser.can_fetch(user_agent(), url):
        path = urlsplit(url).path or "/"
        raise FetchError(f"robots.txt forbids {path}")


def _robots(client: httpx.Client, url: str) -> urllib.robotparser.RobotFileParser:
    """This host's robots.txt, kept in the cache. As RFC 9309 says: none (4xx) allows
    everything; an unreachable one (5xx, no connection) forbids everything for a while,
    and the error says so."""
    origin = _origin(url)
    key = f"archive:collect:robots:{origin}"
    rules = cache.get(key)
    if rules is None:
        rules, keep = _read_robots(client, origin)
        cache.set(key, rules, keep)
    if rules.get("error"):
        raise FetchError(
            f"robots.txt could not be read ({rules['error']}): not fetched", retryable=True
        )
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(rules["text"].splitlines())
    return parser


def _read_robots(client: httpx.Client, origin: str) -> tuple[dict, int]:
    keep = settings.ARCHIVE_COLLECT_ROBOTS_SECONDS
    unreachable = min(keep, 600)
    headers = {"User-Agent": user_agent(), "Accept": "text/plain"}
    try:
        with _host_turn(origin):
            response, content = _get(
                client, origin + "/robots.txt", headers, ROBOTS_MAX_BYTES, follow_redirects=True
            )
    except FetchError as error:
        if error.message.startswith("larger than"):
            return {"text": ""}, keep
        return {"error": error.message}, unreachable
    if response.status_code >= 500:
        return {"error": f"answered {response.status_code}"}, unreachable
    if response.status_code >= 300:
        return {"text": ""}, keep  # none: every path may be fetched
    return {"text": content.decode("utf-8", "replace")}, keep

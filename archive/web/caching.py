"""Public pages and API answers cached under the archive generation, and their ETags.

The generation is one row that PostgreSQL moves on at every statement writing an archive
table (statement-level triggers, migration 0009_generation), whichever path wrote: the
admin, a QuerySet.update(), the annotator, the importer or raw SQL. Each request reads
it with one tiny query and puts it in the cache key and the ETag, so after an edit every
older entry simply stops being used: the next request renders afresh. The generation is
read before the page's data, on the same database, so an entry never holds data older
than its key.

Only anonymous GETs are cached: a request with a session, messages, a pin to the primary
or any cookie we do not know bypasses the cache (so logged-in staff never get a cached
page), and only 200 answers are stored (never an error). A cache hit touches no session,
renders no template and makes no query but the generation's; the hottest pages are also
kept a few seconds in the process, under the same exact key, to spare the trip to Redis.
The page's CSRF token (the language switch form) is replaced by a fresh one for each
reader.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connections
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.views.decorators.http import condition

from config import routers

logger = logging.getLogger(__name__)

# Never cached: the admin (and the annotator inside it) and the language switch.
UNCACHED_PREFIXES = ("/admin/", "/i18n/")
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')
CSRF_PLACEHOLDER = b"\x00archive-csrf-token\x00"
_NOT_READ = object()
# A few hot pages kept in the process too, in front of the shared cache: under the same key,
# so as exact, but only briefly (a few seconds) and only a few, as per-process memory.
LOCAL_SECONDS = 5
LOCAL_ENTRIES = 64


def generation(request=None) -> int | None:
    """The archive generation, read once per request from the database the request reads
    the archive from; None when the database cannot say (then nothing is cached)."""
    found = getattr(request, "_archive_generation", _NOT_READ)
    if found is not _NOT_READ:
        return found
    try:
        with connections[routers.read_alias()].cursor() as cursor:
            cursor.execute("SELECT value FROM archive_generation")
            row = cursor.fetchone()
        found = row[0] if row else None
    except DatabaseError as error:
        # The database is down or not migrated yet: the view fails or answers on its own.
        logger.warning("No archive generation: %s", error)
        found = None
    if request is not None:
        request._archive_generation = found
    return found


_code_version: str | None = None


def code_version() -> str:
    """A digest of the code, templates, translations and static manifest: a new release
    never serves pages the previous one rendered."""
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
        _code_version = digest.hexdigest()
    return _code_version


def _variant(request, language: str, gen: int) -> str:
    """What the answer depends on besides the data: the URL, host, language and format."""
    primary = connections[routers.PRIMARY].settings_dict
    digest = hashlib.blake2b(digest_size=12)
    for part in (
        code_version(),
        f"{primary.get('NAME')}@{primary.get('HOST')}:{primary.get('PORT')}",
        str(gen),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        language,
        request.META.get("HTTP_ACCEPT", ""),
    ):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\x00")
    return digest.hexdigest()


def etag(request, *args, **kwargs) -> str | None:
    """A page's ETag: its generation and what it shows (the object behind the URL in this
    language and format). Any write gives a new one; a hidden object then answers 404."""
    gen = generation(request)
    if gen is None:
        return None
    variant = getattr(request, "_archive_variant", None)
    if variant is None:
        try:
            variant = _variant(request, translation.get_language() or "", gen)
        except DisallowedHost:
            return None
    return f'W/"{gen}-{variant}"'


def conditional(view):
    """Conditional GET for a detail view: If-None-Match with the current ETag gets a 304."""
    return condition(etag_func=etag)(view)


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)
        self.local: OrderedDict[str, tuple[float, tuple]] = OrderedDict()
        self.local_lock = threading.Lock()  # runserver and gthread workers share it

    def __call__(self, request):
        seconds = settings.ARCHIVE_PAGE_CACHE_SECONDS
        if seconds <= 0 or not self._cacheable_request(request):
            return self.get_response(request)
        gen = generation(request)
        if gen is None:
            return self.get_response(request)
        language = translation.get_language_from_request(request)
        try:
            variant = _variant(request, language, gen)
        except DisallowedHost:
            return self.get_response(request)  # Django answers 400 further in
        request._archive_variant = variant
        key = f"archive:page:{variant}"
        tag = f'W/"{gen}-{variant}"'
        stored = self._local_get(key)
        if stored is None:
            stored = self._cache_call(cache.get, key)
            if stored is not None:
                self._local_set(key, stored, seconds)
        if stored is not None:
            return self._replay(request, stored, tag)
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming:
            response.headers.setdefault("ETag", tag)
            entry = self._entry(request, response)
            if entry is not None:
                self._cache_call(cache.set, key, entry, seconds)
                self._local_set(key, entry, seconds)
            return get_conditional_response(request, etag=tag, response=response)
        return response

    def _local_get(self, key: str) -> tuple | None:
        with self.local_lock:
            found = self.local.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self.local[key]
                return None
            self.local.move_to_end(key)
            return found[1]

    def _local_set(self, key: str, entry: tuple, seconds: int) -> None:
        with self.local_lock:
            self.local[key] = (time.monotonic() + min(seconds, LOCAL_SECONDS), entry)
            self.local.move_to_end(key)
            while len(self.local) > LOCAL_ENTRIES:
                self.local.popitem(last=False)

    @staticmethod
    def _cacheable_request(request) -> bool:
        if request.method != "GET" or request.path.startswith(UNCACHED_PREFIXES):
            return False
        if "HTTP_AUTHORIZATION" in request.META:
            return False
        known = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
        return all(name in known for name in request.COOKIES)

    @staticmethod
    def _cache_call(method, *args):
        try:
            return method(*args)
        except Exception as error:  # noqa: BLE001 - an unreachable cache only costs speed
            logger.warning("Page cache unavailable: %s", error)
            return None

    @staticmethod
    def _entry(request, response) -> tuple | None:
        """(body, headers) to store, or None when this answer must not be shared."""
        control = response.get("Cache-Control", "")
        if any(word in control for word in ("private", "no-store", "no-cache")):
            return None
        if any(name != settings.CSRF_COOKIE_NAME for name in response.cookies):
            return None
        body = response.content
        token_used = settings.CSRF_COOKIE_NAME in response.cookies
        if token_used:
            # The token sits in the language switch form of our templates; anywhere else (the
            # browsable API's scripts) it could not be swapped, so the page is not shared.
            html = response.get("Content-Type", "").startswith("text/html")
            if request.path.startswith("/api/") or not html:
                return None
            body, swapped = CSRF_INPUT.subn(rb"\g<1>" + CSRF_PLACEHOLDER + rb"\g<2>", body)
            if not swapped:
                return None
        headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
        return body, headers

    def _replay(self, request, stored, tag) -> HttpResponse:
        body, headers = stored
        response = HttpResponse(status=200)
        for name, value in headers:
            response.headers[name] = value
        conditional = get_conditional_response(request, etag=tag, response=response)
        if conditional is not response:
            return conditional  # 304 Not Modified
        if CSRF_PLACEHOLDER in body:
            # A fresh token for this reader, and its cookie, as CsrfViewMiddleware would.
            self.csrf.process_request(request)
            body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
            self.csrf.process_response(request, response)
        response.content = body
        response.headers["Content-Length"] = str(len(body))
        return response

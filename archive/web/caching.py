"""Public pages and API answers cached under the generations of what they show, and their
ETags.

A generation is a number PostgreSQL moves on when a write changes what it stands for
(archive/web/scopes.py, migration 0019_scoped_generations): an article's page
(`article:<slug>`), an entity's (`entity:<slug>`), a story's, the lists of articles, the
entity indexes, the claims, the story list, and `global` for what cannot be scoped (a
rename, a merge, an outlet edited, a bulk load). Triggers on every archive table move them,
whichever path wrote: the admin, a QuerySet.update(), the annotator, the importer or raw
SQL; they are moved at commit, so writers never queue on them for longer than a commit.
Each route declares which scopes it shows (scopes.ROUTES, from the address's arguments; a
route not declared there shows every broad scope). A request reads its route's scopes and
`global` with one tiny query and puts them in the cache key and the ETag, so after an edit
the entries of the pages it changed simply stop being used, and the next request renders
them afresh, while every other page stays cached: a new article makes stale its own page,
the pages of the entities it names, its story's and the lists, not the thousands of other
articles' pages. The generations are read before the page's data, on the same database, so
an entry never holds data older than its key.

An entry is keyed on what the answer depends on, and on nothing a client can vary at will
to make the site render again:
- the path, which must resolve to a route (a URL name) that declares its parameters: a
  path that resolves to none (a 404, the slash to add) or a route that declares none is
  not cached;
- the query parameters that route reads, declared once by URL name in
  archive/web/parameters.py: sorted by name, the repeated values of one kept in their
  order, empty values kept (the views do not all treat an empty parameter as an absent
  one). Every other parameter is dropped before the view runs, so the view, its links and
  the language switch's `next` see exactly what the key holds, and a stored page never
  shows a parameter of the request that stored it. tests/test_cache_attack.py renders every
  public route and fails when a view reads a parameter not declared (or one declared is
  never read);
- the language, which the address decides (/ar/... Arabic, every other address English:
  archive.web.middleware.LanguageMiddleware), never the cookie or Accept-Language, so a
  page varies on neither; the scheme and the host (one of ALLOWED_HOSTS);
- for the API, the renderer that content negotiation picks from Accept and ?format= (with
  the JSON indent it may ask for), not the Accept header's text; the pages read no Accept;
- the generations of the scopes the route shows, the code's version and the primary
  database.

Cookies: a session or a message waiting bypasses the cache (logged-in staff never get a
cached page, and a page showing a message is never stored), as does an Authorization
header; the CSRF cookie gives the reader's token; any other cookie (the language
preference, read only by the admin and the language switch; analytics, a CDN's, the pin to
the primary) changes no answer and is ignored. A client pinned to the primary
(archive.web.middleware) reads the generations there, so what it finds under them is as
fresh as the primary.

Only anonymous GETs are cached and only 200 answers stored (never an error), compressed
(zlib) and only when that comes to at most ARCHIVE_PAGE_CACHE_MAX_BYTES. A cache hit
touches no session, renders no template and makes no query but the generations'; the
hottest pages are also kept a few seconds in the process, under the same exact key, to
spare the trip to Redis. A page's CSRF token (a form posting to the site, if a page has one)
is replaced by a fresh one for each reader.

What misses is rendered; archive.web.throttle bounds how many renders one client address
may cause (429 with Retry-After). An article's annotated body, the dearest part of a page,
is also kept on its own under a digest of its text and highlights
(archive.formats.rendering.stored_paragraphs), so that no request renders the same body
twice, whatever bypassed the page cache.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
import zlib
from collections import OrderedDict

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connections
from django.http import HttpResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import parse_header_parameters, parse_http_date_safe
from django.views.decorators.http import condition

from archive.release import code_version
from archive.web import parameters, scopes
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
# zlib at its default level; an answer this many times over the size limit is not even
# compressed to find out (HTML and JSON come to a fifth or a tenth of their size).
COMPRESSION_LEVEL = 6
COMPRESSION_BOUND = 32


# One query for every scope a page shows, and `global` (the one-row archive_generation):
# each scope's generation, and the newest bump this transaction queued for it and has not
# committed yet (only a transaction that wrote has one: never a public GET).
GENERATIONS_SQL = """
SELECT s.scope, coalesce(g.value, 0), (
    SELECT max(p.id) FROM archive_generation_pending p
    WHERE p.xact = txid_current_if_assigned() AND p.scope = s.scope)
FROM unnest(%s::text[]) AS s(scope)
LEFT JOIN archive_generation_scope g ON g.scope = s.scope
UNION ALL
SELECT 'global', value, (
    SELECT max(p.id) FROM archive_generation_pending p
    WHERE p.xact = txid_current_if_assigned() AND p.scope = 'global')
FROM archive_generation
"""


def route_scopes(match, query) -> tuple[str, ...]:
    """The scopes the resolved route `match` shows (archive/web/scopes.py)."""
    return scopes.scopes(match.view_name, match.kwargs, query)


def generations(request, names: tuple[str, ...]) -> str | None:
    """The generations of the scopes `names` and of `global`, as one string, read once per
    request from the database the request reads the archive from; None when the database
    cannot say (then nothing is cached)."""
    read = getattr(request, "_archive_generations", None)
    if read is None:
        read = {}
        if request is not None:
            request._archive_generations = read
    if names in read:
        return read[names]
    try:
        with connections[routers.read_alias()].cursor() as cursor:
            cursor.execute(GENERATIONS_SQL, [list(names)])
            rows = cursor.fetchall()
        values = {scope: f"{value}.{queued or 0}" for scope, value, queued in rows}
        found = None
        if "global" in values:
            found = ";".join(f"{scope}={values[scope]}" for scope in ("global", *names))
    except DatabaseError as error:
        # The database is down or not migrated yet: the view fails or answers on its own.
        logger.warning("No archive generations: %s", error)
        found = None
    read[names] = found
    return found


def declared_parameters(view_name: str) -> frozenset[str] | None:
    """The query parameters the route `view_name` reads (None: not declared, not cached)."""
    return parameters.declared(view_name)


def _keep_read_parameters(request, names: frozenset[str]) -> None:
    """Leave in the request only the parameters in `names`, sorted, each one's values in
    their order: the view then answers what the cache key says, and nothing else."""
    kept = QueryDict(mutable=True)
    for name in sorted(names.intersection(request.GET)):
        kept.setlist(name, request.GET.getlist(name))
    request.META["QUERY_STRING"] = kept.urlencode()
    kept._mutable = False
    request.GET = kept


def _accepted(request, match) -> str | None:
    """What the answer's format depends on: for a DRF view, the renderer its content
    negotiation picks (from Accept and ?format=) and the JSON indent the accepted media
    type asks for; "" for a Django view, which reads no Accept. None when the view would
    refuse every renderer (406, or an unknown format: 404): not cached."""
    from rest_framework.request import Request
    from rest_framework.settings import api_settings
    from rest_framework.views import APIView

    view_class = getattr(match.func, "cls", None)
    if not (isinstance(view_class, type) and issubclass(view_class, APIView)):
        return ""
    try:
        view = view_class(**getattr(match.func, "initkwargs", {}))
        renderer, media_type = view.get_content_negotiator().select_renderer(
            Request(request),
            view.get_renderers(),
            match.kwargs.get(api_settings.FORMAT_SUFFIX_KWARG),
        )
    except Exception:  # noqa: BLE001 - the view answers the refusal itself, uncached
        return None
    _base, params = parse_header_parameters(media_type)
    try:  # as rest_framework.renderers.JSONRenderer.get_indent: 1 to 8, else none
        indent = max(min(int(params["indent"]), 8), 0) or ""
    except (KeyError, ValueError, TypeError):
        indent = ""
    kind = type(renderer)
    return f"{kind.__module__}.{kind.__qualname__};indent={indent}"


def _variant(request, language: str, gens: str, *, query: str, accepted: str) -> str:
    """What the answer depends on: the generations of what it shows, the route, the
    parameters it reads, host, language and format."""
    primary = connections[routers.PRIMARY].settings_dict
    digest = hashlib.blake2b(digest_size=12)
    for part in (
        code_version(),
        f"{primary.get('NAME')}@{primary.get('HOST')}:{primary.get('PORT')}",
        gens,
        request.scheme,
        request.get_host(),
        request.path,
        query,
        language,
        accepted,
    ):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\x00")
    return digest.hexdigest()


def etag(request, *args, **kwargs) -> str | None:
    """A page's ETag: the generations of what it shows and the address (the object behind
    the URL in this language and format). A write that changes the page gives a new one; a
    hidden object then answers 404."""
    variant = getattr(request, "_archive_variant", None)
    if variant is None:  # not through the cache (staff, the cache off): the request as sent
        match = getattr(request, "resolver_match", None)
        if match is None:
            return None
        gens = generations(request, route_scopes(match, request.GET))
        if gens is None:
            return None
        try:
            variant = _variant(
                request,
                translation.get_language() or "",
                gens,
                query=request.META.get("QUERY_STRING", ""),
                accepted=request.META.get("HTTP_ACCEPT", ""),
            )
        except DisallowedHost:
            return None
    return f'W/"{variant}"'


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
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)  # a 404, or CommonMiddleware adds the slash
        names = declared_parameters(match.view_name)
        if names is None:
            return self.get_response(request)
        _keep_read_parameters(request, names)
        gens = generations(request, route_scopes(match, request.GET))
        if gens is None:
            return self.get_response(request)
        accepted = _accepted(request, match)
        if accepted is None:
            return self.get_response(request)
        # The address's language (archive.web.middleware.LanguageMiddleware, before this):
        # /ar/... is Arabic whatever the cookie says, so no answer varies on the cookie.
        language = translation.get_language() or ""
        try:
            variant = _variant(
                request, language, gens, query=request.META["QUERY_STRING"], accepted=accepted
            )
        except DisallowedHost:
            return self.get_response(request)  # Django answers 400 further in
        request._archive_variant = variant
        key = f"archive:page:{variant}"
        tag = f'W/"{variant}"'
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
        # A reader's own: a logged-in session, or a message waiting to be shown once.
        private = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
        return not any(name in request.COOKIES for name in private)

    @staticmethod
    def _cache_call(method, *args):
        try:
            return method(*args)
        except Exception as error:  # noqa: BLE001 - an unreachable cache only costs speed
            logger.warning("Page cache unavailable: %s", error)
            return None

    @staticmethod
    def _entry(request, response) -> tuple | None:
        """(compressed body, headers) to store, or None when this answer must not be shared
        or is over the size limit."""
        control = response.get("Cache-Control", "")
        if any(word in control for word in ("private", "no-store", "no-cache")):
            return None
        if any(name != settings.CSRF_COOKIE_NAME for name in response.cookies):
            return None
        body = response.content
        limit = settings.ARCHIVE_PAGE_CACHE_MAX_BYTES
        if len(body) > limit * COMPRESSION_BOUND:
            return None
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
        packed = zlib.compress(body, COMPRESSION_LEVEL)
        if len(packed) > limit:
            return None
        headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
        return packed, headers

    def _replay(self, request, stored, tag) -> HttpResponse:
        packed, headers = stored
        response = HttpResponse(status=200)
        for name, value in headers:
            response.headers[name] = value
        # A stored answer that says when it last changed (a feed) also answers
        # If-Modified-Since, as the view itself would.
        modified = parse_http_date_safe(response.get("Last-Modified", ""))
        conditional = get_conditional_response(
            request, etag=tag, last_modified=modified, response=response
        )
        if conditional is not response:
            return conditional  # 304 Not Modified
        body = zlib.decompress(packed)
        if CSRF_PLACEHOLDER in body:
            # A fresh token for this reader, and its cookie, as CsrfViewMiddleware would.
            self.csrf.process_request(request)
            body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
            self.csrf.process_response(request, response)
        response.content = body
        response.headers["Content-Length"] = str(len(body))
        return response

"""A bound on what one client can make the site render: uncached renders per client address.

A page or API answer served from the cache costs next to nothing (archive/web/caching.py);
one rendered can cost seconds (an article with thousands of highlights, its Web
Annotations). Whatever reaches this middleware was not answered from the cache: a first
request, a search of new words, a request with a session cookie, an answer too big to store.
For each client address:

- at most ARCHIVE_RENDER_CONCURRENCY of them are rendered at once: one address never holds
  every worker, so readers of cached pages always find one free (429, Retry-After: 1);
- at most ARCHIVE_RENDER_LIMIT render-seconds are spent on them in each window of
  ARCHIVE_RENDER_LIMIT_SECONDS: a render counts one when it starts and one more for each
  further second it took, so ten quick pages cost ten, and one answer of four seconds four.
  Beyond that: 429 with Retry-After (the seconds left in the window); refused requests count
  too, so a client that keeps asking stays refused until the window ends.

What is cached is still served to a refused client. The address is the one login throttling
counts (config.login_throttle.client_address, set by DJANGO_TRUSTED_PROXY_COUNT), and the
counts are kept in the cache, so every worker (and every server sharing one Redis) counts
together. Logged-in users (staff) are not counted; the admin and the language switch
neither. An export streamed after its view returned counts only its view's time.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse

from archive.web.caching import UNCACHED_PREFIXES
from config.login_throttle import client_address

logger = logging.getLogger(__name__)

MESSAGE = "Too many requests from your address. Please retry in {seconds} s."
RENDER_UNIT_SECONDS = 1.0  # a render counts one more for each further second it takes
# How long a count of renders in progress outlives its last start: longer than any render
# (gunicorn's timeout is 30 s), short enough that a worker killed mid-render, which never
# counts its render out, leaves a wrong count for a minute at most.
IN_PROGRESS_SECONDS = 60


class RenderLimitMiddleware:
    """After AuthenticationMiddleware (it leaves logged-in users alone), and after the page
    cache, which answers its hits before reaching here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.ARCHIVE_RENDER_LIMIT
        if (
            limit <= 0
            or request.method not in ("GET", "HEAD")
            or request.path.startswith(UNCACHED_PREFIXES)
            or request.user.is_authenticated
        ):
            return self.get_response(request)
        address = client_address(request)
        window = settings.ARCHIVE_RENDER_LIMIT_SECONDS
        spent = _add(_window_key(address, window), 1, window + 1)
        if spent is not None and spent > limit:
            left = window - time.time() % window
            return too_many(request, max(1, math.ceil(left)))
        rendering = f"archive:rendering:{address}"
        at_once = _add(rendering, 1, IN_PROGRESS_SECONDS)
        if at_once is not None and at_once > settings.ARCHIVE_RENDER_CONCURRENCY:
            _take_back(rendering)
            return too_many(request, 1)
        started = time.monotonic()
        try:
            return self.get_response(request)
        finally:
            if at_once is not None:
                _take_back(rendering)
            further = math.ceil((time.monotonic() - started) / RENDER_UNIT_SECONDS) - 1
            if further > 0:
                _add(_window_key(address, window), further, window + 1)


def _window_key(address: str | None, window: int) -> str:
    return f"archive:renders:{address}:{int(time.time() // window)}"


def _add(key: str, delta: int, seconds: int) -> int | None:
    """Add `delta` to the count at `key` in the shared cache (made, for `seconds`, when
    missing) and return it; None when the cache cannot say: then nothing is refused, an
    unreachable cache only costs the bound."""
    try:
        if cache.add(key, delta, seconds):
            return delta
        return cache.incr(key, delta)
    except ValueError:  # expired between add and incr: a count made afresh
        return delta if cache.add(key, delta, seconds) else None
    except Exception as error:  # noqa: BLE001
        logger.warning("Render limit not counted: %s", error)
        return None


def _take_back(key: str) -> None:
    """A render in progress is over; a count expired meanwhile stays gone."""
    with contextlib.suppress(Exception):  # expired, or the cache unreachable: nothing to undo
        cache.decr(key)


def too_many(request, seconds: int) -> HttpResponse:
    message = MESSAGE.format(seconds=seconds)
    if request.path.startswith("/api/"):  # the API answers in JSON, as documented
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response

"""Requests the database cannot answer: NUL characters (400) and a database that is down (503).

PostgreSQL text cannot hold NUL, so a slug or query containing one would reach the
database as an error (a 500). Refusing it here, once, covers every page and endpoint.
"""

import logging
import sys

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults

logger = logging.getLogger(__name__)


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Query parameters and the path; form bodies go through forms that validate them.
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            message = "NUL characters are not allowed."
            if request.path.startswith("/api/"):  # the API answers in JSON, as documented
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)


# While the database is unreachable (restarting, failed over, or the embedded server was
# killed), readers get a short 503 with Retry-After instead of a 500, and the embedded
# server is started again in the background so the site comes back by itself.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def database_unavailable(request=None) -> HttpResponse:
    # Rendered without a request: no context processor may touch the database.
    body = loader.get_template("503.html").render({})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _recover() -> None:
    if getattr(settings, "EMBEDDED_DATABASE", False):
        from config import database, embedded

        embedded.recover_in_background(database.embedded_data_dir(settings.BASE_DIR))


class DatabaseUnavailableMiddleware:
    """A view that fails because the database is down answers 503 (in DEBUG too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.warning("Database unavailable: %s", exception)
            _recover()
            return database_unavailable(request)
        return None


def not_found(request, exception=None):
    """handler404: under /api/ the API's own JSON answer, whatever the address looks like
    (a client of the API reads JSON, never the site's HTML page); elsewhere the page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: the same 503 when the failure was the database outside a view
    (a middleware reading the session, say); else Django's plain 500 page."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_DOWN):
        _recover()
        return database_unavailable(request)
    return defaults.server_error(request)


# Replicas ----------------------------------------------------------------------------------

# Set on the answer to a request that wrote: for DATABASE_REPLICA_PIN_SECONDS this client
# reads the primary, so an editor sees an edit at once even while the replicas catch up.
# Signed (with its time, checked against the same seconds): a client cannot pin itself, and
# so send its reads to the primary, without having written. It plays no part in the page
# cache (archive/web/caching.py): a pinned client reads the generation on the primary too.
PIN_COOKIE = "archive_primary"
PIN_SALT = "archive.web.middleware.pin"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def pinned(request) -> bool:
    """Whether the request carries a pin this site signed, still within its seconds."""
    if PIN_COOKIE not in request.COOKIES:
        return False
    value = request.get_signed_cookie(
        PIN_COOKIE, default=None, salt=PIN_SALT, max_age=settings.DATABASE_REPLICA_PIN_SECONDS
    )
    return value is not None


class ReplicaRoutingMiddleware:
    """Public reads go to a replica drawn per request; writes, the admin and a client that
    has just written read the primary (config/routers.py). Without replicas: nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from config import routers

        if not routers.replicas():
            return self.get_response(request)
        unsafe = request.method not in SAFE_METHODS
        primary = unsafe or request.path.startswith("/admin/") or pinned(request)
        state = routers.begin_request(primary=primary)
        try:
            response = self.get_response(request)
        finally:
            wrote = routers.end_request(state)
        # Only a write that went through: a refused request (403, 405, a form with errors
        # answered 200 that wrote nothing) or a failed login pins nothing.
        if unsafe and wrote and 200 <= response.status_code < 400:
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=PIN_SALT,
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


# Languages ---------------------------------------------------------------------------------

# The language of an answer is its address's (docs/architecture.md, "The public routes"):
# a public page under /ar/ is Arabic, any other public address English, whatever the cookie
# or Accept-Language say, so a page can be linked, shared, indexed and cached as what it
# is. Robots, the sitemaps and the API answer the same bytes in every language (English).
# Only the admin and the language switch negotiate (the cookie, then Accept-Language): an
# analyst's interface follows the preference the reader set with the switch.
NEGOTIATED_PREFIXES = ("/admin/", "/i18n/")


def request_language(request) -> tuple[str, bool]:
    """(the language this request is answered in, whether it was negotiated)."""
    path = request.path_info
    if path.startswith(NEGOTIATED_PREFIXES):
        return translation.get_language_from_request(request), True
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE, False


class LanguageMiddleware:
    """In place of Django's LocaleMiddleware, before the page cache (which keys on the
    language it activates): the language from the address, not from the reader."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language, negotiated = request_language(request)
        previous = translation.get_language()
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if not response.streaming:
            # Rendered: the thread's language back as it was (a test's, a task's), so that
            # what runs next in this thread does not inherit this address's language.
            if previous:
                translation.activate(previous)
            else:
                translation.deactivate()
        if negotiated:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response


def switch_language(request):
    """The language switch: a link to the same page in the other language, through here to
    keep the choice as a preference (the language cookie, read by the admin). GET, as a
    link; it changes nothing but the reader's own cookie, and is never cached."""
    language = request.GET.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest("Unknown language.")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        with translation.override(language):
            target = reverse("archive:home")
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = "no-store"
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response

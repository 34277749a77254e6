"""The page cache under hostile traffic (archive/web/caching.py, archive/web/throttle.py).

An attacker must not be able to make the site render at will: a query parameter the page
does not read, a cookie the site does not know or a pin to the primary it never earned
gets the cached answer; what one client address can still make the site render uncached is
bounded (429 with Retry-After); an article's annotated body is rendered once for its text
and highlights whatever the request; and the cache stores only compressed entries under a
size, so Redis does not grow with the attacker's imagination.
"""

from __future__ import annotations

import os
import pickle
import re
import zlib
from collections import defaultdict
from contextvars import ContextVar

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from archive.formats import rendering
from archive.models import Article, Mention
from archive.web import caching
from archive.web.middleware import PIN_COOKIE
from tests.factories import (
    make_article,
    make_claim,
    make_entity,
    make_mention,
    make_story,
    make_user,
)

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/4"  # a database of its own: test_cache.py clears 2


@pytest.fixture
def story():
    """A dated public article naming a person, a place and an organization, with a claim,
    and a translation of it: something behind every public route."""
    article = make_article(
        slug="talks",
        title="Talks in Tripoli",
        body="Fayez al-Sarraj met the UNSMIL envoy in Tripoli.\nThe talks resume.",
        published="2020-01-05",
        story=make_story(title="Talks", slug="tripoli-talks"),
    )
    other = make_article(
        slug="other", language="ar", body="التقى السراج في طرابلس.", translation_of=article
    )
    person = make_entity(name="Fayez al-Sarraj", slug="fayez-al-sarraj")
    place = make_entity(name="Tripoli", slug="tripoli", kind="place")
    group = make_entity(name="UNSMIL", slug="unsmil", kind="organization")
    make_mention(article, person, "Fayez al-Sarraj")
    make_mention(article, place, "Tripoli")
    make_mention(article, group, "UNSMIL")
    claim = make_claim(article, "The talks resume", speaker=person, about=[place])
    return {"article": article, "other": other, "person": person, "claim": claim}


def queries(client, url, **extra) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    return len(ctx), response


# 1. The key: what the page reads --------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/articles/talks/", "/articles/", "/articles/?page=1", "/people/", "/api/articles/talks/"],
)
def test_a_parameter_the_page_does_not_read_gets_the_cached_answer(redis_cache, story, url):
    first, response = queries(Client(), url)
    assert response.status_code == 200 and first > 1
    joiner = "&" if "?" in url else "?"
    for junk in ("r=8311", "r=9920&utm_source=x", "_=1", "callback=x"):
        n, again = queries(Client(), f"{url}{joiner}{junk}")
        assert again.status_code == 200, junk
        assert n == 1, f"{url}{joiner}{junk} was rendered again ({n} queries)"


def test_the_parameters_a_page_reads_are_keyed_sorted_with_repeated_values_in_order(
    redis_cache, story
):
    assert queries(Client(), "/articles/?language=en&page=1")[0] > 1
    assert queries(Client(), "/articles/?page=1&language=en")[0] == 1  # the same, sorted
    assert queries(Client(), "/articles/?page=1&r=2&language=en")[0] == 1
    assert queries(Client(), "/articles/?language=ar&page=1")[0] > 1  # another value
    assert queries(Client(), "/articles/?language=en&language=ar&page=1")[0] > 1
    assert queries(Client(), "/articles/?language=ar&language=en&page=1")[0] > 1  # the order
    assert queries(Client(), "/articles/?language=ar&page=1&language=en")[0] == 1


def test_the_page_rendered_for_a_parameter_it_does_not_read_never_shows_it(redis_cache, story):
    """The view sees only what the key holds: the language switch's `next` and the pages'
    links never carry an attacker's parameter to the next reader."""
    page = Client().get("/articles/?r=attacker-was-here&language=en").content.decode()
    assert "attacker-was-here" not in page
    # the language switch's next: this page in Arabic, with the parameters it reads only
    assert "next=/ar/articles/%3Flanguage%3Den" in page
    cached = Client().get("/articles/?language=en").content.decode()
    assert "attacker-was-here" not in cached


@pytest.mark.parametrize(
    "cookie", ["x=1", "_ga=GA1.2.1234567.1700000000", "__cf_bm=abc.def-1700000000", "a=1; b=2"]
)
def test_a_cookie_the_site_does_not_know_gets_the_cached_answer(redis_cache, story, cookie):
    url = story["article"].get_absolute_url()
    assert queries(Client(), url)[0] > 1
    n, response = queries(Client(), url, HTTP_COOKIE=cookie)
    assert response.status_code == 200 and n == 1


@pytest.mark.parametrize("cookie", ["sessionid=whatever", "messages=whatever"])
def test_a_session_or_messages_cookie_still_bypasses_the_cache(redis_cache, story, cookie):
    url = story["article"].get_absolute_url()
    queries(Client(), url)
    n, response = queries(Client(), url, HTTP_COOKIE=cookie)
    assert response.status_code == 200 and n > 1


def test_the_accept_header_is_keyed_by_the_answer_it_chooses(redis_cache, story):
    """The API answers by content negotiation: Accept headers that choose the same renderer
    share an entry; the pages read no Accept at all."""
    api = "/api/articles/talks/"
    assert queries(Client(), api, HTTP_ACCEPT="application/json")[0] > 1
    for accept in ("application/json, */*;q=0.1", "application/json;x=1", "*/*;q=0.5, x/y"):
        n, response = queries(Client(), api, HTTP_ACCEPT=accept)
        assert response["Content-Type"] == "application/json", accept
        assert n == 1, accept
    n, html = queries(Client(), api, HTTP_ACCEPT="text/html")
    assert n > 1 and html["Content-Type"].startswith("text/html")
    page = story["article"].get_absolute_url()
    queries(Client(), page)
    assert queries(Client(), page, HTTP_ACCEPT=f"text/x-anything-{os.getpid()}")[0] == 1


# The declaration cannot drift: every key a view reads is declared --------------------------

_reads: ContextVar[set | None] = ContextVar("reads", default=None)


def _note(key) -> None:
    found = _reads.get()
    if found is not None:
        found.add(key)


class RecordingQueryDict(QueryDict):
    """request.GET that notes every key looked up by name (get, [], getlist, in). Going
    through all of them (items, lists, urlencode: the links that keep the query) notes
    nothing: the view only ever sees the keys the cache kept. Copies note too (a search
    reads its filters from a copy)."""

    recording = False  # not while it is being filled

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recording = True

    def __copy__(self):
        result = super().__copy__()
        result.recording = True
        return result

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.recording = True
        return result

    def _note(self, key):
        if self.recording:
            _note(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def items(self):
        for key, values in dict.items(self):
            yield key, values[-1] if values else []

    def values(self):
        for _key, value in self.items():
            yield value

    def dict(self):
        return dict(self.items())


class RecordingParams(defaultdict):
    """The templates' `params` (archive.pages.context_processors), noting what they read."""

    def __getitem__(self, key):
        _note(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        _note(key)
        return super().get(key, default)

    def __contains__(self, key):
        _note(key)
        return super().__contains__(key)


def recording_params(request):
    return {"params": RecordingParams(str, request.GET.items())}


class RecordGet:
    """First middleware: the request's GET becomes a RecordingQueryDict."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = RecordingQueryDict(request.META.get("QUERY_STRING", ""))
        return self.get_response(request)


def public_routes() -> set[str]:
    """Every URL name outside the admin and the language switch."""

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = ":".join(filter(None, [namespace, p.namespace]))
                yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), ":".join(filter(None, [namespace, p.name]))

    return {
        name
        for path, name in walk(get_resolver().url_patterns, "", "")
        if not path.startswith(("admin/", "i18n/"))
    }


def samples(story) -> dict[str, list[str]]:
    """Addresses of each public route, each asked bare and with every parameter any page
    reads (so the code paths behind them run), as HTML and as JSON where both exist."""
    claim = story["claim"].pk
    return {
        "robots_txt": ["/robots.txt"],
        "sitemap_index": ["/sitemap.xml"],
        "django.contrib.sitemaps.views.sitemap": ["/sitemap-articles.xml"],
        "archive:home": ["/"],
        "archive:article_list": ["/articles/"],
        "archive:article_detail": ["/articles/talks/"],
        "archive:article_compare": ["/articles/talks/compare/other/"],
        "archive:article_text": ["/articles/talks/text/"],
        "archive:search": ["/search/"],
        "archive:search_feed": ["/search/feed/"],
        "archive:stories": ["/stories/"],
        "archive:story_detail": ["/stories/tripoli-talks/"],
        "archive:claims": ["/claims/"],
        "archive:claim_detail": [f"/claims/{claim}/"],
        "archive:dates": ["/dates/"],
        "archive:dates_undated": ["/dates/undated/"],
        "archive:dates_year": ["/dates/2020/"],
        "archive:dates_month": ["/dates/2020/01/"],
        "archive:dates_day": ["/dates/2020/01/05/"],
        "archive:api_schema": ["/api/schema/"],
        "archive:api_docs": ["/api/docs/"],
        "archive:api-root": ["/api/", "/api/.json"],
        "archive:api-article-list": ["/api/articles/", "/api/articles.json"],
        "archive:api-article-detail": ["/api/articles/talks/", "/api/articles/talks.json"],
        "archive:api-article-alignment": ["/api/articles/talks/alignment/other/"],
        "archive:api-article-annotations": ["/api/articles/talks/annotations/"],
        "archive:api-entity-list": ["/api/entities/"],
        "archive:api-entity-detail": ["/api/entities/fayez-al-sarraj/"],
        "archive:api-claim-list": ["/api/claims/"],
        "archive:api-claim-detail": [f"/api/claims/{claim}/"],
        "archive:people": ["/people/"],
        "archive:person_detail": ["/people/fayez-al-sarraj/"],
        "archive:person_feed": ["/people/fayez-al-sarraj/feed/"],
        "archive:organizations": ["/organizations/"],
        "archive:organization_detail": ["/organizations/unsmil/"],
        "archive:organization_feed": ["/organizations/unsmil/feed/"],
        "archive:places": ["/places/"],
        "archive:place_detail": ["/places/tripoli/"],
        "archive:place_feed": ["/places/tripoli/feed/"],
    }


# Values that send each page down its paths: a search, a filter of every kind, a page.
EVERY_PARAMETER = {
    "q": "Tripoli",
    "page": "1",
    "page_size": "5",
    "language": "en",
    "source": "x",
    "entity": "Fayez al-Sarraj",
    "speaker": "Fayez al-Sarraj",
    "about": "Tripoli",
    "subject": "Tripoli",
    "kind": "person",
    "verification": "unverified",
    "status": "unverified",
    "date_from": "2019-01-01",
    "date_to": "2021-01-01",
    "letter": "F",
    "expand": "0",
    "p": "1",
    "lang": "en",
    "version": "1",
    "r": "never-read",
}


def test_every_public_route_declares_exactly_the_parameters_it_reads(settings, story):
    """Render every public route with a request.GET that notes which keys are read: each
    key read must be declared (archive/web/parameters.py), and each declared key read
    somewhere on its route, so the declaration cannot drift from the views."""
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 0  # the views see every parameter sent
    settings.MIDDLEWARE = ["tests.test_cache_attack.RecordGet", *settings.MIDDLEWARE]
    template = {**settings.TEMPLATES[0]}
    template["OPTIONS"] = {
        **template["OPTIONS"],
        "context_processors": [
            "tests.test_cache_attack.recording_params"
            if p == "archive.pages.context_processors.query_params"
            else p
            for p in template["OPTIONS"]["context_processors"]
        ],
    }
    settings.TEMPLATES = [template]
    routes = samples(story)
    assert set(routes) == public_routes(), "a public route without a sample here"
    problems = []
    for name, urls in routes.items():
        declared = caching.declared_parameters(name)
        if declared is None:
            problems.append(f"{name}: declares nothing (so it is never cached)")
            continue
        read: set = set()
        # The API answers HTML (the browsable API) and JSON; the pages read no Accept.
        accepts = ("text/html", "application/json") if "api" in name else ("text/html",)
        for url in urls:
            for params in ({}, EVERY_PARAMETER, {**EVERY_PARAMETER, "format": "csv"}):
                for accept in accepts:
                    token = _reads.set(set())
                    try:
                        response = Client().get(url, params, HTTP_ACCEPT=accept)
                        if response.streaming:
                            b"".join(response.streaming_content)
                        read |= _reads.get()
                    finally:
                        _reads.reset(token)
                    assert response.status_code < 500, (url, params, accept)
        if read - declared:
            problems.append(f"{name}: reads {sorted(read - declared)} not declared")
        if declared - read:
            problems.append(f"{name}: declares {sorted(declared - read)} it never reads")
    assert not problems, "\n".join(problems)


# 2. What one client can make the site render uncached -----------------------------------


@pytest.fixture
def render_limit(settings):
    """Three render-seconds a minute per client address, two renders at once (the limit is
    off by default in tests). Each page here takes well under a second: it counts one."""
    settings.ARCHIVE_RENDER_LIMIT = 3
    settings.ARCHIVE_RENDER_LIMIT_SECONDS = 60
    settings.ARCHIVE_RENDER_CONCURRENCY = 2
    return 3


def test_uncached_renders_are_limited_per_client_address(redis_cache, render_limit, story):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(render_limit):
        assert attacker.get(f"/search/?q=word{i}").status_code == 200
    refused = attacker.get("/search/?q=word-too-many")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "no-store" in refused["Cache-Control"]
    api = attacker.get("/api/articles/?q=word-too-many")
    assert api.status_code == 429 and "detail" in api.json()
    # What is cached is still served to it; another address still gets its pages rendered.
    assert attacker.get("/search/?q=word0").status_code == 200
    assert Client(REMOTE_ADDR="203.0.113.10").get("/search/?q=word9").status_code == 200
    # Counted in the shared cache, so every worker sees the same count.
    assert any(b"archive:renders:" in key for key in redis_cache._cache.get_client().keys("*"))


def test_a_cookie_that_bypasses_the_cache_does_not_bypass_the_limit(
    redis_cache, render_limit, story
):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    url = story["article"].get_absolute_url()
    statuses = [attacker.get(url, HTTP_COOKIE=f"sessionid=forged{i}").status_code for i in range(5)]
    assert statuses == [200] * render_limit + [429] * (5 - render_limit)


def test_a_long_render_counts_for_each_second_it_takes(
    redis_cache, render_limit, story, monkeypatch
):
    from archive.web import throttle

    monkeypatch.setattr(throttle, "RENDER_UNIT_SECONDS", 1e-6)  # every render is "long"
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    assert attacker.get("/search/?q=dear").status_code == 200
    assert attacker.get("/search/?q=cheap").status_code == 429


def test_renders_at_once_are_limited_per_client_address(redis_cache, render_limit, story):
    """Two renders of this address are under way (in other workers): a third waits."""
    redis_cache.set("archive:rendering:203.0.113.9", 2, 60)
    refused = Client(REMOTE_ADDR="203.0.113.9").get("/search/?q=third")
    assert refused.status_code == 429 and refused["Retry-After"] == "1"
    assert Client(REMOTE_ADDR="203.0.113.10").get("/search/?q=third").status_code == 200
    redis_cache.set("archive:rendering:203.0.113.9", 1, 60)  # one of them is over
    assert Client(REMOTE_ADDR="203.0.113.9").get("/search/?q=third").status_code == 200
    assert redis_cache.get("archive:rendering:203.0.113.9") == 1  # counted in, and out


def test_staff_logged_in_are_not_limited(redis_cache, render_limit, story):
    staff = Client(REMOTE_ADDR="203.0.113.9")
    staff.force_login(make_user("staffer", is_superuser=True))
    for i in range(render_limit + 2):
        assert staff.get(f"/search/?q=word{i}").status_code == 200


@pytest.fixture
def behind_one_proxy(settings):
    from tests.test_login import settings_for_one_proxy

    for name, value in settings_for_one_proxy().items():
        if isinstance(value, list) and name.endswith("PRECEDENCE_ORDER"):
            value = tuple(value)
        setattr(settings, name, value)


def test_behind_a_proxy_the_limit_counts_the_address_login_throttling_counts(
    redis_cache, render_limit, behind_one_proxy, story
):
    """The client address is the one DJANGO_TRUSTED_PROXY_COUNT gives login throttling
    (config.login_throttle.client_address): an entry the client wrote itself at the left of
    X-Forwarded-For changes nothing, and the proxy's own address is not everybody's."""
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    attacker = Client(**proxy)
    for i in range(render_limit):
        forged = f"198.51.100.{i}, 203.0.113.9"  # the proxy appended the real one
        assert attacker.get(f"/search/?q=w{i}", HTTP_X_FORWARDED_FOR=forged).status_code == 200
    again = attacker.get("/search/?q=w9", HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.9")
    assert again.status_code == 429
    reader = Client(**proxy).get("/search/?q=w9", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert reader.status_code == 200


def test_the_limit_is_off_by_default_in_tests_and_on_with_a_shared_cache():
    from django.conf import settings

    assert settings.ARCHIVE_RENDER_LIMIT == 0  # the tests' per-process memory cache
    from tests.test_settings import run_python

    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "from django.conf import settings; "
        "print(settings.ARCHIVE_RENDER_LIMIT, settings.ARCHIVE_RENDER_LIMIT_SECONDS, "
        "settings.ARCHIVE_RENDER_CONCURRENCY)"
    )
    result = run_python(code, DJANGO_DEBUG="1", CACHE_URL="redis://127.0.0.1:6379/3")
    assert result.returncode == 0, result.stderr
    limit, seconds, at_once = map(int, result.stdout.split()[-3:])
    assert limit > 0 and seconds > 0 and at_once > 0


# The article's body, rendered once for its text and highlights ------------------------


@pytest.fixture
def body_renders(monkeypatch):
    calls = []
    original = rendering.render_ranges

    def counting(body, ranges, highlights):
        calls.append(body)
        return original(body, ranges, highlights)

    monkeypatch.setattr(rendering, "render_ranges", counting)
    return calls


def test_an_articles_body_is_rendered_once_whatever_bypasses_the_page_cache(
    redis_cache, story, body_renders
):
    article = story["article"]
    url = article.get_absolute_url()
    pages = []
    # Each request bypasses the page cache (a session cookie): the body is still stored.
    for i in range(3):
        pages.append(Client().get(url, HTTP_COOKIE=f"sessionid=s{i}").content)
    assert len(body_renders) == 1
    assert b'class="mention mention-person"' in pages[0]
    assert len({without_token(p) for p in pages}) == 1
    # An edit elsewhere (a new generation) leaves the same text and highlights: kept.
    Article.objects.filter(pk=article.pk).update(title="Talks resumed")
    Client().get(url, HTTP_COOKIE="sessionid=s8")
    assert len(body_renders) == 1
    # A mention rejected changes the highlights: rendered again, without it.
    Mention.objects.filter(entity=story["person"]).update(status="rejected")
    page = Client().get(url, HTTP_COOKIE="sessionid=s9").content
    assert len(body_renders) == 2 and b'class="mention mention-person"' not in page
    Client().get(url, HTTP_COOKIE="sessionid=s9", HTTP_ACCEPT_LANGUAGE="ar")
    assert len(body_renders) == 2  # the address decides the language, not the header
    Client().get(f"/ar{url}", HTTP_COOKIE="sessionid=s9")
    assert len(body_renders) == 3  # its titles are in the page's language


def without_token(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


# 3. What is stored ------------------------------------------------------------------------


def stored_entries(redis) -> dict[bytes, bytes]:
    client = redis._cache.get_client()
    return {key: client.get(key) for key in client.keys("*archive:page:*")}


def test_entries_are_stored_compressed(redis_cache, story):
    response = Client().get("/articles/")
    entries = stored_entries(redis_cache)
    assert len(entries) == 1
    (raw,) = entries.values()
    assert len(raw) < len(response.content) / 2
    body, _headers = pickle.loads(raw)
    assert without_token(zlib.decompress(body)) == without_token(response.content)
    again = Client().get("/articles/")
    assert without_token(again.content) == without_token(response.content)


def test_an_answer_over_the_size_limit_is_not_stored(redis_cache, settings, story):
    settings.ARCHIVE_PAGE_CACHE_MAX_BYTES = 200  # smaller than any page, compressed
    url = story["article"].get_absolute_url()
    assert queries(Client(), url)[0] > 1
    assert queries(Client(), url)[0] > 1  # rendered again: nothing was stored
    assert stored_entries(redis_cache) == {}


def test_parameters_the_page_does_not_read_store_nothing_new(redis_cache, story):
    url = "/api/articles/talks/annotations/"
    Client().get(url)
    before = stored_entries(redis_cache)
    for i in range(5):
        Client().get(f"{url}?r={i}&other={i}")
    assert stored_entries(redis_cache).keys() == before.keys()


# 4. The pin to the primary --------------------------------------------------------------


@pytest.fixture
def replicas(monkeypatch):
    """One replica configured; every request still reads the test database, and `pinned`
    lists, per request, whether it was sent to the primary."""
    from config import routers

    pinned = []
    original = routers.begin_request

    def begin_request(*, primary):
        pinned.append(primary)
        return original(primary=True)

    monkeypatch.setattr(routers, "replicas", lambda: ["replica1"])
    monkeypatch.setattr(routers, "begin_request", begin_request)
    return pinned


def test_a_forged_pin_is_ignored(replicas, story):
    url = story["article"].get_absolute_url()
    for value in ("1", "yes", "1:forged:signature"):
        response = Client().get(url, HTTP_COOKIE=f"{PIN_COOKIE}={value}")
        assert response.status_code == 200
    assert replicas == [False, False, False]


@pytest.mark.parametrize(
    "how, status",
    [("405", 405), ("403", 403)],
)
def test_a_refused_request_sets_no_pin(replicas, story, how, status):
    url = story["article"].get_absolute_url()
    if how == "405":
        response = Client().post(url, {"x": "1"})
    else:  # the language switch without its CSRF token
        response = Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "ar"})
    assert response.status_code == status
    assert PIN_COOKIE not in response.cookies


def test_a_successful_write_pins_and_the_pinned_reader_still_gets_cached_pages(
    redis_cache, replicas, story, admin_client
):
    article = story["article"]
    url = reverse("admin:archive_article_change", args=[article.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(title="Talks resumed", published_precision=data.get("published_precision") or "")
    response = admin_client.post(url, data)
    assert response.status_code == 302
    pin = response.cookies[PIN_COOKIE]
    assert pin.value not in ("", "1") and pin["httponly"]
    page = article.get_absolute_url()
    queries(Client(), page)  # stored
    replicas.clear()
    pinned = Client()
    pinned.cookies[PIN_COOKIE] = pin.value
    n, response = queries(pinned, page)
    assert response.status_code == 200 and "Talks resumed" in response.content.decode()
    assert n == 1, "a pinned reader is served from the cache (its generation is the primary's)"
    assert replicas == [True]


def test_a_failed_login_writes_no_archive_data_and_pins_nothing(replicas, story):
    make_user("editor", group="Editor", password="pw-editor-1234")
    response = Client().post(
        reverse("admin:login"), {"username": "editor", "password": "wrong-password-1"}
    )
    assert response.status_code == 200
    assert PIN_COOKIE not in response.cookies

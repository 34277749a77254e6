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
import socket

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.factories import (
    make_article,
    make_claim,
    make_entity,
    make_mention,
    make_user,
)

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/4"  # a database of its own: test_cache.py clears 2


@pytest.fixture
def redis_cache(settings):
    """Redis as production has it (a skip when it is missing, a failure under REQUIRE_REDIS)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError as error:
        message = f"no Redis at 127.0.0.1:6379: {error}"
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(
                message + ": REQUIRE_REDIS is set, so the Redis cache must be tested"
            )
        pytest.skip(message)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
        }
    }
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def story():
    """A dated public article naming a person, a place and an organization, with a claim,
    and a translation of it: something behind every public route."""
    article = make_article(
        slug="talks",
        title="Talks in Tripoli",
        body="Fayez al-Sarraj met the UNSMIL envoy in Tripoli.\nThe talks resume.",
        published="2020-01-05",
    )
    other = make_article(
        slug="other",
        language="ar",
        body="التقى السراج في طرابلس.",
        translation_of=article,
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


# 2. What one client can make the site render uncached -----------------------------------


@pytest.fixture
def render_limit(settings):
    """Three render-seconds a minute per client address, two renders at once (the limit is
    off by default in tests). Each page here takes well under a second: it counts one."""
    settings.ARCHIVE_RENDER_LIMIT = 3
    settings.ARCHIVE_RENDER_LIMIT_SECONDS = 60
    settings.ARCHIVE_RENDER_CONCURRENCY = 2
    return 3


def test_uncached_renders_are_limited_per_client_address(
    redis_cache, render_limit, story
):
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
    assert any(
        b"archive:renders:" in key for key in redis_cache._cache.get_client().keys("*")
    )


def test_a_cookie_that_bypasses_the_cache_does_not_bypass_the_limit(
    redis_cache, render_limit, story
):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    url = story["article"].get_absolute_url()
    statuses = [
        attacker.get(url, HTTP_COOKIE=f"sessionid=forged{i}").status_code
        for i in range(5)
    ]
    assert statuses == [200] * render_limit + [429] * (5 - render_limit)


def test_a_long_render_counts_for_each_second_it_takes(
    redis_cache, render_limit, story, monkeypatch
):
    from archive.web import throttle

    monkeypatch.setattr(throttle, "RENDER_UNIT_SECONDS", 1e-6)  # every render is "long"
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    assert attacker.get("/search/?q=dear").status_code == 200
    assert attacker.get("/search/?q=cheap").status_code == 429


def test_renders_at_once_are_limited_per_client_address(
    redis_cache, render_limit, story
):
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
        assert (
            attacker.get(f"/search/?q=w{i}", HTTP_X_FORWARDED_FOR=forged).status_code
            == 200
        )
    again = attacker.get(
        "/search/?q=w9", HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.9"
    )
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

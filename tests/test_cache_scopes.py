"""Scoped generations (archive/web/scopes.py): a write makes stale the pages it changes and
no other, through the real page cache with Redis and real commits (the generations move at
commit, by a deferred trigger: these tests commit, as production does).

Every change of what the public may see (an article hidden, a mention rejected, two
entities merged, a name added) shows at once on every page that showed it; a new article
leaves the pages it does not change cached, and a hidden one leaves the lists alone until
it is made public; and a writer never waits for another writer's open transaction to move
a generation.
"""

from __future__ import annotations

import json
import re

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from archive import services
from archive.models import Alias, Article, Entity, Mention
from archive.web import scopes
from tests.factories import make_article, make_entity, make_mention, make_story
from tests.test_cache_attack import public_routes

REDIS = "redis://127.0.0.1:6379/7"  # its own: test_cache clears 2, test_cache_attack 4, attack.py 5

committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    """Two public articles on different events: talks in Tripoli naming al-Sarraj and
    Tripoli; fighting in Sirte naming Haftar."""
    talks = make_article(
        slug="talks", title="Talks in Tripoli", body="Fayez al-Sarraj met envoys in Tripoli."
    )
    fighting = make_article(
        slug="fighting", title="Fighting near Sirte", body="Khalifa Haftar's forces advanced."
    )
    sarraj = make_entity(name="Fayez al-Sarraj", slug="fayez-al-sarraj")
    tripoli = make_entity(name="Tripoli", slug="tripoli", kind="place")
    haftar = make_entity(name="Khalifa Haftar", slug="khalifa-haftar")
    make_mention(talks, sarraj, "Fayez al-Sarraj")
    make_mention(talks, tripoli, "Tripoli")
    make_mention(fighting, haftar, "Khalifa Haftar")
    return {"talks": talks, "fighting": fighting, "sarraj": sarraj, "tripoli": tripoli}


def served(url: str, **extra) -> tuple[bool, object]:
    """(whether the answer came from the cache, the answer): a hit makes one query only,
    the generations'."""
    with CaptureQueriesContext(connection) as ctx:
        response = Client().get(url, **extra)
    return len(ctx) == 1, response


def text(url: str) -> str:
    return Client().get(url).content.decode()


def warm(*urls: str) -> None:
    for url in urls:
        assert Client().get(url).status_code == 200, url
        assert served(url)[0], f"{url} was not stored"


# What a new article makes stale ---------------------------------------------------------


@committed
def test_a_new_article_makes_stale_only_the_pages_it_changes(redis_cache, world):
    # The fighting's page lists its story's other coverage: the new wire is in that story.
    story = make_story(title="Sirte", slug="sirte")
    Article.objects.filter(pk=world["fighting"].pk).update(story=story)
    untouched = ["/articles/talks/", "/people/khalifa-haftar/", "/places/tripoli/"]
    changed = ["/articles/fighting/", "/people/fayez-al-sarraj/", "/articles/", "/", "/people/"]
    warm(*untouched, *changed, "/api/articles/talks/")
    tag = Client().get("/articles/talks/")["ETag"]
    arriving = make_article(
        slug="ceasefire",
        title="Ceasefire called",
        body="Fayez al-Sarraj called a ceasefire.",
        story=story,
    )
    make_mention(arriving, world["sarraj"], "Fayez al-Sarraj")
    for url in untouched:
        hit, response = served(url)
        assert hit and response.status_code == 200, f"{url} was made stale"
    assert served("/articles/talks/", HTTP_IF_NONE_MATCH=tag)[1].status_code == 304
    for url in changed:
        hit, response = served(url)
        assert not hit, f"{url} still served from before the article"
        assert "Ceasefire called" in response.content.decode() or url == "/people/", url
    assert "Fayez al-Sarraj" in text("/people/")


@committed
def test_a_hidden_article_leaves_the_lists_until_it_is_made_public(redis_cache, world):
    lists = ["/articles/", "/", "/dates/undated/", "/api/articles/"]
    warm(*lists)
    held = make_article(slug="held", title="Held for review", is_public=False)
    make_mention(held, world["sarraj"], "Fayez al-Sarraj")
    for url in lists:
        assert served(url)[0], f"{url} was made stale by a hidden article"
    assert Client().get("/articles/held/").status_code == 404
    Article.objects.filter(pk=held.pk).update(is_public=True)
    for url in lists:
        assert "Held for review" in text(url), url
    assert "Held for review" in text("/people/fayez-al-sarraj/")
    assert Client().get("/articles/held/").status_code == 200


# Every change of visibility, everywhere it showed -----------------------------------------


@committed
def test_hiding_an_article_removes_it_from_every_page_at_once(redis_cache, world):
    shown = {  # each page, and what on it shows the article
        "/articles/talks/": "Talks in Tripoli",
        "/articles/": "Talks in Tripoli",
        "/": "Talks in Tripoli",
        "/people/fayez-al-sarraj/": "Talks in Tripoli",
        "/places/tripoli/": "Talks in Tripoli",
        "/places/": "/places/tripoli/",  # named only in it
        "/search/?q=Tripoli": "/articles/talks/",
        "/api/articles/": "Talks in Tripoli",
        "/api/articles/talks/": "Talks in Tripoli",
        "/api/entities/tripoli/": "tripoli",
    }
    for url, marker in shown.items():
        assert marker in text(url), url
        assert served(url)[0], f"{url} was not stored"
    Article.objects.filter(pk=world["talks"].pk).update(is_public=False)
    gone = {  # the article, and the entities named only in it
        "/articles/talks/",
        "/api/articles/talks/",
        "/people/fayez-al-sarraj/",
        "/places/tripoli/",
        "/api/entities/tripoli/",
    }
    for url, marker in shown.items():
        response = Client().get(url)
        if url in gone:
            assert response.status_code == 404, url
        else:
            assert response.status_code == 200 and marker not in response.content.decode(), url


@committed
def test_rejecting_a_mention_removes_it_from_every_page_at_once(redis_cache, world):
    warm("/articles/talks/", "/places/tripoli/", "/places/", "/api/articles/talks/")
    assert "/places/tripoli/" in text("/articles/talks/")
    Mention.objects.filter(entity=world["tripoli"]).update(status="rejected")
    assert "/places/tripoli/" not in text("/articles/talks/")
    assert Client().get("/places/tripoli/").status_code == 404
    assert "/places/tripoli/" not in text("/places/")
    mentions = Client().get("/api/articles/talks/").json()["mentions"]
    assert len(mentions) == 1 and "tripoli" not in json.dumps(mentions)


@committed
def test_merging_entities_shows_on_every_page_that_named_either(redis_cache, world):
    double = make_entity(name="F. al-Sarraj", slug="f-al-sarraj")
    make_mention(world["fighting"], double, "forces")  # any words: a second name
    pages = ["/articles/fighting/", "/people/", "/people/fayez-al-sarraj/", "/people/f-al-sarraj/"]
    warm(*pages)
    assert "/people/f-al-sarraj/" in text("/articles/fighting/")
    services.entity_merge(survivor=world["sarraj"], merged=double)
    assert "/people/f-al-sarraj/" not in text("/articles/fighting/")
    assert "/people/fayez-al-sarraj/" in text("/articles/fighting/")
    assert "F. al-Sarraj" not in text("/people/")
    assert "Fighting near Sirte" in text("/people/fayez-al-sarraj/")
    assert Client().get("/people/f-al-sarraj/").status_code in (301, 302)


@committed
def test_a_new_name_shows_on_the_entity_page_and_in_search_at_once(redis_cache, world):
    warm("/people/fayez-al-sarraj/", "/search/?q=Fayez+Serraj", "/people/", "/articles/fighting/")
    assert "Serraj" not in text("/people/fayez-al-sarraj/")
    Alias.objects.create(entity=world["sarraj"], name="Fayez Serraj", language="en")
    assert "Fayez Serraj" in text("/people/fayez-al-sarraj/")
    assert "/people/fayez-al-sarraj/" in text("/search/?q=Fayez+Serraj")
    assert served("/articles/fighting/")[0], "a name of another entity made it stale"


@committed
def test_renaming_an_entity_shows_on_the_pages_that_name_it(redis_cache, world):
    warm("/articles/talks/", "/people/")
    Entity.objects.filter(pk=world["sarraj"].pk).update(name="Fayez Mustafa al-Sarraj")
    assert "Fayez Mustafa al-Sarraj" in text("/articles/talks/")
    assert "Fayez Mustafa al-Sarraj" in text("/people/")


# Writers ----------------------------------------------------------------------------------


@committed
def test_a_writer_does_not_wait_for_another_writers_open_transaction(world):
    """One writer's transaction is open (an import under way): another writer's article is
    written and committed without waiting for it, and both move the lists."""
    before = scope_values()
    other = psycopg.connect(**connection.get_connection_params(), autocommit=False)
    try:
        with other.cursor() as cursor:
            cursor.execute("UPDATE archive_article SET title = 'Resumed' WHERE slug = 'talks'")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        make_article(slug="meanwhile", title="Meanwhile")  # its own transaction: committed
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
        middle = scope_values()
        assert middle["lists"] > before["lists"]
        assert middle.get("article:talks") == before.get("article:talks")  # not committed yet
        other.commit()
    finally:
        other.close()
    after = scope_values()
    assert after["lists"] > middle["lists"]
    assert after["article:talks"] > middle.get("article:talks", 0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM archive_generation_pending")
        assert cursor.fetchone()[0] == 0  # the queue is flushed at each commit


def scope_values() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT scope, value FROM archive_generation_scope")
        return dict(cursor.fetchall())


@committed
def test_a_rolled_back_write_moves_nothing(world):
    from django.db import transaction

    before = scope_values()
    with pytest.raises(RuntimeError), transaction.atomic():
        Article.objects.filter(pk=world["talks"].pk).update(title="Never")
        raise RuntimeError
    assert scope_values() == before


@committed
def test_writes_after_an_early_flush_are_moved_at_commit_too(world):
    """SET CONSTRAINTS ALL IMMEDIATE (Django's check_constraints, loaddata) fires the flush
    at a statement's end: a write after it queues again and is moved at the commit."""
    from django.db import transaction

    before = scope_values()
    with transaction.atomic():
        Article.objects.filter(pk=world["talks"].pk).update(title="First")
        connection.check_constraints()  # SET CONSTRAINTS ALL IMMEDIATE, then DEFERRED
        middle = scope_values()  # flushed, inside the transaction
        Article.objects.filter(pk=world["fighting"].pk).update(title="Second")
    after = scope_values()
    assert middle["article:talks"] > before["article:talks"]
    assert after["article:fighting"] > middle["article:fighting"]
    assert after["lists"] > middle["lists"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM archive_generation_pending")
        assert cursor.fetchone()[0] == 0


def global_value() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM archive_generation")
        return cursor.fetchone()[0]


@committed
def test_a_statement_of_more_rows_than_the_limit_moves_global_only(world):
    before, scoped = global_value(), scope_values()
    Article.objects.bulk_create(
        Article(title=f"Bulk {i}", slug=f"bulk-{i}", body="Bulk.", language="en")
        for i in range(scopes.GLOBAL_ROWS + 1)
    )
    assert global_value() > before
    assert scope_values() == scoped  # no row per article written
    Article.objects.bulk_create([Article(title="One", slug="one", body="One.", language="en")])
    assert global_value() > before and scope_values()["lists"] > scoped["lists"]


# The declarations -------------------------------------------------------------------------


def test_every_public_route_declares_the_scopes_it_shows():
    missing = public_routes() - set(scopes.ROUTES)
    assert not missing, f"routes that show every broad scope, undeclared: {sorted(missing)}"


def test_a_route_that_declares_nothing_reads_every_broad_scope():
    assert scopes.scopes("archive:no-such-route", {}) == tuple(sorted(scopes.BROAD))
    assert scopes.scopes("archive:article_detail", {"slug": "a"}) == ("article:a",)
    filtered = scopes.scopes("archive:api-article-detail", {"slug": "a"}, {"entity": "x"})
    assert set(scopes.LISTS) <= set(filtered)


@pytest.mark.django_db
def test_the_database_runs_the_triggers_that_scopes_writes_now():
    """The installed trigger functions are triggers_sql()'s, to the letter: a change of
    what a write moves needs a migration that installs it (frozen, as 0019 is)."""
    sql = scopes.triggers_sql()
    written = dict(
        re.findall(
            r"CREATE OR REPLACE FUNCTION (\w+)\([^)]*\) RETURNS \w+\nLANGUAGE plpgsql AS "
            r"\$fn\$(.*?)\$fn\$;",
            sql,
            flags=re.DOTALL,
        )
    )
    triggers = set(re.findall(r"CREATE (?:CONSTRAINT )?TRIGGER (\w+) ", sql))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'archive\\_generations\\_%%'"
        )
        installed = dict(cursor.fetchall())
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'archive\\_generations\\_%%'"
        )
        installed_triggers = {name for (name,) in cursor.fetchall()}
    assert installed == written
    assert installed_triggers == triggers

"""Admin writes under pressure: lost updates, refused tags, hostile input, double clicks,
and history for bulk suggestions."""

import json
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from archive import services
from archive.models import Alias, Article, Entity, Mention
from archive.services import annotations as annotation_services
from archive.services.suggestions import suggest_mentions
from tests.factories import make_article, make_entity, make_mention, make_user

pytestmark = pytest.mark.django_db

TAG = {"start": 0, "end": 15, "text": "Fayez al-Sarraj"}
# How long a request thread may take to reach a given point: ample on a loaded machine; a
# test only waits that long when it fails.
SLOW = 30


def url(article, name=""):
    suffix = f"_{name}" if name else ""
    return reverse(f"admin:archive_article_annotate{suffix}", args=[article.pk])


def post(client, target, payload):
    return client.post(target, json.dumps(payload), content_type="application/json")


def login(username, group, client=None):
    client = client or Client()
    client.force_login(make_user(username, group=group))
    return client


def mention_form(mention, token, **changes):
    data = {
        "article": mention.article_id,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "status": mention.status,
        "entity": mention.entity_id,
        "role": mention.role,
        "opened_token": token,
        "_save": "Save",
    }
    data.update(changes)
    return data


def opened_token(client, target) -> str:
    response = client.get(target)
    assert response.status_code == 200
    return response.context["adminform"].form["opened_token"].value()


@pytest.fixture
def sarraj():
    return make_entity(
        name="Fayez al-Sarraj", aliases={"en": ["Fayez al-Sarraj"], "ar": ["فايز السراج"]}
    )


# --- 1. lost updates: every write path moves the stale-edit marker ------------------------


@pytest.mark.parametrize("path", ["admin action", "annotator review"])
def test_a_rejection_is_not_undone_by_an_editor_form_opened_before_it(sarraj, path):
    article = make_article()
    mention = make_mention(article, sarraj, "Fayez al-Sarraj", status="suggested")
    editor = login("ed", "Editor")
    analyst = login("ana", "Analyst")
    change = reverse("admin:archive_mention_change", args=[mention.pk])
    token = opened_token(editor, change)  # the editor opens the form while it is suggested

    if path == "admin action":
        response = analyst.post(
            reverse("admin:archive_mention_changelist"),
            {"action": "reject_selected", "_selected_action": [mention.pk]},
        )
        assert response.status_code == 302
    else:
        loaded = analyst.get(url(article)).json()["mentions"][0]["token"]  # the page's
        response = post(
            analyst,
            url(article, "review"),
            {"ids": [mention.pk], "status": "rejected", "tokens": {str(mention.pk): loaded}},
        )
        assert response.status_code == 200
    assert Mention.objects.get(pk=mention.pk).status == "rejected"

    stale = editor.post(change, mention_form(mention, token, status="confirmed", role="actor"))
    assert stale.status_code == 200
    assert "since you opened it" in stale.content.decode()
    assert Mention.objects.get(pk=mention.pk).status == "rejected"
    # History says who rejected it: the refusal names them.
    assert "changed by ana" in stale.content.decode()


def test_a_review_from_a_stale_annotator_page_is_refused(sarraj):
    article = make_article()
    mention = make_mention(article, sarraj, "Fayez al-Sarraj", status="suggested")
    analyst = login("ana", "Analyst")
    editor = login("ed", "Editor")
    loaded = analyst.get(url(article)).json()["mentions"][0]  # the annotator page's data
    assert loaded["token"]

    change = reverse("admin:archive_mention_change", args=[mention.pk])
    saved = editor.post(
        change, mention_form(mention, opened_token(editor, change), status="rejected")
    )
    assert saved.status_code == 302

    response = post(
        analyst,
        url(article, "review"),
        {"ids": [mention.pk], "status": "confirmed", "tokens": {str(mention.pk): loaded["token"]}},
    )
    assert response.status_code == 409
    assert "reload" in response.json()["error"].lower()
    assert Mention.objects.get(pk=mention.pk).status == "rejected"
    # With the current token (after a reload) the review goes through.
    fresh = analyst.get(url(article)).json()["mentions"][0]["token"]
    again = post(
        analyst,
        url(article, "review"),
        {"ids": [mention.pk], "status": "confirmed", "tokens": {str(mention.pk): fresh}},
    )
    assert again.status_code == 200
    assert Mention.objects.get(pk=mention.pk).status == "confirmed"


def test_merging_entities_moves_the_marker_of_the_moved_mentions(sarraj):
    article = make_article()
    duplicate = make_entity(name="Sarraj (duplicate)")
    mention = make_mention(article, duplicate, "Fayez al-Sarraj")
    before = services.edit_token(mention)
    services.entity_merge(survivor=sarraj, merged=duplicate)
    assert services.edit_token(Mention.objects.get(pk=mention.pk)) != before


# --- 3. a refused tag leaves nothing behind -----------------------------------------------


def test_a_refused_tag_does_not_create_its_new_entity(client):
    client.force_login(make_user("ana", group="Analyst"))
    article = make_article()
    entities, aliases = Entity.objects.count(), Alias.objects.count()
    payload = {**TAG, "start": 1, "new_entity": {"name": "Fayez al-Sarraj", "kind": "person"}}
    for _ in range(3):  # each retry used to add another entity
        response = post(client, url(article, "mention"), payload)
        assert response.status_code == 400
    assert (Entity.objects.count(), Alias.objects.count()) == (entities, aliases)
    assert not Mention.objects.filter(article=article).exists()


# --- 4. hostile or unlucky staff input is a 400, never a 500 -----------------------------


def test_a_name_that_grows_too_long_when_normalized_is_refused(client):
    client.force_login(make_user("ana", group="Analyst"))
    article = make_article()
    name = "ﷺ" * 20  # 20 characters; NFKC makes each one 18
    payload = {**TAG, "new_entity": {"name": name, "kind": "person"}}
    response = post(client, url(article, "mention"), payload)
    assert response.status_code == 400
    assert "too long" in response.json()["error"]
    assert not Entity.objects.filter(name=name).exists()


def test_a_name_that_grows_too_long_when_normalized_is_a_form_error_in_the_entity_admin(client):
    client.force_login(make_user("ed", group="Editor"))
    data = {
        "name": "Prophet",
        "kind": "person",
        "slug": "prophet",
        "description": "",
        "wikidata_id": "",
        "aliases-TOTAL_FORMS": 1,
        "aliases-INITIAL_FORMS": 0,
        "aliases-MIN_NUM_FORMS": 0,
        "aliases-MAX_NUM_FORMS": 1000,
        "aliases-0-name": "ﷺ" * 20,
        "aliases-0-language": "ar",
        "_save": "Save",
    }
    response = client.post(reverse("admin:archive_entity_add"), data)
    assert response.status_code == 200
    assert "too long" in response.content.decode()
    assert not Entity.objects.filter(slug="prophet").exists()


@pytest.mark.parametrize(
    "raw",
    [
        '{"start": 0, "end": 15, "text": "Fayez al-Sarraj", '
        '"new_entity": {"name": "\\ud800", "kind": "person"}}',
        '{"start": 0, "end": 15, "text": "Fayez al-Sarraj", '
        '"new_entity": {"name": "Fayez \\udfff", "kind": "person"}}',
        '{"start": 0, "end": 15, "text": "Fayez al-Sarraj", "role": "\\ud800"}',
    ],
)
def test_a_lone_surrogate_is_refused(client, raw):
    client.force_login(make_user("ana", group="Analyst"))
    article = make_article()
    response = client.post(url(article, "mention"), raw, content_type="application/json")
    assert response.status_code == 400
    assert "surrogate" in response.json()["error"]
    assert not Mention.objects.filter(article=article).exists()


@pytest.mark.parametrize("name", ["mention", "claim", "review", "place", "delete"])
@pytest.mark.parametrize(
    "body", ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000]
)
def test_deeply_nested_json_is_refused(client, name, body):
    client.force_login(make_user("ana", group="Analyst"))
    response = client.post(url(make_article(), name), body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["error"]


def test_placing_an_orphan_on_words_its_entity_already_holds_is_refused(client, sarraj):
    client.force_login(make_user("ana", group="Analyst"))
    article = make_article()
    make_mention(article, sarraj, "Fayez al-Sarraj")
    orphan = Mention.objects.create(
        article=article, entity=sarraj, start=100, end=115, text="Fayez al-Sarraj",
        is_orphaned=True, status="confirmed",
    )  # fmt: skip
    token = services.edit_token(orphan)
    response = post(
        client, url(article, "place"), {"type": "mention", "id": orphan.pk, "token": token, **TAG}
    )
    assert response.status_code == 400
    assert "already" in response.json()["error"]
    orphan.refresh_from_db()
    assert orphan.is_orphaned and orphan.start == 100


def test_the_same_tag_sent_twice_returns_the_first_mention(client, sarraj):
    client.force_login(make_user("ana", group="Analyst"))
    article = make_article()
    first = post(client, url(article, "mention"), {**TAG, "entity_id": sarraj.pk})
    second = post(client, url(article, "mention"), {**TAG, "entity_id": sarraj.pk})
    assert (first.status_code, second.status_code) == (201, 200)
    assert Mention.objects.filter(article=article).count() == 1


def test_the_same_new_entity_tag_sent_twice_makes_one_entity_and_one_mention(client):
    client.force_login(make_user("ana", group="Analyst"))
    article = make_article()
    payload = {**TAG, "new_entity": {"name": "Fayez al-Sarraj", "kind": "person"}}
    first = post(client, url(article, "mention"), payload)
    second = post(client, url(article, "mention"), payload)
    assert (first.status_code, second.status_code) == (201, 200)
    assert Entity.objects.filter(name="Fayez al-Sarraj").count() == 1
    assert Mention.objects.filter(article=article).count() == 1


def _send(user, article, payload, results):
    """POST `payload` as `user` on a thread of its own (its own database connection)."""
    try:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        results.append(post(client, url(article, "mention"), payload).status_code)
    except Exception as error:  # noqa: BLE001 - reported in the assertion
        results.append(repr(error))
    finally:
        connection.close()


def _waiting_for_the_article_lock() -> bool:
    """Whether another connection to this database waits for an article's row lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' "
            "AND query LIKE %s",
            ["%archive_article%FOR NO KEY UPDATE%"],
        )
        return cursor.fetchone()[0] > 0


def _twice_with_the_first_held(article, payload, monkeypatch):
    """Send `payload` twice at once, as a double click does. The first request is held just
    after its span check, in its transaction, until the second is seen waiting for the
    article's row lock; returns the two statuses and whether it was seen waiting."""
    user = make_user("ana", group="Analyst")
    held, release = threading.Event(), threading.Event()
    real_check = annotation_services._check_span

    def held_check(*args, **kwargs):
        real_check(*args, **kwargs)
        if not held.is_set():  # the first request only
            held.set()
            release.wait(timeout=2 * SLOW)

    monkeypatch.setattr(annotation_services, "_check_span", held_check)
    results = []
    first = threading.Thread(target=_send, args=(user, article, payload, results))
    second = threading.Thread(target=_send, args=(user, article, payload, results))
    first.start()
    try:
        assert held.wait(timeout=SLOW), "the first request never reached its span check"
        second.start()
        deadline = time.monotonic() + SLOW
        while not (waited := _waiting_for_the_article_lock()) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        release.set()
        first.join(timeout=2 * SLOW)
        if second.ident is not None:
            second.join(timeout=2 * SLOW)
    return sorted(results, key=str), waited


@pytest.mark.django_db(transaction=True)
def test_a_double_click_waits_for_the_article_lock_and_gets_the_first_mention(monkeypatch):
    sarraj = make_entity(name="Fayez al-Sarraj", aliases={"en": ["Fayez al-Sarraj"]})
    article = make_article()
    results, waited = _twice_with_the_first_held(
        article, {**TAG, "entity_id": sarraj.pk}, monkeypatch
    )
    assert waited, "the second request did not wait for the article's lock"
    assert results == [200, 201]
    assert Mention.objects.filter(article=article).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_click_with_a_new_entity_waits_for_the_article_lock_and_makes_one_entity(
    monkeypatch,
):
    article = make_article()
    payload = {**TAG, "new_entity": {"name": "Fayez al-Sarraj", "kind": "person"}}
    results, waited = _twice_with_the_first_held(article, payload, monkeypatch)
    assert waited, "the second request did not wait for the article's lock"
    assert results == [200, 201]
    assert Entity.objects.filter(name="Fayez al-Sarraj").count() == 1
    assert Mention.objects.filter(article=article).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_writers_without_the_lock_check_check_insert_insert_and_make_one_mention(
    monkeypatch,
):
    """A writer that takes no article lock can race: both look for the mention, neither
    finds it, both insert. The unique span refuses the second insert, which then returns
    the first's mention: one mention, no error."""
    sarraj = make_entity(name="Fayez al-Sarraj", aliases={"en": ["Fayez al-Sarraj"]})
    article = make_article()

    def unlocked(target):  # the body as it is now, without FOR NO KEY UPDATE
        target.body = Article.objects.only("body").get(pk=target.pk).body

    both_looked = threading.Barrier(2)
    inserts = []
    real_create = Mention.objects.create

    def create_when_both_looked(**kwargs):
        if kwargs.get("article") is not None and kwargs["article"].pk == article.pk:
            inserts.append(kwargs["start"])
            both_looked.wait(timeout=SLOW)  # both found no mention: now both insert
        return real_create(**kwargs)

    monkeypatch.setattr(annotation_services, "_lock_article", unlocked)
    monkeypatch.setattr(Mention.objects, "create", create_when_both_looked)
    user = make_user("ana", group="Analyst")
    results = []
    threads = [
        threading.Thread(
            target=_send, args=(user, article, {**TAG, "entity_id": sarraj.pk}, results)
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * SLOW)
    assert len(inserts) == 2, "both requests should have tried to insert"
    assert sorted(results, key=str) == [200, 201]
    assert Mention.objects.filter(article=article).count() == 1


# --- 5. bulk suggestions have history ---------------------------------------------------


def test_every_suggested_mention_has_a_history_row(sarraj):
    make_entity(name="Tripoli", kind="place", aliases={"en": ["Tripoli"]})
    articles = [make_article() for _ in range(3)]
    assert suggest_mentions(articles) == 6
    suggested = Mention.objects.filter(article__in=articles, status="suggested")
    assert suggested.count() == 6
    for mention in suggested:
        record = mention.history.get()
        assert (record.history_type, record.status, record.start) == (
            "+",
            "suggested",
            mention.start,
        )


def test_suggestions_racing_another_run_keep_the_first_and_record_history_for_the_rest(sarraj):
    from archive.services.suggestions import _store

    tripoli = make_entity(name="Tripoli", kind="place")
    article = make_article()
    first = make_mention(article, sarraj, "Fayez al-Sarraj", status="suggested")  # the other run
    start = article.body.index("Tripoli")
    found = [
        (article.pk, sarraj.pk, 0, 15, "Fayez al-Sarraj"),
        (article.pk, tripoli.pk, start, start + 7, "Tripoli"),
    ]
    assert _store(found, None) == 1
    assert Mention.objects.filter(article=article).count() == 2
    made = Mention.objects.get(article=article, entity=tripoli)
    assert made.history.get().history_change_reason == "suggested by the matcher"
    assert first.history.count() == 1  # the first run's row is left as it was

"""The annotator's JSON endpoints: spans checked on the server, review, orphans, propagation."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive import services
from archive.models import Article, Claim, Entity, Mention
from tests.factories import (
    make_article,
    make_claim,
    make_entity,
    make_mention,
    make_seed_pair,
    make_user,
)

pytestmark = pytest.mark.django_db


def url(article, name=""):
    suffix = f"_{name}" if name else ""
    return reverse(f"admin:archive_article_annotate{suffix}", args=[article.pk])


def post(client, target, payload):
    return client.post(target, json.dumps(payload), content_type="application/json")


def token_of(row) -> str:
    """The stale-edit token of `row` as stored: what a page loaded now holds."""
    return services.edit_token(type(row).objects.get(pk=row.pk))


def tokens(*rows) -> dict[str, str]:
    return {str(row.pk): token_of(row) for row in rows}


@pytest.fixture
def analyst(client):
    user = make_user("ana", group="Analyst")
    client.force_login(user)
    return user


@pytest.fixture
def sarraj():
    return make_entity(
        name="Fayez al-Sarraj", aliases={"en": ["Fayez al-Sarraj"], "ar": ["فايز السراج"]}
    )


def test_tagging_stores_the_exact_span_and_who_made_it(client, analyst, sarraj):
    article = make_article()
    payload = {"start": 0, "end": 15, "text": "Fayez al-Sarraj", "entity_id": sarraj.pk}
    response = post(client, url(article, "mention"), {**payload, "role": "actor"})
    assert response.status_code == 201
    mention = Mention.objects.get(article=article)
    assert (mention.start, mention.end, mention.text) == (0, 15, "Fayez al-Sarraj")
    assert mention.created_by == analyst and mention.status == "confirmed"
    assert response.json()["mentions"][0]["entity"]["name"] == "Fayez al-Sarraj"


@pytest.mark.parametrize(
    "payload",
    [
        {"start": 1, "end": 15, "text": "Fayez al-Sarraj"},  # shifted by one
        {"start": 0, "end": 99999, "text": "Fayez al-Sarraj"},  # past the end
        {"start": 15, "end": 0, "text": ""},
        {"start": -1, "end": 14, "text": "Fayez al-Sarra"},
        {"start": 10**30, "end": 10**30 + 1, "text": "x"},
        {"start": "zero", "end": 15, "text": "Fayez al-Sarraj"},
        {"start": 0, "end": 15, "text": ["Fayez"]},
        {"start": None, "end": 15, "text": "Fayez al-Sarraj"},
        {"start": 0, "end": 15, "text": "\x00\ud800" if False else "Fayez\u200fal-Sarraj"},
    ],
)
def test_a_span_that_does_not_match_the_body_is_refused_with_a_message(
    client, analyst, sarraj, payload
):
    article = make_article()
    response = post(client, url(article, "mention"), {**payload, "entity_id": sarraj.pk})
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Mention.objects.filter(article=article).exists()


@pytest.mark.parametrize("body", [b"not json", b"[1,2]", b"\xff\xfe", b'{"start": 1e999}'])
def test_malformed_requests_get_400_not_500(client, analyst, body):
    article = make_article()
    response = client.post(url(article, "mention"), body, content_type="application/json")
    assert response.status_code == 400


def test_a_new_entity_can_be_made_on_the_spot_with_the_selected_words_as_alias(client, analyst):
    article = make_article(language="ar", body="التقى فايز السراج بوفد أمريكي.")
    start = article.body.index("فايز السراج")
    response = post(
        client,
        url(article, "mention"),
        {
            "start": start,
            "end": start + 11,
            "text": "فايز السراج",
            "new_entity": {"name": "Fayez al-Sarraj", "kind": "person"},
            "add_alias": True,  # the analyst ticked "Add “فايز السراج” as an Arabic alias"
        },
    )
    assert response.status_code == 201
    entity = Entity.objects.get(name="Fayez al-Sarraj")
    assert set(entity.aliases.values_list("name", "language")) == {
        ("فايز السراج", "ar"),
        ("Fayez al-Sarraj", "en"),
    }


def test_entity_autocomplete_matches_any_alias_in_any_script(client, analyst, sarraj):
    article = make_article()
    make_entity(name="Khalifa Haftar", aliases={"ar": ["خليفة حفتر"]})
    for query in ["فايز", "السراج", "fayez", "Sarraj", "فايز السراج"]:
        names = [
            r["name"] for r in client.get(url(article, "entities"), {"q": query}).json()["results"]
        ]
        assert names == ["Fayez al-Sarraj"], query
    # Arabic spelled with ى and أ variants still finds the alias.
    assert client.get(url(article, "entities"), {"q": "خليفه"}).json()["results"]
    for hostile in ["", "%", "ـ" * 500, "' OR 1=1 --"]:
        assert client.get(url(article, "entities"), {"q": hostile}).status_code == 200
    # NUL never reaches the database: refused for every request (archive.web.middleware).
    assert client.get(url(article, "entities"), {"q": "\x00"}).status_code == 400


def test_a_claim_is_recorded_with_speaker_subjects_and_date(client, analyst, sarraj):
    article = make_article(body='Sarraj said: "We want more cooperation."\nEnd.')
    text = "We want more cooperation."
    start = article.body.index(text)
    us = make_entity(name="United States", kind="place")
    response = post(
        client,
        url(article, "claim"),
        {
            "start": start,
            "end": start + len(text),
            "text": text,
            "speaker_id": sarraj.pk,
            "kind": "direct_quote",
            "subject_ids": [us.pk],
            "date": "2018-06-01",
        },
    )
    assert response.status_code == 201, response.content
    claim = Claim.objects.get(article=article)
    assert (claim.text, claim.speaker, claim.kind) == (text, sarraj, "direct_quote")
    assert list(claim.about.all()) == [us]
    bad = post(client, url(article, "claim"), {"start": 0, "end": 3, "text": "Sar", "date": "soon"})
    assert bad.status_code == 400


def test_a_claim_without_a_date_is_recorded_as_the_form_sends_it(client, analyst):
    article = make_article()
    words = "Stephanie Williams"
    start = article.body.index(words)
    span = {"start": start, "end": start + len(words), "text": words}
    # The annotator's form sends the date field's value: empty text when none is given.
    response = post(client, url(article, "claim"), {**span, "date": "", "speaker_id": None})
    assert response.status_code == 201, response.json()
    assert Claim.objects.get(article=article).date is None


def test_suggestions_are_confirmed_and_rejected_one_by_one_or_in_bulk(client, analyst, sarraj):
    article = make_article()
    williams = make_entity(name="Stephanie Williams")
    tripoli = make_entity(name="Tripoli", kind="place")
    a = make_mention(article, sarraj, "Fayez al-Sarraj", status="suggested")
    b = make_mention(article, williams, "Stephanie Williams", status="suggested")
    c = make_mention(article, tripoli, "Tripoli", status="suggested")
    one = {"ids": [a.pk], "status": "confirmed", "tokens": tokens(a)}
    assert post(client, url(article, "review"), one).status_code == 200
    bulk = {"ids": [b.pk, c.pk], "status": "rejected", "tokens": tokens(b, c)}
    response = post(client, url(article, "review"), bulk)
    assert response.json()["message"] == "2 mention(s) rejected."
    statuses = dict(Mention.objects.filter(article=article).values_list("pk", "status"))
    assert statuses == {a.pk: "confirmed", b.pk: "rejected", c.pk: "rejected"}
    deleted = {"ids": [a.pk], "status": "deleted", "tokens": tokens(a)}
    assert post(client, url(article, "review"), deleted).status_code == 400
    every = {"ids": "all", "status": "confirmed", "tokens": tokens(a)}
    assert post(client, url(article, "review"), every).status_code == 400


def test_confirming_in_one_language_proposes_the_mention_in_the_translation(analyst, sarraj):
    en, ar = make_seed_pair()
    start = en.body.index("Fayez al-Sarraj")
    mention = make_mention(en, sarraj, "Fayez al-Sarraj", status="suggested")
    services.mention_confirm(mention=mention, user=analyst)
    proposed = Mention.objects.get(article=ar)
    assert (proposed.entity, proposed.status, proposed.text) == (sarraj, "suggested", "فايز السراج")
    assert ar.body[proposed.start : proposed.end] == "فايز السراج"
    # Confirming again proposes nothing twice.
    services.annotations_propagate(mentions=[mention], user=analyst)
    assert Mention.objects.filter(article=ar).count() == 1
    assert start >= 0


def test_recording_a_quote_proposes_its_counterpart_in_the_translation(analyst):
    en, ar = make_seed_pair()
    williams = make_entity(
        name="Stephanie Williams", aliases={"en": ["Stephanie Williams"], "ar": ["ستيفاني وليامز"]}
    )
    text = "The only lasting solution for Libya is to overcome its political impasse,"
    start = en.body.index(text)
    claim = services.claim_create(
        article=en, start=start, end=start + len(text), text=text, speaker=williams,
        kind="direct_quote", user=analyst,
    )  # fmt: skip
    proposed = Claim.objects.get(article=ar)
    assert proposed.status == "suggested" and proposed.same_as == claim
    assert proposed.speaker == williams
    assert "الحل الدائم الوحيد لليبيا" in proposed.text


def test_an_orphan_is_placed_again_or_deleted(client, analyst, sarraj):
    article = make_article()
    orphan = make_mention(
        article, sarraj, "Fayez al-Sarraj", status="confirmed", created_by=analyst
    )
    Mention.objects.filter(pk=orphan.pk).update(is_orphaned=True, start=100, end=115)
    listed = client.get(url(article)).json()["mentions"]
    assert listed[0]["is_orphaned"] is True
    response = post(
        client,
        url(article, "place"),
        {"type": "mention", "id": orphan.pk, "token": listed[0]["token"], "start": 0, "end": 15,
         "text": "Fayez al-Sarraj"},
    )  # fmt: skip
    assert response.status_code == 200
    orphan.refresh_from_db()
    assert (orphan.start, orphan.end, orphan.is_orphaned) == (0, 15, False)
    placed = response.json()["mentions"][0]["token"]
    delete = {"type": "mention", "id": orphan.pk, "token": placed}
    assert post(client, url(article, "delete"), delete).status_code == 200
    assert not Mention.objects.filter(article=article).exists()


def test_an_analyst_cannot_delete_someone_elses_mention_through_the_annotator(
    client, analyst, sarraj
):
    article = make_article()
    theirs = make_mention(article, sarraj, "Fayez al-Sarraj", created_by=make_user("other"))
    payload = {"type": "mention", "id": theirs.pk, "token": token_of(theirs)}
    response = post(client, url(article, "delete"), payload)
    assert response.status_code == 403
    assert Mention.objects.filter(pk=theirs.pk).exists()


def test_a_claim_reported_elsewhere_as_the_same_claim_is_not_deleted_and_says_why(client, analyst):
    first, second = make_article(), make_article()
    original = make_claim(first, "met Stephanie Williams", created_by=analyst)
    make_claim(second, "met Stephanie Williams", same_as=original)
    payload = {"type": "claim", "id": original.pk, "token": token_of(original)}
    response = post(client, url(first, "delete"), payload)
    assert response.status_code == 400
    assert "recorded as the same claim" in response.json()["error"]
    assert Claim.objects.filter(pk=original.pk).exists()


def test_editing_a_suggested_mention_to_confirmed_in_the_admin_proposes_it_in_the_translation(
    client, sarraj
):
    client.force_login(make_user("ed", group="Editor"))
    en, ar = make_seed_pair()
    mention = make_mention(en, sarraj, "Fayez al-Sarraj", status="suggested")
    change = reverse("admin:archive_mention_change", args=[mention.pk])
    token = client.get(change).context["adminform"].form["opened_token"].value()
    data = {
        "article": en.pk, "start": mention.start, "end": mention.end, "text": mention.text,
        "entity": sarraj.pk, "role": mention.role, "status": "confirmed",
        "opened_token": token, "_save": "Save",
    }  # fmt: skip
    assert client.post(change, data).status_code == 302
    assert Mention.objects.get(article=ar).status == "suggested"


def test_staff_without_a_group_cannot_use_the_annotator(client, sarraj):
    client.force_login(make_user("nobody"))
    article = make_article()
    assert client.get(url(article)).status_code == 403
    payload = {"start": 0, "end": 15, "text": "Fayez al-Sarraj", "entity_id": sarraj.pk}
    assert post(client, url(article, "mention"), payload).status_code == 403
    assert not Mention.objects.filter(article=article).exists()


def test_annotator_posts_need_a_csrf_token(analyst, sarraj):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(analyst)
    article = make_article()
    payload = {"start": 0, "end": 15, "text": "Fayez al-Sarraj", "entity_id": sarraj.pk}
    assert post(strict, url(article, "mention"), payload).status_code == 403


def test_unknown_article_ids_are_404(client, analyst):
    for bad in ["999999", "99999999999999999999999"]:
        response = client.get(f"/admin/archive/article/{bad}/annotate/")
        assert response.status_code in (404, 302)


def _article_with(n: int) -> Article:
    body = " ".join(f"Name{i}" for i in range(n)) + "\nTail."
    article = make_article(body=body)
    entities = [make_entity() for _ in range(3)]
    for i in range(n):
        text = f"Name{i}"
        make_mention(article, entities[i % 3], text, status="suggested" if i % 2 else "confirmed")
        if i % 3 == 0:
            make_claim(article, text, about=entities[:2], speaker=entities[2])
    return article


def test_annotator_page_and_endpoint_queries_do_not_grow_with_annotations(client, analyst):
    # One request first: per-process caches (content types, permissions) fill once.
    warm = _article_with(1)
    client.get(reverse("admin:archive_article_change", args=[warm.pk]))
    client.get(url(warm))
    counts = []
    for n in (3, 30):
        article = _article_with(n)
        with CaptureQueriesContext(connection) as page:
            assert (
                client.get(reverse("admin:archive_article_change", args=[article.pk])).status_code
                == 200
            )
        with CaptureQueriesContext(connection) as data:
            assert client.get(url(article)).status_code == 200
        counts.append((len(page), len(data)))
    assert counts[0] == counts[1]


def test_article_changelist_counts_come_from_one_query_however_many_rows(client, analyst):
    counts = []
    for n in (2, 20):
        for _ in range(n):
            _article_with(2)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("admin:archive_article_changelist"))
        assert response.status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


# --- "An annotator analysts can trust" ------------------------------------------------------


def _names(client, article, q):
    return [r["name"] for r in client.get(url(article, "entities"), {"q": q}).json()["results"]]


def test_the_picker_lists_the_exact_name_first_then_prefixes_with_names_and_counts(client, analyst):
    article = make_article(body="United States officials met US Africa Command.\nEnd.")
    hidden = make_article(is_public=False)
    usa = make_entity(
        name="United States",
        name_ar="الولايات المتحدة",
        kind="place",
        description="Country",
        aliases={"en": ["United States", "US"], "ar": ["الولايات المتحدة"]},
    )
    africom = make_entity(
        name="US Africa Command", kind="organization", aliases={"en": ["US Africa Command"]}
    )
    make_entity(name="Thomas Waldhauser", description="US general", aliases={"en": ["Waldhauser"]})
    make_mention(article, africom, "US Africa Command")
    make_mention(hidden, usa, "Fayez al-Sarraj", status="rejected")
    assert _names(client, article, "United States")[0] == "United States"
    assert _names(client, article, "US")[:2] == ["United States", "US Africa Command"]
    assert _names(client, article, "الولايات المتحده")[0] == "United States"  # normalized
    first = client.get(url(article, "entities"), {"q": "US"}).json()["results"][0]
    assert first == {
        "id": usa.pk,
        "name": "United States",
        "name_ar": "الولايات المتحدة",
        "kind": "place",
        "kind_label": "Place",
        "description": "Country",
        "mentions": 0,  # its one mention is rejected
        "match": "exact",
        "words": None,  # no selected words were sent
    }
    counts = []
    for n in (1, 10):
        for _ in range(n):
            make_entity(aliases={"en": ["US thing"]})
        with CaptureQueriesContext(connection) as ctx:
            client.get(url(article, "entities"), {"q": "US"})
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_a_new_entity_under_an_existing_alias_offers_it_and_a_duplicate_needs_a_description(
    client, analyst
):
    article = make_article(body="The Libyan Interior Ministry said so.\nEnd.")
    ministry = make_entity(
        name="Ministry of Interior (Libya)", aliases={"en": ["Libyan Interior Ministry"]}
    )
    start = article.body.index("Libyan Interior Ministry")
    span = {"start": start, "end": start + 24, "text": "Libyan Interior Ministry"}
    new = {"name": "Libyan Interior Ministry", "kind": "organization"}
    response = post(client, url(article, "mention"), {**span, "new_entity": new})
    assert response.status_code == 409
    assert response.json()["existing"][0]["id"] == ministry.pk
    assert not Mention.objects.filter(article=article).exists()
    assert Entity.objects.count() == 1
    # Confirmed, but nothing tells the two apart: refused too.
    response = post(
        client, url(article, "mention"), {**span, "new_entity": {**new, "duplicate": True}}
    )
    assert response.status_code == 400 and "description" in response.json()["error"]
    response = post(
        client,
        url(article, "mention"),
        {**span, "new_entity": {**new, "duplicate": True, "description": "Tobruk government"}},
    )
    assert response.status_code == 201
    assert Entity.objects.get(description="Tobruk government").name == "Libyan Interior Ministry"


@pytest.mark.parametrize(
    ("body", "words", "ok"),
    [
        ("Americans arrived.\nEnd.", "merican", False),
        ("Americans arrived.\nEnd.", "Americans", True),
        ("Americans arrived.\nEnd.", "American", False),
        ("التقى والسراج بالوفد.\nنهاية.", "السراج", True),  # inside its proclitic و
        ("التقى والسراج بالوفد.\nنهاية.", "سراج", True),  # inside وال
        ("التقى والسراج بالوفد.\nنهاية.", "لسراج", False),
        ("التقى والسراج بالوفد.\nنهاية.", "والسرا", False),
    ],
)
def test_half_a_word_is_refused_except_an_arabic_name_inside_its_clitics(
    client, analyst, sarraj, body, words, ok
):
    article = make_article(body=body, language="ar" if "ا" in body else "en")
    start = body.index(words)
    span = {"start": start, "end": start + len(words), "text": words}
    response = post(client, url(article, "mention"), {**span, "entity_id": sarraj.pk})
    assert response.status_code == (201 if ok else 400), response.json()
    if not ok:
        assert "whole words" in response.json()["error"]
    response = post(client, url(article, "claim"), span)
    assert response.status_code == (201 if ok else 400)


def test_crossing_spans_are_refused_and_nested_ones_allowed(client, analyst, sarraj):
    article = make_article()  # "Fayez al-Sarraj met Stephanie Williams in Tripoli."
    make_mention(article, sarraj, "Fayez al-Sarraj")
    body = article.body

    def tag(words):
        start = body.index(words)
        span = {"start": start, "end": start + len(words), "text": words}
        return post(client, url(article, "mention"), {**span, "entity_id": sarraj.pk})

    response = tag("al-Sarraj met")
    assert response.status_code == 400 and "cross" in response.json()["error"]
    assert tag("Fayez al-Sarraj met Stephanie").status_code == 201  # holds it
    assert tag("Fayez").status_code == 201  # inside it
    # A rejected mention is no obstacle.
    Mention.objects.filter(text="Fayez").update(status="rejected")
    assert (
        post(client, url(article, "claim"), {"start": 0, "end": 5, "text": "Fayez"}).status_code
        == 201
    )


def test_a_mention_is_edited_in_place_with_history_and_the_stale_marker_moves(
    client, analyst, sarraj
):
    article = make_article()
    williams = make_entity(name="Stephanie Williams")
    mention = make_mention(article, sarraj, "Fayez al-Sarraj", status="suggested")
    mention.created_by = analyst
    mention.save()
    data = client.get(url(article)).json()["mentions"][0]
    token = data["token"]
    assert (data["status_label"], data["role_label"]) == ("Suggested", "Other")
    body = article.body
    # Narrow by a word, change role, status and entity: one write, one history row.
    response = post(
        client,
        url(article, "edit"),
        {"type": "mention", "id": mention.pk, "token": token, "role": "actor",
         "status": "confirmed", "entity_id": williams.pk,
         "start": body.index("al-Sarraj"), "end": 15, "text": "al-Sarraj"},
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    mention.refresh_from_db()
    assert (mention.text, mention.role, mention.status, mention.entity) == (
        "al-Sarraj", "actor", "confirmed", williams,
    )  # fmt: skip
    assert mention.history.first().history_user == analyst
    assert response.json()["mentions"][0]["token"] != token
    # The old token is stale now.
    again = post(
        client,
        url(article, "edit"),
        {"type": "mention", "id": mention.pk, "token": token, "role": "other"},
    )
    assert again.status_code == 409
    # Half a word or a crossing span is refused here too.
    half = post(
        client, url(article, "edit"),
        {"type": "mention", "id": mention.pk, "token": token_of(mention), "start": 9, "end": 13,
         "text": body[9:13]},
    )  # fmt: skip
    assert half.status_code == 400
    assert "whole words" in half.json()["error"]


def test_a_claim_is_edited_in_place_and_staff_without_change_permission_cannot(
    client, analyst, sarraj
):
    article = make_article()
    claim = make_claim(article, "Fayez al-Sarraj met Stephanie Williams")
    token = client.get(url(article)).json()["claims"][0]["token"]
    response = post(
        client,
        url(article, "edit"),
        {"type": "claim", "id": claim.pk, "token": token, "speaker_id": sarraj.pk,
         "kind": "allegation", "status": "rejected"},
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert (claim.speaker, claim.kind, claim.status) == (sarraj, "allegation", "rejected")
    row = response.json()["claims"][0]
    assert (row["kind_label"], row["status_label"]) == ("Allegation", "Rejected")
    reader = make_user("reader")  # staff, no group: no change permission
    client.force_login(reader)
    response = post(
        client,
        url(article, "edit"),
        {"type": "claim", "id": claim.pk, "token": token_of(claim), "kind": "figure"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "change",
    [
        {"role": "boss"},
        {"status": "deleted"},
        {"start": "x", "end": 5, "text": "Fayez"},
        {"start": 0, "end": 5},  # no text
        {"start": 0, "end": 5, "text": "Wrong"},
        {"start": 0, "end": 99999, "text": "Fayez"},
        {"entity_id": 2**31 - 1},
        {"token": ["x"]},
        {"id": "abc"},
        {"type": "article"},
    ],
)
def test_hostile_edits_get_400_and_change_nothing(client, analyst, sarraj, change):
    article = make_article()
    mention = make_mention(article, sarraj, "Fayez al-Sarraj")
    before = (mention.start, mention.end, mention.role, mention.status, mention.entity_id)
    payload = {"type": "mention", "id": mention.pk, "token": token_of(mention), **change}
    response = post(client, url(article, "edit"), payload)
    assert response.status_code == 400, response.content
    assert response.json()["error"]
    mention.refresh_from_db()
    assert (mention.start, mention.end, mention.role, mention.status, mention.entity_id) == before


def test_the_picker_finds_a_spelling_the_archive_has_not_stored(client, analyst):
    article = make_article(body="Field Marshal Hifter spoke.\nEnd.")
    haftar = make_entity(
        name="Khalifa Haftar", kind="person", aliases={"en": ["Khalifa Haftar", "Haftar"]}
    )
    make_entity(name="Hafez Assad", kind="person", aliases={"en": ["Hafez"]})
    results = client.get(url(article, "entities"), {"q": "Hifter"}).json()["results"]
    assert [(r["id"], r["match"]) for r in results] == [(haftar.pk, "variant")]

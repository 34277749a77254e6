"""The server's words in the analyst's language: the annotator's refusals and reports come
back in Arabic to an Arabic admin (the language cookie or Accept-Language, as on every admin
page) and in English otherwise; the review queue names an article's language instead of
showing its code."""

import json
import re

import pytest
from django.urls import reverse

from archive.models import Mention
from tests.factories import make_article, make_entity, make_mention, make_user

pytestmark = pytest.mark.django_db

ARABIC = re.compile(r"[\u0621-\u064A]")
BODY = "Fayez al-Sarraj met Stephanie Williams in Tripoli.\nNothing else."


def url(article, name=""):
    suffix = f"_{name}" if name else ""
    return reverse(f"admin:archive_article_annotate{suffix}", args=[article.pk])


def post(client, target, payload):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(target, body, content_type="application/json")


def in_language(client, language):
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def analyst(client):
    user = make_user("ana", group="Analyst")
    client.force_login(user)
    return user


@pytest.fixture
def sarraj():
    return make_entity(name="Fayez al-Sarraj", aliases={"en": ["Fayez al-Sarraj"]})


def _span_outside(client, sarraj):
    article = make_article(body=BODY)
    payload = {"start": 0, "end": 99999, "text": "Fayez al-Sarraj", "entity_id": sarraj.pk}
    return post(client, url(article, "mention"), payload)


def _text_differs(client, sarraj):
    article = make_article(body=BODY)
    payload = {"start": 1, "end": 15, "text": "Fayez al-Sarraj", "entity_id": sarraj.pk}
    return post(client, url(article, "mention"), payload)


def _not_json(client, sarraj):
    return post(client, url(make_article(body=BODY), "mention"), "{start: 0")


def _duplicate_entity(client, sarraj):
    article = make_article(body=BODY)
    new = {"name": "Fayez al-Sarraj", "kind": "person"}
    payload = {"start": 0, "end": 15, "text": "Fayez al-Sarraj", "new_entity": new}
    return post(client, url(article, "mention"), payload)


def _someone_elses_mention(client, sarraj):
    article = make_article(body=BODY)
    theirs = make_mention(article, sarraj, "Fayez al-Sarraj", created_by=make_user("other"))
    token = client.get(url(article)).json()["mentions"][0]["token"]
    return post(
        client, url(article, "delete"), {"type": "mention", "id": theirs.pk, "token": token}
    )


REFUSALS = {
    "span outside the text": (
        _span_outside, 400, "The span 0–99999 is outside the article's text.", "0–99999",
    ),
    "text that does not match": (
        _text_differs, 400, "The text at 1–15 reads 'ayez al-Sarraj', not 'Fayez al-Sarraj'.",
        "'Fayez al-Sarraj'",
    ),
    "body that is not JSON": (_not_json, 400, "The request body is not JSON.", "JSON"),
    "duplicate entity": (
        _duplicate_entity, 409,
        "“Fayez al-Sarraj” is already an entity: Fayez al-Sarraj. Tag the words as it, or "
        "confirm that this is a different one and describe the difference.",
        "Fayez al-Sarraj",
    ),
    "deleting someone else's mention": (
        _someone_elses_mention, 403, "You do not have permission to do that.", None,
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", REFUSALS)
def test_a_refusal_reads_in_english_in_the_english_admin(client, analyst, sarraj, case):
    make, status, english, _kept = REFUSALS[case]
    response = make(in_language(client, "en"), sarraj)
    assert response.status_code == status
    assert response.json()["error"] == english


@pytest.mark.parametrize("case", REFUSALS)
def test_a_refusal_reads_in_arabic_in_the_arabic_admin(client, analyst, sarraj, case):
    make, status, english, kept = REFUSALS[case]
    response = make(in_language(client, "ar"), sarraj)
    assert response.status_code == status  # the same refusal, only its words differ
    error = response.json()["error"]
    assert ARABIC.search(error), error
    assert english not in error
    if kept:  # what the message names (offsets, the words, the entity) is still there
        assert kept in error
    assert not Mention.objects.exists() or case == "deleting someone else's mention"


def test_the_language_also_follows_accept_language_when_no_cookie_is_set(client, analyst, sarraj):
    response = _span_outside(client, sarraj)
    assert response.json()["error"] == "The span 0–99999 is outside the article's text."
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ar"
    response = _span_outside(client, sarraj)
    assert response.json()["error"] == "المقطع 0–99999 خارج نص المقالة."


def test_staff_outside_the_analysts_are_refused_in_arabic(client, sarraj):
    client.force_login(make_user("nobody"))
    article = make_article(body=BODY)
    payload = {"start": 0, "end": 15, "text": "Fayez al-Sarraj", "entity_id": sarraj.pk}
    response = post(in_language(client, "ar"), url(article, "mention"), payload)
    assert response.status_code == 403
    assert response.json()["error"] == "ليست لديك صلاحية للقيام بذلك."


def test_a_field_refusal_keeps_the_field_name_in_arabic(client, analyst, sarraj):
    article = make_article(body=BODY)
    payload = {"start": "zero", "end": 15, "text": "Fayez al-Sarraj", "entity_id": sarraj.pk}
    error = post(in_language(client, "ar"), url(article, "mention"), payload).json()["error"]
    assert error == "يجب أن يكون الحقل start عددًا صحيحًا."


def test_what_the_annotator_reports_after_a_write_is_in_arabic_with_arabic_plurals(
    client, analyst, sarraj
):
    in_language(client, "ar")
    article = make_article(body="Fayez al-Sarraj, Fayez al-Sarraj and Fayez al-Sarraj.\nEnd.")
    tag = {"start": 0, "end": 15, "text": "Fayez al-Sarraj", "entity_id": sarraj.pk}
    response = post(client, url(article, "mention"), tag)
    assert response.status_code == 201
    assert response.json()["message"] == "وُسمت «Fayez al-Sarraj» بوصفها Fayez al-Sarraj."
    for occurrence in (1, 2):
        make_mention(article, sarraj, "Fayez al-Sarraj", occurrence=occurrence, status="suggested")
    listed = client.get(url(article)).json()["mentions"]
    waiting = {str(m["id"]): m["token"] for m in listed if m["status"] == "suggested"}
    review = {"ids": [int(pk) for pk in waiting], "tokens": waiting, "status": "confirmed"}
    response = post(client, url(article, "review"), review)
    assert response.status_code == 200
    assert response.json()["message"] == "أُكّدت إشارتان (2)."  # Arabic's dual


def test_the_review_queue_names_the_language_in_the_interface_language(client, analyst, sarraj):
    english = make_article(title="In English", body=BODY)
    arabic = make_article(title="بالعربية", body="فايز السراج في طرابلس.", language="ar")
    make_mention(english, sarraj, "Fayez al-Sarraj", status="suggested")
    other = make_entity(name="Tripoli")
    make_mention(arabic, other, "طرابلس", status="suggested")
    page = "/admin/archive/article/review/"

    html = in_language(client, "ar").get(page).content.decode()
    assert '<data value="en">الإنجليزية</data>' in html
    assert '<data value="ar">العربية</data>' in html
    assert "<td>en</td>" not in html and "<td>ar</td>" not in html

    html = in_language(client, "en").get(page).content.decode()
    assert '<data value="en">English</data>' in html
    assert '<data value="ar">Arabic</data>' in html


def test_tag_every_occurrence_reports_in_arabic_with_the_dual():
    from django.utils import translation

    from archive.services.occurrences import OccurrencesResult

    result = OccurrencesResult(
        name="حفتر", entity_name="Khalifa Haftar", confirmed_here=0, suggested=3, articles=2,
        candidates=2, capped=False, spellings=["حفتر"],
    )  # fmt: skip
    with translation.override("en"):
        assert result.message() == "No more in this article; 3 suggested in 2 other articles."
    with translation.override("ar"):
        assert result.message() == (
            "لا مواضع أخرى في هذه المقالة؛ المواضع المقترحة: 3، في مقالتين أخريين (2)."
        )

"""History of changes, the refusal of stale edits, lists to work from, login protection."""

import pytest
from django.conf import settings
from django.urls import reverse

from archive.models import Claim, Mention
from tests.factories import make_article, make_claim, make_entity, make_mention, make_user

pytestmark = pytest.mark.django_db


def claim_form(claim, token, **changes):
    data = {
        "article": claim.article_id,
        "start": claim.start,
        "end": claim.end,
        "text": claim.text,
        "status": claim.status,
        "speaker": claim.speaker_id or "",
        "kind": claim.kind,
        "date": claim.date or "",
        "verification": claim.verification,
        "note": claim.note,
        "same_as": "",
        "opened_token": token,
        "subject_links-TOTAL_FORMS": 0,
        "subject_links-INITIAL_FORMS": 0,
        "subject_links-MIN_NUM_FORMS": 0,
        "subject_links-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    data.update(changes)
    return data


def opened_token(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["adminform"].form["opened_token"].value()


def test_second_analyst_saving_a_stale_claim_is_told_and_nothing_is_overwritten(client):
    from django.test import Client

    claim = make_claim(make_article(), "met Stephanie Williams")
    url = reverse("admin:archive_claim_change", args=[claim.pk])
    first, second = Client(), client
    first.force_login(make_user("first", group="Analyst"))
    second.force_login(make_user("second", group="Analyst"))
    token_first = opened_token(first, url)
    token_second = opened_token(second, url)

    saved = first.post(url, claim_form(claim, token_first, note="first's note"))
    assert saved.status_code == 302
    refused = second.post(url, claim_form(claim, token_second, note="second's note"))
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "was changed by first since you opened it" in html
    claim.refresh_from_db()
    assert (claim.note, claim.version) == ("first's note", 2)
    # After reloading, the second analyst's change goes through.
    again = second.post(url, claim_form(claim, opened_token(second, url), note="second's note"))
    assert again.status_code == 302
    claim.refresh_from_db()
    assert (claim.note, claim.version) == ("second's note", 3)


def test_stale_mention_edit_is_refused_too(client):
    entity = make_entity()
    mention = make_mention(make_article(), entity, "Fayez al-Sarraj")
    client.force_login(make_user("ana", group="Analyst"))
    url = reverse("admin:archive_mention_change", args=[mention.pk])
    token = opened_token(client, url)
    Mention.objects.get(pk=mention.pk).save()  # someone else saves meanwhile
    data = {
        "article": mention.article_id,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "status": "rejected",
        "entity": entity.pk,
        "role": "actor",
        "opened_token": token,
        "_save": "Save",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "since you opened it" in response.content.decode()
    assert Mention.objects.get(pk=mention.pk).status == "confirmed"


def test_history_shows_who_changed_a_claim_and_when(client):
    claim = make_claim(make_article(), "met Stephanie Williams")
    url = reverse("admin:archive_claim_change", args=[claim.pk])
    client.force_login(make_user("first", group="Analyst"))
    client.post(url, claim_form(claim, opened_token(client, url), verification="disputed"))
    history = client.get(reverse("admin:archive_claim_history", args=[claim.pk]))
    assert history.status_code == 200
    html = history.content.decode()
    assert "first" in html
    record = Claim.history.filter(id=claim.pk).first()
    assert record.history_user.username == "first" and record.verification == "disputed"


def test_annotator_writes_are_in_the_history_with_their_author(client):
    import json

    article = make_article()
    entity = make_entity()
    user = make_user("ana", group="Analyst")
    client.force_login(user)
    client.post(
        reverse("admin:archive_article_annotate_mention", args=[article.pk]),
        json.dumps({"start": 0, "end": 15, "text": "Fayez al-Sarraj", "entity_id": entity.pk}),
        content_type="application/json",
    )
    record = Mention.history.get(article_id=article.pk)
    assert record.history_user == user and record.history_type == "+"


def test_claims_list_filters_by_status_speaker_and_date(client):
    article = make_article()
    sarraj, williams = make_entity(name="Sarraj"), make_entity(name="Williams")
    make_claim(article, "met Stephanie Williams", speaker=sarraj, date="2018-06-01")
    make_claim(article, "in Tripoli", speaker=williams, status="suggested", date="2019-01-01")
    client.force_login(make_user("ana", group="Analyst"))
    url = reverse("admin:archive_claim_changelist")

    def shown(**params):
        result = client.get(url, params).context["cl"].result_list
        return result.filter(article=article).count()  # other test runs may share the DB

    assert shown(status__exact="suggested") == 1
    assert shown(speaker=str(sarraj.pk)) == 1
    assert shown(date__year="2018") == 1
    assert shown(speaker="none") == 0
    for hostile in ["99999999999999999999999", "-1", "abc", "\x00"]:
        assert client.get(url, {"speaker": hostile}).status_code in (200, 302, 400)


def test_login_is_locked_after_too_many_failures_even_with_the_right_password(client):
    make_user("ana", group="Analyst", password="the-right-password-42")
    login = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "ana", "password": "guess"}, REMOTE_ADDR="10.0.0.9")
    response = client.post(
        login, {"username": "ana", "password": "the-right-password-42"}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302  # still not logged in

"""Every annotator write names the stale-edit token of what it changes: edit, review, place
and delete alike. Without it the write is a 400 that names the field; with a token older
than the row, a 409 that changes nothing; with the current one, it goes through."""

import json

import pytest
from django.urls import reverse

from archive import services
from archive.models import Claim, Mention
from archive.services.annotations import claim_update, mention_update
from tests.factories import make_article, make_claim, make_entity, make_mention, make_user

pytestmark = pytest.mark.django_db

SARRAJ = "Fayez al-Sarraj"
WILLIAMS = "Stephanie Williams"


def url(article, name):
    return reverse(f"admin:archive_article_annotate_{name}", args=[article.pk])


def post(client, target, payload):
    return client.post(target, json.dumps(payload), content_type="application/json")


@pytest.fixture
def analyst(client):
    user = make_user("ana", group="Analyst")
    client.force_login(user)
    return user


@pytest.fixture
def rows(analyst):
    """An article with a mention and a claim the analyst made; `orphaned`: both lost their
    words, to be placed again."""
    article = make_article()  # "Fayez al-Sarraj met Stephanie Williams in Tripoli."
    sarraj = make_entity(name=SARRAJ)
    mention = make_mention(article, sarraj, SARRAJ, status="suggested", created_by=analyst)
    claim = make_claim(article, WILLIAMS, created_by=analyst)
    return {"article": article, "mention": mention, "claim": claim}


def token_of(client, article, row) -> str:
    """The token the annotator page holds for `row`: read from the annotations JSON."""
    data = client.get(reverse("admin:archive_article_annotate", args=[article.pk])).json()
    kind = "mentions" if isinstance(row, Mention) else "claims"
    (found,) = [r for r in data[kind] if r["id"] == row.pk]
    return found["token"]


def orphan(row):
    type(row).objects.filter(pk=row.pk).update(is_orphaned=True, start=200, end=200 + len(row.text))


def write(name, row, token):
    """The endpoint and payload of one write to `row`; `token` None leaves it out."""
    kind = "mention" if isinstance(row, Mention) else "claim"
    named = {} if token is None else {"token": token}
    if name == "edit":
        return "edit", {"type": kind, "id": row.pk, "status": "rejected", **named}
    if name == "place":
        start = row.article.body.index(row.text)
        span = {"start": start, "end": start + len(row.text), "text": row.text}
        return "place", {"type": kind, "id": row.pk, **span, **named}
    if name == "delete":
        return "delete", {"type": kind, "id": row.pk, **named}
    assert name == "review" and kind == "mention"
    tokens = {} if token is None else {"tokens": {str(row.pk): token}}
    return "review", {"ids": [row.pk], "status": "confirmed", **tokens}


WRITES = [
    ("edit", "mention"),
    ("edit", "claim"),
    ("place", "mention"),
    ("place", "claim"),
    ("delete", "mention"),
    ("delete", "claim"),
    ("review", "mention"),
]


def stored(row):
    """What the write would change: the row's token, or None once it is deleted."""
    current = type(row).objects.filter(pk=row.pk).first()
    return current and (services.edit_token(current), current.status, current.is_orphaned)


@pytest.mark.parametrize(("name", "kind"), WRITES)
def test_a_write_without_the_token_is_a_400_naming_it_and_changes_nothing(client, rows, name, kind):
    row = rows[kind]
    if name == "place":
        orphan(row)
    before = stored(row)
    route, payload = write(name, row, None)
    response = post(client, url(rows["article"], route), payload)
    assert response.status_code == 400, response.content
    field = "tokens" if name == "review" else "token"
    assert response.json()["error"].startswith(f"{field} is required")
    assert stored(row) == before


@pytest.mark.parametrize(("name", "kind"), WRITES)
@pytest.mark.parametrize("token", ["", None])
def test_an_empty_or_null_token_is_as_good_as_none(client, rows, name, kind, token):
    row = rows[kind]
    if name == "place":
        orphan(row)
    before = stored(row)
    route, payload = write(name, row, "x")
    if name == "review":
        payload["tokens"] = {str(row.pk): token}
    else:
        payload["token"] = token
    response = post(client, url(rows["article"], route), payload)
    assert response.status_code == 400, response.content
    assert "token" in response.json()["error"]
    assert stored(row) == before


@pytest.mark.parametrize(("name", "kind"), WRITES)
def test_a_write_from_a_page_older_than_the_row_is_a_409_and_changes_nothing(
    client, rows, analyst, name, kind
):
    row = rows[kind]
    if name == "place":
        orphan(row)
    token = token_of(client, rows["article"], row)  # the page is loaded
    editor = make_user("ed", group="Editor")
    if kind == "mention":  # someone else changes the row meanwhile
        mention_update(mention=row, user=editor, role="actor")
    else:
        claim_update(claim=row, user=editor, kind="allegation")
    before = stored(row)
    route, payload = write(name, row, token)
    response = post(client, url(rows["article"], route), payload)
    assert response.status_code == 409, response.content
    assert "since the page was loaded" in response.json()["error"]
    assert stored(row) == before

    # With the token as it is now (a reload), the same write goes through.
    route, payload = write(name, row, token_of(client, rows["article"], row))
    assert post(client, url(rows["article"], route), payload).status_code == 200
    assert stored(row) != before


def test_bulk_review_needs_one_token_per_row_and_refuses_all_if_one_is_stale(client, analyst):
    article = make_article()
    rows = [
        make_mention(article, make_entity(name=words), words, status="suggested")
        for words in (SARRAJ, WILLIAMS, "Tripoli")
    ]
    ids = [m.pk for m in rows]
    tokens = {str(m.pk): token_of(client, article, m) for m in rows}

    # One row without its token: refused, naming the row.
    partial = {k: v for k, v in tokens.items() if k != str(ids[1])}
    response = post(
        client, url(article, "review"), {"ids": ids, "status": "rejected", "tokens": partial}
    )
    assert response.status_code == 400
    assert response.json()["error"] == (
        f"tokens has no token for mention {ids[1]}: send the token the page was given "
        "with each mention."
    )
    # Not a map of tokens: refused.
    for bad in (["x"], "x", {str(ids[0]): 1}):
        response = post(
            client, url(article, "review"), {"ids": ids, "status": "rejected", "tokens": bad}
        )
        assert response.status_code == 400 and "tokens" in response.json()["error"]

    # One row changed meanwhile: nothing is written.
    mention_update(mention=rows[2], user=make_user("ed", group="Editor"), role="actor")
    response = post(
        client, url(article, "review"), {"ids": ids, "status": "rejected", "tokens": tokens}
    )
    assert response.status_code == 409
    assert set(Mention.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"suggested"}

    tokens[str(ids[2])] = token_of(client, article, rows[2])
    response = post(
        client, url(article, "review"), {"ids": ids, "status": "rejected", "tokens": tokens}
    )
    assert response.status_code == 200
    assert set(Mention.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"rejected"}


def test_an_edit_without_its_token_no_longer_overwrites_a_newer_change(client, rows):
    mention = rows["mention"]
    editor = make_user("ed", group="Editor")
    mention_update(mention=mention, user=editor, status="rejected")
    response = post(
        client, url(rows["article"], "edit"),
        {"type": "mention", "id": mention.pk, "status": "confirmed"},
    )  # fmt: skip
    assert response.status_code == 400
    assert Mention.objects.get(pk=mention.pk).status == "rejected"


# --- the services: delete and place take the token too ------------------------------------


def test_the_services_refuse_a_stale_delete_or_place(rows, analyst):
    mention, claim = rows["mention"], rows["claim"]
    stale = {row.pk: services.edit_token(row) for row in (mention, claim)}
    mention_update(mention=mention, user=analyst, role="actor")
    claim_update(claim=claim, user=analyst, kind="allegation")
    for row in (mention, claim):
        with pytest.raises(services.StaleEdit):
            services.annotation_delete(annotation=row, user=analyst, token=stale[row.pk])
        assert type(row).objects.filter(pk=row.pk).exists()
    orphan(claim)
    claim = Claim.objects.get(pk=claim.pk)
    span = {"start": 20, "end": 38, "text": WILLIAMS}
    with pytest.raises(services.StaleEdit):
        services.annotation_place(annotation=claim, user=analyst, token=stale[claim.pk], **span)
    assert Claim.objects.get(pk=claim.pk).is_orphaned
    placed = services.annotation_place(
        annotation=claim, user=analyst, token=services.edit_token(claim), **span
    )
    assert (placed.start, placed.is_orphaned) == (20, False)
    services.annotation_delete(annotation=mention, user=analyst, token=services.edit_token(
        Mention.objects.get(pk=mention.pk)
    ))  # fmt: skip
    assert not Mention.objects.filter(pk=mention.pk).exists()

"""A changed article text re-anchors its annotations, wherever the change is made.

The admin's article form and `import_articles --update` share one implementation
(services.article_text_replace); what cannot be placed again is orphaned, and an orphan is
shown on no public surface until an analyst places it again.
"""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from archive import services
from archive.models import Article, Claim, Mention
from tests.factories import make_article, make_claim, make_entity, make_mention, make_user

pytestmark = pytest.mark.django_db

FIXTURES = sorted(str(p) for p in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
SEED = "libyan-government-meets-us-delegation"
IMPORT_DATA = Path(__file__).parent / "data" / "import"


@pytest.fixture
def seeds(db):
    call_command("loaddata", *FIXTURES, verbosity=0)
    return Article.objects.get(slug=SEED)


@pytest.fixture
def editor(client):
    client.force_login(make_user("ed", is_superuser=True))
    return client


def article_form(client, article, **changes) -> dict:
    """The admin change form's data for `article` as the page shows it, with changes."""
    url = reverse("admin:archive_article_change", args=[article.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(changes, _save="Save")
    return data


def fixture_rows(model: str, slug: str) -> int:
    """How many rows of `model` ("archive.mention") the fixtures give the article `slug`."""
    rows = [row for path in FIXTURES for row in json.loads(Path(path).read_text("utf-8"))]
    return sum(row["model"] == model and row["fields"].get("article") == [slug] for row in rows)


def spans(article):
    """{(model, id): (start, end, text, is_orphaned)} of the article's annotations."""
    return {
        (model.__name__, s.pk): (s.start, s.end, s.text, s.is_orphaned)
        for model in (Mention, Claim)
        for s in model.objects.filter(article=article)
    }


# -- 1. a body edited in the admin -----------------------------------------------------------


def test_a_sentence_added_in_the_admin_keeps_every_mention_and_claim_on_its_words(seeds, editor):
    article = seeds
    before = spans(article)
    # Every annotation the fixtures give the article is loaded, and there is one at least.
    for model in (Mention, Claim):
        loaded = fixture_rows(f"archive.{model.__name__.lower()}", SEED)
        assert loaded > 0 and sum(key[0] == model.__name__ for key in before) == loaded
    old_body = article.body
    new_body = "A sentence the editor added at the top.\n" + old_body
    url = reverse("admin:archive_article_change", args=[article.pk])
    response = editor.post(url, article_form(editor, article, body=new_body))
    assert response.status_code == 302, response.content.decode()[:2000]

    article.refresh_from_db()
    assert article.body == new_body
    after = spans(article)
    assert after.keys() == before.keys()
    shift = len("A sentence the editor added at the top.\n")
    for key, (start, end, text, orphaned) in after.items():
        old_start, old_end, old_text, _ = before[key]
        assert not orphaned, key
        assert text == old_text, key  # the same words as before …
        assert article.body[start:end] == text, key  # … where the body now holds them
        assert (start, end) == (old_start + shift, old_end + shift), key
    sarraj = Mention.objects.filter(article=article, entity__slug__contains="sarraj").first()
    assert sarraj.text == article.body[sarraj.start : sarraj.end] != "in the capital "
    assert article.sha256 == Article.text_sha256(new_body)
    assert "editor added" in article.body_search.lower()
    # The old text stays in the history, with who replaced it.
    history = Article.history.filter(id=article.pk)
    assert old_body in set(history.values_list("body", flat=True))
    assert history.first().history_user.username == "ed"
    moved = Mention.history.filter(article_id=article.pk, history_type="~").first()
    assert moved.history_change_reason and moved.history_user.username == "ed"


def test_words_removed_in_the_admin_orphan_their_annotations_and_the_rest_is_kept(editor):
    article = make_article(body="Fayez al-Sarraj met Stephanie Williams in Tripoli.\nThen talks.")
    sarraj = make_mention(article, make_entity(name="Sarraj"), "Fayez al-Sarraj")
    tripoli = make_mention(article, make_entity(name="Tripoli", kind="place"), "Tripoli")
    claim = make_claim(article, "met Stephanie Williams")
    new_body = "Fayez al-Sarraj met Stephanie Williams in Misrata.\nThen talks."
    url = reverse("admin:archive_article_change", args=[article.pk])
    assert editor.post(url, article_form(editor, article, body=new_body)).status_code == 302

    sarraj.refresh_from_db(), tripoli.refresh_from_db(), claim.refresh_from_db()
    assert not sarraj.is_orphaned and new_body[sarraj.start : sarraj.end] == "Fayez al-Sarraj"
    assert not claim.is_orphaned and new_body[claim.start : claim.end] == claim.text
    assert tripoli.is_orphaned and tripoli.text == "Tripoli"  # kept, flagged, not lost


def test_reverting_to_an_earlier_text_from_the_history_page_moves_the_mentions_back(editor):
    article = make_article(body="Fayez al-Sarraj met envoys.\nStephanie Williams spoke.")
    williams = make_mention(article, make_entity(name="Williams"), "Stephanie Williams")
    original = (williams.start, williams.end)
    url = reverse("admin:archive_article_change", args=[article.pk])
    new_body = "A new lead.\n" + article.body
    assert editor.post(url, article_form(editor, article, body=new_body)).status_code == 302
    williams.refresh_from_db()
    assert (williams.start, williams.end) != original
    first = Article.history.filter(id=article.pk).order_by("history_date").first()
    revert = reverse("admin:archive_article_simple_history", args=[article.pk, first.pk])
    form = editor.get(revert).context["adminform"].form
    assert form["body"].value() == "Fayez al-Sarraj met envoys.\nStephanie Williams spoke."
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    assert editor.post(revert, {**data, "_save": "Save"}).status_code == 302

    article.refresh_from_db()
    williams.refresh_from_db()
    assert article.body.startswith("Fayez")
    assert (williams.start, williams.end) == original
    assert article.body[williams.start : williams.end] == "Stephanie Williams"


def test_a_body_sent_back_with_browser_line_endings_is_not_a_change(editor):
    article = make_article(body="Fayez al-Sarraj met envoys.\nStephanie Williams spoke.")
    williams = make_mention(article, make_entity(name="Williams"), "Stephanie Williams")
    url = reverse("admin:archive_article_change", args=[article.pk])
    data = article_form(editor, article, title="A new title")
    data["body"] = data["body"].replace("\n", "\r\n")  # what a browser's textarea sends
    assert editor.post(url, data).status_code == 302

    article.refresh_from_db()
    assert article.title == "A new title"
    assert "\r" not in article.body
    williams.refresh_from_db()
    assert article.body[williams.start : williams.end] == "Stephanie Williams"


def test_the_service_is_what_the_import_uses_and_takes_a_user(seeds):
    user = make_user("svc")
    article = Article.objects.get(pk=seeds.pk)
    before = spans(article)
    result = services.article_text_replace(
        article=article, body="New lead.\n" + article.body, user=user
    )
    assert result.orphaned == []
    after = spans(article)
    assert all(after[key][2] == before[key][2] for key in before)
    assert all(article.body[s:e] == t for s, e, t, _ in after.values())
    assert Article.history.filter(id=article.pk).first().history_user == user


def test_a_mention_moving_onto_the_old_span_of_its_entitys_next_mention_does_not_collide():
    """Saved one by one, the first would take the second's place while the second still
    holds it (a unique-span violation), unless they are moved aside first."""
    article = make_article(body="Haftar met envoys. Haftar left.")
    haftar = make_entity(name="Haftar")
    first = make_mention(article, haftar, "Haftar")
    second = make_mention(article, haftar, "Haftar", occurrence=1)
    # A lead exactly as long as the distance between the two names: the first moves onto
    # the second's old span.
    lead = "Nothing new today. "
    old = (first.start, second.start)
    assert len(lead) == old[1] - old[0]
    services.article_text_replace(article=article, body=lead + article.body)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.start, second.start) == (old[0] + len(lead), old[1] + len(lead))
    assert first.start == old[1]
    assert not first.is_orphaned and not second.is_orphaned


def test_import_update_moves_mentions_onto_each_others_old_spans_without_an_error(tmp_path):
    shutil.copy(IMPORT_DATA / "good.txt", tmp_path / "good.txt")
    (tmp_path / "manifest.toml").write_text(
        '[[article]]\nfile = "good.txt"\nlanguage = "en"\nslug = "talks"\n', encoding="utf-8"
    )
    call_command("import_articles", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    article = Article.objects.get(slug="talks")
    Mention.objects.filter(article=article).delete()
    body = article.body
    word = "Williams"
    first_at = body.index(word)
    second_at = body.index(word, first_at + 1)
    williams = make_entity(name="Stephanie Williams")
    for at in (first_at, second_at):
        Mention.objects.create(
            article=article, entity=williams, start=at, end=at + len(word), text=word
        )
    # A first paragraph exactly as long as the distance between the two names.
    gap = second_at - first_at
    lead = ("x" * (gap - 1)) + "\n"
    raw = (tmp_path / "good.txt").read_text(encoding="utf-8")
    title, rest = raw.split("\n", 1)
    (tmp_path / "good.txt").write_text(f"{title}\n{lead}{rest}", encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", str(tmp_path), "--update", stdout=out, stderr=err)
    except CommandError:
        pytest.fail(err.getvalue())
    assert "1 updated" in out.getvalue()
    article.refresh_from_db()
    for mention in Mention.objects.filter(article=article):
        assert not mention.is_orphaned
        assert article.body[mention.start : mention.end] == word


# -- 2. orphans are on no public surface -----------------------------------------------------


@pytest.fixture
def orphans():
    """A public article with one placed and one orphaned mention and claim each."""
    article = make_article(
        slug="talks", body="Fayez al-Sarraj met Stephanie Williams in Tripoli.\nNothing else."
    )
    placed = make_entity(name="Fayez al-Sarraj", slug="placed-person")
    lost = make_entity(name="Lost Person", slug="lost-person")
    make_mention(article, placed, "Fayez al-Sarraj")
    # Where the old text had them: the words are gone from this one.
    orphan = Mention.objects.create(
        article=article, entity=lost, start=60, end=68, text="Thursday",
        status="confirmed", is_orphaned=True,
    )  # fmt: skip
    kept_claim = make_claim(article, "met Stephanie Williams", speaker=placed)
    lost_claim = Claim.objects.create(
        article=article, start=70, end=89, text="We will never agree", speaker=lost,
        kind="direct_quote", status="confirmed", is_orphaned=True,
    )  # fmt: skip
    lost_claim.about.add(placed)
    cache.clear()  # the home page's ranking is cached
    return article, orphan, kept_claim, lost_claim


def test_an_orphaned_mention_and_claim_are_not_on_the_article_page(client, orphans):
    article, _, kept, _ = orphans
    html = client.get(article.get_absolute_url()).content.decode()
    assert "placed-person" in html
    assert "lost-person" not in html and "Lost Person" not in html
    assert "We will never agree" not in html and "Thursday" not in html


def test_an_orphaned_mention_and_claim_are_not_in_the_api(client, orphans):
    article, orphan, kept, lost = orphans
    detail = client.get(f"/api/articles/{article.slug}/").json()
    assert [m["entity"]["slug"] for m in detail["mentions"]] == ["placed-person"]
    assert [c["text"] for c in detail["claims"]] == [kept.text]
    collection = client.get(f"/api/articles/{article.slug}/annotations/").json()
    assert collection["total"] == 2
    page = str(collection)
    assert "Thursday" not in page and "We will never agree" not in page
    claims = client.get("/api/claims/").json()
    assert [c["text"] for c in claims["results"]] == [kept.text]
    assert client.get(f"/api/claims/{lost.pk}/").status_code == 404
    assert client.get(f"/api/claims/{kept.pk}/").status_code == 200


def test_an_orphaned_claim_is_not_on_the_claims_pages(client, orphans):
    _, _, kept, lost = orphans
    listing = client.get("/claims/").content.decode()
    assert f"/claims/{kept.pk}/" in listing
    assert f"/claims/{lost.pk}/" not in listing and "We will never agree" not in listing
    assert client.get(f"/claims/{lost.pk}/").status_code == 404
    assert client.get(f"/claims/{kept.pk}/").status_code == 200
    about = client.get("/claims/?about=placed-person").content.decode()
    assert "We will never agree" not in about


def test_an_entity_named_only_by_orphans_is_on_no_entity_page_feed_search_or_home(client, orphans):
    assert client.get("/people/lost-person/").status_code == 404
    assert client.get("/people/lost-person/feed/").status_code == 404
    assert "lost-person" not in client.get("/people/").content.decode()
    assert "lost-person" not in client.get("/").content.decode()
    assert "lost-person" not in client.get("/search/?q=Lost+Person").content.decode()
    assert client.get("/api/articles/?entity=lost-person").json()["count"] == 0
    placed = client.get("/people/placed-person/").content.decode()
    assert "We will never agree" not in placed  # not among the claims about them


def test_an_orphan_placed_again_in_the_admin_is_no_longer_orphaned_and_shows(client, orphans):
    article, orphan, _, _ = orphans
    client.force_login(make_user("ana", group="Analyst"))
    url = reverse("admin:archive_mention_change", args=[orphan.pk])
    token = client.get(url).context["adminform"].form["opened_token"].value()
    start = article.body.index("Stephanie Williams")
    data = {
        "article": article.pk,
        "entity": orphan.entity_id,
        "start": start,
        "end": start + len("Stephanie Williams"),
        "text": "Stephanie Williams",
        "status": "confirmed",
        "role": "other",
        "is_orphaned": "on",  # the box was ticked when the page opened
        "opened_token": token,
        "_save": "Save",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    orphan.refresh_from_db()
    assert not orphan.is_orphaned and orphan.text == "Stephanie Williams"
    assert "lost-person" in client.get(article.get_absolute_url()).content.decode()


def test_an_orphan_edited_in_the_admin_without_placing_it_stays_orphaned(client, orphans):
    """A note on an orphaned claim can be saved: its stale words are not an error."""
    _, _, _, lost = orphans
    client.force_login(make_user("ana", group="Analyst"))
    url = reverse("admin:archive_claim_change", args=[lost.pk])
    token = client.get(url).context["adminform"].form["opened_token"].value()
    data = {
        "article": lost.article_id,
        "start": lost.start,
        "end": lost.end,
        "text": lost.text,
        "status": lost.status,
        "is_orphaned": "on",
        "speaker": lost.speaker_id,
        "kind": lost.kind,
        "date": "",
        "verification": lost.verification,
        "note": "Look for it in the new text.",
        "same_as": "",
        "opened_token": token,
        "subject_links-TOTAL_FORMS": 0,
        "subject_links-INITIAL_FORMS": 0,
        "subject_links-MIN_NUM_FORMS": 0,
        "subject_links-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    lost.refresh_from_db()
    assert lost.is_orphaned and lost.note == "Look for it in the new text."
    # Moving it onto words that are not there is still refused.
    token = client.get(url).context["adminform"].form["opened_token"].value()
    response = client.post(
        url, {**data, "start": 0, "end": 5, "text": "Wrong", "opened_token": token}
    )
    assert response.status_code == 200 and "reads" in response.content.decode()


# -- 3. sha256 of articles made in the admin -------------------------------------------------


def test_an_article_added_in_the_admin_gets_the_sha256_of_its_body(editor):
    body = "Fayez al-Sarraj met envoys.\nThe talks went on."
    response = editor.post(
        reverse("admin:archive_article_add"),
        {
            "title": "Made in the admin",
            "slug": "made-in-the-admin",
            "body": body,
            "language": "en",
            "published_precision": "day",
            "is_public": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="made-in-the-admin")
    assert article.body == body
    assert article.sha256 == Article.text_sha256(body)
    out, err = StringIO(), StringIO()
    call_command("verify_fixity", stdout=out, stderr=err)
    assert "made-in-the-admin" not in err.getvalue()


def test_saving_other_fields_does_not_hide_a_tampered_body():
    article = make_article(body="The original text.")
    assert article.sha256 == Article.text_sha256("The original text.")
    Article.objects.filter(pk=article.pk).update(body="Tampered.")
    tampered = Article.objects.get(pk=article.pk)
    tampered.title = "Retitled"
    tampered.save()
    tampered.refresh_from_db()
    assert tampered.sha256 == Article.text_sha256("The original text.")  # still shows it

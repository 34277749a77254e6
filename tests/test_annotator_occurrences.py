"""The annotator's "New entity", alias box and "Tag every occurrence", on the server:
a spelling of a known name offers the known entity, the words become an alias only when
asked, and one action tags a name in its article and suggests it across the archive."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive import services
from archive.models import Alias, Entity, Mention
from archive.services import occurrences
from tests.factories import make_article, make_entity, make_mention, make_user

pytestmark = pytest.mark.django_db


def url(article, name=""):
    suffix = f"_{name}" if name else ""
    return reverse(f"admin:archive_article_annotate{suffix}", args=[article.pk])


def post(client, target, payload):
    return client.post(target, json.dumps(payload), content_type="application/json")


def span(article, words, n=0):
    start = -1
    for _ in range(n + 1):
        start = article.body.index(words, start + 1)
    return {"start": start, "end": start + len(words), "text": words}


@pytest.fixture
def analyst(client):
    user = make_user("ana", group="Analyst")
    client.force_login(user)
    return user


@pytest.fixture
def haftar():
    return make_entity(
        name="Khalifa Haftar", name_ar="خليفة حفتر", kind="person",
        description="Commander of the LNA", aliases={"en": ["Khalifa Haftar"]},
    )  # fmt: skip


def aliases(entity):
    return set(Alias.objects.filter(entity=entity).values_list("name", "language"))


# --- 1. a new entity under a spelling of a known name ------------------------------------


def test_a_new_entity_spelled_like_a_known_one_offers_it_and_makes_nothing(client, analyst, haftar):
    article = make_article(body="Khalifa Hifter met the envoy.\nEnd.")
    new = {"name": "Khalifa Hifter", "kind": "person"}
    response = post(
        client, url(article, "mention"), {**span(article, "Khalifa Hifter"), "new_entity": new}
    )
    assert response.status_code == 409
    body = response.json()
    assert "spelling of Khalifa Haftar" in body["error"]
    assert [e["id"] for e in body["existing"]] == [haftar.pk]
    # The words are a spelling of its name: the alias box would start unticked.
    assert body["existing"][0]["words"] == "spelling"
    assert Entity.objects.count() == 1 and not Mention.objects.exists()
    # The analyst can still make a second one, told apart by a description.
    new = {**new, "duplicate": True, "description": "A namesake in Misrata"}
    response = post(
        client, url(article, "mention"), {**span(article, "Khalifa Hifter"), "new_entity": new}
    )
    assert response.status_code == 201
    assert Entity.objects.get(description="A namesake in Misrata").name == "Khalifa Hifter"


def test_the_picker_says_how_the_selected_words_stand_to_each_entity(client, analyst, haftar):
    article = make_article(body="Hifter and Haftar and Khalifa Haftar and the Field Marshal.\n")

    def words(q, selected):
        results = client.get(url(article, "entities"), {"q": q, "words": selected}).json()
        return {r["id"]: r["words"] for r in results["results"]}

    assert words("Haftar", "Khalifa Haftar") == {haftar.pk: "name"}
    assert words("Haftar", "خليفة حفتر") == {haftar.pk: "name"}  # its own Arabic name
    assert words("Haftar", "Khalifa Hifter") == {haftar.pk: "spelling"}
    assert words("Haftar", "Haftar") == {haftar.pk: "part"}
    assert words("Haftar", "the Field Marshal") == {haftar.pk: "new"}
    # Without the words, nothing is said.
    results = client.get(url(article, "entities"), {"q": "Haftar"}).json()["results"]
    assert results[0]["words"] is None


# --- 2. the selected words become an alias only when asked --------------------------------


def test_tagging_an_existing_entity_adds_no_alias_unless_asked(client, analyst, haftar):
    article = make_article(body="The Field Marshal spoke, then the Field Marshal left.\n")
    before = aliases(haftar)
    payload = {**span(article, "Field Marshal"), "entity_id": haftar.pk}
    assert post(client, url(article, "mention"), payload).status_code == 201
    assert aliases(haftar) == before
    # Asked: exactly the words, in the article's language, made by an analyst.
    payload = {**span(article, "Field Marshal", 1), "entity_id": haftar.pk, "add_alias": True}
    response = post(client, url(article, "mention"), payload)
    assert response.status_code == 201
    assert aliases(haftar) == before | {("Field Marshal", "en")}
    assert Alias.objects.get(entity=haftar, name="Field Marshal").origin == "analyst"
    assert "Added “Field Marshal” as an alias of Khalifa Haftar." in response.json()["message"]


def test_asking_for_an_alias_the_entity_has_adds_nothing(client, analyst, haftar):
    article = make_article(body="Khalifa Haftar spoke.\n")
    before = aliases(haftar)
    payload = {**span(article, "Khalifa Haftar"), "entity_id": haftar.pk, "add_alias": True}
    response = post(client, url(article, "mention"), payload)
    assert response.status_code == 201 and "Added" not in response.json()["message"]
    assert aliases(haftar) == before


def test_a_new_entity_gets_the_words_as_an_alias_only_when_asked(client, analyst):
    article = make_article(language="ar", body="التقى حميدتي بالوفد.\nثم غادر حميدتي.")
    new = {"name": "Mohamed Hamdan Dagalo", "kind": "person"}
    payload = {**span(article, "حميدتي"), "new_entity": new}
    assert post(client, url(article, "mention"), payload).status_code == 201
    dagalo = Entity.objects.get(name="Mohamed Hamdan Dagalo")
    assert aliases(dagalo) == {("Mohamed Hamdan Dagalo", "en")}
    new = {"name": "Abdel Fattah al-Burhan", "kind": "person"}
    payload = {**span(article, "حميدتي", 1), "new_entity": new, "add_alias": True}
    assert post(client, url(article, "mention"), payload).status_code == 201
    burhan = Entity.objects.get(name="Abdel Fattah al-Burhan")
    assert aliases(burhan) == {("Abdel Fattah al-Burhan", "en"), ("حميدتي", "ar")}


@pytest.mark.parametrize("value", ["yes", [True], {"a": 1}, 2])
def test_a_hostile_add_alias_is_refused_and_changes_nothing(client, analyst, haftar, value):
    article = make_article(body="The Field Marshal spoke.\n")
    payload = {**span(article, "Field Marshal"), "entity_id": haftar.pk, "add_alias": value}
    response = post(client, url(article, "mention"), payload)
    assert response.status_code == 400 and "add_alias" in response.json()["error"]
    assert not Mention.objects.exists() and ("Field Marshal", "en") not in aliases(haftar)


# --- the picker offers names not in the archive yet ---------------------------------------


def test_the_picker_offers_names_that_recur_in_the_texts_and_belong_to_no_entity(
    client, analyst, haftar
):
    from django.core.cache import cache

    cache.clear()
    for n in range(3):
        make_article(
            slug=f"hemedti-{n}", is_public=True,
            body=f"Commander Hemedti spoke in Khartoum on day {n}. Hemedti said the war goes on.",
        )  # fmt: skip
    article = make_article()
    # Nothing listed yet: the picker never reads the texts itself.
    assert client.get(url(article, "entities"), {"q": "Hemed"}).json()["unknown"] == []
    # The admin's Unknown names page lists them (and keeps the list): the picker offers them.
    page = client.get(reverse("admin:archive_nameproposal_unknown"))
    assert page.status_code == 200 and "Hemedti" in page.content.decode()
    body = client.get(url(article, "entities"), {"q": "Hemed"}).json()
    assert [u["name"] for u in body["unknown"]] == ["Hemedti"]
    assert body["unknown"][0]["articles"] == 3 and body["unknown"][0]["unknown"] is True
    # A name an entity has is not offered again as unknown, though the list is kept a while.
    assert client.get(url(article, "entities"), {"q": "Khalifa"}).json()["unknown"] == []
    make_entity(name="Mohamed Hamdan Dagalo", aliases={"en": ["Hemedti"]})
    assert client.get(url(article, "entities"), {"q": "Hemed"}).json()["unknown"] == []


# --- 3. "Tag every occurrence" ------------------------------------------------------------


@pytest.fixture
def archive_of_haftar(haftar):
    """The article the analyst is in, and others that name Haftar in several spellings."""
    here = make_article(
        slug="here",
        body="Hifter met the envoy. Later Hifter spoke.\n"
        "Saddam Haftar, his son, was there. Khalifa Haftar left. Haftar returned.",
    )
    son = make_entity(name="Saddam Haftar", aliases={"en": ["Saddam Haftar"]})
    # What the importer's matcher suggested: the longest names, the son's among them.
    make_mention(here, son, "Saddam Haftar", status="suggested")
    make_mention(here, haftar, "Khalifa Haftar", status="suggested")
    other = make_article(slug="other", body="Haftar and Hifter and Hafter. Nobody else.\n")
    hidden = make_article(slug="hidden", is_public=False, body="Hifter was seen in Benghazi.\n")
    rejected = make_article(slug="rejected", body="Hifter spoke. Hifter left.\n")
    make_mention(rejected, haftar, "Hifter", status="rejected")  # the first, at 0–6
    unrelated = make_article(slug="unrelated", body="Nothing about him here.\n")
    return {
        "here": here,
        "other": other,
        "hidden": hidden,
        "rejected": rejected,
        "unrelated": unrelated,
    }


def test_tag_every_occurrence_confirms_here_and_suggests_elsewhere_with_counts(
    client, analyst, haftar, archive_of_haftar
):
    here = archive_of_haftar["here"]
    first = make_mention(here, haftar, "Hifter", status="suggested")
    response = post(
        client,
        url(here, "occurrences"),
        {"type": "mention", "id": first.pk, "token": services.edit_token(first)},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    # This article: the mention itself, the second Hifter and the last Haftar (a spelling);
    # not the son's surname, which his suggested mention holds, nor the words inside
    # "Khalifa Haftar", a longer name of his that stays for review.
    confirmed = list(
        Mention.objects.filter(article=here, entity=haftar, status="confirmed")
        .order_by("start")
        .values_list("text", "start")
    )
    assert confirmed == [
        ("Hifter", 0),
        ("Hifter", here.body.index("Hifter", 1)),
        ("Haftar", here.body.rindex("Haftar")),
    ]
    assert Mention.objects.get(article=here, text="Khalifa Haftar").status == "suggested"
    assert Mention.objects.filter(article=here).count() == 5
    more_here = 2
    assert body["occurrences"]["here"] == more_here
    # Elsewhere: suggestions, for the review queue, in hidden articles too; the rejected
    # span stays rejected, and an article without the name is not touched.
    other, hidden = archive_of_haftar["other"], archive_of_haftar["hidden"]
    rejected, unrelated = archive_of_haftar["rejected"], archive_of_haftar["unrelated"]
    assert set(
        Mention.objects.filter(article=other, entity=haftar).values_list("text", "status")
    ) == {("Haftar", "suggested"), ("Hifter", "suggested"), ("Hafter", "suggested")}
    assert Mention.objects.get(article=hidden, entity=haftar).status == "suggested"
    assert list(
        Mention.objects.filter(article=rejected, entity=haftar)
        .order_by("start")
        .values_list("start", "status")
    ) == [(0, "rejected"), (rejected.body.index("Hifter", 1), "suggested")]
    assert not Mention.objects.filter(article=unrelated).exists()
    assert body["occurrences"]["suggested"] == 5
    assert body["occurrences"]["articles"] == 3
    assert body["message"] == (
        f"Tagged {more_here} more in this article; 5 suggested in 3 other articles."
    )
    # The page's annotations come back with it.
    shown = [(m["text"], m["status"]) for m in body["mentions"] if m["entity"]["id"] == haftar.pk]
    assert shown.count(("Hifter", "confirmed")) == 2


def test_tagging_every_occurrence_again_adds_nothing(client, analyst, haftar, archive_of_haftar):
    here = archive_of_haftar["here"]
    first = make_mention(here, haftar, "Hifter")
    payload = {"type": "mention", "id": first.pk}
    post(client, url(here, "occurrences"), {**payload, "token": services.edit_token(first)})
    count = Mention.objects.count()
    first.refresh_from_db()
    response = post(
        client, url(here, "occurrences"), {**payload, "token": services.edit_token(first)}
    )
    assert response.status_code == 200
    assert response.json()["message"] == (
        "No more in this article; 0 suggested in 0 other articles."
    )
    assert Mention.objects.count() == count


def test_tag_every_occurrence_refuses_a_stale_page_and_a_rejected_mention(
    client, analyst, haftar, archive_of_haftar
):
    here = archive_of_haftar["here"]
    first = make_mention(here, haftar, "Hifter", status="suggested")
    stale = services.edit_token(first)
    services.mention_reject(mention=first)
    count = Mention.objects.count()
    response = post(
        client, url(here, "occurrences"), {"type": "mention", "id": first.pk, "token": stale}
    )
    assert response.status_code == 409
    first.refresh_from_db()
    response = post(
        client,
        url(here, "occurrences"),
        {"type": "mention", "id": first.pk, "token": services.edit_token(first)},
    )
    assert response.status_code == 400 and "rejected" in response.json()["error"]
    response = post(client, url(here, "occurrences"), {"type": "mention", "id": first.pk})
    assert response.status_code == 400 and "token" in response.json()["error"]
    assert Mention.objects.count() == count


def test_staff_who_may_only_view_cannot_tag_every_occurrence(client, haftar, archive_of_haftar):
    here = archive_of_haftar["here"]
    first = make_mention(here, haftar, "Hifter")
    viewer = make_user("vera")
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "view_mention"])
    )
    client.force_login(viewer)
    count = Mention.objects.count()
    response = post(
        client,
        url(here, "occurrences"),
        {"type": "mention", "id": first.pk, "token": services.edit_token(first)},
    )
    assert response.status_code == 403
    assert Mention.objects.count() == count


def test_other_articles_are_found_by_the_full_text_index_and_read_in_a_bounded_batch(
    haftar, archive_of_haftar, monkeypatch
):
    here = archive_of_haftar["here"]
    first = make_mention(here, haftar, "Hifter")
    assert occurrences.known_spellings(entity_id=haftar.pk, name="Hifter")[0] == "Hifter"
    ids, capped = occurrences.candidate_articles(spellings=["Hifter"], exclude=here.pk)
    by_slug = {slug: a.pk for slug, a in archive_of_haftar.items()}
    assert set(ids) == {by_slug["other"], by_slug["hidden"], by_slug["rejected"]}
    assert not capped
    # Past the cap: the newest are read, and the message says the rest was not.
    monkeypatch.setattr(occurrences, "CANDIDATES", 1)
    result = occurrences.occurrences_tag(mention=first)
    assert result.capped and result.candidates == 1
    assert "Only the newest 1 articles" in result.message()
    # Reading the candidates is a fixed number of queries, however many there are.
    with CaptureQueriesContext(connection) as ctx:
        occurrences.candidate_articles(spellings=["Hifter", "Haftar"], exclude=here.pk)
    assert len(ctx) <= 2

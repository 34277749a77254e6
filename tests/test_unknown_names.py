"""Unknown names: what recurs in the public texts and no entity has, grouped across
spellings and scripts; measured on a topic the archive has never seen
(tests/data/newtopic/, the war in Yemen), with none of its entities made."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from archive.models import Alias, Article, Entity
from archive.services.names import unknown_name_adopt, unknown_names
from archive.text.arabic import is_arabic
from archive.text.candidates import group_key
from tests.factories import make_article, make_entity, make_source

pytestmark = pytest.mark.django_db

NEWTOPIC = Path(__file__).parent / "data" / "newtopic"
TOP = 30


def _load_newtopic():
    data = json.loads((NEWTOPIC / "articles.json").read_text(encoding="utf-8"))
    source = make_source(name="Yemen outlets", slug="yemen-outlets")
    Article.objects.bulk_create(
        Article(
            slug=a["id"],
            title=a["title"],
            body=a["text"],
            language=a["language"],
            source=source,
            is_public=True,
        )
        for a in data["articles"]
    )
    entities = json.loads((NEWTOPIC / "entities.json").read_text(encoding="utf-8"))["entities"]
    return entities


def _ranks(rows, entities) -> dict[str, int | None]:
    """The rank (1-based) of the first row holding a spelling with one of the entity's keys."""
    keyed = [{group_key(s) for s in row["spellings"]} for row in rows]
    ranks = {}
    for entity in entities:
        keys = {group_key(entity["name"]), group_key(entity["name_ar"])} - {""}
        ranks[entity["slug"]] = next(
            (i for i, row_keys in enumerate(keyed, start=1) if row_keys & keys), None
        )
    return ranks


# The goal is 80% (16 of 19), reached: UAE is one row with United Arab Emirates (its
# initials). The three left out are not names a text writes the way the analyst wrote
# them: two descriptive names (Saudi-led coalition, Government of Yemen) and Hadi, whose
# texts spell Abedrabbo Mansour Hadi (a key without the final h of Abdrabbuh).
REACHED = 16


def test_unknown_names_rank_16_of_the_19_key_entities_of_a_new_topic_in_the_first_30():
    entities = _load_newtopic()
    assert not Entity.objects.exists()
    out = StringIO()
    call_command("unknown_names", "--limit", str(TOP), "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == TOP
    for row in rows:
        assert {"name", "language", "count", "articles", "spellings"} <= set(row)
        assert row["spellings"] and row["articles"]
    ranks = _ranks(rows, entities)
    found = sorted(slug for slug, rank in ranks.items() if rank)
    assert len(found) >= REACHED, ranks


def test_spellings_across_scripts_a_definition_and_a_surname_are_one_row():
    _load_newtopic()
    rows = unknown_names(limit=30)
    assert any({"Yemen", "Yémen"} <= set(row.spellings) for row in rows)
    assert any(
        any(is_arabic(s) for s in row.spellings) and not all(is_arabic(s) for s in row.spellings)
        for row in rows
    )
    stc = next(row for row in rows if "STC" in row.spellings)
    assert "Southern Transitional Council" in stc.spellings  # Southern ... Council (STC)
    zubaidi = next(row for row in rows if "Aidarous al-Zubaidi" in row.spellings)
    assert "Zubaidi" in zubaidi.spellings  # only ever after the full name


def test_names_an_entity_has_in_any_spelling_are_not_unknown():
    body = "Hemedti spoke in Khartoum. Hemedti and Burhan met in Khartoum."
    for _ in range(2):
        make_article(body=body, language="en")
    names = {row.name for row in unknown_names()}
    assert {"Hemedti", "Khartoum", "Burhan"} <= names
    make_entity(name="Mohamed Hamdan Dagalo", aliases={"en": ["Hemeti"]})  # a spelling
    make_entity(name="Khartoum", kind="place", slug="khartoum")  # its own name
    names = {row.name for row in unknown_names()}
    assert "Burhan" in names
    assert not {"Hemedti", "Khartoum"} & names


def test_hidden_articles_are_not_read():
    for _ in range(3):
        make_article(body="Zorbanian met Quelloran in Vantrask.", language="en", is_public=False)
    assert unknown_names() == []
    out = StringIO()
    call_command("unknown_names", "--json", stdout=out)
    assert json.loads(out.getvalue()) == []
    out = StringIO()
    call_command("unknown_names", stdout=out)
    assert "No unknown name" in out.getvalue()


def test_the_command_prints_a_table_and_filters_by_language():
    for _ in range(2):
        make_article(body="Burhan met Hemedti in Khartoum.", language="en")
        make_article(body="التقى البرهان في الخرطوم.", language="ar")
    out = StringIO()
    call_command("unknown_names", "--language", "en", "--limit", "5", stdout=out)
    text = out.getvalue()
    assert text.splitlines()[0].split()[:2] == ["name", "lang"]
    assert "Khartoum" in text
    out = StringIO()
    call_command("unknown_names", "--language", "en", "--json", stdout=out)
    assert {row["language"] for row in json.loads(out.getvalue())} == {"en"}


def test_adopt_makes_an_entity_with_its_spellings_or_adds_them_to_one():
    entity = unknown_name_adopt(
        name="Khartoum", spellings=["Khartoum", "الخرطوم", "Khartum"], kind="place", language="en"
    )
    assert entity.kind == "place" and entity.name == "Khartoum"
    names = set(Alias.objects.filter(entity=entity).values_list("name", "language"))
    assert {("Khartoum", "en"), ("الخرطوم", "ar"), ("Khartum", "en")} <= names
    other = make_entity(name="Mohamed Hamdan Dagalo")
    assert unknown_name_adopt(name="Hemedti", spellings=["Hemeti"], entity=other) == other
    assert {"Hemedti", "Hemeti"} <= set(other.aliases.values_list("name", flat=True))


def test_admin_lists_unknown_names_and_adopts_one(client):
    user = get_user_model().objects.create_superuser("boss", "b@example.org", "pw-boss-1234")
    client.force_login(user)
    for _ in range(2):
        make_article(body="Burhan met Hemedti in Khartoum.", language="en")
    url = reverse("admin:archive_nameproposal_unknown")
    response = client.get(url + "?refresh=1")  # not a list another test left in the cache
    assert response.status_code == 200
    assert "Khartoum" in response.content.decode()
    make_article(body="Burhan met Hemedti in Omdurman. Omdurman is quiet.", language="en")
    assert "Omdurman" not in client.get(url).content.decode()  # the list is kept a while
    response = client.post(
        url,
        {"name": "Khartoum", "spelling": ["Khartoum"], "language": "en", "adopt": "new",
         "kind": "place"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Entity.objects.get(name="Khartoum").kind == "place"
    target = make_entity(name="Mohamed Hamdan Dagalo", slug="hemedti")
    response = client.post(
        url,
        {"name": "Hemedti", "spelling": ["Hemedti"], "language": "en", "adopt": "add",
         "entity": "hemedti"},
    )  # fmt: skip
    assert response.status_code == 302
    assert target.aliases.filter(name="Hemedti").exists()
    page = client.get(url).content.decode()  # read again after an adoption
    assert 'value="Khartoum"' not in page and 'value="Omdurman"' in page
    # No entity by that slug: said, nothing made.
    response = client.post(
        url, {"name": "Burhan", "language": "en", "adopt": "add", "entity": "nobody"}, follow=True
    )
    assert "No entity has the slug" in response.content.decode()


def test_newest_reads_only_the_newest_articles():
    make_article(body="Quintar spoke in Velmora. Quintar left Velmora.", language="en")
    make_article(body="Ostrakan spoke in Dunmere. Ostrakan left Dunmere.", language="en")
    assert {"Quintar", "Ostrakan"} <= {row.name for row in unknown_names()}
    newest = {row.name for row in unknown_names(newest=1)}
    assert "Ostrakan" in newest and "Quintar" not in newest

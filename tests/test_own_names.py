"""An entity's name and Arabic name are names it is found by: "own" alias rows, made and kept
in step by one function (services.entity_names_sync) on every path that writes an entity."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive import services
from archive.models import Alias, Article, Entity, Mention
from archive.text.variants import phrase_key
from tests.factories import make_article, make_entity, make_mention, make_user

pytestmark = pytest.mark.django_db


def rows(entity) -> set[tuple[str, str, str]]:
    return set(Alias.objects.filter(entity=entity).values_list("name", "language", "origin"))


@pytest.fixture
def editor(client):
    user = make_user("ed", group="Editor")
    client.force_login(user)
    return user


def admin_form(**fields) -> dict:
    """What the entity add/change form sends, with an empty alias inline."""
    data = {
        "kind": "person",
        "name": "",
        "name_ar": "",
        "slug": "",
        "description": "",
        "wikidata_id": "",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    return data


def admin_add(client, **fields) -> Entity:
    response = client.post(reverse("admin:archive_entity_add"), admin_form(**fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Entity.objects.get(slug=fields["slug"])


def test_own_names_are_the_name_in_english_and_the_arabic_name():
    entity = Entity(name=" Rashad al-Alimi ", name_ar="رشاد العليمي", kind="person")
    assert entity.own_names() == [("Rashad al-Alimi", "en"), ("رشاد العليمي", "ar")]
    assert Entity(name="Aden", name_ar="", kind="place").own_names() == [("Aden", "en")]


def test_sync_adds_replaces_and_removes_own_rows_and_never_touches_the_others():
    entity = make_entity(name="Rashad al-Alimi", name_ar="رشاد العليمي", aliases={"en": ["Alimi"]})
    services.entity_names_sync(entity=entity)
    assert rows(entity) == {
        ("Rashad al-Alimi", "en", "own"),
        ("رشاد العليمي", "ar", "own"),
        ("Alimi", "en", "analyst"),
    }
    own = Alias.objects.get(entity=entity, language="en", origin="own")
    assert own.normalized and own.variant_key  # filled as for every alias
    entity.name, entity.name_ar = "Rashad Muhammad al-Alimi", ""
    entity.save()
    services.entity_names_sync(entity=entity)
    assert rows(entity) == {("Rashad Muhammad al-Alimi", "en", "own"), ("Alimi", "en", "analyst")}
    services.entity_names_sync(entity=entity)  # twice changes nothing
    assert Alias.objects.filter(entity=entity).count() == 2


def test_an_analyst_row_with_the_same_name_stands_for_it_and_stays():
    entity = make_entity(name="Hans Grundberg", aliases={"en": ["Hans Grundberg"]})
    services.entity_names_sync(entity=entity)
    assert rows(entity) == {("Hans Grundberg", "en", "analyst")}
    entity.name = "Hans Grundberg (UN)"
    entity.save()
    services.entity_names_sync(entity=entity)
    assert rows(entity) == {
        ("Hans Grundberg", "en", "analyst"),
        ("Hans Grundberg (UN)", "en", "own"),
    }


def test_the_admin_add_form_makes_the_own_rows_and_the_change_form_replaces_them(client, editor):
    entity = admin_add(client, name="Aidarous al-Zubaidi", name_ar="عيدروس الزبيدي", slug="zubaidi")
    assert rows(entity) == {("Aidarous al-Zubaidi", "en", "own"), ("عيدروس الزبيدي", "ar", "own")}
    own = list(Alias.objects.filter(entity=entity).order_by("language"))
    change = admin_form(
        name="Aidarous Qassem al-Zubaidi",
        name_ar="عيدروس الزبيدي",
        slug="zubaidi",
        **{
            "aliases-TOTAL_FORMS": "3",
            "aliases-INITIAL_FORMS": "2",
            **{f"aliases-{i}-id": str(a.pk) for i, a in enumerate(own)},
            **{f"aliases-{i}-entity": str(entity.pk) for i in range(3)},
            **{f"aliases-{i}-name": a.name for i, a in enumerate(own)},
            **{f"aliases-{i}-language": a.language for i, a in enumerate(own)},
            "aliases-2-name": "Zubaidi",
            "aliases-2-language": "en",
        },
    )
    response = client.post(reverse("admin:archive_entity_change", args=[entity.pk]), change)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert rows(entity) == {
        ("Aidarous Qassem al-Zubaidi", "en", "own"),
        ("عيدروس الزبيدي", "ar", "own"),
        ("Zubaidi", "en", "analyst"),
    }


def test_an_own_row_edited_by_hand_becomes_the_analysts(client, editor):
    entity = admin_add(client, name="Sanaa", name_ar="صنعاء", slug="sanaa", kind="place")
    own = Alias.objects.get(entity=entity, language="en")
    data = {"entity": entity.pk, "name": "Sana'a", "language": "en"}
    response = client.post(reverse("admin:archive_alias_change", args=[own.pk]), data)
    assert response.status_code == 302
    assert rows(entity) == {
        ("Sana'a", "en", "analyst"),
        ("Sanaa", "en", "own"),
        ("صنعاء", "ar", "own"),
    }


def test_the_annotator_makes_the_name_an_own_row_and_the_words_an_analyst_row():
    entity = services.entity_create(
        name="Abdul-Malik al-Houthi", kind="person", words="عبد الملك الحوثي", language="ar"
    )
    assert rows(entity) == {
        ("Abdul-Malik al-Houthi", "en", "own"),
        ("عبد الملك الحوثي", "ar", "analyst"),
    }
    same = services.entity_create(name="", kind="place", words="Aden", language="en")
    assert rows(same) == {("Aden", "en", "own")}


def test_a_merge_keeps_the_merged_names_as_names_of_the_survivor():
    keep = make_entity(name="Hans Grundberg", name_ar="هانس غروندبرغ", slug="grundberg")
    dupe = make_entity(name="Hans Grundburg", name_ar="هانز غروندبرغ", slug="grundburg")
    for entity in (keep, dupe):
        services.entity_names_sync(entity=entity)
    services.entity_merge(survivor=keep, merged=dupe)
    assert rows(keep) == {
        ("Hans Grundberg", "en", "own"),
        ("هانس غروندبرغ", "ar", "own"),
        ("Hans Grundburg", "en", "analyst"),
        ("هانز غروندبرغ", "ar", "analyst"),
    }


def test_load_initial_data_gives_every_entity_its_own_names():
    call_command("load_initial_data", verbosity=0)
    for entity in Entity.objects.all():
        names = set(Alias.objects.filter(entity=entity).values_list("name", "language"))
        assert set(entity.own_names()) <= names, entity.slug


def test_import_aliases_marks_wikidata_names_and_syncs_the_own_names(tmp_path):
    entity = make_entity(name="Hans Grundberg", name_ar="هانس غروندبرغ", wikidata_id="Q5650240")
    data = {
        "entities": {
            "Q5650240": {
                "id": "Q5650240",
                "labels": {
                    "en": {"language": "en", "value": "Hans Grundberg"},
                    "fr": {"language": "fr", "value": "Hans Grundberg"},
                },
                "aliases": {},
            }
        }
    }
    path = tmp_path / "Q5650240.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("import_aliases", str(path), stdout=StringIO())
    assert rows(entity) == {
        ("Hans Grundberg", "en", "wikidata"),
        ("Hans Grundberg", "fr", "wikidata"),
        ("هانس غروندبرغ", "ar", "own"),
    }


# -- found everywhere, with nothing but a name, an Arabic name and a kind ------------------


@pytest.fixture
def alimi(client, editor):
    entity = admin_add(client, name="Rashad al-Alimi", name_ar="رشاد العليمي", slug="alimi")
    client.logout()
    return entity


def test_search_finds_the_arabic_name(client, alimi):
    article = make_article(
        language="ar", title="لقاء", body="التقى رشاد العليمي بالمبعوث الأممي في عدن."
    )
    make_mention(article, alimi, "رشاد العليمي")
    html = client.get(reverse("archive:search"), {"q": "رشاد العليمي"}).content.decode()
    assert alimi.get_absolute_url() in html


def test_the_article_filter_and_the_api_find_the_entity_by_its_names(client, alimi):
    article = make_article(body="Rashad al-Alimi met the envoy in Aden.")
    make_mention(article, alimi, "Rashad al-Alimi")
    make_article(slug="other", body="Nothing here.")
    for name in ("Rashad al-Alimi", "رشاد العليمي"):
        html = client.get(reverse("archive:article_list"), {"entity": name}).content.decode()
        assert article.get_absolute_url() in html and "/articles/other/" not in html, name
        found = client.get("/api/entities/", {"q": name}).json()["results"]
        assert [e["slug"] for e in found] == ["alimi"], name


def test_the_annotator_picker_finds_the_entity_by_its_arabic_name(client, alimi):
    client.force_login(make_user("ana", group="Analyst"))
    article = make_article()
    response = client.get(
        reverse("admin:archive_article_annotate_entities", args=[article.pk]), {"q": "العليمي"}
    )
    assert [r["id"] for r in response.json()["results"]][:1] == [alimi.pk]


def test_importing_an_article_suggests_the_entity(tmp_path, alimi):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Rashad al-Alimi meets the envoy\n\nRashad al-Alimi met the UN envoy in Aden on Monday.\n",
        encoding="utf-8",
    )
    (folder / "manifest.toml").write_text(
        '[[article]]\nfile = "a.txt"\nslug = "alimi-meets"\nlanguage = "en"\n'
        'source = "Test Wire"\nstory = "talks"\n',
        encoding="utf-8",
    )
    call_command("import_articles", str(folder), stdout=StringIO(), stderr=StringIO())
    article = Article.objects.get(slug="alimi-meets")
    found = Mention.objects.filter(article=article, entity=alimi, status="suggested")
    assert found.exists()


def test_migration_0015_gives_existing_entities_their_own_names():
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("archive.migrations.0015_alias_origin")
    entity = make_entity(
        name="Hans Grundberg", name_ar="هانس غروندبرغ", aliases={"en": ["Hans Grundberg"]}
    )
    bare = make_entity(name="Aden", kind="place")

    editor = type("Editor", (), {"connection": connection})()  # what RunPython hands over
    migration.add_own_names(apps, editor)
    assert rows(entity) == {("Hans Grundberg", "en", "analyst"), ("هانس غروندبرغ", "ar", "own")}
    assert rows(bare) == {("Aden", "en", "own")}
    own = Alias.objects.get(entity=bare)
    assert (own.normalized, own.variant_key) == ("aden", phrase_key("Aden"))

"""`import_aliases FILE`: Wikidata labels and aliases become names of the matching entities."""

import gzip
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.ingest.wikidata import WikidataError, names, read_entities
from archive.models import Alias
from tests.factories import make_article, make_entity, make_mention

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data" / "wikidata"


def run(path) -> str:
    out = StringIO()
    call_command("import_aliases", str(path), stdout=out)
    return out.getvalue()


def _libya():
    return make_entity(
        name="Libya", slug="libya", kind="place", wikidata_id="Q1016", aliases={"en": ["Libya"]}
    )


def test_entity_data_adds_every_language_once_and_a_second_run_adds_nothing():
    libya = _libya()
    report = run(DATA / "entitydata-libya.json")
    names_now = set(libya.aliases.values_list("name", "language"))
    assert {
        ("Libye", "fr"),
        ("État de Libye", "fr"),
        ("Libia", "it"),
        ("Libia", "es"),
        ("Libyen", "de"),
        ("ليبيا", "ar"),
        ("ليبيا", "arz"),
        ("利比亚", "zh-hans"),
        ("State of Libya", "en"),
    } <= names_now
    assert ("Nowhere", "xx_bad") not in names_now and len(names_now) == 10
    assert report.startswith("9 names added to 1 entities")
    assert "1 already there" in report and "2 names left out" in report
    # Each new name has its history row, and the search keys a save() would fill.
    alias = Alias.objects.get(entity=libya, name="État de Libye")
    assert alias.normalized == "etat de libye" and alias.variant_key
    assert alias.history.get().history_change_reason == "imported from Wikidata"
    again = run(DATA / "entitydata-libya.json")
    assert again.startswith("0 names added") and libya.aliases.count() == 10


def test_a_dump_compressed_or_not_names_only_the_entities_the_archive_holds(tmp_path):
    tripoli = make_entity(name="Tripoli", slug="tripoli", kind="place", wikidata_id="Q3579")
    packed = tmp_path / "latest-all.json.gz"
    with (DATA / "dump-two-entities.json").open("rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    report = run(packed)
    assert set(tripoli.aliases.values_list("name", "language")) == {
        ("Tripoli", "en"),
        ("Tripoli", "it"),
        ("Trípoli", "es"),
        ("Tripolis", "de"),
        ("طرابلس الغرب", "ar"),
    }
    assert "2 entities read, 1 not in the archive" in report
    assert run(DATA / "dump-two-entities.json").startswith("0 names added")


def test_imported_names_are_found_by_search_and_the_matcher(client):
    libya = _libya()
    article = make_article(title="Crise", language="fr", body="La Libye reste divisée.")
    make_mention(article, libya, "Libye")
    run(DATA / "entitydata-libya.json")
    html = client.get("/search/", {"q": "État de Libye"}).content.decode()
    assert 'href="/places/libya/"' in html  # the card: an exact name now
    from archive.services.suggestions import build_matcher

    found = build_matcher().find("Libyen und Libye.")
    assert [m.text for m in found] == ["Libyen", "Libye"]


@pytest.mark.parametrize(
    "content, message",
    [
        ('[\n{"type":"item","id":"Q1016","labels":{}},\n{"type": oops\n]\n', "line 3: not JSON"),
        ('{"something": "else"}', 'no "entities" object'),
        ("not json at all", "not JSON"),
        ('[\n{"type":"item","labels":{}}\n]\n', "line 2: not an entity"),
    ],
)
def test_a_file_that_is_not_entity_json_writes_nothing(tmp_path, content, message):
    libya = _libya()
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run(bad)
    assert libya.aliases.count() == 1
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "missing.json")


def test_alias_languages_are_bcp47_tags_and_articles_keep_two_letters():
    libya = _libya()
    for tag in ("arz", "zh-hans", "be-tarask", "en"):
        Alias(entity=libya, name=f"Name {tag}", language=tag).full_clean()
    for tag in ("EN", "english", "zh_hans", "-en", ""):
        with pytest.raises(ValidationError):
            Alias(entity=libya, name=f"Name {tag}", language=tag).full_clean()
    article = make_article()
    article.language = "arz"
    with pytest.raises(ValidationError):
        article.full_clean()


def test_names_reads_labels_then_aliases_once_each():
    (entity,) = list(read_entities(DATA / "entitydata-libya.json"))
    found, skipped = names(entity)
    assert found[0] == ("Libya", "en") and found.count(("Libye", "fr")) == 1
    assert skipped == 2  # xx_BAD, and a blank alias
    with pytest.raises(WikidataError):
        list(read_entities(DATA / "README.md"))


def test_wikidata_names_and_country_names_are_never_twins():
    """A place named like a country has CLDR's names (origin country); Wikidata's same names
    are already there (left alone, as any name already there), its others are added."""
    from archive import services
    from archive.models import AliasOrigin

    libya = make_entity(
        name="Libya", name_ar="ليبيا", slug="libya", kind="place", wikidata_id="Q1016"
    )
    services.entity_names_sync(entity=libya)
    assert ("Libyen", "de") in set(
        libya.aliases.filter(origin=AliasOrigin.COUNTRY).values_list("name", "language")
    )
    run(DATA / "entitydata-libya.json")
    rows = list(libya.aliases.values_list("name", "language", "origin"))
    assert len(rows) == len({(name, language) for name, language, _ in rows})
    by_key = {(name, language): origin for name, language, origin in rows}
    assert by_key["Libya", "en"] == by_key["ليبيا", "ar"] == AliasOrigin.OWN
    assert by_key["Libye", "fr"] == AliasOrigin.COUNTRY
    assert by_key["State of Libya", "en"] == AliasOrigin.WIKIDATA

"""resolve_name: the one name look-up search cards, filters and the annotator's picker
share — any spelling, any script, public entities only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import Alias, Entity
from archive.reads.names import (
    EXACT,
    FUZZY,
    VARIANT,
    clean_typed,
    entity_id,
    exact_aliases,
    resolve_name,
    suggested_entities,
)
from archive.text.variants import name_tokens, phrase_key, same_name, within_name, written_ratio
from tests.factories import make_article, make_entity, make_mention

pytestmark = pytest.mark.django_db

BODY = "Muammar Gaddafi, Khalifa Haftar, Fayez al-Sarraj and Stephanie Williams met."


def _named(entity, text, *, public=True, status="confirmed", **mention):
    article = make_article(body=BODY + f"\n{text}", is_public=public)
    make_mention(article, entity, text, status=status, **mention)
    return entity


@pytest.fixture
def people():
    gaddafi = make_entity(
        name="Muammar Gaddafi",
        aliases={
            "en": ["Muammar Gaddafi", "Gaddafi", "Kadhafi"],
            "ar": ["معمر القذافي", "القذافي"],
        },
    )
    haftar = make_entity(
        name="Khalifa Haftar", aliases={"en": ["Khalifa Haftar", "Haftar"], "ar": ["حفتر"]}
    )
    sarraj = make_entity(
        name="Fayez al-Sarraj",
        aliases={"en": ["Fayez al-Sarraj", "Sarraj"], "ar": ["فايز السراج", "السراج"]},
    )
    williams = make_entity(
        name="Stephanie Williams",
        aliases={"en": ["Stephanie Williams", "Williams"], "ar": ["وليامز"]},
    )
    for entity, text in ((gaddafi, "Gaddafi"), (haftar, "Haftar"), (sarraj, "Sarraj")):
        _named(entity, text)
    _named(williams, "Williams")
    return {"gaddafi": gaddafi, "haftar": haftar, "sarraj": sarraj, "williams": williams}


def _hits(query):
    return [(m.entity.name, m.alias.name, m.how) for m in resolve_name(query)]


def test_an_alias_in_any_case_or_accent_is_exact(people):
    assert _hits("gaddafi") == [("Muammar Gaddafi", "Gaddafi", EXACT)]
    assert _hits("  القذّافي ") == [("Muammar Gaddafi", "القذافي", EXACT)]


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        ("Gadhafi", "Muammar Gaddafi"),
        ("Qaddafi", "Muammar Gaddafi"),
        ("Gheddafi", "Muammar Gaddafi"),
        ("Mouammar Kadhafi", "Muammar Gaddafi"),
        ("Hifter", "Khalifa Haftar"),
        ("Khalifa Hafter", "Khalifa Haftar"),
        ("Serraj", "Fayez al-Sarraj"),
        ("al-Serraj", "Fayez al-Sarraj"),
        ("Fayez el-Serraj", "Fayez al-Sarraj"),
        ("ويليامز", "Stephanie Williams"),
        ("فائز السراج", "Fayez al-Sarraj"),
    ],
)
def test_a_spelling_the_archive_never_stored_is_a_known_variant(people, query, entity):
    hits = resolve_name(query)
    assert [(m.entity.name, m.how) for m in hits[:1]] == [(entity, VARIANT)]


def test_a_typo_is_fuzzy_and_ranks_after_variants(people):
    assert [(m.entity.name, m.how) for m in resolve_name("Gaddafri")][:1] == [
        ("Muammar Gaddafi", FUZZY)
    ]
    assert resolve_name("Haftrar")[0].entity.name == "Khalifa Haftar"


def test_without_fuzzy_a_typo_finds_nothing_and_costs_no_second_query(people):
    assert _queries("Gaddafri") == 2
    with CaptureQueriesContext(connection) as ctx:
        assert resolve_name("Gaddafri", fuzzy=False) == []
    assert len(ctx) == 1
    assert [m.how for m in resolve_name("Gadhafi", fuzzy=False)] == [VARIANT]


def test_exact_comes_before_variant_before_fuzzy():
    a = _named(make_entity(name="Hafez A", aliases={"en": ["Hafter"]}), "Hafter")
    b = _named(make_entity(name="Haftar B", aliases={"en": ["Haftar"]}), "Haftar")
    hits = resolve_name("Hafter")
    assert [(m.entity, m.how) for m in hits] == [(a, EXACT), (b, VARIANT)]


def test_an_alias_in_the_query_script_is_preferred(people):
    (hit,) = resolve_name("Williams")
    assert hit.alias.name == "Williams"
    (hit,) = resolve_name("ويليامز")
    assert hit.alias.name == "وليامز"


def test_one_row_per_entity(people):
    hits = resolve_name("Kaddafi")
    assert [m.entity for m in hits] == [people["gaddafi"]]


def test_false_friends_find_nothing(people):
    assert resolve_name("Hafez") == []
    assert resolve_name("Sabah") == []


@pytest.mark.parametrize(
    "how_hidden",
    [
        {"public": False},
        {"status": "rejected"},
        {"is_orphaned": True},
    ],
    ids=["hidden-article", "rejected-mention", "orphaned-mention"],
)
def test_an_entity_known_only_from_what_readers_cannot_see_is_not_found(how_hidden):
    entity = make_entity(name="Secret Person", aliases={"en": ["Bashagha"], "ar": ["باشاغا"]})
    if how_hidden.get("is_orphaned"):
        article = make_article(body=BODY + "\nBashagha")
        mention = make_mention(article, entity, "Bashagha")
        type(mention).objects.filter(pk=mention.pk).update(is_orphaned=True)
    else:
        _named(entity, "Bashagha", **how_hidden)
    assert resolve_name("Bashagha") == []
    assert resolve_name("Bachagha") == []
    assert resolve_name("Bashaga") == []


@pytest.mark.parametrize("query", ["", "   ", "-", "x" * 5000, "'; DROP TABLE x;--", None, 42])
def test_hostile_input_finds_nothing_without_error(people, query):
    assert resolve_name(query) == []


def test_alias_variant_key_is_filled_on_save(people):
    alias = Alias.objects.get(name="Kadhafi")
    assert alias.variant_key == Alias.objects.get(name="القذافي").variant_key
    alias.name = "Hifter"
    alias.save()
    assert alias.variant_key == Alias.objects.get(name="Haftar").variant_key


def _queries(query):
    with CaptureQueriesContext(connection) as ctx:
        resolve_name(query)
    return len(ctx)


def test_query_count_does_not_grow_with_the_data(people):
    before = {q: _queries(q) for q in ("Gaddafi", "Gadhafi", "Gaddafri")}
    assert before == {"Gaddafi": 1, "Gadhafi": 1, "Gaddafri": 2}
    for n in range(30):
        _named(
            make_entity(name=f"Ghadaf {n}", aliases={"en": [f"Gadaff{n}", "Gaddafi"]}), "Gaddafi"
        )
    assert {q: _queries(q) for q in before} == before


def test_a_name_that_only_shares_the_key_is_no_variant_in_either_script(people):
    # Ghidafaiya reduces to Gaddafi's key but is spelled too differently; its Arabic alias
    # (compared by key alone) does not bring it back.
    _named(
        make_entity(
            name="Aisha al-Ghidafaiya", aliases={"en": ["al-Ghidafaiya"], "ar": ["الغدافية"]}
        ),
        "al-Ghidafaiya",
    )
    assert [m.entity.name for m in resolve_name("Gadhafi")] == ["Muammar Gaddafi"]


def test_a_word_that_shares_a_key_with_a_name_in_the_other_script_is_not_that_name():
    # قاعدة ("a base") reduces to al-Khaduh's key. The archive also writes him in Arabic
    # (الخدوح), and قاعدة is no spelling of that: a reader searching for the word must not
    # get his articles. Known only in Latin letters, the key is all there is to go on.
    assert phrase_key("قاعدة") == phrase_key("al-Khaduh")
    latin_only = _named(
        make_entity(name="Ibrahim al-Khaduh", aliases={"en": ["al-Khaduh"]}), "al-Khaduh"
    )
    assert [m.entity for m in resolve_name("قاعدة")] == [latin_only]
    Alias.objects.create(entity=latin_only, name="الخدوح", language="ar")
    assert resolve_name("قاعدة") == []
    assert [(m.entity, m.how) for m in resolve_name("الخدوح")] == [(latin_only, EXACT)]
    # A surname in the query's script still stands for the full name in the other.
    assert [m.entity for m in resolve_name("Khaduh")] == [latin_only]


def test_a_surname_finds_the_entity_known_by_its_full_name_in_the_query_script():
    sarraj = _named(
        make_entity(name="Fayez al-Sarraj", aliases={"en": ["Fayez al-Sarraj"], "ar": ["السراج"]}),
        "Fayez al-Sarraj",
    )
    assert [m.entity for m in resolve_name("Sarraj")] == [sarraj]


def test_an_alias_of_300_characters_of_acronyms_still_saves():
    entity = make_entity(name="Long")
    name = "AB " * 99 + "ABC"
    alias = Alias.objects.create(entity=entity, name=name, language="en")
    alias.refresh_from_db()
    assert len(name) == 300 and len(alias.variant_key) == 300


# Built on resolve_name: the filters' reading of a name, search's exact names, name boxes ----


def test_a_filter_value_names_one_entity_by_slug_or_by_any_spelling(people):
    haftar = people["haftar"]
    assert entity_id(haftar.slug) == haftar.pk
    for typed in ("Haftar", "Hifter", "حفتر", "  Khalifa \t Hafter ", "Haf\u202etar"):
        assert entity_id(typed) == haftar.pk, typed
    # A typo is not taken for a name: the filtered list is empty, never a guess.
    assert entity_id("Haftrar") is None
    for hostile in ("", "   ", None, "\x00", "x" * 5000, "'; DROP TABLE x;--"):
        assert entity_id(hostile) is None


def test_a_slug_names_an_entity_readers_cannot_see_yet(people):
    # The slug is an address: it is read as it stands (the list is then empty).
    unseen = make_entity(name="Unseen Person", aliases={"en": ["Unseen"]})
    assert entity_id(unseen.slug) == unseen.pk
    assert entity_id("Unseen") is None


def test_among_looks_beyond_the_public_entities(people):
    unseen = make_entity(name="Fathi Bashagha", aliases={"en": ["Bashagha"]})
    assert resolve_name("Bashaga") == []
    hits = resolve_name("Bashaga", among=Entity.objects.all())
    assert [(m.entity, m.how) for m in hits] == [(unseen, VARIANT)]


def test_exact_aliases_are_public_and_exact(people):
    make_entity(name="Unseen Haftar", aliases={"en": ["Haftar"]})
    found = [(a.entity, a.name) for a in exact_aliases(["haftar", "sarraj", "hifter"])]
    assert found == [(people["haftar"], "Haftar"), (people["sarraj"], "Sarraj")]


def test_a_name_box_suggests_names_holding_the_typed_letters_then_spellings(people):
    everyone = Entity.objects.public()
    assert list(suggested_entities(everyone, "arra")) == [people["sarraj"]]
    assert list(suggested_entities(everyone, "Serraj")) == [people["sarraj"]]  # never stored
    assert list(suggested_entities(everyone, "Zzyzx")) == []
    assert suggested_entities(everyone, "\x00 ") is everyone  # nothing typed: no filter


def test_typed_text_is_bounded_printable_and_single_spaced():
    assert clean_typed(None) == "" and clean_typed("") == ""
    assert clean_typed(" Khalifa \t\n Haftar\x00 ") == "Khalifa Haftar"
    assert len(clean_typed("x" * 5000)) == 300


def test_the_spelling_rules_resolve_name_applies_are_plain_text_functions():
    assert same_name(name_tokens("Khalifa Hifter"), name_tokens("Khalifa Haftar"))
    assert same_name(name_tokens("Abdulhamid"), name_tokens("Abdul Hamid"))
    assert not same_name(name_tokens("Gadhafi"), name_tokens("al-Ghidafaiya"))
    assert within_name(name_tokens("Serraj"), name_tokens("Fayez al-Sarraj"))
    assert not within_name(name_tokens("Fayez"), name_tokens("Sarraj"))
    assert written_ratio(name_tokens("al-Sarraj"), "Sarraj") == 100.0
    assert written_ratio(name_tokens("Haftrar"), "Haftar") > 80

"""Short forms of people's names (archive.text.short_forms) and how the matcher uses them:
a surname or a first-and-last name is found alone when it names one entity only."""

import pytest

from archive.text.matcher import AliasEntry, Matcher
from archive.text.short_forms import short_forms, unique_short_forms, with_short_forms


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("Omar Hassan Ahmad al-Bashir", ["al-Bashir", "Omar al-Bashir"]),
        ("Omar Al Bashir", ["Al Bashir"]),
        ("عمر حسن أحمد البشير", ["البشير", "عمر البشير"]),
        ("Hans Grundberg", ["Grundberg"]),
        ("Abdrabbuh Mansur Hadi", ["Hadi", "Abdrabbuh Hadi"]),
        ("عبد ربه منصور هادي", ["عبد ربه هادي"]),  # هادي alone: short and without ال
        ("Abdul Malik al-Houthi", ["al-Houthi"]),  # Abdul Malik is one given name
        ("Ahmed Awad bin Mubarak", ["bin Mubarak", "Ahmed bin Mubarak"]),
        ("Ursula von der Leyen", ["von der Leyen"]),
        ("Ali Bey", []),  # a surname of three letters does not stand alone
        ("Abu Mazen", []),
        ("Grundberg", []),
        ("Bashir, Omar", []),
        ("Hans Grundberg (UN)", ["Grundberg"]),
    ],
)
def test_short_forms_of_a_person(name, forms):
    assert short_forms(name, "person") == forms


def test_no_short_forms_for_organizations_and_places():
    assert short_forms("Southern Transitional Council", "organization") == []
    assert short_forms("Red Sea", "place") == []


def test_a_short_form_is_kept_only_when_it_names_one_entity():
    entries = [
        (1, "Omar Hassan Ahmad al-Bashir", "person"),
        (1, "عمر حسن أحمد البشير", "person"),
        (2, "Mohamed Bashir Abu-Namo", "person"),  # holds Bashir as a word
        (3, "Ali Abdullah Saleh", "person"),
        (4, "Tareq Saleh", "person"),  # the same surname
        (5, "Abdul-Malik al-Houthi", "person"),
        (6, "Houthis", "organization"),  # a word that begins with the surname
        (7, "Hans Grundberg", "person"),
        (8, "Grundberg", "place"),  # another entity's whole name
    ]
    assert unique_short_forms(entries) == [
        (1, "Omar al-Bashir"),
        (1, "البشير"),
        (1, "عمر البشير"),
        (2, "Abu-Namo"),
        (2, "Mohamed Abu-Namo"),
        (3, "Ali Saleh"),
        (6, "Houthi"),  # the group's singular: a name of its own, not a surname
    ]


def matcher(*rows):
    return Matcher(with_short_forms(AliasEntry(e, n, k) for e, n, k in rows))


def found(m, text):
    return [(x.entity_id, x.text) for x in m.find(text)]


BASHIR = [
    ("bashir", "Omar Hassan Ahmad al-Bashir", "person"),
    ("bashir", "عمر حسن أحمد البشير", "person"),
]


def test_a_unique_surname_and_first_and_last_name_are_found_alone():
    m = matcher(*BASHIR, ("grundberg", "Hans Grundberg", "person"))
    assert found(m, "Grundberg met President al-Bashir in Khartoum.") == [
        ("grundberg", "Grundberg"),
        ("bashir", "al-Bashir"),
    ]
    assert found(m, "Omar al-Bashir spoke.") == [("bashir", "Omar al-Bashir")]
    assert found(m, "قال البشير إن") == [("bashir", "البشير")]
    assert found(m, "وقال عمر البشير") == [("bashir", "عمر البشير")]


def test_a_short_form_two_entities_share_is_not_suggested():
    m = matcher(("a", "Ali Abdullah Saleh", "person"), ("t", "Tareq Saleh", "person"))
    assert found(m, "Saleh said.") == []
    assert found(m, "Ali Saleh said.") == [("a", "Ali Saleh")]


def test_a_surname_inside_another_persons_name_is_not_this_person():
    m = matcher(
        *BASHIR, ("omar", "Omar Hamdan", "person"), ("ali", "Mohamed Ali Hussein", "person")
    )
    # Mohamed is a given name the archive knows; Abu-Namo goes on the name.
    assert found(m, "Mohamed Bashir Abu-Namo met him.") == []
    assert found(m, "The minister Bashir Abu-Namo met him.") == []
    assert found(m, "محمد بشير أبو نمو") == []  # البشير is written with its article
    assert found(m, "President Bashir met him.") == [("bashir", "Bashir")]


def test_the_surname_of_another_spelling_of_the_full_name_is_not_suggested_alone():
    m = matcher(("hadi", "Abdrabbuh Mansur Hadi", "person"))
    # Abdo Rabu read as one word is a spelling of Abdrabbuh: the full name, not the surname.
    assert found(m, "le président Abdo Rabu Mansur Hadi") == [("hadi", "Abdo Rabu Mansur Hadi")]
    assert found(m, "President Hadi resigned.") == [("hadi", "Hadi")]

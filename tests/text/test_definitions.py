"""Definitions in texts: an abbreviation after its long form (when its letters fit the long
form's initials) and "X, better known as Y" in English, French and Arabic. Sentences are
taken from published articles: the two evaluation sets, and pages on the war in Sudan (named
beside each)."""

import dataclasses
import json
from pathlib import Path

import pytest

from archive.text.definitions import Definition, find_definitions, fits_initials

ROOT = Path(__file__).resolve().parents[2]


def _pairs(text, language="en"):
    return [(d.long, d.short) for d in find_definitions(text, language)]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # tv5monde.com, sahel-intelligence.com, journalenligne.net (2023-2025)
        (
            "Le général Mohamed Hamdane Daglo, surnommé « Hemedti », chef des Forces de soutien "
            "rapide (FSR), une force paramilitaire",
            "fr",
            [("Mohamed Hamdane Daglo", "Hemedti"), ("Forces de soutien rapide", "FSR")],
        ),
        (
            "Le chef des paramilitaires, Mohamed Hamdane Daglo, dit « Hemedti », a aussi qualifié",
            "fr",
            [("Mohamed Hamdane Daglo", "Hemedti")],
        ),
        # cnews.fr 2023-04-26: no comma, a quoted nickname
        (
            "Originaire du Darfour, Mohamed Hamdan Daglo dit «Hemetti» (48 ans) a, comme "
            "al-Burhane, combattu",
            "fr",
            [("Mohamed Hamdan Daglo", "Hemetti")],
        ),
        # bbc.com/afrique 2023-04: the English abbreviation of a French name, letters reordered
        (
            "Abdel Fattah al-Burhan, chef des forces armées soudanaises (SAF), et Mohamed Hamdan "
            "Dagalo, plus connu sous le nom de Hemedti, chef des forces",
            "fr",
            [("forces armées soudanaises", "SAF"), ("Mohamed Hamdan Dagalo", "Hemedti")],
        ),
        # eurafrica.info
        (
            "le début de la guerre l’opposant aux Forces armées soudanaises (FAS), dirigées par",
            "fr",
            [("Forces armées soudanaises", "FAS")],
        ),
        (
            "Mohamed Hamdan Dagalo, better known as Hemedti, leads the Rapid Support Forces (RSF).",
            "en",
            [("Mohamed Hamdan Dagalo", "Hemedti"), ("Rapid Support Forces", "RSF")],
        ),
        ("Hemedti, known as the general of the RSF", "en", []),  # not a name after "known as"
        # thelenspost.com
        (
            "إنه محمد حمدان دقلو، الملقب بـ”حميدتي”، قائد قوات الدعم السريع في السودان.",
            "ar",
            [("محمد حمدان دقلو", "حميدتي")],
        ),
        # vetogate.com
        (
            'اسم قائد قوات الدعم السريع في السودان الفريق محمد حمدان دقلو الملقب بـ"حميدتي"، '
            "والذي يتردد",
            "ar",
            [("محمد حمدان دقلو", "حميدتي")],
        ),
        (
            "طغى اسم قائد قوات الدعم السريع السودانية، محمد حمدان دقلو المعروف باسم حميدتي، "
            "على سطح الأحداث",
            "ar",
            [("محمد حمدان دقلو", "حميدتي")],
        ),
        # arabmubasher.com
        (
            "الضابط الرفيع.. من هو محمد حمدان دقلو الملقب بحميدتي؟",
            "ar",
            [("محمد حمدان دقلو", "حميدتي")],
        ),
        # the Islamic State's Arabic name and its Arabic abbreviation
        (
            "أعلن تنظيم الدولة الإسلامية في العراق والشام (داعش) مسؤوليته",
            "ar",
            [("الدولة الإسلامية في العراق والشام", "داعش")],
        ),
    ],
)
def test_definitions_in_published_sentences(text, language, expected):
    assert _pairs(text, language) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Sanaa (South24)\n\nToday, the United Nations Special Envoy",  # newtopic en-south24
        '"This man (Sarraj) is disturbed," said Field Marshal',  # eval en-thearabweekly
        "de l’ancienne République démocratique et populaire du Yémen (1967-1990).",
        "notre capitale (...), il (M. Haftar) ne trouvera que force",  # eval fr-24heures
        "les forces de l’ordre ont arrêté trois hommes (AFP)",
        # newtopic ar-watananews: a description glossed in parentheses, not an abbreviation
        "المتحدث الرسمي باسم قوات التحالف (تحالف دعم الشرعية في اليمن) اللواء الركن",
    ],
)
def test_parentheses_that_define_nothing(text):
    assert find_definitions(text, "en") == []


def test_a_long_form_in_parentheses_after_its_abbreviation():
    text = "Les combats entre l'armée et les FSR (Forces de soutien rapide) se poursuivent."
    assert _pairs(text, "fr") == [("Forces de soutien rapide", "FSR")]


@pytest.mark.parametrize(
    ("abbr", "words", "fits"),
    [
        ("RSF", "Rapid Support Forces", True),
        ("FSR", "Forces de soutien rapide", True),
        ("STC", "Conseil de transition du Sud", True),  # the English letters, reordered
        ("GNA", "Government of National Accord", True),
        ("UNSMIL", "U.N. Support Mission in Libya", True),  # "in" gives its letter
        ("PLC", "Presidential Leadership Council", True),
        ("LNA", "Government of National Accord", False),
        ("UN", "the Houthis", False),  # a long form cannot open with a function word
        ("داعش", "الدولة الإسلامية في العراق والشام", True),
        ("STC", "Saudi Transitional Coalition Forces", False),
    ],
)
def test_letters_must_fit_the_initials(abbr, words, fits):
    assert fits_initials(abbr, words.split()) is fits


def test_definitions_are_frozen_with_code_point_spans_and_their_sentence():
    text = (
        "Plus tôt cette année, le chef des Forces de soutien rapide (FSR) a parlé. "
        "Une autre phrase."
    )
    (d,) = find_definitions(text, "fr")
    assert isinstance(d, Definition)
    assert text[d.start : d.end] == "Forces de soutien rapide (FSR)"
    assert d.sentence == "Plus tôt cette année, le chef des Forces de soutien rapide (FSR) a parlé."
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.short = "X"  # type: ignore[misc]


def test_every_gold_definition_of_the_newtopic_set_and_nothing_else():
    """tests/data/newtopic lists what each excerpt defines (four "long name (ABBR)")."""
    data = json.loads((ROOT / "tests/data/newtopic/articles.json").read_text(encoding="utf-8"))
    found, gold = set(), set()
    for article in data["articles"]:
        for d in find_definitions(article["text"], article["language"]):
            found.add((article["id"], d.long, d.short))
            assert article["text"][d.start : d.end].startswith(d.long)
        gold |= {(article["id"], g["long"], g["short"]) for g in article["definitions"]}
    assert found == gold


def test_the_libya_evaluation_set_defines_its_abbreviations():
    """The Libya set has no gold list of definitions; read by hand, its English texts define
    GNA, NAG, LNA and UNSMIL (nine times in all), and nothing else."""
    data = json.loads((ROOT / "tests/data/eval/articles.json").read_text(encoding="utf-8"))
    found = [
        (d.long, d.short)
        for article in data["articles"]
        for d in find_definitions(article["text"], article["language"])
    ]
    assert sorted(found) == sorted(
        [("Government of National Accord", "GNA")] * 3
        + [("National Accord Government", "NAG")]
        + [("Libyan National Army", "LNA")] * 4
        + [("U.N. Support Mission in Libya", "UNSMIL")]
    )

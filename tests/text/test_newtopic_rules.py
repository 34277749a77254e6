"""The matcher's rules for a new topic's names, on spellings from published articles
(tests/data/newtopic/: South24, NewsYemen, Al-Majhar, 24.ae, Jeune Afrique, CNews, Atalayar,
Arab Observer, Middle East Eye)."""

from archive.text.matcher import AliasEntry, Matcher
from archive.text.short_forms import acronym, plural_forms, with_short_forms


def matcher(*rows):
    return Matcher(with_short_forms(AliasEntry(*row) for row in rows))


def found(m, text):
    return [(x.entity_id, x.text) for x in m.find(text)]


YEMEN = [
    ("houthis", "Houthis", "organization"),
    ("houthis", "الحوثيون", "organization"),
    ("leader", "Abdul-Malik al-Houthi", "person"),
    ("leader", "عبد الملك الحوثي", "person"),
    ("sanaa", "Sanaa", "place"),
    ("uae", "United Arab Emirates", "place"),
    ("saudi", "السعودية", "place"),
    ("zubaidi", "عيدروس الزبيدي", "person"),
    ("hadi", "عبد ربه منصور هادي", "person"),
]


def test_an_apostrophe_inside_a_transliterated_word_does_not_split_it():
    m = matcher(*YEMEN)
    assert found(m, "Houthi-controlled Sana'a, Yemen") == [
        ("houthis", "Houthi"),
        ("sanaa", "Sana'a"),
    ]
    assert found(m, "the Houthis’ capital Sana’a") == [("houthis", "Houthis"), ("sanaa", "Sana’a")]
    # A possessive stays out of the mention.
    assert found(m, "Sanaa's airport") == [("sanaa", "Sanaa")]


def test_an_arabic_plural_name_is_found_in_its_other_case():
    m = matcher(*YEMEN)
    assert found(m, "هجمات الحوثيين على السفن") == [("houthis", "الحوثيين")]
    assert found(m, "لجماعة الحوثيين") == [("houthis", "الحوثيين")]


def test_a_groups_plural_name_gives_its_singular_but_not_a_familys_name():
    assert plural_forms("Houthis", "organization") == ["Houthi"]
    assert plural_forms("الحوثيون", "organization") == ["الحوثي", "حوثي"]
    assert (
        plural_forms("Houthis", "person") == [] and plural_forms("Congress", "organization") == []
    )
    m = matcher(*YEMEN)
    assert found(m, "a Houthi militia attack") == [("houthis", "Houthi")]
    assert found(m, "قالت جماعة الحوثي") == [("houthis", "الحوثي")]
    assert found(m, "هجوم حوثي على سفينة") == [("houthis", "حوثي")]
    assert found(m, "مصادر حوثية") == []  # an adjective with another ending
    # al-Houthi is a family's name (Mohammad Ali al-Houthi, les al-Houthi).
    assert found(m, "Mohammad Ali al-Houthi said") == []
    assert found(m, "les al-Houthi") == []


def test_a_surname_another_entitys_name_holds_is_not_found_alone_after_the_full_name():
    m = matcher(*YEMEN)
    text = "عبد الملك الحوثي قال إن جماعة الحوثي"
    assert found(m, text) == [("leader", "عبد الملك الحوثي"), ("houthis", "الحوثي")]
    text = "Abdul-Malik al-Houthi, son frère Hussein al-Houthi"
    assert found(m, text) == [("leader", "Abdul-Malik al-Houthi")]


def test_compound_given_names_written_as_one_word_or_two():
    m = matcher(*YEMEN, ("hadi2", "Abdrabbuh Mansur Hadi", "person"))
    assert found(m, "Abdelmalek al-Houthi, le chef rebelle") == [("leader", "Abdelmalek al-Houthi")]
    assert found(m, "زعيم الجماعة عبدالملك الحوثي") == [("leader", "عبدالملك الحوثي")]
    assert found(m, "الرئيس عبدربه منصور هادي") == [("hadi", "عبدربه منصور هادي")]
    assert found(m, "du président Abdo Rabu Mansur Hadi") == [("hadi2", "Abdo Rabu Mansur Hadi")]
    assert found(m, "Abd al-Malik al-Houthi") == [("leader", "Abd al-Malik al-Houthi")]
    # A middle name before the surname's article (Al Jazeera's spelling of his full name).
    text = "Abdul Malik Badreddin al-Houthi said"
    assert found(m, text) == [("leader", "Abdul Malik Badreddin al-Houthi")]
    assert found(m, "Abdul Malik said al-Houthi") == []


def test_an_arabic_middle_name_inside_a_known_name():
    m = matcher(*YEMEN)
    assert found(m, "اللواء عيدروس قاسم الزبيدي رئيس") == [("zubaidi", "عيدروس قاسم الزبيدي")]
    # Not across a function word: only the surname (a short form) is found there.
    assert found(m, "عيدروس في الزبيدي") == [("zubaidi", "الزبيدي")]


def test_a_name_found_capitalised_recurs_in_lower_case():
    m = matcher(*YEMEN)
    text = "Les Houthis ont frappé. Ont rapporté les médias houthis, le régime houthi."
    assert found(m, text) == [
        ("houthis", "Houthis"),
        ("houthis", "houthis"),
        ("houthis", "houthi"),
    ]
    assert found(m, "les médias houthis") == []  # never capitalised in this text


def test_the_initials_of_a_long_name_are_its_acronym():
    assert acronym("United Arab Emirates", "place") == "UAE"
    assert acronym("Forces de soutien rapide", "organization") == "FSR"
    assert acronym("Red Sea", "place") == "" and acronym("Hans Grundberg Olsen", "person") == ""
    assert acronym("UN Security Council", "organization") == ""
    m = matcher(*YEMEN)
    assert found(m, "The UAE-backed STC") == [("uae", "UAE")]
    assert found(m, "uae") == []
    # Two entities of the same initials: neither.
    m = matcher(
        ("a", "United Arab Emirates", "place"), ("b", "Union of African Engineers", "organization")
    )
    assert found(m, "The UAE") == []


def test_an_arabic_place_named_like_its_adjective_after_a_definite_feminine_noun():
    m = matcher(*YEMEN)
    assert found(m, "زيارته إلى العاصمة السعودية الرياض") == []
    assert found(m, "الهدنة في السعودية") == [("saudi", "السعودية")]
    assert found(m, "وقادت السعودية تحالفا") == [("saudi", "السعودية")]


def test_a_find_of_a_proposed_name_says_which_proposal():
    m = Matcher(
        [
            AliasEntry("stc", "Southern Transitional Council", "organization"),
            AliasEntry("stc", "Conseil de transition du Sud", "organization", proposal=7),
        ]
    )
    text = "le Conseil de transition du Sud, et le Southern Transitional Council"
    assert [(x.text, x.proposal) for x in m.find(text)] == [
        ("Conseil de transition du Sud", 7),
        ("Southern Transitional Council", None),
    ]

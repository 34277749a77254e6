"""Tests for archive.text.normalize (no Django)."""

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.text.normalize import (
    APOSTROPHES,
    normalize,
    normalize_by_words,
    normalize_by_words_with_offsets,
    normalize_with_offsets,
    original_span,
)

# --- example tests, one per rule -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أحمد", "احمد"),
        ("إسلام", "اسلام"),
        ("آمال", "امال"),
        ("ٱلله", "الله"),
        ("القذافى", "القذافي"),
        ("حكومة", "حكومه"),
        ("السَّرَّاجُ", "السراج"),
        ("الوفـــاق", "الوفاق"),  # tatweel
        ("رحمٰن", "رحمن"),  # superscript alef
        ("قرآنۖ", "قران"),  # Quranic mark
        ("٦٣٥", "635"),
        ("۲۰۱۱", "2011"),
        ("مؤتمر رئيس", "مؤتمر رئيس"),  # hamza on waw / ya untouched
        ("Gaddafi’s", "gaddafi's"),
        ("Gaddafi´s", "gaddafi's"),
        ("Gaddafi‘s", "gaddafi's"),
        ("Gaddafi`s", "gaddafi's"),
        ("Gaddafiʼs", "gaddafi's"),
        ("Chargé d’Affaires", "charge d'affaires"),
        ("CAFÉ Ñandú", "cafe nandu"),
        ("Cafe\u0301", "cafe"),  # decomposed accent
        ("ＴＲＩＰＯＬＩ", "tripoli"),  # NFKC full-width
        ("ﬁnance", "finance"),  # NFKC ligature
        ("ﻻ", "لا"),  # Arabic presentation form
        ("Straße", "strasse"),
        ("ΑΘΗΝΑ", "αθηνα"),
    ],
)
def test_rules(raw, expected):
    assert normalize(raw) == expected


def test_non_latin_marks_are_kept():
    hindi = "हिन्दी"  # vowel signs and virama are combining marks
    assert normalize(hindi) == unicodedata.normalize("NFKC", hindi)
    greek = "ά"  # accents are only removed from Latin letters
    assert normalize(greek) == "ά"


def test_offsets_trailing_tashkeel_included():
    raw = "قال السَّرَّاجُ اليوم"
    out, off = normalize_with_offsets(raw)
    i = out.index("السراج")
    start, end = original_span(off, i, i + len("السراج"))
    assert raw[start:end] == "السَّرَّاجُ"


def test_offsets_expansion():
    raw = "Straße x"
    out, off = normalize_with_offsets(raw)
    assert out == "strasse x"
    # span ending inside the expansion of ß covers the whole ß
    assert original_span(off, 0, 5) == (0, 5)
    assert raw[slice(*original_span(off, 0, 7))] == "Straße"
    assert original_span(off, 3, 3) == (3, 3)


def test_offsets_leading_deleted():
    raw = "\u064eابc"
    out, off = normalize_with_offsets(raw)
    assert out == "ابc"
    assert off == [1, 2, 3, 4]


# --- properties --------------------------------------------------------------------------

ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=60)
MIXED = st.text(
    alphabet=st.sampled_from(
        list("abcXYZ éÉ́ ’´`'ʼ")
        + [chr(c) for c in range(0x0620, 0x0660)]
        + [chr(c) for c in range(0x0660, 0x0675)]
        + [chr(c) for c in range(0x06D0, 0x06FA)]
        + list("ﻻﷲ\u0640ßﬁ")
    ),
    max_size=40,
)


@settings(max_examples=400)
@given(st.one_of(ANY_TEXT, MIXED))
def test_never_raises_idempotent_and_offsets_valid(text):
    out, off = normalize_with_offsets(text)
    assert normalize(text) == out
    assert normalize(out) == out
    assert len(off) == len(out) + 1
    assert off[-1] == len(text)
    assert all(0 <= x <= len(text) for x in off)
    assert all(a <= b for a, b in zip(off, off[1:], strict=False))


@settings(max_examples=200)
@given(MIXED, st.data())
def test_original_span_in_range(text, data):
    out, off = normalize_with_offsets(text)
    i = data.draw(st.integers(0, len(out)))
    j = data.draw(st.integers(i, len(out)))
    start, end = original_span(off, i, j)
    assert 0 <= start <= end <= len(text)
    if j > i:
        assert end > start


_CHANGED = set(APOSTROPHES) | {"أ", "إ", "آ", "ٱ", "ى", "ة", "\u0640", "\u0670"}
_CHANGED |= {chr(c) for c in range(0x064B, 0x0660)} | {chr(c) for c in range(0x06D6, 0x06EE)}
_CHANGED |= {chr(c) for c in range(0x0660, 0x066A)} | {chr(c) for c in range(0x06F0, 0x06FA)}


def _inert(ch: str) -> bool:
    """A character this normaliser must leave alone: not in a changed set, not a combining
    mark, not a Hangul jamo, already NFKC, NFD-stable and case-folded."""
    cp = ord(ch)
    return (
        ch not in _CHANGED
        and not unicodedata.category(ch).startswith(("M", "C"))
        and not 0x1100 <= cp <= 0x11FF
        and unicodedata.normalize("NFKC", ch) == ch
        and unicodedata.normalize("NFD", ch) == ch
        and ch.casefold() == ch
    )


INERT = [chr(c) for c in range(0x20, 0x3000) if _inert(chr(c))]


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(INERT), max_size=60))
def test_inert_characters_unchanged(text):
    """Text made only of inert characters (e.g. lowercase ASCII, Arabic letters outside
    the mapped sets, Cyrillic lowercase, CJK punctuation ...) comes out exactly as is."""
    assert normalize(text) == text
    assert normalize_with_offsets(text)[1] == list(range(len(text) + 1))


LATIN = (
    [chr(c) for c in range(0x41, 0x7B) if chr(c).isalpha()]
    + [chr(c) for c in range(0xC0, 0x180) if chr(c).isalpha()]
    + [" ", "-", "1", "e\u0301", "O\u0308\u0301"]
)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(LATIN), max_size=40).map("".join))
def test_latin_is_casefolded_and_unaccented(text):
    """For Latin text: NFKC, casefold, drop every combining mark, recompose, and map the
    modifier-letter apostrophe NFKC may produce (ŉ → ʼn) to '."""
    base = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    expected = unicodedata.normalize(
        "NFC", "".join(c for c in base if not unicodedata.combining(c))
    ).replace("\u02bc", "'")
    assert normalize(text) == expected


@given(st.text(alphabet=st.sampled_from([chr(c) for c in range(0x410, 0x450)] + [" "])))
def test_cyrillic_only_casefolded(text):
    assert normalize(text) == unicodedata.normalize("NFKC", text).casefold()


# -- word by word, each distinct word once (the importer and the matcher) ---------------------

_TRICKY = "aA1 .`'\"\u0301\u0640\u064e\u0651\u0670أإآٱىةؤئـ ßﻻÉé\u2019´\n\u00a0"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(_TRICKY), max_size=40) | st.text(max_size=40))
def test_word_by_word_is_what_normalize_makes_offsets_included(text):
    words: dict = {}
    with_offsets: dict = {}
    for _ in range(2):  # the second time from the caches
        assert normalize_by_words(text, words) == normalize(text)
        assert normalize_by_words_with_offsets(text, with_offsets) == normalize_with_offsets(text)


def test_the_seed_texts_word_by_word_are_what_normalize_makes():
    words: dict = {}
    with_offsets: dict = {}
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    assert len(texts) == 5
    for text in texts:
        assert normalize_by_words(text, words) == normalize(text)
        assert normalize_by_words_with_offsets(text, with_offsets) == normalize_with_offsets(text)

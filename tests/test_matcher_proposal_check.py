"""Matcher.may_find_proposals: the cheap check that lets the proposed names' pass skip a
text. It may let through a text with no proposed name in it, never the reverse."""

from __future__ import annotations

import pytest

from archive.text.matcher import AliasEntry, Matcher

pytestmark = pytest.mark.nodb

ENTRIES = [
    AliasEntry(1, "Rapid Support Forces", "organization"),
    AliasEntry(1, "Quwat al-Daam al-Sarie", "organization", proposal=11),
    AliasEntry(2, "Mohamed Hamdan Dagalo", "person"),
    AliasEntry(2, "Hemedti", "person", proposal=12),
    AliasEntry(3, "الدعم السريع", "organization", proposal=13),
    AliasEntry(4, "Abdel Fattah al-Burhan", "person", proposal=14),
]

TEXTS = [
    # (text, whether a proposed name is found in it)
    ("Quwat al-Daam al-Sarie (QDS) took the town; QDS fighters stayed.", True),
    ("Hemetti was seen in Khartoum.", True),  # a spelling variant of a proposed name
    ("وقالت قوات الدعم السريع إنها", True),
    ("وبالدعم السريع", True),  # an Arabic proclitic before the name
    ("Abdel Fattah al-Burhan spoke; Burhan left.", True),
    ("Abdelfattah al-Burhan spoke.", True),  # the compound written as one word
    ("The Rapid Support Forces (RSF) said so.", False),
    ("Mohamed Hamdan Dagalo met the envoy; Dagalo left.", False),
    ("Quwat al-Daam met nobody.", False),  # half of a proposed name
    ("Nothing named here at all.", False),
]


@pytest.mark.parametrize("text, found", TEXTS)
def test_a_text_with_a_proposed_name_is_never_skipped(text, found):
    matcher = Matcher(ENTRIES)
    finds = matcher.find(text)
    assert any(m.proposal is not None for m in finds) == found
    if found:
        assert matcher.may_find_proposals(text)


def test_texts_that_cannot_hold_a_proposed_name_are_skipped():
    matcher = Matcher(ENTRIES)
    for text, found in TEXTS:
        if not found and "Quwat" not in text:
            assert not matcher.may_find_proposals(text), text


def test_without_proposed_names_every_text_is_skipped():
    matcher = Matcher([e for e in ENTRIES if e.proposal is None])
    assert not any(matcher.may_find_proposals(text) for text, _ in TEXTS)

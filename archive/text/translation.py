"""What a translation keeps that a second, independent account of the same event does not.

Plain Python, no Django. The grouping (`archive.services.grouping`) aligns two texts in two
languages paragraph by paragraph (`archive.text.align`) on their anchors: the entities each
paragraph names (the archive's mentions, so a name is compared across scripts through its
entity, whatever its spelling) and its figures (digits of any script folded). Two reports
of one event name the same people and the same toll; a translation also

* keeps the *order* of those anchors through the paragraphs (:func:`order_agreement`);
* keeps its figures (:func:`figures_kept`): a translation may drop a paragraph and its
  figures, it brings none of its own;
* says the same at its language's length (:func:`length_ratio`, against
  :data:`TYPICAL_RATIO`, the length one text takes in another language) and covers most
  of the shorter text in paragraph pairs that agree (:func:`coverage`);
* quotes the same speakers at the same places (quoted paragraphs are anchors of their
  own in the aligner).

None of these needs tuning to an archive: they are shares and orders, with thresholds
stated in `archive.services.grouping`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "TYPICAL_RATIO",
    "typical_ratio",
    "length_ratio",
    "coverage",
    "order_agreement",
    "figures_kept",
]

# Characters a text takes in the right language for 100 in the left (news prose; Arabic
# writes no short vowels and joins the article and many particles to the word). English
# to Arabic: 0.84 on the seeds' pair (000, 001), 0.80 on the U.S. Embassy's statement of
# 29 April 2020 (tests/data/grouping); French runs about 15% longer than English.
TYPICAL_RATIO = {
    ("en", "ar"): 0.82,
    ("en", "fr"): 1.15,
    ("fr", "ar"): 0.71,
}


def typical_ratio(left: str, right: str) -> float:
    """Expected len(right) / len(left) for a translation between the two languages (1.0
    for a pair not in :data:`TYPICAL_RATIO`)."""
    if left == right:
        return 1.0
    if (left, right) in TYPICAL_RATIO:
        return TYPICAL_RATIO[left, right]
    if (right, left) in TYPICAL_RATIO:
        return 1 / TYPICAL_RATIO[right, left]
    return 1.0


def length_ratio(left_chars: int, right_chars: int, left: str, right: str) -> float:
    """How many times longer the longer text is than the shorter once the languages'
    typical ratio is taken out (1.0: the same length)."""
    expected = typical_ratio(left, right) * max(1, left_chars)
    return math.exp(abs(math.log(max(1, right_chars) / expected)))


def coverage(
    pairs: Sequence[tuple[Sequence[int], Sequence[int]]],
    agree: Sequence[bool],
    left_lengths: Sequence[int],
    right_lengths: Sequence[int],
) -> tuple[float, float]:
    """Share of each text (in characters) lying in aligned pairs that agree."""
    covered_left = covered_right = 0
    for (li, rj), ok in zip(pairs, agree, strict=True):
        if ok:
            covered_left += sum(left_lengths[i] for i in li)
            covered_right += sum(right_lengths[j] for j in rj)
    return (
        covered_left / max(1, sum(left_lengths)),
        covered_right / max(1, sum(right_lengths)),
    )


def _first_places(keys: Sequence[set[str]]) -> dict[str, int]:
    places: dict[str, int] = {}
    for k, paragraph in enumerate(keys):
        for key in paragraph:
            places.setdefault(key, k)
    return places


def order_agreement(left_keys: Sequence[set[str]], right_keys: Sequence[set[str]]) -> float | None:
    """Whether the anchors both texts share come in the same order: the share of
    concordant pairs among the pairs of shared anchors whose first paragraphs differ on
    both sides (Kendall's tau as a share, 1.0 all in order). None when fewer than three
    anchors are shared or no pair can be ordered: then order says nothing."""
    left, right = _first_places(left_keys), _first_places(right_keys)
    shared = sorted(left.keys() & right.keys())
    if len(shared) < 3:
        return None
    concordant = discordant = 0
    for n, a in enumerate(shared):
        for b in shared[n + 1 :]:
            dl = left[a] - left[b]
            dr = right[a] - right[b]
            if dl and dr:
                if (dl > 0) == (dr > 0):
                    concordant += 1
                else:
                    discordant += 1
    if not concordant + discordant:
        return None
    return concordant / (concordant + discordant)


def figures_kept(a: frozenset[str], b: frozenset[str]) -> float | None:
    """Share of the figures of the text with fewer found in the other: a translation may
    drop a paragraph and its figures, it does not bring figures of its own. 0.0 when one
    text has two figures or more and the other none; None when neither has two (nothing
    to compare)."""
    fewer, more = sorted((a, b), key=len)
    if not fewer:
        return 0.0 if len(more) >= 2 else None
    return len(fewer & more) / len(fewer)

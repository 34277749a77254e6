"""Paragraph aligner for two versions of a story (e.g. English and Arabic).

Plain Python, no Django.  :func:`align` is a Gale–Church-like dynamic programme over
*beads* 1–1, 1–2, 2–1, 1–0 and 0–1.  A bead's cost combines

* a length term: ``|log(len(right) / (c * len(left)))|`` in characters, where ``c`` is the
  right/left length ratio estimated from the two texts themselves (first from their
  totals, then re-estimated from the 1–1 links of a first alignment, so that paragraphs
  present on one side only do not bias it);
* anchors that survive translation, weighted by rarity (idf over all paragraphs of both
  sides): numbers with normalised digits (``635``, ``٦٣٥``, ``2011``), the presence of
  quoted material, the keys returned by the optional ``anchors`` callable (e.g. entity ids
  found by :class:`archive.text.matcher.Matcher`), and, when both sides are in the same
  language, shared content words.  Shared keys lower the cost, keys present on one side
  only raise it a little (translations drop details);
* a fixed penalty for a paragraph left without counterpart (1–0 / 0–1) and a small one
  for 2–1 / 1–2 merges.

Every paragraph of both sides appears in exactly one :class:`Pair`, in order.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from .normalize import normalize, normalize_by_words_with_offsets, original_span

__all__ = [
    "Pair",
    "paragraphs",
    "paragraph_spans",
    "by_paragraph",
    "align",
    "paragraph_keys",
    "number_spans",
    "disagreements",
    "unmatched_figures",
]

Anchors = Callable[[str], set[str]]
T = TypeVar("T")


@dataclass
class Pair:
    left: list[int]
    right: list[int]


def paragraphs(body: str) -> list[str]:
    """Non-empty lines of ``body``, stripped (blank lines are not paragraphs)."""
    return [line.strip() for line in body.splitlines() if line.strip()]


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets in ``body`` of each paragraph of :func:`paragraphs`
    (``body[start:end] == paragraphs(body)[k]``); handy to map mention offsets stored for
    the whole body to paragraphs when building an ``anchors`` callable."""
    out = []
    pos = 0
    for line in body.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = pos + line.index(stripped)
            out.append((start, start + len(stripped)))
        pos += len(line)
    return out


def by_paragraph(
    spans: list[tuple[int, int]], items: Iterable[T], start: Callable[[T], int]
) -> list[list[T]]:
    """``items`` grouped by the paragraph (of ``spans``, as :func:`paragraph_spans` gives)
    holding their ``start(item)``, in their given order; an item that starts between two
    paragraphs is in none. One binary search per item."""
    starts = [a for a, _ in spans]
    groups: list[list[T]] = [[] for _ in spans]
    for item in items:
        position = start(item)
        k = bisect_right(starts, position) - 1
        if k >= 0 and position < spans[k][1]:
            groups[k].append(item)
    return groups


# --- features ---------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"\d+(?:[.,\u066b\u066c]\d+)*")
# The only characters that are not numeric but normalize (NFKC) to text with a digit:
# CJK compatibility signs for months, days and hours (㋀ is 1月).
_CJK_FIGURES = re.compile("[\u3200-\u33ff]")
_QUOTE_RE = re.compile(r"[\"“”«»„]")
_WORD_RE = re.compile(r"[^\W\d_]{4,}")
_STOP_TEXT = """
    that this with from have been were will would their there which about after before
    also said says into over more than they them when where while other under such these
    those only very most some what
"""
_STOP = frozenset(_STOP_TEXT.split())


def _canonical_number(raw: str) -> str:
    raw = raw.replace("\u066b", ".").replace("\u066c", ",")
    parts = re.split(r"([.,])", raw)
    out = parts[0]
    for sep, group in zip(parts[1::2], parts[2::2], strict=False):
        if sep == "," and len(group) == 3:
            out += group  # thousands separator
        elif sep == "." and len(group) == 3 and "." in raw[raw.index(".") + 1 :]:
            out += group  # 1.234.567
        else:
            out += "." + group
    if "." not in out:
        out = out.lstrip("0") or "0"
    return out


# Each distinct word normalized once per process: a side-by-side page reads every
# paragraph of both texts, and the words of news text repeat.
_WORDS: dict[str, tuple[str, list[int]]] = {}
WORD_CACHE = 50_000


def number_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, value)`` of every number in ``text`` (original offsets; digits of
    any script; thousands separators removed from ``value``)."""
    if not any(map(str.isnumeric, text)) and not _CJK_FIGURES.search(text):
        # No digit of any script, nor a figure normalizing would make one of (², ½, ①,
        # ㋀ "January"): most paragraphs, spared their normalization.
        return []
    if len(_WORDS) > WORD_CACHE:
        _WORDS.clear()
    norm, offsets = normalize_by_words_with_offsets(text, _WORDS)
    out = []
    for m in _NUMBER_RE.finditer(norm):
        s, e = original_span(offsets, m.start(), m.end())
        out.append((s, e, _canonical_number(m.group())))
    return out


def paragraph_keys(text: str, anchors: Anchors | None = None, *, words: bool = False) -> set[str]:
    """Language-independent keys of a paragraph: ``num:<value>`` for numbers, ``quote``
    if it contains quoted material, ``a:<key>`` for each anchor key, and (``words=True``,
    same-language alignment) ``w:<stem>`` for content words."""
    keys = {f"num:{v}" for _, _, v in number_spans(text)}
    if len(_QUOTE_RE.findall(text)) >= 2:
        keys.add("quote")
    if anchors is not None:
        keys |= {f"a:{k}" for k in anchors(text)}
    if words:
        for w in _WORD_RE.findall(normalize(text)):
            if w not in _STOP:
                keys.add("w:" + w[:6])
    return keys


# --- alignment ----------------------------------------------------------------------------

SKIP_COST = 2.5
MERGE_COST = 1.5
LENGTH_WEIGHT = 2.5
ANCHOR_WEIGHT = 5.0
NEUTRAL_SIMILARITY = 0.5
PRIOR = 0.3
# Same-language alignment also compares content words; unrelated paragraphs of one story
# share a few of them, so similarities up to this floor count as nothing.
WORD_SIMILARITY_FLOOR = 0.15
LENGTH_SMOOTHING = 20.0

_MOVES = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2))


def align(
    left: list[str],
    right: list[str],
    *,
    left_lang: str = "en",
    right_lang: str = "en",
    anchors: Anchors | None = None,
) -> list[Pair]:
    """Align two lists of paragraphs; see the module docstring.

    Returns Pairs in reading order; each index of ``left`` and of ``right`` appears in
    exactly one Pair.  ``anchors(paragraph) -> set[str]`` may supply language-independent
    keys (entity ids ...); without it only numbers, quotes and (same language) words
    are used.
    """
    if not left or not right:
        return [Pair([i], []) for i in range(len(left))] + [
            Pair([], [j]) for j in range(len(right))
        ]
    words = left_lang == right_lang
    lk = [paragraph_keys(p, anchors, words=words) for p in left]
    rk = [paragraph_keys(p, anchors, words=words) for p in right]
    df = Counter(k for ks in lk + rk for k in ks)
    total = len(left) + len(right)
    weight = {k: math.log(total / d) + 0.2 for k, d in df.items()}
    ll = [len(p) for p in left]
    rl = [len(p) for p in right]
    ratio = sum(rl) / max(1, sum(ll))
    floor = WORD_SIMILARITY_FLOOR if words else 0.0
    beads = _dp(ll, rl, lk, rk, weight, ratio, floor)
    ones = [
        rl[b.right[0]] / max(1, ll[b.left[0]])
        for b in beads
        if len(b.left) == 1 and len(b.right) == 1
    ]
    if len(ones) >= 3:
        ones.sort()
        new_ratio = ones[len(ones) // 2]
        if abs(math.log(new_ratio / ratio)) > 0.05:
            beads = _dp(ll, rl, lk, rk, weight, new_ratio, floor)
    return beads


def _bead_cost(ll, rl, lk, rk, weight, ratio, floor, li, ri) -> float:
    if not li or not ri:
        return SKIP_COST
    a = sum(ll[i] for i in li)
    b = sum(rl[j] for j in ri)
    cost = LENGTH_WEIGHT * abs(math.log((b + LENGTH_SMOOTHING) / (ratio * a + LENGTH_SMOOTHING)))
    ka = set().union(*(lk[i] for i in li))
    kb = set().union(*(rk[j] for j in ri))
    wa = sum(weight[k] for k in ka)
    wb = sum(weight[k] for k in kb)
    if wa + wb:
        shared = 2 * sum(weight[k] for k in ka & kb)
        # Figures that differ (635 vs 600) are what the page marks as a disagreement, not
        # proof that two paragraphs are unrelated: when figures are all a pair has, add a
        # little neutral evidence so that it stays linkable.
        prior = PRIOR if all(k.startswith("num:") for k in ka | kb) else 0.0
        sim = (shared + NEUTRAL_SIMILARITY * prior) / (wa + wb + prior)
        sim = max(0.0, (sim - floor) / (1 - floor))
    else:
        sim = NEUTRAL_SIMILARITY
    # each paragraph of the bead pays half the dissimilarity, so that a bead with nothing
    # in common costs as much as leaving all its paragraphs unlinked (K = 2 * SKIP_COST)
    cost += ANCHOR_WEIGHT * (1 - sim) * (len(li) + len(ri)) / 2
    if len(li) + len(ri) > 2:
        cost += MERGE_COST
    return cost


def _dp(ll, rl, lk, rk, weight, ratio, floor) -> list[Pair]:
    n, m = len(ll), len(rl)
    inf = float("inf")
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = best[i][j]
            if here == inf:
                continue
            for di, dj in _MOVES:
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                c = here + _bead_cost(
                    ll, rl, lk, rk, weight, ratio, floor, range(i, ni), range(j, nj)
                )
                if c < best[ni][nj]:
                    best[ni][nj] = c
                    back[ni][nj] = (di, dj)
    out: list[Pair] = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        out.append(Pair(list(range(i - di, i)), list(range(j - dj, j))))
        i, j = i - di, j - dj
    out.reverse()
    return out


# --- disagreements --------------------------------------------------------------------------


def disagreements(
    left_text: str, right_text: str, anchors: Anchors | None = None
) -> tuple[set[str], set[str]]:
    """Keys present on one side of a pair and not the other: ``(left_only, right_only)``.

    Numbers are reported as ``"num:<value>"`` (digits normalised, thousands separators
    removed, e.g. ``"num:635"``); anchor keys exactly as ``anchors`` returned them.
    """
    ln = {f"num:{v}" for _, _, v in number_spans(left_text)}
    rn = {f"num:{v}" for _, _, v in number_spans(right_text)}
    la = set(anchors(left_text)) if anchors else set()
    ra = set(anchors(right_text)) if anchors else set()
    return (ln - rn) | (la - ra), (rn - ln) | (ra - la)


def unmatched_figures(
    left_text: str, right_text: str
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans ``(start, end)`` (original offsets) of the numbers of each text that have no
    equal number in the other text, e.g. ``635`` in "$635 million" when the counterpart
    paragraph has no 635 (in any digit script)."""
    ls = number_spans(left_text)
    rs = number_spans(right_text)
    lv = {v for _, _, v in ls}
    rv = {v for _, _, v in rs}
    return (
        [(s, e) for s, e, v in ls if v not in rv],
        [(s, e) for s, e, v in rs if v not in lv],
    )

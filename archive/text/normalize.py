"""Text normalisation for matching English and Arabic news text.

``normalize(text)`` applies, in this order, per *cluster* (a base character plus the
combining marks that follow it):

1. typographic apostrophes (’ ‘ ´ ` ʼ ′) become ``'`` (done before NFKC, because NFKC
   turns ``´`` into a space plus a combining accent);
2. Unicode NFKC;
3. case folding (``str.casefold``, all scripts);
4. accents removed from Latin letters only: NFD, combining marks that follow a Latin
   base letter are dropped, then NFC.  Marks on other scripts (Devanagari vowel signs,
   Arabic hamza above ...) are kept;
5. Arabic: alef forms (أ إ آ ٱ) → ا, ى → ي, ة → ه; tashkeel (U+064B–U+065F), superscript
   alef (U+0670), Quranic marks (U+06D6–U+06ED) and tatweel (U+0640) deleted; Arabic-Indic
   digits (٠-٩, ۰-۹) → ASCII 0-9.  ؤ and ئ are left alone.

Because deleting a tatweel can bring a combining mark next to a Latin letter, the whole
pass is repeated until the text no longer changes (at most a few times), which makes
``normalize`` idempotent.

Offsets contract (``normalize_with_offsets``)
--------------------------------------------
``out, offsets = normalize_with_offsets(text)``:

* ``len(offsets) == len(out) + 1`` and ``offsets[-1] == len(text)``;
* ``offsets[k]`` is the index in ``text`` of the first character of the cluster that
  produced ``out[k]``; offsets are non-decreasing and within ``[0, len(text)]``;
* characters that were deleted (tashkeel, tatweel, Latin accents) belong to the output
  character *before* them: they lie in ``text[offsets[k]:offsets[k + 1]]``.  Hence the
  original span of a normalised span ``[i, j)`` is ``[offsets[i], offsets[j])``, and it
  includes the marks written on its last letter (``"السراجُ"`` keeps its damma);
* one original cluster may expand into several output characters (``ß`` → ``ss``,
  ``ﻻ`` → ``لا``); those all carry the same offset.  If ``j`` falls inside such an
  expansion ``offsets[j] == offsets[j - 1]``; use :func:`original_span`, which then
  extends the end to the end of that cluster, so the original span always covers every
  character that contributed to ``out[i:j]``.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = [
    "normalize",
    "normalize_with_offsets",
    "normalize_by_words",
    "normalize_by_words_with_offsets",
    "original_span",
    "APOSTROPHES",
]

APOSTROPHES = "\u2019\u2018\u00b4`\u02bc\u2032"
_APOS_TABLE = {ord(c): "'" for c in APOSTROPHES}

_ARABIC_TABLE: dict[int, str | None] = {
    ord("أ"): "ا",
    ord("إ"): "ا",
    ord("آ"): "ا",
    ord("ٱ"): "ا",
    ord("ى"): "ي",
    ord("ة"): "ه",
    0x0640: None,  # tatweel
    0x0670: None,  # superscript alef
}
for _cp in range(0x064B, 0x0660):
    _ARABIC_TABLE[_cp] = None
for _cp in range(0x06D6, 0x06EE):
    _ARABIC_TABLE[_cp] = None
for _i in range(10):
    _ARABIC_TABLE[0x0660 + _i] = str(_i)
    _ARABIC_TABLE[0x06F0 + _i] = str(_i)

_MAX_PASSES = 6


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M" or unicodedata.combining(ch) != 0


def _continues_cluster(ch: str) -> bool:
    cp = ord(ch)
    if cp < 0x300:
        return False
    # Hangul medial vowels / final consonants compose with the preceding jamo.
    if 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF:
        return True
    return _is_mark(ch)


@lru_cache(maxsize=4096)
def _is_latin(ch: str) -> bool:
    if ch.isascii():
        return ch.isalpha()
    return unicodedata.name(ch, "").startswith("LATIN ")


@lru_cache(maxsize=65536)
def _process_cluster(cluster: str) -> str:
    s = cluster.translate(_APOS_TABLE)
    s = unicodedata.normalize("NFKC", s).casefold()
    d = unicodedata.normalize("NFD", s)
    kept = []
    latin = False
    for ch in d:
        if _is_mark(ch):
            if latin:
                continue
        else:
            latin = _is_latin(ch)
        kept.append(ch)
    s = unicodedata.normalize("NFC", "".join(kept))
    return s.translate(_ARABIC_TABLE)


def _one_pass(text: str) -> tuple[str, list[int]]:
    if text.isascii() and "`" not in text:
        return text.lower(), list(range(len(text) + 1))
    out: list[str] = []
    offsets: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        j = i + 1
        while j < n and _continues_cluster(text[j]):
            j += 1
        piece = _process_cluster(text[i:j])
        if piece:
            out.append(piece)
            offsets.extend([i] * len(piece))
        i = j
    offsets.append(n)
    return "".join(out), offsets


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise ``text`` and return ``(normalised, offsets)``; see the module docstring
    for the offsets contract."""
    out, offsets = _one_pass(text)
    for _ in range(_MAX_PASSES):
        again, off2 = _one_pass(out)
        if again == out:
            break
        offsets = [offsets[k] for k in off2]
        out = again
    return out, offsets


def normalize(text: str) -> str:
    """Normalise ``text`` for matching (see module docstring)."""
    return normalize_with_offsets(text)[0]


def original_span(offsets: list[int], i: int, j: int) -> tuple[int, int]:
    """Map the normalised span ``[i, j)`` back to ``[start, end)`` in the original text.

    ``end`` is ``offsets[j]`` unless ``j`` falls inside a multi-character expansion of a
    single original cluster, in which case the span is extended to the end of that
    cluster.  An empty span maps to an empty span at ``offsets[i]``.
    """
    start = offsets[i]
    if j <= i:
        return start, start
    last = offsets[j - 1]
    k = j
    while k < len(offsets) - 1 and offsets[k] == last:
        k += 1
    return start, offsets[k]


# Characters (printable ASCII, Arabic letters) that never join the cluster before them (a
# letter and its marks) and are never deleted nor turned into a mark by normalize(), in
# any of its passes: at a space followed by one of them no cluster crosses, so the text
# normalizes word by word, and the words of news text repeat: each distinct one is
# normalized once.
_SAFE_START = frozenset(
    map(chr, [*range(0x20, 0x7F), *range(0x0621, 0x063B), *range(0x0641, 0x064B)])
)


def _safe_words(text: str) -> list[str] | None:
    """The text's words at its spaces, or None when a word opens with a character that
    could join or change across the space (a mark, say: rare)."""
    words = text.split(" ")
    for word in words[1:]:
        if word and word[0] not in _SAFE_START:
            return None
    return words


def normalize_by_words(text: str, cache: dict[str, str]) -> str:
    """normalize(text), from the normalized forms of its words (kept in `cache`)."""
    words = _safe_words(text)
    if words is None:
        return normalize(text)
    out = []
    for word in words:
        norm = cache.get(word)
        if norm is None:
            norm = cache[word] = normalize(word)
        out.append(norm)
    return " ".join(out)


def normalize_by_words_with_offsets(
    text: str, cache: dict[str, tuple[str, list[int]]]
) -> tuple[str, list[int]]:
    """normalize_with_offsets(text), from each distinct word's (kept in `cache`): the
    matcher's share of an import was mostly normalizing the same words again."""
    words = _safe_words(text)
    if words is None:
        return normalize_with_offsets(text)
    out: list[str] = []
    offsets: list[int] = []
    at = 0
    for i, word in enumerate(words):
        if i:
            out.append(" ")
            offsets.append(at - 1)  # the space before this word
        found = cache.get(word)
        if found is None:
            found = cache[word] = normalize_with_offsets(word)
        norm, word_offsets = found
        out.append(norm)
        offsets.extend([at + k for k in word_offsets[:-1]])
        at += len(word) + 1
    offsets.append(len(text))
    return "".join(out), offsets

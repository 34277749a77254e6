"""Arabic proclitics: the one table of what may be glued to the front of a word.

Plain Python, no Django. The matcher (`archive.text.matcher`) strips a run of them from
the first word of a name; search (`archive.reads.fulltext`) strips one from a reader's query word.
Both read the same letters from here.
"""

from __future__ import annotations

import re

__all__ = ["ARTICLE", "CONJUNCTIONS", "PREPOSITIONS", "CLITIC_RUNS", "PREFIXES", "is_arabic"]

ARTICLE = "ال"
CONJUNCTIONS = ("و", "ف")  # and, so
PREPOSITIONS = ("ب", "ل", "ك")  # with, for, like

# Every run a word may carry: a conjunction, then a preposition (each optional), shortest
# first; "" is the bare word.
CLITIC_RUNS = sorted(
    {c + p for c in ("", *CONJUNCTIONS) for p in ("", *PREPOSITIONS)}, key=lambda s: (len(s), s)
)


def with_article(letter: str) -> str:
    """A proclitic letter joined to the article: ل + ال is written لل (the alef drops)."""
    return "لل" if letter == "ل" else letter + ARTICLE


# What search strips from a query word: one proclitic letter, the article, or a letter
# joined to the article (والسراج, بالسراج, للسراج).
PREFIXES = (
    *(with_article(letter) for letter in (*CONJUNCTIONS, *PREPOSITIONS)),
    ARTICLE,
    *CONJUNCTIONS,
    *PREPOSITIONS,
)

_ARABIC_RE = re.compile(r"[\u0600-\u06ff]")


def is_arabic(text: str) -> bool:
    """Whether `text` holds any letter of the Arabic block."""
    return bool(_ARABIC_RE.search(text))

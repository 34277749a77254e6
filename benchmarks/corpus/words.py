"""The vocabularies of running text: a Zipf-law word model per language, from the words of
``seeds/*.txt`` plus pseudo-words made by a letter trigram chain trained on them. Plain
Python, no database and no Django."""

from __future__ import annotations

import json
import math
import re
from array import array
from collections import Counter
from itertools import accumulate
from pathlib import Path
from random import Random

from archive.text.normalize import normalize

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
FIXTURES_DIR = SEEDS_DIR.parent / "fixtures"

_ARABIC = re.compile(r"[\u0600-\u06ff]")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


# Words of lower-case ASCII letters or plain Arabic letters (no marks, no tatweel): for
# them normalize() is a per-letter table, and the vocabulary has 60,000 of them to fold.
_PLAIN_WORD = re.compile(r"[a-z\u0621-\u063a\u0641-\u064a]+")
_PLAIN_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})


def _norm_word(word: str) -> str:
    """normalize(word), by a table lookup when the word is plain letters."""
    if _PLAIN_WORD.fullmatch(word):
        return word.translate(_PLAIN_FOLD)
    return normalize(word)


def seed_words(seeds_dir: Path = SEEDS_DIR) -> tuple[Counter, Counter]:
    """Word counts of the seed texts: (English, Arabic).

    English keeps only words written in lower case somewhere (no proper names, no
    headline capitals) and only ASCII ones; Arabic keeps every word of two letters or more.
    """
    en: Counter = Counter()
    ar: Counter = Counter()
    files = sorted(seeds_dir.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no seed texts in {seeds_dir}")
    for path in files:
        for word in _WORD.findall(path.read_text(encoding="utf-8")):
            if _ARABIC.search(word):
                if len(word) >= 2 and all(_ARABIC.match(c) for c in word):
                    ar[word] += 1
            elif word.isascii() and word.islower():
                en[word] += 1
    return en, ar


def curated_name_words(fixtures_dir: Path = FIXTURES_DIR) -> set[str]:
    """Arabic words of the curated entities' names (السراج, طرابلس…), kept out of the
    vocabulary so generated running text never names a curated entity by chance."""
    words: set[str] = set()
    path = fixtures_dir / "04_entities.json"
    if not path.exists():
        return words
    for row in json.loads(path.read_text(encoding="utf-8")):
        if row.get("model") == "archive.alias":
            for word in _WORD.findall(row["fields"]["name"]):
                if _ARABIC.search(word):
                    words.add(word)
                    words.add(normalize(word))
    return words


def _trigram_words(
    words: list[str], rng: Random, count: int, taken: set[str], max_len: int = 12
) -> list[str]:
    """`count` new pseudo-words from a letter trigram chain trained on `words` (a bigram
    chain once the trigram one stops finding new words)."""
    chains: list[dict[str, list[str]]] = [{}, {}]
    for w in words:
        padded = "^^" + w + "$"
        for i in range(len(padded) - 2):
            chains[0].setdefault(padded[i : i + 2], []).append(padded[i + 2])
            chains[1].setdefault(padded[i + 1], []).append(padded[i + 2])
    out: list[str] = []
    seen = set(taken)
    rand = rng.random
    attempts = 0
    while len(out) < count and attempts < count * 40:
        attempts += 1
        bigram = attempts > count * 4
        chain = chains[1 if bigram else 0]
        state, word = "^^", ""
        while len(word) <= max_len:
            options = chain[state[-1] if bigram else state]
            c = options[int(rand() * len(options))]
            if c == "$":
                break
            word += c
            state = state[1] + c
        if 3 <= len(word) <= max_len and word not in seen and _norm_word(word) not in taken:
            seen.add(word)
            out.append(word)
    return out


class Vocabulary:
    """One language's words ranked by frequency, drawn with a Zipf rank-frequency law.

    Ranks 1..k are the seed words in their seed frequency order (so "the", "of", "فى",
    "على" lead, as in real news), the rest are pseudo-words. A word of rank r is drawn
    with probability about 1/(r + q) (Zipf–Mandelbrot, exponent 1), by inverting the
    continuous law: r = (1 + q)·exp(u·ln((n + q)/(1 + q))) − q for u uniform in [0, 1).

    Text is cut from a *stream*: ``stream_words`` words drawn once in that law and kept
    joined (with the same stream normalized, and each word's offset in both), so a run of
    k words costs two slices instead of k draws. Sentences join two slices at random
    places of a stream of hundreds of thousands of words: the words keep the Zipf law and
    sentences do not repeat.
    """

    Q = 2.7

    def __init__(
        self, seeds: Counter, size: int, rng: Random, stream_words: int, drop=(), max_len=12
    ):
        kept = [w for w in seeds if w not in drop and _norm_word(w) not in drop]
        base = sorted(kept, key=lambda w: (-seeds[w], w))
        taken = set(base) | set(drop)
        extra = _trigram_words(base, rng, max(0, size - len(base)), taken, max_len)
        self.words: list[str] = base + extra
        self.norm: list[str] = [_norm_word(w) for w in self.words]
        n, q = len(self.words), self.Q
        scale, log_span = 1 + q, math.log((n + q) / (1 + q))
        exp, rand = math.exp, rng.random
        ranks = [min(n - 1, int(scale * exp(rand() * log_span) - q)) for _ in range(stream_words)]
        words, norm = self.words, self.norm
        self.text = " ".join([words[r] for r in ranks]) + " "
        self.norm_text = " ".join([norm[r] for r in ranks]) + " "
        # Offsets of each word's start (and of the end), in the text and in its normal form.
        self.starts = array("l", accumulate((len(words[r]) + 1 for r in ranks), initial=0))
        self.norm_starts = array("l", accumulate((len(norm[r]) + 1 for r in ranks), initial=0))
        self.stream_words = stream_words

    def __len__(self):
        return len(self.words)

    def run(self, rng: Random, k: int) -> tuple[str, str]:
        """`k` consecutive words of the stream from a random place: (text, normalized)."""
        i = int(rng.random() * (self.stream_words - k))
        a, b = self.starts[i], self.starts[i + k] - 1
        na, nb = self.norm_starts[i], self.norm_starts[i + k] - 1
        return self.text[a:b], self.norm_text[na:nb]

"""Near-duplicate texts: MinHash signatures of word shingles, and an LSH index (datasketch).

Plain Python, no Django. A text's shingles are its runs of `SHINGLE` consecutive words after
`archive.text.normalize` (case, Arabic letter forms and digits folded), so the same wire
re-typed with other quotes or digits still matches. Only the body is shingled, never the
headline: outlets rewrite headlines.

A reprint often adds an intro or cuts the ending: its Jaccard similarity to the full copy
falls to its share of the text, but what it keeps is still all in the other. So the
decision reads `containment` (the shared shingles over the shorter text's), which a
signature estimates from its Jaccard estimate and the two shingle counts; Jaccard alone
only finds the candidates.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .normalize import normalize

if TYPE_CHECKING:
    import numpy as np
    from datasketch import LeanMinHash, MinHash

# datasketch (with numpy and scipy) is imported where a signature is made, not when this
# module is: it took 0.45 s of every process's start (web workers, every command).

__all__ = [
    "NUM_PERM",
    "SHINGLE",
    "CANDIDATE_JACCARD",
    "Signature",
    "words",
    "shingles",
    "signature",
    "jaccard",
    "containment",
    "Index",
]

NUM_PERM = 128
SHINGLE = 4
# LSH finds pairs whose Jaccard is about this or more: low enough that a reprint keeping
# a third of the text (an intro added, the ending cut) is still a candidate.
CANDIDATE_JACCARD = 0.2

_WORD_RE = re.compile(r"\w+")
# One permutation set for every signature of the process (building it is the slow part).
SCHEME = "affine32"


@cache
def _template() -> MinHash:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)


def words(text: str) -> list[str]:
    """The normalized words of `text`."""
    return _WORD_RE.findall(normalize(text))


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """The distinct runs of `size` consecutive words (a shorter text: its words as one)."""
    ws = words(text)
    if not ws:
        return set()
    if len(ws) < size:
        return {" ".join(ws).encode()}
    return {" ".join(ws[i : i + size]).encode() for i in range(len(ws) - size + 1)}


@dataclass(frozen=True, slots=True)
class Signature:
    """What the grouping keeps of a text: its MinHash values and its number of shingles."""

    hashvalues: np.ndarray
    size: int

    def minhash(self) -> LeanMinHash:
        from datasketch import LeanMinHash

        return LeanMinHash(seed=1, hashvalues=self.hashvalues, scheme=SCHEME)


def signature(text: str) -> Signature:
    """The MinHash signature of `text`'s shingles (size 0 for a text without words)."""
    from datasketch import MinHash

    found = shingles(text)
    m = MinHash(num_perm=NUM_PERM, seed=1, permutations=_template().permutations, scheme=SCHEME)
    if found:
        m.update_batch(list(found))
    return Signature(m.hashvalues, len(found))  # uint32 under the affine32 scheme


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    if not a.size or not b.size:
        return 0.0
    return float((a.hashvalues == b.hashvalues).sum()) / NUM_PERM


def containment(a: Signature, b: Signature) -> float:
    """Estimated share of the shorter text's shingles found in the other: |A∩B| / min.

    From |A∩B| = J·|A∪B| and |A∪B| = (|A| + |B|) / (1 + J)."""
    j = jaccard(a, b)
    if not j:
        return 0.0
    shared = j * (a.size + b.size) / (1 + j)
    return min(1.0, shared / min(a.size, b.size))


class Index:
    """An LSH index answering "which texts seen so far may be near-duplicates of this one"."""

    def __init__(self, threshold: float = CANDIDATE_JACCARD):
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)

    def add(self, key: Hashable, sig: Signature) -> list[Hashable]:
        """Insert `key` and return the keys inserted before it that are candidates."""
        if not sig.size:
            return []
        m = sig.minhash()
        found = self._lsh.query(m)
        self._lsh.insert(key, m, check_duplication=False)
        return found

    def add_all(self, items: Iterable[tuple[Hashable, Signature]]) -> list[tuple]:
        """Candidate pairs (earlier key, later key) among `items`."""
        return [(other, key) for key, sig in items for other in self.add(key, sig)]

"""Benchmark for archive.text.matcher: build time, find time, variant-key cost.

Builds 50,000 synthetic aliases (Latin and Arabic, 1-4 tokens) plus the seed alias
table, and a ~5,000-word text made by repeating the seed articles, then prints figures.

    .venv/bin/python benchmarks/bench_matcher.py
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.text.matcher import AliasEntry, Matcher  # noqa: E402
from archive.text.variants import phrase_key  # noqa: E402

DATA = ROOT / "tests" / "data"
LATIN_SYL = [
    "ka",
    "ra",
    "mo",
    "del",
    "sar",
    "fi",
    "han",
    "tor",
    "bel",
    "qui",
    "zan",
    "mer",
    "lo",
    "ves",
    "dar",
    "nu",
    "shi",
    "gor",
    "tal",
    "ben",
]
ARABIC_SYL = [
    "كا",
    "را",
    "مو",
    "دل",
    "سر",
    "في",
    "حن",
    "تو",
    "بل",
    "قي",
    "زن",
    "مر",
    "لو",
    "فس",
    "دا",
    "نو",
    "شي",
    "غو",
    "طل",
    "بن",
]
KINDS = ["person", "organization", "place"]


def synthetic_aliases(n: int, seed: int = 7) -> list[AliasEntry]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        syl = ARABIC_SYL if i % 3 == 0 else LATIN_SYL
        words = []
        for _ in range(rnd.randint(1, 4)):
            w = "".join(rnd.choice(syl) for _ in range(rnd.randint(2, 4)))
            words.append(w if syl is ARABIC_SYL else w.capitalize())
        out.append(AliasEntry(f"syn{i}", " ".join(words), KINDS[i % 3]))
    return out


def seed_aliases() -> list[AliasEntry]:
    table = json.loads((DATA / "seed_aliases.json").read_text(encoding="utf-8"))
    return [AliasEntry(e["entity"], n, e["kind"]) for e in table["entities"] for n in e["names"]]


def seed_text(words: int = 5000) -> str:
    lines = [
        line
        for p in sorted((DATA / "seeds").glob("*.txt"))
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    out: list[str] = []
    count = 0
    while count < words:
        line = lines[len(out) % len(lines)]
        out.append(line)
        count += len(line.split())
    return "\n".join(out)


def main() -> None:
    aliases = synthetic_aliases(50_000) + seed_aliases()
    t0 = time.perf_counter()
    matcher = Matcher(aliases)
    t1 = time.perf_counter()
    text = seed_text()
    t2 = time.perf_counter()
    found = matcher.find(text)
    t3 = time.perf_counter()
    found_again = matcher.find(text)
    t4 = time.perf_counter()
    assert found == found_again
    print(f"aliases:             {len(aliases):,}")
    print(f"text:                {len(text.split()):,} words, {len(text):,} characters")
    print(f"build time:          {t1 - t0:.3f} s")
    print(f"find time (cold):    {t3 - t2:.3f} s")
    print(f"find time (warm):    {t4 - t3:.3f} s")
    print(f"mentions found:      {len(found):,}")
    # Alias.variant_key is phrase_key(name), computed on every alias save and in the
    # migration's backfill: its cost per alias bounds both.
    t5 = time.perf_counter()
    keys = {phrase_key(a.name) for a in aliases}
    t6 = time.perf_counter()
    print(f"phrase keys:         {len(aliases):,} aliases in {t6 - t5:.3f} s, {len(keys):,} keys")


if __name__ == "__main__":
    main()

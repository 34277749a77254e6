"""Generated people, organizations and places, with English and Arabic names and spelling
variants in both scripts (:func:`make_entities`). Plain Python, no database and no Django."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from random import Random

from benchmarks.corpus.marks import GENERATED_NOTE, SLUG_PREFIX
from benchmarks.corpus.names import (
    CONSONANTS,
    ENDINGS,
    GIVEN_NAMES,
    MINISTRIES,
    ORG_TEMPLATES,
    PARTY_WORDS,
    PLACE_PREFIXES,
    VOWELS,
)


def ascii_slug(text: str) -> str:
    """`text` in lower-case ASCII letters and digits, accents dropped, dashes between."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _syllable_name(rng: Random, syllables: int, ending: bool) -> tuple[list[list[str]], str]:
    """A pseudo-name: its parts as lists of Latin spellings, and its Arabic spelling."""
    parts: list[list[str]] = []
    arabic = ""
    for _ in range(syllables):
        cons, c_ar = rng.choice(CONSONANTS)
        vow, v_ar = rng.choice(VOWELS)
        parts.append([c + v for c in cons for v in vow][:3])
        arabic += c_ar + v_ar
    end, e_ar = rng.choice(ENDINGS) if ending else ([], "")
    if e_ar:
        parts.append(end)
        arabic += e_ar
    else:
        # A name ends on a consonant or a written ending: Arabic does not write a short
        # final vowel, so "Qudha" beside قوذ would be two names by their spelling keys
        # (and its short key, kda, took the common word قاعدة for a person's name).
        cons, c_ar = rng.choice(CONSONANTS)
        parts.append(cons)
        arabic += c_ar
    return parts, arabic


def _spell(parts: list[list[str]], variant: int | None = None, rng: Random | None = None) -> str:
    """The canonical spelling, or one with the `variant`-th changeable part respelt."""
    out = []
    changeable = [i for i, p in enumerate(parts) if len(p) > 1]
    pick = changeable[variant % len(changeable)] if (variant is not None and changeable) else -1
    for i, p in enumerate(parts):
        out.append(p[1 + (rng.randrange(len(p) - 1) if rng else 0)] if i == pick else p[0])
    return "".join(out).capitalize()


def _arabic_variant(name: str) -> str:
    """A common variant spelling: ة→ه, final ي→ى, or أ/إ→ا (unchanged if none applies)."""
    for a, b in (("ة", "ه"), ("أ", "ا"), ("إ", "ا")):
        if a in name:
            return name.replace(a, b)
    if name.endswith("ي"):
        return name[:-1] + "ى"
    return name


@dataclass
class GenEntity:
    index: int
    kind: str
    name: str
    slug: str
    description: str
    aliases: list[tuple[str, str]]  # (name, language), the first per language is canonical
    en: list[str] = field(default_factory=list)  # mention texts in English, canonical first
    ar: list[str] = field(default_factory=list)


def _entity(index: int, kind: str, aliases: list[tuple[str, str]]) -> GenEntity:
    unique: list[tuple[str, str]] = []
    for a in aliases:
        if a[0] and a not in unique:
            unique.append(a)
    name = unique[0][0]
    slug = f"{SLUG_PREFIX}{kind[0]}{index:05d}-{ascii_slug(name)}"[:200]
    e = GenEntity(index, kind, name, slug, f"{GENERATED_NOTE}: {kind}", unique)
    e.en = [n for n, lang in unique if lang == "en"]
    e.ar = [n for n, lang in unique if lang == "ar"]
    return e


def make_entities(rng: Random, people: int, organizations: int, places: int):
    """People, organizations and places (each list in popularity rank order)."""
    place_list: list[GenEntity] = []
    place_names: list[tuple[list[list[str]], str, str, str]] = []
    seen: set[str] = set()
    while len(place_list) < places:
        prefix, prefix_ar = rng.choice(PLACE_PREFIXES)
        parts, arabic = _syllable_name(rng, rng.choice((2, 2, 3)), ending=True)
        canonical = prefix + _spell(parts)
        if canonical in seen:
            continue
        seen.add(canonical)
        variant = prefix + _spell(parts, 0, rng)
        ar = prefix_ar + arabic
        place_names.append((parts, canonical, variant, ar))
        place_list.append(
            _entity(
                len(place_list) + 1,
                "place",
                [(canonical, "en"), (variant, "en"), (ar, "ar"), (_arabic_variant(ar), "ar")],
            )
        )
    families: list[tuple[str, str, str]] = []  # (Family, variant, Arabic) without al-
    people_list: list[GenEntity] = []
    seen = set()
    while len(people_list) < people:
        given, given_ar = rng.choice(GIVEN_NAMES)
        parts, fam_ar = _syllable_name(rng, rng.choice((2, 2, 3)), ending=rng.random() < 0.4)
        family, family_var = _spell(parts), _spell(parts, 0, rng)
        families.append((family, family_var, fam_ar))
        canonical = f"{given[0]} al-{family}"
        if canonical in seen:
            continue
        seen.add(canonical)
        g_var = given[1] if len(given) > 1 else given[0]
        article = rng.choice(("el-", "Al-", "al "))
        full_ar = f"{given_ar} ال{fam_ar}"
        people_list.append(
            _entity(
                len(people_list) + 1,
                "person",
                [
                    (canonical, "en"),
                    (f"{g_var} {article}{family_var}", "en"),
                    (f"al-{family}", "en"),
                    (full_ar, "ar"),
                    (_arabic_variant(full_ar), "ar"),
                    (f"ال{fam_ar}", "ar"),
                ],
            )
        )
    org_list: list[GenEntity] = []
    seen = set()
    for i, (en, ar) in enumerate(MINISTRIES[: max(0, organizations // 4)]):
        seen.add(f"Ministry of {en}")
        org_list.append(
            _entity(i + 1, "organization", [(f"Ministry of {en}", "en"), (f"وزارة {ar}", "ar")])
        )
    for en, ar in PARTY_WORDS[: max(0, organizations // 8)]:
        name = f"National {en} Party"
        seen.add(name)
        org_list.append(
            _entity(
                len(org_list) + 1,
                "organization",
                [(name, "en"), (f"N{en[0]}P", "en"), (f"حزب {ar} الوطني", "ar")],
            )
        )
    while len(org_list) < organizations:
        en_t, ar_t, what = rng.choice(ORG_TEMPLATES)
        if what == "place":
            _parts, x, x_var, x_ar = rng.choice(place_names)
        else:
            x, x_var, x_ar = rng.choice(families)
            x, x_var, x_ar = "al-" + x, "Al-" + x_var, "ال" + x_ar
        name = en_t.format(X=x)
        if name in seen:
            continue
        seen.add(name)
        ar_name = ar_t.format(X=x_ar)
        org_list.append(
            _entity(
                len(org_list) + 1,
                "organization",
                [
                    (name, "en"),
                    (en_t.format(X=x_var), "en"),
                    (ar_name, "ar"),
                    (_arabic_variant(ar_name), "ar"),
                ],
            )
        )
    # Popularity rank is not creation order (ministries would all lead otherwise).
    rng.shuffle(org_list)
    return people_list, org_list, place_list

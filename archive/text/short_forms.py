"""Short forms of a person's name that texts use alone: the surname (Bashir, al-Bashir,
البشير) and the first and last names without the middle ones (Omar al-Bashir for Omar Hassan
Ahmad al-Bashir). Plain Python, no Django.

`short_forms(name, kind)` derives them from one name; `unique_short_forms(entries)` keeps
those that name one entity only among all the names of all entities (a surname two people
share, or that another entity's name holds as a word, names nobody). They are matcher
entries made when the matcher is built, never alias rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache

from .arabic import ARTICLE, is_arabic
from .matcher import AliasEntry
from .normalize import normalize
from .variants import LATIN_ARTICLES, phrase_key

# Words that open a compound given name (Abd al-Rahman, Abu Bakr, عبد ربه).
GIVEN_COMPOUNDS = frozenset({"abd", "abdel", "abdul", "abdal", "abu", "abou", "عبد", "ابو"})
# Words that belong to the surname after them (bin Mubarak, von der Leyen, ابن سلمان).
SURNAME_PARTICLES = (
    frozenset(
        {"bin", "ibn", "ben", "bint", "ould", "abu", "abou", "van", "von", "der", "de", "du"}
        | {"da", "di", "del", "della", "dos", "la", "le", "bin", "بن", "ابن", "بنت", "ابو", "ال"}
    )
    | LATIN_ARTICLES
)
LATIN_SURNAME_MIN = 4  # letters a surname alone needs (Hadi yes, Ali no)
ARABIC_SURNAME_MIN = 5  # without ال (as the matcher's BARE_SURNAME); with it, 3

_WORD_SPLIT = re.compile(r"[\s\-\u2010\u2011]+")
_BRACKETS = re.compile(r"\s*[(\[].*$")


def _words(name: str) -> list[str]:
    return name.split()


# The words of names repeat (Mohamed, al-, عبد): each is normalized once.
_norm = lru_cache(maxsize=200_000)(normalize)
_key = lru_cache(maxsize=200_000)(phrase_key)  # a surname comes from every spelling


@lru_cache(maxsize=200_000)
def _word_parts(word: str) -> tuple[str, ...]:
    out = []
    for part in _WORD_SPLIT.split(_norm(word)):
        if not part or part in LATIN_ARTICLES:
            continue
        if is_arabic(part) and part.startswith(ARTICLE) and len(part) >= 4:
            part = part[len(ARTICLE) :]
        out.append(part)
    return tuple(out)


def _name_words(name: str) -> list[str]:
    """The words of a name as the matcher compares them: normalized, hyphens split
    (Abu-Namo), without articles (al-, ال)."""
    return [part for word in _words(name) for part in _word_parts(word)]


def _bare(word: str) -> str:
    """The letters of a surname's last word, without its article (al-Bashir → bashir)."""
    parts = _name_words(word)
    return parts[-1] if parts else ""


def _surname_ok(surname: list[str]) -> bool:
    """A one-word surname long enough to stand alone (several words always are)."""
    if len([w for w in surname if _norm(w) not in LATIN_ARTICLES]) > 1:
        return True
    word = surname[-1]
    letters = _bare(word)
    if is_arabic(word):
        has_article = _norm(word).startswith(ARTICLE)
        return len(letters) >= (3 if has_article else ARABIC_SURNAME_MIN)
    return len(letters) >= LATIN_SURNAME_MIN and letters.isalpha()


def short_forms(name: str, kind: str) -> list[str]:
    """The surname and the first-and-last name of a person's `name`, as written in it;
    nothing for other kinds, one-word names, or names written surname first (a comma)."""
    if kind != "person" or "," in name:
        return []
    words = _words(_BRACKETS.sub("", name).strip())
    if len(words) < 2:
        return []
    keys = [_norm(w) for w in words]
    if keys[0] in GIVEN_COMPOUNDS and len(words) == 2:
        return []  # Abu Mazen, عبد الله: one given name, no surname
    given = 2 if keys[0] in GIVEN_COMPOUNDS else 1
    last = len(words) - 1
    while last > given and keys[last - 1] in SURNAME_PARTICLES:
        last -= 1
    surname = words[last:]
    forms = []
    if _surname_ok(surname):
        forms.append(" ".join(surname))
    if last > given:  # middle names between: the given name and the surname alone
        forms.append(" ".join(words[:given] + surname))
    return forms


_LINKS = frozenset(
    {"of", "the", "and", "for", "in", "on", "de", "du", "des", "la", "le", "les", "d", "l", "et"}
    | {"di", "del", "della", "dei", "degli", "e", "y", "el", "al", "und", "der", "die", "das"}
)
ACRONYM_WORDS = 3  # words a name needs before its initials are taken as its acronym


def acronym(name: str, kind: str) -> str:
    """The initials of an organization's or a place's name of three words or more, in
    capitals (United Arab Emirates → UAE, Rapid Support Forces → RSF, Forces de soutien
    rapide → FSR): texts write such names so, often without defining them. Small words
    (of, the, de, du ...) have no letter. Nothing for people, Arabic script, or shorter
    names (two letters would be too many other things' initials)."""
    if kind not in ("organization", "place") or is_arabic(name) or "(" in name:
        return ""
    words = [w for w in _WORD_SPLIT.split(name.strip()) if w]
    if not words or not words[0][:1].isupper():
        return ""
    content = [w for w in words if _norm(w).strip("'’") not in _LINKS]
    if len(content) < ACRONYM_WORDS or not all(w[:1].isalpha() for w in content):
        return ""
    if any(w.isupper() and len(w) > 1 for w in content):
        return ""  # a name holding an acronym already (UN Security Council)
    return "".join(_norm(w)[0] for w in content).upper()


def plural_forms(name: str, kind: str) -> list[str]:
    """The singular of a group's one-word plural name, which texts use for one member and
    as a modifier: Houthis → Houthi (a Houthi attack, le mouvement houthi); Arabic
    الحوثيون/الحوثيين → الحوثي and حوثي (جماعة الحوثي, هجوم حوثي). Nothing for other
    kinds or names."""
    if kind != "organization" or len(name.split()) != 1:
        return []
    word = name.strip()
    if is_arabic(word):
        norm = _norm(word)
        for ending in ("ون", "ين"):
            if norm.endswith("ي" + ending) and len(norm) >= 6:
                stem = norm[: -len(ending)]
                bare = stem[len(ARTICLE) :] if stem.startswith(ARTICLE) else stem
                return [stem, bare] if stem != bare else [stem]
        return []
    if (
        word[:1].isupper()
        and word.endswith("s")
        and not word.endswith(("ss", "us"))
        and len(word) >= 6
        and word.isalpha()
    ):
        return [word[:-1]]
    return []


def unique_short_forms(
    entries: Iterable[tuple[object, str, str]], keys: Mapping[str, str] | None = None
) -> list[tuple[object, str]]:
    """[(entity_id, short form)] of `entries` [(entity_id, name, kind)] that name one entity
    only: no other entity has a name or a short form with the same spelling key, and for a
    one-word surname, no other entity's name has a word that is it or begins with it
    (Houthi and Houthis). The input's order is kept. `keys`: phrase_key of names already
    known (the stored Alias.variant_key), to spare working them out again."""
    keys = keys or {}
    owners: dict[str, set] = defaultdict(set)  # phrase key → entities named so
    words: dict[str, set] = defaultdict(set)  # word → entities whose names hold it
    derived: list[tuple[object, str]] = []
    whole: set[str] = set()  # forms that stand for the whole name, not a part of it
    partial: dict[str, set] = defaultdict(set)  # phrase key → entities with a short form so
    for entity_id, name, kind in entries:
        owners[keys.get(name) or phrase_key(name)].add(entity_id)
        for word in _name_words(name):
            words[word].add(entity_id)
        for form in short_forms(name, kind):
            derived.append((entity_id, form))
            partial[_key(form)].add(entity_id)
        for form in [*plural_forms(name, kind), acronym(name, kind)]:
            if form:
                derived.append((entity_id, form))
                owners[_key(form)].add(entity_id)
                whole.add(form)
    surnames = {_bare(form) for _e, form in derived if form not in whole}
    by_prefix: dict[str, set] = defaultdict(set)  # surname → entities with a longer word
    for word, ids in words.items():
        for n in range(3, len(word)):
            if word[:n] in surnames:
                by_prefix[word[:n]] |= ids

    def unique(entity_id, form: str) -> bool:
        if form in whole:
            # Another entity's name may hold it as a part (Abdul-Malik al-Houthi).
            return owners[_key(form)] == {entity_id}
        if owners[_key(form)] | partial[_key(form)] != {entity_id}:
            return False
        if len([w for w in _words(form) if _norm(w) not in LATIN_ARTICLES]) > 1:
            return True
        bare = _bare(form)
        return (words.get(bare, set()) | by_prefix.get(bare, set())) <= {entity_id}

    return [(e, form) for e, form in dict.fromkeys(derived) if unique(e, form)]


def with_short_forms(
    entries: Iterable[AliasEntry], keys: Mapping[str, str] | None = None
) -> list[AliasEntry]:
    """`entries` and after them the unique short forms of their names, as entries marked
    `short` (what a matcher is built from); `keys` as for unique_short_forms."""
    entries = list(entries)
    found = unique_short_forms(((e.entity_id, e.name, e.kind) for e in entries), keys)
    # A short form only a proposed name gives is proposed too (marked with that proposal).
    proposed: dict[tuple, int | None] = {}
    kinds = {e.entity_id: e.kind for e in entries}
    marked = {e.entity_id for e in entries if e.proposal is not None}
    for e in entries:
        if e.entity_id not in marked:
            continue  # no proposed name among this entity's: its forms are not proposed
        forms = [*short_forms(e.name, e.kind), *plural_forms(e.name, e.kind)]
        for form in [*forms, acronym(e.name, e.kind)]:
            if form and proposed.get((e.entity_id, form), 0) is not None:
                proposed[e.entity_id, form] = e.proposal
    return entries + [
        AliasEntry(e, form, kinds[e], short=True, proposal=proposed.get((e, form)))
        for e, form in found
    ]

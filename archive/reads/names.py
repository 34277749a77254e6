"""Which public entities a typed name stands for, in any spelling or script.

One look-up shared by search cards, list filters and the annotator's entity picker:
``resolve_name("Gadhafi")`` → ``[(Muammar Gaddafi, <Alias Gaddafi>, "variant")]``.

* ``exact``: an alias whose normalized form equals the query's (case, accents, Arabic
  letter forms and diacritics do not count);
* ``variant``: an alias with the same variant key (:func:`archive.text.variants.phrase_key`:
  Qaddafi, Kadhafi, القذافي; Serraj, al-Sarraj; ويليامز, Williams);
* ``fuzzy``: a close written form by rapidfuzz (a typo: Gaddafri, Haftrar), among aliases
  with the same key or, when nothing else was found, a key that starts alike.

One row per entity (its best alias), exact first, then variant, then fuzzy; only entities
a reader may see (``Entity.objects.public()``). Two queries at most: the exact/variant
rows (each with its entity's other names), then fuzzy candidates only when the first
found nothing.
"""

from __future__ import annotations

from typing import NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q
from django.db.models.functions import Length
from rapidfuzz.fuzz import ratio

from archive.models import Alias, Entity
from archive.text.arabic import is_arabic
from archive.text.normalize import normalize
from archive.text.variants import is_variant, name_tokens, phrase_key

__all__ = ["NameMatch", "resolve_name", "EXACT", "VARIANT", "FUZZY"]

EXACT, VARIANT, FUZZY = "exact", "variant", "fuzzy"
_RANK = {EXACT: 0, VARIANT: 1, FUZZY: 2}

MAX_QUERY = 200  # a name, not a text: longer input finds nothing
FUZZY_MIN_KEY = 3  # shorter keys (Ali, UN) would find half the table
FUZZY_CANDIDATES = 500
FUZZY_THRESHOLD = 82.0
ACROSS_SCRIPTS = 85.0  # the closeness given to a spelling in the other script


class NameMatch(NamedTuple):
    entity: Entity
    alias: Alias
    how: str  # exact | variant | fuzzy


def _aliases():
    return Alias.objects.filter(entity__in=Entity.objects.public().values("pk")).select_related(
        "entity"
    )


def resolve_name(text: str, *, limit: int = 20, fuzzy: bool = True) -> list[NameMatch]:
    """Public entities named by `text`, best first (see the module docstring). Without
    `fuzzy`, no guesses at a typo: search, which never searches for a guess, is spared
    comparing hundreds of names with a word that names nobody."""
    if not isinstance(text, str):
        return []
    text = text.strip()
    if not text or len(text) > MAX_QUERY:
        return []
    norm = normalize(text)
    key = phrase_key(text)
    words = name_tokens(text)
    if not words:
        return []
    arabic_query = is_arabic(text)
    cond = Q(normalized=norm)
    if key:
        cond |= Q(variant_key=key)
    found: list[tuple[tuple, NameMatch]] = []
    # A key is a bucket: within the query's own script the spelling must also be close
    # (Gaddafi shares kdfa with Ghidafaiya); an entity that failed that test is not let
    # back in by its alias in the other script, where only the key can be compared.
    failed: set[int] = set()
    across: list[Alias] = []
    # Each candidate brings its entity's other names, for the test across scripts below.
    names = ArraySubquery(Alias.objects.filter(entity_id=OuterRef("entity_id")).values("name"))
    for alias in _aliases().filter(cond).annotate(entity_names=names):
        if alias.normalized == norm:
            found.append((_order(EXACT, 100.0, alias, text), NameMatch(alias.entity, alias, EXACT)))
        elif is_arabic(alias.name) != arabic_query:
            across.append(alias)
        elif _close(words, name_tokens(alias.name)):
            # Among spellings, the closest as written first (Ghaghah: Ghaghaa before Ghaqa).
            score = _written(words, alias.name)
            found.append(
                (_order(VARIANT, score, alias, text), NameMatch(alias.entity, alias, VARIANT))
            )
        else:
            failed.add(alias.entity_id)
            score = _written(words, alias.name) if fuzzy else 0.0
            if score >= FUZZY_THRESHOLD:
                found.append(
                    (_order(FUZZY, score, alias, text), NameMatch(alias.entity, alias, FUZZY))
                )
    # A key in the other script is weak evidence: an entity the archive also names in the
    # query's own script must be close to one of those names too (قاعدة, "a base",
    # shares the key kda with al-Khaduh, whose Arabic name is الخدوح).
    for alias in across:
        written = [name_tokens(n) for n in alias.entity_names if is_arabic(n) == arabic_query]
        if written and not any(_within(words, name) for name in written):
            failed.add(alias.entity_id)
    for alias in across:
        if alias.entity_id not in failed:
            # Another script can only be compared by its key: after close same-script ones.
            found.append(
                (
                    _order(VARIANT, ACROSS_SCRIPTS, alias, text),
                    NameMatch(alias.entity, alias, VARIANT),
                )
            )
    if fuzzy and not found and len(key) >= FUZZY_MIN_KEY and not key.startswith("="):
        # Candidates share the key's first two letters and about its length; rapidfuzz then
        # compares the written forms.
        near = (
            _aliases()
            .filter(variant_key__startswith=key[:2])
            .annotate(key_len=Length("variant_key"))
            .filter(key_len__gte=len(key) - 2, key_len__lte=len(key) + 2)
            .order_by("pk")[:FUZZY_CANDIDATES]
        )
        for alias in near:
            score = _written(words, alias.name)
            if score >= FUZZY_THRESHOLD:
                found.append(
                    (_order(FUZZY, score, alias, text), NameMatch(alias.entity, alias, FUZZY))
                )
    found.sort(key=lambda row: row[0])
    best: dict[int, NameMatch] = {}  # entities in the order of their best row
    for _, match in found:
        current = best.get(match.entity.pk)
        if current is None:
            best[match.entity.pk] = match
        elif (
            current.how == match.how
            and is_arabic(current.alias.name) != arabic_query
            and is_arabic(match.alias.name) == arabic_query
        ):
            # The entity keeps its place; the name quoted back is in the reader's script.
            best[match.entity.pk] = match
    return list(best.values())[:limit]


def _close(a: list[str], b: list[str]) -> bool:
    """Same-script names with one key: every word a spelling variant of its partner (or
    the words run together, for Abdulhamid / Abdul Hamid)."""
    if len(a) == len(b):
        return all(is_variant(x, y, normalized=True) for x, y in zip(a, b, strict=True))
    return is_variant("".join(a), "".join(b), normalized=True)


def _within(words: list[str], name: list[str]) -> bool:
    """`words` a spelling of the whole name or of a run of its words (Sarraj, al-Sarraj)."""
    n = len(words)
    return _close(words, name) or any(
        _close(words, name[i : i + n]) for i in range(len(name) - n + 1)
    )


def _written(words: list[str], alias_name: str) -> float:
    """How close two names are as written, articles left out (0-100)."""
    return ratio(" ".join(words), " ".join(name_tokens(alias_name)))


def _order(how: str, score: float, alias: Alias, query: str) -> tuple:
    """Sort key: exact, variant, fuzzy; then closer; then an alias in the query's own
    script; then the shorter alias, the entity's name."""
    same_script = is_arabic(alias.name) == is_arabic(query)
    return (_RANK[how], -score, not same_script, len(alias.name), alias.entity.name, alias.pk)

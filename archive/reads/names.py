"""Which public entities a typed name stands for, in any spelling or script.

One look-up shared by search cards, list filters and the annotator's entity picker:
``resolve_name("Gadhafi")`` → ``[(Muammar Gaddafi, <Alias Gaddafi>, "variant")]``.
Built on it: `entity_id` (the one entity a filter value names), `exact_aliases` (the
exact names among many phrases of a search query, in one query) and `suggested_entities`
(what a name box offers as the reader types). The spelling rules themselves are plain
text functions (`archive.text.variants`); this module holds the database look-ups.

* ``exact``: an alias whose normalized form equals the query's (case, accents, Arabic
  letter forms and diacritics do not count);
* ``variant``: an alias with the same variant key (:func:`archive.text.variants.phrase_key`:
  Qaddafi, Kadhafi, القذافي; Serraj, al-Sarraj; ويليامز, Williams);
* ``fuzzy``: a close written form by rapidfuzz (a typo: Gaddafri, Haftrar), among aliases
  with the same key or, when nothing else was found, a key that starts alike.

A name that names nobody as typed is also looked up with another ending of its last word
(`readings`): the plural or the singular of a group's name (Huthi for the Houthis;
الحوثيين, the oblique plural, and الحوثي for الحوثيون), in the same query. Such a match
is a variant.

One row per entity (its best alias), exact first, then variant, then fuzzy; only entities
a reader may see (``Entity.objects.public()``). Two queries at most: the exact/variant
rows (each with its entity's other names), then fuzzy candidates only when the first
found nothing.
"""

from __future__ import annotations

from typing import NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length

from archive.models import Alias, Entity
from archive.text.arabic import is_arabic
from archive.text.normalize import normalize
from archive.text.variants import (
    name_tokens,
    phrase_key,
    readings,
    same_name,
    within_name,
    written_ratio,
)

__all__ = [
    "NameMatch",
    "readings",
    "resolve_name",
    "entity_id",
    "exact_aliases",
    "suggested_entities",
    "clean_typed",
    "EXACT",
    "VARIANT",
    "FUZZY",
]

EXACT, VARIANT, FUZZY = "exact", "variant", "fuzzy"
_RANK = {EXACT: 0, VARIANT: 1, FUZZY: 2}

MAX_QUERY = 200  # a name, not a text: longer input finds nothing
MAX_TYPED = 300  # what is read of anything typed (clean_typed)
FUZZY_MIN_KEY = 3  # shorter keys (Ali, UN) would find half the table
FUZZY_CANDIDATES = 500
FUZZY_THRESHOLD = 82.0
ACROSS_SCRIPTS = 85.0  # the closeness given to a spelling in the other script


class NameMatch(NamedTuple):
    entity: Entity
    alias: Alias
    how: str  # exact | variant | fuzzy


def clean_typed(text: str | None) -> str:
    """What a reader typed (a search query, a filter value) as they meant it: bounded,
    without control characters or NULs, its spaces single."""
    if not text:
        return ""
    text = "".join(ch for ch in text if ch.isprintable() or ch == " ")
    return " ".join(text.split())[:MAX_TYPED]


READING_COST = 5.0  # a match through another ending ranks after one of the name as typed


def _aliases(among: QuerySet | None = None):
    entities = Entity.objects.public() if among is None else among
    return Alias.objects.filter(entity__in=entities.values("pk")).select_related("entity")


def resolve_name(
    text: str, *, limit: int = 20, fuzzy: bool = True, among: QuerySet | None = None
) -> list[NameMatch]:
    """Public entities named by `text`, best first (see the module docstring). Without
    `fuzzy`, no guesses at a typo: search, which never searches for a guess, is spared
    comparing hundreds of names with a word that names nobody. `among` looks among other
    entities than the public ones (the annotator's picker offers every entity)."""
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
    # Other endings of the last word: their exact forms and keys are looked up too.
    other = [(normalize(r), phrase_key(r), name_tokens(r)) for r in readings(text)]
    other = [(n, k, w) for n, k, w in other if w]
    cond = Q(normalized__in=[norm, *(n for n, _, _ in other)])
    keys = {k for k in (key, *(k for _, k, _ in other)) if k}
    if keys:
        cond |= Q(variant_key__in=keys)
    found: list[tuple[tuple, NameMatch]] = []
    # A key is a bucket: within the query's own script the spelling must also be close
    # (Gaddafi shares kdfa with Ghidafaiya); an entity that failed that test is not let
    # back in by its alias in the other script, where only the key can be compared.
    failed: set[int] = set()
    across: list[Alias] = []
    by_reading: list[tuple[tuple, NameMatch]] = []
    # Each candidate brings its entity's other names, for the test across scripts below.
    names = ArraySubquery(Alias.objects.filter(entity_id=OuterRef("entity_id")).values("name"))
    for alias in _aliases(among).filter(cond).annotate(entity_names=names):
        alias_words = name_tokens(alias.name)
        read = next((w for n, _, w in other if n == alias.normalized), None)
        if read is None:
            read = next((w for _, _, w in other if same_name(w, alias_words)), None)
        if alias.normalized == norm:
            found.append((_order(EXACT, 100.0, alias, text), NameMatch(alias.entity, alias, EXACT)))
        elif is_arabic(alias.name) != arabic_query:
            across.append(alias)
        elif same_name(words, alias_words):
            # Among spellings, the closest as written first (Ghaghah: Ghaghaa before Ghaqa).
            score = written_ratio(words, alias.name)
            found.append(
                (_order(VARIANT, score, alias, text), NameMatch(alias.entity, alias, VARIANT))
            )
        elif read is not None:  # another ending of the name (Huthi: Houthis)
            score = written_ratio(read, alias.name) - READING_COST
            by_reading.append(
                (_order(VARIANT, score, alias, text), NameMatch(alias.entity, alias, VARIANT))
            )
        else:
            failed.add(alias.entity_id)
            score = written_ratio(words, alias.name) if fuzzy else 0.0
            if score >= FUZZY_THRESHOLD:
                found.append(
                    (_order(FUZZY, score, alias, text), NameMatch(alias.entity, alias, FUZZY))
                )
    # A key in the other script is weak evidence: an entity the archive also names in the
    # query's own script must be close to one of those names too (قاعدة, "a base",
    # shares the key kda with al-Khaduh, whose Arabic name is الخدوح).
    for alias in across:
        written = [name_tokens(n) for n in alias.entity_names if is_arabic(n) == arabic_query]
        tried = [words, *(w for _, _, w in other)]
        if written and not any(within_name(w, name) for w in tried for name in written):
            failed.add(alias.entity_id)
    for alias in across:
        if alias.entity_id not in failed:
            # Another script can only be compared by its key: after close same-script ones.
            plain = alias.variant_key == key
            (found if plain else by_reading).append(
                (
                    _order(VARIANT, ACROSS_SCRIPTS - (0 if plain else READING_COST), alias, text),
                    NameMatch(alias.entity, alias, VARIANT),
                )
            )
    if not found:  # another ending only when the name as typed names nobody
        found = by_reading
    if fuzzy and not found and len(key) >= FUZZY_MIN_KEY and not key.startswith("="):
        # Candidates share the key's first two letters and about its length; rapidfuzz then
        # compares the written forms.
        near = (
            _aliases(among)
            .filter(variant_key__startswith=key[:2])
            .annotate(key_len=Length("variant_key"))
            .filter(key_len__gte=len(key) - 2, key_len__lte=len(key) + 2)
            .order_by("pk")[:FUZZY_CANDIDATES]
        )
        for alias in near:
            score = written_ratio(words, alias.name)
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


def _order(how: str, score: float, alias: Alias, query: str) -> tuple:
    """Sort key: exact, variant, fuzzy; then closer; then an alias in the query's own
    script; then the shorter alias, the entity's name."""
    same_script = is_arabic(alias.name) == is_arabic(query)
    return (_RANK[how], -score, not same_script, len(alias.name), alias.entity.name, alias.pk)


def entity_id(text: str | None) -> int | None:
    """The one entity a filter value names (`?entity=`, `?speaker=`, `?about=`): its slug,
    or else the closest of its names in any spelling or script (`resolve_name`, as search
    cards resolve them; a guess at a typo is not taken). None when nothing matches: a list
    filtered by it is then empty, never an error."""
    text = clean_typed(text)
    if not text:
        return None
    by_slug = Entity.objects.filter(slug=text).values_list("pk", flat=True).first()
    if by_slug is not None:
        return by_slug
    for match in resolve_name(text, limit=1, fuzzy=False):
        return match.entity.pk
    return None


def exact_aliases(normalized: list[str]) -> QuerySet:
    """The aliases of public entities written exactly as one of `normalized` (normalized
    forms: resolve_name's exact test, for many phrases at once), each with its entity, in
    a stable order (by entity): one query on the indexed `Alias.normalized`."""
    return (
        Alias.objects.filter(normalized__in=normalized, entity__in=Entity.objects.public())
        .select_related("entity")
        .order_by("entity_id", "-normalized", "id")
    )


def suggested_entities(entities: QuerySet, text: str, *, limit: int = 5) -> QuerySet:
    """What a name box offers as the reader types `text`: those of `entities` with a name
    holding it (normalized, any script); failing that, the ones `resolve_name` finds."""
    needle = normalize(clean_typed(text))
    if not needle:
        return entities
    aliases = Alias.objects.filter(entity=OuterRef("pk"), normalized__contains=needle)
    found = entities.filter(Exists(aliases))
    if found.exists():
        return found
    # A spelling never stored (Hifter, Serraj) or a close typo. Only then, as it costs a
    # comparison of every name with the same key (tens of milliseconds among 100,000
    # generated names).
    return entities.filter(pk__in=[m.entity.pk for m in resolve_name(text, limit=limit)])

"""Full-text search over articles, with entity expansion and highlighted snippets.

The stored `Article.search_vector` is built from text normalized by
`archive.text.normalize.normalize` (alef forms, ى→ي, ة→ه, diacritics, digits), with the
text-search configuration of the article's language. The query is normalized the same way
and parsed with `websearch_to_tsquery` once per configuration; the OR of those tsqueries
matches each row whatever its language, using the one GIN index.

A query that names an entity by any of its aliases (in any script) also finds every public
article that mentions that entity, whatever its language: `find_entities` returns the
entities named and the alias that matched, for the entity card above the results.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from html import escape

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.safestring import SafeString, mark_safe

from archive.models import NEWEST_FIRST, SEARCH_CONFIGS, Alias, Entity, Mention
from archive.text.arabic import ARTICLE, PREFIXES, is_arabic
from archive.text.normalize import normalize, normalize_with_offsets, original_span

# websearch syntax words and characters that are not part of a name.
_OPERATORS = {"or", "and", "not"}
_TOKEN = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*", re.UNICODE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_LENGTH = 300
MAX_NGRAM = 6


@dataclass(frozen=True)
class EntityMatch:
    entity: Entity
    alias: Alias


def clean_query(query: str | None) -> str:
    """The query as the reader meant it: bounded, without control characters or NULs."""
    if not query:
        return ""
    query = "".join(ch for ch in query if ch.isprintable() or ch == " ")
    return " ".join(query.split())[:MAX_QUERY_LENGTH]


def _phrases(normalized_query: str) -> set[str]:
    """Every run of up to MAX_NGRAM query words, plus Arabic words without proclitics."""
    tokens = [
        t for t in _TOKEN.findall(normalized_query.replace('"', " ")) if t.lower() not in _OPERATORS
    ]
    phrases = set()
    for i in range(len(tokens)):
        for j in range(i + 1, min(len(tokens), i + MAX_NGRAM) + 1):
            phrases.add(" ".join(tokens[i:j]))
    for token in tokens:
        if is_arabic(token):
            for prefix in PREFIXES:
                if token.startswith(prefix) and len(token) - len(prefix) >= 2:
                    stem = token[len(prefix) :]
                    phrases.update({stem, ARTICLE + stem})
            phrases.add(ARTICLE + token)
    return {p for p in phrases if p}


def find_entities(query: str, *, limit: int = 5) -> list[EntityMatch]:
    """Entities whose alias, normalized, equals a phrase of the normalized query.

    One query on the indexed `Alias.normalized`; the longest matching alias wins per entity.
    """
    query = clean_query(query)
    if not query:
        return []
    phrases = _phrases(normalize(query))
    if not phrases:
        return []
    aliases = (
        Alias.objects.filter(normalized__in=list(phrases)[:500], entity__in=Entity.objects.public())
        .select_related("entity")
        .order_by("entity_id", "-normalized", "id")
    )
    best: dict[int, Alias] = {}
    for alias in aliases:
        current = best.get(alias.entity_id)
        if current is None or len(alias.normalized) > len(current.normalized):
            best[alias.entity_id] = alias
    matches = sorted(best.values(), key=lambda a: (-len(a.normalized), a.entity.name))
    return [EntityMatch(entity=a.entity, alias=a) for a in matches[:limit]]


def text_query(query: str) -> SearchQuery | None:
    """websearch_to_tsquery of the normalized query, OR-ed across every configuration."""
    query = clean_query(query)
    normalized = normalize(query) if query else ""
    if not _WORD.search(normalized):
        return None
    combined = None
    for config in [*dict.fromkeys(SEARCH_CONFIGS.values()), "simple"]:
        part = SearchQuery(normalized, config=config, search_type="websearch")
        combined = part if combined is None else combined | part
    return combined


def search_articles(
    qs: QuerySet,
    query: str,
    *,
    expand_entities: bool = True,
    entities: list[EntityMatch] | None = None,
) -> QuerySet:
    """Articles of `qs` matching `query`, best first, annotated with `rank`.

    With `expand_entities`, articles mentioning (visibly) an entity the query names by any
    alias match too, in every language. Pass `entities` when already looked up.
    """
    tsquery = text_query(query)
    if expand_entities and entities is None:
        entities = find_entities(query)
    entity_ids = [m.entity.pk for m in entities or []] if expand_entities else []
    if tsquery is None and not entity_ids:
        return qs.none()
    condition = Q()
    rank = Value(0.0, output_field=FloatField())
    if tsquery is not None:
        condition |= Q(search_vector=tsquery)
        rank = Coalesce(SearchRank(F("search_vector"), tsquery), 0.0, output_field=FloatField())
    if entity_ids:
        mentions = Mention.objects.visible().filter(
            article=OuterRef("pk"), entity_id__in=entity_ids
        )
        qs = qs.annotate(names_entity=Exists(mentions))
        condition |= Q(names_entity=True)
        # Mentioning the named entity weighs like a strong text hit.
        rank = rank + Case(
            When(names_entity=True, then=Value(0.5)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return qs.filter(condition).annotate(rank=rank).order_by("-rank", *NEWEST_FIRST)


def facets(results: QuerySet) -> tuple[int, list[dict], list[dict]]:
    """The number of `results` and their counts by language and by outlet, largest first.

    One grouped scan gives all three: on a common word the matches run to tens of
    thousands, and each extra COUNT would scan them again.
    """
    groups = list(
        results.order_by()
        .values("language", "source__slug", "source__name")
        .annotate(n=Count("id"))
    )
    total = sum(g["n"] for g in groups)
    return total, _facet(groups, ["language"]), _facet(groups, ["source__slug", "source__name"])


def _facet(groups: list[dict], keys: list[str]) -> list[dict]:
    """Sum grouped counts over `keys`, largest first (rows whose first key is empty drop)."""
    totals: dict[tuple, int] = defaultdict(int)
    for group in groups:
        key = tuple(group[k] for k in keys)
        if key[0]:
            totals[key] += group["n"]
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return [{**dict(zip(keys, key, strict=True)), "n": n} for key, n in ranked]


def entity_names(entities: list[EntityMatch]) -> list[str]:
    """Every name (alias) of the matched entities, in every script: one query."""
    if not entities:
        return []
    return list(
        Alias.objects.filter(entity__in=[m.entity for m in entities]).values_list("name", flat=True)
    )


# Snippets ---------------------------------------------------------------------------------


def _word_matches(text_word: str, term: str) -> bool:
    if text_word == term:
        return True
    # Stemming: "meetings" finds "meeting"; an Arabic word may carry proclitics (والسراج).
    shortest = min(len(text_word), len(term))
    if shortest >= 4 and (text_word.startswith(term) or term.startswith(text_word)):
        return True
    if is_arabic(term):
        for prefix in PREFIXES:
            if text_word.startswith(prefix) and _word_matches_exact(text_word[len(prefix) :], term):
                return True
            if term.startswith(prefix) and _word_matches_exact(term[len(prefix) :], text_word):
                return True
    return False


def _word_matches_exact(a: str, b: str) -> bool:
    return len(a) >= 2 and (a == b or a == ARTICLE + b or ARTICLE + a == b)


def highlight_spans(body: str, query: str, entity_names: list[str] = ()) -> list[tuple[int, int]]:
    """Spans of `body` (original offsets) whose normalized words match the query's words
    or the normalized names of matched entities."""
    normalized, offsets = normalize_with_offsets(body)
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(normalized)]
    spans: list[tuple[int, int]] = []
    terms = [w for w in _WORD.findall(normalize(clean_query(query))) if w not in _OPERATORS]
    for start, end, word in words:
        if any(_word_matches(word, t) for t in terms if len(t) > 1):
            spans.append(original_span(offsets, start, end))
    for name in entity_names:
        name_words = _WORD.findall(normalize(name))
        if not name_words:
            continue
        n = len(name_words)
        for i in range(len(words) - n + 1):
            window = words[i : i + n]
            if all(_word_matches(w[2], t) for w, t in zip(window, name_words, strict=True)):
                spans.append(original_span(offsets, window[0][0], window[-1][1]))
    return sorted(set(spans))


def snippet(body: str, query: str, entity_names: list[str] = (), *, width: int = 220) -> SafeString:
    """An escaped excerpt of `body` around the first hit, hits wrapped in <mark>."""
    spans = highlight_spans(body, query, entity_names)
    if not spans:
        text = body[:width]
        return mark_safe(escape(text) + ("…" if len(body) > width else ""))
    first = spans[0][0]
    start = max(0, first - width // 3)
    # Begin on a word boundary.
    if start > 0:
        space = body.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and first - space < width // 2 else start
    end = min(len(body), start + width)
    if end < len(body):
        space = body.find(" ", end)
        end = space if 0 <= space < end + 30 else end
    out, pos = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start, pos), min(e, end)
        if s >= e:
            continue
        out.append(escape(body[pos:s]))
        out.append("<mark>" + escape(body[s:e]) + "</mark>")
        pos = e
    out.append(escape(body[pos:end]))
    text = "".join(out).replace("\n", " ¶ ")
    return mark_safe(("…" if start > 0 else "") + text + ("…" if end < len(body) else ""))

"""Full-text search over articles, with entity expansion (snippets: archive.formats.highlight).

The stored `Article.search_vector` is built from text normalized by
`archive.text.normalize.normalize` (alef forms, ى→ي, ة→ه, diacritics, digits), with the
text-search configuration of the article's language. The query is normalized the same way
and parsed with `websearch_to_tsquery` once per configuration; the OR of those tsqueries
matches each row whatever its language, using the one GIN index.

A query that names an entity by any of its aliases (in any script) also finds every public
article that mentions that entity, whatever its language: `find_entities` returns the
entities named and the alias that matched, for the entity card above the results. A name
the archive holds no alias for is recognised by the words it has tagged: when the query's
words are, in the newest articles holding them, a visible mention of an entity (a surname
alone, a spelling or a name still under review the matcher suggested), they name it
(`_tagged_entities`). The articles of an entity searched for are those that mention it and
those whose text holds one of its names in any script, read by each article's own
text-search configuration (the Arabic stemmer reads الحوثيين as الحوثيون), so an entity
made after its articles were imported is found before the matcher has run on them; an
article where an analyst rejected a mention of it is not found through its names.

Only a bounded set of candidates is ranked: the newest `CANDIDATES` text matches and the
newest `CANDIDATES` articles naming an expanded entity. A common word matches tens of
thousands of articles; ranking, counting and grouping all of them took seconds, while the
newest-first index hands PostgreSQL the newest matches after reading a few hundred rows
(and a rare word still goes through the GIN index: the planner picks from its estimate).
Past the cap the total is shown as "N+" (`is_capped`), and the facets count the candidates.

`archive.reads.search.search` is the one entry for a search within filters (the search
page, the article list, the API's `q`), made of the functions here, which stay public (the
`q` filter, the tests and the benchmarks call them). Names are looked up by
`archive.reads.names` and spelled by `archive.text.variants`: here is only which runs of
a query's words are looked up, and how what they name widens the search."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length

from archive.models import (
    NEWEST_FIRST,
    RARE_NAME_ARTICLES,
    SEARCH_CONFIGS,
    SPAN_VISIBLE,
    Alias,
    Article,
    Entity,
    EntityCount,
    EntityKind,
    Mention,
    Status,
    rule_q,
)
from archive.reads.names import MAX_TYPED, clean_typed, exact_aliases, resolve_name
from archive.text.arabic import ARTICLE, PREFIXES, is_arabic
from archive.text.normalize import normalize, normalize_with_offsets, original_span
from archive.text.variants import name_tokens, phrase_key, same_name

if TYPE_CHECKING:
    pass

# websearch syntax words and characters that are not part of a name.
OPERATORS = {"or", "and", "not"}
_TOKEN = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*", re.UNICODE)
WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_LENGTH = MAX_TYPED
MAX_NGRAM = 6
MAX_VARIANT_TRIES = 4  # words or phrases looked up as spellings, per query
# Matches ranked per criterion (text, named entity): 15 pages of the best of the newest.
CANDIDATES = 300
# The newest PHRASE_SAMPLE articles tell how common a word or phrase is (_phrase_head).
PHRASE_SAMPLE = 200
PHRASE_WINDOW = 20_000  # the fewest of the newest articles a walk looks for matches in
WALK_MOST = 100_000  # the most: beyond, the index is taken whatever it costs
# An entity's names read into its text query: the first NAMES_PER_ENTITY distinct ones, at
# least NAME_MIN letters (UN, US are stop words in some configurations), within NAMES_CHARS.
NAMES_PER_ENTITY = 24
NAME_MIN = 3
NAMES_CHARS = 2_000
# Tagged words: the newest TAGGED_ARTICLES articles holding the query's words are read for
# mentions written as the query (at most TAGGED_WORDS words, TAGGED_TEXTS mention texts).
TAGGED_ARTICLES = 50
TAGGED_WORDS = 5
TAGGED_TEXTS = 500


@dataclass(frozen=True)
class EntityMatch:
    entity: Entity
    alias: Alias
    # "exact": the reader typed one of its names; "variant": a spelling of one
    # (archive.reads.names.resolve_name, the matcher's variant key); `typed` is what they wrote.
    how: str = "exact"
    typed: str = ""
    # False: another entity the same spelling fits, offered on a card for the reader to
    # choose; the search itself goes by the closest one only.
    searched: bool = True


# `-word` and `-"a phrase"` (websearch syntax): what the reader wants left out.
_NEGATIVE = re.compile(r'(?:(?<=\s)|^)-(?:"([^"]+)"|([^\s"]+))')


def split_query(query: str) -> tuple[str, list[str]]:
    """(the query without its exclusions, the excluded words or phrases)."""
    negatives = [a or b for a, b in _NEGATIVE.findall(query)]
    positive = " ".join(_NEGATIVE.sub(" ", query).split())
    return positive, [n for n in negatives if n.strip()]


def clean_query(query: str | None) -> str:
    """The query as the reader meant it: bounded, without control characters or NULs."""
    return clean_typed(query)


def wants_expansion(params: Mapping) -> bool:
    """Whether a search also finds the articles naming the entities its words name (the
    `expand` parameter): yes unless it says 0, false or off."""
    return params.get("expand", "1") not in {"0", "false", "off"}


def _phrases(normalized_query: str) -> set[str]:
    """Every run of up to MAX_NGRAM query words, plus Arabic words without proclitics."""
    tokens = [
        t for t in _TOKEN.findall(normalized_query.replace('"', " ")) if t.lower() not in OPERATORS
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


def find_entities(query: str, *, limit: int = 3) -> list[EntityMatch]:
    """Entities the query names, excluded words left out: first those whose alias,
    normalized, equals a phrase of the query (one query on the indexed
    `Alias.normalized`; the longest alias wins per entity); then, for a query word or
    phrase that named nobody, the spellings `archive.reads.names.resolve_name` recognises
    (Hifter → Khalifa Haftar, ويليامز → Stephanie Williams): one or two queries each, for
    at most a few words. The closest spelling is searched for; other entities the same
    spelling fits follow as `searched=False`, for the reader to choose. Up to `limit` in
    all, each with what the reader typed in their own letters (`typed`).
    """
    positive, _negatives = split_query(clean_query(query))
    if not positive:
        return []
    found = _exact_entities(positive)
    covered = {normalize(m.alias.name) for m in found}
    normalized, offsets = normalize_with_offsets(positive.replace('"', " "))
    tokens = [m for m in _TOKEN.finditer(normalized) if m.group() not in OPERATORS]

    def as_typed(first: int, last: int) -> str:
        start, end = original_span(offsets, tokens[first].start(), tokens[last].end())
        return positive[start:end]

    words = [(t.group(), as_typed(i, i)) for i, t in enumerate(tokens)]
    # The whole query first (a full name typed another way), then each word not already
    # inside an exact match.
    tries = []
    if len(words) > 1:
        tries.append((" ".join(w for w, _ in words), as_typed(0, len(tokens) - 1)))
    tries += [(w, t) for w, t in words if len(w) > 2 and not any(w in c.split() for c in covered)]
    seen = {m.entity.pk for m in found}
    others: list[EntityMatch] = []
    for word, typed in tries[:MAX_VARIANT_TRIES]:
        if len(found) >= limit:
            break
        if " " not in word and any(word in c.split() for c in covered):
            continue  # inside a name already found (the whole query spelled it)
        closest = True
        for match in resolve_name(word, limit=limit, fuzzy=False):
            if match.entity.pk in seen:
                continue  # guesses are not asked for: "did you mean" offers them
            seen.add(match.entity.pk)
            (found if closest else others).append(
                EntityMatch(match.entity, match.alias, match.how, typed, searched=closest)
            )
            closest = False  # the closest spelling stands for what was typed
        if not closest:
            covered.add(word)
    if not found and not others:
        found = _tagged_entities(positive, limit=limit)
    return (found[:limit] + others)[:limit]


def _tagged_entities(phrase: str, *, limit: int) -> list[EntityMatch]:
    """Entities the archive has tagged at these words: visible mentions written as `phrase`
    (the same spelling key and, word by word, close spellings) in the newest articles
    holding it. The entity tagged there most often is searched for; the others are offered.
    For a name with no alias row: a surname alone (الزبيدي, Grundberg), or a spelling the
    matcher or a name under review suggested. Three or four queries."""
    words = [w for w in _TOKEN.findall(normalize(phrase)) if w.lower() not in OPERATORS]
    key, tokens = phrase_key(phrase), name_tokens(phrase)
    if not words or len(words) > TAGGED_WORDS or not key or not tokens:
        return []
    tsquery = text_query('"' + " ".join(words) + '"')
    if tsquery is None:
        return []
    # A word as well as a phrase (PostgreSQL misjudges both: see _Part.head).
    holding = _phrase_head(Article.objects.public(), tsquery, TAGGED_ARTICLES)
    size = len(phrase)
    rows = (
        Mention.objects.filter(rule_q(SPAN_VISIBLE), article_id__in=holding)
        .annotate(size=Length("text"))
        .filter(size__gte=size // 2, size__lte=2 * size + 4)
        .values_list("entity_id", "text")
        .annotate(n=Count("pk"))
        .order_by("-n", "entity_id", "text")[:TAGGED_TEXTS]
    )
    votes: dict[int, int] = defaultdict(int)
    for entity_id, text, n in rows:
        if phrase_key(text) == key and same_name(tokens, name_tokens(text)):
            votes[entity_id] += n
    if not votes:
        return []
    # The card quotes one of the entity's names, in the reader's script where it has one.
    arabic = is_arabic(phrase)
    names: dict[int, Alias] = {}
    aliases = Alias.objects.filter(
        entity_id__in=list(votes), entity__in=Entity.objects.public()
    ).select_related("entity")
    for alias in sorted(aliases, key=lambda a: (is_arabic(a.name) != arabic, len(a.name), a.pk)):
        names.setdefault(alias.entity_id, alias)
    ranked = sorted((pk for pk in votes if pk in names), key=lambda pk: (-votes[pk], pk))
    return [
        EntityMatch(names[pk].entity, names[pk], "variant", phrase, searched=i == 0)
        for i, pk in enumerate(ranked[:limit])
    ]


def excluded_entities(query: str) -> list[int]:
    """Ids of the entities the query leaves out (`-Sarraj`, `-"Fayez al-Sarraj"`), by any
    name or spelling: their articles are excluded in every language."""
    _positive, negatives = split_query(clean_query(query))
    ids: list[int] = []
    for phrase in negatives[:MAX_VARIANT_TRIES]:
        for match in resolve_name(phrase, limit=3, fuzzy=False):
            if match.entity.pk not in ids:
                ids.append(match.entity.pk)
    return ids


def did_you_mean(query: str) -> list[EntityMatch]:
    """Close names for a query that found nothing (a typo: Haftrar)."""
    positive, _negatives = split_query(clean_query(query))
    if not positive:
        return []
    return [
        EntityMatch(m.entity, m.alias, m.how, positive)
        for m in resolve_name(positive, limit=3)
        if m.how == "fuzzy"
    ]


def _exact_entities(positive: str) -> list[EntityMatch]:
    """Entities one of whose names is a run of the query's words, written exactly (after
    normalizing): the longest name found per entity, longest first."""
    phrases = _phrases(normalize(positive))
    if not phrases:
        return []
    best: dict[int, Alias] = {}
    for alias in exact_aliases(list(phrases)[:500]):
        current = best.get(alias.entity_id)
        if current is None or len(alias.normalized) > len(current.normalized):
            best[alias.entity_id] = alias
    matches = sorted(best.values(), key=lambda a: (-len(a.normalized), a.entity.name))
    # A name inside a longer name the query gives whole is part of it, not another person:
    # "Aguila al-Ghaghaa" is not also a search for everyone called al-Ghaghaa.
    kept: list[Alias] = []
    for alias in matches:
        inner = f" {alias.normalized} "
        if not any(inner in f" {longer.normalized} " for longer in kept):
            kept.append(alias)
    return [EntityMatch(entity=a.entity, alias=a) for a in kept]


# The languages present (a loose scan of the language index: one probe per language), the
# configurations they use (%s: codes, %s: configurations), and the query read by each.
_CONFIGS_SQL = """
WITH RECURSIVE present(language) AS (
    (SELECT language FROM archive_article ORDER BY language LIMIT 1)
    UNION ALL
    SELECT (SELECT a.language FROM archive_article a WHERE a.language > p.language
            ORDER BY a.language LIMIT 1)
    FROM present p WHERE p.language IS NOT NULL
), configs(config) AS (
    SELECT m.config FROM unnest(%s::text[], %s::text[]) AS m(language, config)
    WHERE m.language IN (SELECT language FROM present)
    UNION SELECT 'simple'
)
"""
_FORMS_SQL = (
    _CONFIGS_SQL + "SELECT DISTINCT websearch_to_tsquery(config::regconfig, %s)::text FROM configs"
)
# Each of several queries (%s: an array), read by each configuration: (its index, its forms).
_MANY_FORMS_SQL = (
    _CONFIGS_SQL
    + """SELECT q.i, array_agg(DISTINCT f.form ORDER BY f.form)
FROM unnest(%s::text[]) WITH ORDINALITY AS q(text, i)
CROSS JOIN configs
CROSS JOIN LATERAL (SELECT websearch_to_tsquery(config::regconfig, q.text)::text AS form) f
WHERE f.form <> ''
GROUP BY q.i"""
)


def text_query(query: str) -> Tsquery | None:
    """The query as PostgreSQL reads it in every configuration (websearch syntax, on the
    normalized text), distinct forms OR-ed: one row per article matches whatever its
    language, through the one GIN index.

    The distinct forms come from one small query, for the configurations of the languages
    the archive holds (a skip scan of the language index) and 'simple': most read a name
    the same way, and twenty-nine copies of one lexeme made the planner expect a third of
    the archive to match ("Ghaghah": 1.5 s walking every article instead of 1 ms).
    """
    query = clean_query(query)
    normalized = normalize(query) if query else ""
    if not WORD.search(normalized):
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            _FORMS_SQL, [list(SEARCH_CONFIGS), list(SEARCH_CONFIGS.values()), normalized]
        )
        forms = sorted(row[0] for row in cursor.fetchall() if row[0])
    if not forms:
        return None
    return Tsquery(" | ".join(f"( {form} )" for form in forms))


class Tsquery(SearchQuery):
    """A tsquery written out as text, cast back as it stands. to_tsquery would parse its
    quoted lexemes again, and a hyphenated word then matched nothing: 'al-sarraj' became
    'al-sarraj' <-> 'al' <-> 'sarraj' <-> 'al' <-> 'sarraj' (al-Sarraj found 0 articles)."""

    template = "%(expressions)s::tsquery"

    def __init__(self, text: str):
        super().__init__(text, search_type="raw")
        self.text = text

    @property
    def has_phrase(self) -> bool:
        """Whether it holds a phrase (`a <-> b`): see `_phrase_head`."""
        return "<->" in self.text


def names_queries(entity_ids: list[int]) -> dict[int, Tsquery]:
    """Each entity's names (its alias rows, every script; a person's full names) as one
    tsquery: each name a phrase, OR-ed, read by the configurations of the archive's
    languages, so that each article matches by its own (the Arabic stemmer reads الحوثيين
    as الحوثيون). Two queries."""
    phrases: dict[int, list[str]] = defaultdict(list)
    rows = Alias.objects.filter(entity_id__in=entity_ids).order_by("entity_id", "pk")
    for entity_id, kind, name in rows.values_list("entity_id", "entity__kind", "normalized"):
        words = " ".join(WORD.findall(name))
        taken = phrases[entity_id]
        if (
            # A surname alone is also in other people's names (Dbeibah, Ali Dbeibah): a
            # person is read by full names only; the matcher tells the surname's owner.
            (kind == EntityKind.PERSON and len(name_tokens(name)) < 2)
            or len(words.replace(" ", "")) < NAME_MIN
            or f'"{words}"' in taken
            or len(taken) >= NAMES_PER_ENTITY
            or sum(map(len, taken)) + len(words) > NAMES_CHARS
        ):
            continue
        taken.append(f'"{words}"')
    ids = [pk for pk in entity_ids if phrases.get(pk)]
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            _MANY_FORMS_SQL,
            [
                list(SEARCH_CONFIGS),
                list(SEARCH_CONFIGS.values()),
                [" or ".join(phrases[pk]) for pk in ids],
            ],
        )
        forms = {ids[i - 1]: found for i, found in cursor.fetchall()}
    return {
        pk: Tsquery(" | ".join(f"( {form} )" for form in found))
        for pk, found in forms.items()
        if found
    }


@dataclass
class _Part:
    """One criterion: the articles of `qs`, matching `tsquery` when there is one."""

    qs: QuerySet
    tsquery: Tsquery | None = None

    def head(self, limit: int) -> QuerySet:
        """The ids of its newest `limit` articles (with a text query: see `_phrase_head`,
        which a word needs as much as a phrase: at a million articles PostgreSQL expected
        a word in 1,500 articles in 9,700 and walked 200,000 newest to find 300, 3 s)."""
        if self.tsquery is not None:
            return _phrase_head(self.qs, self.tsquery, limit)
        return self.qs.order_by(*NEWEST_FIRST).values("pk")[:limit]


@dataclass
class _Criteria:
    tsquery: Tsquery | None
    entities: list[EntityMatch]  # as given or found (none without expansion)
    entity_ids: list[int]  # those searched for, less the excluded
    excluded: list[int]
    parts: list[_Part]  # one per criterion


def _criteria(
    qs: QuerySet, query: str, *, expand_entities: bool, entities: list[EntityMatch] | None
) -> _Criteria:
    """The tsquery, the entities named and left out, and one queryset per criterion."""
    tsquery = text_query(query)
    if expand_entities and entities is None:
        entities = find_entities(query)
    entity_ids = [m.entity.pk for m in entities or [] if m.searched] if expand_entities else []
    excluded = excluded_entities(query) if expand_entities else []
    if excluded:
        # `-Sarraj` leaves out every article naming him, in any spelling and language.
        qs = qs.exclude(Exists(_naming(excluded)))
        entity_ids = [pk for pk in entity_ids if pk not in excluded]
    parts = []
    if tsquery is not None:
        parts.append(_Part(qs, tsquery))
    if entity_ids:
        # A name in many articles: walk the newest articles, probing each (the first 300
        # come quickly). A rare name: that walk would probe the whole archive to find a
        # few; start from its mentions instead. The stored counts tell which (one query).
        counts = dict(
            EntityCount.objects.filter(entity_id__in=entity_ids).values_list(
                "entity_id", "articles"
            )
        )
        if sum(counts.values()) >= RARE_NAME_ARTICLES:
            parts.append(_Part(qs.filter(Exists(_naming(entity_ids)))))
        else:
            mentions = Mention.objects.filter(rule_q(SPAN_VISIBLE), entity_id__in=entity_ids)
            parts.append(_Part(qs.filter(pk__in=mentions.values("article_id"))))
        # Its names in every script, where the matcher has not (yet) tagged them (an entity
        # made after its articles came in); never where an analyst rejected a mention of
        # it. An entity tagged in a page of candidates and more fills them from its mentions.
        untagged = [pk for pk in entity_ids if counts.get(pk, 0) < CANDIDATES]
        for entity_id, names in names_queries(untagged).items():
            parts.append(_Part(qs.exclude(Exists(_rejected(entity_id))), names))
    return _Criteria(tsquery, entities or [], entity_ids, excluded, parts)


def _rejected(entity_id: int) -> QuerySet:
    """Mentions of the entity an analyst rejected in the outer article."""
    return Mention.objects.filter(
        article=OuterRef("pk"), entity_id=entity_id, status=Status.REJECTED
    )


def _naming(entity_ids: list[int]) -> QuerySet:
    """Visible mentions of the entities in the outer article. The outer articles come from
    the caller's public queryset, so `visible_q`'s join back to the article (is_public) is
    left out: it doubled the cost of each probe on the newest-first walk."""
    return Mention.objects.filter(
        rule_q(SPAN_VISIBLE), article=OuterRef("pk"), entity_id__in=entity_ids
    )


def search_articles(
    qs: QuerySet,
    query: str,
    *,
    expand_entities: bool = True,
    entities: list[EntityMatch] | None = None,
    limit: int | None = None,
) -> QuerySet:
    """Articles of `qs` matching `query`, best first, annotated with `rank`.

    With `expand_entities`, articles mentioning (visibly) an entity the query names by any
    alias match too, in every language. Pass `entities` when already looked up.

    Apply every filter to `qs` before: the candidates (the newest `limit` matches of each
    criterion) are taken from it, so a filter added afterwards only thins them out.
    """
    results, _ = ranked_candidates(
        qs, query, expand_entities=expand_entities, entities=entities, limit=limit
    )
    return results


def ranked_candidates(
    qs: QuerySet,
    query: str,
    *,
    expand_entities: bool,
    entities: list[EntityMatch] | None,
    limit: int | None = None,
) -> tuple[QuerySet, _Criteria]:
    """`search_articles`, with the criteria it searched by."""
    criteria = _criteria(qs, query, expand_entities=expand_entities, entities=entities)
    tsquery, entity_ids, parts = criteria.tsquery, criteria.entity_ids, criteria.parts
    if not parts:
        return qs.none(), criteria
    limit = CANDIDATES if limit is None else limit
    heads = [part.head(limit) for part in parts]
    candidates = heads[0] if len(heads) == 1 else heads[0].union(*heads[1:])
    qs = qs.filter(pk__in=candidates)
    rank = Value(0.0, output_field=FloatField())
    if tsquery is not None:
        rank = Coalesce(SearchRank(F("search_vector"), tsquery), 0.0, output_field=FloatField())
    if entity_ids:
        qs = qs.annotate(names_entity=Exists(_naming(entity_ids)))
        # Mentioning the named entity weighs like a strong text hit (its names alone found
        # the article, but an analyst or the matcher has not said it is this entity).
        rank = rank + Case(
            When(names_entity=True, then=Value(0.5)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return qs.annotate(rank=rank).order_by("-rank", *NEWEST_FIRST), criteria


def _phrase_head(qs: QuerySet, tsquery: SearchQuery, limit: int) -> QuerySet:
    """The newest `limit` articles of `qs` matching a text query, as a query of their ids.

    PostgreSQL guesses how common a phrase or a word is badly, wrong both ways: `"security
    talks"`, 4,800 expected and 154 found at 100,000 articles (it walked the newest-first
    index expecting to stop early, and read every article: 1.4 s); `al-Ghaghaa`, 488
    expected and 9,687 found (it rechecked them all to sort them: 250 ms). So the newest
    PHRASE_SAMPLE articles are looked at first (by their ids, the vector read for those
    rows only) and tell how common the query is, and how common the part of it the GIN
    index can look up is (`querytree`: a phrase's words without their order, no `-word`).
    The walk over the newest articles reads about 2 × limit / (the query's share) of them;
    the index, every article holding that part, to sort (and recheck) them. The cheaper is
    taken: a rare one from the index, sorted by an expression no index gives (so the
    planner must).
    """
    newest = qs.order_by(*NEWEST_FIRST)
    try:
        sample_sql, sample_params = newest.values("pk")[:PHRASE_SAMPLE].query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing (a name naming no one)
        return Article.objects.none().values("pk")
    with connections[qs.db].cursor() as cursor:
        cursor.execute(_SAMPLE_SQL.format(sample=sample_sql), [tsquery.text, *sample_params])
        matching, indexed, sampled, archive = cursor.fetchone()
    ids: list[int] = []
    window = walk_window(matching, indexed, sampled, archive, limit)
    if window:
        ids = _newest_matching(newest, tsquery, limit, window=window)
    if len(ids) < limit:
        unindexed = ExpressionWrapper(F("published") + Value(0), output_field=DateField())
        ids = list(
            qs.filter(search_vector=tsquery)
            .order_by(unindexed.desc(nulls_last=True), F("pk").desc())
            .values_list("pk", flat=True)[:limit]
        )
    return Article.objects.filter(pk__in=ids).values("pk")


def walk_window(matching: int, indexed: int, sampled: int, archive: int, limit: int) -> int:
    """How many of the newest articles to walk for `limit` matches, or 0 to take them from
    the index: of `sampled` newest, `matching` match the query and `indexed` the part the
    index looks up, in an archive of about `archive` articles. The walk reads about
    2 × limit / share; the index every article holding the looked-up part. At a million
    articles: a word in 0.15% of them took 3 s by walking, one in 1.4% 30–75 ms from the
    index; a phrase with a word left out in a few percent, 2 s from the index (its two words
    are in a fifth of the archive) and 0.2 s walking."""
    if not (sampled and matching):
        return 0
    walk = 2 * limit * sampled / matching
    if walk > min(indexed / sampled * archive, WALK_MOST):
        return 0
    return max(int(walk), PHRASE_WINDOW)


# In the sample (the newest articles, by their ids: the vectors are read as a FILTER, never
# from the GIN index): the articles matching the query, those matching the part of it the
# index looks up (a phrase as its words), how many were sampled, and the table's size as
# PostgreSQL last counted it (what an index scan reads its matches among). One query.
_SAMPLE_SQL = """
SELECT count(*) FILTER (WHERE search_vector @@ q),
       count(*) FILTER (WHERE search_vector @@ indexed),
       count(*),
       (SELECT greatest(reltuples, 0)::bigint FROM pg_class
        WHERE oid = 'archive_article'::regclass)
FROM archive_article, CAST(%s AS tsquery) AS q,
     CAST(regexp_replace(querytree(q), '<[0-9-]+>', '&', 'g') AS tsquery) AS indexed
WHERE id IN ({sample})
"""


def _newest_matching(
    newest: QuerySet, tsquery: SearchQuery, limit: int, *, window: int = 0
) -> list[int]:
    """Ids of the first `limit` articles of `newest` (newest first) matching `tsquery`, read
    by walking them in that order: the window's OFFSET 0 keeps the planner from taking the
    match from the GIN index instead (at most `window` articles are read)."""
    window_qs = newest.values("pk", "search_vector")[: window or PHRASE_WINDOW]
    inner, params = window_qs.query.sql_with_params()
    # The window's rows come out newest first as the scan reads them; which `limit` are
    # taken only decides the candidates, which are ranked afterwards.
    sql = f"SELECT w.pk FROM ({inner} OFFSET 0) w WHERE w.search_vector @@ %s::tsquery LIMIT %s"
    with connections[newest.db].cursor() as cursor:
        cursor.execute(sql, [*params, tsquery.text, limit])
        return [row[0] for row in cursor.fetchall()]


def is_capped(found: int, limit: int | None = None) -> bool:
    """Whether `found` candidates may stop short of every match (a criterion may have filled
    its `limit`; with two criteria their union can reach it without). The total is then
    shown as "N+", never counted: that is tens of thousands of matches on a common word."""
    return found >= (CANDIDATES if limit is None else limit)


def ranked_rows(results: QuerySet) -> list[tuple]:
    """(id, language, outlet slug, outlet name) of every result, best first: one query.

    The candidates are bounded, so fetching these small columns once serves the count,
    the facets and the page (`in_rank_order`) without ranking the candidates again.
    """
    return list(results.values_list("pk", "language", "source__slug", "source__name"))


def in_rank_order(qs: QuerySet, ids: list[int]) -> QuerySet:
    """The articles of `qs` whose ids are `ids`, in that order (a cheap query to slice)."""
    position = Func(
        Value(ids, output_field=ArrayField(BigIntegerField())),
        F("pk"),
        function="array_position",
        output_field=IntegerField(),
    )
    return qs.filter(pk__in=ids).order_by(position)


def facets(rows: list[tuple]) -> tuple[int, list[dict], list[dict]]:
    """The number of `rows` (from `ranked_rows`) and their counts by language and by
    outlet, largest first."""
    groups = [
        {"language": language, "source__slug": slug, "source__name": name, "n": 1}
        for _, language, slug, name in rows
    ]
    return len(rows), _facet(groups, ["language"]), _facet(groups, ["source__slug", "source__name"])


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
    """Every name (alias) of the entities searched for, in every script: one query."""
    if not entities:
        return []
    searched = [m.entity for m in entities if m.searched]
    if not searched:
        return []
    return list(Alias.objects.filter(entity__in=searched).values_list("name", flat=True))

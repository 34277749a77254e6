"""Grouping the archive into stories: proposals of copies, translations and coverage, and
an analyst's decision on them.

`group_stories` reads the whole archive in batches and keeps, per article, a profile (a
MinHash signature of the body, its entities, figures and claims' speakers, its dates),
never the body itself. From the profiles it finds

* copies: near-duplicate bodies in one language (archive.text.shingles: LSH candidates,
  decided on containment, so a reprint with its own intro or ending still counts);
* translations: two languages, publication periods within `WINDOW_DAYS`, the same
  entities and figures, and a high paragraph alignment (archive.text.align, anchored on
  the entities each paragraph names, as the side-by-side page is);
* coverage: two outlets, within `WINDOW_DAYS`, the same entities and the same claims.

Each becomes a `LinkProposal` with its score and evidence; nothing else changes until an
analyst confirms it (`link_confirm`) or rejects it (`link_reject`). A pair an analyst
decided is never proposed again, nor one the archive already links (a `translation_of`, one
story). The run is idempotent: it writes the same proposals again and removes the open
proposals it no longer finds.
"""

from __future__ import annotations

import heapq
import math
import re
from calendar import monthrange
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from archive.models import (
    SPAN_VISIBLE,
    Article,
    Claim,
    DatePrecision,
    Entity,
    LinkKind,
    LinkProposal,
    Mention,
    ProposalStatus,
    Story,
    rule_q,
)
from archive.services.slugs import unique_slug
from archive.text.align import align, number_spans, paragraph_spans, paragraphs
from archive.text.shingles import Index, Signature, containment, shingles, signature
from archive.text.translation import (
    coverage,
    figures_kept,
    length_ratio,
    order_agreement,
    typical_ratio,
)

# Articles read per query; what is kept of each is its profile, not its text.
BATCH = 500
# "Published within a few days": publication periods (a day, a month or a year, as precise
# as the article's date) no further apart than this.
WINDOW_DAYS = 3
# An entity named in more articles of the window than this says nothing about which two
# belong together ("Libya" in a Libya desk's archive); it still counts in the scores.
POSTING_CAP = 400

# Copies: shorter text's shingles found in the other; texts shorter than MIN_SHINGLES
# shingles (a caption, a one-line brief) are too short to call copies.
COPY_CONTAINMENT = 0.4
# The signatures' estimate below which a candidate is not worth reading its texts again.
COPY_CANDIDATE = 0.2
MIN_SHINGLES = 20
# Translations: entities shared (weighted Dice), then the alignment (share of both texts
# in paragraph pairs that agree). Measured on tests/data/grouping and the seeds.
TRANSLATION_ENTITIES = 0.3
TRANSLATION_ALIGNMENT = 0.6
# ... and keeps the order of the anchors both share, the shorter text's figures, and a
# length near its language's (see archive.text.translation).
TRANSLATION_ALIGNMENT_LONGER = 0.5
TRANSLATION_ORDER = 0.8
TRANSLATION_FIGURES = 0.75
TRANSLATION_LENGTH = 1.6
TRANSLATION_PART = 0.9
TRANSLATION_MARGIN = 0.05
BEAD_AGREEMENT = 0.6
# Coverage: entities shared (weighted Jaccard) with a claim in common, or more entities.
COVERAGE_ENTITIES = 0.2
COVERAGE_ENTITIES_ALONE = 0.45
MIN_SHARED_ENTITIES = 2
ARABIC = "ar"


@dataclass(slots=True)
class Profile:
    """What the grouping keeps of one article."""

    id: int
    slug: str
    language: str
    source_id: int | None
    outlet_language: str
    story_id: int | None
    translation_of_id: int | None
    start: date | None
    end: date | None
    sig: Signature
    entities: frozenset[int] = frozenset()
    figures: frozenset[str] = frozenset()
    speakers: frozenset[int] = frozenset()
    # Articles holding a claim that one of ours repeats (Claim.same_as), and the reverse.
    claim_links: frozenset[int] = frozenset()


@dataclass
class Found:
    kind: str
    first: int
    second: int
    score: float
    evidence: dict


@dataclass
class Result:
    articles: int = 0
    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    created: int = 0
    updated: int = 0
    removed: int = 0


# Reading the archive ---------------------------------------------------------------------


def period(published: date | None, precision: str) -> tuple[date | None, date | None]:
    """The days an article's date allows: the day, the whole month or the whole year."""
    if published is None:
        return None, None
    if precision == DatePrecision.YEAR:
        return published.replace(month=1, day=1), published.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        last = monthrange(published.year, published.month)[1]
        return published.replace(day=1), published.replace(day=last)
    return published, published


def days_apart(a: Profile, b: Profile) -> int | None:
    """Days between the two publication periods (0 when they overlap); None if undated."""
    if a.start is None or b.start is None:
        return None
    if a.end < b.start:
        return (b.start - a.end).days
    if b.end < a.start:
        return (a.start - b.end).days
    return 0


def figures(text: str) -> frozenset[str]:
    """The numbers of a text, digits of any script folded (years and days among them):
    a one-digit number says too little to count."""
    return frozenset(v for _, _, v in number_spans(text) if len(v) > 1)


def _profiles(articles, progress: Callable[[int], None] | None) -> Iterator[Profile]:
    rows = articles.order_by("id").values_list(
        "id",
        "slug",
        "language",
        "source_id",
        "source__language",
        "story_id",
        "translation_of_id",
        "published",
        "published_precision",
        "body",
    )
    batch: list[tuple] = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield from _batch_profiles(batch)
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        yield from _batch_profiles(batch)
        if progress:
            progress(len(batch))


def _batch_profiles(batch: list[tuple]) -> Iterator[Profile]:
    ids = [row[0] for row in batch]
    entities: dict[int, set[int]] = defaultdict(set)
    for article_id, entity_id in (
        Mention.objects.filter(rule_q(SPAN_VISIBLE), article_id__in=ids)
        .values_list("article_id", "entity_id")
        .iterator()
    ):
        entities[article_id].add(entity_id)
    speakers: dict[int, set[int]] = defaultdict(set)
    links: dict[int, set[int]] = defaultdict(set)
    claims = Claim.objects.filter(rule_q(SPAN_VISIBLE)).filter(
        Q(article_id__in=ids) | Q(same_as__article_id__in=ids)
    )
    for article_id, speaker_id, repeats in claims.values_list(
        "article_id", "speaker_id", "same_as__article_id"
    ).iterator():
        if speaker_id is not None:
            speakers[article_id].add(speaker_id)
        if repeats is not None and repeats != article_id:
            links[article_id].add(repeats)
            links[repeats].add(article_id)
    for aid, slug, lang, source, outlet_lang, story, original, published, prec, body in batch:
        start, end = period(published, prec)
        yield Profile(
            id=aid,
            slug=slug,
            language=lang,
            source_id=source,
            outlet_language=outlet_lang or "",
            story_id=story,
            translation_of_id=original,
            start=start,
            end=end,
            sig=signature(body),
            entities=frozenset(entities.get(aid, ())),
            figures=figures(body),
            speakers=frozenset(speakers.get(aid, ())),
            claim_links=frozenset(links.get(aid, ())),
        )


# Scores ------------------------------------------------------------------------------------


def _weight(df: Counter, n: int) -> Callable[[int], float]:
    """An entity's weight: rarer entities say more (smoothed idf)."""
    return lambda e: math.log((n + 1) / (df[e] + 0.5))


def entity_similarity(a: Profile, b: Profile, weight: Callable[[int], float]) -> float:
    """Weighted Jaccard of the two entity sets."""
    union = a.entities | b.entities
    if not union:
        return 0.0
    return sum(map(weight, a.entities & b.entities)) / sum(map(weight, union))


def entity_dice(a: Profile, b: Profile, weight: Callable[[int], float]) -> float:
    """Weighted Dice of the two entity sets: a translation may drop or add a name or two."""
    total = sum(map(weight, a.entities)) + sum(map(weight, b.entities))
    if not total:
        return 0.0
    return 2 * sum(map(weight, a.entities & b.entities)) / total


def figure_agreement(a: Profile, b: Profile) -> float | None:
    """Share of the figures of the text with fewer that the other has too; None when one
    text has no figure."""
    if not a.figures or not b.figures:
        return None
    return len(a.figures & b.figures) / min(len(a.figures), len(b.figures))


@dataclass
class Aligned:
    """How two texts align as a translation (see archive.text.translation)."""

    shorter: float  # share of the shorter text in paragraph pairs that agree
    longer: float  # the same for the longer text
    order: float | None  # shared anchors in the same order (None: too few to say)
    length: float  # times longer the longer text is, its language's typical length out
    shorter_side: str  # "left" or "right"


def alignment_score(
    left: list[str],
    right: list[str],
    left_keys: list[set[str]],
    right_keys: list[set[str]],
    left_lang: str = "xx",
    right_lang: str = "yy",
) -> Aligned:
    """Align two paragraph lists with the archive's aligner and measure the result.

    A pair of paragraphs agrees when its lengths keep the two texts' ratio (within a factor
    of two: a translation says the same at its language's length) and its anchors (figures,
    entities, quotes) mostly agree. Coverage is read on the shorter text (its language's
    typical length taken out): an abridged translation renders part of the other, all of
    itself."""
    ll, rl = [len(p) for p in left], [len(p) for p in right]
    expected = typical_ratio(left_lang, right_lang)
    right_is_shorter = sum(rl) / expected < sum(ll)
    length = length_ratio(sum(ll), sum(rl), left_lang, right_lang)
    if not left or not right:
        return Aligned(0.0, 0.0, None, length, "right" if right_is_shorter else "left")
    anchors = {p: k for p, k in zip(left, left_keys, strict=True)}
    anchors.update({p: k for p, k in zip(right, right_keys, strict=True)})
    pairs = align(left, right, left_lang="xx", right_lang="yy", anchors=lambda p: anchors[p])
    ratio = sum(rl) / max(1, sum(ll))
    agree = []
    for pair in pairs:
        ok = False
        if pair.left and pair.right:
            a = sum(ll[i] for i in pair.left)
            b = sum(rl[j] for j in pair.right)
            ka = set().union(*(left_keys[i] for i in pair.left))
            kb = set().union(*(right_keys[j] for j in pair.right))
            # Names and figures common to the whole story (Macron, Tripoli) sit in every
            # paragraph: a translated paragraph carries most of its counterpart's anchors.
            ok = (
                abs(math.log((b + 20) / (ratio * a + 20))) <= math.log(2)
                and bool(ka and kb)
                and 2 * len(ka & kb) / (len(ka) + len(kb)) >= BEAD_AGREEMENT
            )
        agree.append(ok)
    cover_left, cover_right = coverage([(p.left, p.right) for p in pairs], agree, ll, rl)
    order = order_agreement(left_keys, right_keys)
    if right_is_shorter:
        return Aligned(cover_right, cover_left, order, length, "right")
    return Aligned(cover_left, cover_right, order, length, "left")


def _paragraph_keys(body: str, mentions: list[tuple[int, int]]) -> tuple[list[str], list[set]]:
    """The paragraphs of `body` and each one's anchors: figures and entities named."""
    spans = paragraph_spans(body)
    texts = paragraphs(body)
    keys: list[set[str]] = [{f"n:{v}" for v in figures(t)} for t in texts]
    for k, t in enumerate(texts):
        if len(_QUOTES.findall(t)) >= 2:
            keys[k].add("q")  # quoted speech: a translation quotes at the same place
    starts = [s for s, _ in spans]
    for start, entity_id in mentions:
        # the paragraph holding the mention's start
        lo, hi = 0, len(starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if starts[mid] <= start:
                lo = mid + 1
            else:
                hi = mid
        if lo:
            keys[lo - 1].add(f"e:{entity_id}")
    return texts, keys


_QUOTES = re.compile(r"[\"“”«»„]")


# Finding ---------------------------------------------------------------------------------


def _linked(a: Profile, b: Profile, kind: str) -> bool:
    """The archive already holds this link: an analyst or the importer made it."""
    translated = a.translation_of_id == b.id or b.translation_of_id == a.id
    if kind == LinkKind.TRANSLATION:
        return translated
    return translated or (a.story_id is not None and a.story_id == b.story_id)


def original_first(a: Profile, b: Profile) -> tuple[Profile, Profile]:
    """(original, translation): the one published earlier when both days are known and
    differ; else not the one written outside its outlet's language (an Arabic paper's
    English edition is the translating side); else not the Arabic one; else the one the
    archive received first."""
    if a.start and b.start and a.start == a.end and b.start == b.end and a.start != b.start:
        return (a, b) if a.start < b.start else (b, a)
    a_away = bool(a.outlet_language) and a.outlet_language != a.language
    b_away = bool(b.outlet_language) and b.outlet_language != b.language
    if a_away != b_away:
        return (b, a) if a_away else (a, b)
    # Then the Arabic text is the translation: what a Libya desk receives in two languages
    # on one day is mostly a wire or a government's statement written in English or French
    # and rendered in Arabic (the seeds' pair, every pair of tests/data/grouping).
    if (a.language == ARABIC) != (b.language == ARABIC):
        return (b, a) if a.language == ARABIC else (a, b)
    return (a, b) if a.id < b.id else (b, a)


def _copies(profiles: dict[int, Profile]) -> Iterator[Found]:
    """Candidates from the LSH index and the signatures' estimate, then decided on the
    exact containment of the two texts' shingles (read a batch at a time): on briefs of
    a few dozen shingles, 128 MinHash values estimate too loosely to decide."""
    indexes: dict[str, Index] = defaultdict(Index)
    candidates: list[tuple[int, int]] = []
    for p in profiles.values():
        for other_id in indexes[p.language].add(p.id, p.sig):
            q = profiles[other_id]
            if min(p.sig.size, q.sig.size) < MIN_SHINGLES or _linked(p, q, LinkKind.COPY):
                continue
            if containment(p.sig, q.sig) >= COPY_CANDIDATE:
                candidates.append(tuple(sorted((p.id, q.id))))
    for start in range(0, len(candidates), BATCH):
        chunk = candidates[start : start + BATCH]
        ids = {i for pair in chunk for i in pair}
        texts = {
            pk: shingles(body)
            for pk, body in Article.objects.filter(id__in=ids).values_list("id", "body")
        }
        for first, second in chunk:
            a, b = texts[first], texts[second]
            shared = len(a & b)
            c = shared / min(len(a), len(b))
            if c >= COPY_CONTAINMENT:
                yield Found(
                    LinkKind.COPY,
                    first,
                    second,
                    round(c, 3),
                    {"containment": round(c, 3), "jaccard": round(shared / len(a | b), 3)},
                )


def _window_pairs(profiles: dict[int, Profile]) -> Iterator[tuple[Profile, Profile, int]]:
    """Dated pairs within WINDOW_DAYS that share MIN_SHARED_ENTITIES entities or a claim,
    found by a sweep over publication periods with an entity index of the open window."""
    dated = sorted((p for p in profiles.values() if p.start), key=lambda p: (p.start, p.id))
    open_ends: list[tuple[date, int]] = []
    postings: dict[int, set[int]] = defaultdict(set)
    active: set[int] = set()
    for p in dated:
        horizon = p.start - timedelta(days=WINDOW_DAYS)
        while open_ends and open_ends[0][0] < horizon:
            _, gone = heapq.heappop(open_ends)
            active.discard(gone)
            for e in profiles[gone].entities:
                postings[e].discard(gone)
        shared: Counter = Counter()
        for e in p.entities:
            posting = postings[e]
            if len(posting) <= POSTING_CAP:
                shared.update(posting)
        candidates = {q for q, n in shared.items() if n >= MIN_SHARED_ENTITIES}
        candidates |= p.claim_links & active
        for q in candidates:
            yield profiles[q], p, shared.get(q, 0)
        heapq.heappush(open_ends, (p.end, p.id))
        active.add(p.id)
        for e in p.entities:
            postings[e].add(p.id)


def _translations(candidates: list[tuple[Profile, Profile]], weight, progress) -> Iterator[Found]:
    """Decide the translation candidates by aligning their texts, read a batch at a time;
    then, of the originals proposed for one text in one language, keep the best (and those
    as good: the same wire's copies)."""
    found: list[Found] = []
    for start in range(0, len(candidates), BATCH):
        chunk = candidates[start : start + BATCH]
        ids = {p.id for pair in chunk for p in pair}
        bodies = dict(Article.objects.filter(id__in=ids).values_list("id", "body"))
        mentions: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for article_id, at, entity_id in Mention.objects.filter(
            rule_q(SPAN_VISIBLE), article_id__in=ids
        ).values_list("article_id", "start", "entity_id"):
            mentions[article_id].append((at, entity_id))
        for a, b in chunk:
            f = _translation(a, b, bodies, mentions, weight)
            if f is not None:
                found.append(f)
        if progress:
            progress(len(chunk))
    language = {p.id: p.language for pair in candidates for p in pair}
    yield from _best_originals(found, language)


def _translation(a: Profile, b: Profile, bodies, mentions, weight) -> Found | None:
    original, translation = original_first(a, b)
    left, lk = _paragraph_keys(bodies[original.id], mentions[original.id])
    right, rk = _paragraph_keys(bodies[translation.id], mentions[translation.id])
    aligned = alignment_score(left, right, lk, rk, original.language, translation.language)
    kept = figures_kept(a.figures, b.figures)
    # A translation renders the other text: most of the shorter in agreeing paragraphs and
    # half of the longer at least, at its language's length; or, for one that renders only
    # part of the other (a page cut short, a faithful abridgement), nearly all of itself and an
    # agreeing part of the longer about its own size. Either way the anchors come in the
    # same order and the figures of the text with fewer are (nearly) all in the other.
    # A brief that renders a few sentences of a long dispatch in its own words fails
    # these: by names and figures it is no closer to its source than to other accounts.
    whole = (
        aligned.length <= TRANSLATION_LENGTH
        and aligned.shorter >= TRANSLATION_ALIGNMENT
        and aligned.longer >= TRANSLATION_ALIGNMENT_LONGER
    )
    part = (
        aligned.shorter >= TRANSLATION_PART
        and aligned.longer * aligned.length >= TRANSLATION_ALIGNMENT
        and aligned.order is not None  # a short text must show its anchors' order
    )
    if (
        not (whole or part)
        or (aligned.order is not None and aligned.order < TRANSLATION_ORDER)
        or (kept is not None and kept < TRANSLATION_FIGURES)
    ):
        return None
    entities = entity_dice(a, b, weight)
    parts = [aligned.shorter, aligned.longer, entities]
    parts += [x for x in (aligned.order, kept) if x is not None]
    return Found(
        LinkKind.TRANSLATION,
        original.id,
        translation.id,
        round(sum(parts) / len(parts), 3),
        {
            "alignment": round(aligned.shorter, 3),
            "alignment_longer": round(aligned.longer, 3),
            "order": round(aligned.order, 3) if aligned.order is not None else None,
            "length_ratio": round(aligned.length, 2),
            "partial": not whole,
            "entities": round(entities, 3),
            "shared_entities": sorted(a.entities & b.entities),
            "figures": round(kept, 3) if kept is not None else None,
            "shared_figures": sorted(a.figures & b.figures),
            "days_apart": days_apart(a, b),
        },
    )


def _best_originals(found: list[Found], language: dict[int, str]) -> Iterator[Found]:
    """A text has one original: of the texts in one language proposed for it, only the
    best and those within TRANSLATION_MARGIN of it (copies of one wire score alike)."""
    best: dict[tuple[int, str], float] = {}
    for f in found:
        for this, other in ((f.first, f.second), (f.second, f.first)):
            key = (this, language[other])
            best[key] = max(best.get(key, 0.0), f.score)
    for f in found:
        if all(
            f.score >= best[this, language[other]] - TRANSLATION_MARGIN
            for this, other in ((f.first, f.second), (f.second, f.first))
        ):
            yield f


def find(articles=None, *, progress=None) -> tuple[int, list[Found]]:
    """Every link the archive's texts support (or those among `articles`), decided or not:
    (number of articles read, what was found)."""
    articles = Article.objects.all() if articles is None else articles
    profiles: dict[int, Profile] = {}
    df: Counter = Counter()
    for p in _profiles(articles, progress):
        profiles[p.id] = p
        df.update(p.entities)
    weight = _weight(df, len(profiles))

    found: list[Found] = list(_copies(profiles))
    taken = {frozenset((f.first, f.second)) for f in found}

    translation_candidates: list[tuple[Profile, Profile]] = []
    coverage: list[Found] = []
    for a, b, _ in _window_pairs(profiles):
        pair = frozenset((a.id, b.id))
        if pair in taken:
            continue
        if (
            a.language != b.language
            and not _linked(a, b, LinkKind.TRANSLATION)
            and entity_dice(a, b, weight) >= TRANSLATION_ENTITIES
            and (figure_agreement(a, b) or 0.0) >= (0.5 if a.figures and b.figures else 0.0)
        ):
            translation_candidates.append((a, b))
        if _linked(a, b, LinkKind.COVERAGE):
            continue
        if a.source_id is not None and a.source_id == b.source_id:
            continue  # one outlet's two articles are not two outlets' coverage
        similarity = entity_similarity(a, b, weight)
        speakers = a.speakers & b.speakers
        repeated = b.id in a.claim_links
        claimed = bool(speakers) or repeated
        # An analyst's `same_as` between their claims says "one event" outright.
        if (
            repeated
            or similarity >= COVERAGE_ENTITIES_ALONE
            or (similarity >= COVERAGE_ENTITIES and speakers)
        ):
            first, second = sorted((a.id, b.id))
            coverage.append(
                Found(
                    LinkKind.COVERAGE,
                    first,
                    second,
                    round(min(1.0, similarity + (0.2 if claimed else 0.0)), 3),
                    {
                        "entities": round(similarity, 3),
                        "shared_entities": sorted(a.entities & b.entities),
                        "shared_speakers": sorted(speakers),
                        "repeated_claims": repeated,
                        "days_apart": days_apart(a, b),
                    },
                )
            )
    translations = list(_translations(translation_candidates, weight, None))
    found += translations
    taken |= {frozenset((f.first, f.second)) for f in translations}
    found += [f for f in coverage if frozenset((f.first, f.second)) not in taken]
    return len(profiles), found


# Writing -----------------------------------------------------------------------------------


def group_stories(*, articles=None, progress=None) -> Result:
    """Find the links and store them as proposals; idempotent (see the module docstring).

    `articles` limits the reading (a full run when None: only a full run removes the open
    proposals it no longer finds). `progress(n)` is called as articles are read."""
    count, found = find(articles, progress=progress)
    result = Result(articles=count)
    decided = {
        frozenset(pair)
        for pair in LinkProposal.objects.exclude(status=ProposalStatus.PROPOSED).values_list(
            "first_id", "second_id"
        )
    }
    fresh = [f for f in found if frozenset((f.first, f.second)) not in decided]
    _name_entities(fresh)
    for f in fresh:
        result.found[f.kind] += 1
    with transaction.atomic():
        existing = {
            (k, a, b): pk
            for pk, k, a, b in LinkProposal.objects.filter(
                status=ProposalStatus.PROPOSED
            ).values_list("pk", "kind", "first_id", "second_id")
        }
        keep = {(f.kind, f.first, f.second) for f in fresh}
        if articles is None:
            stale = [pk for key, pk in existing.items() if key not in keep]
            result.removed = len(stale)
            for start in range(0, len(stale), BATCH):
                LinkProposal.objects.filter(pk__in=stale[start : start + BATCH]).delete()
        result.created = len(keep - existing.keys())
        result.updated = len(keep & existing.keys())
        LinkProposal.objects.bulk_create(
            [
                LinkProposal(
                    kind=f.kind,
                    first_id=f.first,
                    second_id=f.second,
                    score=f.score,
                    evidence=f.evidence,
                )
                for f in fresh
            ],
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["kind", "first", "second"],
            update_fields=["score", "evidence"],
        )
    return result


def _name_entities(found: list[Found]) -> None:
    """Evidence names entities by slug, which a reader of the JSON can follow."""
    ids = {e for f in found for e in f.evidence.get("shared_entities", ())}
    slugs = dict(Entity.objects.filter(pk__in=ids).values_list("pk", "slug"))
    for f in found:
        if "shared_entities" in f.evidence:
            f.evidence["shared_entities"] = sorted(
                slugs[e] for e in f.evidence["shared_entities"] if e in slugs
            )


def open_proposals() -> Iterable[LinkProposal]:
    """The proposals waiting for an analyst, best first, with both articles' slugs."""
    return (
        LinkProposal.objects.filter(status=ProposalStatus.PROPOSED)
        .select_related("first", "second")
        .only("kind", "score", "evidence", "first__slug", "second__slug")
        .order_by("-score", "id")
    )


# Deciding ---------------------------------------------------------------------------------


def _story_for(first: Article, second: Article) -> Story:
    """The story both will share: the earlier article's, else the other's, else a new one
    titled after the earlier article."""
    earlier, later = sorted(
        (first, second), key=lambda a: (a.published is None, a.published or date.min, a.pk)
    )
    if earlier.story_id:
        return earlier.story
    if later.story_id:
        return later.story
    return Story.objects.create(
        title=earlier.title[:300],
        slug=unique_slug(Story, earlier.title, fallback=f"story-{earlier.pk}"),
    )


@transaction.atomic
def link_confirm(*, proposal: LinkProposal, user=None) -> LinkProposal:
    """Make the proposed link real: a translation sets `translation_of` (the original
    first) and both join one story; a copy or coverage puts both in one story. Each
    article's change is saved through the model, so its history records it."""
    proposal = LinkProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status == ProposalStatus.ACCEPTED:
        return proposal
    first, second = (
        Article.objects.select_for_update()
        .filter(pk__in=(proposal.first_id, proposal.second_id))
        .order_by("pk")
    )
    if first.pk != proposal.first_id:
        first, second = second, first
    story = _story_for(first, second)
    if proposal.kind == LinkKind.TRANSLATION:
        second.translation_of = first
        second.clean()  # refuses a loop (the original a translation of its translation)
    # When both had a story, the later article joins the earlier's: one article moves,
    # never a whole story.
    first.story = second.story = story
    first.save(update_fields=["story", "updated"])
    second.save(update_fields=["story", "translation_of", "updated"])
    proposal.status = ProposalStatus.ACCEPTED
    proposal.decided = timezone.now()
    proposal.decided_by = user
    proposal.save(update_fields=["status", "decided", "decided_by"])
    return proposal


def link_reject(*, proposals: Iterable[LinkProposal], user=None) -> int:
    """Reject proposals: the pair is never proposed again. Returns how many changed."""
    return LinkProposal.objects.filter(
        pk__in=[p.pk for p in proposals], status=ProposalStatus.PROPOSED
    ).update(status=ProposalStatus.REJECTED, decided=timezone.now(), decided_by=user)

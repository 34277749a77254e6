"""Side-by-side alignment of two articles, anchored on the entities each paragraph names.

Glue between the database and `archive.text.align`: one query per article for its visible
mentions; each paragraph's anchors are the ids of the entities mentioned in it.
"""

from __future__ import annotations

from collections import defaultdict

from archive.models import Article, Mention
from archive.text.align import Pair, align, paragraphs


def paragraph_offsets(body: str) -> list[tuple[int, int]]:
    """(start, end) in `body` of each paragraph of `archive.text.align.paragraphs(body)`."""
    spans, pos = [], 0
    for line in body.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = pos + line.index(stripped)
            spans.append((start, start + len(stripped)))
        pos += len(line)
    return spans


def paragraph_of(offsets: list[tuple[int, int]], position: int) -> int | None:
    """Index of the paragraph holding character `position`, or None between paragraphs."""
    lo, hi = 0, len(offsets)
    while lo < hi:
        mid = (lo + hi) // 2
        if offsets[mid][1] <= position:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(offsets) and offsets[lo][0] <= position < offsets[lo][1]:
        return lo
    return None


def entities_by_paragraph(article: Article, mentions=None) -> list[set[int]]:
    """The entity ids visibly mentioned in each paragraph (one query unless given)."""
    offsets = paragraph_offsets(article.body)
    if mentions is None:
        mentions = Mention.objects.visible().filter(article=article).only("start", "entity_id")
    found: list[set[int]] = [set() for _ in offsets]
    for mention in mentions:
        index = paragraph_of(offsets, mention.start)
        if index is not None:
            found[index].add(mention.entity_id)
    return found


def align_articles(left: Article, right: Article, *, left_mentions=None, right_mentions=None):
    """Pairs of paragraph indices (`archive.text.align.Pair`) aligning `left` with `right`."""
    left_paras, right_paras = paragraphs(left.body), paragraphs(right.body)
    keys: dict[str, set[str]] = defaultdict(set)
    for paras, ids in (
        (left_paras, entities_by_paragraph(left, left_mentions)),
        (right_paras, entities_by_paragraph(right, right_mentions)),
    ):
        for text, entity_ids in zip(paras, ids, strict=True):
            keys[text] |= {str(i) for i in entity_ids}
    pairs: list[Pair] = align(
        left_paras,
        right_paras,
        left_lang=left.language,
        right_lang=right.language,
        anchors=lambda text: keys.get(text, set()),
    )
    return pairs

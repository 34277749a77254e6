"""Side-by-side alignment of two articles, anchored on the entities each paragraph names.

Glue between the database and `archive.text.align`: one query per article for its visible
mentions; each paragraph's anchors are the ids of the entities mentioned in it.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import defaultdict
from operator import attrgetter

from django.core.cache import cache

from archive.models import Article, Mention
from archive.text.align import Pair, align, by_paragraph, paragraph_spans, paragraphs

span_start = attrgetter("start")


def entities_by_paragraph(article: Article, mentions=None) -> list[set[int]]:
    """The entity ids visibly mentioned in each paragraph (one query unless given)."""
    if mentions is None:
        mentions = Mention.objects.visible().filter(article=article).only("start", "entity_id")
    groups = by_paragraph(paragraph_spans(article.body), mentions, span_start)
    return [{mention.entity_id for mention in group} for group in groups]


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
    # The alignment is a pure function of the two texts, their languages and the anchors:
    # cached under a digest of exactly those, it can never be stale, only unused.
    digest = hashlib.sha256(
        pickle.dumps(
            (
                left_paras,
                right_paras,
                left.language,
                right.language,
                sorted((text, sorted(ids)) for text, ids in keys.items()),
            )
        )
    ).hexdigest()
    cached = cache.get(f"alignment:{digest}")
    if cached is not None:
        return [Pair(list(a), list(b)) for a, b in cached]
    pairs: list[Pair] = align(
        left_paras,
        right_paras,
        left_lang=left.language,
        right_lang=right.language,
        anchors=lambda text: keys.get(text, set()),
    )
    cache.set(f"alignment:{digest}", [(p.left, p.right) for p in pairs], timeout=24 * 3600)
    return pairs

"""Two articles side by side: aligned paragraph pairs, with what one side lacks marked.

Each side's mentions and claims are grouped by paragraph once (a binary search each), so a
pair looks only at its own paragraphs: the cost grows with the text and its annotations,
never with pairs × annotations. Within a pair, a name, a claim or a figure found on one
side and not the other is marked `only-here`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from archive.formats.rendering import Highlight, claim_highlight, mention_highlight, render_ranges
from archive.models import Article, Claim, Mention
from archive.reads import selectors
from archive.reads.alignment import align_articles, span_start
from archive.text.align import Pair, by_paragraph, paragraph_spans, unmatched_figures

ONLY_HERE = "only-here"


@dataclass
class Side:
    """One article of the comparison, its annotations grouped by paragraph."""

    article: Article
    spans: list[tuple[int, int]]
    mentions: list[list[Mention]]
    claims: list[list[Claim]]

    @classmethod
    def of(cls, article: Article, mentions, claims) -> Side:
        spans = paragraph_spans(article.body)
        return cls(
            article,
            spans,
            by_paragraph(spans, mentions, span_start),
            by_paragraph(spans, claims, span_start),
        )

    def texts(self, indices: list[int]) -> list[str]:
        return [self.article.body[a:b] for a, b in (self.spans[i] for i in indices)]

    def mentions_in(self, indices: list[int]) -> list[Mention]:
        return [m for i in indices for m in self.mentions[i]]

    def claims_in(self, indices: list[int]) -> list[Claim]:
        return [c for i in indices for c in self.claims[i]]


def _claim_key(claim: Claim) -> int:
    """Claims recorded as the same claim (`same_as`) share a key across articles."""
    return claim.same_as_id or claim.pk


def compare(left: Article, right: Article) -> tuple[list[dict], int]:
    """Rows {"left", "right", "pair"} (each side a list of (paragraph index, html)) and the
    number of differences marked. Two queries: the visible mentions and claims of both."""
    mentions, claims = selectors.annotations([left, right])
    pairs = align_articles(
        left, right, left_mentions=mentions[left.pk], right_mentions=mentions[right.pk]
    )
    sides = (
        Side.of(left, mentions[left.pk], claims[left.pk]),
        Side.of(right, mentions[right.pk], claims[right.pk]),
    )
    rows, differences = [], 0
    for pair in pairs:
        lhtml, rhtml, n = compare_pair(pair, *sides)
        differences += n
        rows.append({"left": lhtml, "right": rhtml, "pair": pair})
    return rows, differences


def compare_pair(pair: Pair, left: Side, right: Side):
    """The HTML of each side of a pair, with what the other side lacks marked, and how
    many such marks there are."""
    left_html, left_n = _mark_side(left, pair.left, right, pair.right)
    right_html, right_n = _mark_side(right, pair.right, left, pair.left)
    return left_html, right_html, left_n + right_n


def _mark_side(this: Side, indices: list[int], other: Side, other_indices: list[int]):
    mentions, claims = this.mentions_in(indices), this.claims_in(indices)
    if not other_indices:  # no counterpart: nothing to compare with
        highlights = [mention_highlight(m) for m in mentions]
        highlights += [claim_highlight(c) for c in claims]
        return _html(this, indices, highlights), 0
    other_entities = {m.entity_id for m in other.mentions_in(other_indices)}
    other_claims = {_claim_key(c) for c in other.claims_in(other_indices)}
    other_text = " ".join(other.texts(other_indices))
    count = 0
    highlights: list[Highlight] = []
    for m in mentions:
        lone = m.entity_id not in other_entities
        count += lone
        highlights.append(mention_highlight(m, extra_class=ONLY_HERE if lone else ""))
    for c in claims:
        lone = _claim_key(c) not in other_claims
        count += lone
        highlights.append(claim_highlight(c, extra_class=ONLY_HERE if lone else ""))
    for i, text in zip(indices, this.texts(indices), strict=True):
        start = this.spans[i][0]
        for s, e in unmatched_figures(text, other_text)[0]:
            count += 1
            highlights.append(
                Highlight(
                    start + s,
                    start + e,
                    "mark",
                    {"class": f"figure {ONLY_HERE}", "title": _("Not in the other text")},
                    order=2,
                )
            )
    return _html(this, indices, highlights), count


def _html(side: Side, indices: list[int], highlights: list[Highlight]):
    ranges = [side.spans[i] for i in indices]
    return list(zip(indices, render_ranges(side.article.body, ranges, highlights), strict=True))

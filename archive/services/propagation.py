"""Proposing confirmed annotations in an article's translations, as suggestions.

Where the words are is decided by paragraph alignment (archive.reads.alignment), then by the
entity's aliases in the translation's language (a mention) or by quotation marks (a claim).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from archive.models import Article, Claim, ClaimSubject, Mention, Status
from archive.reads.alignment import align_articles
from archive.text.align import paragraph_spans
from archive.text.matcher import AliasEntry, Matcher


@dataclass(frozen=True)
class Paragraph:
    index: int
    start: int  # offset of the paragraph's first character in the body
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def body_paragraphs(body: str) -> list[Paragraph]:
    """The body's paragraphs with their offsets: the split the alignment uses
    (archive.text.align.paragraph_spans), so paragraph indexes agree with it."""
    return [
        Paragraph(index, start, body[start:end])
        for index, (start, end) in enumerate(paragraph_spans(body))
    ]


def _aligned(left: Article, right: Article) -> list[tuple[list[int], list[int]]]:
    """Paragraph pairs (left indexes, right indexes) of two articles."""
    # Entity anchors help only where both sides are annotated; an entity tagged on one
    # side alone (exactly the case propagation is for) would pull the pairing apart.
    sides = [
        list(Mention.objects.visible().filter(article=a).only("start", "entity_id"))
        for a in (left, right)
    ]
    shared = {m.entity_id for m in sides[0]} & {m.entity_id for m in sides[1]}
    left_m, right_m = ([m for m in side if m.entity_id in shared] for side in sides)
    pairs = align_articles(left, right, left_mentions=left_m, right_mentions=right_m)
    return [(list(p.left), list(p.right)) for p in pairs]


def article_translations(article: Article) -> list[Article]:
    """The article's original and every other translation of that original (not itself)."""
    root_id = article.translation_of_id or article.pk
    return list(
        Article.objects.filter(Q(pk=root_id) | Q(translation_of_id=root_id)).exclude(pk=article.pk)
    )


_QUOTE_RE = re.compile(r'"[^"\n]+"|“[^”\n]+”|«[^»\n]+»|„[^“\n]+“|‘[^’\n]+’')


def _suggest(model, target: Article, start: int, end: int, user, **fields):
    """A suggested mention or claim at target.body[start:end], proposed for `user`."""
    return model.objects.create(
        article=target, start=start, end=end, text=target.body[start:end],
        status=Status.SUGGESTED, created_by=user, **fields,
    )  # fmt: skip


def _quotes(text: str) -> list[tuple[int, int]]:
    """Spans of quoted passages, quote marks excluded."""
    return [(m.start() + 1, m.end() - 1) for m in _QUOTE_RE.finditer(text)]


def _propagate_mention(mention: Mention, target: Article, user) -> int:
    direct, near = _neighbour_paragraphs(source=mention.article, target=target, start=mention.start)
    if not direct and not near:
        return 0
    entity = mention.entity
    entries = [
        AliasEntry(entity.pk, alias.name, entity.kind)
        for alias in entity.aliases.all()
        if alias.language == target.language
    ]
    if not entries:
        return 0
    existing = list(
        Mention.objects.filter(article=target, entity=entity).values_list(
            "entity_id", "start", "end"
        )
    )
    matcher = Matcher(entries)
    # The aligned paragraph first; its neighbours only when the name is not there, since
    # translations merge and split paragraphs and alignment without shared anchors can slip.
    found = [(p, m) for p in direct for m in matcher.find(p.text)]
    if not found:
        found = [(p, m) for p in near for m in matcher.find(p.text)]
    made = 0
    for paragraph, match in found:
        start, end = paragraph.start + match.start, paragraph.start + match.end
        if any(e == entity.pk and s < end and start < t for e, s, t in existing):
            continue  # already tagged here (in whatever status: a rejection stands)
        _suggest(Mention, target, start, end, user, entity=entity, role=mention.role)
        existing.append((entity.pk, start, end))
        made += 1
    return made


def _neighbour_paragraphs(*, source: Article, target: Article, start: int):
    """Target paragraphs aligned with the source paragraph holding `start` (direct), and
    those next to them or aligned with its two neighbours (near): translations merge and
    split paragraphs, so the counterpart words may sit next door."""
    src = next((p for p in body_paragraphs(source.body) if p.start <= start < p.end), None)
    if src is None:
        return [], []
    tgt = body_paragraphs(target.body)
    direct_ids: set[int] = set()
    near_ids: set[int] = set()
    for left, right in _aligned(source, target):
        if src.index in left:
            direct_ids.update(right)
        elif any(abs(i - src.index) == 1 for i in left):
            near_ids.update(right)
    near_ids.update(j + d for j in direct_ids for d in (-1, 1))
    near_ids -= direct_ids
    return (
        [tgt[i] for i in sorted(direct_ids) if 0 <= i < len(tgt)],
        [tgt[i] for i in sorted(near_ids) if 0 <= i < len(tgt)],
    )


def _propagate_claim(claim: Claim, target: Article, user) -> int:
    direct, near = _neighbour_paragraphs(source=claim.article, target=target, start=claim.start)
    if not direct and not near:
        return 0
    origin = claim.same_as or claim
    if Claim.objects.filter(article=target).filter(Q(same_as=origin) | Q(pk=origin.pk)).exists():
        return 0
    source_paragraph = next(
        p for p in body_paragraphs(claim.article.body) if p.start <= claim.start < p.end
    )
    inside_quote = any(
        s - 1 <= claim.start - source_paragraph.start
        and claim.end - source_paragraph.start <= e + 1
        for s, e in _quotes(source_paragraph.text)
    )
    if not inside_quote:
        return 0  # only quoted words have a counterpart we can find without guessing
    # Where the speaker is named in the translation (any alias in its language).
    speaker_at: list[tuple[int, int]] = []
    if claim.speaker_id:
        entries = [
            AliasEntry(claim.speaker_id, a.name, claim.speaker.kind)
            for a in claim.speaker.aliases.all()
            if a.language == target.language
        ]
        if entries:
            speaker_at = [(m.start, m.end) for m in Matcher(entries).find(target.body)]
    candidates = []
    for weight, paragraphs in ((1, direct), (0, near)):
        for p in paragraphs:
            named = any(p.start <= s < p.end for s, _ in speaker_at)
            for s, e in _quotes(p.text):
                candidates.append((weight + 2 * named, p.start + s, p.start + e))
    if not candidates:
        return 0
    best = max(score for score, _, _ in candidates)
    chosen = [(s, e) for score, s, e in candidates if score == best]
    if len(chosen) != 1:
        return 0  # ambiguous: propose nothing rather than the wrong words
    start, end = chosen[0]
    made = _suggest(
        Claim, target, start, end, user,
        speaker=claim.speaker, kind=claim.kind, date=claim.date, same_as=origin,
    )  # fmt: skip
    bulk_create_with_history(
        [ClaimSubject(claim=made, entity_id=link.entity_id) for link in claim.subject_links.all()],
        ClaimSubject,
        default_user=user,
    )
    return 1


@transaction.atomic
def annotations_propagate(
    *, mentions: list[Mention] = (), claims: list[Claim] = (), user=None
) -> int:
    """Propose confirmed annotations, as suggestions, at the matching words of translations.

    A mention is proposed where the entity's aliases in the translation's language occur in
    the aligned paragraph; a claim where the aligned paragraph quotes the counterpart.
    Returns how many suggestions were made.
    """
    made = 0
    translations: dict[int, list[Article]] = {}
    for item in [*mentions, *claims]:
        if item.article_id not in translations:
            translations[item.article_id] = article_translations(item.article)
    for mention in mentions:
        for target in translations[mention.article_id]:
            made += _propagate_mention(mention, target, user)
    for claim in claims:
        for target in translations[claim.article_id]:
            made += _propagate_claim(claim, target, user)
    return made

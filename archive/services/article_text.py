"""Replacing an article's text and moving its mentions and claims onto the same words.

`reanchor` is the matching itself (pure text: exact words chosen by their context, else a
fuzzy match); `article_text_replace` is the one write behind the admin's article form and
`import_articles --update`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext
from rapidfuzz.fuzz import partial_ratio_alignment, ratio

from archive.models import Article, Claim, Mention

CONTEXT = 40
FUZZY_MIN_SCORE = 85.0
FUZZY_MIN_LENGTH = 6


def reanchor(old_body: str, new_body: str, start: int, end: int, text: str):
    """Where the words at old_body[start:end] are in new_body: (start, end, text), or None.

    The exact text wins, choosing among several occurrences by the words before and after
    it (then by nearness to the old position); failing that, a fuzzy match of the words
    (rapidfuzz) for spans long enough that a near match means something.
    """
    prefix = old_body[max(0, start - CONTEXT) : start]
    suffix = old_body[end : end + CONTEXT]
    hits = [m.start() for m in re.finditer(re.escape(text), new_body)] if text else []
    if hits:
        rel = start / max(1, len(old_body))

        def score(s: int) -> tuple[float, float]:
            before = new_body[max(0, s - len(prefix)) : s]
            after = new_body[s + len(text) : s + len(text) + len(suffix)]
            context = ratio(prefix, before) + ratio(suffix, after)
            return (context, -abs(s / max(1, len(new_body)) - rel))

        best = max(hits, key=score)
        return best, best + len(text), text
    if len(text) < FUZZY_MIN_LENGTH:
        return None
    found = partial_ratio_alignment(text, new_body, score_cutoff=FUZZY_MIN_SCORE)
    if found is None or found.dest_end <= found.dest_start:
        return None
    s, e = found.dest_start, found.dest_end
    # Trim to word edges so the span does not start or end inside a word's whitespace.
    while s < e and new_body[s].isspace():
        s += 1
    while e > s and new_body[e - 1].isspace():
        e -= 1
    if e <= s:
        return None
    return s, e, new_body[s:e]


# Spans being moved are first set this far aside (beyond any body: ARCHIVE_MAX_BODY_CHARS
# is far smaller, and start + ASIDE still fits PostgreSQL's integer), so that a mention
# taking the place another mention of its entity is leaving never meets it there: the
# unique (article, entity, start, end) constraint is checked row by row, not per statement.
_ASIDE = 2**30


@dataclass
class TextReplaced:
    """What article_text_replace did: the spans it moved and those it could not place."""

    article: Article
    changed: bool  # False: the body was the stored one (other fields were still saved)
    moved: list[Mention | Claim]
    orphaned: list[Mention | Claim]  # mentions first, then claims, each by position


def _replan(spans, old_body: str, body: str, taken: set | None) -> list[tuple]:
    """(span, (start, end, text) or None) for each span not already orphaned. `taken`
    (mentions only) holds the (entity, start, end) keys in use: a second mention of an
    entity found on words the first already took is orphaned, not doubled."""
    plan = []
    for span in spans:
        if span.is_orphaned:
            continue  # its old position means nothing in either text
        found = reanchor(old_body, body, span.start, span.end, span.text)
        if found is not None and taken is not None:
            key = (span.entity_id, found[0], found[1])
            if key in taken:
                found = None
            else:
                taken.add(key)
        plan.append((span, found))
    return plan


@transaction.atomic
def article_text_replace(
    *, article: Article, body: str, user=None, reason: str = "text replaced"
) -> TextReplaced:
    """Replace an article's body and move every mention and claim onto the same words.

    The one implementation behind the admin's article form and `import_articles --update`.
    `article` is saved as the caller left it (other changed fields included) with `body` as
    its text; sha256 and the search text follow the body (Article.save, pre_save). The old
    text stays in the article's history (recorded first if the article has none, as rows
    loaded from fixtures do). Each annotation is found again by its words and the words
    around them (reanchor: exact text chosen by context, else a fuzzy
    match); one that cannot be placed keeps its words, is flagged `is_orphaned`, and is
    shown nowhere public until an analyst places it again. History rows carry `user` and
    `reason`. One transaction, holding the article row against concurrent annotation.
    """
    stored = Article.objects.select_for_update(no_key=True).filter(pk=article.pk).first()
    if stored is None:
        raise ValidationError(gettext("That article no longer exists."))
    old_body = stored.body
    if not Article.history.filter(id=article.pk).exists():
        # Loaded from fixtures (raw saves make no history): record the old text first.
        Article.history.bulk_history_create([stored], update=False)
    article.body = body
    article._change_reason = reason
    if user is not None:
        article._history_user = user
    article.save()
    if old_body == article.body:
        return TextReplaced(article=article, changed=False, moved=[], orphaned=[])
    body = article.body

    mentions = list(
        Mention.objects.select_for_update().filter(article=article).order_by("start", "pk")
    )
    claims = list(Claim.objects.select_for_update().filter(article=article).order_by("start", "pk"))
    taken = {(m.entity_id, m.start, m.end) for m in mentions if m.is_orphaned}
    mention_plan = _replan(mentions, old_body, body, taken)
    claim_plan = _replan(claims, old_body, body, None)

    # An orphan keeps the position its words had; should a placed mention of its entity
    # now hold exactly that span, it slides to the next free start (it is a duplicate).
    final: dict[int, tuple] = {}
    for span, found in mention_plan:
        if found is None:
            start = span.start
            while (span.entity_id, start, start + len(span.text)) in taken:
                start += 1
            taken.add((span.entity_id, start, start + len(span.text)))
            found = (start, start + len(span.text), span.text)
        final[span.pk] = found
    moving = [m.pk for m, _ in mention_plan if final[m.pk][:2] != (m.start, m.end)]
    if moving:
        Mention.objects.filter(pk__in=moving).update(
            start=F("start") + _ASIDE, end=F("end") + _ASIDE
        )

    result = TextReplaced(article=article, changed=True, moved=[], orphaned=[])
    for plan in (mention_plan, claim_plan):
        for span, found in plan:
            orphaned = found is None
            if isinstance(span, Mention):
                found = final[span.pk]
            elif orphaned:
                found = (span.start, span.end, span.text)
            if not orphaned and found == (span.start, span.end, span.text):
                continue  # the same words at the same place: nothing to record
            span.article = article  # the new body, for the span check on save
            span.start, span.end, span.text = found
            span.is_orphaned = orphaned
            if isinstance(span, Claim):
                span.version += 1  # an edit form opened before this is now stale
            span._change_reason = (
                "orphaned: its words are not in the new text"
                if orphaned
                else "re-anchored on the new text"
            )
            if user is not None:
                span._history_user = user
            span.save()
            (result.orphaned if orphaned else result.moved).append(span)
    return result

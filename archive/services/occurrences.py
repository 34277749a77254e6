""" "Tag every occurrence": one mention's name confirmed in its article and suggested across
the archive at once.

From a mention, `occurrences_tag` takes the words as written (its surface text) and finds
them, with their spelling variants, through the archive's matcher (archive.text.matcher,
given that one name as its only alias): Hifter also finds Haftar and Hafter, حفتر also
finds حفتار, as the importer's suggestions do. In the mention's own article every find is
confirmed (a suggestion already there, same entity and words, is confirmed; anything else
touching those words is left alone). In every other article, public or not (the admin sees
them all), the finds become suggested mentions for the review queue through
`archive.services.suggestions.suggest_mentions`, which never suggests again at words that
hold a mention of any status: a rejected suggestion stays rejected.

Bounded work: the other articles are never all read. The full-text index
(`Article.search_vector`, archive.reads.fulltext) names the candidates: those holding the
surface text or one of the entity's known spellings of it (its aliases and the words of its
mentions with the same spelling key). At most CANDIDATES of them, the newest first, are read
and matched; past that the result says so (`capped`) and the rest is left to the next
"Re-run suggested mentions" or import. A spelling the archive has never seen nor stored is
found only in the candidates the known spellings bring (the matcher reads it there).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archive.models import Alias, Article, Mention, MentionRole, Status
from archive.reads.fulltext import Tsquery, text_query
from archive.services.annotations import (
    _lock_article,
    _locked_current,
    mention_create,
    mentions_review,
)
from archive.services.propagation import annotations_propagate
from archive.services.suggestions import find_all_one, suggest_mentions
from archive.text.arabic import is_arabic
from archive.text.matcher import AliasEntry, Matcher
from archive.text.normalize import normalize
from archive.text.variants import phrase_key

CANDIDATES = 200  # other articles read at most per action, newest first (about 1 s of matching)
SPELLINGS = 12  # known spellings searched in the full-text index
MENTION_TEXTS = 500  # distinct words of the entity's mentions looked at for spellings
QUERY_CHARS = 280  # text_query reads at most 300 characters


@dataclass
class OccurrencesResult:
    name: str  # the surface text searched for
    entity_name: str
    confirmed_here: int  # more mentions confirmed in this article (not counting the one)
    suggested: int  # suggestions made in other articles
    articles: int  # other articles that got at least one
    candidates: int  # other articles read
    capped: bool  # more candidates than CANDIDATES: the oldest were not read
    spellings: list[str]  # what the full-text index was asked for

    def message(self) -> str:
        """What the annotator says once done, in the active language."""
        numbers = {
            "here": self.confirmed_here,
            "suggested": self.suggested,
            "articles": self.articles,
            "candidates": f"{self.candidates:,}",
        }
        if self.confirmed_here == 0:
            here = _("No more in this article")
        else:
            here = _("Tagged %(here)s more in this article") % numbers
        there = (
            ngettext(
                "%(suggested)s suggested in %(articles)s other article",
                "%(suggested)s suggested in %(articles)s other articles",
                self.articles,
            )
            % numbers
        )
        text = _("%(here)s; %(there)s.") % {"here": here, "there": there}
        if self.capped:
            text += " " + (
                _(
                    "Only the newest %(candidates)s articles holding the name were read: "
                    "re-run suggested mentions for the rest."
                )
                % numbers
            )
        return text


def _same_script(a: str, b: str) -> bool:
    return is_arabic(a) == is_arabic(b)


def known_spellings(*, entity_id: int, name: str) -> list[str]:
    """The name and the spellings of it the archive knows for this entity: its aliases and
    the words of its mentions with the same spelling key, in the name's script. The name
    first, then the shortest (a phrase query of fewer words finds more)."""
    key = phrase_key(name)
    norm = normalize(name)
    seen = {norm}
    found = [name]
    candidates = list(
        Alias.objects.filter(entity_id=entity_id)
        .filter(Q(variant_key=key) | Q(normalized=norm) if key else Q(normalized=norm))
        .values_list("name", flat=True)
    )
    if key:
        texts = (
            Mention.objects.filter(entity_id=entity_id)
            .values_list("text", flat=True)
            .distinct()
            .order_by("text")[:MENTION_TEXTS]
        )
        candidates += [t for t in texts if phrase_key(t) == key]
    for spelling in sorted(candidates, key=lambda s: (len(s), s)):
        n = normalize(spelling)
        if n and n not in seen and _same_script(spelling, name):
            seen.add(n)
            found.append(spelling)
    return found[:SPELLINGS]


def _websearch(spellings: list[str]) -> str:
    """`"a b" or "c"`: each spelling as a phrase, OR-ed, within what text_query reads."""
    parts: list[str] = []
    for spelling in spellings:
        words = " ".join(spelling.replace('"', " ").split())
        part = f'"{words}"'
        if len(" or ".join([*parts, part])) > QUERY_CHARS:
            break
        parts.append(part)
    return " or ".join(parts)


def candidate_articles(*, spellings: list[str], exclude: int) -> tuple[list[int], bool]:
    """Ids of the other articles the full-text index says hold one of `spellings`, newest
    first, at most CANDIDATES; and whether there were more. Any visibility: the admin's."""
    tsquery: Tsquery | None = text_query(_websearch(spellings))
    if tsquery is None:
        return [], False
    ids = list(
        Article.objects.filter(search_vector=tsquery)
        .exclude(pk=exclude)
        .order_by("-pk")
        .values_list("pk", flat=True)[: CANDIDATES + 1]
    )
    return ids[:CANDIDATES], len(ids) > CANDIDATES


def _free(finds, taken: list[tuple[int, int]]):
    """Finds that touch no mention already there (any entity, any status)."""
    return [f for f in finds if not any(f[1] < e and s < f[2] for s, e in taken)]


@transaction.atomic
def occurrences_tag(*, mention: Mention, user=None, token: str | None = None) -> OccurrencesResult:
    """Confirm `mention` and its name everywhere in its article; suggest the name in every
    other article that holds it (see the module docstring). `token`: the stale-edit marker
    the page holds for the mention; a mention changed since is refused (StaleEdit)."""
    article = mention.article
    _lock_article(article)  # the article before the row, as every span write does
    mention = _locked_current(mention, token)
    if mention.is_orphaned:
        raise ValidationError(_("Place this mention in the text first."))
    if mention.status == Status.REJECTED:
        raise ValidationError(
            _("This mention is rejected: accept it or tag the words again first.")
        )
    entity = mention.entity
    name = mention.text
    matcher = Matcher([AliasEntry(entity.pk, name, entity.kind)])

    # This article: confirm the mention and every find of the name.
    if mention.status != Status.CONFIRMED:
        mentions_review(mentions=[mention], status=Status.CONFIRMED, user=user)
    here = list(
        Mention.objects.filter(article=article).exclude(pk=mention.pk).select_related("entity")
    )
    at_span = {(m.start, m.end): m for m in here if m.entity_id == entity.pk}
    to_confirm, to_create = [], []
    others = [(m.start, m.end) for m in here if not m.is_orphaned]
    others.append((mention.start, mention.end))
    for find in find_all_one(matcher, article.body):
        start, end = find[1], find[2]  # (entity_id, start, end, text, ...): find_all's
        same = at_span.get((start, end))
        if same is not None:
            if same.status == Status.SUGGESTED and not same.is_orphaned:
                to_confirm.append(same)
            continue  # confirmed already, or rejected: the analyst's word stands
        if not _free([find], others):  # touches other words tagged (this mention too)
            continue
        to_create.append(find)
        others.append((start, end))
    if to_confirm:
        mentions_review(mentions=to_confirm, status=Status.CONFIRMED, user=user)
    created = [
        mention_create(
            article=article, entity=entity, start=find[1], end=find[2], text=find[3],
            role=MentionRole.OTHER, user=user, propagate=False,
        )
        for find in to_create
    ]  # fmt: skip
    if created:
        annotations_propagate(mentions=created, user=user)

    # The other articles: candidates from the full-text index, matched, then suggested.
    spellings = known_spellings(entity_id=entity.pk, name=name)
    ids, capped = candidate_articles(spellings=spellings, exclude=article.pk)
    suggested, touched = 0, 0
    if ids:
        bodies = dict(Article.objects.filter(pk__in=ids).values_list("pk", "body"))
        order = [pk for pk in ids if pk in bodies]
        # In this process (no worker processes forked from a web request): one name matches
        # fast, and CANDIDATES bounds the texts.
        found = {pk: find_all_one(matcher, bodies[pk]) for pk in order}
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for article_id, start, end in Mention.objects.filter(article_id__in=order).values_list(
            "article_id", "start", "end"
        ):
            spans[article_id].append((start, end))
        finds = {pk: _free(found[pk], spans[pk]) for pk in order}
        finds = {pk: f for pk, f in finds.items() if f}
        if finds:
            suggested = suggest_mentions([Article(pk=pk) for pk in finds], user=user, finds=finds)
            touched = len(finds)
    return OccurrencesResult(
        name=name,
        entity_name=entity.name,
        confirmed_here=len(to_confirm) + len(created),
        suggested=suggested,
        articles=touched if suggested else 0,
        candidates=len(ids),
        capped=capped,
        spellings=spellings,
    )

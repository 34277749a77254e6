"""Suggested mentions: run the alias matcher over articles and store what it finds.

`suggest_mentions(articles)` is what the importer and the admin call. It builds one
`Matcher` from every alias (one query), reads the spans already annotated on those
articles (one query per chunk), and bulk-creates `status="suggested"` mentions only where
no mention of any status (confirmed, suggested, rejected) sits at that span yet, so it
never duplicates and never resurrects a rejected suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from archive.models import Alias, Article, Mention, MentionRole, Status
from archive.text.matcher import AliasEntry, Matcher

CHUNK = 500


def build_matcher() -> Matcher:
    """One Matcher from every alias, in one query."""
    rows = Alias.objects.values_list("entity_id", "name", "entity__kind").iterator(chunk_size=5000)
    return Matcher(AliasEntry(entity_id, name, kind) for entity_id, name, kind in rows)


def _chunks(articles: Iterable[Article]) -> Iterator[list[Article]]:
    if hasattr(articles, "iterator"):  # a queryset: stream it, bodies only
        articles = articles.select_related(None).only("id", "body").iterator(chunk_size=CHUNK)
    chunk: list[Article] = []
    for article in articles:
        chunk.append(article)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def suggest_mentions(articles: Iterable[Article], *, matcher: Matcher | None = None) -> int:
    """Create suggested mentions for the articles; return how many were created.

    Pass `matcher` to reuse one across calls (it only depends on the aliases).
    """
    created = 0
    for chunk in _chunks(articles):
        if matcher is None:
            matcher = build_matcher()
        taken = set(
            Mention.objects.filter(article__in=[a.pk for a in chunk]).values_list(
                "article_id", "start", "end"
            )
        )
        new = []
        for article in chunk:
            for match in matcher.find(article.body):
                key = (article.pk, match.start, match.end)
                if key in taken:
                    continue
                taken.add(key)
                new.append(
                    Mention(
                        article_id=article.pk,
                        entity_id=match.entity_id,
                        start=match.start,
                        end=match.end,
                        text=match.text,
                        role=MentionRole.OTHER,
                        status=Status.SUGGESTED,
                    )
                )
        # Spans come from the matcher, which guarantees text == body[start:end];
        # ignore_conflicts covers a concurrent run that got there first.
        Mention.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        created += len(new)
    return created

"""Reads of a story's page: its public articles, the outlets and languages that told it,
and the list of stories. Only public articles count: a story none of whose articles is
public is no page at all, and a hidden original is never named."""

from __future__ import annotations

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Exists, OuterRef
from django.http import Http404

from archive.models import ARTICLE_PUBLIC, Article, Story, rule_q


def _has_public_article() -> Exists:
    return Exists(Article.objects.public().filter(story=OuterRef("pk")))


def public_story(slug: str) -> Story:
    """The story `slug` if a reader may see it (one public article at least), else 404."""
    story = Story.objects.filter(_has_public_article(), slug=slug).first()
    if story is None:
        raise Http404("No such story")
    return story


def story_articles(story: Story) -> list[Article]:
    """The story's public articles, oldest first (undated last), with their outlets."""
    return list(
        Article.objects.public()
        .listing()
        .filter(story=story)
        .order_by("published", "id")  # PostgreSQL puts NULLs last ascending
    )


def story_summary(articles: list[Article]) -> dict:
    """What the page shows beside the timeline: the languages that told the story, and
    each outlet with its languages; a translation names its original only when public."""
    ids = {a.pk for a in articles}
    languages = sorted({a.language for a in articles})
    outlets: dict[str, dict] = {}
    for a in articles:
        name = a.source.name if a.source else ""
        row = outlets.setdefault(name, {"source": a.source, "languages": set(), "articles": []})
        row["languages"].add(a.language)
        row["articles"].append(a)
        a.public_original_id = a.translation_of_id if a.translation_of_id in ids else None
    by_pk = {a.pk: a for a in articles}
    for a in articles:
        a.public_original = by_pk.get(a.public_original_id)
    table = [
        {**row, "languages": sorted(row["languages"])}
        for _, row in sorted(outlets.items(), key=lambda item: (item[0] == "", item[0].lower()))
    ]
    return {"languages": languages, "outlets": table}


def listed_stories():
    """Stories a reader may see, with their public articles' count and languages, the
    newest first."""
    public = rule_q(ARTICLE_PUBLIC, "articles")
    return (
        Story.objects.filter(_has_public_article())
        .annotate(
            public_count=Count("articles", filter=public),
            languages=ArrayAgg("articles__language", filter=public, distinct=True),
        )
        .order_by("-pk")
    )

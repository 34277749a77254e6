"""Atom feeds: the latest public articles that mention an entity."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from archive.models import Article, Entity


class EntityFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug, kind):
        return get_object_or_404(Entity.objects.public(), kind=kind, slug=slug)

    def title(self, entity):
        return _("%(name)s in the Libya News Archive") % {"name": entity.name}

    def link(self, entity):
        return entity.get_absolute_url()

    def subtitle(self, entity):
        return entity.description or _("Articles that mention %(name)s") % {"name": entity.name}

    def items(self, entity):
        # The summary quotes the body's first paragraph: keep it.
        return Article.objects.public().naming(entity=entity).listing(body=True).newest_first()[:50]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        first = article.body.strip().split("\n", 1)[0]
        return first[:400]

    def item_link(self, article):
        return article.get_absolute_url()

    def item_pubdate(self, article):
        if article.published is None:
            return None
        return datetime.datetime.combine(article.published, datetime.time(), datetime.UTC)

    def item_updateddate(self, article):
        return article.updated

    def item_author_name(self, article):
        return article.byline or (article.source.name if article.source_id else None)

    def item_categories(self, article):
        return [article.language]

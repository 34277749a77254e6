"""Atom feeds: the latest public articles that mention an entity, and those of any search
or filtered article list (a reader's alert: "Follow")."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from archive.pages.context_processors import site_text
from archive.reads import selectors
from archive.reads.filters import ArticleFilter
from archive.reads.fulltext import wants_expansion
from archive.reads.search import InvalidFilters, search

FEED_ENTRIES = 50


class ArchiveAtomFeed(Atom1Feed):
    """Atom whose entries say their own language (`xml:lang` of the article, whatever the
    interface's), the feed itself claiming none: an entity's articles mix languages."""

    def root_attributes(self):
        return {"xmlns": self.ns}

    def write_items(self, handler):
        for item in self.items:
            attrs = {"xml:lang": item["language"]} if item.get("language") else {}
            handler.startElement("entry", attrs)
            self.add_item_elements(handler, item)
            handler.endElement("entry")


class EntityFeed(Feed):
    feed_type = ArchiveAtomFeed

    def __call__(self, request, *args, **kwargs):
        # Django's feed sends Last-Modified (its newest entry's) but does not read
        # If-Modified-Since: a feed reader that sends it back gets a 304, not the feed again.
        response = super().__call__(request, *args, **kwargs)
        modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if response.status_code == 200 and modified is not None:
            return get_conditional_response(request, last_modified=modified, response=response)
        return response

    # RFC 4287 §4.1.1: a feed names an author unless every entry does; the archive
    # compiles the feed, the outlets and bylines are each entry's own authors.
    def author_name(self):
        return site_text("ARCHIVE_SITE_NAME")

    def get_object(self, request, slug, kind):
        return get_object_or_404(selectors.public_entities(kind), slug=slug)

    def title(self, entity):
        return _("%(name)s in the %(site)s") % {
            "name": entity.name_for(get_language())[0],
            "site": site_text("ARCHIVE_SITE_NAME"),
        }

    def link(self, entity):
        return entity.get_absolute_url()

    def subtitle(self, entity):
        name = entity.name_for(get_language())[0]
        return entity.description or _("Articles that mention %(name)s") % {"name": name}

    def items(self, entity):
        # The summary quotes the body's first paragraph: keep it.
        return selectors.articles_naming(entity, body=True)[:50]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        first = article.body.strip().split("\n", 1)[0]
        return first[:400]

    def item_link(self, article):
        return article.get_absolute_url()

    def item_pubdate(self, article):
        # `published` only when the day is known: "2018" is not 1 January 2018.
        if article.published is None or article.published_precision != "day":
            return None
        return datetime.datetime.combine(article.published, datetime.time(), datetime.UTC)

    def item_updateddate(self, article):
        return article.updated

    def item_author_name(self, article):
        return article.byline or (article.source.name if article.source_id else None)

    def item_categories(self, article):
        return [article.language]

    def item_extra_kwargs(self, article):
        return {"language": article.language}


class FollowFeed(EntityFeed):
    """The newest public articles of a search or a filtered list, with the page's own
    parameters (`q`, language, source, entity, dates): what a reader subscribes to when
    following a query or a person. A search's newest matches come from its candidates
    (archive.reads.search), newest first rather than best first; a value the filters
    cannot read is a 400, not an empty feed that would look like silence."""

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFilters as invalid:
            lines = [f"{field}: {' '.join(messages)}" for field, messages in invalid.errors.items()]
            return HttpResponseBadRequest(
                "\n".join(lines), content_type="text/plain; charset=utf-8"
            )

    def get_object(self, request):
        return request.GET

    def title(self, params):
        site = site_text("ARCHIVE_SITE_NAME")
        query = (params.get("q") or "").strip()
        if query:
            return _("“%(query)s” in the %(site)s") % {"query": query, "site": site}
        return _("New articles in the %(site)s") % {"site": site}

    def link(self, params):
        page = reverse("archive:search") if params.get("q") else reverse("archive:article_list")
        return f"{page}?{params.urlencode()}" if params else page

    def subtitle(self, params):
        return _("The newest public articles this search or list finds.")

    def items(self, params):
        articles = selectors.listed_articles(body=True)
        if (params.get("q") or "").strip():
            expand = wants_expansion(params)  # as the search page: ?expand=0, the words only
            result = search(params.get("q"), params, articles=articles, expand=expand, strict=True)
            return list(result.articles().newest_first()[:FEED_ENTRIES])
        filterset = ArticleFilter(params, queryset=articles)
        if not filterset.is_valid():
            raise InvalidFilters(filterset.errors)
        return list(filterset.qs.newest_first()[:FEED_ENTRIES])

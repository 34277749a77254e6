"""What crawlers read: robots.txt and the sitemaps (public pages only).

The sitemaps are Django's (django.contrib.sitemaps): an index of sections paged at
`limit` URLs each, every page one query over an index (no per-row queries). Each page is
listed at its address in each language (English unprefixed, Arabic under /ar/), with the
other as an xhtml:link alternate and English as x-default. Both are English answers at one
address: the same bytes whatever the reader's language (archive.web.middleware).
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.contrib.sitemaps import views as sitemaps
from django.http import HttpResponse
from django.urls import path, reverse

from archive.reads import selectors


class PerLanguage:
    """(item, language) pairs over a QuerySet or list, sliced as the paginator asks: Django's
    i18n sitemaps build the whole list of pairs in memory, for every page of the sitemap;
    this reads only the page's slice of items (the same order, so the same pages)."""

    def __init__(self, items, languages: list[str]):
        self.items = items
        self.languages = languages

    def count(self) -> int:
        count = getattr(self.items, "count", None)
        size = count() if callable(count) and not isinstance(self.items, list) else len(self.items)
        return size * len(self.languages)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(self.count())
        per = len(self.languages)
        first, last = start // per, -(-stop // per)
        pairs = [(item, code) for item in self.items[first:last] for code in self.languages]
        return pairs[start - first * per : stop - first * per]


class Sitemap(DjangoSitemap):
    """A page per language, each with the other as an alternate, English the x-default."""

    i18n = True
    alternates = True
    x_default = True

    def _items(self):
        return PerLanguage(self.items(), list(self._languages()))


class ArticleSitemap(Sitemap):
    limit = 10_000

    def items(self):
        return selectors.sitemap_articles()

    def lastmod(self, article):
        return article.updated


class EntitySitemap(Sitemap):
    limit = 10_000

    def items(self):
        return selectors.sitemap_entities()


class ClaimSitemap(Sitemap):
    limit = 10_000

    def items(self):
        return selectors.sitemap_claims()


class DateSitemap(Sitemap):
    """The date archive's pages that list something: years, months, days."""

    limit = 10_000

    def items(self):
        return selectors.sitemap_dates()

    def location(self, page):
        year, month, day = page
        if day:
            return reverse("archive:dates_day", args=[year, month, day])
        if month:
            return reverse("archive:dates_month", args=[year, month])
        return reverse("archive:dates_year", args=[year])


SITEMAPS = {
    "articles": ArticleSitemap,
    "entities": EntitySitemap,
    "claims": ClaimSitemap,
    "dates": DateSitemap,
}


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap_index"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /i18n/",
        "Disallow: /search/",  # endless combinations of queries; the lists are linked
        "Disallow: /ar/search/",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# Mounted at the site's root by config/urls.py (include by name, outside the archive's
# namespace: crawlers and Django's sitemap views expect these names and addresses).
urlpatterns = [
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.index, {"sitemaps": SITEMAPS}, name="sitemap_index"),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]

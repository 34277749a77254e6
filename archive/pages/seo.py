"""What crawlers read: robots.txt and the sitemaps (public pages only).

The sitemaps are Django's (django.contrib.sitemaps): an index of sections paged at
`limit` URLs each, every page one query over an index (no per-row queries).
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemaps
from django.http import HttpResponse
from django.urls import path, reverse

from archive.reads import selectors


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

"""The query parameters each public route reads, by URL name: the page cache's key holds
these and nothing else (archive/web/caching.py), and the view sees only these.

A route missing here is never cached. tests/test_cache_attack.py renders every public route
with a request.GET that notes the keys looked up and fails when one is read but not declared
here, or declared but never read, so this table follows the views.
"""

from __future__ import annotations

import functools

# Every API answer: DRF's format override (?format=json), as its content negotiation reads it.
API = ("format",)
# The API's lists: ArchivePagination.
API_PAGES = (*API, "page", "page_size")


@functools.cache
def declarations() -> dict[str, frozenset[str]]:
    # Imported here: the filters import the models, and this module sits below the views.
    from archive.reads.filters import ArticleFilter, ClaimFilter, EntityFilter

    article_filters = tuple(ArticleFilter.base_filters)  # q, language, source, entity, dates
    reads = {
        "robots_txt": (),
        "sitemap_index": (),
        "django.contrib.sitemaps.views.sitemap": ("p",),
        "archive:home": (),
        "archive:article_list": (*article_filters, "page"),
        "archive:article_detail": (),
        "archive:article_compare": (),
        "archive:article_text": (),
        "archive:search": (*article_filters, "page", "expand", "format"),
        "archive:search_feed": (*article_filters, "expand"),
        "archive:claims": (*ClaimFilter.base_filters, "page", "format"),
        "archive:claim_detail": (),
        "archive:stories": ("page",),
        "archive:story_detail": (),
        "archive:dates": (),
        "archive:dates_undated": ("page",),
        "archive:dates_year": ("page",),
        "archive:dates_month": ("page",),
        "archive:dates_day": ("page",),
        "archive:api_schema": (*API, "lang", "version"),
        "archive:api_docs": (*API, "lang", "version"),
        "archive:api-root": API,
        "archive:api-article-list": (*API_PAGES, *article_filters, "expand"),
        # A detail is looked up in the filtered list (DRF's get_object): the filters apply.
        "archive:api-article-detail": (*API, *article_filters, "expand"),
        "archive:api-article-alignment": API,
        "archive:api-article-annotations": API,
        "archive:api-entity-list": (*API_PAGES, *EntityFilter.base_filters),
        "archive:api-entity-detail": (*API, *EntityFilter.base_filters),
        "archive:api-claim-list": (*API_PAGES, *ClaimFilter.base_filters),
        "archive:api-claim-detail": (*API, *ClaimFilter.base_filters),
    }
    for kind in ("person", "organization", "place"):
        plural = {"person": "people", "organization": "organizations", "place": "places"}[kind]
        reads[f"archive:{plural}"] = ("letter", "page")
        reads[f"archive:{kind}_detail"] = ("page", "format")
        reads[f"archive:{kind}_feed"] = ()
    return {name: frozenset(keys) for name, keys in reads.items()}


def declared(view_name: str) -> frozenset[str] | None:
    """The parameters the route named `view_name` reads; None when it declares none."""
    return declarations().get(view_name)

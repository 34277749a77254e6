"""The one entry for a search within filters: the search page, the article list and the
API's `q` call `search(query, filters)` and read what they show from its `SearchResult`.

It is made of the full-text search of `archive.reads.fulltext` (candidates, ranking,
facets, the entities a query names) and the article filters of `archive.reads.filters`,
which it applies to the candidates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import (
    QuerySet,
)

from archive.models import (
    Article,
)
from archive.reads.filters import ArticleFilter
from archive.reads.fulltext import (
    EntityMatch,
    clean_query,
    did_you_mean,
    entity_names,
    facets,
    find_entities,
    in_rank_order,
    is_capped,
    ranked_candidates,
    ranked_rows,
    search_articles,
)

if TYPE_CHECKING:
    from django_filters import FilterSet


# The one entry ------------------------------------------------------------------------------


class InvalidFilters(ValueError):
    """A filter value a strict search could not read; `errors` maps each field to its
    messages (django-filter's form errors)."""

    def __init__(self, errors):
        super().__init__("Invalid filters.")
        self.errors = errors


@dataclass
class SearchResult:
    """What one search found, for the search page, the article list and the API alike."""

    query: str  # as cleaned (clean_query): "" searched for nothing
    filterset: FilterSet  # the filters other than `q`, bound (a form shows them)
    expand: bool = True
    # The entities the query names: searched for (`searched`) or offered beside them.
    entities: list[EntityMatch] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)  # ids of the entities left out
    # (id, language, outlet slug, outlet name) of every candidate, best first.
    rows: list[tuple] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    language_facets: list[dict] = field(default_factory=list)
    source_facets: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        """The number of results one can page through."""
        return len(self.ids)

    @property
    def capped(self) -> bool:
        """Whether more articles may match than `total` (shown as "N+": `is_capped`)."""
        return is_capped(self.total)

    # The two below are read when shown (a page past the last one shows neither).

    @cached_property
    def names(self) -> list[str]:
        """Every name of the entities searched for, in every script, to mark them: one
        query."""
        return entity_names(self.entities) if self.expand else []

    @cached_property
    def suggestions(self) -> list[EntityMatch]:
        """Close names when nothing was found and the query named nobody (a typo: "did you
        mean"), never searched for unasked. Meant for a `details` search, whose entities
        include those not searched for."""
        if not self.query or self.ids or self.entities:
            return []
        return did_you_mean(self.query)

    def articles(self, *, for_snippets: bool = False) -> QuerySet:
        """The results in rank order, from the filtered articles: a cheap query to page.
        `for_snippets` also reads the normalized body, where a snippet finds its first hit
        without normalizing the body again (archive.formats.highlight.snippet)."""
        found = in_rank_order(self.filterset.qs, self.ids)
        return found.defer(None).defer("title_search", "search_vector") if for_snippets else found


def search(
    query: str | None,
    filters: Mapping | None = None,
    *,
    articles: QuerySet | None = None,
    expand: bool = True,
    details: bool = False,
    strict: bool = False,
    request=None,
) -> SearchResult:
    """Search `articles` (default: the public ones) for `query`, within `filters` (the
    article filters' parameters, as a QueryDict or a dict; `q` is left out of them).

    The candidates come from the filtered articles (see `search_articles`) and are ranked
    once: the ids, the total and the facets all come from that one list. With `expand`, the
    articles naming an entity the query names are found too.

    `details` adds what the search page shows around its results, at queries the API does
    without: the entities the query names even when they are not searched for (its cards)
    and, for a chosen language or outlet, the counts of the others (the same search without
    that filter: one more bounded query each). The names to mark and the close names of a
    typo ("did you mean") are looked up when first read (`names`, `suggestions`).

    `strict` raises InvalidFilters for a filter value it cannot read, before searching;
    otherwise such a filter is left out, as a page's form does.
    """

    q = clean_query(query)
    data = filters.copy() if filters is not None else {}
    data.pop("q", None)
    base = Article.objects.public() if articles is None else articles
    filterset = ArticleFilter(data, queryset=base, request=request)
    if strict and not filterset.is_valid():
        raise InvalidFilters(filterset.errors)
    result = SearchResult(q, filterset, expand)
    if not q:
        return result
    cards = find_entities(q) if details else None
    found, criteria = ranked_candidates(filterset.qs, q, expand_entities=expand, entities=cards)
    result.entities, result.excluded = criteria.entities, criteria.excluded
    result.rows = ranked_rows(found)
    result.ids = [row[0] for row in result.rows]
    _n, result.language_facets, result.source_facets = facets(result.rows)
    if not details:
        return result
    # A chosen language or outlet keeps the others in view: their counts come from the
    # same search without that one filter.
    for name in ("language", "source"):
        if data.get(name):
            others = data.copy()
            others.pop(name)
            unfiltered = ArticleFilter(others, queryset=base)
            rows = ranked_rows(
                search_articles(unfiltered.qs, q, expand_entities=expand, entities=cards)
            )
            _n, by_language, by_source = facets(rows)
            if name == "language":
                result.language_facets = by_language
            else:
                result.source_facets = by_source
    return result

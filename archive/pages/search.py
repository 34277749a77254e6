"""The search page: one form over full-text search, names and filters (archive.reads.search)."""

from __future__ import annotations

from django.views.generic import TemplateView

from archive.formats import exports
from archive.models import (
    Article,
)
from archive.pages.common import ExportMixin, filter_options, mark_hits, paginate, with_normalized
from archive.reads.filters import ArticleFilter
from archive.reads.search import (
    clean_query,
    did_you_mean,
    entity_names,
    facets,
    find_entities,
    in_rank_order,
    is_capped,
    ranked_rows,
    search_articles,
)

# Search ---------------------------------------------------------------------------------


class SearchView(ExportMixin, TemplateView):
    template_name = "archive/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = clean_query(self.request.GET.get("q"))
        expand = self.request.GET.get("expand", "1") not in {"0", "false", "off"}
        data = self.request.GET.copy()
        data.pop("q", None)
        filterset = ArticleFilter(data, queryset=Article.objects.public().listing(body=True))
        context.update(
            q=q,
            expand=expand,
            filter=filterset,
            **filter_options(),
        )
        if not q:
            return context
        entities = find_entities(q)
        base = filterset.qs
        results = search_articles(base, q, expand_entities=expand, entities=entities)
        # One ranked list of the (bounded) candidates serves count, facets and the page.
        rows = ranked_rows(results)
        found, language_facets, source_facets = facets(rows)
        # A chosen language or outlet keeps the others in view: their counts come from the
        # same search without that one filter (one more bounded query per chosen facet).
        for name in ("language", "source"):
            if data.get(name):
                others = data.copy()
                others.pop(name)
                unfiltered = ArticleFilter(others, queryset=Article.objects.public().listing())
                all_rows = ranked_rows(
                    search_articles(unfiltered.qs, q, expand_entities=expand, entities=entities)
                )
                _n, by_language, by_source = facets(all_rows)
                if name == "language":
                    language_facets = by_language
                else:
                    source_facets = by_source
        ids = [row[0] for row in rows]
        page = paginate(self.request, with_normalized(base, ids), count=found)
        self.export = (
            exports.article_rows(in_rank_order(base, ids), self.request.build_absolute_uri),
            exports.ARTICLE_COLUMNS,
            "search",
        )
        # Highlight every name of the matched entities, in every script.
        names = entity_names(entities) if expand else []
        mark_hits(page.object_list, q, names)
        context.update(
            entities=entities,
            page_obj=page,
            # Nothing found: offer the close names (a typo), never search for them unasked.
            suggestions=did_you_mean(q) if not found and not entities else [],
            capped=is_capped(found),
            language_facets=language_facets,
            source_facets=source_facets[:20],
        )
        return context

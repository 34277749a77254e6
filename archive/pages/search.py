"""The search page: one form over full-text search, names and filters (archive.reads.search)."""

from __future__ import annotations

from django.views.generic import TemplateView

from archive.formats import exports
from archive.formats.highlight import mark_hits
from archive.pages.common import ExportMixin, filter_options, paginate, unrecognised_names
from archive.reads import selectors
from archive.reads.fulltext import wants_expansion
from archive.reads.search import search

# Search ---------------------------------------------------------------------------------


class SearchView(ExportMixin, TemplateView):
    template_name = "archive/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        expand = wants_expansion(params)
        result = search(
            params.get("q"),
            params,
            articles=selectors.listed_articles(body=True),  # snippets quote the body
            expand=expand,
            details=True,
        )
        context.update(
            q=result.query,
            expand=expand,
            filter=result.filterset,
            unrecognised=unrecognised_names(self.request, result.filterset),
            **filter_options(),
        )
        if not result.query:
            return context
        page = paginate(self.request, result.articles(for_snippets=True), count=result.total)
        self.export = (
            exports.article_rows(result.articles(), self.request.build_absolute_uri),
            exports.ARTICLE_COLUMNS,
            "search",
        )
        mark_hits(page.object_list, result.query, result.names)
        context.update(
            entities=result.entities,
            page_obj=page,
            suggestions=result.suggestions,
            capped=result.capped,
            language_facets=result.language_facets,
            source_facets=result.source_facets[:20],
        )
        return context

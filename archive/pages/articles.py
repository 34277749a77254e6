"""The home page, the article list, an article, its plain text and two articles side by
side."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, TemplateView

from archive.formats import citation
from archive.formats.highlight import mark_hits
from archive.formats.rendering import (
    claim_highlight,
    mention_highlight,
    stored_paragraphs,
)
from archive.models import (
    EntityKind,
    Status,
)
from archive.pages.common import (
    ESTIMATED_FILTERS,
    filter_options,
    is_filtered,
    paginate,
    stored_count,
    unrecognised_names,
)
from archive.pages.compare import compare
from archive.reads import selectors
from archive.reads.filters import ArticleFilter
from archive.reads.fulltext import clean_query
from archive.reads.search import search
from archive.web import caching


class HomeView(TemplateView):
    template_name = "archive/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_articles"] = selectors.latest_articles()
        # From the stored counts: cheap, so no cache, and never minutes out of date.
        context["top_entities"] = selectors.top_entities()
        context["kinds"] = EntityKind
        return context


# Articles -------------------------------------------------------------------------------


class ArticleListView(TemplateView):
    template_name = "archive/article_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = clean_query(self.request.GET.get("q"))
        base = selectors.listed_articles(body=bool(q))  # snippets quote the body
        filterset = ArticleFilter(self.request.GET or None, queryset=base)
        if q:
            # Search the filtered articles: the candidates come from them (archive.reads.search).
            result = search(q, self.request.GET, articles=base)
            page = paginate(self.request, result.articles(for_snippets=True), count=result.total)
            mark_hits(page.object_list, result.query)
        else:
            filtered = is_filtered(self.request, filterset)
            page = paginate(
                self.request,
                filterset.qs.newest_first(),
                estimate=not is_filtered(self.request, filterset, but=ESTIMATED_FILTERS),
                count=stored_count(self.request, filterset),
                ids_first=True,
                # The whole list's deep pages: found through the stored per-date counts.
                seek=None if filtered else selectors.public_ids_at,
            )
        context.update(
            filter=filterset,
            page_obj=page,
            q=q,
            unrecognised=unrecognised_names(self.request, filterset),
            **filter_options(),
        )
        return context


@method_decorator(caching.conditional, name="get")  # ETag and 304 (archive/web/caching.py)
class ArticleDetailView(DetailView):
    template_name = "archive/article_detail.html"

    def get_queryset(self):
        return selectors.article_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        mentions, claims = (found[article.pk] for found in selectors.annotations([article]))
        highlights = [mention_highlight(m) for m in mentions]
        highlights += [claim_highlight(c) for c in claims]
        context["paragraphs"] = stored_paragraphs(article.body, highlights)
        context["claims"] = claims
        context["named"] = selectors.named_in(mentions)
        context["related"] = selectors.related_articles(article)
        context["has_suggested"] = any(m.status == Status.SUGGESTED for m in mentions)
        url = self.request.build_absolute_uri(article.get_absolute_url())
        context["cite"] = citation.all_formats(article, url)
        return context


class CompareView(TemplateView):
    """Two articles side by side, paragraph against paragraph, differences marked."""

    template_name = "archive/article_compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slugs = [self.kwargs["slug"], self.kwargs["other"]]
        if slugs[0] == slugs[1]:
            raise Http404("Compare an article with another one.")
        found = selectors.public_articles_by_slug(slugs)
        if len(found) != 2:
            raise Http404("No such article.")
        left, right = found[slugs[0]], found[slugs[1]]
        rows, differences = compare(left, right)
        context.update(left=left, right=right, rows=rows, differences=differences)
        return context


def article_text(request, slug):
    """The article's body as plain text, exactly as stored: the text the Web Annotations'
    positions and quotes count in (Unicode code points), for any client to fetch."""
    article = get_object_or_404(selectors.listed_articles(body=True), slug=slug)
    response = HttpResponse(article.body, content_type="text/plain; charset=utf-8")
    response["Content-Language"] = article.language
    return response

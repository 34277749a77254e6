"""Claims: the filtered list and a claim's page with its reports and JSON-LD."""

from __future__ import annotations

from django.views.generic import DetailView, TemplateView

from archive.formats import citation, exports
from archive.formats.linked_data import claim_json_ld, script_json
from archive.models import (
    Article,
    Claim,
    ClaimKind,
    Entity,
    Verification,
)
from archive.pages.common import ExportMixin, filter_options, is_filtered, paginate
from archive.reads import selectors
from archive.reads.filters import ClaimFilter
from archive.text.context import sentence_around

# Claims ---------------------------------------------------------------------------------


class ClaimListView(ExportMixin, TemplateView):
    template_name = "archive/claim_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base = Claim.objects.visible().with_articles().select_related("speaker")
        filterset = ClaimFilter(self.request.GET or None, queryset=base)
        qs = filterset.qs.order_by("-date", "-id")
        page = paginate(self.request, qs, estimate=not is_filtered(self.request, filterset))
        self.export = (
            exports.claim_rows(qs, self.request.build_absolute_uri),
            exports.CLAIM_COLUMNS,
            "claims",
        )
        context.update(
            filter=filterset,
            page_obj=page,
            kinds=ClaimKind.choices,
            statuses=Verification.choices,
            **filter_options(),
        )
        return context


class ClaimDetailView(DetailView):
    template_name = "archive/claim_detail.html"

    def get_queryset(self):
        return Claim.objects.visible().with_articles().select_related("speaker", "same_as")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        claim = self.object
        reports = selectors.claim_reports(claim)
        about = list(Entity.objects.filter(claim_subject_links__claim=claim).order_by("name"))
        context.update(reports=reports, about=about)
        body = Article.objects.values_list("body", flat=True).get(pk=claim.article_id)
        context["context_before"], context["context_quote"], context["context_after"] = (
            sentence_around(body, claim.start, claim.end)
        )
        url = self.request.build_absolute_uri(claim.article.get_absolute_url())
        context["cite"] = citation.all_formats(claim.article, url)
        context["json_ld"] = script_json(claim_json_ld(self.request, claim, reports, about))
        return context

"""Claims: the filtered list and a claim's page with its reports and JSON-LD."""

from __future__ import annotations

from django.views.generic import DetailView, TemplateView

from archive.formats import citation, exports
from archive.formats.linked_data import claim_json_ld, script_json
from archive.models import (
    ClaimKind,
    Verification,
)
from archive.pages.common import (
    ExportMixin,
    filter_options,
    is_filtered,
    paginate,
    unrecognised_names,
)
from archive.reads import selectors
from archive.reads.filters import ClaimFilter
from archive.text.context import sentence_around

# Claims ---------------------------------------------------------------------------------


class ClaimListView(ExportMixin, TemplateView):
    template_name = "archive/claim_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = ClaimFilter(self.request.GET or None, queryset=selectors.listed_claims())
        qs = selectors.newest_claims(filterset.qs)
        filtered = is_filtered(self.request, filterset)
        page = paginate(
            self.request,
            qs,
            estimate=not filtered,
            # The whole list's deep pages: found through the stored per-date counts.
            seek=None if filtered else selectors.visible_claim_ids_at,
        )
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
            unrecognised=unrecognised_names(self.request, filterset),
            **filter_options(),
        )
        return context


class ClaimDetailView(DetailView):
    template_name = "archive/claim_detail.html"

    def get_queryset(self):
        return selectors.claim_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        claim = self.object
        reports = selectors.claim_reports(claim)
        about = selectors.claim_subjects(claim)
        context.update(reports=reports, about=about)
        body = selectors.article_body(claim.article_id)
        context["context_before"], context["context_quote"], context["context_after"] = (
            sentence_around(body, claim.start, claim.end)
        )
        url = self.request.build_absolute_uri(claim.article.get_absolute_url())
        context["cite"] = citation.all_formats(claim.article, url)
        context["json_ld"] = script_json(claim_json_ld(self.request, claim, reports, about))
        return context

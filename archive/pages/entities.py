"""People, organizations and places: their indexes and their pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from archive.formats import exports
from archive.formats.rendering import (
    month_chart_svg,
)
from archive.models import EntityKind
from archive.pages.common import KIND_PLURAL, ExportMixin, follow_merges, paginate
from archive.reads import selectors
from archive.web import caching

# Entities -------------------------------------------------------------------------------


class EntityIndexView(TemplateView):
    """A–Z of one kind of entity, with how many visible mentions each has."""

    kind = None
    template_name = "archive/entity_index.html"
    per_page = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        letters = selectors.entity_letters(self.kind)
        letter = self.request.GET.get("letter", "")[:1].upper()
        # The letters' counts add up to the list's length: no second count of the entities.
        total = sum(row["n"] for row in letters if not letter or row["letter"] == letter)
        page = paginate(
            self.request,
            selectors.entity_index(self.kind, letter),
            per_page=self.per_page,
            count=total,
        )
        context.update(
            kind=self.kind,
            kind_label=EntityKind(self.kind).label,
            letters=letters,
            letter=letter,
            page_obj=page,
        )
        return context


CLAIMS_SHOWN = 10  # on an entity's page, of the claims it made and of those about it


@method_decorator(follow_merges, name="dispatch")
@method_decorator(caching.conditional, name="get")
class EntityDetailView(ExportMixin, DetailView):
    kind = None
    template_name = "archive/entity_detail.html"
    context_object_name = "entity"

    def get_queryset(self):
        return selectors.entity_pages(self.kind)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entity = self.object
        articles = selectors.articles_naming(entity)
        page = paginate(self.request, articles, count=entity.counts.articles)
        self.export = (
            exports.article_rows(articles, self.request.build_absolute_uri),
            exports.ARTICLE_COLUMNS,
            f"{entity.slug}-articles",
        )
        context.update(
            aliases=sorted(entity.aliases.all(), key=lambda a: (a.language, a.name)),
            spellings=selectors.spellings(entity),
            page_obj=page,
            # The newest few of each; "All claims made/about" leads to the whole list.
            claims_made=selectors.claims_made(entity, limit=CLAIMS_SHOWN),
            claims_about=selectors.claims_about(entity, limit=CLAIMS_SHOWN),
            co_mentioned=selectors.co_mentioned(entity),
            # Spellings and co-mentions read the newest mentions only: say so when cut.
            spellings_sample=(
                selectors.SPELLINGS_SAMPLE
                if entity.counts.mentions > selectors.SPELLINGS_SAMPLE
                else None
            ),
            co_mentioned_sample=(
                selectors.CO_MENTIONED_SAMPLE
                if entity.counts.articles > selectors.CO_MENTIONED_SAMPLE
                else None
            ),
            chart=month_chart_svg(
                selectors.mentions_per_month(entity),
                label=_("Mentions per month of %(name)s")
                % {"name": entity.name_for(get_language())[0]},
            ),
            feed_url=reverse(f"archive:{entity.kind}_feed", args=[entity.slug]),
            index_url=reverse(f"archive:{KIND_PLURAL[entity.kind]}"),
        )
        return context

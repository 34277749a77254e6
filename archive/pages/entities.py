"""People, organizations and places: their indexes and their pages."""

from __future__ import annotations

from django.db.models import Count, F
from django.db.models.functions import Left as LeftChars
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from archive.formats import exports
from archive.formats.rendering import (
    month_chart_svg,
)
from archive.models import (
    Article,
    Claim,
    Entity,
    EntityKind,
)
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
        # Public entities and their counts in one join with the stored counts (EntityCount).
        entities = Entity.objects.public().filter(kind=self.kind)
        letters = (
            entities.annotate(letter=Upper(LeftChars("name", 1)))
            .values("letter")
            .annotate(n=Count("id"))
            .order_by("letter")
        )
        letters = list(letters)
        letter = self.request.GET.get("letter", "")[:1].upper()
        # The letters' counts add up to the list's length: no second count of the entities.
        total = sum(row["n"] for row in letters if not letter or row["letter"] == letter)
        if letter:
            entities = entities.annotate(letter=Upper(LeftChars("name", 1))).filter(letter=letter)
        page = paginate(
            self.request,
            entities.only("name", "name_ar", "slug", "kind", "description")
            .annotate(n=F("counts__mentions"))
            .order_by("name", "id"),
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
        return (
            Entity.objects.public()
            .filter(kind=self.kind)
            .select_related("counts")
            .prefetch_related("aliases")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entity = self.object
        articles = Article.objects.public().naming(entity=entity).listing().newest_first()
        page = paginate(self.request, articles, count=entity.counts.articles)
        self.export = (
            exports.article_rows(articles, self.request.build_absolute_uri),
            exports.ARTICLE_COLUMNS,
            f"{entity.slug}-articles",
        )
        claims = Claim.objects.visible().with_articles().select_related("speaker")
        context.update(
            aliases=sorted(entity.aliases.all(), key=lambda a: (a.language, a.name)),
            spellings=selectors.spellings(entity),
            page_obj=page,
            # The newest few of each; "All claims made/about" leads to the whole list.
            claims_made=list(claims.filter(speaker=entity).order_by("-date", "-id")[:CLAIMS_SHOWN]),
            claims_about=list(
                claims.filter(subject_links__entity=entity).order_by("-date", "-id")[:CLAIMS_SHOWN]
            ),
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
                label=_("Mentions per month of %(name)s") % {"name": entity.name},
            ),
            feed_url=reverse(f"archive:{entity.kind}_feed", args=[entity.slug]),
            index_url=reverse(f"archive:{KIND_PLURAL[entity.kind]}"),
        )
        return context

"""Public pages. Views stay thin: query logic lives in QuerySet methods."""

from django.db.models import Count, Q
from django.views.generic import DetailView, TemplateView

from archive.models import Article, Claim, Entity, EntityKind, Status


class HomeView(TemplateView):
    template_name = "archive/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_articles"] = (
            Article.objects.public().select_related("source").order_by("-published", "-id")[:10]
        )
        # One grouped query for the most-mentioned entities of each kind.
        context["top_entities"] = (
            Entity.objects.annotate(
                n=Count(
                    "mentions",
                    filter=~Q(mentions__status=Status.REJECTED)
                    & Q(mentions__article__is_public=True),
                )
            )
            .filter(n__gt=0)
            .order_by("-n", "name")[:12]
        )
        context["kinds"] = EntityKind
        return context


class ArticleDetailView(DetailView):
    template_name = "archive/article_detail.html"

    def get_queryset(self):
        return Article.objects.public().select_related("source", "story", "translation_of")


class EntityDetailView(DetailView):
    kind = None
    template_name = "archive/entity_detail.html"

    def get_queryset(self):
        return Entity.objects.filter(kind=self.kind).prefetch_related("aliases")


class ClaimDetailView(DetailView):
    template_name = "archive/claim_detail.html"

    def get_queryset(self):
        return Claim.objects.visible().select_related("article", "speaker")

"""The read-only JSON API (DRF): viewsets and the router mounted at /api/.

Lists are filtered by the same FilterSets as the pages (archive.reads.filters) and paginated;
an article's mentions and claims are also served as W3C Web Annotations (JSON-LD, built in
archive.formats.linked_data)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from archive.api.serializers import (
    ArticleDetailSerializer,
    ArticleListSerializer,
    ClaimSerializer,
    EntitySerializer,
)
from archive.formats.linked_data import annotation_collection
from archive.models import Article, Claim, Entity, Mention, Verification
from archive.reads import selectors
from archive.reads.alignment import align_articles
from archive.reads.filters import ArticleFilter, ClaimFilter, EntityFilter
from archive.reads.fulltext import clean_query, wants_expansion
from archive.reads.pagination import ArchivePagination
from archive.reads.search import InvalidFilters, search
from archive.text.align import paragraphs
from archive.web import caching
from archive.web.redirects import redirect_merged


class WebAnnotationRenderer(JSONRenderer):
    """The Web Annotation media type (W3C Web Annotation Protocol §4.2): asked for by its
    profile or as plain JSON-LD, answered with the profile in Content-Type."""

    media_type = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
    format = "jsonld"


class JSONLDRenderer(JSONRenderer):
    """Plain `application/ld+json` (no profile asked for)."""

    media_type = "application/ld+json"
    format = "ld"


@method_decorator(caching.conditional, name="retrieve")  # ETag and 304 (archive/web/caching.py)
class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """Public articles; filter with q, language, source, entity, date_from, date_to."""

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    filterset_class = ArticleFilter
    pagination_class = ArchivePagination
    # The whole list's deep pages, through the stored per-date counts (as /articles/).
    seek = staticmethod(selectors.public_ids_at)

    def get_queryset(self):
        qs = selectors.with_public_original(
            Article.objects.public().select_related("source", "story")
        )
        if self.action == "retrieve":
            return selectors.with_annotations(qs, claim_subjects=True, claim_same_as=True)
        return qs.listing().newest_first()

    def filter_queryset(self, queryset):
        """A search (`q`) searches the articles the other filters leave: its candidates are
        the newest matches of those (archive.reads.search), ranked once, paged cheaply. `count`
        is then the number of results one can page through (at most a few hundred)."""
        params = self.request.query_params
        if self.action != "list" or not clean_query(params.get("q")):
            return super().filter_queryset(queryset)
        try:
            result = search(
                params.get("q"),
                params,
                articles=queryset,
                expand=wants_expansion(params),
                strict=True,
                request=self.request,
            )
        except InvalidFilters as error:
            raise ValidationError(error.errors) from None
        return result.articles()

    def get_serializer_class(self):
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleListSerializer

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        description="Paragraph alignment of this article with another: every paragraph of "
        "both appears in exactly one pair, in order; an empty list marks no counterpart.",
    )
    @action(detail=True, url_path=r"alignment/(?P<other>[^/]+)", filter_backends=[])
    def alignment(self, request, slug=None, other=None):
        left = get_object_or_404(Article.objects.public(), slug=slug)
        right = get_object_or_404(Article.objects.public(), slug=other)
        lp, rp = paragraphs(left.body), paragraphs(right.body)
        pairs = align_articles(left, right)
        return Response(
            {
                "left": left.slug,
                "right": right.slug,
                "pairs": [
                    {
                        "left": [{"index": i, "text": lp[i]} for i in pair.left],
                        "right": [{"index": j, "text": rp[j]} for j in pair.right],
                    }
                    for pair in pairs
                ],
            }
        )

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        description="The article's visible mentions and claims as a W3C Web Annotation "
        "collection (JSON-LD, http://www.w3.org/ns/anno.jsonld).",
    )
    @action(
        detail=True,
        filter_backends=[],
        renderer_classes=[
            WebAnnotationRenderer,
            JSONLDRenderer,
            JSONRenderer,
            BrowsableAPIRenderer,
        ],
    )
    def annotations(self, request, slug=None):
        article = get_object_or_404(Article.objects.public(), slug=slug)
        mentions = Mention.objects.visible().filter(article=article).select_related("entity")
        claims = (
            Claim.objects.visible()
            .filter(article=article)
            .select_related("speaker")
            .prefetch_related("about")
        )
        collection = annotation_collection(request, article, mentions, claims)
        if isinstance(request.accepted_renderer, JSONLDRenderer | WebAnnotationRenderer):
            # JSON-LD of this endpoint is always the Web Annotation profile; DRF would leave
            # the profile out when the client accepted anything (*/*) or plain JSON-LD.
            return Response(collection, content_type=WebAnnotationRenderer.media_type)
        return Response(collection)


class EntityViewSet(viewsets.ReadOnlyModelViewSet):
    """People, organizations and places; q matches any alias in any script."""

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    serializer_class = EntitySerializer
    filterset_class = EntityFilter
    pagination_class = ArchivePagination
    queryset = Entity.objects.public().prefetch_related("aliases").order_by("name", "id")

    def retrieve(self, request, *args, **kwargs):
        """The slug of an entity merged away answers 301 to the kept one's."""
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            redirect = redirect_merged(request, kwargs["slug"], route="archive:api-entity-detail")
            if redirect is None:
                raise
            return redirect


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=sorted(Verification.values),
                deprecated=True,
                description=ClaimFilter.base_filters["status"].extra["help_text"],
            )
        ]
    )
)
class ClaimViewSet(viewsets.ReadOnlyModelViewSet):
    """Claims on public articles; filter with speaker, about, kind, verification, date range."""

    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    pagination_class = ArchivePagination
    # The whole list's deep pages, through the stored per-date counts (as /claims/).
    seek = staticmethod(selectors.visible_claim_ids_at)
    queryset = selectors.with_same_as_shown(
        Claim.objects.visible()
        .select_related("speaker", "article")
        .prefetch_related("about")
        .order_by("-date", "-id")
    )


router = DefaultRouter()

router.register("articles", ArticleViewSet, basename="api-article")
router.register("entities", EntityViewSet, basename="api-entity")
router.register("claims", ClaimViewSet, basename="api-claim")

"""The read-only JSON API (DRF): serializers, viewsets and the router mounted at /api/.

Lists are filtered by the same FilterSets as the pages (archive.filters) and paginated;
an article's mentions and claims are also served as W3C Web Annotations (JSON-LD, built in
archive.linked_data).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from archive import caching, selectors
from archive.alignment import align_articles
from archive.filters import ArticleFilter, ClaimFilter, EntityFilter
from archive.linked_data import annotation_collection
from archive.models import Alias, Article, Claim, Entity, EntityRedirect, Mention
from archive.pagination import ArchivePagination
from archive.rendering import date_at_precision
from archive.search import clean_query, in_rank_order, ranked_rows, search_articles
from archive.text.align import paragraphs


class WebAnnotationRenderer(JSONRenderer):
    """The Web Annotation media type (W3C Web Annotation Protocol §4.2): asked for by its
    profile or as plain JSON-LD, answered with the profile in Content-Type."""

    media_type = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
    format = "jsonld"


class JSONLDRenderer(JSONRenderer):
    """Plain `application/ld+json` (no profile asked for)."""

    media_type = "application/ld+json"
    format = "ld"


class EntityRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Entity
        fields = ["slug", "name", "kind", "url"]

    def get_url(self, entity) -> str:
        return entity.get_absolute_url()


class ArticleListSerializer(serializers.ModelSerializer):
    published = serializers.SerializerMethodField()
    # Null when unknown (no outlet, no story) or when the article is an original.
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    story = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    translation_of = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Article
        fields = [
            "slug",
            "title",
            "language",
            "published",
            "source",
            "story",
            "translation_of",
            "url",
        ]

    def get_published(self, article) -> str | None:
        return date_at_precision(article, iso=True)


class MentionSerializer(serializers.ModelSerializer):
    entity = EntityRefSerializer()

    class Meta:
        model = Mention
        fields = ["entity", "start", "end", "text", "role", "status"]


class ClaimSerializer(serializers.ModelSerializer):
    speaker = EntityRefSerializer(allow_null=True)
    about = EntityRefSerializer(many=True)
    article = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "url",
            "article",
            "speaker",
            "about",
            "start",
            "end",
            "text",
            "kind",
            "date",
            "verification",
            "status",
            "same_as",
        ]

    def get_url(self, claim) -> str:
        return claim.get_absolute_url()


class ArticleDetailSerializer(ArticleListSerializer):
    paragraphs = serializers.SerializerMethodField()
    mentions = MentionSerializer(source="visible_mentions", many=True)
    claims = ClaimSerializer(source="visible_claims", many=True)
    translations = serializers.SerializerMethodField()

    class Meta(ArticleListSerializer.Meta):
        fields = [
            *ArticleListSerializer.Meta.fields,
            "published_precision",
            "byline",
            "dateline",
            "body",
            "paragraphs",
            "mentions",
            "claims",
            "translations",
        ]

    def get_paragraphs(self, article) -> list[str]:
        return paragraphs(article.body)

    def get_translations(self, article) -> list[dict]:
        others = selectors.translations(article).listing().select_related("story", "translation_of")
        return ArticleListSerializer(others, many=True).data


class AliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alias
        fields = ["name", "language"]


class EntitySerializer(serializers.ModelSerializer):
    aliases = AliasSerializer(many=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Entity
        fields = ["slug", "name", "kind", "description", "wikidata_id", "url", "aliases"]

    def get_url(self, entity) -> str:
        return entity.get_absolute_url()


@method_decorator(caching.conditional, name="retrieve")  # ETag and 304 (archive/caching.py)
class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """Public articles; filter with q, language, source, entity, date_from, date_to."""

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    filterset_class = ArticleFilter
    pagination_class = ArchivePagination

    def get_queryset(self):
        qs = Article.objects.public().select_related("source", "story", "translation_of")
        if self.action == "retrieve":
            return qs.prefetch_related(
                Prefetch(
                    "mentions",
                    Mention.objects.visible().select_related("entity").order_by("start"),
                    to_attr="visible_mentions",
                ),
                Prefetch(
                    "claims",
                    Claim.objects.visible()
                    .select_related("speaker", "article")
                    .prefetch_related("about")
                    .order_by("start"),
                    to_attr="visible_claims",
                ),
            )
        return qs.listing().newest_first()

    def filter_queryset(self, queryset):
        """A search (`q`) searches the articles the other filters leave: its candidates are
        the newest matches of those (archive.search), ranked once, paged cheaply. `count`
        is then the number of results one can page through (at most a few hundred)."""
        q = clean_query(self.request.query_params.get("q"))
        if self.action != "list" or not q:
            return super().filter_queryset(queryset)
        data = self.request.query_params.copy()
        data.pop("q", None)
        filterset = ArticleFilter(data, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        filtered = filterset.qs
        expand = data.get("expand", "1") not in {"0", "false", "off"}
        results = search_articles(filtered, q, expand_entities=expand)
        return in_rank_order(filtered, [row[0] for row in ranked_rows(results)])

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
            target = EntityRedirect.objects.target(kwargs["slug"])
            if target is None:
                raise
            url = reverse("archive:api-entity-detail", args=[target.slug])
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


class ClaimViewSet(viewsets.ReadOnlyModelViewSet):
    """Claims on public articles; filter with speaker, about, kind, status, date range."""

    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    pagination_class = ArchivePagination
    queryset = (
        Claim.objects.visible()
        .select_related("speaker", "article")
        .prefetch_related("about")
        .order_by("-date", "-id")
    )


router = DefaultRouter()
router.register("articles", ArticleViewSet, basename="api-article")
router.register("entities", EntityViewSet, basename="api-entity")
router.register("claims", ClaimViewSet, basename="api-claim")


_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation says how it fails. Paths with
    a parameter answer 404 for an unknown slug or id; lists answer 400 for a filter value
    they cannot read (DRF's validation errors: a field name to its messages)."""
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            # `?format=` is DRF's browsable-API switch, not part of the API: left out.
            operation["parameters"] = [
                p for p in operation.get("parameters", []) if p.get("name") != "format"
            ]
            params = operation["parameters"]
            for param in params:
                schema = param.get("schema", {})
                if param.get("in") == "query" and schema.get("type") == "string":
                    schema.setdefault("pattern", "^[^\\x00]*$")  # NUL is refused (400)
            if "{" in path or any(p.get("name") == "page" for p in params):
                responses.setdefault(
                    "404",
                    {
                        "description": "No public item with that key, or no such page.",
                        "content": {"application/json": {"schema": _ERROR}},
                    },
                )
            if any(p.get("in") == "query" for p in params):
                responses.setdefault(
                    "400",
                    {
                        "description": "A parameter could not be read.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                )
            if path.endswith("/annotations/"):
                # Web Annotations answer as JSON-LD with their profile (WebAnnotationRenderer).
                for response in responses.values():
                    content = response.get("content", {})
                    if "application/json" in content:
                        content.setdefault("application/ld+json", content["application/json"])
    _tidy(result.get("components", {}))
    return result


def _tidy(node) -> None:
    """Two spots drf-spectacular leaves invalid for validators. A blank URL field comes out
    as oneOf(empty string, uri), which the empty string satisfies twice: make it anyOf. And
    DRF's pagination says `nullable`, a keyword OpenAPI 3.1 dropped: write type [.., null]."""
    if isinstance(node, dict):
        if node.pop("nullable", False) and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        branches = node.get("oneOf")
        if branches and any(b.get("maxLength") == 0 for b in branches if isinstance(b, dict)):
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _tidy(value)
    elif isinstance(node, list):
        for value in node:
            _tidy(value)

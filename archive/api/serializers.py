"""What the read-only JSON API answers: one DRF serializer per resource (archive.api.views)."""

from __future__ import annotations

from rest_framework import serializers

from archive.formats.rendering import date_at_precision
from archive.models import Alias, Article, Claim, Entity, Mention
from archive.reads import selectors
from archive.text.align import paragraphs


class EntityRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Entity
        fields = ["slug", "name", "kind", "url"]

    def get_url(self, entity) -> str:
        return entity.get_absolute_url()


class ArticleListSerializer(serializers.ModelSerializer):
    published = serializers.SerializerMethodField()
    # Null when unknown (no outlet, no story) or when the article is an original. A public
    # article's outlet is public; its original may not be (embargoed): then null too, read
    # with the articles (selectors.with_public_original).
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    story = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    translation_of = serializers.CharField(source="original_slug", read_only=True, allow_null=True)

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


class ShownSameAsField(serializers.PrimaryKeyRelatedField):
    """The claim this one repeats, or null when that claim is not visible (rejected, or in
    a hidden article): read with the claims (selectors.with_same_as_shown); not read, not
    shown. Declared as the model's field would be, so the schema says what it said."""

    def get_attribute(self, claim):
        return super().get_attribute(claim) if getattr(claim, "same_as_shown", False) else None


class ClaimSerializer(serializers.ModelSerializer):
    speaker = EntityRefSerializer(allow_null=True)
    about = EntityRefSerializer(many=True)
    article = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.SerializerMethodField()
    same_as = ShownSameAsField(
        queryset=Claim.objects.all(),
        allow_null=True,
        required=False,
        help_text=Claim._meta.get_field("same_as").help_text,
    )

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
        others = selectors.with_public_original(
            selectors.translations(article).listing().select_related("story")
        )
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

"""Sources, stories and articles in the admin; an article's page holds the annotator."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.i18n import JavaScriptCatalog

from archive import services
from archive.admin import annotator, review
from archive.admin.base import LargeTableAdmin, values_filter, year_filter
from archive.formats.rendering import date_at_precision
from archive.models import (
    Article,
    Claim,
    ClaimKind,
    EntityKind,
    Mention,
    MentionRole,
    Source,
    Status,
    Story,
)
from archive.services.suggestions import suggest_mentions


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "language", "url"]
    list_filter = ["language", "country"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "slug"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}


# --- articles -----------------------------------------------------------------------------


def _count(model, **filters):
    """Per-article count of `model` rows as a correlated subquery (no join fan-out)."""
    rows = (
        model.objects.filter(article=OuterRef("pk"), **filters)
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


class BodyField(forms.CharField):
    """The article text as typed: browsers send a textarea's line breaks as CRLF, the body
    keeps one "\n" per paragraph break, so an unedited body is not a change (nor every
    offset after the first line moved)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


@admin.register(Article)
class ArticleAdmin(LargeTableAdmin):
    list_display = [
        "title",
        "language",
        "source",
        "date",
        "suggested_mentions",
        "confirmed_mentions",
        "claims_count",
        "orphans",
        "is_public",
    ]
    list_filter = [
        values_filter("language"),
        "is_public",
        "source",
        "published_precision",
        year_filter("published"),
    ]
    list_select_related = ["source"]
    search_fields = ["title", "slug"]
    raw_id_fields = ["translation_of"]
    autocomplete_fields = ["source", "story"]
    readonly_fields = ["sha256", "created", "updated"]
    actions = ["rerun_suggestions"]

    @admin.display(description="published", ordering="published")
    def date(self, obj):
        """The date as precisely as it is known: "2018", "January 2020", never a made-up 1st."""
        return date_at_precision(obj) or "—"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["form_class"] = BodyField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """A changed text goes through services.article_text_replace, as an import's
        --update does: every mention and claim moves with its words; what cannot be placed
        is flagged orphaned (hidden from the public) and listed here. New articles get
        their sha256 from Article.save.

        "Changed" means unlike the stored body, not the form's initial one: reverting to
        an earlier version from the history page starts the form from that version."""
        stored = (
            Article.objects.filter(pk=obj.pk).values_list("body", flat=True).first()
            if change
            else None
        )
        if stored is None or stored == obj.body:
            return super().save_model(request, obj, form, change)
        replaced = services.article_text_replace(
            article=obj, body=obj.body, user=request.user, reason="text edited in the admin"
        )
        if replaced.moved:
            self.message_user(
                request,
                f"{len(replaced.moved)} annotation(s) moved with their words.",
                messages.INFO,
            )
        if replaced.orphaned:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (
                        reverse(f"admin:archive_{span._meta.model_name}_change", args=[span.pk]),
                        f"{span._meta.verbose_name} “{span.text[:40]}”",
                    )
                    for span in replaced.orphaned
                ),
            )
            self.message_user(
                request,
                format_html(
                    "{} annotation(s) are no longer in the text: flagged orphaned and hidden "
                    "from the public until placed again: {}",
                    len(replaced.orphaned),
                    links,
                ),
                messages.WARNING,
            )
        return None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            queryset = queryset.annotate(
                n_suggested=_count(Mention, status=Status.SUGGESTED),
                n_confirmed=_count(Mention, status=Status.CONFIRMED),
                n_claims=_count(Claim),
                n_orphans=_count(Mention, is_orphaned=True) + _count(Claim, is_orphaned=True),
            )
        return queryset

    @admin.display(description="suggested")
    def suggested_mentions(self, obj):
        return obj.n_suggested

    @admin.display(description="confirmed")
    def confirmed_mentions(self, obj):
        return obj.n_confirmed

    @admin.display(description="claims")
    def claims_count(self, obj):
        return obj.n_claims

    @admin.display(description="orphans")
    def orphans(self, obj):
        return obj.n_orphans or ""

    def has_suggest_permission(self, request):
        return request.user.has_perm("archive.add_mention")

    @admin.action(description="Re-run suggested mentions", permissions=["suggest"])
    def rerun_suggestions(self, request, queryset):
        made = suggest_mentions(queryset)
        self.message_user(request, f"{made} suggested mention(s) made.", messages.SUCCESS)

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        prefix = "archive_article_annotate"
        views = annotator.ROUTES
        custom = [
            path(f"<path:object_id>/annotate/{route}", wrap(view.as_view()), name=prefix + suffix)
            for route, view, suffix in views
        ]
        custom.insert(0, path("review/", wrap(review.queue), name="archive_review_queue"))
        # The annotator's strings in the analyst's language (locale/*/LC_MESSAGES/djangojs.po),
        # loaded by change_form.html before the annotator's modules.
        catalogue = JavaScriptCatalog.as_view(domain="djangojs")
        custom.insert(0, path("jsi18n/", wrap(catalogue), name="archive_article_jsi18n"))
        return custom + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        if article is not None:
            extra_context = {**(extra_context or {}), **self._annotator_context(request, article)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _annotator_context(self, request, article):
        user = request.user
        base = reverse("admin:archive_article_annotate", args=[article.pk])
        config = {
            "urls": {
                "annotations": base,
                "entities": base + "entities/",
                "mention": base + "mention/",
                "claim": base + "claim/",
                "review": base + "review/",
                "place": base + "place/",
                "delete": base + "delete/",
                "edit": base + "edit/",
            },
            "paragraphs": [
                {"start": p.start, "text": p.text} for p in services.body_paragraphs(article.body)
            ],
            "language": article.language,
            "direction": article.direction,
            "can": {
                "add_mention": user.has_perm("archive.add_mention"),
                "add_claim": user.has_perm("archive.add_claim"),
                "add_entity": user.has_perm("archive.add_entity"),
                "review": user.has_perm("archive.change_mention"),
                "change_claim": user.has_perm("archive.change_claim"),
            },
            "roles": MentionRole.choices,
            "kinds": EntityKind.choices,
            "claim_kinds": ClaimKind.choices,
            "statuses": Status.choices,
            **annotator.annotations_data(request, article),
        }
        return {
            "annotator_paragraphs": services.body_paragraphs(article.body),
            "annotator_config": config,
            "annotator_article": article,
        }

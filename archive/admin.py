"""The analysts' admin: annotate articles, review suggestions, curate entities.

Permissions come from the Analyst and Editor groups (migration 0003_groups):

    model          Analyst                           Editor
    source, story  view                              view add change delete
    article        view                              view add change delete
    entity, alias  view add change                   view add change delete
    mention, claim view add change delete(own only)  view add change delete
    entity merge   view                              view (rows are made by the merge action)

Large tables never count every row on a page load; per-row counts come from subqueries
annotated in get_queryset (one query per page).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from archive import admin_views, services
from archive.models import (
    Alias,
    Article,
    Claim,
    ClaimKind,
    ClaimSubject,
    Entity,
    EntityKind,
    EntityMerge,
    Mention,
    MentionRole,
    Source,
    Status,
    Story,
)
from archive.suggest import suggest_mentions
from archive.text.normalize import normalize


class LargeTableAdmin(SimpleHistoryAdmin):
    show_full_result_count = False
    list_per_page = 50


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
        "published",
        "suggested_mentions",
        "confirmed_mentions",
        "claims_count",
        "orphans",
        "is_public",
    ]
    list_filter = ["language", "is_public", "source", "published_precision"]
    list_select_related = ["source"]
    search_fields = ["title", "slug"]
    date_hierarchy = "published"
    raw_id_fields = ["translation_of"]
    autocomplete_fields = ["source", "story"]
    readonly_fields = ["sha256", "created", "updated"]
    actions = ["rerun_suggestions"]

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
        views = [
            ("", admin_views.annotations, ""),
            ("entities/", admin_views.entity_search, "_entities"),
            ("mention/", admin_views.mention_add, "_mention"),
            ("claim/", admin_views.claim_add, "_claim"),
            ("review/", admin_views.review, "_review"),
            ("place/", admin_views.place, "_place"),
            ("delete/", admin_views.delete, "_delete"),
        ]
        custom = [
            path(f"<path:object_id>/annotate/{route}", wrap(view), name=prefix + suffix)
            for route, view, suffix in views
        ]
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
            },
            "roles": MentionRole.choices,
            "kinds": EntityKind.choices,
            "claim_kinds": ClaimKind.choices,
            **admin_views.annotations_data(request, article),
        }
        return {
            "annotator_paragraphs": services.body_paragraphs(article.body),
            "annotator_config": config,
            "annotator_article": article,
        }


# --- entities -----------------------------------------------------------------------------


class AliasForm(forms.ModelForm):
    """An alias whose normalized form (Alias.normalized, 300 characters) would not fit is a
    form error, not a database error: NFKC expands some characters (ﷺ is 18 letters)."""

    class Meta:
        model = Alias
        fields = ["entity", "name", "language"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        try:
            return services.check_name(name, "This alias")
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class AliasInline(admin.TabularInline):
    model = Alias
    form = AliasForm
    extra = 1
    fields = ["name", "language"]


class MergeForm(forms.Form):
    survivor = forms.ModelChoiceField(
        queryset=Entity.objects.all(),
        widget=forms.NumberInput,
        help_text="The id of the entity that stays; the selected ones are merged into it.",
    )


@admin.register(Entity)
class EntityAdmin(LargeTableAdmin):
    list_display = ["name", "kind", "wikidata_id", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline]
    actions = ["merge_into"]

    def get_search_results(self, request, queryset, search_term):
        """Any alias in any script, spelled as the matcher normalizes it (ى/ي, أ/ا …)."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = normalize(search_term.strip())[:300]
        if key:
            by_alias = self.model.objects.filter(
                pk__in=Alias.objects.filter(normalized__contains=key).values("entity_id")
            )
            queryset = queryset | by_alias
        return queryset, may_have_duplicates

    @admin.action(description="Merge selected into…", permissions=["delete"])
    def merge_into(self, request, queryset):
        form = MergeForm(request.POST if "survivor" in request.POST else None)
        if form.is_valid():
            survivor = form.cleaned_data["survivor"]
            merged = [e for e in queryset if e.pk != survivor.pk]
            records = []
            try:
                with transaction.atomic():
                    for entity in merged:
                        records.append(
                            services.entity_merge(
                                survivor=survivor, merged=entity, user=request.user
                            )
                        )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            moved = sum(r.mentions_moved for r in records)
            claims = sum(r.claims_moved + r.subject_links_moved for r in records)
            self.message_user(
                request,
                f"Merged {len(records)} entit{'y' if len(records) == 1 else 'ies'} into "
                f"{survivor}: {moved} mention(s) and {claims} claim link(s) moved.",
                messages.SUCCESS,
            )
            return redirect(reverse("admin:archive_entity_change", args=[survivor.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge entities",
            "opts": self.model._meta,
            "queryset": queryset.prefetch_related("aliases"),
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/archive/entity/merge.html", context)


@admin.register(Alias)
class AliasAdmin(LargeTableAdmin):
    form = AliasForm
    list_display = ["name", "language", "entity"]
    list_filter = ["language"]
    list_select_related = ["entity"]
    search_fields = ["name", "normalized"]
    autocomplete_fields = ["entity"]


@admin.register(EntityMerge)
class EntityMergeAdmin(admin.ModelAdmin):
    list_display = ["merged_name", "merged_slug", "survivor", "merged_by", "created"]
    list_select_related = ["survivor", "merged_by"]
    search_fields = ["merged_name", "merged_slug"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the audit trail of merges stays


# --- annotations --------------------------------------------------------------------------


class StaleEditForm(forms.ModelForm):
    """Refuses a save when the row changed since the form was opened (optimistic locking).

    The token is services.edit_token: Claim.version, or a mention's `updated` time, which
    every write path moves (the review actions and the annotator included). The current row
    is read FOR UPDATE inside the admin's transaction, so two saves cannot both pass the
    check, nor a save and a review.
    """

    opened_token = forms.CharField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def token(obj) -> str:
        return services.edit_token(obj)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_token"].initial = self.token(self.instance)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = type(self.instance).objects.select_for_update().filter(pk=self.instance.pk)
            current = current.first()
            if current is None:
                raise ValidationError("This row was deleted since you opened it.")
            if self.token(current) != cleaned.get("opened_token"):
                last = current.history.select_related("history_user").first()
                who = last.history_user if last and last.history_user else "someone"
                raise ValidationError(
                    f"This {current._meta.verbose_name} was changed by {who} since you opened "
                    "it. Nothing was saved: reload the page to see the current version, "
                    "then make your change again.",
                    code="stale",
                )
            self.current = current
        return cleaned


class AnnotationAdmin(LargeTableAdmin):
    form = StaleEditForm
    raw_id_fields = ["article"]

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return admin_views.can_delete_annotation(request.user, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="article")
    def article_link(self, obj):
        url = reverse("admin:archive_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article.title[:60])


@admin.register(Mention)
class MentionAdmin(AnnotationAdmin):
    list_display = ["text", "entity", "article_link", "role", "status", "is_orphaned"]
    list_filter = ["status", "role", "is_orphaned"]
    list_select_related = ["entity", "article"]
    search_fields = ["text"]
    autocomplete_fields = ["entity"]
    readonly_fields = ["created_by", "created", "updated"]
    actions = ["confirm_selected", "reject_selected"]

    def has_review_permission(self, request):
        return request.user.has_perm("archive.change_mention")

    @admin.action(description="Confirm selected mentions", permissions=["review"])
    def confirm_selected(self, request, queryset):
        mentions = list(queryset.select_related("article", "entity"))
        n = services.mentions_review(mentions=mentions, status=Status.CONFIRMED, user=request.user)
        self.message_user(request, f"{n} mention(s) confirmed.", messages.SUCCESS)

    @admin.action(description="Reject selected mentions", permissions=["review"])
    def reject_selected(self, request, queryset):
        n = services.mentions_review(
            mentions=list(queryset), status=Status.REJECTED, user=request.user
        )
        self.message_user(request, f"{n} mention(s) rejected.", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        was_confirmed = change and form.initial.get("status") == Status.CONFIRMED
        super().save_model(request, obj, form, change)
        if obj.status == Status.CONFIRMED and not was_confirmed:
            services.annotations_propagate(mentions=[obj], user=request.user)


class ClaimSubjectInline(admin.TabularInline):
    model = ClaimSubject
    extra = 1
    autocomplete_fields = ["entity"]


class SpeakerFilter(admin.SimpleListFilter):
    """The 30 most frequent speakers (one grouped query), plus any speaker id by URL."""

    title = "speaker"
    parameter_name = "speaker"

    def lookups(self, request, model_admin):
        top = (
            Claim.objects.filter(speaker__isnull=False)
            .values("speaker_id", "speaker__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "speaker__name")[:30]
        )
        return [("none", "Unknown speaker")] + [
            (str(row["speaker_id"]), row["speaker__name"]) for row in top
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(speaker__isnull=True)
        if value and value.isdigit() and int(value) < 2**63:
            return queryset.filter(speaker_id=int(value))
        return queryset


@admin.register(Claim)
class ClaimAdmin(AnnotationAdmin):
    list_display = ["__str__", "kind", "speaker", "article_link", "date", "status", "verification"]
    list_filter = ["status", SpeakerFilter, "date", "kind", "verification", "is_orphaned"]
    list_select_related = ["speaker", "article"]
    date_hierarchy = "date"
    search_fields = ["text"]
    autocomplete_fields = ["speaker"]
    raw_id_fields = ["article", "same_as"]
    readonly_fields = ["created_by", "created", "updated", "version"]
    inlines = [ClaimSubjectInline]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = getattr(form, "current", obj).version + 1
        super().save_model(request, obj, form, change)

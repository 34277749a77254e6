"""Mentions and claims in the admin: forms that refuse stale edits, review actions.

Every write goes through archive.services; who may delete is archive.permissions.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from archive import services
from archive.admin.base import LargeTableAdmin, cached_choices, year_filter
from archive.models import Claim, ClaimSubject, Mention, Status
from archive.permissions import can_delete_annotation


class StaleEditForm(forms.ModelForm):
    """Refuses a save when the row changed since the form was opened (optimistic locking).

    The token is services.edit_token: Claim.version, or a mention's `updated` time, which
    every write path moves (the review actions and the annotator included). The current row
    is read FOR UPDATE inside the admin's transaction, so two saves cannot both pass the
    check, nor a save and a review.
    """

    opened_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_token"].initial = services.edit_token(self.instance)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = type(self.instance).objects.select_for_update().filter(pk=self.instance.pk)
            current = current.first()
            if current is None:
                raise ValidationError("This row was deleted since you opened it.")
            if services.edit_token(current) != cleaned.get("opened_token"):
                last = current.history.select_related("history_user").first()
                who = last.history_user if last and last.history_user else "someone"
                raise ValidationError(
                    f"This {current._meta.verbose_name} was changed by {who} since you opened "
                    "it. Nothing was saved: reload the page to see the current version, "
                    "then make your change again.",
                    code="stale",
                )
        return cleaned


class AnnotationAdmin(LargeTableAdmin):
    """Saves and deletes go through the services, which own the rules (a claim's version,
    proposing a newly confirmed mention in translations, who may delete)."""

    form = StaleEditForm
    raw_id_fields = ["article"]

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return can_delete_annotation(request.user, obj)

    def save_model(self, request, obj, form, change):
        if change:
            services.annotation_update(annotation=obj, user=request.user)
        else:
            services.annotation_create(annotation=obj, user=request.user)

    def delete_model(self, request, obj):
        services.annotation_delete(annotation=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.annotation_delete(annotation=obj, user=request.user)

    @admin.display(description="article")
    def article_link(self, obj):
        url = reverse("admin:archive_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article.title[:60])


@admin.register(Mention)
class MentionAdmin(AnnotationAdmin):
    # `proposal`: the name under review that made this suggestion (archive.services.names).
    list_display = ["text", "entity", "article_link", "role", "status", "is_orphaned", "proposal"]
    list_filter = ["status", "role", "is_orphaned", ("proposal", admin.EmptyFieldListFilter)]
    list_select_related = ["entity", "article", "proposal"]
    search_fields = ["text"]
    autocomplete_fields = ["entity"]
    readonly_fields = ["created_by", "created", "updated", "proposal"]
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


class ClaimSubjectInline(admin.TabularInline):
    model = ClaimSubject
    extra = 1
    autocomplete_fields = ["entity"]


class SpeakerFilter(admin.SimpleListFilter):
    """The 30 most frequent speakers (one grouped query), plus any speaker id by URL."""

    title = "speaker"
    parameter_name = "speaker"

    def lookups(self, request, model_admin):
        def top():
            return [
                (str(row["speaker_id"]), row["speaker__name"])
                for row in Claim.objects.filter(speaker__isnull=False)
                .values("speaker_id", "speaker__name")
                .annotate(n=Count("pk"))
                .order_by("-n", "speaker__name")[:30]
            ]

        # Grouping 480,000 claims by speaker took 200 ms a changelist at a million articles.
        return [("none", "Unknown speaker")] + cached_choices("admin:top-speakers", top)

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
    list_filter = [
        "status",
        SpeakerFilter,
        "date",
        year_filter("date"),
        "kind",
        "verification",
        "is_orphaned",
    ]
    list_select_related = ["speaker", "article"]
    search_fields = ["text"]
    autocomplete_fields = ["speaker"]
    raw_id_fields = ["article", "same_as"]
    readonly_fields = ["created_by", "created", "updated", "version"]
    inlines = [ClaimSubjectInline]

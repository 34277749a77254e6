"""Entities, their aliases, and merges of duplicates in the admin."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from archive import services
from archive.admin.base import LargeTableAdmin
from archive.models import Alias, AliasOrigin, Claim, Entity, EntityMerge, EntityRedirect, Mention
from archive.text.normalize import normalize


class AliasForm(forms.ModelForm):
    """An alias whose normalized form (Alias.normalized, 300 characters) would not fit is a
    form error, not a database error: NFKC expands some characters (ﷺ is 18 letters)."""

    class Meta:
        model = Alias
        fields = ["entity", "name", "language"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        try:
            return services.check_name(name, gettext("This alias"))
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def save(self, commit=True):
        # An own row edited by hand is the analyst's from now on: the sync would remove it.
        if self.instance.origin == AliasOrigin.OWN and self.has_changed():
            self.instance.origin = AliasOrigin.ANALYST
        return super().save(commit)


class AliasInline(admin.TabularInline):
    model = Alias
    form = AliasForm
    extra = 1
    fields = ["name", "language", "origin"]
    readonly_fields = ["origin"]


class MergeForm(forms.Form):
    """The entity to keep, one of those selected: asked for every time, never assumed."""

    survivor = forms.ModelChoiceField(
        queryset=Entity.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the entity to keep.",
            "invalid_choice": "Choose the entity to keep among those selected.",
        },
    )

    def __init__(self, *args, entities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = entities


def merge_candidates(queryset):
    """The selected entities with what tells duplicates apart: mentions (not rejected),
    claims made, aliases; the most mentioned first. Counts are subqueries (no row
    multiplication), aliases one prefetch: three queries whatever the selection."""

    def count(model, field, **filters):
        return Coalesce(
            Subquery(
                model.objects.filter(**{field: OuterRef("pk")}, **filters)
                .order_by()
                .values(field)
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )

    return (
        queryset.annotate(
            n_mentions=count(Mention, "entity", status__in=["suggested", "confirmed"]),
            n_claims=count(Claim, "speaker"),
        )
        .prefetch_related("aliases")
        .order_by("-n_mentions", "name", "pk")
    )


@admin.register(Entity)
class EntityAdmin(LargeTableAdmin):
    list_display = ["name", "kind", "wikidata_id", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline]
    actions = ["merge_into"]

    def save_model(self, request, obj, form, change):
        """A changed slug leaves its old address leading to the entity, as a merge does."""
        super().save_model(request, obj, form, change)
        old_slug = form.initial.get("slug")
        if change and old_slug and old_slug != obj.slug:
            EntityRedirect.objects.filter(old_slug=obj.slug).delete()  # the slug lives again
            EntityRedirect.objects.update_or_create(
                old_slug=old_slug,
                defaults={"entity": obj, "old_kind": form.initial.get("kind") or obj.kind},
            )

    def save_related(self, request, form, formsets, change):
        """After the aliases typed in the form: the entity's own names as its alias rows."""
        super().save_related(request, form, formsets, change)
        services.entity_names_sync(entity=form.instance)

    def get_search_results(self, request, queryset, search_term):
        """The name, the slug or any alias in any script, spelled as the matcher normalizes
        it (ى/ي, أ/ا …). One condition, no join: Django's search over `aliases__name` joined
        every alias and sorted the rows DISTINCT (280 ms over 20,000 entities)."""
        term = search_term.strip()[:300]
        if not term:
            return queryset, False
        found = Q(name__icontains=term) | Q(slug__icontains=term)
        key = normalize(term)
        if key:
            found |= Q(pk__in=Alias.objects.filter(normalized__contains=key).values("entity_id"))
        return queryset.filter(found), False

    @admin.action(description="Merge selected into…", permissions=["delete"])
    def merge_into(self, request, queryset):
        entities = merge_candidates(queryset)
        if len(entities) < 2:
            self.message_user(request, "Select at least two entities to merge.", messages.WARNING)
            return None
        # The form is only read once the editor has seen this page and pressed its button.
        form = MergeForm(request.POST if "_merge" in request.POST else None, entities=entities)
        if form.is_valid():
            survivor = form.cleaned_data["survivor"]
            merged = [e for e in entities if e.pk != survivor.pk]
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
                f"{survivor}: {moved} mention(s) and {claims} claim link(s) moved; the old "
                "addresses now lead to it.",
                messages.SUCCESS,
            )
            return redirect(reverse("admin:archive_entity_change", args=[survivor.pk]))
        rows = list(entities)
        # Suggest the most mentioned one, but only when it clearly is: on a tie, nothing
        # is chosen and the editor has to pick.
        suggested = rows[0].pk if rows[0].n_mentions > rows[1].n_mentions else None
        chosen = form["survivor"].value() if form.is_bound else suggested
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Merge entities"),
            "opts": self.model._meta,
            "entities": rows,
            "suggested": suggested,
            "chosen": str(chosen) if chosen else "",
            "kinds_differ": len({e.kind for e in rows}) > 1,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/archive/entity/merge.html", context)


@admin.register(Alias)
class AliasAdmin(LargeTableAdmin):
    form = AliasForm
    list_select_related = ["entity"]
    search_fields = ["name", "normalized"]
    autocomplete_fields = ["entity"]
    list_display = ["name", "language", "origin", "entity"]
    list_filter = ["language", "origin"]
    readonly_fields = ["origin"]

    # A row removed or moved here may have stood for an entity's own name: sync both ends.
    def save_model(self, request, obj, form, change):
        before = form.initial.get("entity")
        super().save_model(request, obj, form, change)
        for entity in Entity.objects.filter(pk__in={before, obj.entity_id} - {None}):
            services.entity_names_sync(entity=entity)

    def delete_model(self, request, obj):
        entity = obj.entity
        super().delete_model(request, obj)
        services.entity_names_sync(entity=entity)

    def delete_queryset(self, request, queryset):
        entities = list(Entity.objects.filter(pk__in=queryset.values("entity_id")))
        super().delete_queryset(request, queryset)
        for entity in entities:
            services.entity_names_sync(entity=entity)


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

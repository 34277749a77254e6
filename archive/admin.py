"""The analysts' admin. Large tables never count every row on a page load."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from archive.models import Alias, Article, Claim, ClaimSubject, Entity, Mention, Source, Story


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


@admin.register(Article)
class ArticleAdmin(LargeTableAdmin):
    list_display = ["title", "language", "source", "published", "published_precision", "is_public"]
    list_filter = ["language", "is_public", "source", "published_precision"]
    list_select_related = ["source"]
    search_fields = ["title", "slug"]
    date_hierarchy = "published"
    raw_id_fields = ["translation_of"]
    autocomplete_fields = ["source", "story"]
    readonly_fields = ["sha256", "created", "updated"]


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1
    fields = ["name", "language"]


@admin.register(Entity)
class EntityAdmin(LargeTableAdmin):
    list_display = ["name", "kind", "wikidata_id"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases__name", "aliases__normalized"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline]


@admin.register(Alias)
class AliasAdmin(LargeTableAdmin):
    list_display = ["name", "language", "entity"]
    list_filter = ["language"]
    list_select_related = ["entity"]
    search_fields = ["name", "normalized"]
    autocomplete_fields = ["entity"]


@admin.register(Mention)
class MentionAdmin(LargeTableAdmin):
    list_display = ["text", "entity", "article", "role", "status", "is_orphaned"]
    list_filter = ["status", "role", "is_orphaned"]
    list_select_related = ["entity", "article"]
    search_fields = ["text"]
    autocomplete_fields = ["entity"]
    raw_id_fields = ["article"]
    readonly_fields = ["created_by", "created", "updated"]


class ClaimSubjectInline(admin.TabularInline):
    model = ClaimSubject
    extra = 1
    autocomplete_fields = ["entity"]


@admin.register(Claim)
class ClaimAdmin(LargeTableAdmin):
    list_display = ["__str__", "kind", "speaker", "article", "date", "status", "verification"]
    list_filter = ["status", "kind", "verification", "is_orphaned"]
    list_select_related = ["speaker", "article"]
    search_fields = ["text"]
    autocomplete_fields = ["speaker"]
    raw_id_fields = ["article", "same_as"]
    readonly_fields = ["created_by", "created", "updated", "version"]
    inlines = [ClaimSubjectInline]

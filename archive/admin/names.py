"""Names learned from the texts: proposals to accept or reject, and the unknown names that
recur in the public articles, to make entities of (or add as a spelling of one)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from archive.models import Article, Entity, EntityKind, NameProposal, ProposalStatus
from archive.services import names as names_service

UNKNOWN_ROWS = 60
# The page reads the newest articles only and keeps its list a while: reading every text of
# a large archive takes minutes (the command unknown_names reads them all).
UNKNOWN_ARTICLES = 2000
UNKNOWN_SECONDS = 15 * 60


def _cache_key(language: str | None) -> str:
    return f"archive:unknown-names:{language or ''}"


@admin.register(NameProposal)
class NameProposalAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "entity", "origin", "status", "count", "evidence_shown"]
    list_filter = ["status", "origin", "language"]
    list_select_related = ["entity"]
    search_fields = ["name", "entity__name"]
    ordering = ["-count", "name"]
    # The status changes by the actions, which add the alias or reject the suggestions.
    readonly_fields = ["status", "origin", "count", "evidence_shown", "created", "updated"]
    fields = ["entity", "name", "language", *readonly_fields]
    autocomplete_fields = ["entity"]
    actions = ["accept_selected", "reject_selected"]
    list_per_page = 50
    show_full_result_count = False

    def get_changelist_instance(self, request):
        """The page's rows, each with the articles its evidence names (one query a page)."""
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)
        articles = _articles({e.get("article") for p in rows for e in p.evidence or []})
        for proposal in rows:
            proposal.evidence_articles = articles
        return changelist

    @admin.display(description="evidence")
    def evidence_shown(self, proposal):
        evidence = proposal.evidence or []
        articles = getattr(proposal, "evidence_articles", None)
        if articles is None:  # the change form: one proposal
            articles = _articles({e.get("article") for e in evidence})
        rows = [
            (
                reverse("admin:archive_article_change", args=[article.pk]),
                article.slug,
                e.get("sentence", ""),
            )
            for e in evidence
            if (article := articles.get(e.get("article"))) is not None
        ]
        return (
            format_html_join("", '<div><a href="{}">{}</a>: <span dir="auto">{}</span></div>', rows)
            or "—"
        )

    def has_review_permission(self, request):
        return request.user.has_perm("archive.change_nameproposal") and request.user.has_perm(
            "archive.add_alias"
        )

    @admin.action(description="Accept selected names (add them as aliases)", permissions=["review"])
    def accept_selected(self, request, queryset):
        done = suggested = 0
        for proposal in queryset.filter(status=ProposalStatus.PROPOSED, entity__isnull=False):
            suggested += names_service.proposal_accept(proposal=proposal, user=request.user)
            done += 1
        self.message_user(
            request,
            f"{done} name(s) accepted; {suggested} mention(s) suggested.",
            messages.SUCCESS,
        )

    @admin.action(description="Reject selected names", permissions=["review"])
    def reject_selected(self, request, queryset):
        done = rejected = 0
        for proposal in queryset.exclude(status=ProposalStatus.REJECTED):
            rejected += names_service.proposal_reject(proposal=proposal, user=request.user)
            done += 1
        self.message_user(
            request,
            f"{done} name(s) rejected; {rejected} suggestion(s) they made rejected.",
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "unknown/",
                self.admin_site.admin_view(self.unknown_view),
                name="archive_nameproposal_unknown",
            ),
            *super().get_urls(),
        ]

    def unknown_view(self, request):
        """The names that recur in public texts and belong to no entity; each can become
        an entity (its spellings as aliases) or a spelling of an existing entity."""
        if not request.user.has_perm("archive.add_entity"):
            return redirect("admin:index")
        if request.method == "POST":
            data = request.POST.copy()  # one field per spelling, read as one list
            data["spellings"] = "\n".join(request.POST.getlist("spelling"))
            form = AdoptForm(data)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    entity = names_service.unknown_name_adopt(
                        name=data["name"],
                        spellings=data["spellings"],
                        kind=data["kind"],
                        entity=data["entity"],
                        language=data["language"],
                    )
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                else:
                    cache.delete_many([_cache_key(None), _cache_key(data["language"])])
                    self.message_user(
                        request,
                        format_html(
                            '{} added to <a href="{}">{}</a>.',
                            ", ".join(data["spellings"]) or data["name"],
                            reverse("admin:archive_entity_change", args=[entity.pk]),
                            entity.name,
                        ),
                        messages.SUCCESS,
                    )
                return redirect(request.get_full_path())
            self.message_user(request, form.errors.as_text(), messages.ERROR)
        language = request.GET.get("language") or None
        key = _cache_key(language)
        rows = None if request.GET.get("refresh") else cache.get(key)
        if rows is None:
            rows = names_service.unknown_names(
                language=language, limit=UNKNOWN_ROWS, newest=UNKNOWN_ARTICLES
            )
            cache.set(key, rows, UNKNOWN_SECONDS)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Unknown names"),
            "opts": self.model._meta,
            "rows": rows,
            "kinds": EntityKind.choices,
            "language": language or "",
            "newest": UNKNOWN_ARTICLES,
            "minutes": UNKNOWN_SECONDS // 60,
        }
        return TemplateResponse(request, "admin/archive/nameproposal/unknown.html", context)


def _articles(ids: set) -> dict[int, Article]:
    ids = {i for i in ids if isinstance(i, int)}
    return {a.pk: a for a in Article.objects.filter(pk__in=ids).only("id", "slug")} if ids else {}


class AdoptForm(forms.Form):
    """One unknown name: a new entity of `kind`, or (with `entity`) spellings of it."""

    name = forms.CharField(max_length=300)
    spellings = forms.CharField(required=False, max_length=5000)
    language = forms.RegexField(regex=r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$", initial="en")
    kind = forms.ChoiceField(choices=EntityKind.choices, required=False)
    entity = forms.CharField(required=False, max_length=200, help_text="The entity's slug.")
    adopt = forms.ChoiceField(choices=[("new", "new"), ("add", "add")])

    def clean_entity(self):
        slug = self.cleaned_data["entity"].strip()
        if not slug:
            return None
        entity = Entity.objects.filter(slug=slug).first()
        if entity is None:
            raise forms.ValidationError(f"No entity has the slug {slug!r}.")
        return entity

    def clean_spellings(self):
        return [s.strip() for s in self.cleaned_data["spellings"].split("\n") if s.strip()]

    def clean(self):
        data = super().clean()
        if data.get("adopt") == "new":
            data["entity"] = None
            if not data.get("kind"):
                raise forms.ValidationError("Choose a kind for the new entity.")
        elif data.get("adopt") == "add" and not data.get("entity") and "entity" not in self.errors:
            raise forms.ValidationError("Give the slug of the entity these spellings belong to.")
        return data

"""The review of proposed links (archive.services.grouping): copies of one wire,
translations and coverage of one event, each with its score and evidence beside the two
articles' titles, languages, outlets and dates. Confirm or reject per row (a button) or in
bulk (the actions); both go through the services, which keep the articles' history."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from archive.models import LinkProposal, ProposalStatus
from archive.services import grouping


def _article(article) -> str:
    outlet = article.source.name if article.source else "outlet unknown"
    date = article.published.isoformat() if article.published else "undated"
    hidden = "" if article.is_public else " · not public"
    return format_html(
        '<a href="{}" lang="{}" dir="{}">{}</a><br><small>{} · {} · {}{}</small>',
        reverse("admin:archive_article_change", args=[article.pk]),
        article.language,
        article.direction,
        article.title,
        article.language.upper(),
        outlet,
        date,
        hidden,
    )


@admin.register(LinkProposal)
class LinkProposalAdmin(admin.ModelAdmin):
    list_display = ("kind", "score", "first_article", "second_article", "evidence_shown", "row")
    list_filter = ("status", "kind")
    list_select_related = ("first__source", "second__source")
    ordering = ("-score", "id")
    actions = ("confirm", "reject")
    show_full_result_count = False
    readonly_fields = ("kind", "first", "second", "score", "evidence", "decided", "decided_by")
    fields = ("kind", "first", "second", "score", "evidence", "status", "decided", "decided_by")

    def has_add_permission(self, request):
        return False  # made by the grouping only

    def get_queryset(self, request):
        return super().get_queryset(request).defer("first__body", "second__body")

    @admin.display(description="first (original of a translation)")
    def first_article(self, obj):
        return _article(obj.first)

    @admin.display(description="second")
    def second_article(self, obj):
        return _article(obj.second)

    @admin.display(description="evidence")
    def evidence_shown(self, obj):
        ev = dict(obj.evidence or {})
        entities = ev.pop("shared_entities", [])
        rows = format_html_join("", "<li>{}: {}</li>", sorted((k, v) for k, v in ev.items()))
        named = ", ".join(entities[:12]) + (" …" if len(entities) > 12 else "")
        return format_html("<ul>{}</ul><small>shared entities: {}</small>", rows, named or "none")

    @admin.display(description="decision")
    def row(self, obj):
        if obj.status != ProposalStatus.PROPOSED:
            return obj.get_status_display()
        # Buttons of the changelist's form, posted to this row's own address.
        return format_html(
            '<button type="submit" formaction="{}">Confirm</button> '
            '<button type="submit" formaction="{}">Reject</button>',
            reverse("admin:archive_linkproposal_decide", args=[obj.pk, "confirm"]),
            reverse("admin:archive_linkproposal_decide", args=[obj.pk, "reject"]),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/decide/<str:decision>/",
                self.admin_site.admin_view(require_POST(self.decide_view)),
                name="archive_linkproposal_decide",
            ),
            *super().get_urls(),
        ]

    def _decide(self, request, proposals, decision) -> int:
        if not self.has_change_permission(request):
            raise PermissionDenied
        if decision == "reject":
            return grouping.link_reject(proposals=proposals, user=request.user)
        done = 0
        for proposal in proposals:
            if proposal.status != ProposalStatus.PROPOSED:
                continue
            try:
                grouping.link_confirm(proposal=proposal, user=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{proposal}: {error.messages[0]}", messages.ERROR)
        return done

    def decide_view(self, request, pk, decision):
        if decision not in ("confirm", "reject"):
            raise PermissionDenied
        proposal = get_object_or_404(LinkProposal, pk=pk)
        if self._decide(request, [proposal], decision):
            self.message_user(request, f"{proposal}: {decision}ed.")
        return redirect("admin:archive_linkproposal_changelist")

    @admin.action(description="Confirm the selected proposals")
    def confirm(self, request, queryset):
        n = self._decide(request, list(queryset), "confirm")
        self.message_user(request, f"{n} confirmed.")

    @admin.action(description="Reject the selected proposals")
    def reject(self, request, queryset):
        n = self._decide(request, list(queryset), "reject")
        self.message_user(request, f"{n} rejected.")

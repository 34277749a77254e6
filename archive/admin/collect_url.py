"""The admin's "Add from address" page (/admin/archive/article/add-url/): what
`manage.py add_url` does, for addresses an analyst pastes, one per line.

Each address is fetched, extracted and imported through the importer's one path
(archive.ingest.pages.collect); the page then lists what happened to each, as the command
prints it. Only users who may add articles see it. Mounted on the registered ArticleAdmin's
URLs, so the page lives under the articles it makes.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, ngettext

from archive.ingest.pages import check_address, collect
from archive.models import Article, Source

# Fetching is polite (a delay between requests to one host): a form that waits on many
# pages would outlast the request's timeout. More addresses: manage.py add_url.
MAX_ADDRESSES = 10


class AddFromAddressForm(forms.Form):
    addresses = forms.CharField(
        label=gettext_lazy("Addresses"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 90, "dir": "ltr"}),
        help_text=gettext_lazy("One article's address per line (at most %(n)s).")
        % {"n": MAX_ADDRESSES},
    )
    source = forms.ModelChoiceField(
        queryset=Source.objects.order_by("name"),
        required=False,
        label=gettext_lazy("Source"),
        empty_label=gettext_lazy("the outlet of the page's host"),
        help_text=gettext_lazy("Where the articles come from."),
    )
    public = forms.BooleanField(
        required=False,
        label=gettext_lazy("Public at once"),
        help_text=gettext_lazy("Off: as the outlet's setting says (held for review by default)."),
    )

    def clean_addresses(self):
        lines = [line.strip() for line in self.cleaned_data["addresses"].splitlines()]
        lines = list(dict.fromkeys(line for line in lines if line))
        if not lines:
            raise forms.ValidationError(gettext("Give at least one address."))
        if len(lines) > MAX_ADDRESSES:
            raise forms.ValidationError(
                ngettext(
                    "%(count)s address: at most %(n)s at a time "
                    "(manage.py add_url takes any number).",
                    "%(count)s addresses: at most %(n)s at a time "
                    "(manage.py add_url takes any number).",
                    len(lines),
                )
                % {"count": len(lines), "n": MAX_ADDRESSES}
            )
        errors = []
        for line in lines:
            try:
                check_address(line)
            except ValueError as exc:
                errors.append(f"{line[:200]}: {exc}")
        if errors:
            raise forms.ValidationError(errors)
        return lines


def add_url_view(request):
    if not request.user.has_perm("archive.add_article"):
        raise PermissionDenied
    opts = Article._meta
    form = AddFromAddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        for url in data["addresses"]:
            done = collect(
                url, source=data["source"], public=True if data["public"] else None, refetch=True
            )
            if done.outcome == "failed":
                messages.error(request, done.line())
            else:
                change = reverse("admin:archive_article_change", args=[done.item.article_id])
                messages.success(request, format_html('<a href="{}">{}</a>', change, done.line()))
        return redirect("admin:archive_article_add_url")
    context = {
        **admin.site.each_context(request),
        "opts": opts,
        "title": gettext("Add articles from their addresses"),
        "form": form,
    }
    return TemplateResponse(request, "admin/archive/article/add_url.html", context)


def _mount() -> None:
    """Put the page among the registered ArticleAdmin's URLs (before its catch-all)."""
    model_admin = admin.site._registry[Article]
    own_urls = model_admin.get_urls

    def get_urls():
        view = model_admin.admin_site.admin_view(add_url_view)
        return [path("add-url/", view, name="archive_article_add_url"), *own_urls()]

    model_admin.get_urls = get_urls


_mount()

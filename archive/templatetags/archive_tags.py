"""Template tags of the public pages; what they show is built in `archive.formats.rendering`."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language

from archive.formats.rendering import date_at_precision
from archive.models import interface_name

register = template.Library()


@register.filter
def precise_date(article) -> str:
    """The article's date at its precision: 4 January 2020, January 2020 or 2020."""
    return date_at_precision(article) or ""


@register.filter
def iso_precise(article) -> str:
    """The same date for a `datetime` attribute: 2020-01-04, 2020-01 or 2020."""
    return date_at_precision(article, iso=True) or ""


@register.simple_tag
def entity_url(kind: str, slug: str) -> str:
    return reverse(f"archive:{kind}_detail", args=[slug])


@register.filter
def url_host(url: str) -> str:
    """The host of a URL, without "www.": where an original was published."""
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")


def _isolated(name: str, name_language: str):
    language = get_language()
    if language == "ar" or name_language == "ar":
        direction = "rtl" if name_language == "ar" else "ltr"
        return format_html('<bdi lang="{}" dir="{}">{}</bdi>', name_language, direction, name)
    return name


@register.filter
def entity_name(entity) -> str:
    """The entity's name for the interface's language, isolated from the text around it:
    in the Arabic interface its Arabic name where one is known, else the English one kept
    left to right (so "Sarraj (2021)." does not flip into ".(2021) Sarraj")."""
    return _isolated(*entity.name_for(get_language()))


@register.filter
def entity_plain_name(entity) -> str:
    """The same name as plain text, for a title, an attribute or a feed."""
    return entity.name_for(get_language())[0]


@register.simple_tag
def row_entity_name(name: str, name_ar: str) -> str:
    """entity_name for a row read with values() (name and Arabic name)."""
    return _isolated(*interface_name(get_language(), name, name_ar))


@register.simple_tag(takes_context=True)
def follow_url(context) -> str:
    """This search or list as an Atom feed of its newest articles (and without `page`)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    feed = reverse("archive:search_feed")
    return f"{feed}?{query.urlencode()}" if query else feed


@register.simple_tag(takes_context=True)
def export_url(context, fmt: str) -> str:
    """This list's address with `format=fmt` (and without `page`): the whole list."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["format"] = fmt
    return "?" + query.urlencode()

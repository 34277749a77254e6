"""Template tags of the public pages; what they show is built in `archive.rendering`."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.urls import reverse

from archive.rendering import date_at_precision

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

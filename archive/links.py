"""Addresses of detail pages, made by the dozen on every list page and API response.

`reverse()` walks the URL patterns and runs a regular expression for each address
(60 a claims page, a fifth of its Python time besides the templates). `detail_url` asks
`reverse()` once per route and script prefix, with a marker for the one argument, and
then only puts each argument in its place, quoted as `reverse()` quotes it.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language

_MARK = "918273645"  # fits both the str and the int converters
_SAFE = RFC3986_SUBDELIMS + "/~:@"  # as reverse() quotes


@lru_cache(maxsize=128)
def _around(name: str, prefix: str, language: str | None) -> tuple[str, str] | None:
    """What comes before and after the argument in `name`'s address in `language` (the
    public pages are under /ar/ in Arabic), or None."""
    try:
        parts = reverse(name, args=[_MARK]).split(_MARK)
    except NoReverseMatch:
        return None
    return (parts[0], parts[1]) if len(parts) == 2 else None


def detail_url(name: str, arg: str | int) -> str:
    """`reverse(name, args=[arg])` for a route with one `str` or `int` argument (a slug,
    a primary key). An empty or slashed value goes to `reverse()`, which refuses it."""
    text = str(arg)
    around = _around(name, get_script_prefix(), get_language())
    if around is None or not text or "/" in text:
        return reverse(name, args=[arg])
    return f"{around[0]}{quote(text, safe=_SAFE)}{around[1]}"

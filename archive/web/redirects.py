"""Old addresses of merged entities: the 301 to the entity each was merged into.

Both the pages (an entity's page and feed) and the API (an entity's answer) lead on this
way, so the rule lives here, below both."""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse

from archive.models import EntityRedirect


def redirect_merged(
    request, slug: str, kind: str | None = None, *, route: str
) -> HttpResponsePermanentRedirect | None:
    """The permanent redirect from the address of the entity merged away under `slug` (of
    `kind`, when given) to the same address of the public entity that took it over, the
    query string kept; None when no public entity did. `route` is the address's URL name,
    `{kind}` in it standing for the kept entity's kind ("archive:{kind}_feed"). One query
    (EntityRedirect.objects.target): ask on the way to a 404 only."""
    target = EntityRedirect.objects.target(slug, kind)
    if target is None:
        return None
    url = reverse(route.format(kind=target.kind), args=[target.slug])
    query = request.META.get("QUERY_STRING")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

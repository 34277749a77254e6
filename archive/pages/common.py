"""What every public page shares: page sizes, pagination, exports, filter menus and the
redirect from a merged entity's address."""

from __future__ import annotations

import functools

from django.http import Http404
from django.utils.translation import gettext as _

from archive.formats import exports
from archive.models import EntityKind
from archive.reads import selectors
from archive.reads.names import entity_id
from archive.reads.pagination import EstimatedCountPaginator
from archive.web.redirects import redirect_merged

PAGE_SIZE = 20
KIND_PLURAL = {
    EntityKind.PERSON: "people",
    EntityKind.ORGANIZATION: "organizations",
    EntityKind.PLACE: "places",
}


def _page_number(request) -> int:
    """The ?page= number; anything odd is a 404 rather than an error."""
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or len(raw) > 7 or int(raw) < 1:
        raise Http404("No such page.")
    return int(raw)


def paginate(
    request, queryset, *, per_page=PAGE_SIZE, estimate=False, count=None, ids_first=False, seek=None
):
    paginator = EstimatedCountPaginator(
        queryset, per_page, estimate=estimate, ids_first=ids_first, seek=seek
    )
    if count is not None:  # already known (search counts with its facets, in one query)
        paginator.count = count
    number = _page_number(request)
    if number > 1 and number > paginator.num_pages:
        raise Http404("No such page.")
    return paginator.page(number)


class ExportMixin:
    """`?format=csv` or `?format=json` on a list page: every row the page lists (all its
    pages, with the same filters), streamed (archive.formats.exports) instead of the HTML page.

    The view's get_context_data sets `self.export` to (rows, columns, filename) when it
    has a list to give."""

    export = None

    def render_to_response(self, context, **kwargs):
        fmt = self.request.GET.get("format")
        if fmt in exports.FORMATS and self.export is not None:
            rows, columns, filename = self.export
            return exports.response(rows, columns, fmt, filename)
        return super().render_to_response(context, **kwargs)


def is_filtered(request, filterset, *, but=()) -> bool:
    """Whether any filter is set (any but those named in `but`): an unfiltered list may
    estimate its count."""
    return filterset.is_bound and any(
        request.GET.get(name) for name in filterset.filters if name not in but
    )


# Filters PostgreSQL's column statistics estimate within a percent or so (a language is one
# of a column's few common values): a list filtered by them alone may estimate its count
# too. Counting the 300,000 Arabic articles of a million took 60 ms.
ESTIMATED_FILTERS = ("language",)


def stored_count(request, filterset) -> int | None:
    """The length of a list filtered by one entity alone: its stored count of public
    articles (EntityCount, kept exact by triggers), instead of counting the ~20,000 articles
    naming the archive's most named person (140 ms). None for any other filtering."""
    active = {name for name in filterset.filters if request.GET.get(name)}
    if active != {"entity"} or not filterset.is_valid():
        return None
    pk = entity_id(request.GET["entity"])
    return 0 if pk is None else selectors.public_articles_naming(pk)


# The filters whose value is an entity's name or slug (archive.reads.names.entity_id).
ENTITY_FILTERS = ("entity", "speaker", "about")


def unrecognised_names(request, filterset) -> list[str]:
    """The names given to the list's entity filters that name no entity: the page says so,
    rather than an empty list that reads as "nothing was said"."""
    return [
        request.GET[name].strip()
        for name in ENTITY_FILTERS
        if name in filterset.filters
        and (request.GET.get(name) or "").strip()
        and entity_id(request.GET[name]) is None
    ]


def filter_options() -> dict:
    """What the article filter form offers: the languages and the public outlets."""
    return {
        "languages": [("en", _("English")), ("ar", _("Arabic"))],
        "sources": selectors.public_sources(),
    }


def follow_merges(view):
    """An entity page or feed under the slug of an entity since merged away answers 301
    to the kept entity's page or feed (query string kept) instead of 404."""

    @functools.wraps(view)
    def wrapper(request, *args, slug, **kwargs):
        try:
            return view(request, *args, slug=slug, **kwargs)
        except Http404:
            kind, _sep, what = request.resolver_match.url_name.rpartition("_")  # person_feed
            redirect = redirect_merged(request, slug, kind, route="archive:{kind}_" + what)
            if redirect is None:
                raise
            return redirect

    return wrapper

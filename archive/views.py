"""Public pages. Views stay thin: visibility lives in QuerySet methods, shared reads in
archive.selectors, search in archive.search, filters in archive.filters, the side by side in
archive.compare and HTML in archive.rendering; every list is one query plus its count."""

from __future__ import annotations

import calendar
import datetime
import functools

from django.db.models import Count, F
from django.db.models.functions import Left as LeftChars
from django.db.models.functions import Upper
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils import formats
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from archive import caching, citation, exports, selectors
from archive.compare import compare
from archive.filters import ArticleFilter, ClaimFilter, entity_id
from archive.linked_data import claim_json_ld, script_json
from archive.models import (
    Article,
    Claim,
    ClaimKind,
    Entity,
    EntityKind,
    EntityRedirect,
    Source,
    Status,
    Verification,
)
from archive.pagination import EstimatedCountPaginator
from archive.rendering import claim_highlight, mention_highlight, month_chart_svg, render_paragraphs
from archive.search import (
    clean_query,
    did_you_mean,
    entity_names,
    facets,
    find_entities,
    in_rank_order,
    is_capped,
    marked,
    ranked_rows,
    search_articles,
    snippet,
)
from archive.text.context import sentence_around

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


def paginate(request, queryset, *, per_page=PAGE_SIZE, estimate=False, count=None, ids_first=False):
    paginator = EstimatedCountPaginator(queryset, per_page, estimate=estimate, ids_first=ids_first)
    if count is not None:  # already known (search counts with its facets, in one query)
        paginator.count = count
    number = _page_number(request)
    if number > 1 and number > paginator.num_pages:
        raise Http404("No such page.")
    return paginator.page(number)


class HomeView(TemplateView):
    template_name = "archive/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_articles"] = Article.objects.public().listing().newest_first()[:10]
        # From the stored counts: cheap, so no cache, and never minutes out of date.
        context["top_entities"] = selectors.top_entities()
        context["kinds"] = EntityKind
        return context


# Articles -------------------------------------------------------------------------------


class ArticleListView(TemplateView):
    template_name = "archive/article_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = clean_query(self.request.GET.get("q"))
        base = Article.objects.public().listing(body=bool(q))  # snippets quote the body
        filterset = ArticleFilter(self.request.GET or None, queryset=base)
        if q:
            # Search the filtered articles: the candidates come from them (archive.search).
            data = self.request.GET.copy()
            data.pop("q", None)
            filtered = ArticleFilter(data, queryset=base).qs
            results = search_articles(filtered, q)
            ids = [row[0] for row in ranked_rows(results)]
            page = paginate(self.request, _with_normalized(filtered, ids), count=len(ids))
            _mark_hits(page.object_list, q)
        else:
            page = paginate(
                self.request,
                filterset.qs.newest_first(),
                estimate=not _filtered(self.request, filterset),
                count=_stored_count(self.request, filterset),
                ids_first=True,
            )
        context.update(
            filter=filterset,
            page_obj=page,
            q=q,
            **_filter_options(),
        )
        return context


def _mark_hits(articles, q: str, names: list[str] = ()) -> None:
    """The shown results only: a snippet around the first hit, and the title with its hits
    marked (a phrase may match in the title alone)."""
    for article in articles:
        article.snippet = snippet(article.body, q, names, normalized=article.body_search)
        article.title_marked = marked(article.title, q, names)


def _with_normalized(articles, ids):
    """The articles `ids` in that order, with the normalized body that lets a snippet find
    its first hit without normalizing the body again (archive.search.snippet)."""
    return in_rank_order(articles, ids).defer(None).defer("title_search", "search_vector")


class ExportMixin:
    """`?format=csv` or `?format=json` on a list page: every row the page lists (all its
    pages, with the same filters), streamed (archive.exports) instead of the HTML page.

    The view's get_context_data sets `self.export` to (rows, columns, filename) when it
    has a list to give."""

    export = None

    def render_to_response(self, context, **kwargs):
        fmt = self.request.GET.get("format")
        if fmt in exports.FORMATS and self.export is not None:
            rows, columns, filename = self.export
            return exports.response(rows, columns, fmt, filename)
        return super().render_to_response(context, **kwargs)


def _filtered(request, filterset) -> bool:
    """Whether any filter is set: an unfiltered list may estimate its count."""
    return filterset.is_bound and any(request.GET.get(name) for name in filterset.filters)


def _stored_count(request, filterset) -> int | None:
    """The length of a list filtered by one entity alone: its stored count of public
    articles (EntityCount, kept exact by triggers), instead of counting the ~20,000 articles
    naming the archive's most named person (140 ms). None for any other filtering."""
    active = {name for name in filterset.filters if request.GET.get(name)}
    if active != {"entity"} or not filterset.is_valid():
        return None
    pk = entity_id(request.GET["entity"])
    return 0 if pk is None else selectors.public_articles_naming(pk)


def _filter_options() -> dict:
    """What the article filter form offers: the languages and the public outlets."""
    return {
        "languages": [("en", _("English")), ("ar", _("Arabic"))],
        "sources": Source.objects.public().only("name", "slug"),
    }


@method_decorator(caching.conditional, name="get")  # ETag and 304 (archive/caching.py)
class ArticleDetailView(DetailView):
    template_name = "archive/article_detail.html"

    def get_queryset(self):
        return Article.objects.public().select_related(
            "source", "story", "translation_of", "translation_of__source"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        mentions, claims = (found[article.pk] for found in selectors.annotations([article]))
        highlights = [mention_highlight(m) for m in mentions]
        highlights += [claim_highlight(c) for c in claims]
        context["paragraphs"] = render_paragraphs(article.body, highlights)
        context["claims"] = claims
        context["named"] = selectors.named_in(mentions)
        context["related"] = selectors.related_articles(article)
        context["has_suggested"] = any(m.status == Status.SUGGESTED for m in mentions)
        url = self.request.build_absolute_uri(article.get_absolute_url())
        context["cite"] = citation.all_formats(article, url)
        return context


class CompareView(TemplateView):
    """Two articles side by side, paragraph against paragraph, differences marked."""

    template_name = "archive/article_compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slugs = [self.kwargs["slug"], self.kwargs["other"]]
        if slugs[0] == slugs[1]:
            raise Http404("Compare an article with another one.")
        found = {
            a.slug: a
            for a in Article.objects.public().select_related("source").filter(slug__in=slugs)
        }
        if len(found) != 2:
            raise Http404("No such article.")
        left, right = found[slugs[0]], found[slugs[1]]
        rows, differences = compare(left, right)
        context.update(left=left, right=right, rows=rows, differences=differences)
        return context


# Entities -------------------------------------------------------------------------------


class EntityIndexView(TemplateView):
    """A–Z of one kind of entity, with how many visible mentions each has."""

    kind = None
    template_name = "archive/entity_index.html"
    per_page = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Public entities and their counts in one join with the stored counts (EntityCount).
        entities = Entity.objects.public().filter(kind=self.kind)
        letters = (
            entities.annotate(letter=Upper(LeftChars("name", 1)))
            .values("letter")
            .annotate(n=Count("id"))
            .order_by("letter")
        )
        letters = list(letters)
        letter = self.request.GET.get("letter", "")[:1].upper()
        # The letters' counts add up to the list's length: no second count of the entities.
        total = sum(row["n"] for row in letters if not letter or row["letter"] == letter)
        if letter:
            entities = entities.annotate(letter=Upper(LeftChars("name", 1))).filter(letter=letter)
        page = paginate(
            self.request,
            entities.only("name", "name_ar", "slug", "kind", "description")
            .annotate(n=F("counts__mentions"))
            .order_by("name", "id"),
            per_page=self.per_page,
            count=total,
        )
        context.update(
            kind=self.kind,
            kind_label=EntityKind(self.kind).label,
            letters=letters,
            letter=letter,
            page_obj=page,
        )
        return context


def follow_merges(view):
    """An entity page or feed under the slug of an entity since merged away answers 301
    to the kept entity's page or feed (query string kept) instead of 404."""

    @functools.wraps(view)
    def wrapper(request, *args, slug, **kwargs):
        try:
            return view(request, *args, slug=slug, **kwargs)
        except Http404:
            kind, _sep, what = request.resolver_match.url_name.rpartition("_")  # person_feed
            target = EntityRedirect.objects.target(slug, kind)
            if target is None:
                raise
            url = reverse(f"archive:{target.kind}_{what}", args=[target.slug])
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

    return wrapper


CLAIMS_SHOWN = 10  # on an entity's page, of the claims it made and of those about it


@method_decorator(follow_merges, name="dispatch")
@method_decorator(caching.conditional, name="get")
class EntityDetailView(ExportMixin, DetailView):
    kind = None
    template_name = "archive/entity_detail.html"
    context_object_name = "entity"

    def get_queryset(self):
        return (
            Entity.objects.public()
            .filter(kind=self.kind)
            .select_related("counts")
            .prefetch_related("aliases")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entity = self.object
        articles = Article.objects.public().naming(entity=entity).listing().newest_first()
        page = paginate(self.request, articles, count=entity.counts.articles)
        self.export = (
            exports.article_rows(articles, self.request.build_absolute_uri),
            exports.ARTICLE_COLUMNS,
            f"{entity.slug}-articles",
        )
        claims = Claim.objects.visible().with_articles().select_related("speaker")
        context.update(
            aliases=sorted(entity.aliases.all(), key=lambda a: (a.language, a.name)),
            spellings=selectors.spellings(entity),
            page_obj=page,
            # The newest few of each; "All claims made/about" leads to the whole list.
            claims_made=list(claims.filter(speaker=entity).order_by("-date", "-id")[:CLAIMS_SHOWN]),
            claims_about=list(
                claims.filter(subject_links__entity=entity).order_by("-date", "-id")[:CLAIMS_SHOWN]
            ),
            co_mentioned=selectors.co_mentioned(entity),
            # Spellings and co-mentions read the newest mentions only: say so when cut.
            spellings_sample=(
                selectors.SPELLINGS_SAMPLE
                if entity.counts.mentions > selectors.SPELLINGS_SAMPLE
                else None
            ),
            co_mentioned_sample=(
                selectors.CO_MENTIONED_SAMPLE
                if entity.counts.articles > selectors.CO_MENTIONED_SAMPLE
                else None
            ),
            chart=month_chart_svg(
                selectors.mentions_per_month(entity),
                label=_("Mentions per month of %(name)s") % {"name": entity.name},
            ),
            feed_url=reverse(f"archive:{entity.kind}_feed", args=[entity.slug]),
            index_url=reverse(f"archive:{KIND_PLURAL[entity.kind]}"),
        )
        return context


# Dates ----------------------------------------------------------------------------------


def _valid_date(year, month=1, day=1) -> datetime.date:
    try:
        return datetime.date(int(year), int(month), int(day))
    except (ValueError, OverflowError) as error:
        raise Http404("No such date.") from error


class DateIndexView(TemplateView):
    """Years and months with their article counts, from the stored date counts."""

    template_name = "archive/date_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years = selectors.years_and_months()
        # Twenty years of months: names and addresses made here once per kind, not by a
        # template tag per cell (the grid was most of this page's time).
        names = {m: formats.date_format(datetime.date(2000, m, 1), "M") for m in range(1, 13)}
        for year in years:
            year["url"] = reverse("archive:dates_year", args=[year["year"]])
            for month in year["month_list"]:
                month["label"] = names[month["month"]]
                # dates/<year>/<month>/ (archive/urls.py): the month's page under the year's.
                month["url"] = f"{year['url']}{month['month']:02d}/"
        context["years"] = years
        return context


class DateArchiveView(TemplateView):
    """Articles of a year, a month or a day, at the precision they are dated to."""

    template_name = "archive/date_archive.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year, month, day = self.kwargs["year"], self.kwargs.get("month"), self.kwargs.get("day")
        start = _valid_date(year, 1 if month is None else month, 1 if day is None else day)
        articles = Article.objects.public().filter(published__year=start.year)
        level = "year"
        if month is not None:
            level = "month"
            # A range the date index reads, not published__month (EXTRACT on each of the
            # year's rows: 4.6 of the page's 14 ms at 100,000 articles).
            last = calendar.monthrange(start.year, start.month)[1]
            articles = articles.filter(published__range=(start, start.replace(day=last))).exclude(
                published_precision="year"
            )
        if day is not None:
            level = "day"
            # Only articles dated to the day: a month-dated one is not on a made-up 1st.
            articles = articles.filter(published=start, published_precision="day")
        children = _calendar(level, start)
        page = paginate(
            self.request,
            articles.listing().order_by("published", "published_precision", "id"),
            count=selectors.period_count(start, level),
        )
        previous, following = selectors.neighbour_periods(start, level)
        context.update(
            level=level,
            start=start,
            children=children,
            page_obj=page,
            year_url=_date_url(start, "year"),
            month_url=_date_url(start, "month"),
            previous=previous and {"date": previous, "url": _date_url(previous, level)},
            following=following and {"date": following, "url": _date_url(following, level)},
        )
        return context


class UndatedView(TemplateView):
    """Public articles with no known date, newest added first."""

    template_name = "archive/date_archive.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = Article.objects.public().filter(published__isnull=True).listing()
        context.update(level="undated", page_obj=paginate(self.request, articles.order_by("-id")))
        return context


def _calendar(level: str, start: datetime.date) -> list[dict]:
    """The level below a year (its months) or a month (its days): each with its date, its
    count of public articles, its page and how to label it."""
    if level == "day":
        return []
    counts = selectors.calendar_counts(start, level)
    if level == "year":
        units = [(m, datetime.date(start.year, m, 1)) for m in range(1, 13)]
        below, label_format = "month", "F"
    else:
        days = calendar.monthrange(start.year, start.month)[1]
        units = [(d, datetime.date(start.year, start.month, d)) for d in range(1, days + 1)]
        below, label_format = "day", "j"
    return [
        {
            "date": date,
            "n": counts.get(unit, 0),
            "url": _date_url(date, below),
            "label_format": label_format,
        }
        for unit, date in units
    ]


def _date_url(date: datetime.date, level: str) -> str:
    """The page of the year, month or day holding `date`."""
    parts = [date.year, f"{date.month:02d}", f"{date.day:02d}"]
    return reverse(
        f"archive:dates_{level}", args=parts[: ("year", "month", "day").index(level) + 1]
    )


# Search ---------------------------------------------------------------------------------


class SearchView(ExportMixin, TemplateView):
    template_name = "archive/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = clean_query(self.request.GET.get("q"))
        expand = self.request.GET.get("expand", "1") not in {"0", "false", "off"}
        data = self.request.GET.copy()
        data.pop("q", None)
        filterset = ArticleFilter(data, queryset=Article.objects.public().listing(body=True))
        context.update(
            q=q,
            expand=expand,
            filter=filterset,
            **_filter_options(),
        )
        if not q:
            return context
        entities = find_entities(q)
        base = filterset.qs
        results = search_articles(base, q, expand_entities=expand, entities=entities)
        # One ranked list of the (bounded) candidates serves count, facets and the page.
        rows = ranked_rows(results)
        found, language_facets, source_facets = facets(rows)
        # A chosen language or outlet keeps the others in view: their counts come from the
        # same search without that one filter (one more bounded query per chosen facet).
        for name in ("language", "source"):
            if data.get(name):
                others = data.copy()
                others.pop(name)
                unfiltered = ArticleFilter(others, queryset=Article.objects.public().listing())
                all_rows = ranked_rows(
                    search_articles(unfiltered.qs, q, expand_entities=expand, entities=entities)
                )
                _n, by_language, by_source = facets(all_rows)
                if name == "language":
                    language_facets = by_language
                else:
                    source_facets = by_source
        ids = [row[0] for row in rows]
        page = paginate(self.request, _with_normalized(base, ids), count=found)
        self.export = (
            exports.article_rows(in_rank_order(base, ids), self.request.build_absolute_uri),
            exports.ARTICLE_COLUMNS,
            "search",
        )
        # Highlight every name of the matched entities, in every script.
        names = entity_names(entities) if expand else []
        _mark_hits(page.object_list, q, names)
        context.update(
            entities=entities,
            page_obj=page,
            # Nothing found: offer the close names (a typo), never search for them unasked.
            suggestions=did_you_mean(q) if not found and not entities else [],
            capped=is_capped(found),
            language_facets=language_facets,
            source_facets=source_facets[:20],
        )
        return context


# Claims ---------------------------------------------------------------------------------


class ClaimListView(ExportMixin, TemplateView):
    template_name = "archive/claim_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base = Claim.objects.visible().with_articles().select_related("speaker")
        filterset = ClaimFilter(self.request.GET or None, queryset=base)
        qs = filterset.qs.order_by("-date", "-id")
        page = paginate(self.request, qs, estimate=not _filtered(self.request, filterset))
        self.export = (
            exports.claim_rows(qs, self.request.build_absolute_uri),
            exports.CLAIM_COLUMNS,
            "claims",
        )
        context.update(
            filter=filterset,
            page_obj=page,
            kinds=ClaimKind.choices,
            statuses=Verification.choices,
            **_filter_options(),
        )
        return context


class ClaimDetailView(DetailView):
    template_name = "archive/claim_detail.html"

    def get_queryset(self):
        return Claim.objects.visible().with_articles().select_related("speaker", "same_as")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        claim = self.object
        reports = selectors.claim_reports(claim)
        about = list(Entity.objects.filter(claim_subject_links__claim=claim).order_by("name"))
        context.update(reports=reports, about=about)
        body = Article.objects.values_list("body", flat=True).get(pk=claim.article_id)
        context["context_before"], context["context_quote"], context["context_after"] = (
            sentence_around(body, claim.start, claim.end)
        )
        url = self.request.build_absolute_uri(claim.article.get_absolute_url())
        context["cite"] = citation.all_formats(claim.article, url)
        context["json_ld"] = script_json(claim_json_ld(self.request, claim, reports, about))
        return context

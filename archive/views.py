"""Public pages. Views stay thin: visibility lives in QuerySet methods, search in
archive.search, filters in archive.filters; every list is one query plus its count."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, TruncMonth, Upper
from django.db.models.functions import Left as LeftChars
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from archive.alignment import align_articles, paragraph_offsets
from archive.filters import ArticleFilter, ClaimFilter
from archive.models import (
    NEWEST_FIRST,
    Alias,
    Article,
    Claim,
    ClaimKind,
    Entity,
    EntityKind,
    Mention,
    Source,
    Status,
    Verification,
)
from archive.pagination import EstimatedCountPaginator
from archive.search import clean_query, find_entities, search_articles, snippet
from archive.templatetags.archive_tags import (
    Highlight,
    claim_highlight,
    json_ld,
    mention_highlight,
    month_chart_svg,
    render_paragraphs,
    render_text,
)
from archive.text.align import unmatched_figures

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


def paginate(request, queryset, *, per_page=PAGE_SIZE, estimate=False, count=None):
    paginator = EstimatedCountPaginator(queryset, per_page, estimate=estimate)
    if count is not None:  # already known (search counts with its facets, in one query)
        paginator.count = count
    number = _page_number(request)
    if number > 1 and number > paginator.num_pages:
        raise Http404("No such page.")
    return paginator.page(number)


# Columns a list never shows: the text and its search copies.
ARTICLE_HEAVY_FIELDS = ("body", "title_search", "body_search", "search_vector")


def _public_articles():
    return (
        Article.objects.public()
        .select_related("source")
        .defer(*ARTICLE_HEAVY_FIELDS)
    )


class HomeView(TemplateView):
    template_name = "archive/home.html"
    # Counting a million mentions takes about a second, so the ranking is cached briefly.
    TOP_ENTITIES_TTL = 300

    @staticmethod
    def top_entities():
        """The most-mentioned entities, in one grouped query."""
        return list(
            Entity.objects.annotate(
                n=Count(
                    "mentions",
                    filter=~Q(mentions__status=Status.REJECTED)
                    & Q(mentions__article__is_public=True, mentions__is_orphaned=False),
                )
            )
            .filter(n__gt=0)
            .order_by("-n", "name")[:12]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_articles"] = _public_articles().order_by(*NEWEST_FIRST)[:10]
        context["top_entities"] = cache.get_or_set(
            "home:top-entities", self.top_entities, timeout=self.TOP_ENTITIES_TTL
        )
        context["kinds"] = EntityKind
        return context


# Articles -------------------------------------------------------------------------------


class ArticleListView(TemplateView):
    template_name = "archive/article_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base = Article.objects.public().select_related("source")
        filterset = ArticleFilter(self.request.GET or None, queryset=base)
        qs = filterset.qs
        q = clean_query(self.request.GET.get("q"))
        if not q:
            qs = qs.defer(*ARTICLE_HEAVY_FIELDS).order_by(*NEWEST_FIRST)
        filtered = filterset.is_bound and any(
            self.request.GET.get(name) for name in filterset.filters
        )
        page = paginate(self.request, qs, estimate=not filtered)
        if q:
            for article in page.object_list:
                article.snippet = snippet(article.body, q)
        context.update(
            filter=filterset,
            page_obj=page,
            q=q,
            languages=_languages(),
            sources=Source.objects.public().only("name", "slug"),
        )
        return context


def _languages():
    return [("en", _("English")), ("ar", _("Arabic"))]


class ArticleDetailView(DetailView):
    template_name = "archive/article_detail.html"

    def get_queryset(self):
        return Article.objects.public().select_related(
            "source", "story", "translation_of", "translation_of__source"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        mentions = list(Mention.objects.visible().filter(article=article).select_related("entity"))
        claims = list(
            Claim.objects.visible()
            .filter(article=article)
            .select_related("speaker")
            .order_by("start")
        )
        highlights = [mention_highlight(m) for m in mentions]
        highlights += [claim_highlight(c) for c in claims]
        context["paragraphs"] = render_paragraphs(article.body, highlights)
        context["claims"] = claims
        named: dict[int, dict] = {}
        for m in mentions:
            entry = named.setdefault(
                m.entity_id, {"entity": m.entity, "count": 0, "suggested": True}
            )
            entry["count"] += 1
            entry["suggested"] = entry["suggested"] and m.status == Status.SUGGESTED
        context["named"] = sorted(named.values(), key=lambda e: (-e["count"], e["entity"].name))
        context["related"] = related_articles(article)
        context["has_suggested"] = any(m.status == Status.SUGGESTED for m in mentions)
        return context


def related_articles(article: Article) -> list[dict]:
    """Translations of the article and other coverage of its story, one query."""
    condition = Q(translation_of=article)
    if article.translation_of_id:
        condition |= Q(pk=article.translation_of_id) | Q(
            translation_of_id=article.translation_of_id
        )
    if article.story_id:
        condition |= Q(story_id=article.story_id)
    others = (
        _public_articles()
        .filter(condition)
        .exclude(pk=article.pk)
        .order_by("published", "language", "id")[:50]
    )
    related = []
    for other in others:
        is_translation = (
            other.translation_of_id == article.pk
            or other.pk == article.translation_of_id
            or (article.translation_of_id and other.translation_of_id == article.translation_of_id)
        )
        related.append({"article": other, "is_translation": bool(is_translation)})
    related.sort(key=lambda r: not r["is_translation"])
    return related


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
        mentions = defaultdict(list)
        for m in (
            Mention.objects.visible().filter(article__in=[left, right]).select_related("entity")
        ):
            mentions[m.article_id].append(m)
        claims = defaultdict(list)
        for c in (
            Claim.objects.visible().filter(article__in=[left, right]).select_related("speaker")
        ):
            claims[c.article_id].append(c)
        pairs = align_articles(
            left, right, left_mentions=mentions[left.pk], right_mentions=mentions[right.pk]
        )
        left_rows = _side(left, mentions[left.pk], claims[left.pk])
        right_rows = _side(right, mentions[right.pk], claims[right.pk])
        rows = []
        differences = 0
        for pair in pairs:
            lhtml, rhtml, n = _compare_pair(pair, left_rows, right_rows)
            differences += n
            rows.append({"left": lhtml, "right": rhtml, "pair": pair})
        context.update(left=left, right=right, rows=rows, differences=differences)
        return context


def _side(article, mentions, claims):
    offsets = paragraph_offsets(article.body)
    return {"article": article, "offsets": offsets, "mentions": mentions, "claims": claims}


def _claim_key(claim) -> int:
    return claim.same_as_id or claim.pk


def _compare_pair(pair, left, right):
    """HTML of each side of a pair, with what the other side lacks marked."""
    sides = [(left, right, pair.left, pair.right), (right, left, pair.right, pair.left)]

    def inside(side, indices):
        spans = [side["offsets"][i] for i in indices]
        return lambda s: any(a <= s.start < b for a, b in spans)

    def text_of(side, indices):
        body = side["article"].body
        return [(side["offsets"][i], body[slice(*side["offsets"][i])]) for i in indices]

    html = []
    count = 0
    for this, other, indices, other_indices in sides:
        in_this = inside(this, indices)
        in_other = inside(other, other_indices)
        other_entities = {m.entity_id for m in other["mentions"] if in_other(m)}
        other_claims = {_claim_key(c) for c in other["claims"] if in_other(c)}
        other_text = " ".join(t for _, t in text_of(other, other_indices))
        highlights: list[Highlight] = []
        if other_indices:
            for m in this["mentions"]:
                if in_this(m):
                    lone = m.entity_id not in other_entities
                    count += lone
                    highlights.append(mention_highlight(m, extra_class="only-here" if lone else ""))
            for c in this["claims"]:
                if in_this(c):
                    lone = _claim_key(c) not in other_claims
                    count += lone
                    highlights.append(claim_highlight(c, extra_class="only-here" if lone else ""))
        else:
            highlights += [mention_highlight(m) for m in this["mentions"] if in_this(m)]
            highlights += [claim_highlight(c) for c in this["claims"] if in_this(c)]
        for (start, _end), text in text_of(this, indices):
            if other_indices:
                lone_figures = unmatched_figures(text, other_text)[0]
                for s, e in lone_figures:
                    count += 1
                    highlights.append(
                        Highlight(
                            start + s,
                            start + e,
                            "mark",
                            {"class": "figure only-here", "title": _("Not in the other text")},
                            order=2,
                        )
                    )

        opened: set[int] = set()
        rendered = []
        for i in indices:
            a, b = this["offsets"][i]
            rendered.append((i, render_text(this["article"].body[a:b], a, highlights, opened)))
        html.append(rendered)
    return html[0], html[1], count


# Entities -------------------------------------------------------------------------------


class EntityIndexView(TemplateView):
    """A–Z of one kind of entity, with how many visible mentions each has."""

    kind = None
    template_name = "archive/entity_index.html"
    per_page = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entities = Entity.objects.public().filter(kind=self.kind)
        letters = (
            entities.annotate(letter=Upper(LeftChars("name", 1)))
            .values("letter")
            .annotate(n=Count("id"))
            .order_by("letter")
        )
        letter = self.request.GET.get("letter", "")[:1].upper()
        if letter:
            entities = entities.annotate(letter=Upper(LeftChars("name", 1))).filter(letter=letter)
        page = paginate(
            self.request,
            entities.only("name", "slug", "kind", "description").order_by("name", "id"),
            per_page=self.per_page,
        )
        counts = dict(
            Mention.objects.visible()
            .filter(entity__in=[e.pk for e in page.object_list])
            .values_list("entity")
            .annotate(n=Count("id"))
        )
        for entity in page.object_list:
            entity.n = counts.get(entity.pk, 0)
        context.update(
            kind=self.kind,
            kind_label=EntityKind(self.kind).label,
            letters=list(letters),
            letter=letter,
            page_obj=page,
        )
        return context


class EntityDetailView(DetailView):
    kind = None
    template_name = "archive/entity_detail.html"
    context_object_name = "entity"

    def get_queryset(self):
        return Entity.objects.public().filter(kind=self.kind).prefetch_related("aliases")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entity = self.object
        visible = Mention.objects.visible().filter(entity=entity)
        # Which outlets use which spelling: one grouped query.
        spellings: dict[str, dict] = {}
        for text, source, n in (
            visible.values_list("text", "article__source__name")
            .annotate(n=Count("id"))
            .order_by("-n")[:200]
        ):
            entry = spellings.setdefault(text, {"text": text, "n": 0, "sources": []})
            entry["n"] += n
            if source and source not in entry["sources"]:
                entry["sources"].append(source)
        articles = (
            _public_articles()
            .filter(Exists(visible.filter(article=OuterRef("pk"))))
            .order_by(*NEWEST_FIRST)
        )
        page = paginate(self.request, articles)
        claims = Claim.objects.visible().select_related("article", "speaker")
        co = (
            Mention.objects.visible()
            .filter(article__in=visible.values("article_id"))
            .exclude(entity=entity)
            .values("entity__slug", "entity__name", "entity__kind")
            .annotate(n=Count("article", distinct=True))
            .order_by("-n", "entity__name")[:12]
        )
        months = (
            visible.filter(article__published__isnull=False)
            .annotate(month=TruncMonth("article__published"))
            .values_list("month")
            .annotate(n=Count("id"))
            .order_by("month")
        )
        context.update(
            aliases=sorted(entity.aliases.all(), key=lambda a: (a.language, a.name)),
            spellings=sorted(spellings.values(), key=lambda s: -s["n"]),
            page_obj=page,
            claims_made=list(claims.filter(speaker=entity).order_by("-date", "-id")[:20]),
            claims_about=list(
                claims.filter(subject_links__entity=entity).order_by("-date", "-id")[:20]
            ),
            co_mentioned=list(co),
            chart=month_chart_svg(
                list(months), label=_("Mentions per month of %(name)s") % {"name": entity.name}
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
    """Years and months with their article counts, from one grouped query."""

    template_name = "archive/date_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = (
            Article.objects.public()
            .filter(published__isnull=False)
            .annotate(
                y=ExtractYear("published"),
                m=ExtractMonth("published"),
                year_only=Q(published_precision="year"),
            )
            .values_list("y", "m", "year_only")
            .annotate(n=Count("id"))
            .order_by("-y", "m")
        )
        years: dict[int, dict] = {}
        for y, m, year_only, n in rows:
            entry = years.setdefault(y, {"year": y, "n": 0, "months": {}, "undated_months": 0})
            entry["n"] += n
            if year_only:
                entry["undated_months"] += n
            else:
                entry["months"][m] = entry["months"].get(m, 0) + n
        for entry in years.values():
            entry["month_list"] = [
                {
                    "month": m,
                    "date": datetime.date(entry["year"], m, 1),
                    "n": entry["months"].get(m, 0),
                }
                for m in range(1, 13)
            ]
        context["years"] = list(years.values())
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
            articles = articles.filter(published__month=start.month).exclude(
                published_precision="year"
            )
        if day is not None:
            level = "day"
            # Only articles dated to the day: a month-dated one is not on a made-up 1st.
            articles = articles.filter(published=start, published_precision="day")
        # Counts for the level below, one grouped query.
        children = []
        if level == "year":
            rows = dict(
                articles.exclude(published_precision="year")
                .annotate(m=ExtractMonth("published"))
                .values_list("m")
                .annotate(n=Count("id"))
            )
            children = [
                {
                    "date": datetime.date(start.year, m, 1),
                    "n": rows.get(m, 0),
                    "url": reverse("archive:dates_month", args=[start.year, f"{m:02d}"]),
                    "label_format": "F",
                }
                for m in range(1, 13)
            ]
        elif level == "month":
            rows = dict(
                articles.filter(published_precision="day")
                .annotate(d=ExtractDay("published"))
                .values_list("d")
                .annotate(n=Count("id"))
            )
            days = calendar.monthrange(start.year, start.month)[1]
            children = [
                {
                    "date": datetime.date(start.year, start.month, d),
                    "n": rows.get(d, 0),
                    "url": reverse(
                        "archive:dates_day", args=[start.year, f"{start.month:02d}", f"{d:02d}"]
                    ),
                    "label_format": "j",
                }
                for d in range(1, days + 1)
            ]
        page = paginate(
            self.request,
            articles.select_related("source")
            .defer("body", "title_search", "body_search", "search_vector")
            .order_by("published", "published_precision", "id"),
        )
        context.update(
            level=level,
            start=start,
            children=children,
            page_obj=page,
            year_url=reverse("archive:dates_year", args=[start.year]),
            month_url=reverse("archive:dates_month", args=[start.year, f"{start.month:02d}"]),
        )
        return context


# Search ---------------------------------------------------------------------------------


class SearchView(TemplateView):
    template_name = "archive/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = clean_query(self.request.GET.get("q"))
        expand = self.request.GET.get("expand", "1") not in {"0", "false", "off"}
        data = self.request.GET.copy()
        data.pop("q", None)
        filterset = ArticleFilter(data, queryset=Article.objects.public().select_related("source"))
        context.update(
            q=q,
            expand=expand,
            filter=filterset,
            languages=_languages(),
            sources=Source.objects.public().only("name", "slug"),
        )
        if not q:
            return context
        entities = find_entities(q)
        results = search_articles(filterset.qs, q, expand_entities=expand, entities=entities).defer(
            "title_search", "body_search"
        )
        # One grouped scan gives the total and both facets: on a common word the matches
        # run to tens of thousands, and each extra COUNT would scan them again.
        groups = list(
            results.order_by()
            .values("language", "source__slug", "source__name")
            .annotate(n=Count("id"))
        )
        page = paginate(self.request, results, count=sum(g["n"] for g in groups))
        names = []
        if expand and entities:
            # Highlight every name of the matched entities, in every script (one query).
            names = list(
                Alias.objects.filter(entity__in=[m.entity for m in entities]).values_list(
                    "name", flat=True
                )
            )
        for article in page.object_list:
            article.snippet = snippet(article.body, q, names)
        context.update(
            entities=entities,
            page_obj=page,
            language_facets=_facets(groups, ["language"]),
            source_facets=_facets(groups, ["source__slug", "source__name"])[:20],
        )
        return context


def _facets(groups: list[dict], keys: list[str]) -> list[dict]:
    """Sum grouped counts over `keys`, largest first (rows whose first key is empty drop)."""
    totals: dict[tuple, int] = defaultdict(int)
    for group in groups:
        key = tuple(group[k] for k in keys)
        if key[0]:
            totals[key] += group["n"]
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return [{**dict(zip(keys, key, strict=True)), "n": n} for key, n in ranked]


# Claims ---------------------------------------------------------------------------------


class ClaimListView(TemplateView):
    template_name = "archive/claim_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base = (
            Claim.objects.visible()
            .select_related("article", "article__source", "speaker")
            .defer(*(f"article__{f}" for f in ARTICLE_HEAVY_FIELDS))
        )
        filterset = ClaimFilter(self.request.GET or None, queryset=base)
        filtered = filterset.is_bound and any(
            self.request.GET.get(name) for name in filterset.filters
        )
        page = paginate(self.request, filterset.qs.order_by("-date", "-id"), estimate=not filtered)
        context.update(
            filter=filterset,
            page_obj=page,
            kinds=ClaimKind.choices,
            statuses=Verification.choices,
        )
        return context


class ClaimDetailView(DetailView):
    template_name = "archive/claim_detail.html"

    def get_queryset(self):
        return Claim.objects.visible().select_related(
            "article", "article__source", "speaker", "same_as"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        claim = self.object
        root = claim.same_as_id or claim.pk
        reports = list(
            Claim.objects.visible()
            .filter(Q(pk=root) | Q(same_as_id=root))
            .select_related("article", "article__source", "speaker")
            .order_by("article__published", "id")
        )
        about = list(Entity.objects.filter(claim_subject_links__claim=claim).order_by("name"))
        context.update(reports=reports, about=about)
        context["json_ld"] = json_ld(claim_json_ld(self.request, claim, reports, about))
        return context


def claim_json_ld(request, claim, reports, about) -> dict:
    """schema.org Claim (inside a ClaimReview when the archive rated it)."""

    def article_ld(article):
        data = {
            "@type": "NewsArticle",
            "headline": article.title,
            "url": request.build_absolute_uri(article.get_absolute_url()),
            "inLanguage": article.language,
        }
        if article.published:
            data["datePublished"] = article.published.isoformat()
        if article.source_id:
            data["publisher"] = {"@type": "Organization", "name": article.source.name}
        return data

    data: dict = {
        "@type": "Claim",
        "url": request.build_absolute_uri(claim.get_absolute_url()),
        "text": claim.text,
        "appearance": [article_ld(r.article) for r in reports] or [article_ld(claim.article)],
        "firstAppearance": article_ld(reports[0].article if reports else claim.article),
    }
    if claim.speaker_id:
        kind = {"person": "Person", "organization": "Organization", "place": "Place"}
        author = {
            "@type": kind.get(claim.speaker.kind, "Thing"),
            "name": claim.speaker.name,
            "url": request.build_absolute_uri(claim.speaker.get_absolute_url()),
        }
        if claim.speaker.wikidata_id:
            author["sameAs"] = f"https://www.wikidata.org/wiki/{claim.speaker.wikidata_id}"
        data["author"] = author
    if claim.date:
        data["dateCreated"] = claim.date.isoformat()
    if about:
        data["about"] = [
            {"@type": "Thing", "name": e.name}
            | (
                {"sameAs": f"https://www.wikidata.org/wiki/{e.wikidata_id}"}
                if e.wikidata_id
                else {}
            )
            for e in about
        ]
    if claim.verification == Verification.UNVERIFIED:
        return {"@context": "https://schema.org", **data}
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": data["url"],
        "claimReviewed": claim.text,
        "itemReviewed": data,
        "reviewRating": {"@type": "Rating", "alternateName": claim.get_verification_display()},
    }


def _thing(entity) -> dict:
    thing = {"@type": "Thing", "name": entity.name}
    if entity.wikidata_id:
        thing["sameAs"] = f"https://www.wikidata.org/wiki/{entity.wikidata_id}"
    return thing

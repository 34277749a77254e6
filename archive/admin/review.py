"""The review queue: articles with suggestions nobody has confirmed or rejected yet, the
longest waiting first, each leading to its annotator. Mounted by ArticleAdmin.get_urls at
/admin/archive/article/review/.

Driven from the mentions, not the articles: one grouped pass over the suggested ones (a
partial index, `mention_suggested_idx`, holds exactly them), the planner's estimate instead
of counting a huge queue, and the page's articles in one more query. The number of queries
does not grow with the queue or the page.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min
from django.template.response import TemplateResponse
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from archive.models import Article, Mention, Status
from archive.reads.pagination import EstimatedCountPaginator

PER_PAGE = 50


def can_review(user) -> bool:
    """Who confirms and rejects suggestions: the annotator asks the same."""
    return user.has_perm("archive.change_mention")


def language_name(code: str) -> str:
    """A language's name in the interface's language ("العربية" for "ar" in the Arabic
    admin), as the catalogues name it; a code Django does not know stays as it is."""
    try:
        return _(get_language_info(code)["name"])
    except KeyError:
        return code


def waiting():
    """One row per article with suggested mentions: its id, how many, since when."""
    return (
        Mention.objects.filter(status=Status.SUGGESTED)
        .order_by()
        .values("article_id")
        .annotate(n_suggested=Count("*"), oldest=Min("created"))
        .order_by("oldest", "article_id")
    )


def queue(request):
    if not can_review(request.user):
        raise PermissionDenied
    paginator = EstimatedCountPaginator(waiting(), PER_PAGE, estimate=True)
    page = paginator.get_page(request.GET.get("page"))  # odd numbers: the first or last page
    rows = list(page.object_list)
    articles = (
        Article.objects.select_related("source")
        .only(
            "pk",
            "title",
            "slug",
            "language",
            "is_public",
            "published",
            "published_precision",
            "source__name",
        )
        .in_bulk([r["article_id"] for r in rows])
    )
    items = [
        {**r, "article": articles[r["article_id"]]} for r in rows if r["article_id"] in articles
    ]
    for item in items:
        item["language_name"] = language_name(item["article"].language)
    context = {
        **admin.site.each_context(request),
        "title": _("Review queue"),
        "subtitle": None,
        "opts": Article._meta,
        "items": items,
        "page_obj": page,
        "paginator": paginator,
        "estimated": paginator.is_estimated,
    }
    return TemplateResponse(request, "admin/archive/review/queue.html", context)

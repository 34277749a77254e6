"""Deep pages of the whole article list are found through the stored per-date counts
(archive.reads.selectors.public_ids_at) instead of skipping every article before them:
each page must list exactly what skipping would, hidden articles left out, undated last."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from archive.models import Article
from archive.reads.pagination import EstimatedCountPaginator
from tests.factories import make_article, make_source, make_user

pytestmark = pytest.mark.django_db


def listed(client, page: int) -> list[str]:
    response = client.get(f"/articles/?page={page}")
    assert response.status_code == 200
    items = response.content.decode().split('<ul class="article-list">', 1)[1].split("</ul>")[0]
    return re.findall(r'href="/articles/([^/"]+)/"', items)


@pytest.fixture
def archive():
    """53 articles over a few days, months and years, some hidden, some undated."""
    day = datetime.date(2024, 3, 1)
    made = []
    for n in range(45):
        precision = ("day", "day", "day", "month", "year")[n % 5]
        published = day - datetime.timedelta(days=n // 4)
        if precision == "month":
            published = published.replace(day=1)
        elif precision == "year":
            published = published.replace(month=1, day=1)
        made.append(make_article(published=published, published_precision=precision))
    made += [make_article() for _ in range(8)]  # undated: last, newest added first
    for article in made[3::7]:  # hidden after the counts were kept: the triggers move them
        article.is_public = False
        article.save()
    return made


@pytest.mark.parametrize("seek_from", [0, 10**9], ids=["seeking", "skipping"])
def test_every_page_lists_the_public_articles_newest_first(archive, monkeypatch, seek_from):
    monkeypatch.setattr(EstimatedCountPaginator, "seek_from", seek_from)
    expected = list(
        Article.objects.filter(is_public=True).newest_first().values_list("slug", flat=True)
    )
    assert len(expected) == 45
    client = Client()
    pages = [listed(client, p) for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [20, 20, 5]
    assert sum(pages, []) == expected
    # The list ends with the undated articles, newest added first.
    undated = [a.slug for a in reversed(archive[45:]) if a.is_public]
    assert sum(pages, [])[-len(undated) :] == undated


def test_a_filtered_list_does_not_seek(archive, monkeypatch):
    """Only the whole list's pages come from the per-date counts: a language's list has
    no counts of its own."""
    ar = make_article(language="ar", published=datetime.date(2020, 1, 5))
    monkeypatch.setattr(EstimatedCountPaginator, "seek_from", 0)
    response = Client().get("/articles/?language=ar")
    assert [a.slug for a in response.context["page_obj"].object_list] == [ar.slug]


def test_a_language_list_of_a_huge_archive_says_about_how_many(archive, monkeypatch):
    """A language is a filter PostgreSQL estimates well: as if huge, the Arabic list says
    "about", and a source's list (which it does not) is still counted."""
    make_article(language="ar", published=datetime.date(2020, 1, 5))
    monkeypatch.setattr(EstimatedCountPaginator, "threshold", 0)  # as if huge
    page = Client().get("/articles/?language=ar").content.decode()
    assert re.search(r"about \d+ articles?<", page)  # PostgreSQL's figure, not a count
    source = make_source()
    make_article(source=source, published=datetime.date(2020, 1, 6))
    page = Client().get(f"/articles/?source={source.slug}").content.decode()
    assert "1 article" in page
    assert "about 1 article" not in page


def test_a_huge_admin_changelist_is_estimated_unless_searched(archive, monkeypatch):
    client = Client()
    client.force_login(make_user("ed", group="Editor"))
    monkeypatch.setattr(EstimatedCountPaginator, "threshold", 0)  # as if huge
    response = client.get("/admin/archive/article/")
    assert response.status_code == 200
    assert response.context["cl"].paginator.is_estimated
    response = client.get("/admin/archive/article/?q=Article")
    assert response.status_code == 200
    assert not response.context["cl"].paginator.is_estimated
    assert response.context["cl"].result_count == 45 + 8


@pytest.mark.parametrize("seek_from", [0, 10**9], ids=["seeking", "skipping"])
def test_the_api_pages_the_whole_list_alike(archive, monkeypatch, seek_from):
    monkeypatch.setattr(EstimatedCountPaginator, "seek_from", seek_from)
    expected = list(
        Article.objects.filter(is_public=True).newest_first().values_list("slug", flat=True)
    )
    client = Client()
    got = []
    for page in (1, 2, 3):
        answer = client.get(f"/api/articles/?page={page}&page_size=20").json()
        got += [a["slug"] for a in answer["results"]]
    assert got == expected


@pytest.mark.parametrize("seek_from", [0, 10**9], ids=["seeking", "skipping"])
@pytest.mark.parametrize("period", ["/dates/2024/", "/dates/2024/02/"])
def test_a_periods_pages_list_what_skipping_would(archive, monkeypatch, seek_from, period):
    """A year's or month's pages, oldest first at their precision, seek through the
    stored per-date counts of that period too."""
    monkeypatch.setattr(EstimatedCountPaginator, "seek_from", seek_from)
    public = Article.objects.filter(is_public=True, published__year=2024)
    if period.endswith("/02/"):
        public = public.filter(published__month=2).exclude(published_precision="year")
    expected = list(
        public.order_by("published", "published_precision", "id").values_list("slug", flat=True)
    )
    assert len(expected) > 20
    client = Client()
    got = []
    for page in (1, 2, 3):
        response = client.get(f"{period}?page={page}")
        if response.status_code == 404:
            break
        got += [a.slug for a in response.context["page_obj"].object_list]
    assert got == expected

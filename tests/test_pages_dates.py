"""Browsing by date: years and months from one grouped query, days only when known."""

import pytest

from tests.conftest import query_count
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_date_index_counts_articles_per_year_and_month(client):
    make_article(published="2020-01-04")
    make_article(published="2020-01-20")
    make_article(published="2020-03-01", published_precision="month")
    make_article(published="2019-01-01", published_precision="year")
    html = client.get("/dates/").content.decode()
    assert 'href="/dates/2020/">2020</a> <span class="count">3</span>' in html
    assert 'href="/dates/2020/01/">Jan <span class="count">2</span>' in html
    assert 'href="/dates/2020/03/">Mar <span class="count">1</span>' in html
    assert "1 dated only to the year" in html


def test_month_dated_article_is_in_its_month_not_on_a_made_up_day(client):
    make_article(title="Only a month", published="2020-03-01", published_precision="month")
    make_article(title="On the first", published="2020-03-01")
    assert "Only a month" in client.get("/dates/2020/03/").content.decode()
    day = client.get("/dates/2020/03/01/").content.decode()
    assert "Only a month" not in day and "On the first" in day


def test_year_page_lists_months_and_articles(client):
    make_article(title="Spring piece", published="2020-04-10")
    html = client.get("/dates/2020/").content.decode()
    assert "Spring piece" in html and 'href="/dates/2020/04/">April' in html


def test_impossible_dates_are_404(client):
    for url in [
        "/dates/2020/13/",
        "/dates/2020/00/",
        "/dates/2020/02/30/",
        "/dates/2019/02/29/",
        "/dates/0000/",
        "/dates/20201/",
        "/dates/2020/1/",
        "/dates/abcd/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get("/dates/2020/02/29/").status_code == 200


def test_empty_periods_say_so(client):
    assert "No dated articles yet" in client.get("/dates/").content.decode()
    assert "No articles dated to this period" in client.get("/dates/1999/").content.decode()


def test_date_pages_query_count_does_not_grow(client):
    make_article(published="2020-01-04")
    urls = ["/dates/", "/dates/2020/", "/dates/2020/01/", "/dates/2020/01/04/"]
    small = [query_count(client, u) for u in urls]
    for i in range(10):
        make_article(published=f"2020-01-{i + 1:02d}")
        make_article(published=f"20{10 + i}-0{1 + i % 9}-01", published_precision="month")
    assert [query_count(client, u) for u in urls] == small


def test_periods_link_to_their_neighbours_with_articles_and_undated_ones_have_a_page(client):
    import datetime

    from tests.factories import make_article

    make_article(title="In 2015", published=datetime.date(2015, 3, 9))
    make_article(title="In 2018", published=datetime.date(2018, 1, 1), published_precision="year")
    make_article(title="In 2020", published=datetime.date(2020, 1, 4))
    make_article(title="Hidden 2019", published=datetime.date(2019, 5, 5), is_public=False)
    make_article(title="No date", published=None)
    html = client.get("/dates/2018/").content.decode()
    assert '<a rel="prev" href="/dates/2015/">' in html
    assert '<a rel="next" href="/dates/2020/">' in html  # 2019 holds only a hidden article
    month = client.get("/dates/2020/01/").content.decode()
    assert '<a rel="prev" href="/dates/2015/03/">' in month  # 2018 is known to the year only
    assert 'rel="next"' not in month
    assert 'href="/dates/undated/"' in client.get("/dates/").content.decode()
    undated = client.get("/dates/undated/").content.decode()
    assert "No date" in undated and "In 2015" not in undated

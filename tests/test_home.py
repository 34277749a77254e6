"""The home page and the layout every page extends."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_article, make_entity, make_mention, make_source

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_archive_name_navigation_and_footer(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    for label, href in [
        ("Articles", "/articles/"),
        ("People", "/people/"),
        ("Organizations", "/organizations/"),
        ("Places", "/places/"),
        ("Dates", "/dates/"),
        ("Claims", "/claims/"),
        ("Search", "/search/"),
    ]:
        assert f'<a href="{href}">{label}</a>' in html
    assert "<footer" in html
    assert "No articles yet" in html


def test_home_page_lists_latest_public_articles_only(client):
    make_article(title="Seen on the home page")
    make_article(title="Embargoed story", is_public=False)
    html = client.get("/").content.decode()
    assert "Seen on the home page" in html
    assert "Embargoed story" not in html


def test_home_page_in_arabic_reads_right_to_left(client):
    response = client.get("/ar/")
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_home_page_query_count_does_not_grow_with_the_data(client):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx)

    source = make_source()
    entity = make_entity()
    make_mention(make_article(source=source), entity, "Tripoli")
    small = count_queries()
    for _ in range(10):
        article = make_article(source=make_source())
        make_mention(article, make_entity(), "Tripoli")
    assert count_queries() == small


def test_latest_articles_are_newest_first_with_undated_ones_last(client):
    import datetime

    make_article(title="Undated piece", published=None)
    make_article(title="Older piece", published=datetime.date(2018, 5, 1))
    make_article(title="Newer piece", published=datetime.date(2020, 1, 4))
    html = client.get("/").content.decode()
    assert html.index("Newer piece") < html.index("Older piece") < html.index("Undated piece")


def test_the_main_menu_leads_to_the_stories_in_the_pages_language(client):
    english = client.get("/").content.decode()
    assert '<a href="/stories/">Stories</a>' in english
    arabic = client.get("/ar/").content.decode()
    assert '<a href="/ar/stories/">القصص</a>' in arabic
    assert client.get("/ar/stories/").status_code == 200

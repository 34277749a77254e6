"""What crawlers and link previews read: robots.txt, sitemaps of public pages only,
canonical and hreflang links, a description, Open Graph tags and a favicon."""

import re
from pathlib import Path

import pytest
from lxml import etree

from archive.models import Mention
from tests.conftest import query_count
from tests.factories import (
    make_article,
    make_claim,
    make_entity,
    make_mention,
    make_translation_pair,
)

pytestmark = pytest.mark.django_db
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_urls(client) -> set[str]:
    index = etree.fromstring(client.get("/sitemap.xml").content)
    urls = set()
    for loc in index.iter(f"{SM}loc"):
        page = client.get(loc.text.removeprefix("http://testserver"))
        assert page.status_code == 200
        urls |= {u.text for u in etree.fromstring(page.content).iter(f"{SM}loc")}
    return urls


def test_robots_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_sitemaps_list_public_pages_only(client):
    data = make_translation_pair()
    hidden = make_article(title="Embargoed", body="Haftar spoke.", is_public=False)
    only_hidden = make_entity(name="Hidden Person", aliases={"en": ["Haftar"]})
    make_mention(hidden, only_hidden, "Haftar")
    rejected_only = make_entity(name="Rejected Person", aliases={"en": ["Sarraj said"]})
    make_mention(data["en"], rejected_only, "Sarraj said", status="rejected")
    urls = sitemap_urls(client)
    assert f"http://testserver{data['en'].get_absolute_url()}" in urls
    assert f"http://testserver{data['sarraj'].get_absolute_url()}" in urls
    assert f"http://testserver{hidden.get_absolute_url()}" not in urls
    assert f"http://testserver{only_hidden.get_absolute_url()}" not in urls
    assert f"http://testserver{rejected_only.get_absolute_url()}" not in urls
    assert Mention.objects.filter(entity=rejected_only).exists()


def test_sitemaps_list_claim_and_date_pages_of_public_articles_only(client):
    import datetime as dt

    shown = make_article(title="Shown", published=dt.date(2021, 3, 9))
    make_article(title="Month only", published=dt.date(2019, 7, 1), published_precision="month")
    hidden = make_article(title="Hidden", published=dt.date(2017, 5, 2), is_public=False)
    said = make_claim(shown, "Fayez al-Sarraj met Stephanie Williams")
    rejected = make_claim(shown, "Nothing else", status="rejected")
    unseen = make_claim(hidden, "Fayez al-Sarraj met Stephanie Williams")
    urls = {u.removeprefix("http://testserver") for u in sitemap_urls(client)}
    assert said.get_absolute_url() in urls
    assert rejected.get_absolute_url() not in urls
    assert unseen.get_absolute_url() not in urls
    dates = {u for u in urls if u.startswith("/dates/")}
    assert dates == {
        "/dates/2021/",
        "/dates/2021/03/",
        "/dates/2021/03/09/",
        "/dates/2019/",
        "/dates/2019/07/",
    }
    for url in dates:  # each one lists something
        assert client.get(url).status_code == 200


def test_sitemap_queries_do_not_grow_with_the_archive(client):
    make_translation_pair()
    before = query_count(client, "/sitemap-articles.xml")
    for i in range(15):
        make_article(title=f"More {i}")
    assert query_count(client, "/sitemap-articles.xml") == before


def test_article_head_has_canonical_hreflang_description_and_open_graph(client):
    data = make_translation_pair()
    html = client.get(data["en"].get_absolute_url() + "?utm_source=x").content.decode()
    head = html[: html.index("</head>")]
    assert f'<link rel="canonical" href="http://testserver{data["en"].get_absolute_url()}">' in head
    # hreflang between the interface languages' addresses of this page (tests/test_arabic_urls.py)
    own = data["en"].get_absolute_url()
    assert f'hreflang="ar" href="http://testserver/ar{own}"' in head
    assert f'hreflang="en" href="http://testserver{own}"' in head
    assert f'hreflang="x-default" href="http://testserver{own}"' in head
    assert '<meta property="og:type" content="article">' in head
    assert re.search(r'<meta name="description" content="[^"]{20,}">', head)
    assert 'rel="icon"' in head


def test_the_api_reference_is_served_from_the_project(client):
    html = client.get("/api/docs/").content.decode()
    assert "<redoc spec-url=" in html and "/api/schema/" in html
    assert not re.search(r'(src|href)="https?://', html)  # no CDN, no web fonts
    home = client.get("/").content.decode()
    assert 'href="/api/docs/"' in home


def test_a_404_page_names_no_canonical_address_and_asks_not_to_be_indexed(client):
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    head = response.content.decode().split("</head>")[0]
    assert 'rel="canonical"' not in head
    assert '<meta name="robots" content="noindex">' in head
    found = client.get("/articles/").content.decode().split("</head>")[0]
    assert 'rel="canonical" href="http://testserver/articles/"' in found


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_page_has_a_card_image_of_the_size_it_declares(client, language):
    import struct

    from django.contrib.staticfiles import finders

    data = make_translation_pair()
    client.cookies["django_language"] = language
    for url in ("/", data["en"].get_absolute_url(), data["sarraj"].get_absolute_url()):
        head = client.get(url).content.decode().split("</head>")[0]
        image = re.search(r'<meta property="og:image" content="([^"]+)">', head).group(1)
        assert image.startswith("http://testserver/static/img/card")
        width = re.search(r'og:image:width" content="(\d+)"', head).group(1)
        height = re.search(r'og:image:height" content="(\d+)"', head).group(1)
        assert re.search(r'og:image:alt" content="[^"]{20,}"', head)
    # The file is a PNG of exactly that size (its IHDR chunk).
    png = Path(finders.find("img/card.png")).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (int(width), int(height))

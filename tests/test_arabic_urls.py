"""Each language at its own addresses: English at today's unprefixed addresses, Arabic under
/ar/ (docs/architecture.md, "The public routes"). The address decides a page's language;
the language cookie is only a preference (the admin and the switch read it). Robots, the
sitemaps and the API have one address and answer the same bytes in both languages."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import get_resolver
from lxml import etree

from archive import urls as archive_urls
from tests.factories import make_translation_pair

REDIS = "redis://127.0.0.1:6379/9"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"

pytestmark = pytest.mark.django_db


def public_route_names() -> set[str]:
    """Every public page's URL name (archive/urls.py's `public`, inside i18n_patterns)."""
    return {f"archive:{p.name}" for p in archive_urls.public}


@pytest.fixture
def data():
    return make_translation_pair()


def route_urls(data) -> dict[str, str]:
    """One English address of every public route."""
    en, ar, sarraj, tripoli = data["en"], data["ar"], data["sarraj"], data["tripoli"]
    urls = {
        "archive:home": "/",
        "archive:article_list": "/articles/",
        "archive:article_detail": en.get_absolute_url(),
        "archive:article_compare": f"/articles/{en.slug}/compare/{ar.slug}/",
        "archive:search": "/search/?q=Sarraj",
        "archive:search_feed": "/search/feed/?q=Sarraj",
        "archive:stories": "/stories/",
        "archive:story_detail": f"/stories/{data['story'].slug}/",
        "archive:claims": "/claims/",
        "archive:claim_detail": data["en_claim"].get_absolute_url(),
        "archive:dates": "/dates/",
        "archive:dates_undated": "/dates/undated/",
        "archive:dates_year": "/dates/2020/",
        "archive:dates_month": "/dates/2020/01/",
        "archive:dates_day": "/dates/2020/01/04/",
        "archive:people": "/people/",
        "archive:person_detail": sarraj.get_absolute_url(),
        "archive:person_feed": f"{sarraj.get_absolute_url()}feed/",
        "archive:organizations": "/organizations/",
        "archive:organization_detail": None,  # none in the pair: its index stands for it
        "archive:organization_feed": None,
        "archive:places": "/places/",
        "archive:place_detail": tripoli.get_absolute_url(),
        "archive:place_feed": f"{tripoli.get_absolute_url()}feed/",
    }
    assert set(urls) == public_route_names(), "a public route this test does not open"
    return {name: url for name, url in urls.items() if url}


def is_html(response) -> bool:
    return response["Content-Type"].startswith("text/html")


def test_every_public_route_answers_in_arabic_under_ar_and_in_english_unprefixed(data):
    for name, url in route_urls(data).items():
        english = Client().get(url)
        arabic = Client().get(f"/ar{url}")
        assert english.status_code == 200, (name, url, english.status_code)
        assert arabic.status_code == 200, (name, url, arabic.status_code)
        assert english["Content-Language"] == "en", name
        assert arabic["Content-Language"] == "ar", name
        if is_html(english):
            assert '<html lang="en" dir="ltr">' in english.content.decode(), url
            assert '<html lang="ar" dir="rtl">' in arabic.content.decode(), url
        elif "atom" in english["Content-Type"]:
            assert english.content != arabic.content, url  # the feed's own words translated
        # The address decides: no page varies on the cookie or the reader's languages.
        for response in (english, arabic):
            vary = response.get("Vary", "")
            assert "Cookie" not in vary and "Accept-Language" not in vary, (url, vary)


@pytest.mark.parametrize(
    "reader",
    [
        {"HTTP_ACCEPT_LANGUAGE": "ar"},
        {"HTTP_ACCEPT_LANGUAGE": "ar-LY,ar;q=0.9"},
        {"HTTP_COOKIE": "django_language=ar"},
        {"HTTP_COOKIE": "django_language=ar", "HTTP_ACCEPT_LANGUAGE": "ar"},
        {},
    ],
)
def test_an_unprefixed_address_is_english_whatever_the_reader_prefers(data, reader):
    for url in ("/", data["en"].get_absolute_url(), data["sarraj"].get_absolute_url()):
        response = Client().get(url, **reader)
        assert response.status_code == 200  # no redirect on a preference
        assert '<html lang="en" dir="ltr">' in response.content.decode(), url


def test_an_english_reader_without_a_cookie_never_gets_arabic_from_a_shared_cache(
    redis_cache, data
):
    """Through Redis: the Arabic page, stored first, is another entry than the English one."""
    url = data["sarraj"].get_absolute_url()
    arabic = Client().get(f"/ar{url}", HTTP_COOKIE="django_language=ar")
    english = Client().get(url)
    again = Client().get(url)
    assert '<html lang="ar"' in arabic.content.decode()
    assert '<html lang="en"' in english.content.decode()
    assert english.content == again.content and english["ETag"] == again["ETag"]
    assert english["ETag"] != arabic["ETag"]
    keys = redis_cache._cache.get_client().keys("*archive:page:*")
    assert len(keys) == 2  # two entries, one per address
    assert "Cookie" not in english.get("Vary", "") and "Cookie" not in arabic.get("Vary", "")
    # A stored Arabic page does not answer the English address's If-None-Match.
    assert Client().get(url, HTTP_IF_NONE_MATCH=arabic["ETag"]).status_code == 200


def head_links(html: str) -> dict[str, str]:
    head = html.split("</head>", 1)[0]
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head))


def test_hreflang_pairs_point_at_real_addresses_of_the_same_page(data):
    for name, url in route_urls(data).items():
        path = urlsplit(url).path
        for address in (path, f"/ar{path}"):
            response = Client().get(address)
            if not is_html(response):
                continue
            html = response.content.decode()
            links = head_links(html)
            assert links == {
                "en": f"http://testserver{path}",
                "ar": f"http://testserver/ar{path}",
                "x-default": f"http://testserver{path}",
            }, (name, address, links)
            assert f'<link rel="canonical" href="http://testserver{address}">' in html
            for href in links.values():
                other = Client().get(href.removeprefix("http://testserver"))
                assert other.status_code == 200, href


def test_links_inside_an_arabic_page_stay_under_ar(data):
    for url in ("/", data["en"].get_absolute_url(), data["sarraj"].get_absolute_url()):
        html = Client().get(f"/ar{url}").content.decode()
        body = html.split("<body>", 1)[1]
        hrefs = re.findall(r'(?:href|action)="(/[^"]*)"', body)
        assert hrefs
        # Besides the static files, the API (one address) and the admin, every link stays
        # in Arabic; the switch goes to the English page.
        outside = [
            h
            for h in hrefs
            if not h.startswith(("/ar/", "/static/", "/api/", "/admin/", "/i18n/switch/"))
        ]
        assert outside == [], (url, outside)


def test_the_switch_goes_to_the_same_page_in_the_other_language_and_keeps_the_preference(data):
    reader = Client()
    html = reader.get(data["en"].get_absolute_url()).content.decode()
    switch = re.search(r'<p class="lang-switch"><a href="([^"]+)"', html).group(1)
    response = reader.get(switch.replace("&amp;", "&"))
    assert response.status_code == 302
    assert response["Location"] == f"/ar{data['en'].get_absolute_url()}"
    assert response.cookies["django_language"].value == "ar"
    html = reader.get(response["Location"]).content.decode()
    back = re.search(r'<p class="lang-switch"><a href="([^"]+)"', html).group(1)
    response = reader.get(back.replace("&amp;", "&"))
    assert response["Location"] == data["en"].get_absolute_url()
    assert response.cookies["django_language"].value == "en"
    # The switch goes nowhere but this site.
    response = reader.get("/i18n/switch/", {"language": "ar", "next": "https://evil.example/"})
    assert response["Location"] == "/ar/"
    assert reader.get("/i18n/switch/", {"language": "xx"}).status_code == 400
    # From a page with a query: the same list in the other language (the query it reads).
    html = reader.get("/articles/", {"language": "ar", "utm_source": "x"}).content.decode()
    assert "next=/ar/articles/%3Flanguage%3Dar" in html and "utm_source" not in html


def test_robots_sitemaps_and_the_api_answer_the_same_bytes_in_both_languages(data):
    urls = [
        "/robots.txt",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-entities.xml",
        "/api/articles/",
        f"/api/articles/{data['en'].slug}/",
        f"/articles/{data['en'].slug}/text/",  # the text annotations count in
        "/api/schema/",
    ]
    readers = [
        {},
        {"HTTP_ACCEPT_LANGUAGE": "ar"},
        {"HTTP_COOKIE": "django_language=ar"},
    ]
    for url in urls:
        answers = [Client().get(url, **reader) for reader in readers]
        assert all(a.status_code == 200 for a in answers), url
        assert len({a.content for a in answers}) == 1, url
        assert all(a["Content-Language"] == "en" for a in answers), url
        assert "Accept-Language" not in answers[0].get("Vary", ""), url
        # There is no Arabic robots, sitemap or API.
        assert Client().get(f"/ar{url}").status_code == 404, url
    assert "Disallow: /ar/search/" in Client().get("/robots.txt").content.decode()


def test_the_sitemaps_list_both_languages_with_alternates(data):
    root = etree.fromstring(Client().get("/sitemap-articles.xml").content)
    locs = {u.find(f"{SM}loc").text: u for u in root.iter(f"{SM}url")}
    own = data["en"].get_absolute_url()
    assert f"http://testserver{own}" in locs and f"http://testserver/ar{own}" in locs
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in locs[f"http://testserver/ar{own}"].iter(f"{XHTML}link")
    }
    assert alternates == {
        "en": f"http://testserver{own}",
        "ar": f"http://testserver/ar{own}",
        "x-default": f"http://testserver{own}",
    }
    for loc in locs:
        assert Client().get(loc.removeprefix("http://testserver")).status_code == 200


def test_the_admin_still_follows_the_preference(admin_client):
    admin_client.cookies["django_language"] = "ar"
    response = admin_client.get("/admin/")
    assert '<html lang="ar" dir="rtl"' in response.content.decode()
    assert "Accept-Language" in response["Vary"] and response["Content-Language"] == "ar"


def test_todays_addresses_all_resolve_without_a_prefix():
    # Every public route reverses to an unprefixed address in English.
    resolver = get_resolver()
    assert resolver.resolve("/articles/").url_name == "article_list"
    assert resolver.resolve("/api/articles/").url_name == "api-article-list"


# A browser follows the switch and opens a shared /ar/ link --------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reader_switches_to_arabic_and_a_shared_link_opens_in_arabic(browser, live_server):
    data = make_translation_pair()
    url = data["en"].get_absolute_url()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + url)
    assert page.evaluate("document.documentElement.lang") == "en"
    switch = page.locator(".lang-switch a")
    switch.focus()  # keyboard-reachable: a link
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + f"/ar{url}")
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("document.documentElement.dir") == "rtl"
    shared = page.url
    context.close()
    # The link, shared, in a fresh browser without the cookie, whose reader prefers English.
    fresh = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = fresh.new_page()
    page.goto(shared)
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.context.cookies() == [] or all(
        c["name"] != "django_language" for c in page.context.cookies()
    )
    fresh.close()

"""Atom feeds as RFC 4287 asks, parsed by lxml: an author, entries in their own language,
`published` only when the day is known."""

import datetime
import re

import pytest
from lxml import etree

from archive.models import Article
from tests.factories import make_translation_pair

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def feed(client, url, language="en"):
    if language == "ar":  # the Arabic interface's feed is at its /ar/ address
        url = f"/ar{url}"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return etree.fromstring(response.content)


def test_entity_feed_follows_rfc_4287(client):
    data = make_translation_pair()
    Article.objects.filter(pk=data["en"].pk).update(
        published=datetime.date(2020, 1, 1), published_precision="month"
    )
    Article.objects.filter(pk=data["ar"].pk).update(
        published=datetime.date(2020, 1, 4), published_precision="day"
    )
    url = data["sarraj"].get_absolute_url() + "feed/"
    for language in ("en", "ar"):
        root = feed(client, url, language)
        assert root.tag == f"{ATOM}feed"
        # §4.1.1: atom:feed has id, title, updated, and an author (or every entry has one).
        for name in ("id", "title", "updated"):
            assert root.find(f"{ATOM}{name}") is not None, name
        assert root.find(f"{ATOM}author/{ATOM}name").text
        assert XML_LANG not in root.attrib  # the interface's language is not the content's
        entries = {e.find(f"{ATOM}title").text: e for e in root.findall(f"{ATOM}entry")}
        en, ar = entries[data["en"].title], entries[data["ar"].title]
        assert en.get(XML_LANG) == "en" and ar.get(XML_LANG) == "ar"
        for entry in (en, ar):
            for name in ("id", "title", "updated", "link"):
                assert entry.find(f"{ATOM}{name}") is not None, name
            assert RFC3339.match(entry.find(f"{ATOM}updated").text)
        assert en.find(f"{ATOM}published") is None  # a month is no day
        assert ar.find(f"{ATOM}published").text.startswith("2020-01-04")


def _entry_titles(root) -> list[str]:
    return [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]


def test_a_search_can_be_followed_as_a_feed_of_its_newest_matches(client):
    from tests.factories import make_article

    old = make_article(title="Old talks", body="Ceasefire talks in Geneva.", published="2019-05-01")
    new = make_article(title="New talks", body="Ceasefire talks resume.", published="2021-02-03")
    make_article(title="Unrelated", body="Oil output rose.", published="2022-01-01")
    make_article(title="Embargoed talks", body="Ceasefire talks, secret.", is_public=False)
    page = client.get("/search/?q=ceasefire&page=1").content.decode()
    follow = re.search(r'<a href="([^"]+)" type="application/atom\+xml">Follow', page).group(1)
    assert follow == "/search/feed/?q=ceasefire"  # no page: the whole search
    assert 'rel="alternate" type="application/atom+xml"' in page.split("</head>")[0]
    root = feed(client, follow)
    assert root.findtext(f"{ATOM}title").startswith("“ceasefire” in the ")
    # Newest first, public only, nothing that does not match.
    assert _entry_titles(root) == [new.title, old.title]


def test_a_filtered_list_can_be_followed_and_a_bad_filter_is_refused(client):
    data = make_translation_pair()
    html = client.get("/articles/?language=ar").content.decode()
    assert 'href="/search/feed/?language=ar"' in html
    root = feed(client, "/search/feed/?language=ar")
    assert _entry_titles(root) == [data["ar"].title]
    root = feed(client, f"/search/feed/?entity={data['sarraj'].slug}")
    assert set(_entry_titles(root)) == {data["en"].title, data["ar"].title}
    response = client.get("/search/feed/?date_from=yesterday")
    assert response.status_code == 400 and b"date_from" in response.content


def test_a_feed_answers_304_to_if_modified_since_its_last_modified(client, settings):
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 0  # the view's own answer (the cache: test_cache)
    data = make_translation_pair()
    for url in (data["sarraj"].get_absolute_url() + "feed/", "/search/feed/?q=Sarraj"):
        first = client.get(url)
        modified = first["Last-Modified"]
        again = client.get(url, HTTP_IF_MODIFIED_SINCE=modified)
        assert again.status_code == 304 and again.content == b""
        older = "Mon, 01 Jan 2001 00:00:00 GMT"
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=older).status_code == 200
    # A later edit moves Last-Modified on (a date counts whole seconds): the reader's old
    # date gets the new feed.
    later = data["en"].updated + datetime.timedelta(minutes=1)
    Article.objects.filter(pk=data["en"].pk).update(title="Changed", updated=later)
    url = data["sarraj"].get_absolute_url() + "feed/"
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 200

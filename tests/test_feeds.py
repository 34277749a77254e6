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
    client.cookies["django_language"] = language
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

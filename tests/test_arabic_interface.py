"""The Arabic interface names people in Arabic and keeps English fragments isolated."""

import pytest

from tests.factories import make_translation_pair

pytestmark = pytest.mark.django_db


class arabic:  # noqa: N801 - used as arabic(client).get(url)
    """The Arabic interface: the same page at its /ar/ address (tests/test_arabic_urls.py)."""

    def __init__(self, client):
        self.client = client

    def get(self, path, *args, **kwargs):
        return self.client.get(f"/ar{path}", *args, **kwargs)


def test_names_show_in_arabic_with_english_isolated_where_no_arabic_name(client):
    data = make_translation_pair()
    sarraj = data["sarraj"]
    sarraj.name_ar = "فايز السراج"
    sarraj.save()
    html = arabic(client).get(data["en"].get_absolute_url()).content.decode()
    assert '<bdi lang="ar" dir="rtl">فايز السراج</bdi>' in html
    # Tripoli has no Arabic name stored here: its English name is isolated, left to right.
    assert '<bdi lang="en" dir="ltr">Tripoli</bdi>' in html
    claim_html = arabic(client).get(data["en_claim"].get_absolute_url()).content.decode()
    assert '<bdi lang="ar" dir="rtl">فايز السراج</bdi>' in claim_html


def test_english_interface_keeps_english_names(client):
    data = make_translation_pair()
    data["sarraj"].name_ar = "فايز السراج"
    data["sarraj"].save()
    html = client.get(data["en"].get_absolute_url()).content.decode()
    assert ">Fayez al-Sarraj</a>" in html and '<bdi lang="ar" dir="rtl">فايز' not in html


def test_entity_pages_head_with_the_arabic_name_and_the_english_beside(client):
    data = make_translation_pair()
    sarraj = data["sarraj"]
    sarraj.name_ar = "فايز السراج"
    sarraj.save()
    html = arabic(client).get(sarraj.get_absolute_url()).content.decode()
    assert '<h1><bdi lang="ar" dir="rtl">فايز السراج</bdi></h1>' in html
    assert '<p class="other-name" lang="en" dir="ltr">Fayez al-Sarraj</p>' in html
    index = arabic(client).get("/people/").content.decode()
    assert '<bdi lang="ar" dir="rtl">فايز السراج</bdi>' in index


def test_an_entity_page_in_arabic_names_it_in_arabic_in_its_head_chart_feed_and_neighbours(
    client,
):
    data = make_translation_pair()
    sarraj, tripoli = data["sarraj"], data["tripoli"]
    sarraj.name_ar, tripoli.name_ar = "فايز السراج", "طرابلس"
    sarraj.save()
    tripoli.save()
    html = arabic(client).get(sarraj.get_absolute_url()).content.decode()
    head = html.split("</head>")[0]
    assert "<title>فايز السراج · " in head
    assert '<meta property="og:title" content="فايز السراج">' in head
    assert 'type="application/atom+xml" title="فايز السراج"' in head
    assert "Fayez al-Sarraj" not in head
    assert "<title>ذكر فايز السراج في كل شهر</title>" in html  # the chart's accessible name
    # Often named with: Tripoli by its Arabic name, isolated.
    aside = html.split('id="with-h"')[1]
    assert '<bdi lang="ar" dir="rtl">طرابلس</bdi>' in aside and ">Tripoli<" not in aside
    feed = arabic(client).get(f"/people/{sarraj.slug}/feed/").content.decode()
    assert "<title>فايز السراج " in feed
    # The English interface is unchanged.
    english = client.get(sarraj.get_absolute_url())
    assert "<title>Fayez al-Sarraj · " in english.content.decode()

"""People, organizations and places: the A–Z index, each entity's page, its Atom feed."""

import pytest

from tests.conftest import query_count
from tests.factories import (
    make_article,
    make_claim,
    make_entity,
    make_mention,
    make_source,
    make_translation_pair,
)

pytestmark = pytest.mark.django_db


def test_index_lists_names_a_to_z_with_counts_per_letter_and_mentions(client):
    data = make_translation_pair()
    salame = make_entity(name="Ghassan Salame", kind="person")
    make_mention(
        make_article(body="Ghassan Salame briefed the council.\nEnd."), salame, "Ghassan Salame"
    )
    make_entity(name="Tripoli Port", kind="place")
    make_entity(name="Named Nowhere", kind="person")  # nothing public names them
    html = client.get("/people/").content.decode()
    assert "Named Nowhere" not in html
    assert "Fayez al-Sarraj" in html and "Ghassan Salame" in html and "Tripoli Port" not in html
    assert '?letter=F" >' not in html
    assert 'href="?letter=F">F <span class="count">1</span>' in html
    assert "4 mentions" in html  # Sarraj: two visible mentions per article
    html = client.get("/people/?letter=G").content.decode()
    assert "Ghassan Salame" in html and "Fayez al-Sarraj" not in html
    assert data["tripoli"].name in client.get("/places/").content.decode()
    assert "No one listed yet" in client.get("/organizations/").content.decode()


def test_entity_page_shows_names_spellings_articles_claims_and_chart(client):
    data = make_translation_pair()
    other = make_entity(name="Ahmed Maiteeq", aliases={"ar": ["أحمد معيتيق"]})
    make_claim(data["en"], "officials said", speaker=other, about=[data["sarraj"]])
    html = client.get(data["sarraj"].get_absolute_url()).content.decode()
    assert '<span lang="ar" dir="auto">فايز السراج</span>' in html
    # Which outlet writes which spelling.
    assert '<td dir="auto">السراج</td><td>' + data["source"].name in html
    assert data["en"].get_absolute_url() in html and data["ar"].get_absolute_url() in html
    assert "we want security" in html  # a claim he made
    assert "officials said" in html  # a claim about him
    assert data["tripoli"].get_absolute_url() in html  # named with him
    assert '<svg class="chart"' in html and "January 2020: 4" in html
    # Wider than a phone: its scrolling box is reachable by keyboard, named by its heading.
    assert '<div class="chart-wrap" tabindex="0" role="group" aria-labelledby="chart-h">' in html
    assert "https://www.wikidata.org/wiki/Q6437981" in html
    assert f'href="/people/{data["sarraj"].slug}/feed/"' in html


def test_entity_page_lists_articles_newest_first_and_paginates(client):
    entity = make_entity(name="Khalifa Haftar")
    for day in range(1, 23):
        article = make_article(
            title=f"Haftar day {day:02d}",
            body="Khalifa Haftar spoke.",
            published=f"2020-03-{day:02d}",
        )
        make_mention(article, entity, "Khalifa Haftar")
    html = client.get(entity.get_absolute_url()).content.decode()
    assert html.index("Haftar day 22") < html.index("Haftar day 21")
    assert "Haftar day 02" not in html
    assert "Haftar day 01" in client.get(entity.get_absolute_url() + "?page=2").content.decode()


def test_unknown_entities_and_wrong_kinds_are_404(client):
    data = make_translation_pair()
    assert client.get("/people/nobody/").status_code == 404
    assert client.get(f"/places/{data['sarraj'].slug}/").status_code == 404
    assert client.get("/people/nobody/feed/").status_code == 404
    assert client.get("/people/?page=zz").status_code == 404


def test_atom_feed_lists_public_articles_mentioning_the_entity(client):
    data = make_translation_pair()
    hidden = make_article(body="Fayez al-Sarraj in secret.", is_public=False, title="Secret")
    make_mention(hidden, data["sarraj"], "Fayez al-Sarraj")
    response = client.get(f"/people/{data['sarraj'].slug}/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert "<feed" in xml and data["ar"].title in xml and "Secret" not in xml


def test_entity_pages_query_count_does_not_grow(client):
    data = make_translation_pair()
    url = data["sarraj"].get_absolute_url()
    urls = [url, "/people/", f"/people/{data['sarraj'].slug}/feed/"]
    small = [query_count(client, u) for u in urls]
    for i in range(10):
        article = make_article(source=make_source(), published=f"2019-{i + 1:02d}-01")
        make_mention(article, data["sarraj"], "Fayez al-Sarraj")
        make_mention(article, make_entity(kind="person"), "Stephanie Williams")
        make_claim(article, "Nothing else", speaker=data["sarraj"], about=[make_entity()])
    assert [query_count(client, u) for u in urls] == small


def test_a_much_named_entity_says_its_spellings_and_company_come_from_its_newest(
    client, monkeypatch
):
    from archive.reads import selectors

    monkeypatch.setattr(selectors, "SPELLINGS_SAMPLE", 2)
    monkeypatch.setattr(selectors, "CO_MENTIONED_SAMPLE", 2)
    haftar, serraj = make_entity(name="Khalifa Haftar"), make_entity(name="Fayez Serraj")
    for n in range(3):
        article = make_article(body="Khalifa Haftar met Fayez Serraj.\nEnd.")
        make_mention(article, haftar, "Khalifa Haftar")
        if n:  # named with him in the two newest articles only
            make_mention(article, serraj, "Fayez Serraj")
    html = client.get(haftar.get_absolute_url()).content.decode()
    assert "In the 2 mentions most recently added to the archive." in html
    assert "In the 2 articles naming this most recently added to the archive." in html
    assert f'{serraj.name}</a> <span class="count" title="articles in common">2</span>' in html
    assert '<span class="count">3</span>' in html  # all three articles, from the stored count


def test_index_and_home_rank_by_stored_visible_mentions(client):
    busy, quiet = make_entity(name="Busy Person"), make_entity(name="Quiet Person")
    article = make_article(body="Busy Person, Busy Person and Quiet Person.\nEnd.")
    make_mention(article, busy, "Busy Person")
    make_mention(article, busy, "Busy Person", occurrence=1)
    make_mention(article, quiet, "Quiet Person")
    make_mention(make_article(body="Quiet Person.", is_public=False), quiet, "Quiet Person")
    home = client.get("/").content.decode()
    assert home.index("Busy Person") < home.index("Quiet Person")
    html = client.get("/people/").content.decode()
    assert "2 mentions" in html and "1 mention" in html

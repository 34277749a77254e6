"""Article pages: the list, the annotated article, and two versions side by side."""

import re

import pytest

from archive.models import Article
from archive.reads import selectors
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


# The article page -------------------------------------------------------------------------


def test_article_page_shows_metadata_links_names_and_marks_claims(client):
    data = make_translation_pair(byline="By Jane Roe")
    html = client.get(data["en"].get_absolute_url()).content.decode()
    assert "Libya&#x27;s GNA calls for wider US cooperation" in html
    assert data["source"].name in html and "By Jane Roe" in html
    assert '<time datetime="2020-01-04">4 January 2020</time>' in html
    assert '<article class="article" lang="en" dir="ltr">' in html
    sarraj_url = data["sarraj"].get_absolute_url()
    assert f'href="{sarraj_url}" title="Fayez al-Sarraj">Fayez al-Sarraj</a>' in html
    # The suggested mention is marked as machine-suggested.
    assert re.search(
        r'class="mention mention-person suggested"[^>]*title="Fayez al-Sarraj · machine-suggested"',
        html,
    )
    claim = data["en_claim"]
    assert f'id="claim-{claim.pk}"' in html
    assert 'data-speaker="Fayez al-Sarraj"' in html
    # Translations with a side-by-side link.
    compare = f"/articles/{data['en'].slug}/compare/{data['ar'].slug}/"
    assert f'href="{compare}"' in html
    assert "Read side by side" in html


def test_arabic_article_reads_right_to_left_and_keeps_the_conjunction_joined(client):
    data = make_translation_pair()
    html = client.get(data["ar"].get_absolute_url()).content.decode()
    assert '<article class="article" lang="ar" dir="rtl">' in html
    assert re.search(r'و<a class="mention mention-person"[^>]*>السراج</a>', html)
    # The English it translates is labelled as the original, not as a translation.
    assert '<span class="kind">Original · EN</span>' in html
    assert data["en"].title.replace("'", "&#x27;") in html
    english = client.get(data["en"].get_absolute_url()).content.decode()
    assert '<span class="kind">Translation · AR</span>' in english


def test_month_dated_article_shows_only_its_month(client):
    article = make_article(published="2019-05-01", published_precision="month")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<time datetime="2019-05">May 2019</time>' in html


def test_rejected_mentions_and_non_public_articles_stay_hidden(client):
    entity = make_entity(name="Hidden Person")
    article = make_article(body="Hidden Person spoke.")
    make_mention(article, entity, "Hidden Person", status="rejected")
    html = client.get(article.get_absolute_url()).content.decode()
    assert entity.get_absolute_url() not in html
    secret = make_article(is_public=False)
    assert client.get(secret.get_absolute_url()).status_code == 404
    assert client.get("/articles/no-such-article/").status_code == 404


def test_article_page_query_count_does_not_grow_with_annotations(client):
    data = make_translation_pair()
    small = query_count(client, data["en"].get_absolute_url())
    article = data["en"]
    for _ in range(10):
        entity = make_entity()
        make_mention(article, entity, "Stephanie Williams", status="confirmed")
        make_mention(article, entity, "cooperation")
        make_claim(article, "officials said", speaker=make_entity())
        make_article(story=data["story"], source=make_source())
    assert query_count(client, data["en"].get_absolute_url()) == small


def test_annotations_are_one_prefetch_for_a_queryset_or_fetched_articles(
    django_assert_num_queries,
):
    data = make_translation_pair()
    en, ar = data["en"], data["ar"]
    hidden = make_mention(en, make_entity(), "Stephanie Williams", status="rejected")
    claim = make_claim(en, "officials said", about=[data["sarraj"]])

    def read(articles):
        return {
            a.pk: (
                [(m.pk, m.entity.slug) for m in a.visible_mentions],
                [(c.pk, c.speaker) for c in a.visible_claims],
            )
            for a in articles
        }

    with django_assert_num_queries(3):  # the articles, their mentions, their claims
        through_queryset = read(
            selectors.with_annotations(Article.objects.filter(pk__in=[en.pk, ar.pk]))
        )
    articles = [Article.objects.get(pk=en.pk), Article.objects.get(pk=ar.pk)]
    with django_assert_num_queries(2):
        assert read(selectors.with_annotations(articles)) == through_queryset
    mentions = articles[0].visible_mentions
    assert hidden.pk not in [m.pk for m in mentions]
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)  # reading order
    # The API's claims list their subjects too: one query more, none per claim.
    with django_assert_num_queries(4):
        [article] = selectors.with_annotations(
            Article.objects.filter(pk=en.pk), claim_subjects=True
        )
        subjects = {c.pk: list(c.about.all()) for c in article.visible_claims}
    assert subjects[claim.pk] == [data["sarraj"]]


# The list of articles ---------------------------------------------------------------------


def test_article_list_filters_by_language_source_entity_and_date(client):
    data = make_translation_pair()
    other = make_article(title="Unrelated piece", published="2021-06-01")
    html = client.get("/articles/").content.decode()
    assert data["en"].title.replace("'", "&#x27;") in html and "Unrelated piece" in html
    html = client.get("/articles/?language=ar").content.decode()
    assert data["ar"].title in html and "Unrelated piece" not in html
    html = client.get(f"/articles/?entity={data['sarraj'].slug}").content.decode()
    assert data["ar"].title in html and other.title not in html
    html = client.get(f"/articles/?source={data['source'].slug}").content.decode()
    assert "Unrelated piece" not in html
    html = client.get("/articles/?date_from=2021-01-01").content.decode()
    assert "Unrelated piece" in html and data["ar"].title not in html
    assert "No articles match" in client.get("/articles/?language=zz").content.decode()


def test_article_list_survives_hostile_parameters(client):
    for query in [
        "?date_from=2020-13-45",
        "?page=99999999999999999999",
        "?page=-1",
        "?q=%00%01",
        "?q=" + "ي" * 5000,
        "?q=!!!%20%22%20-%20or",
        "?entity=%F0%9F%98%80",
    ]:
        response = client.get("/articles/" + query)
        assert response.status_code in {200, 400, 404}, query


def test_article_list_pages_and_404s_past_the_end(client):
    for i in range(25):
        make_article(title=f"Piece {i:02d}", published=f"2020-01-{i + 1:02d}")
    first = client.get("/articles/").content.decode()
    assert "Piece 24" in first and "Piece 00" not in first
    assert 'rel="next" href="?page=2"' in first
    assert "Piece 00" in client.get("/articles/?page=2").content.decode()
    assert client.get("/articles/?page=3").status_code == 404


def test_article_list_query_count_does_not_grow(client):
    make_translation_pair()
    small = query_count(client, "/articles/?language=en")
    for _ in range(10):
        make_translation_pair()
    assert query_count(client, "/articles/?language=en") == small
    assert query_count(client, "/articles/") == query_count(client, "/articles/?page=1")


# Side by side -----------------------------------------------------------------------------


def test_side_by_side_aligns_paragraphs_and_shows_arabic_right_to_left(client):
    data = make_translation_pair()
    url = f"/articles/{data['en'].slug}/compare/{data['ar'].slug}/"
    html = client.get(url).content.decode()
    assert 'role="cell" lang="ar" dir="rtl"' in html
    assert 'role="cell" lang="en" dir="ltr"' in html
    # The extra Arabic paragraph has an empty English counterpart: a visible gap.
    assert 'class="compare-cell gap"' in html
    assert "No counterpart in this version" in html
    # Paragraph 1 of each side sits in the same row.
    rows = html.split('class="compare-row"')
    assert any('id="l-1"' in row and 'id="r-1"' in row for row in rows)


def test_side_by_side_numbers_each_paragraph_and_links_it_in_its_article(client):
    data = make_translation_pair()
    en, ar = data["en"], data["ar"]
    html = client.get(f"/articles/{en.slug}/compare/{ar.slug}/").content.decode()
    for article, side in ((en, "l"), (ar, "r")):
        paragraphs = [line for line in article.body.splitlines() if line.strip()]
        for n in range(1, len(paragraphs) + 1):
            link = (
                f'<p id="{side}-{n - 1}"><a class="pnum" href="{article.get_absolute_url()}#p{n}"'
            )
            assert link in html, (side, n)
    # The number leads to the paragraph it names on the article's page.
    page = client.get(ar.get_absolute_url()).content.decode()
    last = len([line for line in ar.body.splitlines() if line.strip()])
    assert f'<p id="p{last}">' in page


def test_side_by_side_marks_what_one_side_has_and_the_other_lacks(client):
    data = make_translation_pair()
    html = client.get(f"/articles/{data['en'].slug}/compare/{data['ar'].slug}/").content.decode()
    # $635 million is only in English.
    assert re.search(r'<mark class="figure only-here"[^>]*>635</mark>', html)
    # Stephanie Williams tagged only in English is marked as such.
    williams = make_entity(name="Stephanie Williams")
    make_mention(data["en"], williams, "Stephanie Williams")
    html = client.get(f"/articles/{data['en'].slug}/compare/{data['ar'].slug}/").content.decode()
    assert re.search(r'class="mention mention-person only-here"[^>]*>Stephanie Williams</a>', html)
    # Sarraj is named on both sides: not marked.
    assert not re.search(r'only-here"[^>]*>Fayez al-Sarraj<', html)


def test_side_by_side_404s_for_unknown_or_hidden_articles(client):
    data = make_translation_pair()
    assert client.get(f"/articles/{data['en'].slug}/compare/nope/").status_code == 404
    assert client.get(f"/articles/{data['en'].slug}/compare/{data['en'].slug}/").status_code == 404
    hidden = make_article(is_public=False)
    assert client.get(f"/articles/{data['en'].slug}/compare/{hidden.slug}/").status_code == 404


def test_side_by_side_query_count_does_not_grow(client):
    data = make_translation_pair()
    url = f"/articles/{data['en'].slug}/compare/{data['ar'].slug}/"
    small = query_count(client, url)
    for _ in range(10):
        entity = make_entity()
        make_mention(data["en"], entity, "cooperation")
        make_mention(data["ar"], entity, "التعاون")
        make_claim(data["en"], "officials said")
    assert query_count(client, url) == small


def test_article_list_pages_newest_first_without_hidden_articles_at_any_depth(client):
    for i in range(45):
        make_article(title=f"Item {i:02d}", published=f"2020-03-{i % 28 + 1:02d}",
                     language="ar" if i % 2 else "en")  # fmt: skip
    make_article(title="Embargoed", published="2020-03-15", is_public=False)
    seen = []
    for page in (1, 2, 3):
        html = client.get(f"/articles/?page={page}").content.decode()
        assert "Embargoed" not in html
        seen += [t for t in (f"Item {i:02d}" for i in range(45)) if t in html]
    assert len(seen) == 45
    expected = [
        a.title for a in Article.objects.public().filter(title__startswith="Item").newest_first()
    ]
    first_page = client.get("/articles/").content.decode()
    positions = [first_page.index(t) for t in expected[:20]]
    assert positions == sorted(positions)
    arabic = client.get("/articles/?language=ar&page=2").content.decode()
    assert "Item 01" in arabic or "Item 03" in arabic  # the older Arabic ones
    assert query_count(client, "/articles/?page=3") == query_count(client, "/articles/")


def test_side_by_side_alignment_is_cached_by_content_and_follows_an_edit(client):
    """The alignment is cached under a digest of the texts and their anchors: an edit to a
    text gives a new alignment at once."""
    from archive.reads.alignment import align_articles

    data = make_translation_pair()
    en, ar = data["en"], data["ar"]
    first = align_articles(en, ar)
    assert align_articles(en, ar) == first
    en.body = en.body + "\nA new closing paragraph only in English."
    en.save()
    again = align_articles(en, ar)
    assert again != first and any(4 in pair.left for pair in again)  # the new paragraph


def test_the_list_by_one_name_counts_public_articles_naming_it_from_the_stored_counts(client):
    person = make_entity(name="Najla Mangoush", slug="najla-mangoush", aliases={"en": ["Mangoush"]})
    for n in range(3):
        make_mention(make_article(body=f"Mangoush spoke {n}."), person, "Mangoush")
    make_mention(make_article(body="Mangoush in secret.", is_public=False), person, "Mangoush")
    make_mention(make_article(body="Mangoush, rejected."), person, "Mangoush", status="rejected")
    html = client.get("/articles/", {"entity": "najla-mangoush"}).content.decode()
    assert "3 articles" in html
    assert len(re.findall(r'<li lang="en"', html)) == 3
    # By a name too, and the queries do not grow with the articles.
    assert "3 articles" in client.get("/articles/", {"entity": "Mangoush"}).content.decode()
    before = query_count(client, "/articles/?entity=najla-mangoush&page=1")  # not yet cached
    for n in range(5):
        make_mention(make_article(body=f"Mangoush again {n}."), person, "Mangoush")
    assert "8 articles" in client.get("/articles/", {"entity": "najla-mangoush"}).content.decode()
    assert query_count(client, "/articles/?entity=najla-mangoush&page=1") == before


def test_a_chosen_facet_value_is_cleared_with_one_link(client):
    from tests.factories import make_translation_pair

    data = make_translation_pair()
    html = client.get(
        f"/search/?q=Sarraj&language=ar&source={data['source'].slug}&page=1"
    ).content.decode()
    language = re.search(
        r'<a class="clear-facet" href="([^"]+)" aria-label="Clear the language">', html
    )
    source = re.search(
        r'<a class="clear-facet" href="([^"]+)" aria-label="Clear the source">', html
    )
    assert language and source
    # Each link drops its own value and the page, and keeps the rest.
    assert "language" not in language.group(1) and "source=" in language.group(1)
    assert "q=Sarraj" in language.group(1) and "page" not in language.group(1)
    assert "source" not in source.group(1) and "language=ar" in source.group(1)
    # Unchosen values have none.
    html = client.get("/search/?q=Sarraj").content.decode()
    assert 'class="clear-facet"' not in html

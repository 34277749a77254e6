"""Search: normalized full-text search in both scripts, entity expansion, snippets, facets."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.formats.highlight import snippet
from archive.models import Article
from archive.reads.fulltext import find_entities, search_articles, wants_expansion
from archive.reads.search import InvalidFilters, search
from tests.factories import make_article, make_entity, make_mention, make_translation_pair

pytestmark = pytest.mark.django_db


def found(query, **kwargs):
    return list(
        search_articles(Article.objects.public(), query, **kwargs).values_list("slug", flat=True)
    )


def test_ya_in_the_query_finds_alef_maqsura_in_the_text():
    article = make_article(language="ar", body="وصل الوفد إلى مستشفى طرابلس المركزي.")
    assert article.slug in found("مستشفي")
    assert article.slug in found("مستشفى")


def test_diacritics_in_the_text_do_not_hide_a_word():
    article = make_article(language="ar", body="قَالَ رَئِيسُ الحُكُومَةِ إِنَّ الاتِّفَاقَ قَرِيبٌ.")
    assert article.slug in found("الاتفاق")
    assert article.slug in found("رئيس الحكومة")


def test_english_search_is_stemmed_and_uses_websearch_syntax():
    a = make_article(title="Talks", body="The delegations were meeting in Tripoli.")
    b = make_article(title="Oil", body="Oil production resumed in Tripoli.")
    assert a.slug in found("meetings")
    assert found('"meeting in Tripoli"') == [a.slug]
    assert found("Tripoli -oil") == [a.slug]
    assert set(found("meeting or production")) == {a.slug, b.slug}


def test_an_english_query_finds_an_arabic_only_article_through_the_entity():
    data = make_translation_pair()
    arabic_only = make_article(language="ar", body="التقى رئيس الحكومة فايز السراج الوفد.")
    make_mention(arabic_only, data["sarraj"], "فايز السراج")
    assert arabic_only.slug in found("Sarraj")
    assert arabic_only.slug not in found("Sarraj", expand_entities=False)


def test_an_arabic_query_finds_english_articles_through_the_entity():
    data = make_translation_pair()
    english_only = make_article(language="en", body="Fayez al-Sarraj flew to Rome.")
    make_mention(english_only, data["sarraj"], "Fayez al-Sarraj")
    results = found("فايز السراج")
    assert english_only.slug in results and data["en"].slug in results
    # Reader-typed proclitics (والسراج) still name him.
    assert [m.entity for m in find_entities("والسراج")] == [data["sarraj"]]


def test_rejected_mentions_and_hidden_articles_are_not_found():
    sarraj = make_entity(name="Fayez al-Sarraj", aliases={"en": ["Sarraj"]})
    rejected = make_article(language="ar", body="نص بلا اسم مطابق.")
    make_mention(rejected, sarraj, "نص", status="rejected")
    hidden = make_article(body="Sarraj in secret.", is_public=False)
    results = found("Sarraj")
    assert rejected.slug not in results and hidden.slug not in results


def test_snippets_highlight_normalized_matches_in_the_original_text():
    body = "قَالَ رَئِيسُ الحُكُومَةِ إِنَّ الاتِّفَاقَ فى مستشفى طرابلس قَرِيبٌ."
    html = snippet(body, "مستشفي الاتفاق")
    assert "<mark>مستشفى</mark>" in html
    assert "<mark>الاتِّفَاقَ</mark>" in html
    html = snippet("Fayez al-Sarraj met <envoys>.", "x", ["Fayez al-Sarraj"])
    assert "<mark>Fayez al-Sarraj</mark>" in html and "&lt;envoys&gt;" in html


def test_search_page_shows_the_entity_card_with_the_matched_alias(client):
    data = make_translation_pair()
    html = client.get("/search/?q=السراج").content.decode()
    assert 'class="entity-card"' in html
    assert data["sarraj"].get_absolute_url() in html
    assert 'class="matched-alias"><bdi lang="ar">السراج</bdi></q>' in html
    assert data["en"].get_absolute_url() in html
    assert "Search the literal words only" in html


def test_search_page_can_turn_entity_expansion_off(client):
    data = make_translation_pair()
    html = client.get("/search/?q=Sarraj&expand=0").content.decode()
    assert data["ar"].get_absolute_url() not in html
    assert data["en"].get_absolute_url() in html
    assert "Include every article naming it" in html


def test_search_page_filters_and_counts_facets(client):
    data = make_translation_pair()
    html = client.get("/search/?q=Sarraj").content.decode()
    assert "2 results" in html
    assert "language=ar" in html and f"source={data['source'].slug}" in html
    html = client.get("/search/?q=Sarraj&language=ar").content.decode()
    assert "1 result" in html and data["ar"].get_absolute_url() in html
    html = client.get("/search/?q=Sarraj&date_from=2021-01-01").content.decode()
    assert "0 results" in html and "Nothing found" in html


def test_search_page_handles_empty_and_hostile_queries(client):
    assert "Type a name" in client.get("/search/").content.decode()
    for q in ["", "%00", "-", '"', "or", "!!!", "a" * 10000, "ي" * 400, "&<>", "(((", "\u202e"]:
        assert client.get("/search/", {"q": q}).status_code == 200, q
    assert client.get("/search/", {"q": "x", "page": "abc"}).status_code == 404


def test_search_page_query_count_does_not_grow(client):
    make_translation_pair()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/search/?q=Sarraj").status_code == 200
        return len(ctx)

    small = count()
    for _ in range(10):
        make_translation_pair()
    assert count() == small


# Bounded candidates ----------------------------------------------------------------------


@pytest.fixture
def few_candidates(monkeypatch):
    """Rank only the newest 3 matches per criterion, as 300 do on a large archive."""
    monkeypatch.setattr("archive.reads.fulltext.CANDIDATES", 3)


def test_a_common_word_shows_n_plus_results_and_the_best_of_the_newest(client, few_candidates):
    for day in range(1, 6):
        make_article(title=f"Oil {day}", body="Oil output rose.", published=f"2020-01-{day:02d}")
    html = client.get("/search/?q=oil").content.decode()
    assert "3+ results" in html and "More articles may match" in html
    shown = html.replace("<mark>Oil</mark>", "Oil")  # titles carry their hits marked
    assert "Oil 5" in shown and "Oil 3" in shown and "Oil 2" not in shown
    # The facets count what is shown, not a count over every match.
    assert '<span class="count">3</span>' in html
    # Fewer matches than the cap: an exact count, no note.
    html = client.get("/search/?q=oil&date_to=2020-01-02").content.decode()
    assert "2 results" in html and "More articles may match" not in html


def test_filters_choose_the_candidates_before_the_cap(client, few_candidates):
    """An older Arabic match is found with language=ar although newer English ones fill
    the cap: the filter applies before the newest matches are taken."""
    old = make_article(language="ar", body="Oil النفط", published="2019-01-01")
    for day in range(1, 5):
        make_article(body="Oil output rose.", published=f"2020-01-{day:02d}")
    assert old.slug not in found("oil")
    html = client.get("/search/?q=oil&language=ar").content.decode()
    assert old.get_absolute_url() in html and "1 result" in html
    body = client.get("/api/articles/?q=oil&language=ar", HTTP_ACCEPT="application/json").json()
    assert [r["slug"] for r in body["results"]] == [old.slug]
    body = client.get("/api/articles/?q=oil", HTTP_ACCEPT="application/json").json()
    assert body["count"] == 3  # what one can page through
    html = client.get("/articles/?q=oil&language=ar").content.decode()
    assert old.get_absolute_url() in html


def test_entity_articles_join_the_candidates_newest_first(few_candidates):
    sarraj = make_entity(name="Fayez al-Sarraj", aliases={"en": ["Sarraj"], "ar": ["السراج"]})
    named = []
    for day in range(1, 6):
        article = make_article(language="ar", body="التقى فايز السراج الوفد.",
                               published=f"2020-02-{day:02d}")  # fmt: skip
        make_mention(article, sarraj, "فايز السراج")
        named.append(article.slug)
    text_only = make_article(body="Sarraj spoke.", published="2019-01-01")
    results = found("Sarraj")
    # The newest three naming him, and the text match (a criterion of its own).
    assert set(results) == {*named[2:], text_only.slug}
    assert results[-1] == text_only.slug  # naming the entity weighs more


def test_orphaned_mentions_do_not_expand_a_search():
    sarraj = make_entity(name="Fayez al-Sarraj", aliases={"en": ["Sarraj"]})
    article = make_article(language="ar", body="نص بلا اسم مطابق.")
    mention = make_mention(article, sarraj, "نص")
    assert article.slug in found("Sarraj")
    type(mention).objects.filter(pk=mention.pk).update(is_orphaned=True)
    assert article.slug not in found("Sarraj")


def test_snippet_from_the_stored_normalized_text_matches_the_slow_path():
    body = ("كلام " * 300) + "قَالَ رَئِيسُ الحُكُومَةِ إِنَّ الاتِّفَاقَ فى مستشفى طرابلس قَرِيبٌ. " + "x " * 50
    article = make_article(language="ar", body=body)
    article.refresh_from_db()
    fast = snippet(body, "مستشفي الاتفاق", normalized=article.body_search)
    assert fast == snippet(body, "مستشفي الاتفاق")
    assert "<mark>مستشفى</mark>" in fast and "<mark>الاتِّفَاقَ</mark>" in fast
    # A stale normalized copy only costs speed: the hit is still found in the body.
    assert snippet(body, "مستشفي", normalized="nothing here") == snippet(body, "مستشفي")


def test_a_name_across_snippet_pieces_is_still_marked():
    body = ("word " * 79) + "Fayez al-Sarraj met envoys."
    html = snippet(body, "x", ["Fayez al-Sarraj"])
    assert "<mark>Fayez al-Sarraj</mark>" in html


def test_a_chosen_facet_keeps_the_other_values_in_view(client):
    data = make_translation_pair()
    html = client.get("/search/?q=Sarraj&language=ar").content.decode()
    facets = html[html.index('class="facets"') : html.index('class="results"')]
    assert "language=en" in facets and "language=ar" in facets
    assert 'aria-current="true">Arabic</a>' in facets
    results = html[html.index('class="results"') :]
    assert data["ar"].get_absolute_url() in results
    assert data["en"].get_absolute_url() not in results


# --- Any spelling, any script ------------------------------------------------------------


def _haftar_archive():
    haftar = make_entity(
        name="Khalifa Haftar",
        slug="khalifa-haftar",
        kind="person",
        aliases={"en": ["Khalifa Haftar", "Haftar"], "ar": ["خليفة حفتر", "حفتر"]},
    )
    sarraj = make_entity(
        name="Fayez al-Sarraj",
        slug="fayez-al-sarraj",
        kind="person",
        aliases={"en": ["Fayez al-Sarraj", "Sarraj"], "ar": ["فايز السراج", "السراج"]},
    )
    tripoli = make_entity(
        name="Tripoli", slug="tripoli", kind="place", aliases={"en": ["Tripoli"], "ar": ["طرابلس"]}
    )
    articles = {}
    for key, body, language, names in [
        ("en_haftar", "Field Marshal Haftar advanced on Tripoli.", "en", [haftar, tripoli]),
        ("ar_haftar", "تقدم المشير حفتر نحو طرابلس.", "ar", [haftar, tripoli]),
        ("ar_sarraj", "التقى السراج وفدا في طرابلس.", "ar", [sarraj, tripoli]),
        ("en_both", "Sarraj and Haftar met in Tripoli.", "en", [sarraj, haftar, tripoli]),
        ("en_tripoli", "Tripoli's port reopened.", "en", [tripoli]),
    ]:
        article = make_article(title=key, body=body, language=language)
        for entity in names:
            word = next(
                a.name for a in entity.aliases.all() if a.name in body and len(a.name.split()) == 1
            )
            make_mention(article, entity, word)
        articles[key] = article
    return {"haftar": haftar, "sarraj": sarraj, "tripoli": tripoli, **articles}


def _slugs(client, q):
    html = client.get("/search/", {"q": q}).content.decode()
    results = html[html.index('class="results"') :] if 'class="results"' in html else ""
    return html, {s for s in re.findall(r'href="/articles/([^/"]+)/"', results)}


@pytest.mark.parametrize("spelling", ["Hifter", "Hafter", "Heftar", "حفتر"])
def test_a_spelling_never_stored_finds_every_article_naming_the_person(client, spelling):
    data = _haftar_archive()
    html, slugs = _slugs(client, spelling)
    expected = {data[k].slug for k in ("en_haftar", "ar_haftar", "en_both")}
    assert expected <= slugs, (spelling, slugs)
    if spelling != "حفتر":
        assert "a spelling of" in html and "Khalifa Haftar" in html


def test_excluding_a_name_excludes_the_entity_in_every_spelling_and_language(client):
    data = _haftar_archive()
    html, slugs = _slugs(client, "Tripoli -Sarraj")
    assert data["ar_sarraj"].slug not in slugs  # names السراج, not the word Sarraj
    assert data["en_both"].slug not in slugs
    assert data["en_tripoli"].slug in slugs and data["ar_haftar"].slug in slugs
    # An excluded name is never a card nor highlighted.
    html, slugs = _slugs(client, "Haftar -Sarraj")
    assert "Fayez al-Sarraj" not in html[: html.index('class="results"')]
    assert "<mark>Sarraj</mark>" not in html
    assert data["en_both"].slug not in slugs and data["en_haftar"].slug in slugs


def test_a_typo_gets_did_you_mean_and_nothing_is_searched_for_it(client):
    _haftar_archive()
    html = client.get("/search/", {"q": "Haftrar"}).content.decode()
    assert "Did you mean" in html and "Haftar" in html


def test_french_and_italian_articles_are_stemmed_in_their_own_language(client):
    french = make_article(
        title="Libye", language="fr", body="Les négociations entre les deux camps ont repris."
    )
    italian = make_article(
        title="Libia", language="it", body="Le trattative tra le fazioni libiche sono riprese."
    )
    _html, slugs = _slugs(client, "négociation")
    assert french.slug in slugs  # "négociations" in the text, the singular asked
    _html, slugs = _slugs(client, "trattativa")
    assert italian.slug in slugs


def test_a_phrase_found_only_in_a_title_is_marked_in_the_title(client):
    article = make_article(
        title="Oil blockade ends in the Crescent", body="Exports resumed on Monday."
    )
    html, slugs = _slugs(client, '"oil blockade"')
    assert article.slug in slugs
    assert "<mark>Oil</mark> <mark>blockade</mark> ends" in html
    # The title is escaped like the snippet.
    make_article(title="<b>Blockade</b> lifted", body="Nothing.")
    html, _slugs_found = _slugs(client, "blockade")
    assert "&lt;b&gt;<mark>Blockade</mark>&lt;/b&gt;" in html and "<b>Blockade" not in html


def test_the_spelling_card_quotes_the_readers_letters_and_a_name_in_their_script(client):
    _haftar_archive()
    html = client.get("/search/", {"q": "Serraj"}).content.decode()
    cards = html[html.index('class="entity-cards"') : html.index('class="search-layout"')]
    assert "<bdi>Serraj</bdi>: a spelling of" in cards  # as typed, not "serraj"
    quoted = re.search(r'class="matched-alias"><bdi lang="(\w+)">([^<]+)<', cards)
    assert quoted.group(1) == "en", quoted.group(0)  # a Latin name for a Latin spelling
    html = client.get("/search/", {"q": "السرّاج"}).content.decode()
    cards = html[html.index('class="entity-cards"') : html.index('class="search-layout"')]
    quoted = re.search(r'class="matched-alias"><bdi lang="(\w+)">', cards)
    assert quoted.group(1) == "ar"


def _two_dbeibahs():
    prime = make_entity(
        name="Abdul Hamid Dbeibah",
        slug="abdul-hamid-dbeibah",
        aliases={"en": ["Abdul Hamid Dbeibah", "Dbeibah"], "ar": ["عبد الحميد الدبيبة"]},
    )
    cousin = make_entity(
        name="Ali Ibrahim Dbeibah",
        slug="ali-ibrahim-dbeibah",
        aliases={"en": ["Ali Ibrahim Dbeibah", "Ali Dbeibah", "Dbaiba"]},
    )
    on_prime = make_article(title="Prime minister", body="Dbeibah opened the session.")
    make_mention(on_prime, prime, "Dbeibah")
    on_cousin = make_article(title="Cousin", body="Ali Dbeibah was named in the inquiry.")
    make_mention(on_cousin, cousin, "Ali Dbeibah")
    return prime, cousin, on_prime, on_cousin


def test_a_spelling_that_fits_two_people_offers_both_and_searches_the_closest(client):
    prime, cousin, on_prime, on_cousin = _two_dbeibahs()
    matches = find_entities("Dbeiba")
    assert [(m.entity, m.searched) for m in matches] == [(prime, True), (cousin, False)]
    html, slugs = _slugs(client, "Dbeiba")
    assert on_prime.slug in slugs and on_cousin.slug not in slugs
    cards = html[html.index('class="entity-cards"') : html.index('class="search-layout"')]
    assert len(re.findall(r'class="entity-card[ "]', cards)) == 2
    choose = re.search(r'class="choose-entity" href="([^"]+)"', cards).group(1)
    assert "Ali" in choose
    # The reader's choice: that name's articles.
    _html, chosen = _slugs(client, re.search(r"q=([^&]+)", choose.replace("&amp;", "&")).group(1))
    assert on_cousin.slug in chosen


def test_cards_name_the_entity_in_arabic_in_the_arabic_interface(client):
    data = make_translation_pair()
    data["sarraj"].name_ar = "فايز السراج"
    data["sarraj"].save()
    html = client.get("/ar/search/", {"q": "Sarraj"}).content.decode()
    cards = html[html.index('class="entity-cards"') : html.index('class="search-layout"')]
    heading = re.search(r"<h2><a [^>]+>(.*?)</a></h2>", cards).group(1)
    assert "فايز السراج" in heading and "Sarraj" not in heading
    assert 'class="other-name" lang="en"' in cards  # the English name beside it


def test_a_quoted_name_finds_its_phrase_and_every_article_naming_the_entity():
    data = make_translation_pair()
    arabic_only = make_article(language="ar", body="التقى رئيس الحكومة فايز السراج الوفد.")
    make_mention(arabic_only, data["sarraj"], "فايز السراج")
    loose = make_article(body="Fayez spoke; al-Sarraj did not.")  # both words, not the phrase
    results = found('"Fayez al-Sarraj"')
    assert data["en"].slug in results and arabic_only.slug in results
    assert loose.slug not in found('"Fayez al-Sarraj"', expand_entities=False)
    assert found('"Fayez al-Sarraj" -Tripoli', expand_entities=False) == []


def test_hyphenated_words_are_found_as_written():
    article = make_article(body="Fayez al-Sarraj welcomed the UN-backed talks.")
    other = make_article(body="Sarraj was away; the talks were backed by nobody.")
    assert found("al-Sarraj", expand_entities=False) == [article.slug]
    assert found("UN-backed", expand_entities=False) == [article.slug]
    assert set(found("Sarraj", expand_entities=False)) == {article.slug, other.slug}
    assert found('"UN-backed talks"', expand_entities=False) == [article.slug]


def test_a_rare_phrase_older_than_the_newest_articles_is_still_found():
    """The phrase is looked for past the newest articles PHRASE_SAMPLE are drawn from."""
    from archive.reads import fulltext as search

    old = make_article(body="The security talks resumed in Tunis.", published="2001-01-01")
    words = make_article(body="Talks on security went nowhere.", published="2001-01-02")
    for n in range(search.PHRASE_SAMPLE + 5):
        make_article(title=f"Filler {n}", body="Security was tight.", published="2020-01-01")
    assert found('"security talks"', expand_entities=False) == [old.slug]
    assert words.slug in found("security talks", expand_entities=False)


# One entry: search() ----------------------------------------------------------------------


def _queries(run):
    with CaptureQueriesContext(connection) as ctx:
        value = run()
    return value, len(ctx)


def test_search_is_one_entry_for_the_page_and_the_api(client):
    data = make_translation_pair()
    result = search("  Sarraj ", {"q": "ignored", "language": ""})
    assert result.query == "Sarraj" and result.expand
    assert [m.entity for m in result.entities] == [data["sarraj"]]
    assert set(result.ids) == {data["en"].pk, data["ar"].pk}
    assert result.total == 2 and not result.capped
    assert [f["language"] for f in result.language_facets] == ["ar", "en"]
    assert [a.pk for a in result.articles()] == result.ids
    assert "Sarraj" in result.names and "السراج" in result.names
    assert result.suggestions == []
    # The API pages through the same ranked list.
    body = client.get("/api/articles/?q=Sarraj", HTTP_ACCEPT="application/json").json()
    assert [r["slug"] for r in body["results"]] == [a.slug for a in result.articles()]
    # The `q` filter of the FilterSet searches the same way.
    assert set(search_articles(Article.objects.public(), "Sarraj")) == set(result.articles())


def test_search_within_filters_and_without_expansion():
    data = make_translation_pair()
    result = search("Sarraj", {"language": "ar"})
    assert result.ids == [data["ar"].pk]
    literal = search("Sarraj", {}, expand=False)
    assert literal.ids == [data["en"].pk] and literal.names == []
    assert literal.entities == []  # not looked up: nothing shows them
    cards = search("Sarraj", {}, expand=False, details=True)
    assert [m.entity for m in cards.entities] == [data["sarraj"]]  # the page's card


def test_details_keep_the_other_facets_of_a_chosen_one_in_view():
    make_translation_pair()
    plain = search("Sarraj", {"language": "ar"})
    assert [f["language"] for f in plain.language_facets] == ["ar"]
    detailed = search("Sarraj", {"language": "ar"}, details=True)
    assert [f["language"] for f in detailed.language_facets] == ["ar", "en"]
    assert detailed.ids == plain.ids


def test_an_empty_query_searches_nothing_and_asks_nothing():
    result, n = _queries(lambda: search("  \x00 ", {"language": "en"}, details=True))
    assert n == 0
    assert result.query == "" and result.ids == [] and result.total == 0
    assert result.filterset.data["language"] == "en"  # the form still shows the filters
    assert result.suggestions == [] and result.names == []


def test_a_strict_search_refuses_a_filter_it_cannot_read_before_searching():
    make_translation_pair()
    with CaptureQueriesContext(connection) as ctx, pytest.raises(InvalidFilters) as raised:
        search("Sarraj", {"date_from": "garbage"}, strict=True)
    assert "date_from" in raised.value.errors and len(ctx) == 0
    # A page's search leaves the unreadable filter out.
    assert search("Sarraj", {"date_from": "garbage"}).total == 2


def test_did_you_mean_and_the_names_to_mark_are_read_only_when_asked():
    _haftar_archive()
    result, n = _queries(lambda: search("Haftrar", {}, details=True))
    assert result.ids == [] and result.entities == []
    (suggested, more) = _queries(lambda: result.suggestions)
    assert more > 0 and [m.entity.name for m in suggested] == ["Khalifa Haftar"]
    assert _queries(lambda: result.suggestions)[1] == 0  # once
    found = search("Haftar", {})
    names, asked = _queries(lambda: found.names)
    assert asked == 1 and {"Haftar", "حفتر"} <= set(names)


def test_a_search_costs_what_the_page_and_the_api_used_to_pay():
    """The API's search reads no cards, names or suggestions; the page's reads them."""
    make_translation_pair()
    _result, api = _queries(lambda: search("Sarraj", {}))
    _result, api_literal = _queries(lambda: search("Sarraj", {}, expand=False))
    _result, page = _queries(lambda: search("Sarraj", {"language": "ar"}, details=True))
    assert api_literal < api < page
    for _ in range(5):
        make_translation_pair()
    assert _queries(lambda: search("Sarraj", {}))[1] == api
    assert _queries(lambda: search("Sarraj", {"language": "ar"}, details=True))[1] == page


@pytest.mark.parametrize(
    ("params", "expected"),
    [({}, True), ({"expand": "1"}, True), ({"expand": "0"}, False), ({"expand": "off"}, False),
     ({"expand": "false"}, False), ({"expand": "yes"}, True)],
)  # fmt: skip
def test_expansion_is_on_unless_turned_off(params, expected):
    assert wants_expansion(params) is expected

"""One page, one article: addresses' keys, extraction measured on saved real pages against
bodies written by hand, and collect_page through the importer, served by tests/pageserver.py."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import defaultdict

import pytest

from archive.ingest.pages import collect, collect_page, decode, extract
from archive.models import Article, CollectedItem, Mention
from archive.text.addresses import text_fingerprint, url_key
from archive.text.normalize import normalize
from tests.factories import make_article, make_entity, make_mention, make_source
from tests.pageserver import DATA, PageServer

PAGES = DATA / "pages"
# What each page is served with: two UTF-8 pages with a wrong charset, one windows-1256
# page whose header names none (its meta charset does).
HEADERS = {
    "ar-najah-libya-1256": "text/html",
    "ar-yemeress-sanaa-wrong-header": "text/html; charset=windows-1256",
    "fr-euronews-soudan-wrong-header": "text/html; charset=ISO-8859-1",
}
NAMES = sorted(p.name.removesuffix(".html") for p in PAGES.glob("*.html"))


def content_type(name: str) -> str:
    return HEADERS.get(name, "text/html; charset=utf-8")


# --- Addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "one, other",
    [
        # A BBC feed's link and the page's own address.
        (
            "https://www.bbc.co.uk/news/world-middle-east-68000000?at_medium=RSS&at_campaign=KARANGA",
            "https://www.bbc.co.uk/news/world-middle-east-68000000",
        ),
        # MSN's syndication parameter, Google's and Facebook's click ids, a fragment.
        (
            "https://www.msn.com/en-us/news/world/houthis/ar-AA1nXyZ?ocid=BingNewsSearch",
            "https://www.msn.com/en-us/news/world/houthis/ar-AA1nXyZ",
        ),
        (
            "https://fr.euronews.com/2023/04/17/affrontements-meurtriers-au-soudan-pourquoi-une-nouvelle-guerre?utm_source=twitter&utm_medium=social&fbclid=IwAR0abc#comments",
            "http://fr.euronews.com/2023/04/17/affrontements-meurtriers-au-soudan-pourquoi-une-nouvelle-guerre/",
        ),
        # An Arabic address linked raw and percent-encoded, and its AMP page.
        (
            "https://www.albahraintoday.com/amp/1128/130256-اشتباكات-بين-قوات-صالح-والحوثيين",
            "https://albahraintoday.com/1128/130256-%D8%A7%D8%B4%D8%AA%D8%A8%D8%A7%D9%83%D8%A7%D8%AA-%D8%A8%D9%8A%D9%86-%D9%82%D9%88%D8%A7%D8%AA-%D8%B5%D8%A7%D9%84%D8%AD-%D9%88%D8%A7%D9%84%D8%AD%D9%88%D8%AB%D9%8A%D9%8A%D9%86",
        ),
        ("https://iha.news/us-and-uk-attack-houthis-in-yemen/amp/", "https://iha.news/us-and-uk-attack-houthis-in-yemen"),
        (
            "https://thearabparrot.com/libyan-armed-groups-clash-near-capital-tripoli/?noamp=mobile",
            "https://thearabparrot.com/libyan-armed-groups-clash-near-capital-tripoli/",
        ),
        # Query order, the default port, a host's case.
        (
            "http://marebpress.net:80/articles.php?lng=arabic&id=46483",
            "http://MAREBPRESS.net/articles.php?id=46483&lng=arabic",
        ),
        (
            "http://www.topix.com/world/libya/2017/05/rival-militias-clash-in-libya-capital?fromrss=1",
            "https://topix.com/world/libya/2017/05/rival-militias-clash-in-libya-capital",
        ),
    ],
)  # fmt: skip
def test_one_article_linked_several_ways_has_one_key(one, other):
    assert url_key(one) == url_key(other)


@pytest.mark.parametrize(
    "one, other",
    [
        ("http://marebpress.net/articles.php?id=46483", "http://marebpress.net/articles.php?id=46484"),
        ("https://yemenonline.info/public/politics/8937", "https://yemenonline.info/public/politics/8938"),
        ("https://example.com:8443/a", "https://example.com/a"),
        ("https://news.example.com/a", "https://example.com/a"),
    ],
)  # fmt: skip
def test_different_articles_keep_different_keys(one, other):
    assert url_key(one) != url_key(other)


def test_the_same_text_republished_has_one_fingerprint_and_a_changed_word_another():
    body = (PAGES / "ar-eremnews-tripoli.body.txt").read_text()
    # Another outlet's copy: straight quotes for curly, other spacing, hamza forms, harakat.
    copy = body.replace('"', "«").replace("  ", " ").replace("أ", "ا").replace("طرابلس", "طَرابلس")
    assert text_fingerprint(copy) == text_fingerprint(body)
    assert text_fingerprint(body.replace("24 ساعة", "48 ساعة")) != text_fingerprint(body)


# --- Extraction measured against the hand-written bodies -------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", normalize(text))


def measure(name: str) -> tuple[int, int, int, int]:
    """(hand paragraphs, of them covered, extracted words, of them boilerplate).

    The extracted words are aligned on the hand-written body's (difflib, word by word): a
    paragraph is covered when at least 95% of its words are found in order, and an
    extracted word that aligns with none of the body's is boilerplate."""
    page = extract(
        (PAGES / f"{name}.html").read_bytes(),
        f"https://example.org/{name}",
        {"Content-Type": content_type(name)},
    )
    hand = [p for p in (PAGES / f"{name}.body.txt").read_text().splitlines() if p.strip()]
    hand_words = [_words(p) for p in hand]
    flat = [w for words in hand_words for w in words]
    got = _words(page.body)
    matcher = difflib.SequenceMatcher(None, got, flat, autojunk=False)
    found = set()
    for _a, b, size in matcher.get_matching_blocks():
        found.update(range(b, b + size))
    covered, start = 0, 0
    for words in hand_words:
        hits = sum(1 for i in range(start, start + len(words)) if i in found)
        covered += hits >= 0.95 * len(words)
        start += len(words)
    return len(hand), covered, len(got), len(got) - len(found)


def test_extraction_covers_the_articles_with_little_boilerplate_in_each_language():
    totals = defaultdict(lambda: [0, 0, 0, 0, 0])
    for name in NAMES:
        row = totals[name[:2]]
        for i, value in enumerate(measure(name)):
            row[i] += value
        row[4] += 1
    assert set(totals) == {"en", "ar", "fr"}
    for language, (paragraphs, covered, words, boilerplate, pages) in totals.items():
        assert pages >= 3, language
        assert covered / paragraphs >= 0.95, (language, covered, paragraphs)
        assert boilerplate / words < 0.05, (language, boilerplate, words)


@pytest.mark.parametrize("name", NAMES)
def test_each_page_gives_its_title_language_and_the_fetched_bytes_digest(name):
    content = (PAGES / f"{name}.html").read_bytes()
    page = extract(content, f"https://example.org/{name}", {"content-type": content_type(name)})
    assert page.language == name[:2]
    assert page.title and "<" not in page.body
    assert page.sha256 == hashlib.sha256(content).hexdigest()
    first = (PAGES / f"{name}.body.txt").read_text().splitlines()[0]
    assert _words(first)[:8] == _words(page.body)[:8]


def test_a_windows_1256_page_is_read_by_its_meta_charset_whatever_the_header_says():
    content = (PAGES / "ar-najah-libya-1256.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    for header in ("text/html", "text/html; charset=ISO-8859-1", "text/html; charset=utf-8"):
        text, encoding = decode(content, {"content-type": header})
        assert encoding == "cp1256"
        assert "حكومة الوفاق الوطني" in text


@pytest.mark.parametrize(
    "meta, header",
    [
        (b"", "text/html; charset=ISO-8859-1"),  # no meta, a wrong header
        (b"", "text/html"),  # nothing said: detected
        (b'<meta charset="iso-8859-1">', "text/html; charset=windows-1256"),  # a wrong meta
        (b'<meta charset="iso-8859-1">', "text/html"),  # only a wrong meta
    ],
)
def test_a_windows_1256_page_with_a_missing_or_wrong_label_is_still_read_as_arabic(meta, header):
    content = (PAGES / "ar-najah-libya-1256.html").read_bytes()
    label = b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
    assert label in content
    text, encoding = decode(content.replace(label, meta), {"content-type": header})
    assert encoding == "cp1256" and "حكومة الوفاق الوطني" in text


def test_a_french_page_in_latin_1_is_not_taken_for_a_misread_one():
    text = (PAGES / "fr-euronews-soudan-wrong-header.html").read_text()
    content = text.replace('charset="utf-8"', 'charset="iso-8859-1"').encode("latin-1", "replace")
    decoded, encoding = decode(content, {"content-type": "text/html"})
    assert encoding == "iso8859-1" and "la capitale soudanaise est le théâtre" in decoded


@pytest.mark.parametrize(
    "name, wrong, words",
    [
        ("ar-yemeress-sanaa-wrong-header", "windows-1256", "جماعة انصار الله الحوثيين"),
        ("fr-euronews-soudan-wrong-header", "ISO-8859-1", "la capitale soudanaise est le théâtre"),
    ],
)
def test_a_utf8_page_served_with_a_wrong_charset_is_read_as_utf8(name, wrong, words):
    content = (PAGES / f"{name}.html").read_bytes()
    page = extract(
        content, "https://example.org/a", {"content-type": f"text/html; charset={wrong}"}
    )
    assert page.encoding == "utf-8"
    assert words in page.body


def test_language_is_detected_when_the_page_says_none_and_trusted_over_a_wrong_one():
    content = (PAGES / "fr-euronews-soudan-wrong-header.html").read_bytes()
    assert b'<html lang="fr">' in content
    for html in (content.replace(b' lang="fr"', b""), content.replace(b'lang="fr"', b'lang="en"')):
        assert (
            extract(html, "https://example.org/a", {"content-type": "text/html"}).language == "fr"
        )
    # A feed that says nothing wrong is followed.
    page = extract(content, "https://example.org/a", {}, feed_entry={"language": "fr-FR"})
    assert page.language == "fr"


def test_dates_at_the_precision_the_page_gives_and_none_made_up():
    def page(name):
        content = (PAGES / f"{name}.html").read_bytes()
        return extract(content, f"https://example.org/{name}", {"content-type": "text/html"})

    month = page("fr-perspectivesmed-khartoum")
    assert (str(month.published), month.precision) == ("2020-06-01", "month")
    day = page("fr-euronews-soudan-wrong-header")
    assert (str(day.published), day.precision) == ("2023-04-17", "day")
    # These pages carry no date: the years in their text ("in 2011") and the footer's
    # copyright are not the article's date.
    assert page("en-von-militia-clash").published is None
    assert page("en-yemenonline-us-strikes").published is None
    assert page("fr-euronews-soudan-wrong-header").byline.lower() == "euronews avec afp"


# --- Collecting through the importer --------------------------------------------------------


# `server` and `collecting`: tests/conftest.py.


def serve(server: PageServer, name: str, path: str | None = None, **options) -> str:
    path = path or f"/news/{name}"
    return server.serve_file(path, PAGES / f"{name}.html", content_type(name), **options)


@pytest.mark.django_db(transaction=True)
def test_a_collected_page_is_one_held_article_with_its_address_and_fixity(server):
    hifter = make_entity(name="Khalifa Haftar", aliases={"en": ["Khalifa Hifter"]})
    url = serve(server, "en-von-militia-clash")
    item = collect_page(url)
    assert item.status == "imported" and item.message == ""
    article = item.article
    assert article.is_public is False  # held for review: the outlet's default
    assert article.url == url and article.url_key == url_key(url)
    assert (
        article.fetched_sha256
        == hashlib.sha256((PAGES / "en-von-militia-clash.html").read_bytes()).hexdigest()
    )
    assert article.sha256 == Article.text_sha256(article.body)
    assert article.body == (PAGES / "en-von-militia-clash.body.txt").read_text().strip() + (
        "\nAFRICANEWS/CO"
    )
    assert article.language == "en" and article.title == "Militia Groups Clash In Libyan"
    assert article.source.url.startswith("https://127.0.0.1")  # the outlet of the page's host
    # The importer's suggestions, as for a manifest.
    assert Mention.objects.filter(article=article, entity=hifter, status="suggested").exists()
    assert article.history.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_outlet_that_publishes_collected_articles_makes_them_public(server):
    source = make_source(name="Euronews", url="https://fr.euronews.com/", publish_collected=True)
    item = collect_page(serve(server, "fr-euronews-soudan-wrong-header"), source=source)
    assert item.article.is_public is True and item.article.source == source
    assert "théâtre" in item.article.body


@pytest.mark.django_db(transaction=True)
def test_the_same_address_with_tracking_parameters_is_fetched_and_imported_once(server):
    url = serve(server, "ar-najah-libya-1256")
    first = collect(url)
    assert first.outcome == "new"
    again = collect(url + "?utm_source=facebook&fbclid=IwAR0x#top")
    assert again.outcome == "duplicate" and again.slug == first.slug
    # The item that made the article still says so; nothing was fetched or written.
    assert again.item.pk == first.item.pk and again.item.status == "imported"
    assert server.fetched("/news/ar-najah-libya-1256") == 1
    assert Article.objects.count() == 1 and CollectedItem.objects.count() == 1
    assert "حكومة الوفاق الوطني" in Article.objects.get().body


@pytest.mark.django_db(transaction=True)
def test_the_same_text_at_another_address_is_the_same_article(server):
    first = collect_page(serve(server, "ar-eremnews-tripoli"))
    # Another outlet reprints it: another address, another page around the same text.
    other = (PAGES / "ar-eremnews-tripoli.html").read_bytes().replace(b"site-header", b"masthead")
    second = collect_page(
        server.route("/reprint/1", other, headers={"Content-Type": "text/html; charset=utf-8"})
    )
    assert second.status == "duplicate" and second.article == first.article
    assert Article.objects.count() == 1 and CollectedItem.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_changed_text_at_a_known_address_goes_through_the_update_path(server):
    name = "en-endsense-us-attack-yemen"
    url = serve(server, name, "/a")
    article = collect_page(url).article
    houthis = make_entity(name="Houthis", kind="organization")
    mention = make_mention(article, houthis, "Houthi rebels", occurrence=1)
    old_text = mention.text
    # The outlet adds a sentence at the top: the mention moves, and is kept.
    changed = (
        (PAGES / f"{name}.html")
        .read_bytes()
        .replace(
            b"<p>The United States has again",
            b"<p>Updated on Thursday with the Pentagon's statement.</p>\n"
            b"<p>The United States has again",
        )
    )
    server.route("/a", changed, headers={"Content-Type": "text/html; charset=utf-8"})
    # A feed does not fetch an address again; an analyst pasting it does.
    assert collect(url).outcome == "duplicate" and server.fetched("/a") == 1
    done = collect(url, refetch=True)
    assert done.outcome == "updated" and done.slug == article.slug
    article.refresh_from_db()
    assert article.body.startswith("Updated on Thursday")
    mention.refresh_from_db()
    assert article.body[mention.start : mention.end] == mention.text == old_text
    assert article.history.count() >= 2  # the old text is in history
    assert article.history.earliest().body.startswith("The United States")
    assert Article.objects.count() == 1
    # The same text again: nothing new.
    assert collect(url, refetch=True).outcome == "duplicate"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "body, content_type, message",
    [
        (b"%PDF-1.4 binary", "application/pdf", "not HTML but application/pdf"),
        (
            b"<html><body><nav><a href='/'>Home</a><a href='/world'>World</a></nav>"
            b"<ul><li><a href='/a'>Houthis strike</a></li></ul></body></html>",
            "text/html",
            "no article",
        ),
        (b"", "text/html", "no page"),
    ],
)
def test_a_bad_page_leaves_the_item_failed_with_the_reason_and_writes_nothing(
    server, body, content_type, message
):
    url = server.route("/bad", body, headers={"Content-Type": content_type})
    item = collect_page(url)
    assert item.status == "failed" and message in item.message
    assert Article.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_body_over_the_limit_is_refused_and_nothing_is_written(server, settings):
    settings.ARCHIVE_MAX_BODY_CHARS = 500
    item = collect_page(serve(server, "fr-perspectivesmed-khartoum"))
    assert item.status == "failed" and "body too long" in item.message
    assert Article.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_missing_page_fails_in_words_and_a_second_try_can_succeed(server):
    url = server.url("/later")
    item = collect_page(url)
    assert item.status == "failed" and "404" in item.message
    serve(server, "fr-sudinfo-damas", "/later")
    item = collect_page(url)
    assert item.status == "imported" and item.attempts == 2 and item.message == ""


@pytest.mark.django_db(transaction=True)
def test_a_page_whose_text_was_imported_from_a_manifest_is_that_article(server, tmp_path):
    from archive.ingest.importing import import_manifests

    name = "fr-euronews-soudan-wrong-header"
    (tmp_path / "a.txt").write_text((PAGES / f"{name}.body.txt").read_text())
    (tmp_path / "manifest.toml").write_text(
        '[[article]]\nfile = "a.txt"\nlanguage = "fr"\ntitle = "Soudan"\nsource = "Euronews"\n'
        'url = "https://fr.euronews.com/2023/04/17/soudan?utm_source=rss"\n'
    )
    assert import_manifests([tmp_path]).new == ["soudan"]
    imported = Article.objects.get()
    assert imported.url_key == "https://fr.euronews.com/2023/04/17/soudan"
    assert imported.text_fingerprint == text_fingerprint(imported.body)
    item = collect_page(serve(server, name))
    assert item.status == "duplicate" and item.article == imported
    assert Article.objects.count() == 1


def test_an_arabic_article_on_a_site_that_says_english_is_arabic():
    content = (PAGES / "ar-eremnews-tripoli.html").read_bytes().replace(b'lang="ar"', b'lang="en"')
    page = extract(content, "https://example.org/a", {"content-type": "text/html"})
    assert page.declared_language == "en" and page.language == "ar"


@pytest.mark.django_db(transaction=True)
def test_a_page_over_the_size_limit_fails_in_words_and_writes_nothing(server, settings):
    settings.ARCHIVE_COLLECT_PAGE_MAX_BYTES = 2000
    item = collect_page(serve(server, "en-endsense-us-attack-yemen"))
    assert item.status == "failed" and item.message
    assert Article.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_collecting_one_page_at_once_make_one_article(server):
    import threading

    from django.db import connection

    url = serve(server, "fr-sudinfo-damas", delay=0.3)  # both fetch before either imports
    results, errors = [], []

    def work(address):
        try:
            results.append(collect(address).outcome)
        except Exception as exc:  # noqa: BLE001 - the assertion below shows it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(u,)) for u in (url, url + "?utm_medium=rss")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(results) == ["duplicate", "new"]
    assert Article.objects.count() == 1 and CollectedItem.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_article_made_in_the_admin_or_by_loaddata_is_found_by_its_address_and_text(server):
    """Its keys are derived on save, whatever wrote it, so collecting the same page later
    finds it rather than making a second article."""
    url = serve(server, "ar-eremnews-tripoli")
    body = (PAGES / "ar-eremnews-tripoli.body.txt").read_text().strip()
    typed = make_article(
        title="Typed by an analyst", body=body, language="ar", url=url + "?utm_medium=x"
    )
    assert typed.url_key == url_key(url) and typed.text_fingerprint
    result = collect(url)
    assert result.outcome == "duplicate" and result.slug == typed.slug
    assert Article.objects.count() == 1
    # An edit of the body in the admin moves the fingerprint with it.
    before = typed.text_fingerprint
    typed.body = body + "\nA correction."
    typed.save()
    assert typed.text_fingerprint != before

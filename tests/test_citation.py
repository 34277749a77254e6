"""Citations carry the date only as precisely as it is known, and the outlet and URLs."""

import datetime
import json

import pytest
from django.utils import translation

from archive.formats import citation
from tests.factories import make_article, make_source

URL = "https://archive.example/articles/x/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def outlet(db):
    return make_source(name="Libya Observer")


@pytest.mark.parametrize(
    ("precision", "published", "parts", "shown"),
    [
        ("year", datetime.date(2018, 1, 1), [2018], "2018"),
        ("month", datetime.date(2020, 1, 1), [2020, 1], "January 2020"),
        ("day", datetime.date(2020, 1, 4), [2020, 1, 4], "4 January 2020"),
    ],
)
def test_date_at_its_precision_in_every_format(outlet, precision, published, parts, shown):
    article = make_article(
        source=outlet, published=published, published_precision=precision, byline="A. Assad"
    )
    item = citation.csl(article, URL)
    assert item["issued"] == {"date-parts": [parts]}
    text = citation.plain(article, URL, accessed=datetime.date(2026, 11, 23))
    assert f"Libya Observer, {shown}." in text
    assert "1 January" not in text
    bib = citation.bibtex(article, URL)
    assert f"year = {parts[0]}" in bib
    assert ("month = jan" in bib) == (len(parts) > 1)
    assert ("day = " in bib) == (len(parts) > 2)


def test_original_and_archive_urls_and_outlet(outlet):
    article = make_article(source=outlet, url="https://www.libyaobserver.ly/news/x")
    item = citation.csl(article, URL)
    assert item["URL"] == "https://www.libyaobserver.ly/news/x"
    assert item["archive"] == URL
    assert item["container-title"] == "Libya Observer"
    text = citation.plain(article, URL)
    assert "https://www.libyaobserver.ly/news/x" in text and URL in text


def test_undated_article_without_outlet_says_so(db):
    article = make_article(source=None, published=None, byline="")
    text = citation.plain(article, URL)
    assert "Unknown outlet, undated." in text
    assert "issued" not in citation.csl(article, URL)
    assert "year =" not in citation.bibtex(article, URL)
    assert citation.csl(article, URL)["URL"] == URL  # no original known: the archive's


def test_editorial_title_is_marked(outlet):
    article = make_article(source=outlet, title="Dbeibah discusses cooperation")
    article.title_is_editorial = True
    assert "[Dbeibah discusses cooperation]" in citation.plain(article, URL)
    assert citation.csl(article, URL)["title"] == "[Dbeibah discusses cooperation]"


def test_bibtex_escapes_and_csl_is_json(outlet):
    article = make_article(source=outlet, title="50% of {militias} & more_", language="en")
    bib = citation.bibtex(article, URL)
    assert r"50\% of \{militias\} \& more\_" in bib
    assert bib.startswith("@article{") and bib.endswith("}")
    assert bib.count("{") - bib.count(r"\{") == bib.count("}") - bib.count(r"\}")
    data = json.loads(citation.all_formats(article, URL)["csl"])
    assert data[0]["type"] == "article-newspaper"

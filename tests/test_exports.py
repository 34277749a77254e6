"""Exports stream CSV and JSON a spreadsheet opens safely, dates at their precision."""

import csv
import datetime
import io
import json

import pytest

from archive.formats import exports
from archive.models import Article, Claim
from tests.factories import make_article, make_claim, make_entity, make_source


def absolute(path):
    return "https://archive.example" + path


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def articles(db):
    outlet = make_source(name="Libya Observer")
    make_article(
        title='=HYPERLINK("http://evil")',
        source=outlet,
        published=datetime.date(2018, 1, 1),
        published_precision="year",
    )
    make_article(title="اجتماع السراج", language="ar", source=None, published=None)
    return Article.objects.order_by("id")


def test_csv_is_streamed_and_safe_in_a_spreadsheet(articles):
    response = exports.response(
        exports.article_rows(articles, absolute), exports.ARTICLE_COLUMNS, "csv", "articles"
    )
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="articles.csv"'
    text = body(response)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0]["title"].startswith("'=HYPERLINK")  # never run as a formula
    assert rows[0]["published"] == "2018"  # not 2018-01-01
    assert rows[1]["title"] == "اجتماع السراج" and rows[1]["outlet"] == ""
    assert rows[1]["archive_url"].startswith("https://archive.example/articles/")


def test_json_export_is_one_valid_array(articles):
    response = exports.response(
        exports.article_rows(articles, absolute), exports.ARTICLE_COLUMNS, "json", "articles"
    )
    data = json.loads(body(response))
    assert [row["published"] for row in data] == ["2018", ""]
    assert json.loads(body(exports.response(iter([]), [], "json", "none"))) == []


def test_claims_export_has_words_not_codes(db):
    article = make_article(body="Sarraj said the talks went well.")
    speaker = make_entity(name="Fayez al-Sarraj", kind="person")
    make_claim(article, "the talks went well", speaker=speaker, kind="direct_quote")
    rows = list(exports.claim_rows(Claim.objects.all(), absolute))
    assert rows[0]["speaker"] == "Fayez al-Sarraj"
    assert rows[0]["kind"] != "direct_quote" and rows[0]["kind"]


def test_pages_export_their_whole_list_with_their_filters(db, client):
    from tests.factories import make_translation_pair

    data = make_translation_pair()
    hidden = make_article(title="Hidden Sarraj story", body="Sarraj met them.", is_public=False)
    # Search: the same results as the page, hidden articles never.
    response = client.get("/search/?q=Sarraj&format=csv")
    assert response.status_code == 200 and response.streaming
    rows = list(csv.DictReader(io.StringIO(body(response).lstrip("\ufeff"))))
    slugs = {row["slug"] for row in rows}
    assert {data["en"].slug, data["ar"].slug} <= slugs and hidden.slug not in slugs
    # With a filter: only Arabic.
    response = client.get("/search/?q=Sarraj&language=ar&format=json")
    assert [row["slug"] for row in json.loads(body(response))] == [data["ar"].slug]
    # An entity's articles.
    url = data["sarraj"].get_absolute_url()
    rows = json.loads(body(client.get(url + "?format=json")))
    assert {row["slug"] for row in rows} == {data["en"].slug, data["ar"].slug}
    assert 'href="?format=csv"' in client.get(url).content.decode()
    # Claims, filtered by speaker.
    response = client.get(f"/claims/?speaker={data['sarraj'].slug}&format=csv")
    rows = list(csv.DictReader(io.StringIO(body(response).lstrip("\ufeff"))))
    assert rows and all(row["speaker"] == "Fayez al-Sarraj" for row in rows)
    # Anything else is the page itself.
    assert client.get("/claims/?format=xls").headers["Content-Type"].startswith("text/html")

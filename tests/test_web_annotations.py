"""The rules of the W3C Web Annotation Data Model and Protocol that the archive's
annotations endpoint must keep, written from the specifications
(https://www.w3.org/TR/annotation-model/, https://www.w3.org/TR/annotation-protocol/)."""

import re

import pytest

from archive.models import Article
from tests.factories import make_entity, make_translation_pair

pytestmark = pytest.mark.django_db

PROFILE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
# Terms the Web Annotation JSON-LD context (anno.jsonld) defines that we use; a key outside
# it is dropped by JSON-LD processing, so it must not appear.
CONTEXT_TERMS = {
    "@context", "id", "type", "label", "total", "first", "startIndex", "items", "motivation",
    "created", "body", "target", "purpose", "value", "format", "source", "selector",
    "start", "end", "exact", "prefix", "suffix", "language", "generator", "name",
    "creator",
}  # fmt: skip
XSD_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys(inner)


@pytest.fixture
def annotated():
    data = make_translation_pair()
    data["sarraj"].wikidata_id = "Q6437981"
    data["sarraj"].save()
    return data


@pytest.mark.parametrize("accept", [PROFILE, "application/ld+json", "*/*"])
def test_the_endpoint_answers_its_own_media_type(client, annotated, accept):
    url = f"/api/articles/{annotated['en'].slug}/annotations/"
    response = client.get(url, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert 'profile="http://www.w3.org/ns/anno.jsonld"' in response["Content-Type"]
    assert response.json()["@context"] == "http://www.w3.org/ns/anno.jsonld"


def test_created_is_utc_with_z_and_no_term_outside_the_context(client, annotated):
    collection = client.get(f"/api/articles/{annotated['en'].slug}/annotations/").json()
    items = collection["first"]["items"]
    assert items
    for annotation in items:
        assert XSD_UTC.match(annotation["created"]), annotation["created"]
    assert set(keys(collection)) <= CONTEXT_TERMS, set(keys(collection)) - CONTEXT_TERMS


def test_targets_are_the_plain_text_their_positions_count_in(client, annotated):
    """A generic client fetches each target's source and finds every quote at its place."""
    for article in (annotated["ar"], annotated["en"]):
        collection = client.get(f"/api/articles/{article.slug}/annotations/").json()
        assert collection["first"]["items"]
        for annotation in collection["first"]["items"]:
            assert annotation["creator"]["type"] == "Organization"
            target = annotation["target"]
            assert target["type"] == "SpecificResource"
            source = target["source"]
            assert source == {
                "id": f"http://testserver/articles/{article.slug}/text/",
                "type": "Text",
                "format": "text/plain",
                "language": article.language,
            }
            fetched = client.get(source["id"].removeprefix("http://testserver"))
            assert fetched["Content-Type"] == "text/plain; charset=utf-8"
            assert fetched["Content-Language"] == article.language
            text = fetched.content.decode()
            position = next(s for s in target["selector"] if s["type"] == "TextPositionSelector")
            quote = next(s for s in target["selector"] if s["type"] == "TextQuoteSelector")
            assert text[position["start"] : position["end"]] == quote["exact"]
            assert text[: position["start"]].endswith(quote["prefix"])


def test_a_hidden_articles_text_is_not_served(client, annotated):
    Article.objects.filter(pk=annotated["en"].pk).update(is_public=False)
    assert client.get(f"/articles/{annotated['en'].slug}/text/").status_code == 404
    assert client.get("/articles/no-such-article/text/").status_code == 404


def test_claim_json_ld_dates_at_their_precision_and_only_people_or_bodies_as_authors(client):
    import datetime
    import json

    data = make_translation_pair()
    en = data["en"]
    Article.objects.filter(pk=en.pk).update(
        published=datetime.date(2018, 1, 1), published_precision="year"
    )
    html = client.get(data["en_claim"].get_absolute_url()).content.decode()
    block = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    claim = json.loads(block)
    assert '"datePublished": "2018"' in block and "2018-01-01" not in block
    assert claim["author"]["@type"] == "Person"
    place = make_entity(name="Benghazi", kind="place")
    data["en_claim"].speaker = place
    data["en_claim"].save()
    block = client.get(data["en_claim"].get_absolute_url()).content.decode()
    block = block.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "author" not in json.loads(block)

"""The read-only JSON API: its documented shapes, filters, Web Annotations, schema."""

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


def get(client, url, status=200):
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == status, (url, response.content[:300])
    return response.json() if status == 200 else response


def test_article_list_has_the_documented_shape_and_filters(client):
    data = make_translation_pair()
    make_article(title="Hidden", is_public=False)
    body = get(client, "/api/articles/")
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    ar = next(r for r in body["results"] if r["language"] == "ar")
    assert set(ar) == {
        "slug",
        "title",
        "language",
        "published",
        "source",
        "story",
        "translation_of",
        "url",
    }
    assert ar["translation_of"] == data["en"].slug and ar["published"] == "2020-01-04"
    assert ar["source"] == data["source"].slug and ar["story"] == data["story"].slug
    assert [r["slug"] for r in get(client, "/api/articles/?language=ar")["results"]] == [
        data["ar"].slug
    ]
    assert get(client, f"/api/articles/?entity={data['sarraj'].slug}")["count"] == 2
    assert get(client, "/api/articles/?q=السراج")["count"] == 2
    assert get(client, "/api/articles/?q=السراج&expand=0")["count"] == 1
    assert get(client, "/api/articles/?date_from=2021-01-01")["count"] == 0
    get(client, "/api/articles/?date_from=garbage", status=400)


def test_article_detail_has_body_paragraphs_mentions_claims_and_translations(client):
    data = make_translation_pair()
    rejected = make_entity(name="Nobody")
    make_mention(data["en"], rejected, "cooperation", status="rejected")
    body = get(client, f"/api/articles/{data['en'].slug}/")
    assert body["body"] == data["en"].body and len(body["paragraphs"]) == 4
    mention = body["mentions"][0]
    assert set(mention) == {"entity", "start", "end", "text", "role", "status"}
    assert {"slug", "name", "kind"} <= set(mention["entity"])
    assert all(m["text"] == data["en"].body[m["start"] : m["end"]] for m in body["mentions"])
    assert "Nobody" not in {m["entity"]["name"] for m in body["mentions"]}
    assert body["claims"][0]["speaker"]["slug"] == data["sarraj"].slug
    assert [t["slug"] for t in body["translations"]] == [data["ar"].slug]
    get(client, "/api/articles/nope/", status=404)


def test_alignment_covers_every_paragraph_once_in_order(client):
    data = make_translation_pair()
    body = get(client, f"/api/articles/{data['en'].slug}/alignment/{data['ar'].slug}/")
    lefts = [p["index"] for pair in body["pairs"] for p in pair["left"]]
    rights = [p["index"] for pair in body["pairs"] for p in pair["right"]]
    assert lefts == [0, 1, 2, 3] and rights == [0, 1, 2, 3, 4]
    assert any(pair["left"] == [] for pair in body["pairs"])
    get(client, f"/api/articles/{data['en'].slug}/alignment/missing/", status=404)


WEB_ANNOTATION_MOTIVATIONS = {
    "assessing",
    "bookmarking",
    "classifying",
    "commenting",
    "describing",
    "editing",
    "highlighting",
    "identifying",
    "linking",
    "moderating",
    "questioning",
    "replying",
    "tagging",
}


def test_annotations_follow_the_web_annotation_model_and_quotes_find_their_text(client):
    data = make_translation_pair()
    for article in (data["en"], data["ar"]):
        response = client.get(f"/api/articles/{article.slug}/annotations/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/ld+json")
        collection = response.json()
        assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
        assert collection["type"] == "AnnotationCollection"
        page = collection["first"]
        assert page["type"] == "AnnotationPage"
        items = page["items"]
        assert collection["total"] == len(items) == 4 if article == data["en"] else 4
        ids = set()
        for annotation in items:
            assert annotation["type"] == "Annotation"
            assert annotation["id"].startswith("http") and annotation["id"] not in ids
            ids.add(annotation["id"])
            assert annotation["motivation"] in WEB_ANNOTATION_MOTIVATIONS
            for body in annotation["body"]:
                assert body["type"] in {"TextualBody", "SpecificResource"}
                assert body.get("purpose") in WEB_ANNOTATION_MOTIVATIONS
                assert "value" in body or body["source"].startswith("http")
            target = annotation["target"]
            assert target["type"] == "SpecificResource"
            # The source is the plain text the positions count in: fetch it.
            fetched = client.get(target["source"]["id"].removeprefix("http://testserver"))
            assert fetched.status_code == 200
            selectors = {s["type"]: s for s in target["selector"]}
            position = selectors["TextPositionSelector"]
            quote = selectors["TextQuoteSelector"]
            text = fetched.content.decode()
            assert text == article.body
            assert text[position["start"] : position["end"]] == quote["exact"]
            # The quote selector alone finds its place, and only one place.
            needle = quote["prefix"] + quote["exact"] + quote["suffix"]
            assert text.count(needle) == 1
            assert text.index(needle) + len(quote["prefix"]) == position["start"]


def test_entities_match_any_alias_in_any_script(client):
    data = make_translation_pair()
    body = get(client, "/api/entities/?q=السراج")
    assert [e["slug"] for e in body["results"]] == [data["sarraj"].slug]
    assert {"name": "فايز السراج", "language": "ar"} in body["results"][0]["aliases"]
    assert get(client, "/api/entities/?kind=place")["results"][0]["slug"] == data["tripoli"].slug
    assert get(client, "/api/entities/?q=sarraj")["count"] == 1


def test_claims_filter_by_speaker_about_and_date(client):
    data = make_translation_pair()
    other = make_entity()
    make_claim(
        data["en"], "officials said", speaker=other, about=[data["sarraj"]], date="2021-01-01"
    )
    assert get(client, f"/api/claims/?speaker={data['sarraj'].slug}")["count"] == 2
    about = get(client, f"/api/claims/?about={data['sarraj'].slug}")["results"]
    assert [c["text"] for c in about] == ["officials said"]
    assert get(client, "/api/claims/?date_to=2020-12-31")["count"] == 2
    assert get(client, "/api/claims/")["results"][0]["same_as"] is None


def test_claims_filter_by_verification_and_still_by_its_former_name_status(client):
    data = make_translation_pair()
    make_claim(data["en"], "officials said", verification="disputed")
    for param in ("verification", "status"):
        found = get(client, f"/api/claims/?{param}=disputed")["results"]
        assert [(c["text"], c["verification"]) for c in found] == [
            ("officials said", "disputed")
        ], param
        get(client, f"/api/claims/?{param}=bogus", status=400)
    # Both given, both apply.
    assert get(client, "/api/claims/?verification=disputed&status=disputed")["count"] == 1
    assert get(client, "/api/claims/?verification=disputed&status=unverified")["count"] == 0


def test_openapi_schema_describes_the_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json() if "json" in response["Content-Type"] else None
    text = response.content.decode()
    for path in [
        "/api/articles/",
        "/api/articles/{slug}/",
        "/api/articles/{slug}/alignment/{other}/",
        "/api/articles/{slug}/annotations/",
        "/api/entities/",
        "/api/claims/",
    ]:
        assert path in text
    if schema:
        assert "get" in schema["paths"]["/api/articles/"]


def test_api_is_read_only(client):
    data = make_translation_pair()
    assert client.post("/api/articles/", {}).status_code in {403, 405}
    assert client.delete(f"/api/articles/{data['en'].slug}/").status_code in {403, 405}


def test_api_query_counts_do_not_grow(client):
    data = make_translation_pair()
    urls = [
        "/api/articles/",
        "/api/articles/?q=Sarraj",
        "/api/articles/?q=Sarraj&expand=0",
        f"/api/articles/{data['en'].slug}/",
        f"/api/articles/{data['en'].slug}/annotations/",
        f"/api/articles/{data['en'].slug}/alignment/{data['ar'].slug}/",
        "/api/entities/",
        "/api/claims/",
        "/api/claims/?verification=unverified",
    ]
    small = [query_count(client, u) for u in urls]
    for _ in range(10):
        pair = make_translation_pair()
        make_mention(data["en"], pair["sarraj"], "Stephanie Williams")
        make_claim(data["en"], "officials said", speaker=make_entity(), about=[make_entity()])
        make_article(source=make_source(), translation_of=data["en"])
    assert [query_count(client, u) for u in urls] == small


def test_entities_q_finds_a_spelling_never_stored_for_the_name_boxes(client):
    data = make_translation_pair()
    body = get(client, "/api/entities/?q=Serraj")  # stored: Sarraj, al-Sarraj, السراج
    assert [e["slug"] for e in body["results"]] == [data["sarraj"].slug]
    assert get(client, "/api/entities/?q=Zzyzx")["count"] == 0

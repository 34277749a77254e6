"""Nothing of an embargo shows: a public row that points at one a reader may not see (a
translation at its embargoed original, a claim at a rejected claim or at one in a hidden
article, a merged name at an entity known only from hidden articles) shows no trace of it.

Slugs are made from headlines, so even a bare slug of a hidden article tells its headline.
One test per surface: the JSON API (articles, claims, entities), the Web Annotations, the
claim's JSON-LD, the exports, the feeds and the HTML pages."""

import csv
import io
import json
import re

import pytest

from archive.models import EntityRedirect
from tests.conftest import query_count
from tests.factories import (
    make_article,
    make_claim,
    make_entity,
    make_mention,
    make_source,
    make_story,
)

pytestmark = pytest.mark.django_db

HIDDEN_SLUG = "secret-summit-headline"
# What only the embargoed article, its outlet and the name it alone makes known would show.
SECRETS = [
    HIDDEN_SLUG,
    "Secret Summit Headline",
    "karim-mansour",
    "k-mansour",
    "embargo-wire",
    "Embargo Wire",
]
SAID = '"We agreed on everything," he said.'
REJECTED_WORDS = "The envoy left before noon"


@pytest.fixture
def world():
    """An embargoed original (H) with two public translations (A, B) and another outlet's
    public report (C) in the same story. Karim Mansour is named only in H and by a rejected
    mention in A; an old slug of his answers for him (a merge). A's quote repeats H's claim
    (`same_as`), and B's claim repeats a rejected claim of A."""
    story = make_story(title="Summit", slug="summit")
    wire = make_source(name="Embargo Wire", slug="embargo-wire")
    outlet = make_source(name="Open Outlet", slug="open-outlet")
    karim = make_entity(name="Karim Mansour", slug="karim-mansour")
    sarraj = make_entity(name="Fayez al-Sarraj", slug="fayez-al-sarraj")
    EntityRedirect.objects.create(old_slug="k-mansour", old_kind="person", entity=karim)
    hidden = make_article(
        title="Secret Summit Headline",
        slug=HIDDEN_SLUG,
        is_public=False,
        source=wire,
        story=story,
        body=f"Karim Mansour met Fayez al-Sarraj in Tripoli.\n{SAID}",
    )
    a = make_article(
        title="Translation A",
        slug="translation-a",
        language="ar",
        source=outlet,
        story=story,
        translation_of=hidden,
        body=f"Karim Mansour met Fayez al-Sarraj in Tripoli.\n{SAID}\n{REJECTED_WORDS}.",
    )
    b = make_article(
        title="Translation B",
        slug="translation-b",
        language="fr",
        source=outlet,
        story=story,
        translation_of=hidden,
        body=f"Fayez al-Sarraj met an envoy in Tripoli.\n{REJECTED_WORDS}, again.",
    )
    c = make_article(
        title="Other report C",
        slug="other-report-c",
        source=outlet,
        story=story,
        body="Fayez al-Sarraj spoke in Tripoli.\nEnd.",
    )
    for article in (hidden, a, b, c):
        make_mention(article, sarraj, "Fayez al-Sarraj")
    make_mention(hidden, karim, "Karim Mansour")
    make_mention(a, karim, "Karim Mansour", status="rejected")
    hidden_claim = make_claim(hidden, "We agreed on everything", speaker=karim, about=[sarraj])
    quote = make_claim(a, "We agreed on everything", speaker=sarraj, same_as=hidden_claim)
    rejected = make_claim(a, REJECTED_WORDS, speaker=karim, status="rejected", about=[sarraj])
    repeat = make_claim(b, REJECTED_WORDS, speaker=sarraj, same_as=rejected, about=[sarraj])
    return {
        "hidden": hidden,
        "a": a,
        "b": b,
        "c": c,
        "karim": karim,
        "sarraj": sarraj,
        "hidden_claim": hidden_claim,
        "quote": quote,
        "rejected": rejected,
        "repeat": repeat,
    }


def assert_nothing_hidden(text: str, world, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, (where, secret)
    for claim in (world["hidden_claim"], world["rejected"]):
        assert f"/claims/{claim.pk}/" not in text, (where, claim.pk)
        assert not re.search(rf"claim-{claim.pk}\b", text), (where, claim.pk)


def get_json(client, url):
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, url
    return response.json()


def test_api_article_list_shows_no_hidden_original(client, world):
    for url in ["/api/articles/", "/api/articles/?q=Tripoli", "/api/articles/?language=ar"]:
        body = get_json(client, url)
        assert_nothing_hidden(json.dumps(body, ensure_ascii=False), world, url)
        rows = {row["slug"]: row for row in body["results"]}
        assert HIDDEN_SLUG not in rows
        assert rows["translation-a"]["translation_of"] is None, url
        assert rows["translation-a"]["source"] == "open-outlet"
        assert rows["translation-a"]["story"] == "summit"


def test_api_article_detail_shows_no_hidden_original_and_no_hidden_claim(client, world):
    a = get_json(client, "/api/articles/translation-a/")
    assert_nothing_hidden(json.dumps(a, ensure_ascii=False), world, "A")
    assert a["translation_of"] is None
    # B translates the same original: listed, its own original unnamed.
    assert [(t["slug"], t["translation_of"]) for t in a["translations"]] == [
        ("translation-b", None)
    ]
    assert [(c["id"], c["same_as"]) for c in a["claims"]] == [(world["quote"].pk, None)]
    assert [m["entity"]["slug"] for m in a["mentions"]] == ["fayez-al-sarraj"]
    b = get_json(client, "/api/articles/translation-b/")
    assert_nothing_hidden(json.dumps(b, ensure_ascii=False), world, "B")
    assert [(c["id"], c["same_as"]) for c in b["claims"]] == [(world["repeat"].pk, None)]
    assert [t["slug"] for t in b["translations"]] == ["translation-a"]
    assert client.get(f"/api/articles/{HIDDEN_SLUG}/").status_code == 404


def test_a_visible_original_and_a_visible_claim_repeated_are_still_named(client, world):
    """The rule hides what is hidden, nothing more: once public, both show again."""
    from archive.models import Article, Claim

    Article.objects.filter(pk=world["hidden"].pk).update(is_public=True)
    Claim.objects.filter(pk=world["rejected"].pk).update(status="confirmed")
    a = get_json(client, "/api/articles/translation-a/")
    assert a["translation_of"] == HIDDEN_SLUG
    assert {t["slug"]: t["translation_of"] for t in a["translations"]} == {
        HIDDEN_SLUG: None,
        "translation-b": HIDDEN_SLUG,
    }
    assert {c["id"]: c["same_as"] for c in a["claims"]} == {
        world["quote"].pk: world["hidden_claim"].pk,
        world["rejected"].pk: None,
    }
    claims = get_json(client, "/api/claims/?page_size=100")["results"]
    assert {c["id"]: c["same_as"] for c in claims}[world["repeat"].pk] == world["rejected"].pk
    listed = {r["slug"]: r for r in get_json(client, "/api/articles/")["results"]}
    assert listed["translation-b"]["translation_of"] == HIDDEN_SLUG


def test_api_claims_show_no_hidden_or_rejected_claim(client, world):
    for url in ["/api/claims/", f"/api/claims/?speaker={world['sarraj'].slug}"]:
        body = get_json(client, url)
        assert_nothing_hidden(json.dumps(body, ensure_ascii=False), world, url)
        same_as = {c["id"]: c["same_as"] for c in body["results"]}
        assert same_as == {world["quote"].pk: None, world["repeat"].pk: None}, url
    one = get_json(client, f"/api/claims/{world['quote'].pk}/")
    assert one["same_as"] is None
    assert_nothing_hidden(json.dumps(one, ensure_ascii=False), world, "claim")
    for claim in (world["hidden_claim"], world["rejected"]):
        assert client.get(f"/api/claims/{claim.pk}/").status_code == 404


def test_api_entities_show_no_name_known_only_from_hidden_rows(client, world):
    for url in ["/api/entities/", "/api/entities/?q=Mansour"]:
        body = get_json(client, url)
        assert_nothing_hidden(json.dumps(body, ensure_ascii=False), world, url)
    # Neither the name nor an old slug of it (a merge) leads anywhere.
    for url in ["/api/entities/karim-mansour/", "/api/entities/k-mansour/"]:
        assert client.get(url, HTTP_ACCEPT="application/json").status_code == 404, url


def test_web_annotations_show_no_hidden_row(client, world):
    for article in ("a", "b"):
        url = f"/api/articles/{world[article].slug}/annotations/"
        collection = get_json(client, url)
        assert_nothing_hidden(json.dumps(collection, ensure_ascii=False), world, url)
        assert collection["total"] == 2  # Sarraj and one visible claim
    assert client.get(f"/api/articles/{HIDDEN_SLUG}/annotations/").status_code == 404


def _json_ld(page: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))


def test_claim_json_ld_shows_no_hidden_appearance(client, world):
    for claim in ("quote", "repeat"):
        response = client.get(world[claim].get_absolute_url())
        assert response.status_code == 200
        data = _json_ld(response.content.decode())
        assert_nothing_hidden(json.dumps(data, ensure_ascii=False), world, claim)
        urls = [appearance["url"] for appearance in data["appearance"]]
        assert urls == [f"http://testserver{world[claim].article.get_absolute_url()}"]


def test_exports_show_no_hidden_row(client, world):
    sarraj = world["sarraj"].get_absolute_url()
    for url in [
        "/claims/?format=csv",
        "/claims/?format=json",
        "/search/?q=Tripoli&format=csv",
        "/search/?q=Tripoli&format=json",
        f"{sarraj}?format=csv",
        f"{sarraj}?format=json",
    ]:
        response = client.get(url)
        assert response.status_code == 200 and response.streaming, url
        text = b"".join(response.streaming_content).decode("utf-8")
        assert_nothing_hidden(text, world, url)
        if "format=csv" in url:
            assert list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")))), url
        else:
            assert json.loads(text), url


def test_feeds_show_no_hidden_row(client, world):
    response = client.get(f"{world['sarraj'].get_absolute_url()}feed/")
    assert response.status_code == 200
    page = response.content.decode()
    assert_nothing_hidden(page, world, "feed")
    assert page.count("<entry") == 3  # A, B and C
    for url in ["/people/karim-mansour/feed/", "/people/k-mansour/feed/"]:
        assert client.get(url).status_code == 404, url


def test_html_pages_show_no_hidden_row(client, world):
    urls = [
        "/",
        "/articles/",
        "/articles/?q=Tripoli",
        "/search/?q=Tripoli",
        "/claims/",
        "/people/",
        world["sarraj"].get_absolute_url(),
        world["quote"].get_absolute_url(),
        world["repeat"].get_absolute_url(),
        "/articles/translation-a/compare/translation-b/",
        "/articles/translation-b/compare/translation-a/",
    ]
    urls += [world[k].get_absolute_url() for k in ("a", "b", "c")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_nothing_hidden(response.content.decode(), world, url)
    # A's page: B is a translation too, read side by side; C is other coverage.
    page = client.get(world["a"].get_absolute_url()).content.decode()
    assert "/articles/translation-a/compare/translation-b/" in page
    assert "/articles/translation-a/compare/other-report-c/" in page
    for url in [
        f"/articles/{HIDDEN_SLUG}/",
        f"/articles/translation-a/compare/{HIDDEN_SLUG}/",
        f"/claims/{world['hidden_claim'].pk}/",
        f"/claims/{world['rejected'].pk}/",
        "/people/karim-mansour/",
        "/people/k-mansour/",
    ]:
        assert client.get(url).status_code == 404, url


def test_hiding_references_adds_no_query_per_row(client, world):
    """Whether a referenced row is shown is read with the rows: the lists cost the same
    with one translation of a hidden original as with eleven, and their claims too."""
    urls = [
        "/api/articles/",
        "/api/articles/?q=Tripoli",
        "/api/articles/translation-a/",
        "/api/claims/",
    ]
    small = [query_count(client, url) for url in urls]
    for n in range(10):
        original = make_article(is_public=False, body=f"{REJECTED_WORDS} {n}.")
        hidden_claim = make_claim(original, REJECTED_WORDS)
        copy = make_article(
            translation_of=world["hidden"] if n % 2 else original,
            body=f"Tripoli. {REJECTED_WORDS} {n}.",
        )
        make_claim(copy, REJECTED_WORDS, same_as=hidden_claim)
    assert [query_count(client, url) for url in urls] == small

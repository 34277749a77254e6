"""Claims: the filterable list and a page per claim with its reports and JSON-LD."""

import json
import re

import pytest

from tests.conftest import query_count
from tests.factories import make_article, make_claim, make_entity, make_translation_pair

pytestmark = pytest.mark.django_db


def test_claim_list_filters_by_speaker_subject_kind_status_and_date(client):
    data = make_translation_pair()
    other = make_entity(name="Ahmed Maiteeq")
    disputed = make_claim(
        data["en"],
        "officials said",
        speaker=other,
        kind="figure",
        verification="disputed",
        date="2021-02-02",
        about=[data["sarraj"]],
    )
    html = client.get("/claims/").content.decode()
    assert "we want security" in html and "officials said" in html
    assert f'href="{data["en"].get_absolute_url()}#claim-{data["en_claim"].pk}"' in html
    for query, shown, hidden in [
        (f"speaker={other.slug}", "officials said", "we want security"),
        (f"about={data['sarraj'].slug}", "officials said", "we want security"),
        (f"subject={data['sarraj'].slug}", "officials said", "we want security"),
        ("kind=direct_quote", "we want security", "officials said"),
        ("verification=disputed", "officials said", "we want security"),
        ("status=disputed", "officials said", "we want security"),  # its former name
        ("date_from=2021-01-01", "officials said", "we want security"),
    ]:
        html = client.get("/claims/?" + query).content.decode()
        assert shown in html and hidden not in html, query
    assert disputed.pk
    # The form sends the new name and shows a choice made under either.
    for query in ("verification=disputed", "status=disputed"):
        html = client.get("/claims/?" + query).content.decode()
        assert '<select name="verification">' in html and 'name="status"' not in html
        assert '<option value="disputed" selected>' in html, query
    assert "No claims match" in client.get("/claims/?speaker=nobody").content.decode()
    assert client.get("/claims/?date_from=not-a-date&kind=zzz").status_code == 200


def test_claim_page_lists_the_same_claim_in_other_languages_and_json_ld(client):
    data = make_translation_pair()
    html = client.get(data["ar_claim"].get_absolute_url()).content.decode()
    assert "نريد الأمن" in html and "we want security" in html
    assert "first recorded" in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    ld = json.loads(block)
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "Claim"
    assert ld["author"]["name"] == "Fayez al-Sarraj"
    assert ld["author"]["sameAs"] == "https://www.wikidata.org/wiki/Q6437981"
    assert {a["inLanguage"] for a in ld["appearance"]} == {"en", "ar"}
    assert ld["firstAppearance"]["inLanguage"] == "en"


def test_rated_claim_is_a_claim_review(client):
    article = make_article(body='He said "</script><b>x</b>" loudly.')
    claim = make_claim(article, '"</script><b>x</b>"', verification="false")
    html = client.get(claim.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    ld = json.loads(block)
    assert ld["@type"] == "ClaimReview" and ld["reviewRating"]["alternateName"] == "False"
    assert ld["itemReviewed"]["text"] == '"</script><b>x</b>"'


def test_hidden_and_unknown_claims_are_404(client):
    article = make_article(is_public=False)
    claim = make_claim(article, "Nothing else")
    assert client.get(claim.get_absolute_url()).status_code == 404
    assert client.get("/claims/999999999/").status_code == 404
    rejected = make_claim(make_article(), "Nothing else", status="rejected")
    assert client.get(rejected.get_absolute_url()).status_code == 404


def test_claim_pages_query_count_does_not_grow(client):
    data = make_translation_pair()
    urls = ["/claims/", data["en_claim"].get_absolute_url()]
    small = [query_count(client, u) for u in urls]
    for _ in range(10):
        pair = make_translation_pair()
        make_claim(pair["ar"], "الصفقة", same_as=data["en_claim"], about=[make_entity()])
    assert [query_count(client, u) for u in urls] == small


def test_entity_filters_take_a_name_in_any_spelling_or_script_and_claims_filter_by_outlet(client):
    data = make_translation_pair(source_name="Libya Observer")
    for value in ("السراج", "Serraj", "Fayez al-Sarraj", data["sarraj"].slug):
        html = client.get("/claims/", {"speaker": value}).content.decode()
        assert "we want security" in html, value
        api = client.get("/api/claims/", {"speaker": value}).json()
        assert api["count"] >= 1, value
        listed = client.get("/articles/", {"entity": value}).content.decode()
        assert data["en"].get_absolute_url() in listed, value
    assert "No claims match" in client.get("/claims/?speaker=Nobody+Atall").content.decode()
    outlet = data["en"].source.slug
    assert "we want security" in client.get(f"/claims/?source={outlet}").content.decode()
    assert "No claims match" in client.get("/claims/?source=elsewhere").content.decode()
    arabic_only = client.get("/claims/?language=ar").content.decode()
    assert data["en_claim"].get_absolute_url() not in arabic_only


def test_claim_filters_are_boxes_for_a_name_in_any_spelling_and_lists_of_outlets(client):
    data = make_translation_pair()
    html = client.get("/claims/").content.decode()
    start = html.index('<form class="filters"')
    form = html[start : html.index("</form>", start)]
    for name in ("speaker", "about"):
        assert re.search(rf'<input name="{name}"[^>]* list="entity-names"', form), name
    assert '<select name="language">' in form and '<select name="source">' in form
    assert f'value="{data["en"].source.slug}"' in form
    assert '<datalist id="entity-names">' in html
    # What the box sends: a name as a reader spells it.
    html = client.get("/claims/", {"speaker": "Serraj"}).content.decode()
    assert "we want security" in html


def test_a_name_that_names_no_one_is_said_to_be_unrecognised(client):
    from tests.factories import make_translation_pair

    data = make_translation_pair()
    html = client.get("/claims/?speaker=Zorglub+Unknown").content.decode()
    assert "No one in the archive is named “<bdi>Zorglub Unknown</bdi>”" in html
    # A known name in another spelling is recognised: no such sentence.
    html = client.get(f"/claims/?speaker={data['sarraj'].slug}&about=السراج").content.decode()
    assert "No one in the archive is named" not in html
    html = client.get("/articles/?entity=Zorglub").content.decode()
    assert "No one in the archive is named “<bdi>Zorglub</bdi>”" in html
    html = client.get("/ar/search/?q=talks&entity=Zorglub").content.decode()
    assert "لا أحد في الأرشيف باسم «<bdi>Zorglub</bdi>»" in html

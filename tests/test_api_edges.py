"""The API's edges as a generic client meets them: an address no route matches, a page
size it cannot read, an Accept header it cannot satisfy, the reference page's search."""

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/claims/3.9e-252/", "/api/nothing/", "/api/articles/a/b/c/", "/api/x"]
)
def test_an_address_under_api_that_no_route_matches_answers_json(client, path):
    response = client.get(path, HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_page_outside_the_api_still_answers_the_html_404(client):
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("list_path", ["/api/articles/", "/api/entities/", "/api/claims/"])
@pytest.mark.parametrize("value", ["null", "0", "-1", "1.5", "", "١٠"])
def test_a_page_size_that_is_not_a_whole_number_from_one_is_refused(client, list_path, value):
    make_article()
    response = client.get(f"{list_path}?page_size={value}", HTTP_ACCEPT="application/json")
    assert response.status_code == 400, value
    assert "page_size" in response.json()


def test_a_readable_page_size_still_pages_and_a_large_one_is_capped(client):
    for n in range(3):
        make_article(title=f"Article {n}")
    body = client.get("/api/articles/?page_size=2", HTTP_ACCEPT="application/json").json()
    assert len(body["results"]) == 2 and body["next"]
    body = client.get("/api/articles/?page_size=5000", HTTP_ACCEPT="application/json").json()
    assert len(body["results"]) == 3


def test_the_schema_documents_406_and_the_page_size_minimum(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    assert operations and all("406" in op["responses"] for op in operations)
    sizes = [
        p["schema"] for op in operations for p in op.get("parameters", [])
        if p["name"] == "page_size"
    ]  # fmt: skip
    assert sizes and all(s.get("minimum") == 1 for s in sizes)
    response = client.get("/api/articles/", HTTP_ACCEPT="image/png")
    assert response.status_code == 406


def test_the_reference_page_lets_redoc_start_its_search_worker(client):
    policy = client.get("/api/docs/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert "blob:" in directives["worker-src"].split()
    # Only there: the rest of the site starts no worker from a blob.
    assert "blob:" not in client.get("/")["Content-Security-Policy"]

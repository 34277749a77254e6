"""redirect_merged: the one rule by which an old slug leads on, for the pages and the API."""

import pytest
from django.test import RequestFactory

from archive.models import EntityRedirect
from archive.web.redirects import redirect_merged
from tests.factories import make_article, make_entity, make_mention

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept():
    entity = make_entity(name="Fayez al-Sarraj", slug="fayez-al-sarraj")
    make_mention(make_article(body="Fayez al-Sarraj spoke."), entity, "Fayez al-Sarraj")
    EntityRedirect.objects.create(old_slug="fayez-serraj", old_kind="person", entity=entity)
    return entity


def test_a_merged_slug_answers_301_to_the_route_of_the_kept_entity(kept, django_assert_num_queries):
    request = RequestFactory().get("/people/fayez-serraj/feed/?page=2")
    with django_assert_num_queries(1):
        response = redirect_merged(request, "fayez-serraj", "person", route="archive:{kind}_feed")
    assert (response.status_code, response["Location"]) == (
        301,
        "/people/fayez-al-sarraj/feed/?page=2",
    )
    # The API names its route outright, and asks for no kind.
    request = RequestFactory().get("/api/entities/fayez-serraj/")
    response = redirect_merged(request, "fayez-serraj", route="archive:api-entity-detail")
    assert response["Location"] == "/api/entities/fayez-al-sarraj/"


def test_no_redirect_for_an_unknown_slug_another_kind_or_a_hidden_entity(kept):
    request = RequestFactory().get("/")
    route = "archive:{kind}_detail"
    assert redirect_merged(request, "nobody-at-all", "person", route=route) is None
    assert redirect_merged(request, "fayez-serraj", "place", route=route) is None
    kept.mentions.update(status="rejected")  # nothing public names the kept entity now
    assert redirect_merged(request, "fayez-serraj", "person", route=route) is None

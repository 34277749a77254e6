"""The review queue: articles whose suggestions wait, the longest waiting first, counted
right, paginated without counting the queue, only for those who may review."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.models import Mention
from tests.conftest import query_count
from tests.factories import make_article, make_entity, make_mention, make_user

pytestmark = pytest.mark.django_db

URL = "/admin/archive/article/review/"


@pytest.fixture
def analyst(client):
    user = make_user("ana", group="Analyst")
    client.force_login(user)
    return user


def _waiting(article, entity, words, *, days_ago, **kwargs):
    mention = make_mention(article, entity, words, status="suggested", **kwargs)
    Mention.objects.filter(pk=mention.pk).update(
        created=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return mention


def test_queue_lists_articles_with_suggestions_oldest_first_with_counts(client, analyst):
    sarraj = make_entity(name="Fayez al-Sarraj")
    body = "Fayez al-Sarraj met Fayez al-Sarraj and Fayez al-Sarraj in Tripoli."
    recent = make_article(title="Recent one", body=body)
    old = make_article(title="Old one", body=body)
    hidden = make_article(title="Embargoed one", body=body, is_public=False)
    reviewed = make_article(title="All reviewed", body=body)
    for i in range(3):
        _waiting(recent, sarraj, "Fayez al-Sarraj", days_ago=1, occurrence=i)
    _waiting(old, sarraj, "Fayez al-Sarraj", days_ago=30)
    make_mention(old, sarraj, "Fayez al-Sarraj", occurrence=1)  # confirmed: not counted
    make_mention(old, sarraj, "Fayez al-Sarraj", occurrence=2, status="rejected")
    _waiting(hidden, sarraj, "Fayez al-Sarraj", days_ago=10)  # the admin reviews these too
    make_mention(reviewed, sarraj, "Fayez al-Sarraj")
    make_mention(reviewed, sarraj, "Fayez al-Sarraj", occurrence=1, status="rejected")

    response = client.get(URL)
    assert response.status_code == 200
    items = response.context["items"]
    assert [(i["article"].title, i["n_suggested"]) for i in items] == [
        ("Old one", 1),
        ("Embargoed one", 1),
        ("Recent one", 3),
    ]
    html = response.content.decode()
    assert "All reviewed" not in html and "(not public)" in html
    # Each row leads to that article's annotator.
    assert reverse("admin:archive_article_change", args=[old.pk]) + "#annotator" in html
    assert "3 articles." in html
    # The article list links to the queue.
    listing = client.get(reverse("admin:archive_article_changelist")).content.decode()
    assert URL in listing


def test_queue_pages_through_and_odd_page_numbers_never_fail(client, analyst):
    entity = make_entity(name="Tripoli", kind="place")
    for i in range(55):
        _waiting(
            make_article(title=f"Article {i:02}", body="In Tripoli."),
            entity,
            "Tripoli",
            days_ago=100 - i,
        )
    first = client.get(URL).context["items"]
    second = client.get(URL, {"page": 2}).context["items"]
    assert [i["article"].title for i in first + second] == [f"Article {i:02}" for i in range(55)]
    for odd in ["0", "-1", "abc", "99999999999999999999", "2.5"]:
        assert client.get(URL, {"page": odd}).status_code == 200, odd


def test_queue_makes_the_same_number_of_queries_whatever_its_length(client, analyst):
    entity = make_entity(name="Tripoli", kind="place")

    def add(n):
        for _ in range(n):
            article = make_article(body="Tripoli and Tripoli.")
            _waiting(article, entity, "Tripoli", days_ago=3)
            _waiting(article, entity, "Tripoli", days_ago=2, occurrence=1)

    add(2)
    few = query_count(client, URL)
    add(60)
    assert query_count(client, URL) == few
    assert query_count(client, URL + "?page=2") == few


def test_a_huge_queue_is_estimated_not_counted(client, analyst, monkeypatch):
    from archive.reads.pagination import EstimatedCountPaginator

    entity = make_entity(name="Tripoli", kind="place")
    for i in range(3):
        _waiting(make_article(body="In Tripoli."), entity, "Tripoli", days_ago=i)
    monkeypatch.setattr(EstimatedCountPaginator, "threshold", 0)  # as if huge
    response = client.get(URL)
    assert response.context["estimated"]
    assert "(an estimate)" in response.content.decode()


def test_only_those_who_may_review_see_the_queue(client):
    article = make_article(body="In Tripoli.")
    _waiting(article, make_entity(name="Tripoli", kind="place"), "Tripoli", days_ago=1)
    client.force_login(make_user("nobody"))  # staff, no group
    assert client.get(URL).status_code == 403
    assert URL not in client.get(reverse("admin:index")).content.decode()
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(make_user("ed", group="Editor"))
    assert client.get(URL).status_code == 200

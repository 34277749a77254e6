"""The permission matrix: for each group, model and action, what the admin answers."""

import json

import pytest
from django.urls import reverse

from archive import services
from archive.models import EntityMerge
from tests.factories import (
    make_article,
    make_claim,
    make_entity,
    make_mention,
    make_source,
    make_story,
    make_user,
)

pytestmark = pytest.mark.django_db

V, A, C, D = "view", "add", "change", "delete"
ALL = {V, A, C, D}

# What each group may do, model by model. "mention"/"claim" rows are made by someone else;
# "own mention"/"own claim" by the user being tested.
EXPECTED = {
    "Analyst": {
        "source": {V},
        "story": {V},
        "article": {V},
        "entity": {V, A, C},
        "alias": {V, A, C},
        "mention": {V, A, C},
        "claim": {V, A, C},
        "own mention": {V, A, C, D},
        "own claim": {V, A, C, D},
        "entitymerge": {V},
    },
    "Editor": {
        "source": ALL,
        "story": ALL,
        "article": ALL,
        "entity": ALL,
        "alias": ALL,
        "mention": ALL,
        "claim": ALL,
        "own mention": ALL,
        "own claim": ALL,
        "entitymerge": {V},
    },
    None: {model: set() for model in ["source", "story", "article", "entity", "alias",
                                      "mention", "claim", "own mention", "own claim",
                                      "entitymerge"]},
}  # fmt: skip


@pytest.fixture
def rows():
    other = make_user("someone-else", group="Analyst")
    source = make_source()
    article = make_article(source=source, story=make_story())
    entity = make_entity(aliases={"en": ["Fayez al-Sarraj"]})
    survivor = make_entity()
    return {
        "source": source,
        "story": article.story,
        "article": article,
        "entity": entity,
        "alias": entity.aliases.get(),
        "mention": make_mention(article, entity, "Fayez al-Sarraj", created_by=other),
        "claim": make_claim(article, "met Stephanie Williams", created_by=other),
        "entitymerge": EntityMerge.objects.create(
            survivor=survivor, merged_entity_id=999, merged_name="X", merged_slug="x"
        ),
    }


def answers(client, model: str, obj) -> set[str]:
    """The actions the admin lets the logged-in user take on `obj`, asked over HTTP."""
    name = model.split()[-1]
    allowed = set()
    if client.get(reverse(f"admin:archive_{name}_changelist")).status_code == 200:
        allowed.add(V)
    if client.get(reverse(f"admin:archive_{name}_add")).status_code == 200:
        allowed.add(A)
    change = client.get(reverse(f"admin:archive_{name}_change", args=[obj.pk]))
    if change.status_code == 200 and 'name="_save"' in change.content.decode():
        allowed.add(C)
    elif change.status_code not in (200, 302, 403):
        pytest.fail(f"{model} change page answered {change.status_code}")
    if client.get(reverse(f"admin:archive_{name}_delete", args=[obj.pk])).status_code == 200:
        allowed.add(D)
    return allowed


@pytest.mark.parametrize("group", ["Analyst", "Editor", None])
def test_permission_matrix(client, rows, group):
    user = make_user(f"user-{group}", group=group)
    client.force_login(user)
    rows = dict(rows)
    article, entity = rows["article"], rows["entity"]
    rows["own mention"] = make_mention(article, entity, "Sarraj", created_by=user)
    rows["own claim"] = make_claim(article, "in Tripoli", created_by=user)
    got = {model: answers(client, model, obj) for model, obj in rows.items()}
    assert got == EXPECTED[group]


def test_staff_without_a_group_sees_nothing_in_the_admin(client):
    client.force_login(make_user("nobody"))
    html = client.get(reverse("admin:index")).content.decode()
    assert "have permission to view or edit anything" in html
    assert "Articles" not in html


def test_analyst_admin_index_lists_what_they_may_see(client):
    client.force_login(make_user("ana", group="Analyst"))
    html = client.get(reverse("admin:index")).content.decode()
    for label in ["Articles", "Sources", "Entities", "Aliases", "Mentions", "Claims"]:
        assert label in html


def test_analyst_cannot_post_changes_to_an_article(client, rows):
    client.force_login(make_user("ana", group="Analyst"))
    article = rows["article"]
    url = reverse("admin:archive_article_change", args=[article.pk])
    response = client.post(url, {"title": "Hijacked", "slug": article.slug, "body": "x"})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title != "Hijacked"


def test_analyst_bulk_delete_of_someone_elses_mention_is_refused(client, rows):
    client.force_login(make_user("ana", group="Analyst"))
    mention = rows["mention"]
    response = client.post(
        reverse("admin:archive_mention_changelist"),
        {"action": "delete_selected", "_selected_action": [mention.pk], "post": "yes"},
    )
    assert response.status_code in (200, 403)
    assert type(mention).objects.filter(pk=mention.pk).exists()


@pytest.mark.parametrize("group", ["Analyst", "Editor", None])
def test_the_annotators_editor_follows_the_same_matrix(client, rows, group):
    """Opening a highlight in the annotator changes or deletes it only as the matrix says:
    every group that may change a mention or claim may edit it in place; deleting someone
    else's needs the Editor's permission; the page is told which (can_delete)."""
    user = make_user(f"user-{group}", group=group)
    client.force_login(user)
    article = rows["article"]
    base = reverse("admin:archive_article_annotate", args=[article.pk])

    def post(route, payload):
        return client.post(base + route, json.dumps(payload), content_type="application/json")

    for model in ("mention", "claim"):
        obj = rows[model]
        token = services.edit_token(type(obj).objects.get(pk=obj.pk))  # what a page holds
        change = {"type": model, "id": obj.pk, "token": token, "status": "confirmed"}
        expected = EXPECTED[group][model]
        assert (post("edit/", change).status_code == 200) == (C in expected), model
        if V in expected:
            rows_seen = client.get(base).json()[model + "s"]
            assert rows_seen[0]["can_delete"] == (D in expected)
        token = services.edit_token(type(obj).objects.get(pk=obj.pk))
        response = post("delete/", {"type": model, "id": obj.pk, "token": token})
        assert (response.status_code == 200) == (D in expected), model


@pytest.mark.parametrize(
    "group, expected",
    [
        ("Analyst", {"feed": {V}, "collecteditem": {V}, "linkproposal": {V, C}}),
        ("Editor", {"feed": {V, A, C, D}, "collecteditem": {V}, "linkproposal": {V, C, D}}),
        (None, {"feed": set(), "collecteditem": set(), "linkproposal": set()}),
    ],
)
def test_collecting_and_link_proposals_follow_the_groups(client, group, expected):
    """Analysts see the feeds and what was collected and decide link proposals; editors
    also manage feeds (migration 0020)."""
    from archive.models import CollectedItem, Feed, LinkProposal

    source = make_source()
    feed = Feed.objects.create(source=source, url="https://example.org/feed.xml")
    item = CollectedItem.objects.create(url_key="example.org/a", url="https://example.org/a")
    first, second = make_article(), make_article()
    proposal = LinkProposal.objects.create(kind="copy", first=first, second=second, score=0.9)
    client.force_login(make_user(f"collector-{group}", group=group))
    got = {
        "feed": answers(client, "feed", feed),
        "collecteditem": answers(client, "collecteditem", item),
        "linkproposal": answers(client, "linkproposal", proposal),
    }
    assert got == expected

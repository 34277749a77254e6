"""Entity admin: search by any alias, merge into a survivor, refused deletes explained."""

import pytest
from django.urls import reverse

from archive import services
from archive.models import Alias, Claim, Entity, EntityMerge, Mention
from tests.factories import make_article, make_claim, make_entity, make_mention, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = make_user("ed", group="Editor")
    client.force_login(user)
    return user


def test_entity_search_finds_any_alias_in_any_script(client, editor):
    make_entity(name="Fayez al-Sarraj", aliases={"ar": ["فايز السراج"], "en": ["Serraj"]})
    make_entity(name="Khalifa Haftar")
    for term in ["فايز", "فايز السراج", "Serraj", "sarraj"]:
        html = client.get(reverse("admin:archive_entity_changelist"), {"q": term}).content.decode()
        assert "Fayez al-Sarraj" in html and "Khalifa Haftar" not in html, term


def test_merge_moves_every_annotation_and_alias_in_one_step_and_is_recorded(client, editor):
    article = make_article()
    keep = make_entity(name="Fayez al-Sarraj", aliases={"en": ["Fayez al-Sarraj"]})
    dupe = make_entity(
        name="Fayez Serraj", aliases={"ar": ["فايز السراج"], "en": ["Fayez al-Sarraj"]}
    )
    mention = make_mention(article, dupe, "Fayez al-Sarraj")
    same_span = make_mention(article, keep, "Fayez al-Sarraj", status="suggested")
    claim = make_claim(article, "met Stephanie Williams", speaker=dupe, about=[dupe, keep])
    response = client.post(
        reverse("admin:archive_entity_changelist"),
        {"action": "merge_into", "_selected_action": [keep.pk, dupe.pk], "survivor": keep.pk},
    )
    assert response.status_code == 302
    assert not Entity.objects.filter(pk=dupe.pk).exists()
    assert Mention.objects.filter(pk=mention.pk).count() == 0  # same words: kept once
    assert Mention.objects.get(pk=same_span.pk).entity == keep
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.speaker == keep and list(claim.about.all()) == [keep]
    assert set(Alias.objects.filter(entity=keep).values_list("name", flat=True)) == {
        "Fayez al-Sarraj",
        "فايز السراج",
        "Fayez Serraj",
    }
    record = EntityMerge.objects.get(survivor=keep)
    assert (record.survivor, record.merged_name, record.merged_by) == (keep, "Fayez Serraj", editor)
    assert record.claims_moved == 1


def test_merge_shows_a_confirmation_page_first(client, editor):
    a, b = make_entity(name="A one"), make_entity(name="B two")
    response = client.post(
        reverse("admin:archive_entity_changelist"),
        {"action": "merge_into", "_selected_action": [a.pk, b.pk]},
    )
    assert response.status_code == 200
    assert "Merge into the chosen entity" in response.content.decode()
    assert Entity.objects.filter(pk__in=[a.pk, b.pk]).count() == 2


def test_merge_is_one_transaction(editor, monkeypatch):
    keep, dupe = make_entity(), make_entity()
    article = make_article()
    make_mention(article, dupe, "Fayez al-Sarraj")

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(EntityMerge.objects, "create", boom)
    with pytest.raises(RuntimeError):
        services.entity_merge(survivor=keep, merged=dupe, user=editor)
    assert Mention.objects.get(article=article).entity == dupe


def test_analysts_cannot_merge(client):
    client.force_login(make_user("ana", group="Analyst"))
    a, b = make_entity(), make_entity()
    response = client.post(
        reverse("admin:archive_entity_changelist"),
        {"action": "merge_into", "_selected_action": [a.pk, b.pk], "survivor": a.pk},
    )
    assert response.status_code in (200, 302)
    assert Entity.objects.filter(pk__in=[a.pk, b.pk]).count() == 2


def test_deleting_an_entity_with_mentions_explains_instead_of_failing(client, editor):
    entity = make_entity(name="Fayez al-Sarraj")
    make_mention(make_article(), entity, "Fayez al-Sarraj")
    single = client.get(reverse("admin:archive_entity_delete", args=[entity.pk]))
    assert single.status_code == 200
    assert "protected related objects" in single.content.decode()
    posted = client.post(reverse("admin:archive_entity_delete", args=[entity.pk]), {"post": "yes"})
    assert posted.status_code in (200, 403)
    bulk = client.post(
        reverse("admin:archive_entity_changelist"),
        {"action": "delete_selected", "_selected_action": [entity.pk], "post": "yes"},
    )
    assert bulk.status_code == 200
    assert "protected related objects" in bulk.content.decode()
    assert Entity.objects.filter(pk=entity.pk).exists()

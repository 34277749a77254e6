"""Entity admin: search by any alias, merge into a survivor (chosen knowingly, old
addresses kept), refused deletes explained."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from archive import services
from archive.models import Alias, Claim, Entity, EntityMerge, Mention
from tests.factories import make_article, make_claim, make_entity, make_mention, make_user

pytestmark = pytest.mark.django_db


def merge_post(*entities, survivor=None) -> dict:
    """What the merge page's button sends."""
    data = {"action": "merge_into", "_selected_action": [e.pk for e in entities], "_merge": "1"}
    if survivor is not None:
        data["survivor"] = survivor.pk
    return data


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
        merge_post(keep, dupe, survivor=keep),
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
        merge_post(a, b, survivor=a),
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


def test_merge_page_shows_counts_names_and_descriptions_and_suggests_the_most_mentioned(
    client, editor
):
    article = make_article(body="Fayez al-Sarraj met Serraj and Fayez al-Sarraj again.")
    rich = make_entity(
        name="Fayez al-Sarraj",
        description="Head of the Presidential Council",
        aliases={"ar": ["فايز السراج"]},
    )
    poor = make_entity(name="Serraj", description="")  # the newer duplicate: listed first
    make_mention(article, rich, "Fayez al-Sarraj")
    make_mention(article, rich, "Fayez al-Sarraj", occurrence=1)
    make_mention(article, poor, "Serraj", status="rejected")  # a rejection is no mention
    response = client.post(
        reverse("admin:archive_entity_changelist"),
        {"action": "merge_into", "_selected_action": [poor.pk, rich.pk]},
    )
    assert response.status_code == 200
    rows = {e.pk: e for e in response.context["entities"]}
    assert (rows[rich.pk].n_mentions, rows[poor.pk].n_mentions) == (2, 0)
    html = response.content.decode()
    assert "Head of the Presidential Council" in html and "فايز السراج" in html
    assert f'value="{rich.pk}" id="survivor-{rich.pk}" required checked' in html
    assert f'value="{poor.pk}" id="survivor-{poor.pk}" required>' in html
    assert html.index("Fayez al-Sarraj") < html.index("Serraj</label>")  # most mentioned first


def test_merge_on_a_tie_preselects_nothing_and_merges_only_on_an_explicit_choice(client, editor):
    a, b = make_entity(name="Ahmed Maiteeq"), make_entity(name="Ahmed Maetig")
    url = reverse("admin:archive_entity_changelist")
    page = client.post(url, {"action": "merge_into", "_selected_action": [a.pk, b.pk]})
    assert " checked" not in page.content.decode()
    # Pressing the button without choosing: the page again, with the reason, nothing merged.
    again = client.post(url, merge_post(a, b))
    assert again.status_code == 200
    assert "Choose the entity to keep." in again.content.decode()
    # A survivor that is not among those selected is refused too.
    third = make_entity(name="Someone else")
    outside = client.post(url, merge_post(a, b, survivor=third))
    assert "among those selected" in outside.content.decode()
    assert Entity.objects.filter(pk__in=[a.pk, b.pk, third.pk]).count() == 3
    assert client.post(url, merge_post(a, b, survivor=b)).status_code == 302
    assert list(Entity.objects.filter(pk__in=[a.pk, b.pk])) == [b]


def test_merge_page_makes_the_same_queries_for_two_or_ten_entities(client, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:archive_entity_changelist")
    article = make_article(body="Tripoli " * 20)

    def queries(n):
        entities = [make_entity(aliases={"en": [f"Name {i}"]}) for i in range(n)]
        for i, entity in enumerate(entities):
            make_mention(article, entity, "Tripoli", occurrence=i)
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(
                url, {"action": "merge_into", "_selected_action": [e.pk for e in entities]}
            )
        assert response.status_code == 200
        return len(ctx)

    assert queries(2) == queries(10)


def test_merge_is_in_both_entities_history_with_who_did_it(client, editor):
    keep, dupe = make_entity(name="Fayez al-Sarraj"), make_entity(name="Fayez Serraj")
    client.post(reverse("admin:archive_entity_changelist"), merge_post(keep, dupe, survivor=keep))
    kept = keep.history.first()
    assert kept.history_user == editor
    assert kept.history_change_reason == f"Merged Fayez Serraj ({dupe.slug}) into this entity"
    gone = Entity.history.filter(id=dupe.pk).first()
    assert (gone.history_type, gone.history_user) == ("-", editor)
    assert gone.history_change_reason == f"Merged into Fayez al-Sarraj ({keep.slug})"
    history = client.get(reverse("admin:archive_entity_history", args=[keep.pk]))
    assert "Merged Fayez Serraj" in history.content.decode()


def test_a_merge_of_an_entity_merged_meanwhile_is_refused_not_an_error(client, editor):
    keep, dupe, other = make_entity(), make_entity(), make_entity()
    stale = Entity.objects.get(pk=dupe.pk)
    services.entity_merge(survivor=other, merged=dupe, user=editor)
    with pytest.raises(ValidationError):
        services.entity_merge(survivor=keep, merged=stale, user=editor)


# -- old addresses of merged entities lead on ------------------------------------------------


def _public(entity, body="Fayez al-Sarraj spoke."):
    make_mention(make_article(body=body), entity, body.split(" spoke")[0])
    return entity


def test_after_a_merge_the_old_pages_feeds_and_api_redirect_to_the_kept_entity(client, editor):
    keep = _public(make_entity(name="Fayez al-Sarraj", slug="fayez-al-sarraj"))
    dupe = _public(make_entity(name="Fayez Serraj", slug="fayez-serraj"))
    client.post(reverse("admin:archive_entity_changelist"), merge_post(keep, dupe, survivor=keep))
    client.logout()  # readers, not editors
    for old, new in [
        ("/people/fayez-serraj/", "/people/fayez-al-sarraj/"),
        ("/people/fayez-serraj/?page=1", "/people/fayez-al-sarraj/?page=1"),
        ("/people/fayez-serraj/feed/", "/people/fayez-al-sarraj/feed/"),
        ("/api/entities/fayez-serraj/", "/api/entities/fayez-al-sarraj/"),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
        assert client.get(new).status_code == 200, new
    # Unknown slugs, and the old slug under another kind, still answer 404.
    for url in [
        "/people/nobody-at-all/",
        "/people/nobody-at-all/feed/",
        "/api/entities/nobody-at-all/",
        "/places/fayez-serraj/",
        "/organizations/fayez-serraj/feed/",
    ]:
        assert client.get(url).status_code == 404, url


def test_a_chain_of_merges_redirects_the_first_slug_to_the_last_survivor(client, editor):
    a = _public(make_entity(name="GNA", slug="gna", kind="organization"))
    b = _public(
        make_entity(name="Government of National Accord", slug="gna-2", kind="organization")
    )
    c = _public(
        make_entity(name="Government of National Accord (Libya)", slug="gna-3", kind="organization")
    )
    url = reverse("admin:archive_entity_changelist")
    client.post(url, merge_post(a, b, survivor=b))
    client.post(url, merge_post(b, c, survivor=c))
    for old in ["gna", "gna-2"]:
        response = client.get(f"/organizations/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/organizations/gna-3/")
        assert client.get(f"/api/entities/{old}/")["Location"] == "/api/entities/gna-3/"


def test_a_redirect_never_leads_to_a_hidden_entity_nor_hides_a_live_one(client, editor):
    hidden_article = make_article(body="Fayez al-Sarraj spoke.", is_public=False)
    keep = make_entity(name="Fayez al-Sarraj", slug="sarraj")
    make_mention(hidden_article, keep, "Fayez al-Sarraj")  # known only from a hidden article
    rejected_only = make_entity(name="Serraj", slug="serraj")
    make_mention(make_article(body="Serraj spoke."), rejected_only, "Serraj", status="rejected")
    dupe = _public(make_entity(name="Fayez Serraj", slug="fayez-serraj"))
    services.entity_merge(survivor=keep, merged=dupe, user=editor)
    # The only public mention moved to `keep`, which is public now: the redirect works.
    assert client.get("/people/fayez-serraj/").status_code == 301
    services.entity_merge(survivor=rejected_only, merged=keep, user=editor)
    # Everything `rejected_only` has is hidden or rejected: no redirect to a 404 page.
    Mention.objects.filter(entity=rejected_only).update(status="rejected")
    for url in ["/people/fayez-serraj/", "/people/sarraj/", "/api/entities/sarraj/"]:
        assert client.get(url).status_code == 404, url
    # A new entity that takes a retired slug answers for itself.
    new = _public(make_entity(name="Someone new", slug="fayez-serraj"), "Someone new spoke.")
    assert client.get("/people/fayez-serraj/").context["entity"] == new


def test_merges_made_before_redirects_existed_get_them(editor):
    import importlib

    from django.apps import apps

    from archive.models import EntityRedirect

    keep = make_entity(slug="kept")
    EntityMerge.objects.create(
        survivor=keep, merged_entity_id=999, merged_name="X", merged_slug="x"
    )
    EntityMerge.objects.create(
        survivor=keep, merged_entity_id=998, merged_name="K", merged_slug="kept"
    )
    importlib.import_module("archive.migrations.0006_entity_redirect").from_past_merges(apps, None)
    assert list(EntityRedirect.objects.values_list("old_slug", "entity")) == [("x", keep.pk)]


def test_a_renamed_slug_keeps_its_old_address(client, editor):
    entity = _public(make_entity(name="Fayez al-Sarraj", slug="sarraj"))
    data = {
        "kind": "person",
        "name": "Fayez al-Sarraj",
        "slug": "fayez-al-sarraj",
        "description": "",
        "wikidata_id": "",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:archive_entity_change", args=[entity.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    response = client.get("/people/sarraj/")
    assert (response.status_code, response["Location"]) == (301, "/people/fayez-al-sarraj/")

"""Names learned from the texts: definitions make proposals, an analyst accepts or rejects
them, and the suggestions a proposed name makes are marked until then."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from archive.models import Alias, AliasOrigin, Mention, NameProposal, ProposalStatus, Status
from archive.services.names import names_learn, proposal_accept, proposal_reject
from archive.services.suggestions import suggest_from_proposals
from tests.factories import make_article, make_entity, make_mention, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def rsf():
    return make_entity(
        name="Rapid Support Forces",
        slug="rsf",
        kind="organization",
        aliases={"en": ["Rapid Support Forces"]},
    )


def test_a_definition_proposes_the_short_form_with_evidence(rsf):
    article = make_article(
        body="The Rapid Support Forces (RSF) took the town. RSF fighters stayed.", language="en"
    )
    result = names_learn(articles=[article])
    proposal = NameProposal.objects.get()
    assert (proposal.entity, proposal.name, proposal.language) == (rsf, "RSF", "en")
    assert proposal.origin == "definition" and proposal.status == ProposalStatus.PROPOSED
    assert proposal.count == 1 and result.proposed == 1
    assert proposal.evidence[0]["article"] == article.pk
    assert "Rapid Support Forces (RSF)" in proposal.evidence[0]["sentence"]
    # Again over another article: the count and the evidence grow.
    other = make_article(body="Fighters of the Rapid Support Forces (RSF) left.", language="en")
    names_learn(articles=Article_qs([other]))
    proposal.refresh_from_db()
    assert proposal.count == 2
    assert [e["article"] for e in proposal.evidence] == [article.pk, other.pk]


def Article_qs(articles):
    from archive.models import Article

    return Article.objects.filter(pk__in=[a.pk for a in articles])


def test_the_long_form_is_proposed_when_the_short_form_is_known():
    make_entity(name="UN", slug="un", kind="organization", aliases={"en": ["UNHCR"]})
    article = make_article(
        body="The United Nations High Commissioner for Refugees (UNHCR) said so.", language="en"
    )
    names_learn(articles=[article])
    assert list(NameProposal.objects.values_list("name", flat=True)) == [
        "United Nations High Commissioner for Refugees"
    ]


def test_a_chain_goes_through_proposed_names(rsf):
    # In an order where each definition needs the one after it.
    a = make_article(body="Les Forces de soutien rapide (FSR) attaquent.", language="fr")
    b = make_article(body="Les Forces de soutien rapide (RSF) attaquent.", language="fr")
    c = make_article(body="The Rapid Support Forces (RSF) attack.", language="en")
    names_learn(articles=[a, b, c])
    found = set(NameProposal.objects.values_list("entity__slug", "name", "language"))
    assert found == {
        ("rsf", "RSF", "en"),
        ("rsf", "Forces de soutien rapide", "fr"),
        ("rsf", "FSR", "fr"),
        ("rsf", "RSF", "fr"),  # the English short name, used in French too
    }


def test_nothing_is_proposed_when_neither_or_both_sides_are_known(rsf):
    make_entity(name="Unrelated", aliases={"en": ["RSF"]})
    names_learn(
        articles=[
            make_article(body="The Rapid Support Forces (RSF) left.", language="en"),
            make_article(body="The Sudan Liberation Army (SLA) left.", language="en"),
        ]
    )
    assert not NameProposal.objects.exists()


def test_accept_adds_a_learned_alias_and_suggests_its_mentions(rsf):
    defining = make_article(body="The Rapid Support Forces (RSF) took the town.", language="en")
    later = make_article(body="Yesterday RSF fighters left the town.", language="en")
    names_learn(articles=[defining])
    proposal = NameProposal.objects.get()
    # Before review: a suggestion with the proposed name, marked.
    assert suggest_from_proposals(Article_qs([later])) == 1
    marked = Mention.objects.get(article=later)
    assert (marked.text, marked.entity, marked.proposal) == ("RSF", rsf, proposal)
    assert marked.status == Status.SUGGESTED
    user = get_user_model().objects.create_user("analyst")
    proposal_accept(proposal=proposal, user=user)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    alias = Alias.objects.get(entity=rsf, name="RSF")
    assert alias.origin == AliasOrigin.LEARNED and alias.language == "en"
    marked.refresh_from_db()
    assert marked.proposal is None and marked.status == Status.SUGGESTED
    # Its mentions across the archive are suggested (the defining article's too).
    texts = set(Mention.objects.filter(article=defining).values_list("text", flat=True))
    assert "RSF" in texts


def test_reject_rejects_its_suggestions_and_it_never_comes_back(rsf):
    defining = make_article(body="The Rapid Support Forces (RSF) took the town.", language="en")
    later = make_article(body="Yesterday RSF fighters left the town.", language="en")
    names_learn(articles=[defining])
    proposal = NameProposal.objects.get()
    suggest_from_proposals(Article_qs([later]))
    # The defining article's "(RSF)" was suggested as it was read, the later one's now.
    assert proposal_reject(proposal=proposal) == 2
    assert Mention.objects.get(article=later).status == Status.REJECTED
    names_learn(articles=Article_qs([defining, later]))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED and proposal.count == 1
    assert NameProposal.objects.count() == 1
    assert not Alias.objects.filter(name="RSF").exists()
    # A rejected proposal makes no suggestion either.
    assert suggest_from_proposals(Article_qs([later])) == 0


def test_names_learn_suggests_with_open_proposals_in_the_articles_it_reads(rsf):
    article = make_article(
        body="The Rapid Support Forces (RSF) took the town. Later RSF left.", language="en"
    )
    result = names_learn(articles=Article_qs([article]))
    proposal = NameProposal.objects.get()
    marked = list(Mention.objects.filter(proposal=proposal).values_list("text", flat=True))
    assert marked and set(marked) == {"RSF"}
    assert result.suggested == len(marked)


def test_a_proposal_span_never_overlaps_a_mention_already_there(rsf):
    article = make_article(body="The Rapid Support Forces (RSF) took the town.", language="en")
    make_mention(article, rsf, "RSF", status="rejected")
    names_learn(articles=Article_qs([article]))
    assert not Mention.objects.filter(proposal__isnull=False).exists()


def test_proposals_stay_in_the_admin_hidden_article_text_never_public(client, rsf):
    secret = "The Rapid Support Forces (RSF) met the secret envoy Zorbanian."
    hidden = make_article(body=secret, language="en", is_public=False)
    shown = make_article(body="Rapid Support Forces fighters left.", language="en")
    make_mention(shown, rsf, "Rapid Support Forces")
    names_learn(articles=Article_qs([hidden]))
    assert NameProposal.objects.get().evidence[0]["sentence"].startswith("The Rapid")
    for url in (
        rsf.get_absolute_url(),
        "/api/entities/rsf/",
        "/api/entities/",
        shown.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code in (200, 301, 302, 404)
        assert "Zorbanian" not in response.content.decode()
    # The admin list is for staff only.
    response = client.get(reverse("admin:archive_nameproposal_changelist"))
    assert response.status_code == 302


# --- the admin ----------------------------------------------------------------------------


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-boss-1234")
    client.force_login(user)
    return user


def test_admin_lists_proposals_most_seen_first_with_evidence_links(client, staff, rsf):
    article = make_article(body="The Rapid Support Forces (RSF) took the town.", language="en")
    names_learn(articles=[article])
    NameProposal.objects.create(
        entity=rsf, name="Rare", language="en", origin="definition", count=0
    )
    response = client.get(reverse("admin:archive_nameproposal_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index(">RSF<") < page.index(">Rare<")
    assert reverse("admin:archive_article_change", args=[article.pk]) in page
    assert "Rapid Support Forces (RSF)" in page
    assert reverse("admin:archive_nameproposal_unknown") in page
    response = client.get(reverse("admin:archive_nameproposal_changelist") + "?status=proposed")
    assert response.status_code == 200
    proposal = NameProposal.objects.get(name="RSF")
    response = client.get(reverse("admin:archive_nameproposal_change", args=[proposal.pk]))
    assert response.status_code == 200
    assert "Rapid Support Forces (RSF)" in response.content.decode()


def test_admin_actions_accept_and_reject(client, staff, rsf):
    make_entity(name="Sudan Liberation Army", slug="sla", kind="organization",
                aliases={"en": ["Sudan Liberation Army"]})  # fmt: skip
    names_learn(
        articles=[
            make_article(body="The Rapid Support Forces (RSF) left.", language="en"),
            make_article(body="The Sudan Liberation Army (SLA) left.", language="en"),
        ]
    )
    rsf_name, sla_name = NameProposal.objects.get(name="RSF"), NameProposal.objects.get(name="SLA")
    url = reverse("admin:archive_nameproposal_changelist")
    response = client.post(url, {"action": "accept_selected", "_selected_action": [rsf_name.pk]})
    assert response.status_code == 302
    response = client.post(url, {"action": "reject_selected", "_selected_action": [sla_name.pk]})
    assert response.status_code == 302
    rsf_name.refresh_from_db()
    sla_name.refresh_from_db()
    assert (rsf_name.status, sla_name.status) == ("accepted", "rejected")
    assert Alias.objects.filter(entity=rsf, name="RSF", origin="learned").exists()
    assert not Alias.objects.filter(name="SLA").exists()


# --- import and the command -------------------------------------------------------------


def test_an_import_learns_the_names_its_texts_define(tmp_path, rsf):
    from django.core.management import call_command

    def import_text(slug, text):
        folder = tmp_path / slug
        folder.mkdir()
        (folder / "a.txt").write_text(text, encoding="utf-8")
        (folder / "manifest.toml").write_text(
            f'[[article]]\nfile = "a.txt"\nlanguage = "en"\nslug = "{slug}"\n', encoding="utf-8"
        )
        call_command("import_articles", str(folder), stdout=StringIO(), stderr=StringIO())

    import_text("darfur", "Fighting in Darfur\nThe Rapid Support Forces (RSF) took the town.")
    proposal = NameProposal.objects.get()
    assert (proposal.entity, proposal.name, proposal.count) == (rsf, "RSF", 1)
    # A later import: the proposed name is suggested there, marked.
    import_text("el-fasher", "El Fasher\nRSF fighters left El Fasher on Monday.")
    marked = Mention.objects.get(article__slug="el-fasher")
    assert (marked.text, marked.entity, marked.proposal) == ("RSF", rsf, proposal)


def test_learn_names_reads_the_whole_archive_and_counts_once_however_often_run(rsf):
    from django.core.management import call_command

    for _ in range(3):
        make_article(body="The Rapid Support Forces (RSF) took the town.", language="en")
    for _ in range(2):
        out = StringIO()
        call_command("learn_names", stdout=out, stderr=StringIO())
        proposal = NameProposal.objects.get()
        assert proposal.count == 3
    assert "3 definitions read" in out.getvalue()
    assert Mention.objects.filter(proposal=proposal).count() == 3


def test_an_analyst_reviews_proposals_and_adopts_unknown_names(client, rsf):
    import importlib

    from django.apps import apps

    analyst = make_user("ana", group="Analyst")
    # A transactional test elsewhere may have flushed the groups, which make_user then makes
    # as 0003 does: give them what 0016 grants.
    importlib.import_module("archive.migrations.0016_name_proposals").grant(apps, None)
    client.force_login(analyst)
    names_learn(articles=[make_article(body="The Rapid Support Forces (RSF) left.")])
    proposal = NameProposal.objects.get()
    url = reverse("admin:archive_nameproposal_changelist")
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "accept_selected", "_selected_action": [proposal.pk]})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert client.get(reverse("admin:archive_nameproposal_unknown")).status_code == 200


def test_on_a_new_topic_the_definitions_teach_short_names_and_a_chain():
    """tests/data/newtopic/ with its 19 key entities made (a name, an Arabic name, a kind)."""
    from archive.models import Article, Entity
    from archive.services import entity_names_sync
    from tests.test_unknown_names import _load_newtopic

    for row in _load_newtopic():
        entity = Entity.objects.create(
            slug=row["slug"], kind=row["kind"], name=row["name"], name_ar=row["name_ar"]
        )
        entity_names_sync(entity=entity)
    result = names_learn(articles=Article.objects.all())
    proposed = set(NameProposal.objects.values_list("entity__slug", "name", "language"))
    assert {
        ("southern-transitional-council", "STC", "en"),
        ("presidential-leadership-council", "PLC", "en"),
        # Conseil de transition du Sud (STC): known by the proposed STC
        ("southern-transitional-council", "Conseil de transition du Sud", "fr"),
    } <= proposed
    assert result.suggested == Mention.objects.filter(proposal__isnull=False).count() > 0

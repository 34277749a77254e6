"""Grouping into stories (archive.services.grouping, manage.py group_stories): the seeds,
a hand-read set of real articles (tests/data/grouping), the command's JSON, an analyst's
decisions, and what the story page lets a reader see."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.models import Alias, Article, Entity, LinkProposal, Mention, Source, Story
from archive.services import grouping
from archive.services.suggestions import suggest_mentions
from archive.text.shingles import containment, signature
from tests.factories import make_article, make_entity, make_source, make_story

DATA = Path(__file__).parent / "data" / "grouping"
SEED_ORIGINAL = "libyan-government-meets-us-delegation"
SEED_TRANSLATION = "al-hukuma-al-libiya-tajtamie-bi-wafd-amriki"
SEED_COVERAGE = {
    "us-experts-libyan-officials-hold-security-meetings",
    "libyan-american-agreement-to-stop-militia-activity",
}


def run_json() -> list[dict]:
    out = StringIO()
    call_command("group_stories", "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def seeds(db):
    """The seeds as loaded, with the links the fixtures write by hand taken away."""
    call_command("load_initial_data", verbosity=0)
    Article.objects.update(story=None, translation_of=None)


# The seeds ------------------------------------------------------------------------------


def test_on_the_seeds_001_is_the_translation_of_000_and_003_004_are_coverage(seeds):
    proposals = run_json()
    translations = [p for p in proposals if p["kind"] == "translation"]
    assert [p["articles"] for p in translations] == [[SEED_ORIGINAL, SEED_TRANSLATION]]
    evidence = translations[0]["evidence"]
    assert evidence["alignment"] >= grouping.TRANSLATION_ALIGNMENT
    assert {"635", "2011"} <= set(evidence["shared_figures"])
    assert "stephanie-williams" in evidence["shared_entities"]
    coverage = [set(p["articles"]) for p in proposals if p["kind"] == "coverage"]
    assert SEED_COVERAGE in coverage
    assert all(isinstance(p["score"], float) for p in proposals)


def test_links_the_archive_already_holds_are_not_proposed(db):
    call_command("load_initial_data", verbosity=0)  # 001 translates 000; 003, 004 one story
    assert run_json() == []


def test_running_twice_changes_nothing(seeds):
    first = run_json()
    rows = list(LinkProposal.objects.values_list("pk", "kind", "first", "second", "score"))
    assert run_json() == first
    assert list(LinkProposal.objects.values_list("pk", "kind", "first", "second", "score")) == rows


def test_confirming_a_translation_sets_translation_of_and_one_story(seeds):
    run_json()
    proposal = LinkProposal.objects.get(kind="translation")
    grouping.link_confirm(proposal=proposal)
    translation = Article.objects.get(slug=SEED_TRANSLATION)
    assert translation.translation_of.slug == SEED_ORIGINAL
    assert translation.story_id and translation.story_id == translation.translation_of.story_id
    assert translation.history.first().translation_of_id == translation.translation_of_id
    # Confirmed: no longer open, never proposed again.
    assert [p["kind"] for p in run_json()] == ["coverage"]


def test_confirming_coverage_makes_a_story_titled_after_the_earliest_article(seeds):
    run_json()
    grouping.link_confirm(proposal=LinkProposal.objects.get(kind="coverage"))
    stories = set(
        Article.objects.filter(slug__in=SEED_COVERAGE).values_list("story__title", flat=True)
    )
    # 004 is dated January 2020, 003 the 4th: January's first day comes first.
    assert stories == {
        Article.objects.get(slug="libyan-american-agreement-to-stop-militia-activity").title
    }


def test_confirming_coverage_joins_the_existing_story(seeds):
    story = make_story(title="Militias", slug="militias")
    Article.objects.filter(slug="us-experts-libyan-officials-hold-security-meetings").update(
        story=story
    )
    run_json()
    stories = Story.objects.count()
    grouping.link_confirm(proposal=LinkProposal.objects.get(kind="coverage"))
    assert set(Article.objects.filter(slug__in=SEED_COVERAGE).values_list("story", flat=True)) == {
        story.pk
    }
    assert Story.objects.count() == stories  # no new story


def test_a_rejected_pair_is_not_proposed_again(seeds):
    run_json()
    proposal = LinkProposal.objects.get(kind="translation")
    assert grouping.link_reject(proposals=[proposal]) == 1
    again = run_json()
    assert all(set(p["articles"]) != {SEED_ORIGINAL, SEED_TRANSLATION} for p in again)
    assert LinkProposal.objects.get(pk=proposal.pk).status == "rejected"
    assert Article.objects.get(slug=SEED_TRANSLATION).translation_of is None


def test_a_rejected_mention_is_not_a_shared_entity(seeds):
    original = Article.objects.get(slug=SEED_ORIGINAL)
    Mention.objects.filter(article=original, entity__slug="stephanie-williams").update(
        status="rejected"
    )
    evidence = next(p for p in run_json() if p["kind"] == "translation")["evidence"]
    assert "stephanie-williams" not in evidence["shared_entities"]
    assert "thomas-waldhauser" in evidence["shared_entities"]


# Copies: robust to another headline, intro or ending ---------------------------------------


def test_a_reprint_with_its_own_intro_and_no_ending_is_still_contained():
    body = (DATA / "articles.json").read_text(encoding="utf-8")
    wire = next(a for a in json.loads(body) if a["key"] == "alarabiya-0329")["body"]
    paras = wire.splitlines()
    reprint = "\n".join(["A new intro written by the reprinting outlet.", *paras[1:-1]])
    assert containment(signature(wire), signature(reprint)) >= grouping.COPY_CONTAINMENT
    other = next(a for a in json.loads(body) if a["key"] == "borneo-2019-01")["body"]
    assert containment(signature(wire), signature(other)) < 0.1


# The hand-read set of real articles --------------------------------------------------------


def load_set() -> dict[str, Article]:
    gold = json.loads((DATA / "gold.json").read_text(encoding="utf-8"))
    for spec in gold["entities"]:
        entity = Entity.objects.filter(name=spec["name"]).first() or make_entity(
            name=spec["name"], name_ar=spec["name_ar"], kind=spec["kind"],
            slug=spec["name"].lower().replace(" ", "-"),
        )  # fmt: skip
        for language, names in spec["aliases"].items():
            for name in names:
                Alias.objects.get_or_create(entity=entity, name=name, language=language)
    articles = {}
    for spec in json.loads((DATA / "articles.json").read_text(encoding="utf-8")):
        source, _ = Source.objects.get_or_create(
            name=spec["outlet"], defaults={"slug": spec["key"] + "-outlet"}
        )
        articles[spec["key"]] = Article.objects.create(
            slug=spec["key"],
            title=spec["title"],
            body=spec["body"],
            language=spec["language"],
            source=source,
            url=spec["url"],
            published=date.fromisoformat(spec["published"]),
        )
    suggest_mentions(list(articles.values()))
    return articles


def precision_recall(found: set, gold: set) -> tuple[float, float]:
    hits = len(found & gold)
    return (hits / len(found) if found else 1.0), hits / len(gold)


@pytest.fixture
def measured(db):
    """Proposals among the set's articles, and the gold pairs read by hand."""
    call_command("load_initial_data", verbosity=0)  # the archive's entities (and the seeds)
    keys = set(load_set())
    gold = json.loads((DATA / "gold.json").read_text(encoding="utf-8"))
    return [p for p in run_json() if set(p["articles"]) <= keys], gold


def test_real_reprints_are_found_with_precision_and_recall(measured):
    proposals, gold = measured
    copies = {frozenset(p["articles"]) for p in proposals if p["kind"] == "copy"}
    precision, recall = precision_recall(copies, {frozenset(pair) for pair in gold["copies"]})
    assert precision >= 0.95 and recall >= 0.9, f"copies P={precision:.2f} R={recall:.2f}"


def test_real_translations_are_found_with_precision_and_recall(measured):
    """The goal's figure: translations that render the other text (whole, or as much of it
    as the stored page holds), against every proposal. The AFP Arabic briefs that render a
    few sentences of a long English dispatch ("abridged" in gold.json) count as right when
    proposed, and are not expected: docs/stories.md gives their recall apart."""
    proposals, gold = measured
    found = {tuple(p["articles"]) for p in proposals if p["kind"] == "translation"}
    abridged = {tuple(pair) for pair in gold["abridged"]}
    whole = {tuple(pair) for pair in gold["translations"]} - abridged
    precision = len(found & (whole | abridged)) / len(found) if found else 1.0
    recall = len(found & whole) / len(whole)
    assert precision >= 0.95 and recall >= 0.9, f"translations P={precision:.2f} R={recall:.2f}"
    # The same event told the same day in another language, with the same toll, is not a
    # translation (Xinhua's Arabic and AP's English of one ministry's figures).
    near = {frozenset(pair) for pair in gold["near_misses"]}
    assert not {frozenset(pair) for pair in found} & near


def test_a_translation_keeps_order_figures_and_length():
    from archive.text.translation import figures_kept, length_ratio, order_agreement

    same = [{"e:1", "n:12"}, {"e:2"}, {"e:3", "n:87"}]
    assert order_agreement(same, same) == 1.0
    assert order_agreement(same, list(reversed(same))) == 0.0
    assert order_agreement([{"e:1"}, {"e:2"}], [{"e:1"}, {"e:2"}]) is None  # too few
    # A translation may drop a paragraph's figures; it brings none of its own.
    assert figures_kept(frozenset({"635", "2011"}), frozenset({"635", "2011", "2016"})) == 1.0
    assert figures_kept(frozenset({"96", "444", "16"}), frozenset({"96", "300", "17"})) < 0.5
    assert figures_kept(frozenset(), frozenset({"12", "87"})) == 0.0
    # Arabic takes fewer characters than English for the same text.
    assert length_ratio(1000, 820, "en", "ar") == pytest.approx(1.0)
    assert length_ratio(1000, 820, "en", "fr") > 1.3


# The story page ---------------------------------------------------------------------------


@pytest.fixture
def story(db):
    story = make_story(title="France reopens its embassy", slug="embassy")
    afp = make_source(name="AFP", slug="afp")
    make_article(slug="en-one", title="Embassy reopens", story=story, source=afp,
                 published=date(2021, 3, 29))  # fmt: skip
    return story


def test_a_story_told_in_one_language_says_so(client, story):
    page = client.get("/stories/embassy/").content.decode()
    assert "Told only in English" in page
    assert "Embassy reopens" in page


def test_a_story_shows_its_languages_side_by_side(client, story):
    original = Article.objects.get(slug="en-one")
    make_article(slug="ar-one", title="السفارة", language="ar", story=story,
                 translation_of=original, published=date(2021, 3, 30))  # fmt: skip
    page = client.get("/stories/embassy/").content.decode()
    assert "Told only" not in page
    assert 'data-languages="ar en"' in page
    assert "/articles/en-one/compare/ar-one/" in page


def test_a_hidden_article_never_shows_on_the_story_page(client, story):
    original = Article.objects.get(slug="en-one")
    original.is_public = False
    original.save()
    make_article(slug="ar-one", title="السفارة", language="ar", story=story,
                 translation_of=original, published=date(2021, 3, 30))  # fmt: skip
    page = client.get("/stories/embassy/").content.decode()
    assert "Embassy reopens" not in page and "en-one" not in page
    assert "Told only in Arabic" in page


def test_a_story_without_a_public_article_and_an_unknown_story_are_404(client, story):
    Article.objects.update(is_public=False)
    assert client.get("/stories/embassy/").status_code == 404
    assert client.get("/stories/no-such-story/").status_code == 404
    assert "embassy" not in client.get("/stories/").content.decode()


# The admin's review ----------------------------------------------------------------------


def test_the_admin_lists_proposals_with_evidence_and_confirms_a_row(admin_client, seeds):
    run_json()
    page = admin_client.get("/admin/archive/linkproposal/").content.decode()
    assert "Libyan government meets US delegation" in page and "alignment" in page
    proposal = LinkProposal.objects.get(kind="translation")
    response = admin_client.post(
        reverse("admin:archive_linkproposal_decide", args=[proposal.pk, "confirm"])
    )
    assert response.status_code == 302
    assert Article.objects.get(slug=SEED_TRANSLATION).translation_of.slug == SEED_ORIGINAL
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.decided_by is not None


def test_the_admin_rejects_in_bulk(admin_client, seeds):
    run_json()
    ids = list(LinkProposal.objects.values_list("pk", flat=True))
    admin_client.post(
        "/admin/archive/linkproposal/",
        {"action": "reject", "_selected_action": ids},
    )
    assert set(LinkProposal.objects.values_list("status", flat=True)) == {"rejected"}
    assert run_json() == []

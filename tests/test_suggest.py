"""Suggested mentions: the matcher's finds, stored once, never over a curated span."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import Alias, Article, Mention
from archive.services.suggestions import suggest_mentions
from tests.factories import make_article, make_entity, make_mention

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "sarraj": make_entity(
            name="Fayez al-Sarraj", slug="sarraj", aliases={"en": ["Fayez al-Sarraj"]}
        ),
        "tripoli": make_entity(
            name="Tripoli",
            slug="tripoli",
            kind="place",
            aliases={"en": ["Tripoli"], "ar": ["طرابلس"]},
        ),
    }


def test_suggestions_are_stored_as_suggested_at_exact_spans(people):
    article = make_article()
    assert suggest_mentions([article]) == 2
    mentions = list(article.mentions.order_by("start"))
    assert [(m.entity.slug, m.text, m.status) for m in mentions] == [
        ("sarraj", "Fayez al-Sarraj", "suggested"),
        ("tripoli", "Tripoli", "suggested"),
    ]
    for m in mentions:
        assert article.body[m.start : m.end] == m.text


def test_running_twice_never_duplicates(people):
    article = make_article()
    suggest_mentions([article])
    assert suggest_mentions(Article.objects.all()) == 0
    assert article.mentions.count() == 2


def test_a_curated_or_rejected_span_is_left_alone(people):
    article = make_article()
    make_mention(article, people["sarraj"], "Fayez al-Sarraj", status="rejected")
    make_mention(article, people["tripoli"], "Tripoli", role="place")
    assert suggest_mentions([article]) == 0
    assert set(article.mentions.values_list("status", flat=True)) == {"rejected", "confirmed"}


def test_query_count_does_not_grow_with_the_number_of_articles(people):
    def queries_for(n):
        for _ in range(n):
            make_article()
        with CaptureQueriesContext(connection) as ctx:
            suggest_mentions(Article.objects.filter(mentions__isnull=True))
        return len(ctx.captured_queries)

    assert queries_for(3) == queries_for(30)


def test_the_command_takes_slugs_and_refuses_unknown_ones(people):
    make_article(slug="one")
    make_article(slug="two")
    out = StringIO()
    call_command("suggest_mentions", "one", stdout=out)
    assert out.getvalue().strip() == "2 mentions suggested"
    assert not Mention.objects.filter(article__slug="two").exists()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("suggest_mentions", "nope", stderr=err)
    assert "nope: no such article" in err.getvalue()


def test_evaluate_matcher_reports_precision_and_recall_on_the_fixtures():
    fixtures = sorted(str(p) for p in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
    call_command("loaddata", *fixtures, verbosity=0)
    before = Mention.objects.count()
    out = StringIO()
    call_command("evaluate_matcher", stdout=out)
    text = out.getvalue()
    assert "5 articles" in text and "precision" in text and "recall" in text
    precision = float(text.split("precision ")[1].split(",")[0])
    recall = float(text.split("recall ")[1].split(",")[0])
    assert precision > 0.9 and recall > 0.9
    assert Mention.objects.count() == before  # nothing written


def test_many_articles_matched_in_worker_processes_get_the_same_suggestions(people):
    from archive.services.suggestions import CHANGE_REASON, PARALLEL_FROM, build_matcher, find_all

    texts = [
        f"Talks in Tripoli {n}. Fayez al-Sarraj met them; al-Sarraj spoke. طرابلس {n}"
        if n % 3
        else f"Nothing named here {n}."
        for n in range(PARALLEL_FROM + 10)
    ]
    matcher = build_matcher()
    one_by_one = [
        [(m.entity_id, m.start, m.end, m.text, m.proposal) for m in matcher.find(t)] for t in texts
    ]
    assert find_all(matcher, texts) == one_by_one
    articles = [make_article(slug=f"a{n}", body=text) for n, text in enumerate(texts)]
    assert suggest_mentions(articles) == sum(len(found) for found in one_by_one)
    stored = set(Mention.objects.values_list("article__slug", "entity__slug", "start", "end"))
    assert ("a1", "sarraj", 20, 35) in stored and len(stored) == sum(map(len, one_by_one))
    # Each has its history row, as every annotation does.
    history = Mention.history.filter(history_type="+", history_change_reason=CHANGE_REASON)
    assert set(history.values_list("id", flat=True)) == set(
        Mention.objects.values_list("id", flat=True)
    )


def test_the_matcher_finds_a_persons_unique_surname_alone_and_not_a_shared_one():
    from archive.services.suggestions import build_matcher

    bashir = make_entity(
        name="Omar Hassan Ahmad al-Bashir", aliases={"en": ["Omar Hassan Ahmad al-Bashir"]}
    )
    make_entity(name="Ali Abdullah Saleh", aliases={"en": ["Ali Abdullah Saleh"]})
    make_entity(name="Tareq Saleh", aliases={"en": ["Tareq Saleh"]})
    found = [
        (m.entity_id, m.text) for m in build_matcher().find("Bashir and Saleh met Omar al-Bashir.")
    ]
    assert found == [(bashir.pk, "Bashir"), (bashir.pk, "Omar al-Bashir")]
    assert not Alias.objects.filter(name__in=["Bashir", "al-Bashir", "Omar al-Bashir"]).exists()

"""A text query's newest matches are read one of two ways (archive.reads.fulltext's
_phrase_head): walking the newest articles, or from the GIN index, by what the newest
articles say each would cost. Both must find the same articles."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from archive.reads import fulltext
from tests.factories import make_article

pytestmark = pytest.mark.django_db

TEXTS = [
    "The ceasefire talks resumed in Geneva.",
    "Ceasefire talks collapsed; the army moved on Sirte.",
    "Talks about a ceasefire were postponed.",
    "The army said the ceasefire talks were a ruse.",
    "Oil exports resumed from Ras Lanuf.",
]


@pytest.fixture
def articles():
    made = []
    for n in range(40):
        made.append(
            make_article(body=TEXTS[n % len(TEXTS)], published=datetime.date(2020, 1, 1 + n % 28))
        )
    make_article(body="Ceasefire talks, hidden.", is_public=False)
    return made


def found(query: str) -> list[str]:
    response = Client().get("/api/articles/", {"q": query, "page_size": 100})
    assert response.status_code == 200
    return sorted(a["slug"] for a in response.json()["results"])


@pytest.mark.parametrize("query", ["ceasefire", '"ceasefire talks"', '"ceasefire talks" -army'])
def test_walking_and_the_index_find_the_same_articles(articles, monkeypatch, query):
    # Walking (as in a huge archive) or from the index (a small one); a few candidates, so
    # that the walk stops before it has read every article.
    monkeypatch.setattr(fulltext, "CANDIDATES", 4)
    decide = fulltext.walk_window
    monkeypatch.setattr(fulltext, "walk_window", lambda *a: decide(*a[:3], 10**9, a[4]))
    walked = found(query)
    monkeypatch.setattr(fulltext, "walk_window", lambda *a: 0)
    indexed = found(query)
    assert walked == indexed
    expected = {
        "ceasefire": {0, 1, 2, 3},
        '"ceasefire talks"': {0, 1, 3},
        '"ceasefire talks" -army': {0},
    }[query]
    matching = [a for i, a in enumerate(articles) if i % 5 in expected]
    newest = sorted(matching, key=lambda a: (a.published, a.pk), reverse=True)[:4]
    assert walked == sorted(a.slug for a in newest)


def test_the_walk_is_taken_where_it_reads_fewer_articles_than_the_index():
    # A word in 1 of 200 newest, in an archive of a million: 120,000 to walk, 5,000 indexed.
    assert fulltext.walk_window(1, 1, 200, 1_000_000, 300) == 0
    # Common (40 of 200): 3,000 to walk against 200,000 from the index.
    assert fulltext.walk_window(40, 40, 200, 1_000_000, 300) == fulltext.PHRASE_WINDOW
    # A phrase in 10 of 200 whose words are in 60: 12,000 to walk against 300,000.
    assert fulltext.walk_window(10, 60, 200, 1_000_000, 300) == fulltext.PHRASE_WINDOW
    # In a small archive the index is always cheaper; and nothing found, nothing to walk.
    assert fulltext.walk_window(40, 40, 200, 1_000, 300) == 0
    assert fulltext.walk_window(0, 60, 200, 1_000_000, 300) == 0

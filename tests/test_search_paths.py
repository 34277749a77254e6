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
    # As if the archive were huge (walk) or tiny (the index), the sample saying the rest;
    # a few candidates, so that the walk stops before it has read every article.
    monkeypatch.setattr(fulltext, "CANDIDATES", 4)
    monkeypatch.setattr(fulltext, "planner_estimate", lambda qs: 10**9)
    walked = found(query)
    monkeypatch.setattr(fulltext, "planner_estimate", lambda qs: 0)
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

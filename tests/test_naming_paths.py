"""An entity's articles are read one of two ways, by its stored count of articles
(ArticleQuerySet.naming_entity): walking the newest articles for a name in many, from its
mentions for a rarer one. Both must list the same articles: visible mentions only, public
articles only, newest first."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

import archive.models
from archive.models import Status
from tests.factories import make_article, make_entity, make_mention

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rare_below", [0, 10**9], ids=["walking", "from-mentions"])
def test_an_entitys_articles_are_the_same_either_way(monkeypatch, rare_below):
    monkeypatch.setattr(archive.models, "RARE_NAME_ARTICLES", rare_below)
    person = make_entity(name="Fayez al-Sarraj", kind="person", slug="fayez-al-sarraj")
    shown = []
    for n in range(5):
        article = make_article(published=datetime.date(2020, 1, 1 + n))
        make_mention(article, person, "Fayez al-Sarraj")
        shown.append(article.slug)
    hidden = make_article(published=datetime.date(2021, 1, 1), is_public=False)
    make_mention(hidden, person, "Fayez al-Sarraj")
    rejected = make_article(published=datetime.date(2021, 1, 2))
    make_mention(rejected, person, "Fayez al-Sarraj", status=Status.REJECTED)
    twice = make_article(  # named twice: listed once
        published=datetime.date(2019, 6, 1), body="Fayez al-Sarraj spoke. Fayez al-Sarraj left."
    )
    make_mention(twice, person, "Fayez al-Sarraj")
    make_mention(twice, person, "Fayez al-Sarraj", occurrence=1)
    shown = [*reversed(shown), twice.slug]

    client = Client()
    page = client.get("/people/fayez-al-sarraj/")
    assert [a.slug for a in page.context["page_obj"].object_list] == shown
    listed = client.get("/articles/?entity=fayez-al-sarraj")
    assert [a.slug for a in listed.context["page_obj"].object_list] == shown

"""Suggested mentions are written by COPY from plain rows (services.suggestions.copy_rows),
without a model instance each: every one still has its history row, as an annotation
made in the admin has, with the user and the reason of the run."""

from __future__ import annotations

import pytest

from archive.models import Mention, NameProposal
from archive.services.suggestions import (
    CHANGE_REASON,
    PROPOSAL_REASON,
    suggest_from_proposals,
    suggest_mentions,
)
from tests.factories import make_article, make_entity, make_user

pytestmark = pytest.mark.django_db


def _history(mention):
    return list(Mention.history.filter(id=mention.pk))


def test_a_suggested_mention_has_its_history_row_with_the_runs_user_and_reason():
    make_entity(name="Fayez al-Sarraj", slug="sarraj", aliases={"en": ["Fayez al-Sarraj"]})
    article = make_article(body="Fayez al-Sarraj met the envoy in the capital.")
    analyst = make_user("reviewer")
    assert suggest_mentions([article], user=analyst) == 1
    mention = article.mentions.get()
    (row,) = _history(mention)
    assert (row.history_type, row.history_user_id, row.history_change_reason) == (
        "+",
        analyst.pk,
        CHANGE_REASON,
    )
    # The history row holds the mention as it was stored, defaults and dates included.
    assert (row.article_id, row.entity_id, row.start, row.end, row.text) == (
        article.pk,
        mention.entity_id,
        0,
        15,
        "Fayez al-Sarraj",
    )
    assert (row.status, row.role, row.is_orphaned) == ("suggested", "other", False)
    assert row.created == mention.created and row.updated == mention.updated


def test_without_a_user_the_history_row_names_none_and_a_proposed_name_says_so():
    fsr = make_entity(
        name="Rapid Support Forces",
        slug="rsf",
        kind="organization",
        aliases={"en": ["Rapid Support Forces"]},
    )
    proposal = NameProposal.objects.create(entity=fsr, name="Quwat al-Daam", language="en")
    article = make_article(body="Fighters of Quwat al-Daam entered the town on Monday.")
    assert suggest_from_proposals([article]) == 1
    mention = article.mentions.get()
    assert mention.proposal_id == proposal.pk
    (row,) = _history(mention)
    assert (row.history_type, row.history_user_id, row.history_change_reason) == (
        "+",
        None,
        PROPOSAL_REASON,
    )
    assert row.proposal_id == proposal.pk and row.text == "Quwat al-Daam"

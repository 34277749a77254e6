"""Deep pages of the whole claims list are found through the stored counts of visible claims
per date (archive.reads.selectors.visible_claim_ids_at) instead of checking every claim
before them visible: each page must list exactly what skipping would, newest first (the
undated first, as the list has always sorted them), the claims of a hidden article, a
rejected claim and an orphaned one left out."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from archive.models import Claim
from archive.reads.pagination import EstimatedCountPaginator
from archive.reads.selectors import visible_claim_ids_at
from tests.factories import make_article, make_claim

pytestmark = pytest.mark.django_db

BODY = '"We will meet again," said Karim Mansour.\n"Nothing was signed," he said.'
QUOTES = ("We will meet again", "Nothing was signed")


def listed(client, page: int) -> list[int]:
    response = client.get(f"/claims/?page={page}")
    assert response.status_code == 200
    items = response.content.decode().split('<ul class="claim-list">', 1)[1].split("</ul>")[0]
    return [int(pk) for pk in re.findall(r'href="/claims/(\d+)/"', items)]


def offset_order() -> list[int]:
    """The visible claims in the list's order, as OFFSET pages them (-date, -id)."""
    return list(Claim.objects.visible().order_by("-date", "-id").values_list("pk", flat=True))


@pytest.fixture
def claims():
    """80 claims, 32 undated, the rest over a few days (several a day); some in a hidden
    article, one rejected, one orphaned, and one article hidden after its claims were
    counted (the triggers take them out): 53 visible, 21 of them undated."""
    day = datetime.date(2024, 3, 1)
    articles = [make_article(body=BODY) for _ in range(4)]
    hidden = make_article(body=BODY, is_public=False)
    made = []
    for n in range(80):
        date = None if n % 5 in (0, 2) else day - datetime.timedelta(days=n // 7)
        article = hidden if n % 11 == 5 else articles[n % 4]
        made.append(make_claim(article, QUOTES[n % 2], date=date))
    Claim.objects.filter(pk=made[1].pk).update(status="rejected")  # dated
    Claim.objects.filter(pk=made[0].pk).update(is_orphaned=True)  # undated
    articles[3].is_public = False
    articles[3].save()
    return made


@pytest.mark.parametrize("seek_from", [0, 10**9], ids=["seeking", "skipping"])
def test_every_page_lists_the_visible_claims_newest_first(claims, monkeypatch, seek_from):
    monkeypatch.setattr(EstimatedCountPaginator, "seek_from", seek_from)
    expected = offset_order()
    undated = [c.pk for c in reversed(claims) if c.date is None and c.pk in expected]
    assert len(expected) == 53 and len(undated) == 21
    client = Client()
    pages = [listed(client, p) for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [20, 20, 13]
    assert sum(pages, []) == expected
    # The undated claims come first, newest added first; page 2 runs on from them.
    assert sum(pages, [])[: len(undated)] == undated
    assert Client().get("/claims/?page=4").status_code == 404


def test_any_offset_finds_what_skipping_finds(claims):
    """Pages of any size starting anywhere: within the undated (found from either end of
    them), across into the dated, within a date, past the end."""
    expected = offset_order()
    for limit in (1, 7):
        for offset in range(len(expected) + 2):
            assert visible_claim_ids_at(offset, limit) == expected[offset : offset + limit], (
                offset,
                limit,
            )


def test_a_filtered_list_does_not_seek(claims, monkeypatch):
    """Only the whole list's pages come from the per-date counts: a speaker's list, a date
    range's, have no counts of their own."""
    monkeypatch.setattr(EstimatedCountPaginator, "seek_from", 0)
    response = Client().get("/claims/?date_from=2024-03-01")
    shown = [c.pk for c in response.context["page_obj"].object_list]
    assert (
        shown
        == [pk for pk in offset_order() if Claim.objects.get(pk=pk).date is not None][: len(shown)]
    )
    assert {Claim.objects.get(pk=pk).date for pk in shown} == {datetime.date(2024, 3, 1)}


@pytest.mark.parametrize("seek_from", [0, 10**9], ids=["seeking", "skipping"])
def test_the_api_pages_the_whole_list_alike(claims, monkeypatch, seek_from):
    monkeypatch.setattr(EstimatedCountPaginator, "seek_from", seek_from)
    client = Client()
    got = []
    for page in (1, 2, 3, 4, 5, 6):
        answer = client.get(f"/api/claims/?page={page}&page_size=10").json()
        got += [c["id"] for c in answer["results"]]
    assert got == offset_order()

"""The fixtures carry times that follow one rule (scripts/fixture_times.py), loading keeps
them, the pages that date an article show its own `updated`, and a real write sets now."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from lxml import etree

from archive.models import Article, Claim, Mention
from archive.services.annotations import mention_reject
from archive.services.article_text import article_text_replace

ROOT = Path(settings.BASE_DIR)
BUILD_TIME = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)  # the one time the old build invented
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def loaded(db):
    call_command("load_initial_data", verbosity=0)


def fixture_rows(name: str) -> list[dict]:
    return json.loads((ROOT / "fixtures" / name).read_text(encoding="utf-8"))


def test_the_fixture_files_follow_the_script_rule():
    # Edited by hand without the rule, the files and the script disagree.
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fixture_times.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_loading_keeps_each_article_s_own_times(loaded):
    in_file = {
        r["fields"]["slug"]: (r["fields"]["created"], r["fields"]["updated"])
        for r in fixture_rows("03_articles.json")
    }
    stored = {
        slug: (
            created.isoformat().replace("+00:00", "Z"),
            updated.isoformat().replace("+00:00", "Z"),
        )
        for slug, created, updated in Article.objects.values_list("slug", "created", "updated")
    }
    assert stored == in_file


def test_no_article_shares_an_updated_and_no_time_is_invented_or_future(loaded):
    now = timezone.now()
    updated = list(Article.objects.values_list("updated", flat=True))
    assert len(updated) == 5 and len(set(updated)) == len(updated)
    for model in (Article, Mention, Claim):
        for created, changed in model.objects.values_list("created", "updated"):
            assert created == changed  # nothing in the fixtures was edited after it was made
            assert created != BUILD_TIME and created < now


def test_annotations_come_after_their_article_in_reading_order_in_working_hours(loaded):
    taken = dict(Article.objects.values_list("pk", "created"))
    rows = [*Mention.objects.values_list("article", "start", "end", "created")]
    rows += [*Claim.objects.values_list("article", "start", "end", "created")]
    assert len(rows) > 150
    for article, _start, _end, created in rows:
        assert created > taken[article]
        local = created.astimezone(dt.UTC)
        assert local.weekday() < 5 and dt.time(9) <= local.time() < dt.time(17), local
    for article in taken:
        in_reading_order = sorted((s, e, c) for a, s, e, c in rows if a == article)
        times = [c for _s, _e, c in in_reading_order]
        assert times == sorted(times), article


def entries_updated(client, url) -> tuple[dict[str, dt.datetime], object]:
    response = client.get(url)
    assert response.status_code == 200
    feed = etree.fromstring(response.content)
    entries = {
        entry.find(f"{ATOM}link")
        .get("href")
        .rstrip("/")
        .rsplit("/", 1)[-1]: dt.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
        for entry in feed.iter(f"{ATOM}entry")
    }
    return entries, response


def test_feed_entries_say_their_article_s_own_updated(loaded, client):
    entries, response = entries_updated(client, "/people/fayez-al-sarraj/feed/")
    own = dict(Article.objects.values_list("slug", "updated"))
    assert len(entries) >= 3
    assert entries == {slug: own[slug] for slug in entries}
    # Last-Modified is the newest entry's (HTTP dates have whole seconds).
    assert parsedate_to_datetime(response["Last-Modified"]) == max(entries.values())


def sitemap_lastmods(client) -> tuple[dict[str, dt.date], dt.datetime]:
    """Each article's <lastmod> (Django writes the day) and the page's Last-Modified."""
    page = client.get("/sitemap-articles.xml")
    assert page.status_code == 200
    days = {
        url.find(f"{SM}loc").text.rstrip("/").rsplit("/", 1)[-1]: dt.date.fromisoformat(
            url.find(f"{SM}lastmod").text
        )
        for url in etree.fromstring(page.content).iter(f"{SM}url")
        if "/ar/" not in url.find(f"{SM}loc").text
    }
    return days, parsedate_to_datetime(page["Last-Modified"])


def day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def test_sitemap_lastmod_and_article_page_say_the_article_s_own_updated(loaded, client):
    lastmods, modified = sitemap_lastmods(client)
    own = dict(Article.objects.values_list("slug", "updated"))
    assert set(lastmods) == set(own)
    assert lastmods == {slug: day(updated) for slug, updated in own.items()}
    assert modified == max(own.values())
    article = Article.objects.get(slug="us-experts-libyan-officials-hold-security-meetings")
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    if page.has_header("Last-Modified"):
        assert parsedate_to_datetime(page["Last-Modified"]) == article.updated.replace(
            microsecond=0
        )


def test_a_real_write_stores_the_current_time(loaded, client):
    article = Article.objects.get(slug="us-experts-libyan-officials-hold-security-meetings")
    created, before = article.created, timezone.now()
    article_text_replace(article=article, body=article.body + "\nA line added by an analyst.")
    article.refresh_from_db()
    after = timezone.now()
    assert before <= article.updated <= after
    assert article.created == created  # taking it in happened once
    lastmods, modified = sitemap_lastmods(client)
    assert lastmods[article.slug] == day(article.updated)
    assert modified == article.updated.replace(microsecond=0)
    entries, _ = entries_updated(client, "/people/fayez-al-sarraj/feed/")
    assert max(entries.values()) <= after  # the feed's other articles kept their own times

    mention = Mention.objects.filter(article=article).order_by("start").first()
    made = mention.created
    mention_reject(mention=mention)
    mention.refresh_from_db()
    assert mention.created == made and after <= mention.updated <= timezone.now()

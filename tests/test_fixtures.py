"""The curated starting archive: loads into an empty database, is complete, round-trips."""

from __future__ import annotations

from io import StringIO
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from archive.models import Alias, Article, Claim, Entity, Mention

FIXTURES = sorted(str(p) for p in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
MODELS = ["archive.source", "archive.story", "archive.article", "archive.entity", "archive.alias",
          "archive.mention", "archive.claim", "archive.claimsubject"]  # fmt: skip


@pytest.fixture
def archive(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


def dump() -> str:
    out = StringIO()
    call_command("dumpdata", *MODELS, natural_foreign=True, natural_primary=True, stdout=out)
    return out.getvalue()


def test_fixtures_hold_the_five_seed_articles(archive):
    assert Article.objects.count() == 5
    assert set(Article.objects.values_list("language", flat=True)) == {"en", "ar"}
    arabic = Article.objects.get(language="ar")
    assert arabic.translation_of.slug == "libyan-government-meets-us-delegation"
    assert arabic.story == arabic.translation_of.story
    militias = Article.objects.filter(story__slug="us-libya-militias-2020")
    assert militias.count() == 2
    for article in Article.objects.all():
        assert article.sha256 == Article.text_sha256(article.body)


def test_every_entity_has_an_english_and_an_arabic_name_and_a_description(archive):
    for entity in Entity.objects.prefetch_related("aliases"):
        languages = {alias.language for alias in entity.aliases.all()}
        assert {"en", "ar"} <= languages, entity.slug
        assert entity.description, entity.slug


@pytest.mark.parametrize(
    ("slug", "names"),
    [
        ("muammar-gaddafi", ["Moamer Kadhafi", "Gaddafi", "Muammar Gaddafi", "القذافى", "القذافي"]),
        ("government-of-national-accord",
         ["Government of National Accord", "GNA", "حكومة الوفاق", "Al-Wefaq government"]),
        ("united-states", ["US", "Washington", "الولايات المتحدة", "واشنطن"]),
        ("stephanie-williams", ["Stephanie Williams", "ستيفانى وليامز", "ستيفاني وليامز"]),
    ],
)  # fmt: skip
def test_every_spelling_the_seeds_use_names_one_entity(archive, slug, names):
    assert set(names) <= set(Alias.objects.filter(entity__slug=slug).values_list("name", flat=True))


def test_every_mention_and_claim_text_equals_the_body_at_its_span(archive):
    bodies = dict(Article.objects.values_list("pk", "body"))
    spans = [*Mention.objects.all(), *Claim.objects.all()]
    assert len(spans) > 150
    for span in spans:
        assert bodies[span.article_id][span.start : span.end] == span.text, span
        assert not span.is_orphaned and span.status == "confirmed"


def test_every_article_has_curated_mentions_with_roles(archive):
    for article in Article.objects.all():
        roles = set(article.mentions.values_list("role", flat=True))
        assert {"actor", "place"} <= roles, article.slug


def test_mentions_do_not_overlap(archive):
    for article in Article.objects.all():
        spans = list(article.mentions.order_by("start").values_list("start", "end"))
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(spans))


@pytest.mark.parametrize(
    ("speaker", "words", "kind"),
    [
        ("stephanie-williams", "The only lasting solution for Libya", "direct_quote"),
        ("stephanie-williams", "$635 million", "figure"),
        ("stephanie-williams", "635 مليون دولار", "figure"),
        ("thomas-waldhauser", "the hunt for terrorist goes on", "direct_quote"),
        ("us-embassy-libya", "eliminate militias", "paraphrase"),
        ("libyan-interior-ministry", "dismantle all illegal armed groups", "paraphrase"),
        ("emmanuel-macron", "خطوة رئيسية نحو المصالحة", "direct_quote"),
    ],
)
def test_the_claims_of_the_seeds_are_there_with_their_speaker(archive, speaker, words, kind):
    claim = Claim.objects.get(text__contains=words)
    assert (claim.speaker.slug, claim.kind) == (speaker, kind)
    assert claim.about.exists()


def test_claims_reported_by_another_outlet_point_to_the_first(archive):
    repeated = Claim.objects.filter(same_as__isnull=False).select_related("same_as__article")
    assert repeated.count() >= 3
    for claim in repeated:
        assert claim.article.story_id == claim.same_as.article.story_id
        assert claim.article_id != claim.same_as.article_id


def test_reimporting_the_seeds_over_the_fixtures_changes_nothing(archive):
    out = StringIO()
    call_command("import_articles", str(Path(settings.BASE_DIR) / "seeds"), stdout=out)
    assert "0 new, 5 unchanged, 0 updated" in out.getvalue()


def test_load_initial_data_loads_only_into_an_empty_archive(db):
    call_command("load_initial_data", verbosity=0)
    count = Mention.objects.count()
    assert Article.objects.count() == 5 and count > 150
    out = StringIO()
    call_command("load_initial_data", stdout=out)
    assert "already has data" in out.getvalue()
    assert Mention.objects.count() == count


@pytest.mark.django_db(transaction=True)
def test_dump_flush_load_gives_back_the_same_rows(tmp_path):
    call_command("loaddata", *FIXTURES, verbosity=0)
    first = dump()
    path = tmp_path / "dump.json"
    path.write_text(first, encoding="utf-8")
    call_command("flush", interactive=False, verbosity=0)
    assert not Article.objects.exists()
    call_command("loaddata", str(path), verbosity=0)
    assert dump() == first

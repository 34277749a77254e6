"""Database constraints reject bad rows; annotations are never silently lost."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from archive.models import Alias, Article, Claim, Entity, Mention
from tests.factories import (
    make_article,
    make_claim,
    make_entity,
    make_mention,
    make_source,
    make_story,
)

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(model, **fields):
    """bulk_create skips Python checks, so only the database constraint stands in the way."""
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.bulk_create([model(**fields)])


def test_slugs_are_unique():
    make_article(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(slug="same")
    make_entity(slug="one")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_entity(slug="one")
    make_source(slug="s")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_source(slug="s")
    make_story(slug="t")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_story(slug="t")


def test_article_language_must_be_a_two_letter_code():
    assert_rejected_by_database(Article, title="x", slug="x", body="x", language="EN")


def test_article_precision_must_be_year_month_or_day():
    assert_rejected_by_database(
        Article, title="x", slug="x", body="x", language="en", published_precision="week"
    )


def test_entity_kind_must_be_person_organization_or_place():
    assert_rejected_by_database(Entity, kind="animal", name="x", slug="x")


def test_entity_wikidata_id_has_the_wikidata_form():
    assert_rejected_by_database(Entity, kind="person", name="x", slug="x", wikidata_id="12")


def test_mention_span_must_start_before_it_ends():
    article, entity = make_article(), make_entity()
    assert_rejected_by_database(
        Mention, article=article, entity=entity, start=5, end=5, text="", status="confirmed"
    )


def test_mention_text_length_must_match_its_span():
    article, entity = make_article(), make_entity()
    assert_rejected_by_database(
        Mention, article=article, entity=entity, start=0, end=3, text="Fayez", status="confirmed"
    )


def test_mention_status_and_role_take_only_allowed_values():
    article, entity = make_article(), make_entity()
    assert_rejected_by_database(
        Mention, article=article, entity=entity, start=0, end=5, text="Fayez", status="maybe"
    )
    assert_rejected_by_database(
        Mention, article=article, entity=entity, start=0, end=5, text="Fayez", role="hero"
    )


def test_claim_kind_must_be_allowed():
    article = make_article()
    assert_rejected_by_database(Claim, article=article, start=0, end=5, text="Fayez", kind="joke")


def test_mention_whose_text_differs_from_the_body_is_refused():
    article, entity = make_article(body="Fayez al-Sarraj met Williams."), make_entity()
    with pytest.raises(ValidationError):
        Mention.objects.create(article=article, entity=entity, start=0, end=5, text="Sarra")
    assert not Mention.objects.exists()


def test_mention_past_the_end_of_the_body_is_refused():
    article, entity = make_article(body="Short."), make_entity()
    with pytest.raises(ValidationError):
        Mention.objects.create(article=article, entity=entity, start=3, end=40, text="x" * 37)


def test_the_same_mention_cannot_be_stored_twice():
    article, entity = make_article(), make_entity()
    make_mention(article, entity, "Fayez al-Sarraj")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_mention(article, entity, "Fayez al-Sarraj")


def test_alias_is_unique_per_entity_and_language():
    entity = make_entity(aliases={"en": ["Sarraj"]})
    with pytest.raises(IntegrityError), transaction.atomic():
        Alias.objects.create(entity=entity, name="Sarraj", language="en")


def test_deleting_an_entity_that_has_a_mention_is_refused():
    article, entity = make_article(), make_entity()
    make_mention(article, entity, "Tripoli")
    with pytest.raises(ProtectedError):
        entity.delete()
    assert Entity.objects.filter(pk=entity.pk).exists()
    assert Mention.objects.count() == 1


def test_deleting_an_entity_that_a_claim_is_about_or_spoken_by_is_refused():
    article, speaker, subject = make_article(), make_entity(), make_entity()
    make_claim(article, "met Stephanie Williams", speaker=speaker, about=[subject])
    with pytest.raises(ProtectedError):
        subject.delete()
    with pytest.raises(ProtectedError):
        speaker.delete()


def test_deleting_an_article_that_has_annotations_is_refused():
    article, entity = make_article(), make_entity()
    make_mention(article, entity, "Tripoli")
    with pytest.raises(ProtectedError):
        article.delete()


def test_aliases_and_search_text_are_normalized_on_save():
    entity = make_entity(aliases={"ar": ["القذافى"]})
    assert entity.aliases.get().normalized == "القذافي"
    article = make_article(title="Kadhafi", body="مُعَمَّر القذافى")
    assert article.body_search == "معمر القذافي"


def test_natural_keys_identify_rows_across_databases():
    entity = make_entity(slug="fayez-al-sarraj", aliases={"ar": ["فايز السراج"]})
    alias = entity.aliases.get()
    assert Alias.objects.get_by_natural_key(*alias.natural_key()) == alias
    article = make_article(slug="a-slug")
    assert Article.objects.get_by_natural_key("a-slug") == article

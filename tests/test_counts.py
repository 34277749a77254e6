"""The stored counts (EntityCount, EntityMonthCount, DateCount) follow every kind of write.

Each test writes the way some code path does (save, QuerySet.update, bulk_create, delete,
raw SQL) and checks the stored rows against a full recount (`rebuild_counts`) and against
what a reader sees. Hidden articles, rejected and orphaned mentions count for nothing.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from archive.models import (
    Article,
    Claim,
    ClaimSubject,
    DateCount,
    Entity,
    EntityCount,
    EntityMonthCount,
    Mention,
)
from archive.services.counts import counts_paused, rebuild_counts
from tests.factories import make_article, make_claim, make_entity, make_mention

pytestmark = pytest.mark.django_db

BODY = "Karim Mansour met Leila Haddad in Tripoli.\nKarim Mansour left."


def stored():
    """Every non-zero stored count, comparable across a rebuild."""
    return (
        set(
            EntityCount.objects.exclude(mentions=0, articles=0, claims=0).values_list(
                "entity_id", "mentions", "articles", "claims"
            )
        ),
        set(
            EntityMonthCount.objects.exclude(mentions=0).values_list(
                "entity_id", "month", "mentions"
            )
        ),
        set(
            DateCount.objects.exclude(articles=0).values_list("published", "precision", "articles")
        ),
    )


def assert_exact():
    """The triggers' running counts equal a recount from scratch."""
    kept = stored()
    with transaction.atomic():
        rebuild_counts()
        fresh = stored()
        transaction.set_rollback(True)
    assert kept == fresh


def counts(entity):
    row = EntityCount.objects.filter(entity=entity).first()
    return (row.mentions, row.articles, row.claims) if row else (0, 0, 0)


def month(entity):
    return dict(
        EntityMonthCount.objects.filter(entity=entity, mentions__gt=0).values_list(
            "month", "mentions"
        )
    )


@pytest.fixture
def karim():
    return make_entity(name="Karim Mansour", slug="karim-mansour")


@pytest.fixture
def named(karim):
    """A public article of June 2020 naming Karim twice."""
    article = make_article(body=BODY, published=datetime.date(2020, 6, 3))
    make_mention(article, karim, "Karim Mansour")
    make_mention(article, karim, "Karim Mansour", occurrence=1)
    return article


def test_mentions_in_a_public_article_are_counted_once_per_article(karim, named):
    assert counts(karim) == (2, 1, 0)
    assert month(karim) == {datetime.date(2020, 6, 1): 2}
    assert DateCount.objects.get(published=datetime.date(2020, 6, 3)).articles == 1
    assert_exact()


def test_a_hidden_article_and_a_rejected_mention_count_for_nothing(karim):
    hidden = make_article(body=BODY, is_public=False, published=datetime.date(2020, 6, 3))
    make_mention(hidden, karim, "Karim Mansour")
    public = make_article(body=BODY, published=datetime.date(2021, 1, 5))
    make_mention(public, karim, "Karim Mansour", status="rejected")
    make_mention(public, karim, "Karim Mansour", occurrence=1, is_orphaned=True)
    assert counts(karim) == (0, 0, 0)
    assert month(karim) == {}
    assert not DateCount.objects.filter(published=datetime.date(2020, 6, 3), articles__gt=0)
    assert not Entity.objects.public().filter(pk=karim.pk).exists()
    assert_exact()


def test_rejecting_by_queryset_update_hides_the_mentions(client, karim, named):
    Mention.objects.filter(article=named).update(status="rejected")
    assert counts(karim) == (0, 0, 0)
    assert month(karim) == {}
    assert client.get("/people/karim-mansour/").status_code == 404
    Mention.objects.filter(article=named).update(status="confirmed")
    assert counts(karim) == (2, 1, 0)
    assert_exact()


def test_rejecting_one_of_two_mentions_keeps_the_article(karim, named):
    first = Mention.objects.filter(article=named).order_by("start").first()
    Mention.objects.filter(pk=first.pk).update(status="rejected")
    assert counts(karim) == (1, 1, 0)
    assert_exact()


def test_hiding_the_article_hides_its_mentions_and_its_date(client, karim, named):
    named.is_public = False
    named.save()
    assert counts(karim) == (0, 0, 0)
    assert month(karim) == {}
    assert not DateCount.objects.filter(articles__gt=0).exists()
    assert "karim-mansour" not in client.get("/people/").content.decode()
    assert client.get("/dates/2020/").status_code == 200
    Article.objects.filter(pk=named.pk).update(is_public=True)
    assert counts(karim) == (2, 1, 0)
    assert_exact()


def test_redating_the_article_moves_its_month(karim, named):
    Article.objects.filter(pk=named.pk).update(published=datetime.date(2019, 2, 1))
    assert month(karim) == {datetime.date(2019, 2, 1): 2}
    assert_exact()


def test_deleting_and_orphaning_mentions(karim, named):
    Mention.objects.filter(article=named).order_by("start").first().delete()
    assert counts(karim) == (1, 1, 0)
    Mention.objects.filter(article=named).update(is_orphaned=True)
    assert counts(karim) == (0, 0, 0)
    assert not Entity.objects.public().filter(pk=karim.pk).exists()
    assert_exact()


def test_bulk_create_and_moving_mentions_to_another_entity(karim, named):
    leila = make_entity(name="Leila Haddad", slug="leila-haddad")
    Mention.objects.bulk_create(
        [Mention(article=named, entity=leila, start=18, end=30, text="Leila Haddad")]
    )
    assert counts(leila) == (1, 1, 0)
    Mention.objects.filter(entity=karim).update(entity=leila)  # what a merge does
    assert counts(karim) == (0, 0, 0)
    assert counts(leila) == (3, 1, 0)
    assert_exact()


def test_claims_count_their_speaker_and_subjects_while_visible(karim):
    leila = make_entity(name="Leila Haddad", slug="leila-haddad")
    article = make_article(body='"We will meet again," said Karim Mansour.\nEnd.')
    claim = make_claim(article, "We will meet again", speaker=karim, about=[leila])
    assert counts(karim) == (0, 0, 1)
    assert counts(leila) == (0, 0, 1)
    assert Entity.objects.public().filter(pk=leila.pk).exists()
    Claim.objects.filter(pk=claim.pk).update(status="rejected")
    assert counts(karim) == (0, 0, 0)
    assert counts(leila) == (0, 0, 0)
    Claim.objects.filter(pk=claim.pk).update(status="confirmed")
    ClaimSubject.objects.filter(claim=claim).delete()
    assert counts(leila) == (0, 0, 0)
    Article.objects.filter(pk=article.pk).update(is_public=False)
    assert counts(karim) == (0, 0, 0)
    assert_exact()


def test_raw_sql_writes_are_followed_too(karim, named):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_article SET is_public = false WHERE id = %s", [named.pk])
    assert counts(karim) == (0, 0, 0)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_article SET is_public = true WHERE id = %s", [named.pk])
        cursor.execute("DELETE FROM archive_mention WHERE article_id = %s", [named.pk])
    assert counts(karim) == (0, 0, 0)
    assert_exact()


def test_paused_counts_are_rebuilt_at_the_end(karim, named):
    with counts_paused():
        Mention.objects.filter(article=named).update(status="rejected")
        assert counts(karim) == (2, 1, 0)  # paused: not followed yet
    assert counts(karim) == (0, 0, 0)
    assert_exact()


def test_rebuild_counts_command(karim, named):
    EntityCount.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_counts", stdout=out)
    assert counts(karim) == (2, 1, 0)
    assert "Counts rebuilt" in out.getvalue()

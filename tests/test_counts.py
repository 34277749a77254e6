"""The stored counts (EntityCount, EntityMonthCount, DateCount, ClaimDateCount) follow every
kind of write.

Each test writes the way some code path does (save, QuerySet.update, bulk_create, delete,
raw SQL) and checks the stored rows against what the visibility QuerySets count
(`Mention.objects.visible()`, `Article.objects.public()`...) and against a full recount
(`rebuild_counts`). Hidden articles, rejected and orphaned mentions count for nothing.
The random sequences of writes through every path are in test_counts_property.py.
"""

import datetime
import io
import re
from collections import Counter
from typing import NamedTuple

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth

from archive.models import (
    ARTICLE_PUBLIC,
    SPAN_VISIBLE,
    Article,
    Claim,
    ClaimDateCount,
    ClaimSubject,
    DateCount,
    Entity,
    EntityCount,
    EntityMonthCount,
    Mention,
)
from archive.services.counts import TRIGGERS_SQL, counts_paused, rebuild_counts
from tests.factories import make_article, make_claim, make_entity, make_mention

pytestmark = pytest.mark.django_db

BODY = "Karim Mansour met Leila Haddad in Tripoli.\nKarim Mansour left."


class Counts(NamedTuple):
    mentions: int
    articles: int
    claims: int


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
        set(ClaimDateCount.objects.exclude(claims=0).values_list("date", "claims")),
    )


def counted():
    """What `stored()` should hold, counted with the visibility QuerySets."""
    mentions = Mention.objects.visible().order_by()
    claims = Claim.objects.visible().order_by()
    per_entity = {
        pk: (n, articles)
        for pk, n, articles in mentions.values_list("entity_id").annotate(
            n=Count("id"), articles=Count("article_id", distinct=True)
        )
    }
    claims_of = Counter()
    for rows in (
        claims.exclude(speaker=None).values_list("speaker_id").annotate(n=Count("id")),
        ClaimSubject.objects.filter(claim__in=claims)
        .values_list("entity_id")
        .annotate(n=Count("id")),
    ):
        claims_of.update(dict(rows))
    entities = {
        (pk, *per_entity.get(pk, (0, 0)), claims_of[pk]) for pk in {*per_entity, *claims_of}
    }
    months = (
        mentions.exclude(article__published=None)
        .annotate(month=TruncMonth("article__published"))
        .values_list("entity_id", "month")
        .annotate(n=Count("id"))
    )
    dates = (
        Article.objects.public()
        .exclude(published=None)
        .order_by()
        .values_list("published", "published_precision")
        .annotate(n=Count("id"))
    )
    claim_dates = claims.values_list("date").annotate(n=Count("id"))  # undated: date None
    return entities, set(months), set(dates), set(claim_dates)


def assert_counted():
    """Every stored count equals what the visibility QuerySets count."""
    assert stored() == counted()


def assert_exact():
    """The triggers' running counts equal what the visibility QuerySets count, and a
    recount from scratch."""
    assert_counted()
    kept = stored()
    with transaction.atomic():
        rebuild_counts()
        fresh = stored()
        transaction.set_rollback(True)
    assert kept == fresh


def counts(entity) -> Counts:
    """The entity's stored counts."""
    row = EntityCount.objects.filter(entity=entity).first()
    return Counts(row.mentions, row.articles, row.claims) if row else Counts(0, 0, 0)


def visible(entity) -> Counts:
    """The entity's counts as the visibility QuerySets count them."""
    return next((Counts(*c[1:]) for c in counted()[0] if c[0] == entity.pk), Counts(0, 0, 0))


def month(entity):
    """The entity's stored month counts."""
    return dict(
        EntityMonthCount.objects.filter(entity=entity, mentions__gt=0).values_list(
            "month", "mentions"
        )
    )


def visible_months(entity):
    """The entity's month counts as the visibility QuerySets count them."""
    return {m: n for pk, m, n in counted()[1] if pk == entity.pk}


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
    assert_counted()
    assert counts(karim) == visible(karim)
    assert counts(karim).articles < counts(karim).mentions  # two mentions, one article
    assert month(karim) == visible_months(karim)
    assert DateCount.objects.get(published=named.published).articles
    assert_exact()


def test_a_hidden_article_and_a_rejected_mention_count_for_nothing(karim):
    hidden = make_article(body=BODY, is_public=False, published=datetime.date(2020, 6, 3))
    make_mention(hidden, karim, "Karim Mansour")
    public = make_article(body=BODY, published=datetime.date(2021, 1, 5))
    make_mention(public, karim, "Karim Mansour", status="rejected")
    make_mention(public, karim, "Karim Mansour", occurrence=1, is_orphaned=True)
    assert_counted()
    assert counts(karim) == visible(karim) == Counts(0, 0, 0)
    assert month(karim) == {}
    assert not DateCount.objects.filter(published=hidden.published, articles__gt=0)
    assert not Entity.objects.public().filter(pk=karim.pk).exists()
    assert_exact()


def test_rejecting_by_queryset_update_hides_the_mentions(client, karim, named):
    shown = counts(karim)
    Mention.objects.filter(article=named).update(status="rejected")
    assert_counted()
    assert counts(karim) == visible(karim) == Counts(0, 0, 0)
    assert month(karim) == {}
    assert client.get("/people/karim-mansour/").status_code == 404
    Mention.objects.filter(article=named).update(status="confirmed")
    assert_counted()
    assert counts(karim) == visible(karim) == shown
    assert_exact()


def test_rejecting_one_of_two_mentions_keeps_the_article(karim, named):
    shown = counts(karim)
    first = Mention.objects.filter(article=named).order_by("start").first()
    Mention.objects.filter(pk=first.pk).update(status="rejected")
    assert_counted()
    assert counts(karim) == visible(karim)
    assert counts(karim) == shown._replace(mentions=shown.mentions - 1)
    assert_exact()


def test_hiding_the_article_hides_its_mentions_and_its_date(client, karim, named):
    shown = counts(karim)
    named.is_public = False
    named.save()
    assert_counted()
    assert counts(karim) == visible(karim) == Counts(0, 0, 0)
    assert month(karim) == {}
    assert not DateCount.objects.filter(articles__gt=0).exists()
    assert "karim-mansour" not in client.get("/people/").content.decode()
    assert client.get("/dates/2020/").status_code == 200
    Article.objects.filter(pk=named.pk).update(is_public=True)
    assert_counted()
    assert counts(karim) == visible(karim) == shown
    assert_exact()


def test_redating_the_article_moves_its_month(karim, named):
    before = month(karim)
    Article.objects.filter(pk=named.pk).update(published=datetime.date(2019, 2, 1))
    assert_counted()
    assert month(karim) == visible_months(karim)
    assert list(month(karim).values()) == list(before.values())
    assert set(month(karim)) == {datetime.date(2019, 2, 1)}
    assert_exact()


def test_deleting_and_orphaning_mentions(karim, named):
    shown = counts(karim)
    Mention.objects.filter(article=named).order_by("start").first().delete()
    assert_counted()
    assert counts(karim) == visible(karim) == shown._replace(mentions=shown.mentions - 1)
    Mention.objects.filter(article=named).update(is_orphaned=True)
    assert_counted()
    assert counts(karim) == visible(karim) == Counts(0, 0, 0)
    assert not Entity.objects.public().filter(pk=karim.pk).exists()
    assert_exact()


def test_bulk_create_and_moving_mentions_to_another_entity(karim, named):
    leila = make_entity(name="Leila Haddad", slug="leila-haddad")
    Mention.objects.bulk_create(
        [Mention(article=named, entity=leila, start=18, end=30, text="Leila Haddad")]
    )
    assert_counted()
    assert counts(leila) == visible(leila) != Counts(0, 0, 0)
    karims = counts(karim)
    Mention.objects.filter(entity=karim).update(entity=leila)  # what a merge does
    assert_counted()
    assert counts(karim) == visible(karim) == Counts(0, 0, 0)
    assert counts(leila) == visible(leila)
    assert counts(leila).mentions == karims.mentions + 1  # one article still
    assert_exact()


def test_claims_count_their_speaker_and_subjects_while_visible(karim):
    leila = make_entity(name="Leila Haddad", slug="leila-haddad")
    article = make_article(body='"We will meet again," said Karim Mansour.\nEnd.')
    claim = make_claim(article, "We will meet again", speaker=karim, about=[leila])
    assert_counted()
    assert counts(karim) == visible(karim) != Counts(0, 0, 0)
    assert counts(leila) == visible(leila) != Counts(0, 0, 0)
    assert Entity.objects.public().filter(pk=leila.pk).exists()
    Claim.objects.filter(pk=claim.pk).update(status="rejected")
    assert_counted()
    assert counts(karim) == counts(leila) == Counts(0, 0, 0)
    Claim.objects.filter(pk=claim.pk).update(status="confirmed")
    assert_counted()
    ClaimSubject.objects.filter(claim=claim).delete()
    assert_counted()
    assert counts(leila) == visible(leila) == Counts(0, 0, 0)
    assert counts(karim) == visible(karim) != Counts(0, 0, 0)
    Article.objects.filter(pk=article.pk).update(is_public=False)
    assert_counted()
    assert counts(karim) == Counts(0, 0, 0)
    assert_exact()


def claim_dates():
    """The stored visible claims per date (None: the undated)."""
    return dict(ClaimDateCount.objects.exclude(claims=0).values_list("date", "claims"))


def test_claims_per_date_follow_their_dates_and_visibility(client, karim):
    """What the claims list's deep pages are found through: visible claims per claim date,
    the undated apart."""
    body = '"We will meet again," said Karim Mansour.\n"Nothing was signed," he said.'
    article = make_article(body=body)
    june, july = datetime.date(2020, 6, 3), datetime.date(2020, 7, 1)
    meet = make_claim(article, "We will meet again", speaker=karim, date=june)
    signed = make_claim(article, "Nothing was signed", speaker=karim)
    make_claim(article, "We will meet again", date=june, status="rejected")
    make_claim(article, "Nothing was signed", date=june, is_orphaned=True)
    hidden = make_article(body=body, is_public=False)
    make_claim(hidden, "We will meet again", date=june)
    assert_counted()
    assert claim_dates() == {june: 1, None: 1}
    Claim.objects.filter(pk=meet.pk).update(date=july)  # redated
    signed.date = june
    signed.save()  # dated
    assert_counted()
    assert claim_dates() == {june: 1, july: 1}
    Claim.objects.filter(pk=signed.pk).update(status="rejected")
    assert claim_dates() == {july: 1}
    Claim.objects.filter(pk=signed.pk).update(status="suggested", date=None)
    Claim.objects.filter(pk=meet.pk).update(is_orphaned=True)
    assert_counted()
    assert claim_dates() == {None: 1}
    article.is_public = False
    article.save()  # its claims leave the list; the hidden article's join it
    hidden.is_public = True
    hidden.save()
    assert_counted()
    assert claim_dates() == {june: 1}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_claim SET date = NULL WHERE article_id = %s", [hidden.pk])
    assert claim_dates() == {None: 1}
    Claim.objects.filter(article=hidden).delete()
    assert_counted()
    assert claim_dates() == {}
    assert_exact()


def test_raw_sql_writes_are_followed_too(karim, named):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_article SET is_public = false WHERE id = %s", [named.pk])
    assert_counted()
    assert counts(karim) == visible(karim) == Counts(0, 0, 0)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_article SET is_public = true WHERE id = %s", [named.pk])
        assert counts(karim) == visible(karim) != Counts(0, 0, 0)
        cursor.execute("DELETE FROM archive_mention WHERE article_id = %s", [named.pk])
    assert_counted()
    assert counts(karim) == visible(karim) == Counts(0, 0, 0)
    assert_exact()


def test_paused_counts_are_rebuilt_at_the_end(karim, named):
    shown = counts(karim)
    with counts_paused():
        Mention.objects.filter(article=named).update(status="rejected")
        assert counts(karim) == shown != visible(karim)  # paused: not followed yet
    assert_counted()
    assert counts(karim) == visible(karim) == Counts(0, 0, 0)
    assert_exact()


def test_rebuild_counts_command(karim, named):
    EntityCount.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_counts", stdout=out)
    assert_counted()
    assert counts(karim) == visible(karim) != Counts(0, 0, 0)
    assert "Counts rebuilt" in out.getvalue()


# -- the rules and the SQL the database runs ---------------------------------------------------


def test_the_database_runs_the_triggers_that_counts_writes_now():
    """The installed trigger functions are TRIGGERS_SQL's, to the letter: a change of the
    visibility rules or of the trigger SQL needs a migration that installs it."""
    written = dict(
        re.findall(
            r"CREATE OR REPLACE FUNCTION (\w+)\(\) RETURNS trigger\nLANGUAGE plpgsql AS "
            r"\$fn\$(.*?)\$fn\$;",
            TRIGGERS_SQL,
            flags=re.DOTALL,
        )
    )
    triggers = set(re.findall(r"CREATE TRIGGER (\w+) ", TRIGGERS_SQL))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'archive\\_counts\\_%%'"
        )
        installed = dict(cursor.fetchall())
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'archive\\_counts\\_%%'")
        installed_triggers = {name for (name,) in cursor.fetchall()}
    assert len(written) == len(triggers) == 13
    assert installed == written
    assert installed_triggers == triggers


@pytest.mark.parametrize(
    ("models", "rule"), [((Mention, Claim), SPAN_VISIBLE), ((Article,), ARTICLE_PUBLIC)]
)
def test_the_visibility_rules_are_on_not_null_columns(models, rule):
    """Where a column may be NULL, SQL's `<>` and Django's negated Q differ."""
    for model in models:
        for condition in rule:
            assert not model._meta.get_field(condition.field).null

"""generate_corpus: a deterministic, realistic synthetic archive that --clear removes."""

import re
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from archive.models import (
    Alias,
    Article,
    Claim,
    ClaimSubject,
    Entity,
    Mention,
    Source,
    Story,
)
from archive.text.normalize import normalize
from benchmarks.corpus import SLUG_PREFIX, CorpusGenerator, iter_batches

FIXTURES = sorted(str(p) for p in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
MODELS = (Source, Story, Article, Entity, Alias, Mention, Claim, ClaimSubject)


def generate(n, seed=1, **kwargs):
    call_command("generate_corpus", articles=n, seed=seed, verbosity=0, **kwargs)


def snapshot():
    """Everything generated that a seed decides, keyed by slug (ids differ between runs)."""
    articles = {
        a.slug: (a.title, a.body, a.language, a.published, a.published_precision)
        for a in Article.objects.filter(slug__startswith=SLUG_PREFIX)
    }
    mentions = sorted(
        Mention.objects.filter(article__slug__startswith=SLUG_PREFIX).values_list(
            "article__slug", "start", "end", "text", "entity__slug", "status"
        )
    )
    claims = sorted(
        Claim.objects.filter(article__slug__startswith=SLUG_PREFIX).values_list(
            "article__slug", "start", "end", "speaker__slug"
        )
    )
    return articles, mentions, claims


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


# -- pure Python: no database ---------------------------------------------------------


def bodies(seed, n=60, batch_size=1000, parallel=False):
    return [
        (a.title, a.body, a.mentions, a.claims)
        for batch in iter_batches(n, seed, batch_size, parallel)
        for story in batch
        for a in story.articles
    ]


def test_text_generation_is_deterministic_and_needs_no_database():
    first = bodies(seed=1)
    assert len(first) == 60
    assert first == bodies(seed=1)
    assert first != bodies(seed=2)
    # The batch size and the child process change nothing.
    assert first == bodies(seed=1, batch_size=7, parallel=True)


def test_generated_text_spans_and_normal_forms_are_exact():
    gen = CorpusGenerator(80, seed=3)
    for batch in gen.stories(1000):
        for story in batch:
            for a in story.articles:
                assert a.body_search == normalize(a.body)
                assert a.title_search == normalize(a.title)
                for start, end, text, *_ in a.mentions + a.claims:
                    assert a.body[start:end] == text
                paragraphs = a.body.split("\n")
                assert 4 <= len(paragraphs) <= 20
                for p in paragraphs:
                    assert 20 <= len(p.split()) <= 90, p


# -- in the database --------------------------------------------------------------------


@pytest.mark.django_db
def test_corpus_is_realistic_and_exact():
    call_command("loaddata", *FIXTURES, verbosity=0)
    generate(400, seed=1)
    gen = Article.objects.filter(slug__startswith=SLUG_PREFIX)
    assert gen.count() == 400

    # Every span is exact (the database checks the length; here the text itself).
    mentions = list(Mention.objects.filter(article__in=gen).select_related("article"))
    claims = list(Claim.objects.filter(article__in=gen).select_related("article"))
    assert len(mentions) > 400 * 5 and len(claims) > 40
    for span in mentions + claims:
        assert span.article.body[span.start : span.end] == span.text
    # Mentions are at their alias's words; claims have a speaker and subjects.
    alias_names = set(Alias.objects.filter(entity__slug__startswith=SLUG_PREFIX).values_list(
        "name", flat=True
    ))  # fmt: skip
    assert all(m.text in alias_names for m in mentions)
    assert all(c.speaker_id for c in claims)
    assert ClaimSubject.objects.filter(claim__in=claims).count() >= len(claims)
    statuses = Counter(m.status for m in mentions)
    assert statuses["confirmed"] > statuses["suggested"] > statuses["rejected"] > 0

    # Derived columns filled as save() would: normal forms, fixity, search vector.
    for a in gen:
        assert a.title_search == normalize(a.title)
        assert a.body_search == normalize(a.body)
        assert a.sha256 == Article.text_sha256(a.body)
    assert not gen.filter(search_vector__isnull=True).exists()
    assert gen.filter(is_public=False).exists()

    # Translation pairs: an English original, its Arabic translation, one story.
    translations = list(gen.filter(translation_of__isnull=False).select_related("translation_of"))
    in_pairs = 2 * len(translations)
    assert 0.2 * 400 <= in_pairs <= 0.45 * 400
    for t in translations:
        assert t.language == "ar" and t.translation_of.language == "en"
        assert t.story_id == t.translation_of.story_id
        assert t.translation_of.translation_of_id is None
        assert len(t.body.split("\n")) == len(t.translation_of.body.split("\n"))
    # Stories covered by several outlets.
    per_story = Counter(gen.values_list("story_id", flat=True))
    assert max(per_story.values()) >= 3
    big = max(per_story, key=per_story.get)
    assert gen.filter(story_id=big).values("source").distinct().count() >= 2

    # Dates over twenty years, some only to the month or the year (first day of it).
    years = {a.published.year for a in gen if a.published}
    assert max(years) - min(years) >= 15
    month = gen.filter(published_precision="month")
    year = gen.filter(published_precision="year")
    assert month.exists() and year.exists()
    assert all(a.published.day == 1 for a in month if a.published)
    assert all((a.published.month, a.published.day) == (1, 1) for a in year if a.published)

    # Zipf-like vocabulary: a long tail of word types, a few very frequent words.
    words = Counter(
        w for body in gen.filter(language="en").values_list("body", flat=True)
        for w in re.findall(r"[a-z]+", body.lower())
    )  # fmt: skip
    ranked = [c for _, c in words.most_common()]
    assert len(ranked) > 5000
    assert ranked[0] > 20 * ranked[99]
    assert ranked[9] > 3 * ranked[99]
    arabic = Counter(
        w for body in gen.filter(language="ar").values_list("body", flat=True)
        for w in body.split()
    )  # fmt: skip
    assert len(arabic) > 5000

    # Entities: English and Arabic names with variants; popularity follows a power law.
    ents = Entity.objects.filter(slug__startswith=SLUG_PREFIX)
    assert set(ents.values_list("kind", flat=True)) == {"person", "organization", "place"}
    for e in ents.filter(kind="person")[:20]:
        langs = Counter(e.aliases.values_list("language", flat=True))
        assert langs["en"] >= 2 and langs["ar"] >= 2, e
    per_entity = sorted(Counter(m.entity_id for m in mentions).values(), reverse=True)
    assert per_entity[0] > 10 * per_entity[len(per_entity) // 2]

    # The curated archive is untouched.
    assert Article.objects.exclude(slug__startswith=SLUG_PREFIX).count() == 5


@pytest.mark.django_db
def test_same_seed_same_corpus_other_seed_other_corpus():
    generate(120, seed=5)
    first = snapshot()
    assert len(first[0]) == 120 and first[1]
    generate(120, seed=5, clear=True)
    assert snapshot() == first
    generate(120, seed=6, clear=True)
    other = snapshot()
    assert other[0].keys() == first[0].keys()  # slugs are positions
    assert other[0] != first[0] and other[1] != first[1]


@pytest.mark.django_db
def test_clear_removes_exactly_the_generated_rows():
    call_command("loaddata", *FIXTURES, verbosity=0)
    # A real article whose slug happens to start with gen- ("Gen. Haftar says…").
    Article.objects.create(
        title="Gen. Haftar says", slug="gen-haftar-says", body="Text.", language="en"
    )
    curated = counts()
    curated_mentions = set(Mention.objects.values_list("id", "article_id", "start", "end"))
    generate(150, seed=2)
    assert Article.objects.count() == curated["Article"] + 150
    # What the archive's own work wrote about generated rows goes with them: a proposed
    # link between two generated articles, a name proposed for a generated entity.
    from archive.models import LinkProposal, NameProposal

    first, second = Article.objects.filter(slug__startswith=SLUG_PREFIX)[:2]
    LinkProposal.objects.create(kind="copy", first=first, second=second, score=0.9)
    generated = Entity.objects.filter(slug__startswith=SLUG_PREFIX).first()
    NameProposal.objects.create(entity=generated, name="Gen Name", language="en", origin="unknown")
    with pytest.raises(CommandError, match="--clear"):
        generate(10, seed=2)  # never mixed with an earlier generated corpus
    call_command("generate_corpus", clear=True, verbosity=0)
    assert counts() == curated
    assert set(Mention.objects.values_list("id", "article_id", "start", "end")) == (
        curated_mentions
    )
    assert Article.objects.filter(slug="gen-haftar-says").exists()
    assert Article.objects.filter(slug="libyan-government-meets-us-delegation").exists()
    assert Entity.objects.filter(slug="fayez-al-sarraj").exists()


@pytest.mark.django_db
def test_public_pages_work_on_a_generated_corpus(client):
    call_command("loaddata", *FIXTURES, verbosity=0)
    generate(200, seed=4)
    article = Article.objects.public().filter(slug__startswith=SLUG_PREFIX).first()
    person = (
        Entity.objects.public()
        .filter(slug__startswith=SLUG_PREFIX, kind="person")
        .order_by("slug")
        .first()
    )
    mention = Mention.objects.visible().filter(entity=person).first()
    for url in (
        "/",
        "/articles/",
        article.get_absolute_url(),
        "/people/",
        person.get_absolute_url(),
        f"/search/?q={mention.text}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    response = client.get("/search/", {"q": mention.text})
    assert mention.article.title in response.content.decode()


@pytest.mark.django_db
def test_arguments_are_checked():
    with pytest.raises(CommandError):
        call_command("generate_corpus", verbosity=0)
    with pytest.raises(CommandError):
        generate(-1)
    assert connection.vendor == "postgresql"


def _schema():
    """Indexes, constraints and enabled triggers of the tables a bulk load defers."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid::regclass::text LIKE 'archive\\_%%'"
        )
        indexes = set(cur.fetchall())
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text LIKE 'archive\\_%%'"
        )
        constraints = set(cur.fetchall())
        cur.execute(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid::regclass::text LIKE 'archive\\_%%'"
        )
        return indexes, constraints, set(cur.fetchall())


@pytest.mark.django_db
def test_a_bulk_load_into_an_empty_archive_gives_the_same_rows_and_schema(monkeypatch):
    """Large loads drop secondary indexes and foreign keys and build them at the end: the
    rows, the indexes and the constraints come out as a row-by-row load leaves them."""
    import benchmarks.corpus.writer

    schema = _schema()
    generate(120, seed=5)
    row_by_row = snapshot()
    monkeypatch.setattr(benchmarks.corpus.writer, "BULK_FROM", 1)
    generate(120, seed=5, clear=True)
    assert snapshot() == row_by_row
    assert _schema() == schema
    # The indexes are there and used: a search finds generated articles.
    word = Article.objects.filter(slug__startswith=SLUG_PREFIX, language="en").first().title
    response_ids = Article.objects.filter(search_vector=word.split()[-1])
    assert response_ids.exists()


@pytest.mark.django_db(transaction=True)
def test_a_generated_corpus_has_stored_counts_names_and_variant_keys(monkeypatch):
    """What bulk loads write with the triggers off is rebuilt: the counts pages read, the
    Arabic names and the spelling keys that search and the matcher use."""
    from django.db.models import Count

    import benchmarks.corpus.writer
    from archive.models import Alias, Entity, EntityCount, Mention
    from archive.text.variants import phrase_key

    monkeypatch.setattr(benchmarks.corpus.writer, "BULK_FROM", 1)  # the bulk path: triggers off
    call_command("generate_corpus", "--articles", "60", "--seed", "3", verbosity=0)
    alias = Alias.objects.order_by("id").first()
    assert alias.variant_key == phrase_key(alias.name)[:300]
    assert Entity.objects.exclude(name_ar="").exists()
    top = Mention.objects.visible().values("entity").annotate(n=Count("id")).order_by("-n")[0]
    assert EntityCount.objects.get(entity_id=top["entity"]).mentions == top["n"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM archive_generation")
        assert cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_load_leaves_its_tables_vacuumed_for_index_only_scans():
    out = StringIO()
    call_command("generate_corpus", "--articles", "60", "--seed", "3", stdout=out)
    assert "Vacuumed the tables it wrote" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible FROM pg_class WHERE relname = 'archive_article'")
        assert cursor.fetchone()[0] > 0  # pages marked all-visible: no heap fetch per row
    call_command("generate_corpus", "--clear", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_replacing_a_corpus_leaves_no_dead_rows_for_the_planner_to_read_through():
    # A clear deletes as many rows as it made; left to autovacuum (off on some servers),
    # the planner read through them at every index end: each name look-up took 2-3 ms to
    # plan at 100,000 articles.
    call_command("generate_corpus", "--articles", "60", "--seed", "3", stdout=StringIO())
    call_command("generate_corpus", "--clear", "--articles", "60", "--seed", "4", stdout=StringIO())
    tables = ["archive_entity", "archive_alias", "archive_entitycount", "archive_mention"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_dead_tup, last_vacuum IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname = ANY(%s) ORDER BY relname",
            [tables],
        )
        assert cursor.fetchall() == [(t, 0, True) for t in sorted(tables)]


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_that_fails_leaves_the_archive_as_it_was(monkeypatch):
    """A bulk load COPYs its articles over several connections into a staging table and
    swaps it in inside the run's transaction: a failure at the swap (the last moment the
    articles are elsewhere) leaves the archive's rows and schema as they were, and no
    staging table behind."""
    import benchmarks.corpus.writer as writer

    call_command("loaddata", *FIXTURES, verbosity=0)
    before, schema = counts(), _schema()
    monkeypatch.setattr(writer, "BULK_FROM", 1)
    assert writer.ARTICLE_STREAMS > 1

    def fail(cur):
        cur.execute(f"SELECT count(*) FROM {writer.STAGE}")
        assert cur.fetchone()[0] == 60  # the streams' articles were there, committed
        raise RuntimeError("swap failed")

    monkeypatch.setattr(writer._Streams, "swap", staticmethod(fail))
    with pytest.raises(RuntimeError, match="swap failed"):
        call_command("generate_corpus", "--articles", "60", "--seed", "3", verbosity=0)
    assert counts() == before and _schema() == schema
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [writer.STAGE])
        assert cursor.fetchone()[0] is None
    monkeypatch.undo()
    # The same load without the failure: the curated articles are kept beside it.
    monkeypatch.setattr(writer, "BULK_FROM", 1)
    call_command("generate_corpus", "--articles", "60", "--seed", "3", verbosity=0)
    assert Article.objects.count() == before["Article"] + 60
    assert Article.objects.filter(slug="libyan-government-meets-us-delegation").exists()
    assert _schema() == schema
    call_command("generate_corpus", "--clear", verbosity=0)

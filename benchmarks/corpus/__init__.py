"""A deterministic synthetic archive for benchmarks (`manage.py generate_corpus`).

A package in two halves, the first of which never touches a database or Django:

* Text and structure: :mod:`~benchmarks.corpus.names` (the name tables, data only),
  :mod:`~benchmarks.corpus.words` (:class:`Vocabulary`, a Zipf-law word model per
  language), :mod:`~benchmarks.corpus.entities` (:func:`make_entities`: people,
  organizations and places with English and Arabic names and spelling variants) and
  :mod:`~benchmarks.corpus.generator` (:class:`CorpusGenerator`, which yields batches of
  stories: articles, mentions at exact spans, and claims). The seed alone decides every
  draw, in a fixed order, so a seed and an article count always give the same corpus,
  whatever the batch size.
* Writing: :mod:`~benchmarks.corpus.writer` (:func:`write_corpus`, :func:`clear_generated`,
  :func:`vacuum_bulk_tables`), PostgreSQL ``COPY`` through the raw psycopg 3 connection.

:mod:`~benchmarks.corpus.marks` says how generated rows are told from curated ones.

Bulk writes bypass the model's ``pre_save`` receivers: the generator fills
``title_search``/``body_search`` itself, with exactly ``normalize(title)`` and
``normalize(body)`` (built piecewise from the normalized form of each word, which is the
same thing because ``normalize`` works cluster by cluster and every piece boundary is a
space or punctuation) and each article's ``sha256``; the writer fills ``Alias.normalized``
and ``Alias.variant_key``. ``search_vector`` is a generated column: PostgreSQL computes it.
"""

from benchmarks.corpus.entities import GenEntity, make_entities
from benchmarks.corpus.generator import (
    DAYS,
    FIRST_DAY,
    CorpusGenerator,
    GenArticle,
    GenStory,
    Outlet,
    iter_batches,
)
from benchmarks.corpus.marks import GENERATED_NOTE, SLUG_PREFIX, URL_HOST
from benchmarks.corpus.names import GIVEN_NAMES
from benchmarks.corpus.words import (
    FIXTURES_DIR,
    SEEDS_DIR,
    Vocabulary,
    curated_name_words,
    seed_words,
)
from benchmarks.corpus.writer import (
    ARTICLE_COLUMNS,
    BULK_TABLES,
    CLAIM_COLUMNS,
    MENTION_COLUMNS,
    WRITTEN_TABLES,
    Stats,
    clear_generated,
    generated_exists,
    rebuild_stored_counts,
    vacuum_bulk_tables,
    write_corpus,
)

# BULK_FROM stays in benchmarks.corpus.writer only: write_corpus reads it there, so that is
# where a test must set it.
__all__ = [
    "ARTICLE_COLUMNS",
    "BULK_TABLES",
    "CLAIM_COLUMNS",
    "DAYS",
    "FIRST_DAY",
    "FIXTURES_DIR",
    "GENERATED_NOTE",
    "GIVEN_NAMES",
    "MENTION_COLUMNS",
    "SEEDS_DIR",
    "SLUG_PREFIX",
    "URL_HOST",
    "WRITTEN_TABLES",
    "CorpusGenerator",
    "GenArticle",
    "GenEntity",
    "GenStory",
    "Outlet",
    "Stats",
    "Vocabulary",
    "clear_generated",
    "curated_name_words",
    "generated_exists",
    "iter_batches",
    "make_entities",
    "rebuild_stored_counts",
    "seed_words",
    "vacuum_bulk_tables",
    "write_corpus",
]

"""Writing a generated corpus to PostgreSQL, and removing it.

:func:`write_corpus` COPYs rows through the raw psycopg 3 connection, with ids reserved
from the tables' sequences, one batch of about ``batch_size`` articles at a time so memory
stays flat as the article count grows (a bulk load sends its articles over
``ARTICLE_STREAMS`` connections into a staging table swapped in at the end: see
:class:`_Streams`); :func:`clear_generated` deletes exactly the generated rows;
:func:`vacuum_bulk_tables` vacuums what either wrote.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from dataclasses import dataclass, field

from archive.text.normalize import normalize
from archive.text.variants import phrase_key
from benchmarks.corpus.generator import CorpusGenerator, iter_batches
from benchmarks.corpus.marks import GENERATED_NOTE, SLUG_PREFIX, URL_HOST

# Both marks (benchmarks.corpus.marks) as LIKE patterns: an article's slug and url, an
# entity's or a story's slug and description.
_ARTICLE_MARKS = [SLUG_PREFIX + "%", f"https://{URL_HOST}/%"]
_ENTITY_MARKS = [SLUG_PREFIX + "%", GENERATED_NOTE + "%"]


def _reserve(cur, table: str, n: int) -> list[int]:
    if n <= 0:
        return []
    cur.execute(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
        [n],
    )
    return [r[0] for r in cur.fetchall()]


def generated_exists(cur) -> bool:
    cur.execute(
        "SELECT EXISTS (SELECT 1 FROM archive_article WHERE slug LIKE %s AND url LIKE %s) "
        "OR EXISTS (SELECT 1 FROM archive_entity WHERE slug LIKE %s AND description LIKE %s)",
        [*_ARTICLE_MARKS, *_ENTITY_MARKS],
    )
    return cur.fetchone()[0]


def clear_generated(cur) -> dict[str, int]:
    """Delete every generated row (both marks) and what hangs on it; nothing else.

    Annotations that reference generated rows go with them: mentions in generated
    articles or of generated entities, claims in generated articles or spoken by a
    generated entity, their subject links, aliases, merges into generated entities, and
    the history rows (an analyst may have edited generated rows in the admin).
    """
    counts: dict[str, int] = {}
    cur.execute(
        "CREATE TEMP TABLE gen_article ON COMMIT DROP AS "
        "SELECT id FROM archive_article WHERE slug LIKE %s AND url LIKE %s",
        _ARTICLE_MARKS,
    )
    cur.execute(
        "CREATE TEMP TABLE gen_entity ON COMMIT DROP AS "
        "SELECT id FROM archive_entity WHERE slug LIKE %s AND description LIKE %s",
        _ENTITY_MARKS,
    )
    cur.execute(
        "CREATE TEMP TABLE gen_claim ON COMMIT DROP AS SELECT id FROM archive_claim "
        "WHERE article_id IN (SELECT id FROM gen_article) "
        "OR speaker_id IN (SELECT id FROM gen_entity)"
    )
    cur.execute("ANALYZE gen_article; ANALYZE gen_entity; ANALYZE gen_claim")

    def run(label, sql, params=()):
        cur.execute(sql, params)
        counts[label] = counts.get(label, 0) + max(cur.rowcount, 0)

    history = _history_tables(cur)
    run(
        "claim subjects",
        "DELETE FROM archive_claimsubject WHERE claim_id IN (SELECT id FROM gen_claim) "
        "OR entity_id IN (SELECT id FROM gen_entity)",
    )
    # A curated claim recorded as the same as a generated one loses only that link.
    cur.execute(
        "UPDATE archive_claim SET same_as_id = NULL WHERE same_as_id IN (SELECT id FROM gen_claim)"
        " AND id NOT IN (SELECT id FROM gen_claim)"
    )
    run("claims", "DELETE FROM archive_claim WHERE id IN (SELECT id FROM gen_claim)")
    run(
        "mentions",
        "DELETE FROM archive_mention WHERE article_id IN (SELECT id FROM gen_article) "
        "OR entity_id IN (SELECT id FROM gen_entity)",
    )
    run("aliases", "DELETE FROM archive_alias WHERE entity_id IN (SELECT id FROM gen_entity)")
    cur.execute("DELETE FROM archive_entitymerge WHERE survivor_id IN (SELECT id FROM gen_entity)")
    # What the grouping, collecting and name learning wrote about generated rows.
    run(
        "link proposals",
        "DELETE FROM archive_linkproposal WHERE first_id IN (SELECT id FROM gen_article) "
        "OR second_id IN (SELECT id FROM gen_article)",
    )
    cur.execute(
        "UPDATE archive_collecteditem SET article_id = NULL "
        "WHERE article_id IN (SELECT id FROM gen_article)"
    )
    cur.execute(
        "UPDATE archive_mention SET proposal_id = NULL WHERE proposal_id IN "
        "(SELECT id FROM archive_nameproposal WHERE entity_id IN (SELECT id FROM gen_entity))"
    )
    run(
        "name proposals",
        "DELETE FROM archive_nameproposal WHERE entity_id IN (SELECT id FROM gen_entity)",
    )
    run("articles", "DELETE FROM archive_article WHERE id IN (SELECT id FROM gen_article)")
    run("entities", "DELETE FROM archive_entity WHERE id IN (SELECT id FROM gen_entity)")
    run(
        "stories",
        "DELETE FROM archive_story s WHERE slug LIKE %s AND description LIKE %s "
        "AND NOT EXISTS (SELECT 1 FROM archive_article a WHERE a.story_id = s.id)",
        _ENTITY_MARKS,
    )
    run(
        "sources",
        "DELETE FROM archive_source s WHERE slug LIKE %s AND url LIKE %s "
        "AND NOT EXISTS (SELECT 1 FROM archive_article a WHERE a.source_id = s.id)",
        [SLUG_PREFIX + "%", f"https://%.{URL_HOST}/"],
    )
    for table, where in (
        ("archive_historicalarticle", "id IN (SELECT id FROM gen_article)"),
        ("archive_historicalentity", "id IN (SELECT id FROM gen_entity)"),
        ("archive_historicalalias", "entity_id IN (SELECT id FROM gen_entity)"),
        (
            "archive_historicalmention",
            "article_id IN (SELECT id FROM gen_article) "
            "OR entity_id IN (SELECT id FROM gen_entity)",
        ),
        ("archive_historicalclaim", "id IN (SELECT id FROM gen_claim)"),
        (
            "archive_historicalclaimsubject",
            "claim_id IN (SELECT id FROM gen_claim) OR entity_id IN (SELECT id FROM gen_entity)",
        ),
    ):
        if table in history:
            cur.execute(f"DELETE FROM {table} WHERE {where}")
    cur.execute("DROP TABLE gen_article, gen_entity, gen_claim")
    return counts


def _history_tables(cur) -> set[str]:
    cur.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename LIKE 'archive\\_historical%%'"
    )
    return {r[0] for r in cur.fetchall()}


# Tables a corpus fills in bulk: their secondary indexes and user triggers wait for the end.
BULK_TABLES = ("archive_article", "archive_mention", "archive_claim", "archive_claimsubject")
BULK_FROM = 5_000  # articles; below this, maintaining the indexes row by row costs less


# Every table a load or a --clear writes to: the bulk ones, the entities, outlets and
# stories, and the stored counts rebuilt after a load.
WRITTEN_TABLES = (
    *BULK_TABLES,
    "archive_entity",
    "archive_alias",
    "archive_source",
    "archive_story",
    "archive_entitycount",
    "archive_entitymonthcount",
    "archive_datecount",
    "archive_claimdatecount",
)


def vacuum_bulk_tables(connection) -> None:
    """VACUUM (ANALYZE) the tables a bulk load or a clear wrote, after its commit. A load
    leaves no page marked all-visible, so until a vacuum every index-only scan visits the
    table too (the 4,000th page of the article list: 115 ms, 18 ms after); a clear leaves
    as many dead rows as it deleted, which the planner reads through at the ends of each
    index it looks at (a name's look-up planned in 1.5-3 ms instead of 0.2 after replacing
    a corpus). Autovacuum may be off or come late."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(WRITTEN_TABLES)}")


def rebuild_stored_counts(cur) -> None:
    """The one step after a load that recomputes what the archive stores about its rows
    (counts per entity and per day). Bulk loads write with the tables' user triggers off,
    so whatever those triggers keep up to date is rebuilt here, once, from the tables:
    the stored counts, and the archive generation that keys the page cache."""
    from archive.services.counts import REBUILD_SQL

    for statement in REBUILD_SQL:
        cur.execute(statement)
    cur.execute("UPDATE archive_generation SET value = nextval('archive_generation_seq')")


def _archive_articles(cur) -> int:
    cur.execute("SELECT count(*) FROM archive_article")
    return cur.fetchone()[0]


@dataclass
class _Deferred:
    """Secondary indexes and foreign keys dropped and user triggers disabled for a bulk
    load into an (almost) empty archive, and how to bring them back.

    Updating the GIN index of the search vector row by row cost about 0.6 ms per article
    (more than computing the vector itself), the mention indexes tripled the mention COPY,
    and each foreign key is a lookup per row; building the indexes once at the end and
    adding the foreign keys back (which checks every row again, in one join per key)
    costs a fraction of that. Primary keys and unique constraints stay, so duplicates are
    refused as the load goes. All of it is DDL inside the load's transaction: a failed load
    rolls the drops back too (other sessions wait for the load's end to read these tables).
    """

    indexes: list[str]  # CREATE INDEX statements
    triggers: list[tuple[str, str]]  # (table, trigger)
    foreign_keys: list[tuple[str, str, str]]  # (table, name, definition)

    @classmethod
    def take(cls, cur) -> _Deferred:
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) "
            "AND NOT i.indisprimary AND NOT i.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [list(BULK_TABLES)],
        )
        found = cur.fetchall()
        cur.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgrelid = ANY(%s::regclass[]) AND NOT t.tgisinternal AND t.tgenabled = 'O'",
            [list(BULK_TABLES)],
        )
        triggers = cur.fetchall()
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype = 'f'",
            [list(BULK_TABLES)],
        )
        foreign_keys = cur.fetchall()
        for table, name, _definition in foreign_keys:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in found:
            cur.execute(f"DROP INDEX {name}")
        for table, trigger in triggers:
            cur.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{trigger}"')
        return cls([definition for _name, definition in found], triggers, foreign_keys)

    def restore(self, cur) -> None:
        # Sorting and GIN building want memory; this transaction only.
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in self.indexes:
            cur.execute(definition)
        # Each foreign key is checked again over the whole table, in one join.
        for table, name, definition in self.foreign_keys:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for table, trigger in self.triggers:
            cur.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{trigger}"')


# A bulk load COPYs its articles over this many connections at once: PostgreSQL computes
# each article's stored search vector (to_tsvector of title and body, about 70% of the
# article COPY) in the backend that inserts the row, so one stream keeps one core busy.
ARTICLE_STREAMS = 2
STAGE = "gen_stage_article"
_ON_ARTICLE = re.compile(r" ON (?:ONLY )?(?:\S+\.)?archive_article USING ")
_INDEX_HEAD = re.compile(r"^CREATE (UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ USING")


def drop_stage(connection) -> None:
    """Drop what a failed bulk load left behind (its staging table is committed by its own
    connections; the load's transaction only swaps it in). Called after that transaction
    ends: before, the table may still be locked by it."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")


class _Streams:
    """The articles of a bulk load COPYed into a staging table over several connections,
    each its own transaction, then swapped in for archive_article inside the load's
    transaction: the rows already there are moved over, the table renamed, its keys,
    indexes, triggers and identity made as they were. A failure before the swap leaves
    the archive untouched (the staging table is dropped afterwards, :func:`drop_stage`);
    the swap itself is part of the load's transaction, so one run stays all-or-nothing."""

    def __init__(self, pg, streams: int):
        import psycopg
        from psycopg.conninfo import make_conninfo

        info = make_conninfo(pg.info.dsn, password=pg.info.password or None)
        self.conns = [psycopg.connect(info) for _ in range(streams)]
        self.copies = []
        self.stack = None
        self.turn = 0
        with self.conns[0].cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cur.execute(
                f"CREATE TABLE {STAGE} (LIKE archive_article INCLUDING DEFAULTS INCLUDING "
                "GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION "
                "INCLUDING IDENTITY)"
            )
            # Every index of archive_article, and the key (primary, unique) it backs: the
            # staging table gets them under names of its own once loaded, built by the
            # streams side by side, and they take their names at the swap.
            cur.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), "
                "c.conname, c.contype FROM pg_index i LEFT JOIN pg_constraint c "
                "ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid "
                "AND c.contype IN ('p', 'u') WHERE i.indrelid = 'archive_article'::regclass "
                "ORDER BY 1"
            )
            self.indexes = cur.fetchall()
        self.conns[0].commit()

    def open(self) -> None:
        from psycopg.copy import QueuedLibpqWriter

        self.stack = contextlib.ExitStack()
        for conn in self.conns:
            cur = conn.cursor()
            # Each stream compresses bodies as the load's own connection does.
            cur.execute(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
            if cur.fetchone()[0]:
                cur.execute("SET default_toast_compression = lz4")
            sql = f"COPY {STAGE} ({ARTICLE_COLUMNS}) FROM STDIN"
            self.copies.append(
                self.stack.enter_context(cur.copy(sql, writer=QueuedLibpqWriter(cur)))
            )

    def write(self, rows) -> None:
        """One batch's article rows to the next stream (a writer thread sends them, so
        this returns while that backend works and the next batch is made)."""
        copy = self.copies[self.turn]
        self.turn = (self.turn + 1) % len(self.copies)
        for row in rows:
            copy.write_row(row)

    def finish(self) -> None:
        """End the COPYs (waiting for their backends) and commit them."""
        stack, self.stack, self.copies = self.stack, None, []
        stack.close()
        for conn in self.conns:
            conn.commit()

    def build_indexes(self) -> None:
        """archive_article's indexes on the loaded staging table, committed, the search
        vector's GIN (the longest) on one stream's connection and the rest on another."""
        from concurrent.futures import ThreadPoolExecutor

        work: list[list[str]] = [[] for _ in self.conns]
        for k, (_name, definition, _key, _kind) in enumerate(self.indexes):
            staged = _INDEX_HEAD.sub(rf"CREATE \1INDEX {STAGE}_i{k} ON {STAGE} USING", definition)
            work[0 if " USING gin " in staged else len(work) - 1].append(staged)

        def build(conn, statements):
            with conn.cursor() as cur:
                cur.execute("SET maintenance_work_mem = '256MB'")
                for statement in statements:
                    cur.execute(statement)
            conn.commit()

        with ThreadPoolExecutor(len(self.conns)) as pool:
            for done in [pool.submit(build, c, w) for c, w in zip(self.conns, work, strict=True)]:
                done.result()

    def close(self) -> None:
        if self.stack is not None:  # a failure: end the COPYs with an error
            with contextlib.suppress(Exception):  # the load's own error is what counts
                self.stack.__exit__(RuntimeError, RuntimeError("load failed"), None)
            self.stack = None
        for conn in self.conns:
            conn.close()

    def swap(self, cur) -> list[str]:
        """Put the staging table in archive_article's place (in the load's transaction):
        returns the statements that give it back its keys, referencing foreign keys and
        triggers, to run once the deferred indexes and foreign keys are back."""
        cur.execute("LOCK TABLE archive_article IN ACCESS EXCLUSIVE MODE")
        cur.execute(
            "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
            "WHERE attrelid = 'archive_article'::regclass AND attnum > 0 "
            "AND NOT attisdropped AND attgenerated = ''"
        )
        columns = cur.fetchone()[0]
        # The rows already there (a curated archive's few) join the loaded ones.
        cur.execute(f"INSERT INTO {STAGE} ({columns}) SELECT {columns} FROM archive_article")
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE confrelid = 'archive_article'::regclass "
            "AND contype = 'f' AND conrelid <> 'archive_article'::regclass ORDER BY conname"
        )
        keys = cur.fetchall()
        cur.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgrelid = 'archive_article'::regclass AND NOT tgisinternal ORDER BY tgname"
        )
        triggers = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT pg_get_serial_sequence('archive_article', 'id')")
        sequence = cur.fetchone()[0]
        cur.execute(f"SELECT pg_get_serial_sequence('{STAGE}', 'id')")
        stage_sequence = cur.fetchone()[0]
        cur.execute(f"SELECT last_value, is_called FROM {sequence}")
        last, called = cur.fetchone()
        cur.execute("SELECT setval(%s, %s, %s)", [stage_sequence, last, called])
        for table, name, _definition in keys:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        # No CASCADE: anything else that depends on the table refuses the swap, and the
        # whole load rolls back.
        cur.execute("DROP TABLE archive_article")
        cur.execute(f"ALTER TABLE {STAGE} RENAME TO archive_article")
        cur.execute(f"ALTER SEQUENCE {stage_sequence} RENAME TO {sequence.split('.')[-1]}")
        for k, (name, _definition, key, kind) in enumerate(self.indexes):
            if key:  # the index becomes the key's, under the key's name
                what = "PRIMARY KEY" if kind == "p" else "UNIQUE"
                cur.execute(
                    f'ALTER TABLE archive_article ADD CONSTRAINT "{key}" {what} '
                    f"USING INDEX {STAGE}_i{k}"
                )
            else:
                cur.execute(f"ALTER INDEX {STAGE}_i{k} RENAME TO {name.split('.')[-1]}")
        return [
            *(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
              for table, name, definition in keys),
            *triggers,
        ]  # fmt: skip


ARTICLE_COLUMNS = (
    "id, title, slug, body, language, url, byline, dateline, published, published_precision, "
    "is_public, sha256, created, updated, title_search, body_search, translation_of_id, "
    "source_id, story_id"
)
MENTION_COLUMNS = (
    'article_id, entity_id, start, "end", text, role, status, is_orphaned, created, updated'
)
CLAIM_COLUMNS = (
    'id, article_id, speaker_id, start, "end", text, kind, date, verification, note, status, '
    "is_orphaned, version, created, updated, same_as_id"
)


@dataclass
class Stats:
    articles: int = 0
    mentions: int = 0
    claims: int = 0
    entities: int = 0
    aliases: int = 0
    stories: int = 0
    seconds: float = 0.0
    # Seconds per step (rows, indexes and keys, statistics and stored counts): where a
    # load's time goes, for the benchmark's record.
    phases: dict = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


def write_corpus(
    pg, articles: int, seed: int = 1, batch_size: int = 1000, progress=None, parallel=None
) -> Stats:
    """Generate and COPY the corpus through the raw psycopg connection `pg`.

    The caller owns the transaction. Rows go straight to the tables: no model save(), no
    signals, and no django-simple-history rows (a synthetic corpus has no editing history;
    writing one historical row per generated row would double the work for nothing).
    """
    t0 = time.perf_counter()
    stats = Stats()
    # The entities and outlets are made here too, from the same seed: the child process
    # makes the same ones (and the vocabulary) and goes on to the articles.
    if parallel is None:
        parallel = articles >= 4 * batch_size
    gen = CorpusGenerator(articles, seed, text=not parallel)
    now = dt.datetime.now(dt.UTC)
    with pg.cursor() as cur:
        # Foreign keys checked row by row rather than queued to the commit: the queue of
        # a million mentions' checks would grow with the load (and CREATE INDEX refuses to
        # run while checks are pending).
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # An article's body and its normalized copy go over 2 kB, so PostgreSQL compresses
        # them: lz4 (where the server has it) instead of pglz took the article COPY from
        # 5.6 to 4.0-4.5 s per 10,000. This transaction only; each stored value says how
        # it is compressed, so it reads the same anywhere.
        cur.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        if cur.fetchone()[0]:
            cur.execute("SET LOCAL default_toast_compression = lz4")
        deferred = streams = None
        if articles >= BULK_FROM and _archive_articles(cur) * 10 < articles:
            if ARTICLE_STREAMS > 1:  # made before the drops below lock archive_article
                streams = _Streams(pg, ARTICLE_STREAMS)
            deferred = _Deferred.take(cur)
            if streams is not None:  # the swapped-in table comes with its indexes
                deferred.triggers = [t for t in deferred.triggers if t[0] != "archive_article"]
                deferred.indexes = [d for d in deferred.indexes if not _ON_ARTICLE.search(d)]
        entity_ids, stats.aliases = _write_entities(cur, gen)
        stats.entities = sum(len(v) for v in entity_ids.values())
        kind_ids = [entity_ids["person"], entity_ids["organization"], entity_ids["place"]]
        source_ids = _reserve(cur, "archive_source", len(gen.outlets))
        outlets = [
            (sid, o.name, o.slug, f"https://{o.slug}.{URL_HOST}/", "", o.language)
            for o, sid in zip(gen.outlets, source_ids, strict=True)
        ]
        _copy(cur, "archive_source", "id, name, slug, url, country, language", outlets)
        try:
            if streams is not None:
                streams.open()
            _write_batches(cur, gen, stats, articles, seed, batch_size, parallel, kind_ids,
                           source_ids, now, progress, streams)  # fmt: skip
            if streams is not None:
                streams.finish()
            stats.phases["rows"] = time.perf_counter() - t0
            if streams is not None:
                streams.build_indexes()
        finally:
            if streams is not None:
                streams.close()
        after = streams.swap(cur) if streams is not None else []
        if deferred is not None:
            deferred.restore(cur)
        for statement in after:
            cur.execute(statement)
        stats.phases["indexes"] = time.perf_counter() - t0 - stats.phases["rows"]
        # Fresh statistics: right after a bulk load the planner would otherwise guess
        # (a co-mention query on 400 articles took minutes with none).
        for table in ("article", "mention", "claim", "claimsubject", "entity", "alias", "source"):
            cur.execute(f"ANALYZE archive_{table}")
        rebuild_stored_counts(cur)
    stats.seconds = time.perf_counter() - t0
    stats.phases["statistics"] = stats.seconds - sum(stats.phases.values())
    return stats


def _write_batches(
    cur, gen, stats, articles, seed, batch_size, parallel, kind_ids, source_ids, now, progress,
    streams,
) -> None:  # fmt: skip
    """The stories, articles, mentions, claims and claim subjects, batch by batch."""
    for batch in iter_batches(articles, seed, batch_size, parallel):
        story_ids = _reserve(cur, "archive_story", len(batch))
        stories = [
            (sid, s.title[:300], s.slug, f"{GENERATED_NOTE}, seed {seed}")
            for s, sid in zip(batch, story_ids, strict=True)
        ]
        _copy(cur, "archive_story", "id, title, slug, description", stories)
        rows = _batch_rows(cur, batch, story_ids, kind_ids, source_ids, now)
        if streams is not None:
            streams.write(rows.articles)
        else:
            _copy(cur, "archive_article", ARTICLE_COLUMNS, rows.articles)
        _copy(cur, "archive_mention", MENTION_COLUMNS, rows.mentions)
        _copy(cur, "archive_claim", CLAIM_COLUMNS, rows.claims)
        _copy(cur, "archive_claimsubject", "claim_id, entity_id", rows.subjects)
        stats.articles += len(rows.articles)
        stats.stories += len(batch)
        stats.mentions += len(rows.mentions)
        stats.claims += len(rows.claims)
        if progress is not None:
            progress(len(rows.articles))


def _copy(cur, table: str, columns: str, rows) -> None:
    """COPY `rows` (tuples in the order of `columns`) into `table`."""
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _write_entities(cur, gen: CorpusGenerator) -> tuple[dict[str, list[int]], int]:
    """COPY the entities and their aliases: the entities' ids by kind, and the alias count."""
    entity_ids = {k: _reserve(cur, "archive_entity", len(v)) for k, v in gen.entities.items()}
    entities, aliases = [], []
    for kind, ents in gen.entities.items():
        for e, eid in zip(ents, entity_ids[kind], strict=True):
            name_ar = next((name for name, lang in e.aliases if lang == "ar"), "")
            entities.append((eid, kind, e.name, name_ar, e.slug, e.description, ""))
            # The entity's own names (Entity.own_names) are "own" rows, as the admin makes them.
            own = [(name, lang) for name, lang in [(e.name, "en"), (name_ar, "ar")] if name]
            names = [*own, *(a for a in e.aliases if a not in own)]
            for name, lang in names:
                key = phrase_key(name)[:300]  # as Alias.save() fills it
                origin = "own" if (name, lang) in own else "analyst"
                aliases.append((eid, name, lang, normalize(name), key, origin))
    _copy(
        cur, "archive_entity", "id, kind, name, name_ar, slug, description, wikidata_id", entities
    )
    _copy(
        cur, "archive_alias", "entity_id, name, language, normalized, variant_key, origin", aliases
    )
    return entity_ids, len(aliases)


@dataclass
class _BatchRows:
    articles: list[tuple] = field(default_factory=list)
    mentions: list[tuple] = field(default_factory=list)
    claims: list[tuple] = field(default_factory=list)
    subjects: list[tuple] = field(default_factory=list)


def _batch_rows(cur, batch, story_ids, kind_ids, source_ids, now) -> _BatchRows:
    """One batch's articles, mentions, claims and claim subjects as rows, with ids reserved.

    A translation follows its original in the same story, so the ids of originals (and of
    their claims, which a translation's claims are the same as) are needed within the
    batch only."""
    rows = _BatchRows()
    a_ids = iter(_reserve(cur, "archive_article", sum(len(s.articles) for s in batch)))
    n_claims = sum(len(a.claims) for s in batch for a in s.articles)
    c_ids = iter(_reserve(cur, "archive_claim", n_claims))
    article_ids: dict[int, int] = {}  # corpus index → id, for originals only
    claim_ids: dict[tuple, int] = {}  # (original index, claim number) → id
    for s, sid in zip(batch, story_ids, strict=True):
        for a in s.articles:
            aid = next(a_ids)
            article_ids[a.index] = aid
            original = a.translation_of
            rows.articles.append((
                aid, a.title[:500], a.slug, a.body, a.language,
                f"https://{URL_HOST}/{a.slug}", a.byline, a.dateline, a.published,
                a.precision, a.is_public, a.sha256, now, now, a.title_search,
                a.body_search, article_ids[original] if original is not None else None,
                source_ids[a.source], sid,
            ))  # fmt: skip
            for start, end, text, (k, rank), role, status in a.mentions:
                rows.mentions.append((
                    aid, kind_ids[k][rank], start, end, text, role, status, False, now, now,
                ))  # fmt: skip
            for n, (start, end, text, speaker, kind, about, verif) in enumerate(a.claims):
                cid = next(c_ids)
                key = (a.index if original is None else original, n)
                same_as = claim_ids.pop(key, None) if original is not None else None
                if original is None:
                    claim_ids[key] = cid
                said_on = a.published if a.precision == "day" else None
                rows.claims.append((
                    cid, aid, kind_ids[speaker[0]][speaker[1]], start, end, text,
                    kind, said_on, verif, "", "confirmed", False, 1, now, now, same_as,
                ))  # fmt: skip
                for k, rank in about:
                    rows.subjects.append((cid, kind_ids[k][rank]))
    return rows

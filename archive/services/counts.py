"""Stored counts (EntityCount, EntityMonthCount, DateCount): their triggers and their rebuild.

Pages used to count a million mentions per request. The counts are now stored and kept exact
by PostgreSQL statement-level triggers with transition tables (installed by migration
0007_counts from `TRIGGERS_SQL`), so every write path follows them: the ORM, QuerySet.update(),
bulk_create, deletes, raw SQL and COPY. Each trigger applies the statement's net change
(rows in NEW TABLE minus rows in OLD TABLE), so its cost grows with the rows written, not
with the archive; an entity's count of articles is decided per (entity, article) pair by
looking at that pair's remaining mentions.

Only what a reader may see is counted (archive.models.visible_q): mentions and claims that
are not rejected, not orphaned, on public articles; articles that are public.

Exact under concurrent writers in READ COMMITTED (Django's default): a trigger first locks
the articles it reads (FOR SHARE: a concurrent change of is_public waits, or is waited for)
and the entities' count rows (FOR UPDATE, in id order), and each later statement of the
trigger sees what the writers it waited for committed.

Bulk loaders may pause the triggers for their transaction and rebuild once at the end:

    with counts_paused():
        ... COPY a million rows ...
    # the exit ran rebuild_counts()
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, transaction

# The switch the triggers read; set with set_config(…, is_local=true), it ends with the
# transaction, so a crashed loader cannot leave the counts switched off.
PAUSE_SETTING = "archive.counts_paused"

_VISIBLE = "status <> 'rejected' AND NOT is_orphaned"
_PAUSED = f"IF current_setting('{PAUSE_SETTING}', true) = 'on' THEN RETURN NULL; END IF;"


def _net(op: str, columns: str) -> str:
    """The statement's net change of visible-flagged rows, grouped by `columns`."""
    parts = []
    if op in ("INSERT", "UPDATE"):
        parts.append(f"SELECT {columns}, 1 AS sign FROM new_rows WHERE {_VISIBLE}")
    if op in ("DELETE", "UPDATE"):
        parts.append(f"SELECT {columns}, -1 AS sign FROM old_rows WHERE {_VISIBLE}")
    union = " UNION ALL ".join(parts)
    return (
        f"SELECT {columns}, sum(sign)::int AS sign FROM ({union}) x "
        f"GROUP BY {columns} HAVING sum(sign) <> 0"
    )


def _lock_entities(ids_sql: str) -> str:
    """Make sure the count rows of the entities `ids_sql` selects exist, and lock them."""
    return f"""
    INSERT INTO archive_entitycount (entity_id, mentions, articles, claims)
      SELECT DISTINCT entity_id, 0, 0, 0 FROM ({ids_sql}) ids WHERE entity_id IS NOT NULL
      ORDER BY 1 ON CONFLICT DO NOTHING;
    PERFORM 1 FROM archive_entitycount
      WHERE entity_id IN (SELECT entity_id FROM ({ids_sql}) ids) ORDER BY entity_id FOR UPDATE;
    """


def _mention_function(op: str) -> str:
    net = _net(op, "entity_id, article_id")
    return f"""
CREATE OR REPLACE FUNCTION archive_counts_mention_{op.lower()}() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  {_PAUSED}
  PERFORM 1 FROM archive_article WHERE id IN (SELECT article_id FROM ({net}) d)
    ORDER BY id FOR SHARE;
  {_lock_entities(f"SELECT entity_id FROM ({net}) d")}
  WITH d AS ({net}),
  pairs AS (
    SELECT d.entity_id, d.article_id, d.sign AS change, a.published
    FROM d JOIN archive_article a ON a.id = d.article_id WHERE a.is_public),
  now AS (
    SELECT p.entity_id, p.change, (
      SELECT count(*) FROM archive_mention m
      WHERE m.entity_id = p.entity_id AND m.article_id = p.article_id
        AND m.status <> 'rejected' AND NOT m.is_orphaned) AS n
    FROM pairs p),
  per_entity AS (
    SELECT entity_id, sum(change) AS mentions,
           sum((n > 0)::int - ((n - change) > 0)::int) AS articles
    FROM now GROUP BY entity_id)
  UPDATE archive_entitycount c
    SET mentions = c.mentions + p.mentions, articles = c.articles + p.articles
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  WITH d AS ({net})
  INSERT INTO archive_entitymonthcount (entity_id, month, mentions)
    SELECT d.entity_id, date_trunc('month', a.published)::date, sum(d.sign)
    FROM d JOIN archive_article a ON a.id = d.article_id
    WHERE a.is_public AND a.published IS NOT NULL
    GROUP BY 1, 2 HAVING sum(d.sign) <> 0 ORDER BY 1, 2
  ON CONFLICT (entity_id, month)
    DO UPDATE SET mentions = archive_entitymonthcount.mentions + excluded.mentions;
  RETURN NULL;
END $fn$;
"""


def _claim_function(op: str) -> str:
    net = _net(op, "id, speaker_id, article_id")
    # A claim's subject links exist only between its insert and its delete (Django deletes
    # the links first), so only an update changes what its links count.
    links = "FROM d JOIN archive_claimsubject cs ON cs.claim_id = d.id"
    if op == "UPDATE":
        subjects, subject_ids = (
            f"SELECT cs.entity_id, d.sign {links}",
            f"SELECT cs.entity_id {links}",
        )
    else:
        subjects = "SELECT NULL::bigint AS entity_id, 0 AS sign WHERE false"
        subject_ids = "SELECT NULL::bigint WHERE false"
    locked = f"WITH d AS ({net}) SELECT speaker_id AS entity_id FROM d UNION {subject_ids}"
    return f"""
CREATE OR REPLACE FUNCTION archive_counts_claim_{op.lower()}() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  {_PAUSED}
  PERFORM 1 FROM archive_article WHERE id IN (SELECT article_id FROM ({net}) d)
    ORDER BY id FOR SHARE;
  {_lock_entities(locked)}
  WITH d0 AS ({net}),
  d AS (SELECT d0.* FROM d0 JOIN archive_article a ON a.id = d0.article_id WHERE a.is_public),
  changes AS (
    SELECT speaker_id AS entity_id, sign FROM d WHERE speaker_id IS NOT NULL
    UNION ALL {subjects}),
  per_entity AS (SELECT entity_id, sum(sign) AS n FROM changes GROUP BY entity_id)
  UPDATE archive_entitycount c SET claims = c.claims + p.n
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  RETURN NULL;
END $fn$;
"""


def _claimsubject_function(op: str) -> str:
    parts = []
    if op in ("INSERT", "UPDATE"):
        parts.append("SELECT entity_id, claim_id, 1 AS sign FROM new_rows")
    if op in ("DELETE", "UPDATE"):
        parts.append("SELECT entity_id, claim_id, -1 AS sign FROM old_rows")
    net = (
        "SELECT x.entity_id, c.article_id, sum(x.sign)::int AS sign "
        f"FROM ({' UNION ALL '.join(parts)}) x JOIN archive_claim c ON c.id = x.claim_id "
        "WHERE c.status <> 'rejected' AND NOT c.is_orphaned "
        "GROUP BY 1, 2 HAVING sum(x.sign) <> 0"
    )
    return f"""
CREATE OR REPLACE FUNCTION archive_counts_claimsubject_{op.lower()}() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  {_PAUSED}
  PERFORM 1 FROM archive_article WHERE id IN (SELECT article_id FROM ({net}) d)
    ORDER BY id FOR SHARE;
  {_lock_entities(f"SELECT entity_id FROM ({net}) d")}
  WITH d AS ({net}),
  per_entity AS (
    SELECT d.entity_id, sum(d.sign) AS n FROM d
    JOIN archive_article a ON a.id = d.article_id WHERE a.is_public GROUP BY 1)
  UPDATE archive_entitycount c SET claims = c.claims + p.n
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  RETURN NULL;
END $fn$;
"""


def _article_function(op: str) -> str:
    parts = []
    if op in ("INSERT", "UPDATE"):
        parts.append("SELECT published, published_precision, 1 AS sign FROM new_rows")
    if op in ("DELETE", "UPDATE"):
        parts.append("SELECT published, published_precision, -1 AS sign FROM old_rows")
    dates = f"""
  INSERT INTO archive_datecount (published, precision, articles)
    SELECT published, published_precision, sum(sign) FROM (
      {" UNION ALL ".join(p + " WHERE is_public AND published IS NOT NULL" for p in parts)}
    ) x GROUP BY 1, 2 HAVING sum(sign) <> 0 ORDER BY 1, 2
  ON CONFLICT (published, precision)
    DO UPDATE SET articles = archive_datecount.articles + excluded.articles;"""
    if op != "UPDATE":
        # A new article has no mentions yet; one with mentions cannot be deleted (PROTECT).
        body = dates
    else:
        # Articles whose visibility or month changed move their mentions' and claims' counts.
        changed = """
    SELECT n.id, o.is_public AS was_public, n.is_public,
           date_trunc('month', o.published)::date AS old_month,
           date_trunc('month', n.published)::date AS new_month
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.is_public <> o.is_public
       OR (n.is_public AND date_trunc('month', n.published)
           IS DISTINCT FROM date_trunc('month', o.published))"""
        turned = (
            "SELECT id, is_public::int - was_public::int AS sign FROM ch "
            "WHERE is_public <> was_public"
        )
        body = (
            dates
            + f"""
  {
                _lock_entities(f'''WITH ch AS ({changed})
      SELECT m.entity_id FROM archive_mention m JOIN ch ON ch.id = m.article_id
      WHERE m.status <> 'rejected' AND NOT m.is_orphaned
      UNION SELECT c.speaker_id FROM archive_claim c JOIN ch ON ch.id = c.article_id
      WHERE c.status <> 'rejected' AND NOT c.is_orphaned
      UNION SELECT cs.entity_id FROM archive_claimsubject cs
      JOIN archive_claim c ON c.id = cs.claim_id JOIN ch ON ch.id = c.article_id
      WHERE c.status <> 'rejected' AND NOT c.is_orphaned''')
            }
  WITH ch AS ({changed}), t AS ({turned}),
  m AS (
    SELECT m.entity_id, t.sign, count(*) AS n FROM archive_mention m JOIN t ON t.id = m.article_id
    WHERE m.status <> 'rejected' AND NOT m.is_orphaned GROUP BY m.entity_id, m.article_id, t.sign),
  per_entity AS (
    SELECT entity_id, sum(sign * n) AS mentions, sum(sign) AS articles FROM m GROUP BY 1)
  UPDATE archive_entitycount c
    SET mentions = c.mentions + p.mentions, articles = c.articles + p.articles
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  WITH ch AS ({changed}), t AS ({turned}),
  v AS (
    SELECT c.id, c.speaker_id, t.sign FROM archive_claim c JOIN t ON t.id = c.article_id
    WHERE c.status <> 'rejected' AND NOT c.is_orphaned),
  changes AS (
    SELECT speaker_id AS entity_id, sign FROM v WHERE speaker_id IS NOT NULL
    UNION ALL
    SELECT cs.entity_id, v.sign FROM v JOIN archive_claimsubject cs ON cs.claim_id = v.id),
  per_entity AS (SELECT entity_id, sum(sign) AS n FROM changes GROUP BY 1)
  UPDATE archive_entitycount c SET claims = c.claims + p.n
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  WITH ch AS ({changed}),
  moves AS (
    SELECT m.entity_id, ch.old_month AS month, -count(*) AS n
      FROM archive_mention m JOIN ch ON ch.id = m.article_id
      WHERE ch.was_public AND ch.old_month IS NOT NULL
        AND m.status <> 'rejected' AND NOT m.is_orphaned GROUP BY 1, 2
    UNION ALL
    SELECT m.entity_id, ch.new_month, count(*)
      FROM archive_mention m JOIN ch ON ch.id = m.article_id
      WHERE ch.is_public AND ch.new_month IS NOT NULL
        AND m.status <> 'rejected' AND NOT m.is_orphaned GROUP BY 1, 2)
  INSERT INTO archive_entitymonthcount (entity_id, month, mentions)
    SELECT entity_id, month, sum(n) FROM moves GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2
  ON CONFLICT (entity_id, month)
    DO UPDATE SET mentions = archive_entitymonthcount.mentions + excluded.mentions;"""
        )
    return f"""
CREATE OR REPLACE FUNCTION archive_counts_article_{op.lower()}() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  {_PAUSED}
  {body}
  RETURN NULL;
END $fn$;
"""


_ENTITY_DELETE = """
CREATE OR REPLACE FUNCTION archive_counts_entity_delete() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM archive_entitycount WHERE entity_id IN (SELECT id FROM old_rows);
  DELETE FROM archive_entitymonthcount WHERE entity_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END $fn$;
CREATE TRIGGER archive_counts_entity_delete AFTER DELETE ON archive_entity
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION archive_counts_entity_delete();
"""


def _triggers() -> str:
    sql = [_ENTITY_DELETE]
    makers = {
        "mention": _mention_function,
        "claim": _claim_function,
        "claimsubject": _claimsubject_function,
        "article": _article_function,
    }
    for table, make in makers.items():
        for op in ("INSERT", "UPDATE", "DELETE"):
            name = f"archive_counts_{table}_{op.lower()}"
            referencing = {
                "INSERT": "NEW TABLE AS new_rows",
                "UPDATE": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
                "DELETE": "OLD TABLE AS old_rows",
            }[op]
            sql.append(make(op))
            sql.append(
                f"CREATE TRIGGER {name} AFTER {op} ON archive_{table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
            )
    return "\n".join(sql)


TRIGGERS_SQL = _triggers()

DROP_TRIGGERS_SQL = "\n".join(
    f"DROP TRIGGER IF EXISTS archive_counts_{table}_{op} ON archive_{table}; "
    f"DROP FUNCTION IF EXISTS archive_counts_{table}_{op}();"
    for table in ("mention", "claim", "claimsubject", "article")
    for op in ("insert", "update", "delete")
) + (
    "DROP TRIGGER IF EXISTS archive_counts_entity_delete ON archive_entity; "
    "DROP FUNCTION IF EXISTS archive_counts_entity_delete();"
)

_VIS_M = "m.status <> 'rejected' AND NOT m.is_orphaned AND a.is_public"
_VIS_C = "c.status <> 'rejected' AND NOT c.is_orphaned AND a.is_public"

REBUILD_SQL = [
    # Writers' triggers wait (ROW EXCLUSIVE) until the rebuild commits; readers go on
    # reading the old rows meanwhile (DELETE, not TRUNCATE).
    "LOCK TABLE archive_entitycount, archive_entitymonthcount, archive_datecount "
    "IN SHARE ROW EXCLUSIVE MODE",
    "DELETE FROM archive_entitycount",
    "DELETE FROM archive_entitymonthcount",
    "DELETE FROM archive_datecount",
    f"""INSERT INTO archive_entitycount (entity_id, mentions, articles, claims)
    SELECT coalesce(m.entity_id, c.entity_id), coalesce(m.mentions, 0),
           coalesce(m.articles, 0), coalesce(c.n, 0)
    FROM (SELECT m.entity_id, count(*) AS mentions, count(DISTINCT m.article_id) AS articles
          FROM archive_mention m JOIN archive_article a ON a.id = m.article_id
          WHERE {_VIS_M} GROUP BY 1) m
    FULL JOIN (
      SELECT entity_id, count(*) AS n FROM (
        SELECT c.speaker_id AS entity_id FROM archive_claim c
          JOIN archive_article a ON a.id = c.article_id
          WHERE {_VIS_C} AND c.speaker_id IS NOT NULL
        UNION ALL
        SELECT cs.entity_id FROM archive_claimsubject cs
          JOIN archive_claim c ON c.id = cs.claim_id
          JOIN archive_article a ON a.id = c.article_id WHERE {_VIS_C}) x
      GROUP BY 1) c ON c.entity_id = m.entity_id""",
    f"""INSERT INTO archive_entitymonthcount (entity_id, month, mentions)
    SELECT m.entity_id, date_trunc('month', a.published)::date, count(*)
    FROM archive_mention m JOIN archive_article a ON a.id = m.article_id
    WHERE {_VIS_M} AND a.published IS NOT NULL GROUP BY 1, 2""",
    """INSERT INTO archive_datecount (published, precision, articles)
    SELECT published, published_precision, count(*) FROM archive_article
    WHERE is_public AND published IS NOT NULL GROUP BY 1, 2""",
    "ANALYZE archive_entitycount",
    "ANALYZE archive_entitymonthcount",
    "ANALYZE archive_datecount",
]


def rebuild_counts(*, using: str | None = None) -> None:
    """Recount everything from the archive, exactly, in one transaction (seconds at a
    million mentions): after a bulk load with the triggers paused, or to check them."""
    from django.db import connections

    conn = connections[using] if using else connection
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        for statement in REBUILD_SQL:
            cursor.execute(statement)


@contextmanager
def counts_paused(*, using: str | None = None):
    """Pause the count triggers for one transaction, then rebuild the counts once.

    For bulk loaders: the body runs in a transaction (joined if one is open) in which the
    triggers do nothing, and the counts are rebuilt before it commits. Other sessions'
    writes keep their triggers: the rebuild, which takes a lock that makes their triggers
    wait, counts what they committed before it, and their triggers add the rest.
    """
    from django.db import connections

    conn = connections[using] if using else connection
    with transaction.atomic(using=conn.alias):
        with conn.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [PAUSE_SETTING])
        yield
        with conn.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'off', true)", [PAUSE_SETTING])
        rebuild_counts(using=conn.alias)

"""Stored counts (EntityCount, EntityMonthCount, DateCount, ClaimDateCount): their triggers and
their rebuild.

Pages used to count a million mentions per request. The counts are now stored and kept exact
by PostgreSQL statement-level triggers with transition tables, so every write path follows
them: the ORM, QuerySet.update(), bulk_create, deletes, raw SQL and COPY. Each trigger
applies the statement's net change (rows in NEW TABLE minus rows in OLD TABLE), so its cost
grows with the rows written, not with the archive; an entity's count of articles is decided
per (entity, article) pair by looking at that pair's remaining mentions.

Only what a reader may see is counted: the SQL here is written from the rules the QuerySets
filter by (archive.models: SPAN_VISIBLE and ARTICLE_PUBLIC, rendered by `rule_sql`), so
mentions and claims that are not rejected, not orphaned, on public articles; articles that
are public.

`TRIGGERS_SQL` is the triggers as this module writes them now. Migration 0007_counts
installed them from its own frozen copy of that text (archive/migrations/frozen/), so that a
later edit here does not change what an old migration does; 0021_claim_date_counts installed
them again with the claims per date (frozen the same way). A change to the rules or to the
SQL here needs a new migration that installs the new text (frozen the same way): a test
(tests/test_counts.py) checks that the database runs what `TRIGGERS_SQL` says.

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

from archive.models import ARTICLE_PUBLIC, SPAN_VISIBLE, rule_sql

# The switch the triggers read; set with set_config(…, is_local=true), it ends with the
# transaction, so a crashed loader cannot leave the counts switched off.
PAUSE_SETTING = "archive.counts_paused"

_PAUSED = f"IF current_setting('{PAUSE_SETTING}', true) = 'on' THEN RETURN NULL; END IF;"


def _visible(alias: str = "") -> str:
    """A mention or claim row `alias` is visible, but for its article (SPAN_VISIBLE)."""
    return rule_sql(SPAN_VISIBLE, alias)


def _public(alias: str = "") -> str:
    """The article row `alias` is public (ARTICLE_PUBLIC), as one term of an expression."""
    sql = rule_sql(ARTICLE_PUBLIC, alias)
    return sql if len(ARTICLE_PUBLIC) == 1 else f"({sql})"


def _named(expr: str, name: str) -> str:
    """`expr` in a select list as a column `name` (a column of that name is already one)."""
    return expr if expr.rpartition(".")[2] == name else f"{expr} AS {name}"


def _signed(op: str, columns: str, where: str = "") -> str:
    """The rows the statement wrote (sign 1) and removed (sign -1), `where` they qualify."""
    rows = []
    if op in ("INSERT", "UPDATE"):
        rows.append(f"SELECT {columns}, 1 AS sign FROM new_rows{where}")
    if op in ("DELETE", "UPDATE"):
        rows.append(f"SELECT {columns}, -1 AS sign FROM old_rows{where}")
    return " UNION ALL ".join(rows)


def _net(op: str, columns: str) -> str:
    """The statement's net change of visible-flagged rows, grouped by `columns`."""
    union = _signed(op, columns, f" WHERE {_visible()}")
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


def _lock(net: str, ids_sql: str | None = None) -> str:
    """Lock the articles of the net change `net` (FOR SHARE), then the count rows of the
    entities `ids_sql` selects (by default, those of `net`)."""
    return f"""PERFORM 1 FROM archive_article WHERE id IN (SELECT article_id FROM ({net}) d)
    ORDER BY id FOR SHARE;
  {_lock_entities(ids_sql or f"SELECT entity_id FROM ({net}) d")}"""


# The entities' count rows take a `per_entity` CTE's changes; the month rows, a query's.
_ADD_MENTIONS = """UPDATE archive_entitycount c
    SET mentions = c.mentions + p.mentions, articles = c.articles + p.articles
    FROM per_entity p WHERE c.entity_id = p.entity_id;"""
_ADD_CLAIMS = """UPDATE archive_entitycount c SET claims = c.claims + p.n
    FROM per_entity p WHERE c.entity_id = p.entity_id;"""
_MONTHS_INSERT = "INSERT INTO archive_entitymonthcount (entity_id, month, mentions)"
_MONTHS_ON_CONFLICT = """ON CONFLICT (entity_id, month)
    DO UPDATE SET mentions = archive_entitymonthcount.mentions + excluded.mentions;"""
# The claims per date take a query's (date, claims) rows; the undated claims' row is date NULL
# (a unique constraint with NULLS NOT DISTINCT, so ON CONFLICT finds it too).
_CLAIM_DATES_INSERT = "INSERT INTO archive_claimdatecount (date, claims)"
_CLAIM_DATES_ON_CONFLICT = """ON CONFLICT (date)
    DO UPDATE SET claims = archive_claimdatecount.claims + excluded.claims;"""


def _function(table: str, op: str, body: str) -> str:
    """The trigger function of `op` on `table`: `body`, unless the counts are paused."""
    return f"""
CREATE OR REPLACE FUNCTION archive_counts_{table}_{op.lower()}() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  {_PAUSED}
  {body}
  RETURN NULL;
END $fn$;
"""


def _mention_function(op: str) -> str:
    net = _net(op, "entity_id, article_id")
    return _function(
        "mention",
        op,
        f"""{_lock(net)}
  WITH d AS ({net}),
  pairs AS (
    SELECT d.entity_id, d.article_id, d.sign AS change, a.published
    FROM d JOIN archive_article a ON a.id = d.article_id WHERE {_public("a")}),
  now AS (
    SELECT p.entity_id, p.change, (
      SELECT count(*) FROM archive_mention m
      WHERE m.entity_id = p.entity_id AND m.article_id = p.article_id
        AND {_visible("m")}) AS n
    FROM pairs p),
  per_entity AS (
    SELECT entity_id, sum(change) AS mentions,
           sum((n > 0)::int - ((n - change) > 0)::int) AS articles
    FROM now GROUP BY entity_id)
  {_ADD_MENTIONS}
  WITH d AS ({net})
  {_MONTHS_INSERT}
    SELECT d.entity_id, date_trunc('month', a.published)::date, sum(d.sign)
    FROM d JOIN archive_article a ON a.id = d.article_id
    WHERE {_public("a")} AND a.published IS NOT NULL
    GROUP BY 1, 2 HAVING sum(d.sign) <> 0 ORDER BY 1, 2
  {_MONTHS_ON_CONFLICT}""",
    )


def _claim_function(op: str) -> str:
    net = _net(op, "id, speaker_id, article_id")
    # The claims per date move with a claim's date as well as with its visibility: their net
    # change is of (date, article), and its articles are locked with the others.
    dates = _net(op, "date, article_id")
    articles = f"SELECT article_id FROM ({net}) n UNION SELECT article_id FROM ({dates}) m"
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
    return _function(
        "claim",
        op,
        f"""{_lock(articles, locked)}
  WITH d0 AS ({net}),
  d AS (SELECT d0.* FROM d0 JOIN archive_article a ON a.id = d0.article_id WHERE {_public("a")}),
  changes AS (
    SELECT speaker_id AS entity_id, sign FROM d WHERE speaker_id IS NOT NULL
    UNION ALL {subjects}),
  per_entity AS (SELECT entity_id, sum(sign) AS n FROM changes GROUP BY entity_id)
  {_ADD_CLAIMS}
  WITH d AS ({dates})
  {_CLAIM_DATES_INSERT}
    SELECT d.date, sum(d.sign) FROM d JOIN archive_article a ON a.id = d.article_id
    WHERE {_public("a")} GROUP BY 1 HAVING sum(d.sign) <> 0 ORDER BY 1
  {_CLAIM_DATES_ON_CONFLICT}""",
    )


def _claimsubject_function(op: str) -> str:
    net = (
        "SELECT x.entity_id, c.article_id, sum(x.sign)::int AS sign "
        f"FROM ({_signed(op, 'entity_id, claim_id')}) x JOIN archive_claim c ON c.id = x.claim_id "
        f"WHERE {_visible('c')} "
        "GROUP BY 1, 2 HAVING sum(x.sign) <> 0"
    )
    return _function(
        "claimsubject",
        op,
        f"""{_lock(net)}
  WITH d AS ({net}),
  per_entity AS (
    SELECT d.entity_id, sum(d.sign) AS n FROM d
    JOIN archive_article a ON a.id = d.article_id WHERE {_public("a")} GROUP BY 1)
  {_ADD_CLAIMS}""",
    )


def _article_function(op: str) -> str:
    dated = f" WHERE {_public()} AND published IS NOT NULL"
    body = f"""
  INSERT INTO archive_datecount (published, precision, articles)
    SELECT published, published_precision, sum(sign) FROM (
      {_signed(op, "published, published_precision", dated)}
    ) x GROUP BY 1, 2 HAVING sum(sign) <> 0 ORDER BY 1, 2
  ON CONFLICT (published, precision)
    DO UPDATE SET articles = archive_datecount.articles + excluded.articles;"""
    if op == "UPDATE":
        # Only an update moves mentions' and claims' counts (those of articles whose
        # visibility or month changed; the claims per date, of those whose visibility did):
        # a new article has no mentions yet, and one with mentions cannot be deleted (PROTECT).
        body += _article_moves()
    return _function("article", op, body)


def _article_moves() -> str:
    changed = f"""
    SELECT n.id, {_named(_public("o"), "was_public")}, {_named(_public("n"), "is_public")},
           date_trunc('month', o.published)::date AS old_month,
           date_trunc('month', n.published)::date AS new_month
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE {_public("n")} <> {_public("o")}
       OR ({_public("n")} AND date_trunc('month', n.published)
           IS DISTINCT FROM date_trunc('month', o.published))"""
    turned = (
        "SELECT id, is_public::int - was_public::int AS sign FROM ch WHERE is_public <> was_public"
    )
    affected = f"""WITH ch AS ({changed})
      SELECT m.entity_id FROM archive_mention m JOIN ch ON ch.id = m.article_id
      WHERE {_visible("m")}
      UNION SELECT c.speaker_id FROM archive_claim c JOIN ch ON ch.id = c.article_id
      WHERE {_visible("c")}
      UNION SELECT cs.entity_id FROM archive_claimsubject cs
      JOIN archive_claim c ON c.id = cs.claim_id JOIN ch ON ch.id = c.article_id
      WHERE {_visible("c")}"""
    return f"""
  {_lock_entities(affected)}
  WITH ch AS ({changed}), t AS ({turned}),
  m AS (
    SELECT m.entity_id, t.sign, count(*) AS n FROM archive_mention m JOIN t ON t.id = m.article_id
    WHERE {_visible("m")} GROUP BY m.entity_id, m.article_id, t.sign),
  per_entity AS (
    SELECT entity_id, sum(sign * n) AS mentions, sum(sign) AS articles FROM m GROUP BY 1)
  {_ADD_MENTIONS}
  WITH ch AS ({changed}), t AS ({turned}),
  v AS (
    SELECT c.id, c.speaker_id, t.sign FROM archive_claim c JOIN t ON t.id = c.article_id
    WHERE {_visible("c")}),
  changes AS (
    SELECT speaker_id AS entity_id, sign FROM v WHERE speaker_id IS NOT NULL
    UNION ALL
    SELECT cs.entity_id, v.sign FROM v JOIN archive_claimsubject cs ON cs.claim_id = v.id),
  per_entity AS (SELECT entity_id, sum(sign) AS n FROM changes GROUP BY 1)
  {_ADD_CLAIMS}
  WITH ch AS ({changed}), t AS ({turned})
  {_CLAIM_DATES_INSERT}
    SELECT c.date, sum(t.sign) FROM archive_claim c JOIN t ON t.id = c.article_id
    WHERE {_visible("c")} GROUP BY 1 HAVING sum(t.sign) <> 0 ORDER BY 1
  {_CLAIM_DATES_ON_CONFLICT}
  WITH ch AS ({changed}),
  moves AS (
    SELECT m.entity_id, ch.old_month AS month, -count(*) AS n
      FROM archive_mention m JOIN ch ON ch.id = m.article_id
      WHERE ch.was_public AND ch.old_month IS NOT NULL
        AND {_visible("m")} GROUP BY 1, 2
    UNION ALL
    SELECT m.entity_id, ch.new_month, count(*)
      FROM archive_mention m JOIN ch ON ch.id = m.article_id
      WHERE ch.is_public AND ch.new_month IS NOT NULL
        AND {_visible("m")} GROUP BY 1, 2)
  {_MONTHS_INSERT}
    SELECT entity_id, month, sum(n) FROM moves GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2
  {_MONTHS_ON_CONFLICT}"""


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

_MAKERS = {
    "mention": _mention_function,
    "claim": _claim_function,
    "claimsubject": _claimsubject_function,
    "article": _article_function,
}
_REFERENCING = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
    "DELETE": "OLD TABLE AS old_rows",
}


def _triggers() -> str:
    sql = [_ENTITY_DELETE]
    for table, make in _MAKERS.items():
        for op, referencing in _REFERENCING.items():
            name = f"archive_counts_{table}_{op.lower()}"
            sql.append(make(op))
            sql.append(
                f"CREATE TRIGGER {name} AFTER {op} ON archive_{table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
            )
    return "\n".join(sql)


# The triggers as the current rules write them. A migration that installs them again keeps
# its own copy of the text it ran (archive/migrations/frozen/), as 0007_counts does.
TRIGGERS_SQL = _triggers()

DROP_TRIGGERS_SQL = "\n".join(
    f"DROP TRIGGER IF EXISTS archive_counts_{table}_{op} ON archive_{table}; "
    f"DROP FUNCTION IF EXISTS archive_counts_{table}_{op}();"
    for table in _MAKERS
    for op in ("insert", "update", "delete")
) + (
    "DROP TRIGGER IF EXISTS archive_counts_entity_delete ON archive_entity; "
    "DROP FUNCTION IF EXISTS archive_counts_entity_delete();"
)

_VIS_M = f"{_visible('m')} AND {_public('a')}"
_VIS_C = f"{_visible('c')} AND {_public('a')}"

# The claims per date alone (migration 0021 ran its frozen copy to fill the new table).
REBUILD_CLAIM_DATES_SQL = [
    "LOCK TABLE archive_claimdatecount IN SHARE ROW EXCLUSIVE MODE",
    "DELETE FROM archive_claimdatecount",
    f"""{_CLAIM_DATES_INSERT}
    SELECT c.date, count(*) FROM archive_claim c JOIN archive_article a ON a.id = c.article_id
    WHERE {_VIS_C} GROUP BY 1""",
    "ANALYZE archive_claimdatecount",
]

REBUILD_SQL = [
    # Writers' triggers wait (ROW EXCLUSIVE) until the rebuild commits; readers go on
    # reading the old rows meanwhile (DELETE, not TRUNCATE).
    "LOCK TABLE archive_entitycount, archive_entitymonthcount, archive_datecount, "
    "archive_claimdatecount IN SHARE ROW EXCLUSIVE MODE",
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
    f"""{_MONTHS_INSERT}
    SELECT m.entity_id, date_trunc('month', a.published)::date, count(*)
    FROM archive_mention m JOIN archive_article a ON a.id = m.article_id
    WHERE {_VIS_M} AND a.published IS NOT NULL GROUP BY 1, 2""",
    f"""INSERT INTO archive_datecount (published, precision, articles)
    SELECT published, published_precision, count(*) FROM archive_article
    WHERE {_public()} AND published IS NOT NULL GROUP BY 1, 2""",
    "ANALYZE archive_entitycount",
    "ANALYZE archive_entitymonthcount",
    "ANALYZE archive_datecount",
    *REBUILD_CLAIM_DATES_SQL[1:],  # its own lock is the one above
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

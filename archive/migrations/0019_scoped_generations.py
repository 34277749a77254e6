"""Scoped generations: a write moves the generations of what it changes (an article's page,
an entity's, the lists...), not the one archive generation of everything.

archive_generation_scope holds one row per scope that was ever moved (a scope without a row
is at 0); archive_generation_pending is the queue the statement triggers insert into (never
a wait between writers), flushed at commit by a deferred constraint trigger that moves the
queued scopes in one sorted statement. The one-row archive_generation stays as the `global`
scope: every page reads it; what cannot be scoped moves it (merges, renames, outlets, a
truncate, a statement of a thousand rows), and so do bulk loaders after a load with the
triggers off. Its statement triggers of 0009 (one UPDATE of that row per statement, on which
every writer queued) are dropped.

The trigger SQL is the text archive.web.scopes wrote when this migration was made, frozen
(frozen/generations_0019.py); see archive/web/scopes.py.
"""

from django.db import migrations

from archive.migrations.frozen.generations_0019 import DROP_TRIGGERS_SQL, TRIGGERS_SQL

# The tables 0009_generation put its statement trigger on.
TABLES_0009 = [
    "archive_source",
    "archive_story",
    "archive_article",
    "archive_entity",
    "archive_alias",
    "archive_mention",
    "archive_claim",
    "archive_claimsubject",
    "archive_entitymerge",
]

DROP_0009 = "".join(f"DROP TRIGGER IF EXISTS {t}_generation ON {t};\n" for t in TABLES_0009) + (
    "DROP FUNCTION IF EXISTS archive_generation_bump();\n"
)

RESTORE_0009 = """
CREATE FUNCTION archive_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE archive_generation SET value = nextval('archive_generation_seq') WHERE id = 1;
    RETURN NULL;
END
$$;
""" + "".join(
    f"""
CREATE TRIGGER {table}_generation
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION archive_generation_bump();
"""
    for table in TABLES_0009
)

CREATE_TABLES = """
CREATE TABLE archive_generation_scope (
    scope text PRIMARY KEY,
    value bigint NOT NULL
);
CREATE TABLE archive_generation_pending (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xact bigint NOT NULL,
    scope text NOT NULL
);
CREATE INDEX archive_generation_pending_xact ON archive_generation_pending (xact, scope);
"""

DROP_TABLES = """
DROP TABLE IF EXISTS archive_generation_pending;
DROP TABLE IF EXISTS archive_generation_scope;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0018_collecting"),
    ]

    operations = [
        migrations.RunSQL(DROP_0009, RESTORE_0009),
        migrations.RunSQL(CREATE_TABLES, DROP_TABLES),
        migrations.RunSQL(TRIGGERS_SQL, DROP_TRIGGERS_SQL),
    ]

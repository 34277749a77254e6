"""The archive generation: one row that every write to the archive's tables moves on.

Statement-level triggers (one bump per INSERT, UPDATE, DELETE or TRUNCATE statement, however
many rows it touches) catch every path: the admin, QuerySet.update(), the annotator, the
importer and raw SQL alike. Cached pages and ETags carry the generation (archive/web/caching.py),
so an edit makes every older entry unused at once.

The value comes from a sequence, which never hands out a number twice, even when the
transaction that took it rolls back: a generation that another transaction once saw
uncommitted (or a test that was rolled back) is never reused for other data. Updating the
row, not just calling nextval(), makes the new number visible exactly when the data is
(at commit), on the primary and on replicas alike.
"""

from django.db import migrations

TABLES = [
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

CREATE = """
CREATE SEQUENCE archive_generation_seq;
CREATE TABLE archive_generation (
    id smallint PRIMARY KEY CHECK (id = 1),
    value bigint NOT NULL
);
INSERT INTO archive_generation (id, value) VALUES (1, nextval('archive_generation_seq'));
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
    for table in TABLES
)

DROP = "".join(f"DROP TRIGGER IF EXISTS {table}_generation ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION IF EXISTS archive_generation_bump();\n"
    "DROP TABLE IF EXISTS archive_generation;\n"
    "DROP SEQUENCE IF EXISTS archive_generation_seq;\n"
)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0008_listing_indexes"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]

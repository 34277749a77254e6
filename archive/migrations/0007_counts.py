"""Stored counts kept exact by statement triggers (archive.services.counts), backfilled.

The SQL is the text this migration ran when it was made, frozen (frozen/counts_0007.py), not
the live module's: a later change of the triggers is installed by a migration of its own."""

import django.db.models.deletion
from django.db import migrations, models

from archive.migrations.frozen.counts_0007 import DROP_TRIGGERS_SQL, REBUILD_SQL, TRIGGERS_SQL


def backfill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in REBUILD_SQL:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("archive", "0006_entity_redirect")]

    operations = [
        migrations.CreateModel(
            name="DateCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("published", models.DateField()),
                (
                    "precision",
                    models.CharField(
                        choices=[("year", "Year"), ("month", "Month"), ("day", "Day")], max_length=5
                    ),
                ),
                ("articles", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("published", "precision"), name="datecount_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="EntityCount",
            fields=[
                (
                    "entity",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="counts",
                        serialize=False,
                        to="archive.entity",
                    ),
                ),
                ("mentions", models.IntegerField(default=0)),
                ("articles", models.IntegerField(default=0)),
                ("claims", models.IntegerField(default=0)),
            ],
            options={
                "indexes": [models.Index(fields=["-mentions"], name="entitycount_mentions_idx")],
            },
        ),
        migrations.CreateModel(
            name="EntityMonthCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(help_text="The first day of the month.")),
                ("mentions", models.IntegerField(default=0)),
                (
                    "entity",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="month_counts",
                        to="archive.entity",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("entity", "month"), name="entitymonthcount_unique"
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                models.OrderBy(models.F("date"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="claim_newest_first_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("is_public", True)),
                fields=["published", "published_precision", "id"],
                name="article_date_archive_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="entity",
            index=models.Index(fields=["name", "id"], name="entity_name_id_idx"),
        ),
        migrations.RunSQL(TRIGGERS_SQL, DROP_TRIGGERS_SQL),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

"""Visible claims per claim date (ClaimDateCount), kept exact by the count triggers and
filled once from the claims: the claims list's deep pages are found through them, as the
article list's are through DateCount.

The triggers of 0007_counts are dropped and installed again as archive.services.counts
wrote them when this migration was made, frozen (frozen/counts_0021.py); going back
installs 0007's again."""

from django.db import migrations, models

from archive.migrations.frozen import counts_0007, counts_0021


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in counts_0021.REBUILD_CLAIM_DATES_SQL:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0020_collecting_permissions"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimDateCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(null=True)),
                ("claims", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("date",), name="claimdatecount_unique", nulls_distinct=False
                    )
                ],
            },
        ),
        migrations.RunSQL(
            counts_0007.DROP_TRIGGERS_SQL + counts_0021.TRIGGERS_SQL,
            counts_0007.DROP_TRIGGERS_SQL + counts_0007.TRIGGERS_SQL,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

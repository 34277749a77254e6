"""Alias.variant_key: phrase_key(name), one key for every spelling and script of a name,
stored and indexed so name look-ups (archive.names) find Gadhafi from Gaddafi in one query.
Existing rows are filled here, in batches (the historical table keeps its past rows' "").

The key is computed by the phrase_key this migration ran when it was made, frozen
(frozen/variant_key_0010.py), not the live archive.text.variants: a later change of the key
is stored again by a migration of its own."""

from django.db import migrations, models

from archive.migrations.frozen.variant_key_0010 import phrase_key

BATCH = 2000


def fill_variant_keys(apps, schema_editor):
    Alias = apps.get_model("archive", "Alias")
    db = schema_editor.connection.alias
    batch = []
    for alias in Alias.objects.using(db).only("pk", "name").iterator(chunk_size=BATCH):
        alias.variant_key = phrase_key(alias.name)[:300]
        batch.append(alias)
        if len(batch) >= BATCH:
            Alias.objects.using(db).bulk_update(batch, ["variant_key"])
            batch = []
    if batch:
        Alias.objects.using(db).bulk_update(batch, ["variant_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0009_generation"),
    ]

    operations = [
        migrations.AddField(
            model_name="alias",
            name="variant_key",
            field=models.CharField(
                db_default="",
                db_index=True,
                default="",
                editable=False,
                help_text="phrase_key(name): one key for every spelling and script of the name "
                "(Gadhafi, Qaddafi, القذافي), for name look-ups.",
                max_length=300,
            ),
        ),
        migrations.AddField(
            model_name="historicalalias",
            name="variant_key",
            field=models.CharField(
                db_default="",
                db_index=True,
                default="",
                editable=False,
                help_text="phrase_key(name): one key for every spelling and script of the name "
                "(Gadhafi, Qaddafi, القذافي), for name look-ups.",
                max_length=300,
            ),
        ),
        migrations.RunPython(fill_variant_keys, migrations.RunPython.noop, elidable=True),
    ]

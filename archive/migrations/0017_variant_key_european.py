"""Alias.variant_key again: phrase_key now also unifies how French, Italian and German write
Arabic names (Burhane/Burhan, Hemetti/Hemedti, Égypte/Egypt, Dschidda/Jeddah), so every
stored key is computed anew, in batches, and only changed rows are written.

The key is the phrase_key this migration ran when it was made, frozen
(frozen/variant_key_0017.py), not the live archive.text.variants: a later change of the key
is stored again by a migration of its own. Going back leaves the new keys, which the old
code reads as a finer bucket only for the names these rules touch."""

from django.db import migrations

from archive.migrations.frozen.variant_key_0017 import phrase_key

BATCH = 2000


def recompute_variant_keys(apps, schema_editor):
    Alias = apps.get_model("archive", "Alias")
    db = schema_editor.connection.alias
    batch = []
    rows = Alias.objects.using(db).only("pk", "name", "variant_key").iterator(chunk_size=BATCH)
    for alias in rows:
        key = phrase_key(alias.name)[:300]
        if key == alias.variant_key:
            continue
        alias.variant_key = key
        batch.append(alias)
        if len(batch) >= BATCH:
            Alias.objects.using(db).bulk_update(batch, ["variant_key"])
            batch = []
    if batch:
        Alias.objects.using(db).bulk_update(batch, ["variant_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0016_name_proposals"),
    ]

    operations = [
        migrations.RunPython(recompute_variant_keys, migrations.RunPython.noop, elidable=True),
    ]

"""Alias.origin: where an alias row comes from. Existing rows were typed (or imported) by hand:
"analyst". Each existing entity gets its own names (name in English, name_ar in Arabic) as
"own" rows, unless a row with that name and language is there already.

The rule and the keys are copied as they were when this migration was made (the frozen
phrase_key of 0010 is still the live one): a later change of them is a migration of its own."""

from django.db import migrations, models

from archive.migrations.frozen.variant_key_0010 import normalize, phrase_key

BATCH = 2000


def own_names(entity):
    names = [(entity.name.strip(), "en"), (entity.name_ar.strip(), "ar")]
    return [(name, language) for name, language in names if name]


def add_own_names(apps, schema_editor):
    Entity = apps.get_model("archive", "Entity")
    Alias = apps.get_model("archive", "Alias")
    db = schema_editor.connection.alias
    existing = set(Alias.objects.using(db).values_list("entity_id", "name", "language"))
    batch = []
    entities = Entity.objects.using(db).only("pk", "name", "name_ar")
    for entity in entities.iterator(chunk_size=BATCH):
        for name, language in own_names(entity):
            if (entity.pk, name, language) in existing:
                continue
            batch.append(
                Alias(
                    entity_id=entity.pk,
                    name=name,
                    language=language,
                    normalized=normalize(name),
                    variant_key=phrase_key(name)[:300],
                    origin="own",
                )
            )
        if len(batch) >= BATCH:
            Alias.objects.using(db).bulk_create(batch)
            batch = []
    if batch:
        Alias.objects.using(db).bulk_create(batch)


def remove_own_names(apps, schema_editor):
    Alias = apps.get_model("archive", "Alias")
    Alias.objects.using(schema_editor.connection.alias).filter(origin="own").delete()


ORIGIN = models.CharField(
    choices=[
        ("own", "the entity's own name"),
        ("analyst", "typed by an analyst"),
        ("learned", "accepted from a proposal"),
        ("wikidata", "from Wikidata"),
        ("country", "from a country-name list"),
    ],
    db_default="analyst",
    default="analyst",
    help_text="Own rows follow the entity's name and Arabic name; the others stay as made.",
    max_length=12,
)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0014_claim_speaker_newest_index"),
    ]

    operations = [
        migrations.AddField(model_name="alias", name="origin", field=ORIGIN),
        migrations.AddField(model_name="historicalalias", name="origin", field=ORIGIN.clone()),
        migrations.RunPython(add_own_names, remove_own_names, elidable=True),
    ]

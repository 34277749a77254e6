"""`import_aliases FILE`: names in every language from Wikidata entity JSON.

Reads `Special:EntityData/Q….json` or the JSON dump (archive/ingest/wikidata.py) and adds every
label and alias of the entities whose Wikidata id the archive holds (`Entity.wikidata_id`)
as their aliases (origin "wikidata"), with the language tag Wikidata gives (fr, it, arz,
zh-hans …). A name already there is left alone, so running it twice adds nothing. One
transaction: a file that is not entity JSON writes nothing. `fetch_aliases` writes what it
fetches online with the same `add_wikidata_names`.
"""

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from archive.ingest.wikidata import WikidataError, names, read_entities
from archive.models import Alias, AliasOrigin, Entity
from archive.services.entities import entity_names_sync
from archive.services.suggestions import create_with_history
from archive.text.normalize import normalize
from archive.text.variants import phrase_key

REASON = "imported from Wikidata"


def add_wikidata_names(entities: Iterable[dict], by_qid: dict[str, int]) -> str:
    """Every label and alias of `entities` (Wikidata entity objects) whose id is a key of
    `by_qid` (upper-case Q-id → Entity pk) becomes an alias of origin "wikidata" of that
    entity, in one transaction after all are read (a WikidataError raised while reading
    writes nothing). Returns the report line."""
    have = set(
        Alias.objects.filter(entity_id__in=by_qid.values()).values_list(
            "entity_id", "name", "language"
        )
    )
    new: list[Alias] = []
    languages: Counter = Counter()
    seen = unknown = skipped = present = 0
    for entity in tqdm(entities, desc="entities", unit=" entities", disable=None):
        seen += 1
        pk = by_qid.get(entity["id"].upper())
        if pk is None:
            unknown += 1
            continue
        found, left_out = names(entity)
        skipped += left_out
        for name, language in found:
            if (pk, name, language) in have:
                present += 1
                continue
            have.add((pk, name, language))
            alias = Alias(entity_id=pk, name=name, language=language, origin=AliasOrigin.WIKIDATA)
            # What the pre_save receiver fills, for a COPY that skips save().
            alias.normalized = normalize(name)
            alias.variant_key = phrase_key(name)[:300]
            new.append(alias)
            languages[language] += 1
    with transaction.atomic():
        create_with_history(new, Alias, reason=REASON)
        # The entities' own names beside Wikidata's (a label equal to one is not twinned).
        for entity in Entity.objects.filter(pk__in=by_qid.values()):
            entity_names_sync(entity=entity)
    entities_named = len({a.entity_id for a in new})
    return (
        f"{len(new)} names added to {entities_named} entities"
        f" ({', '.join(f'{lang} {n}' for lang, n in languages.most_common()) or 'none'});"
        f" {present} already there; {seen} entities read, {unknown} not in the archive;"
        f" {skipped} names left out (no valid language tag, empty or too long)."
    )


class Command(BaseCommand):
    help = "Add the labels and aliases of Wikidata entity JSON to the matching entities."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Special:EntityData JSON or a dump")

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        by_qid = {
            qid.upper(): pk
            for pk, qid in Entity.objects.exclude(wikidata_id="").values_list("pk", "wikidata_id")
        }
        try:
            report = add_wikidata_names(read_entities(file), by_qid)
        except WikidataError as error:
            raise CommandError(f"{file}: {error}; nothing written.") from error
        self.stdout.write(report)

"""`fetch_aliases [--entity SLUG …]`: names in every language fetched from Wikidata.

For each entity with a Wikidata id (or those named), fetches its entity JSON from
ARCHIVE_WIKIDATA_ENTITY_URL ("{id}" replaced by the Q-id; empty, the default: the archive
never goes online and the command refuses), with ARCHIVE_WIKIDATA_TIMEOUT_SECONDS and
ARCHIVE_WIKIDATA_MAX_BYTES, and writes its labels and aliases as import_aliases does (origin
"wikidata"; a name already there is left alone). All are fetched before anything is written:
one that cannot be fetched or read (HTTP error, no answer in time, too large, not entity JSON)
writes nothing. A command rather than a step of saving an entity: a save should not wait on
another server. `import_aliases FILE` reads offline dumps.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.ingest.wikidata import WikidataError, fetch_entity
from archive.management.commands.import_aliases import add_wikidata_names
from archive.models import Entity


class Command(BaseCommand):
    help = "Fetch the Wikidata labels and aliases of entities with a Wikidata id."

    def add_arguments(self, parser):
        parser.add_argument(
            "--entity",
            action="append",
            default=[],
            metavar="SLUG",
            help="only this entity (repeatable); default: every entity with a Wikidata id",
        )

    def handle(self, *args, entity: list[str], **options):
        pattern = settings.ARCHIVE_WIKIDATA_ENTITY_URL
        if not pattern:
            raise CommandError(
                "ARCHIVE_WIKIDATA_ENTITY_URL is empty: fetching from Wikidata is off "
                "(import_aliases FILE reads a downloaded file)."
            )
        if "{id}" not in pattern:
            raise CommandError('ARCHIVE_WIKIDATA_ENTITY_URL must contain "{id}".')
        entities = Entity.objects.exclude(wikidata_id="").order_by("slug")
        if entity:
            found = dict(Entity.objects.filter(slug__in=entity).values_list("slug", "wikidata_id"))
            for slug in entity:
                if slug not in found:
                    raise CommandError(f"No entity {slug!r}.")
                if not found[slug]:
                    raise CommandError(f"{slug}: no Wikidata id.")
            entities = entities.filter(slug__in=entity)
        by_qid: dict[str, int] = {}
        fetched, errors = [], []
        for pk, slug, qid in entities.values_list("pk", "slug", "wikidata_id"):
            qid = qid.strip().upper()
            by_qid[qid] = pk
            try:
                fetched.append(
                    fetch_entity(
                        pattern,
                        qid,
                        timeout=settings.ARCHIVE_WIKIDATA_TIMEOUT_SECONDS,
                        max_bytes=settings.ARCHIVE_WIKIDATA_MAX_BYTES,
                    )
                )
            except WikidataError as error:
                errors.append(f"{slug} ({qid}): {error}")
        if errors:
            for line in errors:
                self.stderr.write(line)
            raise CommandError(
                f"{len(errors)} of {len(by_qid)} entities could not be fetched; nothing written."
            )
        self.stdout.write(add_wikidata_names(fetched, by_qid))

"""`import_articles PATH [PATH …]`: import the texts manifest.toml files list (docs/manifest.md)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive.ingest.importing import import_manifests

PROGRESS_FROM = 50  # files; below this a bar is noise unless stderr is a terminal


class Command(BaseCommand):
    help = (
        "Import articles from a folder holding manifest.toml, or from a manifest file. "
        "One run is one transaction: any problem aborts it and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Replace the text of existing articles whose text differs (kept in history); "
            "their mentions and claims are re-anchored, or flagged as orphaned.",
        )
        parser.add_argument(
            "--hidden",
            action="store_true",
            help="Import every entry as not public (embargoed: shown only in the admin), "
            "whatever the manifest says.",
        )

    def handle(self, *args, paths, update, hidden, **options):
        def progress(entries):
            show = len(entries) >= PROGRESS_FROM or sys.stderr.isatty()
            return tqdm(entries, desc="import", unit="file", file=sys.stderr, disable=not show)

        result = import_manifests(
            paths, update=update, hidden=hidden, progress=progress, waiting=self.stderr.write
        )
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(result.problems)} problem(s): nothing was imported.", returncode=1
            )
        if result.unchanged and options["verbosity"] >= 1:
            for slug in result.unchanged:
                self.stdout.write(f"{slug}: unchanged (same text already in the archive)")
        for line in result.orphaned:
            self.stdout.write(f"orphaned: {line}")
        self.stdout.write(result.summary())

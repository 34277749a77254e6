"""Recount the stored counts (entities, months, dates) from the archive, exactly."""

import time

from django.core.management.base import BaseCommand

from archive.services.counts import rebuild_counts


class Command(BaseCommand):
    help = "Rebuild the stored counts from the archive (after a bulk load with them paused)."

    def handle(self, *args, **options):
        started = time.monotonic()
        self.stdout.write("Rebuilding the stored counts…")
        rebuild_counts()
        self.stdout.write(f"Counts rebuilt in {time.monotonic() - started:.1f} s.")

"""`backup`: a timestamped pg_dump (custom format) of the archive database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.services.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a timestamped pg_dump (custom format) of the archive into backups/."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=settings.BASE_DIR / "backups")

    def handle(self, *args, output, **options):
        try:
            path = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written: {path} ({path.stat().st_size:,} bytes)")

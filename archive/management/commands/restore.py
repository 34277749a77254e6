"""`restore FILE`: bring a `backup` dump back into an empty database, in one transaction."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.services.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a dump made by `backup` into an empty database (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(f"{file}: {error}") from error
        self.stdout.write(f"Restored {file}. Check it with: manage.py verify_fixity")

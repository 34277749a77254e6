"""Load fixtures/*.json, but only into an empty archive (so `make run` is safe to repeat)."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from archive.models import Article, Entity, Source
from archive.services.entities import entity_names_sync


class Command(BaseCommand):
    help = "Load the fixtures when the archive is empty; otherwise do nothing."

    def handle(self, *args, **options):
        if Article.objects.exists() or Entity.objects.exists() or Source.objects.exists():
            self.stdout.write("The archive already has data: fixtures not loaded.")
            return
        fixtures = sorted(str(p) for p in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
        if not fixtures:
            self.stdout.write("No fixtures found in fixtures/.")
            return
        call_command("loaddata", *fixtures, verbosity=options["verbosity"])
        # Each entity's own names as alias rows, once every file is in: loaddata itself stays
        # a faithful restore of the rows a file holds (a dump has its own rows already).
        for entity in Entity.objects.all():
            entity_names_sync(entity=entity)

"""`suggest_mentions [SLUG …]`: (re)run the entity matcher; new spans become suggestions."""

from django.core.management.base import BaseCommand, CommandError

from archive.models import Article
from archive.services.suggestions import suggest_mentions


class Command(BaseCommand):
    help = "Suggest mentions for the given articles (all articles when no slug is given)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG")

    def handle(self, *args, slugs, **options):
        articles = Article.objects.order_by("pk")
        if slugs:
            articles = articles.filter(slug__in=slugs)
            found = set(articles.values_list("slug", flat=True))
            missing = [s for s in slugs if s not in found]
            if missing:
                for slug in missing:
                    self.stderr.write(f"{slug}: no such article")
                raise CommandError("unknown slug(s): nothing done.", returncode=1)
        created = suggest_mentions(articles)
        self.stdout.write(f"{created} mentions suggested")

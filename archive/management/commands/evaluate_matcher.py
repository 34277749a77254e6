"""`evaluate_matcher`: the matcher's precision and recall against curated mentions.

Gold = the confirmed mentions; predicted = what the matcher finds in the same articles,
computed in memory (nothing is written). Run it on a database loaded with the fixtures.
"""

from django.core.management.base import BaseCommand, CommandError

from archive.models import Article, Mention, Status
from archive.suggest import build_matcher
from archive.text.matcher import evaluate


class Command(BaseCommand):
    help = "Print the entity matcher's precision/recall against the confirmed mentions."

    def add_arguments(self, parser):
        parser.add_argument("--show", action="store_true", help="List misses and extras.")

    def handle(self, *args, show, **options):
        gold = set(
            Mention.objects.filter(status=Status.CONFIRMED, is_orphaned=False).values_list(
                "article_id", "entity_id", "start", "end"
            )
        )
        if not gold:
            raise CommandError("No confirmed mentions: load the fixtures first.", returncode=1)
        article_ids = {g[0] for g in gold}
        matcher = build_matcher()
        predicted = set()
        bodies = {}
        for article in Article.objects.filter(pk__in=article_ids).only("id", "slug", "body"):
            bodies[article.pk] = (article.slug, article.body)
            for m in matcher.find(article.body):
                predicted.add((article.pk, m.entity_id, m.start, m.end))
        scores = evaluate(predicted, gold)
        self.stdout.write(
            f"{len(article_ids)} articles, {len(gold)} curated mentions, "
            f"{len(predicted)} predicted: precision {scores['precision']:.3f}, "
            f"recall {scores['recall']:.3f}, F1 {scores['f1']:.3f} "
            f"(tp {scores['tp']}, fp {scores['fp']}, fn {scores['fn']})"
        )
        if show:
            from archive.models import Entity

            names = dict(Entity.objects.values_list("pk", "slug"))
            for label, rows in (("missed", gold - predicted), ("extra", predicted - gold)):
                for art, ent, s, e in sorted(rows):
                    slug, body = bodies[art]
                    self.stdout.write(f"{label}: {slug} {s}-{e} {body[s:e]!r} → {names[ent]}")

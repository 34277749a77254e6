"""`learn_names [--language xx]`: read every article's definitions ("Rapid Support Forces
(RSF)") and propose the names they teach, then suggest mentions with the open proposals."""

from django.core.management.base import BaseCommand

from archive.models import Article
from archive.services.names import names_learn
from archive.services.suggestions import suggest_from_proposals

PROGRESS_EVERY = 1000


class Command(BaseCommand):
    help = (
        "Propose names learned from the definitions in every article (for an analyst to "
        "accept or reject in the admin) and suggest mentions with them, marked."
    )

    def add_arguments(self, parser):
        parser.add_argument("--language", help="Only articles in this language.")
        parser.add_argument(
            "--no-suggest", action="store_true", help="Propose only; suggest no mention."
        )

    def handle(self, *args, language=None, no_suggest=False, verbosity=1, **options):
        articles = Article.objects.order_by("pk")
        if language:
            articles = articles.filter(language=language)

        def streamed():
            # Bodies one chunk at a time; a line on stderr now and then.
            rows = articles.only("id", "body", "language").iterator(chunk_size=500)
            for n, article in enumerate(rows, start=1):
                yield article
                if verbosity and n % PROGRESS_EVERY == 0:
                    self.stderr.write(f"{n} articles read")

        # Counts are set to what this run finds: running it again adds nothing.
        result = names_learn(articles=streamed(), recount=True, suggest=False)
        suggested = 0 if no_suggest else suggest_from_proposals(articles)
        self.stdout.write(
            f"{result.definitions} definitions read; {result.proposed} names proposed, "
            f"{result.updated} seen again; {suggested} mentions suggested with proposed names"
        )

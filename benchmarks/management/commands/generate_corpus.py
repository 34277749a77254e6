"""Fill the archive with a deterministic synthetic corpus, or remove it (benchmarks/corpus/)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from benchmarks.corpus import clear_generated, generated_exists, vacuum_bulk_tables, write_corpus
from benchmarks.corpus.writer import drop_stage


class Command(BaseCommand):
    help = (
        "Generate N synthetic articles (English and Arabic, translation pairs, stories, "
        "entities, mentions, claims), the same for the same seed. Generated rows are "
        "marked (slugs start with gen-) and --clear removes exactly them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=0, help="How many articles.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same corpus.")
        parser.add_argument(
            "--clear", action="store_true", help="Delete the generated rows first (or only)."
        )
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, articles, seed, clear, batch_size, **options):
        if articles < 0 or batch_size < 1:
            raise CommandError("--articles must be 0 or more and --batch-size at least 1.")
        if not articles and not clear:
            raise CommandError("Give --articles N, or --clear to remove the generated corpus.")
        quiet = options["verbosity"] == 0
        try:
            stats = self._run(articles, seed, clear, batch_size, quiet)
        finally:
            # A bulk load's articles go through a staging table its own connections fill
            # and commit, swapped in inside the run's transaction; a failed run leaves it.
            if not connection.in_atomic_block:
                drop_stage(connection)
        if stats is not None and not quiet:
            self.stdout.write(
                f"{stats.articles:,} articles, {stats.mentions:,} mentions, "
                f"{stats.claims:,} claims in {stats.seconds:.1f} s "
                f"({stats.rate:,.0f} articles/s)"
            )
            if options["verbosity"] > 1:
                phases = ", ".join(f"{k} {v:.1f} s" for k, v in stats.phases.items())
                self.stdout.write(f"Steps: {phases}.")
        if not connection.in_atomic_block:  # VACUUM cannot run in a transaction (tests)
            t0 = time.perf_counter()
            vacuum_bulk_tables(connection)
            if not quiet:
                self.stdout.write(
                    f"Vacuumed the tables it wrote in {time.perf_counter() - t0:.1f} s."
                )

    def _run(self, articles, seed, clear, batch_size, quiet):
        # One transaction for the whole run: a failure leaves the archive as it was.
        with transaction.atomic(), connection.cursor() as cursor:
            pg = cursor.connection  # the raw psycopg 3 connection
            if clear:
                counts = clear_generated(pg.cursor())
                if not quiet:
                    done = ", ".join(f"{v:,} {k}" for k, v in counts.items())
                    self.stdout.write(f"Cleared the generated corpus: {done}.")
            elif generated_exists(pg.cursor()):
                raise CommandError(
                    "The archive already holds a generated corpus: add --clear to replace it."
                )
            if not articles:
                return None
            with tqdm(total=articles, unit="article", disable=quiet) as bar:
                return write_corpus(pg, articles, seed, batch_size, progress=bar.update)

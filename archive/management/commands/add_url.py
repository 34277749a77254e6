"""`add_url URL [URL …]`: fetch, extract and import one article per address (docs/pages.md).

One line per address: `new: slug`, `updated: slug`, `already in the archive: slug`, or
`URL: what is wrong` on stderr; the exit status is 1 when any address failed. Each address
is its own import (one page failing leaves the others in).
"""

from django.core.management.base import BaseCommand, CommandError

from archive.ingest.pages import collect
from archive.models import Source


class Command(BaseCommand):
    help = (
        "Fetch each address, extract its article and import it through the importer's checks "
        "(held for review unless its outlet publishes collected articles, or --public)."
    )

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="+", metavar="URL")
        parser.add_argument(
            "--source",
            metavar="SLUG",
            help="The outlet the articles come from (else the outlet whose address has the "
            "page's host, made when none has).",
        )
        parser.add_argument(
            "--public",
            action="store_true",
            help="Make new articles public at once, whatever their outlet's setting.",
        )

    def handle(self, *args, urls, source, public, **options):
        outlet = None
        if source:
            outlet = Source.objects.filter(slug=source).first()
            if outlet is None:
                raise CommandError(f"--source: no outlet with the slug {source!r}", returncode=1)
        failed = 0
        for url in urls:
            try:
                done = collect(url, source=outlet, public=True if public else None, refetch=True)
            except ValueError as exc:
                self.stderr.write(f"{url}: {exc}")
                failed += 1
                continue
            if done.outcome == "failed":
                self.stderr.write(done.line())
                failed += 1
            else:
                self.stdout.write(done.line())
        if failed:
            raise CommandError(f"{failed} of {len(urls)} address(es) failed.", returncode=1)

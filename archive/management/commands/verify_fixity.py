"""`verify_fixity`: report every article whose stored body no longer matches its sha256."""

from django.core.management.base import BaseCommand, CommandError

from archive.models import Article


class Command(BaseCommand):
    help = "Check each article's body against the SHA-256 stored when it was imported."

    def handle(self, *args, **options):
        checked = failed = unhashed = 0
        rows = Article.objects.values_list("slug", "body", "sha256").iterator(chunk_size=500)
        for slug, body, sha256 in rows:
            checked += 1
            if not sha256:
                unhashed += 1
                continue
            if Article.text_sha256(body) != sha256:
                failed += 1
                self.stderr.write(f"{slug}: body does not match its stored sha256 {sha256}")
        self.stdout.write(
            f"{checked} articles checked: {checked - failed - unhashed} intact, "
            f"{failed} altered, {unhashed} without a stored sha256"
        )
        if failed:
            raise CommandError(f"{failed} article(s) failed the fixity check.", returncode=1)

"""`unknown_names [--language xx] [--limit N] [--json]`: the names that recur in the public
articles and that no entity has, their spellings grouped, most useful first."""

import json

from django.core.management.base import BaseCommand, CommandError

from archive.services.names import unknown_names


class Command(BaseCommand):
    help = (
        "List the names that recur in the public articles and belong to no entity (no alias, "
        "own name or spelling of one), grouped across spellings and scripts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--language", help="Only articles in this language (en, ar, ...).")
        parser.add_argument("--limit", type=int, default=50, help="At most N names (default 50).")
        parser.add_argument(
            "--json",
            action="store_true",
            help="A JSON list of {name, language, count, articles, spellings, article_count}.",
        )

    def handle(self, *args, language=None, limit=50, json=False, **options):
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        rows = unknown_names(language=language, limit=limit)
        if json:
            self.stdout.write(_dumps([row.as_dict() for row in rows]))
            return
        if not rows:
            self.stdout.write("No unknown name recurs in the public articles.")
            return
        width = min(40, max(len(row.name) for row in rows))
        self.stdout.write(f"{'name':<{width}}  lang  times  articles  spellings")
        for row in rows:
            spellings = ", ".join(row.spellings[1:6]) + (" ..." if len(row.spellings) > 6 else "")
            self.stdout.write(
                f"{row.name[:width]:<{width}}  {row.language:<4}  {row.count:>5}  "
                f"{row.article_count:>8}  {spellings}"
            )


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)

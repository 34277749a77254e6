"""`manage.py group_stories [--json]`: propose copies, translations and coverage over the
whole archive (archive.services.grouping); idempotent. With --json, print the open
proposals as a JSON array (the interface in ../shared/DESIGN.md: kind, articles, score)."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from archive.models import Article, LinkKind
from archive.reads.pagination import planner_estimate
from archive.services import grouping


def proposal_json(proposal) -> dict:
    """One open proposal as other tools read it: for a translation, the original first."""
    return {
        "kind": proposal.kind,
        "articles": [proposal.first.slug, proposal.second.slug],
        "score": proposal.score,
        "evidence": proposal.evidence,
    }


class Command(BaseCommand):
    help = "Propose copies, translations and coverage over the whole archive (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", help="Print the open proposals as a JSON array."
        )

    def handle(self, *args, **options):
        show = not options["json"] and sys.stderr.isatty()
        with tqdm(
            total=planner_estimate(Article.objects.all()) or None,
            desc="grouping",
            unit=" articles",
            file=sys.stderr,
            disable=not show,
        ) as bar:
            result = grouping.group_stories(progress=bar.update)
        if options["json"]:
            proposals = [proposal_json(p) for p in grouping.open_proposals()]
            self.stdout.write(json.dumps(proposals, ensure_ascii=False, indent=1))
            return
        kinds = ", ".join(f"{result.found.get(k, 0)} {k}" for k in LinkKind.values)
        self.stdout.write(
            f"{result.articles} articles read: {kinds} proposed "
            f"({result.created} new, {result.updated} again, {result.removed} withdrawn)."
        )

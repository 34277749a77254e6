"""`evaluate_matcher`: the matcher's precision and recall against curated mentions.

Gold = the confirmed mentions; predicted = what the matcher finds in the same articles,
computed in memory (nothing is written). Run it on a database loaded with the fixtures.

With ``--eval-set FILE`` (``tests/data/eval/articles.json``) it scores the matcher on
excerpts of published articles instead, overall and per language: the aliases are every
alias in the database plus the set's own alias list, entities are compared by slug. A set
that lists its entities as an analyst makes them (``tests/data/newtopic/``: slug, kind,
name, name_ar and nothing else) gives them their own names (Entity.own_names), as the
admin does; ``--without own-names`` or ``--without short-forms`` scores the matcher
without them (the archive before entities' names were names; no derived short forms).
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.models import Alias, Article, Entity, Mention, Status
from archive.services.suggestions import build_matcher
from archive.text.matcher import AliasEntry, Matcher, evaluate
from archive.text.short_forms import with_short_forms

PARTS = ("own-names", "short-forms")


def load_eval_set(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def eval_set_aliases(data: dict) -> list[AliasEntry]:
    """The evaluation set's own aliases, keyed by entity slug."""
    return [
        AliasEntry(row["entity"], name, row["kind"])
        for row in data.get("aliases", ())
        for name, _language in row["names"]
    ]


def eval_set_entities(data: dict) -> list[AliasEntry]:
    """The own names of the set's entities (slug, kind, name, name_ar), keyed by slug."""
    out = []
    for row in data.get("entities", ()):
        entity = Entity(kind=row["kind"], name=row["name"], name_ar=row.get("name_ar", ""))
        out += [AliasEntry(row["slug"], name, row["kind"]) for name, _lang in entity.own_names()]
    return out


def eval_set_matcher(
    data: dict, database: Iterable[AliasEntry] = (), *, without: Iterable[str] = ()
) -> Matcher:
    """The matcher an archive holding `database` and the set's aliases and entities would
    build (build_matcher's rules), leaving out the PARTS named in `without`."""
    entries = [*database, *eval_set_aliases(data)]
    if "own-names" not in without:
        entries += eval_set_entities(data)
    if "short-forms" not in without:
        entries = with_short_forms(entries)
    return Matcher(entries)


def score_eval_set(matcher: Matcher, data: dict) -> tuple[dict, dict, list[tuple]]:
    """(scores over all articles, scores per language, differences) where differences are
    ``("missed"|"extra", article id, entity, start, end, text)``."""
    pred: dict[str, set] = defaultdict(set)
    gold: dict[str, set] = defaultdict(set)
    diffs = []
    for art in data["articles"]:
        lang, key, text = art["language"], art["id"], art["text"]
        g = {(key, m["entity"], m["start"], m["end"]) for m in art["mentions"]}
        p = {(key, m.entity_id, m.start, m.end) for m in matcher.find(text)}
        gold[lang] |= g
        pred[lang] |= p
        for label, rows in (("missed", g - p), ("extra", p - g)):
            diffs += [(label, k, e, s, t, text[s:t]) for k, e, s, t in sorted(rows)]
    per_language = {lang: evaluate(pred[lang], gold[lang]) for lang in sorted(gold)}
    total = evaluate(set().union(*pred.values()), set().union(*gold.values()))
    return total, per_language, diffs


def _line(label: str, s: dict) -> str:
    return (
        f"{label}: precision {s['precision']:.3f}, recall {s['recall']:.3f}, "
        f"F1 {s['f1']:.3f} (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})"
    )


class Command(BaseCommand):
    help = "Print the entity matcher's precision/recall against the confirmed mentions."

    def add_arguments(self, parser):
        parser.add_argument("--show", action="store_true", help="List misses and extras.")
        parser.add_argument(
            "--eval-set",
            metavar="FILE",
            help="Score on a JSON evaluation set (tests/data/eval/articles.json), per language.",
        )
        parser.add_argument(
            "--without",
            action="append",
            choices=PARTS,
            default=[],
            help="With --eval-set: leave the entities' own names or the short forms out.",
        )

    def handle(self, *args, show, eval_set=None, without=(), **options):
        if eval_set:
            return self._eval_set(eval_set, show, without)
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

    def _eval_set(self, path: str, show: bool, without=()) -> None:
        try:
            data = load_eval_set(path)
            articles = data["articles"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"{path}: {exc}", returncode=1) from exc
        rows: Iterable = Alias.objects.values_list("entity__slug", "name", "entity__kind")
        entries = [AliasEntry(slug, name, kind) for slug, name, kind in rows]
        if not entries and not data.get("entities"):
            raise CommandError("No aliases: load the fixtures first.", returncode=1)
        matcher = eval_set_matcher(data, entries, without=without)
        total, per_language, diffs = score_eval_set(matcher, data)
        self.stdout.write(f"{len(articles)} articles")
        for lang, s in per_language.items():
            n = sum(1 for a in articles if a["language"] == lang)
            self.stdout.write(_line(f"{lang} ({n} articles)", s))
        self.stdout.write(_line("all", total))
        if show:
            for label, key, ent, s, e, text in diffs:
                self.stdout.write(f"{label}: {key} {s}-{e} {text!r} → {ent}")

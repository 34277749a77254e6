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

Such a set is scored as the archive would suggest its mentions, everything switched on
(`learned_suggestions`): in a transaction rolled back at the end, its entities are made as
the admin makes them (own names and CLDR country names, `entity_names_sync`), its texts
stored as articles, the names they define learned as proposals (`names_learn`) and the
mentions suggested by the archive's matcher with the proposed names in it (`build_matcher`,
a find marked with its proposal). Only the set's entities are scored: the gold is theirs.
``--without countries`` / ``--without learned`` leave the CLDR names or the proposals out.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from archive.models import Alias, AliasOrigin, Article, Entity, Mention, Source, Status
from archive.services.suggestions import build_matcher
from archive.text.matcher import AliasEntry, Match, Matcher, evaluate
from archive.text.short_forms import with_short_forms

PARTS = ("own-names", "short-forms", "countries", "learned")


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


def learned_suggestions(data: dict, *, without: Iterable[str] = ()) -> dict[str, list[Match]]:
    """{article id: the matches the archive would suggest in it, entity ids as slugs} for a
    set that lists its entities: made, stored, learned from and matched as the module
    docstring says, then rolled back (nothing stays written)."""
    from archive.services.entities import entity_names_sync
    from archive.services.names import names_learn
    from archive.services.slugs import unique_slug

    found: dict[str, list[Match]] = {}
    with transaction.atomic():
        ids: dict[int, str] = {}
        for row in data["entities"]:
            # An entity the archive holds already under the slug is that entity.
            entity = Entity.objects.filter(slug=row["slug"]).first()
            if entity is None:
                entity = Entity.objects.create(
                    slug=row["slug"], kind=row["kind"], name=row["name"],
                    name_ar=row.get("name_ar", ""),
                )  # fmt: skip
                if "own-names" in without:
                    Alias.objects.filter(entity=entity).delete()
                else:
                    entity_names_sync(entity=entity)
                if "countries" in without:
                    Alias.objects.filter(entity=entity, origin=AliasOrigin.COUNTRY).delete()
            ids[entity.pk] = row["slug"]
        source = Source.objects.create(
            name=unique_slug(Source, "evaluation set", fallback="evaluation"),
            slug=unique_slug(Source, "evaluation set", fallback="evaluation"),
        )
        articles = {}
        for art in data["articles"]:
            article = Article.objects.create(
                slug=unique_slug(Article, art["id"], fallback="article"), title=art.get("title")
                or art["id"], body=art["text"], language=art["language"], source=source,
                is_public=True,
            )  # fmt: skip
            articles[art["id"]] = article
        if "learned" not in without:
            names_learn(articles=Article.objects.filter(source=source), suggest=False)
        matcher = build_matcher(proposals="learned" not in without)
        if "short-forms" in without:
            rows = Alias.objects.values_list("entity_id", "name", "entity__kind", "origin")
            matcher = Matcher(
                [
                    AliasEntry(e, name, kind, exact=origin == AliasOrigin.COUNTRY)
                    for e, name, kind, origin in rows
                ]
                + _open_proposal_entries(without)
            )
        for key, article in articles.items():
            found[key] = [
                Match(ids.get(m.entity_id, m.entity_id), m.start, m.end, m.text, m.proposal)
                for m in matcher.find(article.body)
            ]
        transaction.set_rollback(True)
    return found


def _open_proposal_entries(without) -> list[AliasEntry]:
    from archive.services.suggestions import open_proposals, proposal_entries

    return [] if "learned" in without else proposal_entries(open_proposals())


def score_eval_set(
    matcher: Matcher | None, data: dict, found: dict[str, list[Match]] | None = None
) -> tuple[dict, dict, list[tuple]]:
    """(scores over all articles, scores per language, differences) where differences are
    ``("missed"|"extra", article id, entity, start, end, text)``: the finds of `matcher`, or
    `found` ({article id: matches}). For a set that lists its entities only theirs count."""
    pred: dict[str, set] = defaultdict(set)
    gold: dict[str, set] = defaultdict(set)
    diffs = []
    scored = {row["slug"] for row in data.get("entities", ())}
    for art in data["articles"]:
        lang, key, text = art["language"], art["id"], art["text"]
        g = {(key, m["entity"], m["start"], m["end"]) for m in art["mentions"]}
        matches = found[key] if found is not None else matcher.find(text)
        p = {
            (key, m.entity_id, m.start, m.end)
            for m in matches
            if not scored or m.entity_id in scored
        }
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
            help="With --eval-set: leave a part out (the entities' own names, the short "
            "forms, the CLDR country names, the names learned from definitions).",
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
        rows: Iterable = Alias.objects.values_list("entity__slug", "name", "entity__kind", "origin")
        # As build_matcher reads them: a CLDR country name is found only as written.
        entries = [
            AliasEntry(slug, name, kind, exact=origin == AliasOrigin.COUNTRY)
            for slug, name, kind, origin in rows
        ]
        if not entries and not data.get("entities"):
            raise CommandError("No aliases: load the fixtures first.", returncode=1)
        if data.get("entities"):
            total, per_language, diffs = score_eval_set(
                None, data, learned_suggestions(data, without=without)
            )
        else:
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

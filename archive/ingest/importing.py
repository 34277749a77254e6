"""Import articles: the database side, the one path every article takes in.

`import_manifests(paths, update=..., hidden=...)` reads every manifest (archive.ingest.manifest)
and hands its entries to `import_entries`, which a collected page (archive.ingest.pages) goes
through too: the whole run in one transaction, nothing written unless every entry is sound
and no slug conflicts. Runs are serialized by a PostgreSQL advisory lock, so two imports at
once see each other's articles; a clash with any other writer becomes a problem in words,
not a traceback. A changed text (`--update`) goes through services.article_text_replace.
Every article gets its address's key and its text's fingerprint (archive.text.addresses), so
a page collected later finds the article it repeats, however that article came in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from django.db import IntegrityError, connection, transaction

from archive.ingest.manifest import Entry, Problem, manifest_path, read_manifest
from archive.models import Article, Mention, Source, Story
from archive.services import article_text_replace, names_learn, unique_slug
from archive.services import suggestions as suggest
from archive.text.addresses import text_fingerprint, url_key

# Every import takes this PostgreSQL advisory lock (transaction scope) before it looks at
# the database, so two runs at once are serialized rather than racing on the same slugs.
IMPORT_LOCK = 0x41524348_494D5054  # "ARCHIMPT"


@dataclass
class ImportResult:
    new: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)  # "slug: mention 'text' at a-b"
    suggested: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (
            f"{len(self.new)} new, {len(self.unchanged)} unchanged, {len(self.updated)} updated"
            f"; {self.suggested} mentions suggested, {len(self.orphaned)} annotations orphaned"
        )


class ImportAborted(Exception):
    """Raised inside the transaction to roll everything back."""


def _fields(entry: Entry) -> dict:
    return {
        "title": entry.parsed.title,
        "title_is_editorial": entry.title_by_archive,
        "body": entry.parsed.body,
        "language": entry.language,
        "url": entry.url,
        "byline": entry.byline,
        "dateline": entry.parsed.dateline,
        "published": entry.published,
        "published_precision": entry.precision if entry.published else "day",
        "sha256": entry.sha256,
        # Only when the manifest (or --hidden) says: else an editor's choice stands.
        **({"is_public": entry.public} if entry.public is not None else {}),
    }


def _derived(entry: Entry, fingerprint: str | None = None) -> dict:
    """The keys that find an article again (its address's, its text's) and, for a collected
    page, the digest of what was fetched. Not compared by `_differences`: they follow from
    the fields that are, or (fetched_sha256) change only when the text does."""
    return {
        "url_key": url_key(entry.url) if entry.url else "",
        "text_fingerprint": fingerprint or text_fingerprint(entry.parsed.body),
        **({"fetched_sha256": entry.fetched_sha256} if entry.fetched_sha256 else {}),
    }


def _origin(entry: Entry) -> str:
    """What a history row says the text came from: the file's name, or the page's address."""
    return entry.path.name if isinstance(entry.path, Path) else str(entry.path)


def import_manifests(
    paths: Sequence[Path | str],
    *,
    update: bool = False,
    hidden: bool = False,
    progress: Iterable | None = None,
    waiting=None,
) -> ImportResult:
    """Import every manifest in one transaction; on any problem nothing is written.

    `hidden` imports every entry as not public. `progress` wraps the entry list (for a
    progress bar); it receives and must yield entries. `waiting` is called with a sentence
    when another import holds the lock and this one waits for it.
    """
    entries: list[Entry] = []
    problems: list[Problem] = []
    for path in paths:
        found, found_problems = read_manifest(Path(path))
        entries += found
        problems += found_problems
    return import_entries(
        entries,
        update=update,
        hidden=hidden,
        progress=progress,
        waiting=waiting,
        where=", ".join(str(manifest_path(Path(p))) for p in paths),
        problems=problems,
    )


def import_entries(
    entries: list[Entry],
    *,
    update: bool = False,
    hidden: bool = False,
    progress: Iterable | None = None,
    waiting=None,
    where: str = "",
    problems: Sequence[Problem] = (),
) -> ImportResult:
    """Check and write planned articles in one transaction: the importer's one path, for
    manifests and collected pages alike. Problems already found (`problems`, from reading)
    write nothing. `where` names the run in a problem no entry can be blamed for.

    The checks, the writes, the suggested mentions and the names learned are the same
    whatever made the entries; so is the advisory lock, taken again (it is re-entrant) by a
    caller that already holds it to decide what to import (archive.ingest.pages).
    """
    result = ImportResult(problems=list(problems))
    slugs: dict[str, Entry] = {}
    for entry in entries:
        if entry.slug in slugs and (
            entry.manifest is None or slugs[entry.slug].manifest != entry.manifest
        ):
            result.problems.append(
                Problem(str(entry.path), f"slug {entry.slug!r} is also in {slugs[entry.slug].path}")
            )
        slugs.setdefault(entry.slug, entry)
        if hidden:
            entry.public = False
    if result.problems:
        return result
    try:
        with transaction.atomic():
            # Checks and writes see the archive as the previous import left it.
            _lock_imports(waiting)
            existing = {
                a.slug: a
                for a in Article.objects.filter(slug__in=list(slugs)).select_related(
                    "source", "story", "translation_of"
                )
            }
            result.problems += _check_against_archive(entries, existing, update)
            if result.problems:
                raise ImportAborted
            _write(entries, existing, result, progress)
            if result.problems:
                raise ImportAborted
            # Names the new texts define become proposals; their mentions are suggested, marked.
            written = Article.objects.filter(slug__in=result.new + result.updated)
            result.suggested += names_learn(articles=written).suggested
    except ImportAborted:
        _written_nothing(result)
    except IntegrityError as exc:
        # Another writer (the admin, a script) took a slug or name between our checks and
        # our writes. The transaction is rolled back: say so in words.
        _written_nothing(result)
        result.problems.append(_clash(exc, where, slugs))
    return result


def _written_nothing(result: ImportResult) -> None:
    result.new, result.updated, result.unchanged, result.orphaned = [], [], [], []
    result.suggested = 0


def _lock_imports(waiting=None) -> None:
    """Hold the import lock until the transaction ends (waiting for another import)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK])
        if cursor.fetchone()[0]:
            return
        if waiting is not None:
            waiting("another import is running: waiting for it to finish")
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


_KEY_DETAIL_RE = re.compile(r"Key \((?P<column>[^)]*)\)=\((?P<value>.*)\) already exists")


def _clash(exc: IntegrityError, where: str, slugs: dict[str, Entry]) -> Problem:
    """The database refused a write: most likely someone else took a slug or a name."""
    diag = getattr(exc.__cause__, "diag", None)
    detail = (getattr(diag, "message_detail", None) or "").strip()
    table = getattr(diag, "table_name", None) or ""
    m = _KEY_DETAIL_RE.search(detail)
    if getattr(diag, "sqlstate", None) != "23505" or not m:  # not a unique violation
        return Problem(where, f"the database refused the import ({exc}); nothing was imported")
    kinds = {"archive_article": "article", "archive_source": "source", "archive_story": "story"}
    what = f"{kinds.get(table, 'row')} {m['value']!r}"
    if table == "archive_article" and m["column"] == "slug" and m["value"] in slugs:
        where = str(slugs[m["value"]].path)
    return Problem(
        where,
        f"conflict: {what} was written by someone else while this import ran; "
        "nothing was imported (run the import again to see how the archive now stands)",
    )


def _check_against_archive(entries: list[Entry], existing: dict, update: bool) -> list[Problem]:
    """What is wrong with the entries given the archive as it is: missing originals,
    translation loops, and slugs that already hold a different article."""
    problems: list[Problem] = []
    slugs = {entry.slug for entry in entries}
    known = set(existing) | slugs
    missing_originals = {e.translation_of for e in entries if e.translation_of} - known
    if missing_originals:
        known_in_db = set(
            Article.objects.filter(slug__in=missing_originals).values_list("slug", flat=True)
        )
        for entry in entries:
            if entry.translation_of and entry.translation_of not in known | known_in_db:
                problems.append(
                    Problem(str(entry.path), f"translation_of: no article {entry.translation_of!r}")
                )
    problems += _translation_loops(entries)
    for entry in entries:
        if entry.translation_of == entry.slug:
            problems.append(Problem(str(entry.path), "translation_of names the article"))
        article = existing.get(entry.slug)
        if article is None or update:
            continue
        if article.sha256 != entry.sha256 or article.body != entry.parsed.body:
            problems.append(
                Problem(
                    str(entry.path),
                    f"conflict: article {entry.slug!r} exists with a different text "
                    "(use --update to replace it; the old text stays in its history)",
                )
            )
        elif _differences(article, entry):
            problems.append(
                Problem(
                    str(entry.path),
                    f"conflict: article {entry.slug!r} exists with different "
                    f"{', '.join(_differences(article, entry))} (use --update)",
                )
            )
    return problems


def _translation_loops(entries: list[Entry]) -> list[Problem]:
    """Entries whose translation_of chain, after this import, comes back to themselves
    (A of B and B of A, here or through articles already in the archive)."""
    planned = {e.slug: e.translation_of for e in entries if e.translation_of}
    if not planned:
        return []
    stored: dict[str, str] = {}  # slug -> the slug it translates, as the archive has it
    wanted = {e.slug for e in entries} | set(planned.values())
    for _depth in range(100):  # one query per step along the chains, not per article
        wanted = {s for s in wanted if s not in planned and s not in stored}
        if not wanted:
            break
        rows = dict(
            Article.objects.filter(slug__in=wanted).values_list("slug", "translation_of__slug")
        )
        for slug in wanted:
            stored[slug] = rows.get(slug) or ""
        wanted = {v for v in rows.values() if v}

    problems = []
    for entry in entries:
        if not entry.translation_of or entry.translation_of == entry.slug:
            continue
        chain, slug = [entry.slug], entry.translation_of
        while slug and slug not in chain and len(chain) < 1000:
            chain.append(slug)
            slug = planned.get(slug) or stored.get(slug, "")
        if slug == entry.slug:
            problems.append(
                Problem(
                    str(entry.path),
                    "translation_of makes a loop ("
                    + " → ".join([*chain, slug])
                    + "): an article cannot be a translation of its own translation",
                )
            )
    return problems


def _differences(article, entry: Entry) -> list[str]:
    wanted = _fields(entry)
    diffs = [
        "public" if name == "is_public" else name
        for name, value in wanted.items()
        if getattr(article, name) != value
    ]
    if (article.source.name if article.source_id else "") != entry.source:
        diffs.append("source")
    if (article.story.slug if article.story_id else "") != entry.story:
        diffs.append("story")
    original = article.translation_of.slug if article.translation_of_id else ""
    if original != entry.translation_of:
        diffs.append("translation_of")
    return diffs


WRITE_BATCH = 250  # new articles written (and their suggestions) at a time


def _write(entries: list[Entry], existing: dict, result: ImportResult, progress) -> None:
    sources = _sources({e.source for e in entries if e.source})
    stories = _stories({e.story for e in entries if e.story})
    new = [e for e in entries if e.slug not in existing]
    # The slow part, in worker processes: the search text and the matcher's finds of every
    # new article (the aliases do not change during an import, so matching before the
    # articles are written finds what matching after would).
    matcher = suggest.build_matcher() if new else None
    prepared = suggest.parallel_map(partial(_prepare, matcher), [e.parsed for e in new])
    stale_keys: list[Article] = []  # unchanged articles imported before the keys existed
    fresh: list[Article] = []
    finds: list[list] = []
    by_slug: dict[str, Article] = {}

    def flush():
        # One COPY per batch instead of one save() each; it skips save() and the pre_save
        # receiver, so the fields they fill (sha256, the search text) are set above. In
        # batches while the workers go on matching: PostgreSQL computes the search vectors
        # of one batch while the next is matched (it was a second, idle phase).
        suggest.create_with_history(fresh, Article)
        result.suggested += suggest.suggest_mentions(  # looked up at call time
            fresh, finds={a.pk: found for a, found in zip(fresh, finds, strict=True)}
        )
        fresh.clear()
        finds.clear()

    try:
        for entry in progress(entries) if progress else entries:
            article = existing.get(entry.slug)
            source = sources.get(entry.source)
            story = stories.get(entry.story)
            values = _fields(entry)
            if article is None:
                title_search, body_search, found, fingerprint = next(prepared)
                article = Article(
                    slug=entry.slug,
                    source=source,
                    story=story,
                    title_search=title_search,
                    body_search=body_search,
                    **values,
                    **_derived(entry, fingerprint),
                )
                article._change_reason = f"imported from {_origin(entry)}"
                fresh.append(article)
                finds.append(found)
                result.new.append(entry.slug)
                if len(fresh) >= WRITE_BATCH:
                    flush()
            elif not _differences(article, entry):
                result.unchanged.append(entry.slug)
                if not article.text_fingerprint:
                    keys = _derived(entry)
                    article.url_key = keys["url_key"]
                    article.text_fingerprint = keys["text_fingerprint"]
                    stale_keys.append(article)
            else:
                _update(article, entry, values, source, story, result)
            by_slug[entry.slug] = article
        flush()
    finally:
        prepared.close()  # ends the worker processes, even on an error
    # They get them quietly: derived, not an edit (no history row, nothing a page shows).
    Article.objects.bulk_update(stale_keys, ["url_key", "text_fingerprint"], batch_size=500)
    # Translations last: the original may be in the same run, in any order.
    for entry in entries:
        if not entry.translation_of:
            continue
        article = by_slug[entry.slug]
        original = by_slug.get(entry.translation_of) or Article.objects.get(
            slug=entry.translation_of
        )
        if article.translation_of_id != original.pk:
            article.translation_of = original
            article._change_reason = "translation link from the manifest"
            article.save(update_fields=["translation_of", "updated"])


def _prepare(matcher, parsed) -> tuple[str, str, list, str]:
    """What save() and the matcher would compute for a new article (in a worker), and its
    text's fingerprint. The body is normalized once, for its search text and for the
    matcher (it was half the workers' time), from the matcher's cache of words."""
    body = matcher.normalize(parsed.body)
    return (
        matcher.normalize(parsed.title)[0],
        body[0],
        suggest.find_all_one(matcher, parsed.body, normalized=body),
        text_fingerprint(parsed.body, normalized=body[0]),
    )


def _sources(names: set[str]) -> dict[str, Source]:
    """The sources by name, made when new (one query for the known ones)."""
    sources = {s.name: s for s in Source.objects.filter(name__in=names)}
    for name in sorted(names - set(sources)):
        slug = unique_slug(Source, name, fallback="source")
        sources[name] = Source.objects.create(name=name, slug=slug)
    return sources


def _stories(slugs: set[str]) -> dict[str, Story]:
    """The stories by slug, made when new (one query for the known ones)."""
    stories = {s.slug: s for s in Story.objects.filter(slug__in=slugs)}
    for slug in sorted(slugs - set(stories)):
        stories[slug], _ = Story.objects.get_or_create(
            slug=slug, defaults={"title": slug.replace("-", " ").capitalize()}
        )
    return stories


def _update(article, entry: Entry, values: dict, source, story, result: ImportResult) -> None:
    """Replace the article's text and fields, keep the old text in history, re-anchor.

    The re-anchoring is services.article_text_replace, the same the admin's article form
    uses: what it cannot place again is orphaned and listed in `result.orphaned`.
    """
    for name, value in {**values, **_derived(entry)}.items():
        if name != "body":
            setattr(article, name, value)
    article.source, article.story = source, story
    replaced = article_text_replace(
        article=article, body=values["body"], reason=f"updated from {_origin(entry)}"
    )
    result.updated.append(entry.slug)
    for span in replaced.orphaned:
        label = "mention" if isinstance(span, Mention) else "claim"
        result.orphaned.append(
            f"{article.slug}: {label} {span.pk} {span.text!r} at {span.start}-{span.end}"
        )

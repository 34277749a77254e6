"""Import article texts from a manifest (DESIGN.md, `import_articles`): parse, check, write.

Three layers, each usable alone:

* `parse_text(raw, title=...)` is pure: it splits a text file into the article body and the
  header lines that belong in fields (title, date line, "Written By:", dateline).
* `read_manifest(path)` checks a manifest and every file it names, without touching the
  database, and returns the planned entries plus every problem as (path, what is wrong).
* `import_manifests(paths, update=..., hidden=...)` does the whole run in one transaction:
  it writes nothing unless every entry is sound and no slug conflicts. Runs are serialized
  by a PostgreSQL advisory lock, so two imports at once see each other's articles; a clash
  with any other writer becomes a problem in words, not a traceback.

Only files inside the manifest's folder are read (no absolute paths, no `..` out of it, no
symbolic links that lead out of it), and no body may exceed `ARCHIVE_MAX_BODY_CHARS`.

The stored `Article.sha256` is the SHA-256 of the body as stored (the article text, after
header lines went to their fields), so `verify_fixity` can check it from the database alone.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_unicode_slug
from django.db import IntegrityError, connection, transaction
from django.utils.text import slugify
from rapidfuzz.fuzz import partial_ratio_alignment, ratio

# ISO 639-1: every two-letter language code.
_ISO_639_1 = """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu
    cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi
    ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks
    ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl
    nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl
    sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve
    vi vo wa wo xh yi yo za zh zu
"""
ISO_639_1 = frozenset(_ISO_639_1.split())

MANIFEST_KEYS = {
    "file",
    "slug",
    "language",
    "title",
    "source",
    "url",
    "byline",
    "published",
    "story",
    "translation_of",
    "public",
}
# Every import takes this PostgreSQL advisory lock (transaction scope) before it looks at
# the database, so two runs at once are serialized rather than racing on the same slugs.
IMPORT_LOCK = 0x41524348_494D5054  # "ARCHIMPT"

_MONTHS = list(calendar.month_name)[1:]  # English names: the C locale, never the user's
_DATE_LINE_RE = re.compile(
    r"^(?P<month>" + "|".join(_MONTHS) + r")\s+(?P<day>\d{1,2}),\s*(?P<year>\d{4})"
    r"(?:\s*[-–—]\s*\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_POSTED_RE = re.compile(r"^Posted in:\s*(?P<rest>.*)$", re.IGNORECASE)
_WRITTEN_RE = re.compile(r"^(?:Written By|By):\s*(?P<who>.+)$", re.IGNORECASE)
# "TRIPOLI - ", "BENGHAZI, Libya — ": a place in capitals, then a dash.
_DATELINE_RE = re.compile(r"^(?P<place>[A-Z][A-Z'.]+(?:[ ,][A-Za-z'.]+){0,3})\s+[-–—]\s+(?=\S)")
_PUBLISHED_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# C0 controls other than tab, newline, carriage return and form feed mark a binary file.
_BINARY_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ParsedText:
    title: str
    body: str
    byline: str = ""
    dateline: str = ""
    published: dt.date | None = None
    published_precision: str | None = None  # "day" when a date line gave the date
    dropped: tuple[str, ...] = ()  # header lines removed because they are not article text


def parse_text(raw: str, *, title: str | None) -> ParsedText:
    """Split a text into title, body and header fields.

    The body is the text's non-empty lines, each stripped, joined with "\\n", after the
    header lines are removed: the first line when it is the title (with no `title` given,
    the first line is the title), a repeated title line, a date line ("January 04, 2020 -
    20:39"), "Posted in:" and "Written By: X" (→ byline). A leading dateline ("TRIPOLI - ")
    on the first paragraph goes to `dateline`.
    """
    raw = raw.removeprefix("\ufeff")
    lines = [line.strip() for line in raw.splitlines()]
    lines = [line for line in lines if line]
    dropped: list[str] = []
    if title is None:
        title = lines.pop(0) if lines else ""
        dropped.append(title)
    title = title.strip()
    byline = dateline = ""
    published = precision = None
    while lines:
        line = lines[0]
        if line == title:
            pass
        elif m := _DATE_LINE_RE.match(line):
            try:
                published = dt.date(int(m["year"]), _MONTHS.index(m["month"]) + 1, int(m["day"]))
            except ValueError:
                break  # not a real date: leave the line in the body
            precision = "day"
        elif m := _POSTED_RE.match(line):
            pass  # a category list, not article text; there is no field for it
        elif m := _WRITTEN_RE.match(line):
            byline = m["who"].strip()
        else:
            break
        dropped.append(lines.pop(0))
    if lines and (m := _DATELINE_RE.match(lines[0])):
        dateline = m["place"].strip().rstrip(",")
        lines[0] = lines[0][m.end() :]
    return ParsedText(
        title=title,
        body="\n".join(lines),
        byline=byline,
        dateline=dateline,
        published=published,
        published_precision=precision,
        dropped=tuple(dropped),
    )


def parse_published(value) -> tuple[dt.date, str]:
    """'2020', '2020-01' or '2020-01-04' (or a TOML date) → (first day, precision)."""
    if isinstance(value, dt.datetime):
        raise ValueError("give a date (YYYY, YYYY-MM or YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value, "day"
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not (m := _PUBLISHED_RE.match(value.strip())):
        raise ValueError(f"bad date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.groups()
    try:
        date = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"bad date {value!r}: {exc}") from None
    if date.year < 1800:
        raise ValueError(f"bad date {value!r}: before 1800")
    return date, "day" if day else "month" if month else "year"


def max_body_chars() -> int:
    return settings.ARCHIVE_MAX_BODY_CHARS


def max_file_bytes() -> int:
    """The largest text file worth reading: a body at the limit, 4 bytes a character in
    UTF-8, plus room for header lines. Anything larger is refused before it is read."""
    return 4 * max_body_chars() + 64 * 1024


def read_text_file(path: Path) -> str:
    """The file's text, or ValueError saying what is wrong (missing, empty, binary, not UTF-8)."""
    if not path.exists():
        raise ValueError("file not found")
    if not path.is_file():
        raise ValueError("not a regular file")
    size = path.stat().st_size
    if size > max_file_bytes():
        raise ValueError(
            f"file too large ({size:,} bytes): an article body may have at most "
            f"{max_body_chars():,} characters (ARCHIVE_MAX_BODY_CHARS)"
        )
    data = path.read_bytes()
    if not data.strip():
        raise ValueError("empty file")
    if b"\x00" in data:
        raise ValueError("binary file (it contains NUL bytes), not UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 first"
        ) from None
    if _BINARY_RE.search(text):
        raise ValueError("binary file (it contains control characters), not text")
    if not text.strip():
        raise ValueError("empty file")
    return text


@dataclass
class Entry:
    """One planned article: the manifest's values and the parsed text."""

    path: Path
    manifest: Path
    slug: str
    language: str
    parsed: ParsedText
    sha256: str
    source: str = ""
    url: str = ""
    byline: str = ""
    published: dt.date | None = None
    precision: str = "day"
    story: str = ""
    translation_of: str = ""
    public: bool | None = None  # None: the manifest does not say (new articles are public)


@dataclass
class Problem:
    path: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.message}"


def _manifest_path(path: Path) -> Path:
    return path / "manifest.toml" if path.is_dir() else path


def inside_folder(folder: Path, name: str) -> Path:
    """The real path of the file `name` names relative to `folder`, or ValueError if it is
    not a plain path inside the folder: absolute, `..` out of it, or a symbolic link (of
    the file or of a folder on the way) that leads out of it."""
    if "\x00" in name:
        raise ValueError("bad file name (it contains a NUL character)")
    if Path(name).is_absolute() or Path(name).drive:
        raise ValueError("absolute path: give the file relative to the manifest, inside its folder")
    try:
        root = folder.resolve()
        real = (folder / name).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop
        raise ValueError(f"cannot resolve the path ({exc})") from None
    if not real.is_relative_to(root):
        lexical = Path(os.path.normpath(root / name))
        if not lexical.is_relative_to(root):
            raise ValueError(f"outside the manifest's folder {root}: files must lie inside it")
        raise ValueError(
            f"a symbolic link to {real}, outside the manifest's folder {root}: "
            "files must lie inside it"
        )
    return real


def read_manifest(path: Path) -> tuple[list[Entry], list[Problem]]:
    """Every entry of one manifest, checked; nothing touches the database."""
    from archive.models import Article

    manifest = _manifest_path(Path(path))
    where = str(manifest)
    if not manifest.exists():
        what = "no manifest.toml in this folder" if Path(path).is_dir() else "file not found"
        return [], [Problem(where, what)]
    try:
        data = tomllib.loads(read_text_file(manifest))
    except ValueError as exc:  # tomllib.TOMLDecodeError is a ValueError too
        return [], [Problem(where, f"malformed manifest: {exc}")]
    problems: list[Problem] = []
    unknown = set(data) - {"article"}
    if unknown:
        problems.append(Problem(where, f"unknown top-level keys: {', '.join(sorted(unknown))}"))
    items = data.get("article")
    if not isinstance(items, list) or not items:
        return [], [*problems, Problem(where, "malformed manifest: no [[article]] entries")]
    entries: list[Entry] = []
    seen_slugs: dict[str, int] = {}
    for n, item in enumerate(items, 1):
        label = f"{where} [article {n}]"
        if not isinstance(item, dict):
            problems.append(Problem(label, "malformed manifest: an entry must be a table"))
            continue
        bad = len(problems)
        for key in sorted(set(item) - MANIFEST_KEYS):
            problems.append(Problem(label, f"unknown key {key!r}"))
        for key, value in item.items():
            if key == "public":
                if not isinstance(value, bool):
                    problems.append(Problem(label, "public must be true or false"))
            elif key in MANIFEST_KEYS and key != "published" and not isinstance(value, str):
                problems.append(Problem(label, f"{key} must be a string"))
        if len(problems) > bad:
            continue
        file = item.get("file", "").strip()
        if not file:
            problems.append(Problem(label, "missing 'file'"))
            continue
        text_path = manifest.parent / file
        label = str(text_path)
        try:
            real_path = inside_folder(manifest.parent, file)
        except ValueError as exc:
            problems.append(Problem(label, str(exc)))
            continue
        language = item.get("language", "").strip()
        if not language:
            problems.append(Problem(label, "missing 'language' (an ISO 639-1 code such as en)"))
        elif language not in ISO_639_1:
            problems.append(Problem(label, f"unknown language {language!r} (use ISO 639-1)"))
        published = None
        precision = "day"
        if "published" in item:
            try:
                published, precision = parse_published(item["published"])
            except ValueError as exc:
                problems.append(Problem(label, str(exc)))
        url = item.get("url", "").strip()
        if url:
            try:
                URLValidator()(url)
            except ValidationError:
                problems.append(Problem(label, f"bad url {url!r}"))
        try:
            raw = read_text_file(real_path)  # the checked path, not the link
        except ValueError as exc:
            problems.append(Problem(label, str(exc)))
            continue
        title = item.get("title")
        parsed = parse_text(raw, title=title.strip() if title and title.strip() else None)
        if not parsed.body:
            problems.append(Problem(label, "no article text once the header lines are removed"))
            continue
        if len(parsed.body) > max_body_chars():
            problems.append(
                Problem(
                    label,
                    f"body too long ({len(parsed.body):,} characters): the limit is "
                    f"{max_body_chars():,} (ARCHIVE_MAX_BODY_CHARS); split the text or "
                    "raise the limit",
                )
            )
            continue
        if not parsed.title:
            problems.append(Problem(label, "no title (give one in the manifest)"))
            continue
        if len(parsed.title) > Article._meta.get_field("title").max_length:
            problems.append(Problem(label, "title too long"))
            continue
        slug = item.get("slug", "").strip() or slugify(parsed.title, allow_unicode=True)[:200]
        slug = slug or slugify(text_path.stem)
        for key, value in (("slug", slug), ("story", item.get("story", "").strip())):
            if value:
                try:
                    validate_unicode_slug(value)
                except ValidationError:
                    problems.append(Problem(label, f"bad {key} {value!r}"))
        if slug in seen_slugs:
            problems.append(Problem(label, f"slug {slug!r} is used twice in this manifest"))
        seen_slugs[slug] = n
        if published is None and parsed.published is not None:
            published, precision = parsed.published, parsed.published_precision
        entries.append(
            Entry(
                path=text_path,
                manifest=manifest,
                slug=slug,
                language=language,
                parsed=parsed,
                sha256=_sha256(parsed.body),
                source=item.get("source", "").strip(),
                url=url,
                byline=item.get("byline", "").strip() or parsed.byline,
                published=published,
                precision=precision,
                story=item.get("story", "").strip(),
                translation_of=item.get("translation_of", "").strip(),
                public=item.get("public"),
            )
        )
    return entries, problems


def _sha256(text: str) -> str:
    from archive.models import Article

    return Article.text_sha256(text)


# -- re-anchoring annotations on an updated text -----------------------------------------

CONTEXT = 40
FUZZY_MIN_SCORE = 85.0
FUZZY_MIN_LENGTH = 6


def reanchor(old_body: str, new_body: str, start: int, end: int, text: str):
    """Where the words at old_body[start:end] are in new_body: (start, end, text), or None.

    The exact text wins, choosing among several occurrences by the words before and after
    it (then by nearness to the old position); failing that, a fuzzy match of the words
    (rapidfuzz) for spans long enough that a near match means something.
    """
    prefix = old_body[max(0, start - CONTEXT) : start]
    suffix = old_body[end : end + CONTEXT]
    hits = [m.start() for m in re.finditer(re.escape(text), new_body)] if text else []
    if hits:
        rel = start / max(1, len(old_body))

        def score(s: int) -> tuple[float, float]:
            before = new_body[max(0, s - len(prefix)) : s]
            after = new_body[s + len(text) : s + len(text) + len(suffix)]
            context = ratio(prefix, before) + ratio(suffix, after)
            return (context, -abs(s / max(1, len(new_body)) - rel))

        best = max(hits, key=score)
        return best, best + len(text), text
    if len(text) < FUZZY_MIN_LENGTH:
        return None
    found = partial_ratio_alignment(text, new_body, score_cutoff=FUZZY_MIN_SCORE)
    if found is None or found.dest_end <= found.dest_start:
        return None
    s, e = found.dest_start, found.dest_end
    # Trim to word edges so the span does not start or end inside a word's whitespace.
    while s < e and new_body[s].isspace():
        s += 1
    while e > s and new_body[e - 1].isspace():
        e -= 1
    if e <= s:
        return None
    return s, e, new_body[s:e]


# -- the database side ---------------------------------------------------------------------


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
    from archive.models import Article

    result = ImportResult()
    entries: list[Entry] = []
    for path in paths:
        found, problems = read_manifest(Path(path))
        entries += found
        result.problems += problems
    slugs: dict[str, Entry] = {}
    for entry in entries:
        if entry.slug in slugs and slugs[entry.slug].manifest != entry.manifest:
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
    except ImportAborted:
        _written_nothing(result)
    except IntegrityError as exc:
        # Another writer (the admin, a script) took a slug or name between our checks and
        # our writes. The transaction is rolled back: say so in words.
        _written_nothing(result)
        result.problems.append(_clash(exc, paths, slugs))
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


def _clash(exc: IntegrityError, paths, slugs: dict[str, Entry]) -> Problem:
    """The database refused a write: most likely someone else took a slug or a name."""
    diag = getattr(exc.__cause__, "diag", None)
    detail = (getattr(diag, "message_detail", None) or "").strip()
    table = getattr(diag, "table_name", None) or ""
    where = ", ".join(str(_manifest_path(Path(p))) for p in paths)
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
    from archive.models import Article

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
    from archive.models import Article

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


def _write(entries: list[Entry], existing: dict, result: ImportResult, progress) -> None:
    from archive.models import Article, Source, Story
    from archive.suggest import suggest_mentions

    sources: dict[str, Source] = {}
    stories: dict[str, Story] = {}
    fresh: list[Article] = []
    by_slug: dict[str, Article] = {}
    for entry in progress(entries) if progress else entries:
        article = existing.get(entry.slug)
        if article is not None and not _differences(article, entry):
            result.unchanged.append(entry.slug)
            by_slug[entry.slug] = article
            continue
        source = story = None
        if entry.source:
            source = sources.get(entry.source)
            if source is None:
                source = Source.objects.filter(name=entry.source).first()
                if source is None:
                    source = Source.objects.create(
                        name=entry.source, slug=_free_slug(Source, entry.source)
                    )
                sources[entry.source] = source
        if entry.story:
            story = stories.get(entry.story)
            if story is None:
                story, _ = Story.objects.get_or_create(
                    slug=entry.story,
                    defaults={"title": entry.story.replace("-", " ").capitalize()},
                )
                stories[entry.story] = story
        values = _fields(entry)
        if article is None:
            article = Article(slug=entry.slug, source=source, story=story, **values)
            article._change_reason = f"imported from {entry.path.name}"
            article.save()
            result.new.append(entry.slug)
            fresh.append(article)
        else:
            _update(article, entry, values, source, story, result)
        by_slug[entry.slug] = article
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
    if fresh:
        result.suggested = suggest_mentions(fresh)


def _free_slug(model, name: str) -> str:
    base = slugify(name, allow_unicode=True)[:190] or "source"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _update(article, entry: Entry, values: dict, source, story, result: ImportResult) -> None:
    """Replace the article's text and fields, keep the old text in history, re-anchor.

    The re-anchoring is services.article_text_replace, the same the admin's article form
    uses: what it cannot place again is orphaned and listed in `result.orphaned`.
    """
    from archive.models import Mention
    from archive.services import article_text_replace

    for name, value in values.items():
        if name != "body":
            setattr(article, name, value)
    article.source, article.story = source, story
    replaced = article_text_replace(
        article=article, body=values["body"], reason=f"updated from {entry.path.name}"
    )
    result.updated.append(entry.slug)
    for span in replaced.orphaned:
        label = "mention" if isinstance(span, Mention) else "claim"
        result.orphaned.append(
            f"{article.slug}: {label} {span.pk} {span.text!r} at {span.start}-{span.end}"
        )

"""Reading and checking import manifests (docs/manifest.md); nothing here
writes to the database (archive.ingest.importing does, once every entry is sound).

* `parse_text(raw, title=...)` is pure: it splits a text file into the article body and the
  header lines that belong in fields (title, date line, "Written By:", dateline).
* `read_manifest(path)` checks a manifest and every file it names, without touching the
  database, and returns the planned entries plus every problem as (path, what is wrong).

Only files inside the manifest's folder are read (no absolute paths, no `..` out of it, no
symbolic links that lead out of it, no hard links), and no body may exceed
`ARCHIVE_MAX_BODY_CHARS`. The manifest itself obeys the same rules. A file is checked on the
descriptor it is read from, opened one folder at a time without following symbolic links, so
a path swapped for a link after its check is refused, not read.

The stored `Article.sha256` is the SHA-256 of the body as stored (the article text, after
header lines went to their fields), so `verify_fixity` can check it from the database alone.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_unicode_slug
from django.utils.text import slugify

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
    "title_by_archive",
    "source",
    "url",
    "byline",
    "published",
    "story",
    "translation_of",
    "public",
}

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


def read_text(file: BinaryIO) -> str:
    """The text of an open file, or ValueError saying what is wrong (too large, empty,
    binary, not UTF-8)."""
    limit = max_file_bytes()
    data = file.read(limit + 1)  # bounded: the file may grow while it is read
    if len(data) > limit:
        size = max(os.fstat(file.fileno()).st_size, len(data))
        raise ValueError(
            f"file too large ({size:,} bytes): an article body may have at most "
            f"{max_body_chars():,} characters (ARCHIVE_MAX_BODY_CHARS)"
        )
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


_OPEN = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
_SWAPPED = (
    "a symbolic link appeared on the way to it after it was checked: nothing is read "
    "through it (files must lie inside the manifest's folder)"
)


def open_inside(folder: Path, real: Path) -> BinaryIO:
    """The regular file at `real` (a path `inside_folder` returned), opened for reading.

    Opened one folder at a time from the folder's real path without following symbolic
    links, and checked on the descriptor that is then read, so nothing can be swapped in
    between the check and the read. ValueError: not found, not a regular file, a symbolic
    link on the way, or a hard link (a second name: the file may be anything, anywhere).
    """
    try:
        root = folder.resolve()
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except (OSError, RuntimeError) as exc:
        raise ValueError(f"cannot open the manifest's folder ({exc})") from None
    if real == root or not real.is_relative_to(root):  # the folder, or it moved since
        os.close(fd)
        raise ValueError("not a regular file" if real == root else "outside the manifest's folder")
    parts = real.relative_to(root).parts
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            try:
                # O_NONBLOCK: a FIFO is refused below instead of waiting for a writer.
                flags = _OPEN | (os.O_NONBLOCK if last else os.O_DIRECTORY)
                next_fd = os.open(part, flags, dir_fd=fd)
            except FileNotFoundError:
                raise ValueError("file not found") from None
            except OSError as exc:
                if _is_link(part, fd):
                    raise ValueError(_SWAPPED) from None
                if isinstance(exc, NotADirectoryError):
                    raise ValueError("file not found") from None
                raise ValueError(f"cannot open it ({exc.strerror})") from None
            os.close(fd)
            fd = next_fd
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_nlink > 1:
            raise ValueError(
                f"a hard link ({info.st_nlink} names for one file): "
                "copy the file into the folder instead"
            )
        os.set_blocking(fd, True)
        file = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return file


def _is_link(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def read_inside(folder: Path, real: Path) -> str:
    """The text of the file at `real` inside `folder` (see `open_inside`, `read_text`)."""
    with open_inside(folder, real) as file:
        return read_text(file)


@dataclass
class Entry:
    """One planned article: the manifest's values and the parsed text, or what a collected
    page gave (archive.ingest.pages: `path` is then the page's address, `manifest` None)."""

    path: Path | str
    manifest: Path | None
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
    title_by_archive: bool = False  # the text has no title; the manifest's is editorial
    fetched_sha256: str = ""  # a collected page: SHA-256 of the bytes fetched (fixity)


@dataclass
class Problem:
    path: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.message}"


def manifest_path(path: Path) -> Path:
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

    manifest = manifest_path(Path(path))
    where = str(manifest)
    if not manifest.exists():
        what = "no manifest.toml in this folder" if Path(path).is_dir() else "file not found"
        return [], [Problem(where, what)]
    try:
        # The manifest obeys the rules of the files it names: inside its folder, one name.
        file = open_inside(manifest.parent, inside_folder(manifest.parent, manifest.name))
    except ValueError as exc:
        return [], [Problem(where, str(exc))]
    try:
        with file:
            data = tomllib.loads(read_text(file))
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
            if key in ("public", "title_by_archive"):
                if not isinstance(value, bool):
                    problems.append(Problem(label, f"{key} must be true or false"))
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
            raw = read_inside(manifest.parent, real_path)  # the checked path, not the link
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
                title_by_archive=item.get("title_by_archive", False),
            )
        )
    return entries, problems


def _sha256(text: str) -> str:
    from archive.models import Article

    return Article.text_sha256(text)

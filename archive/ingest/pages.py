"""One page, one article: fetch an outlet's page, extract its article, import it through the
importer's one path (archive.ingest.importing.import_entries).

* `extract(content, url, headers)` is the page's article as plain paragraphs, with its
  title, byline, date at the precision the page gives, language and the fetched bytes'
  SHA-256 (trafilatura; nothing of the HTML is kept). ExtractError says what is wrong.
* `collect_page(url, source=..., feed=..., feed_entry=...)` is the whole of it for one
  address, recorded as a CollectedItem keyed on the normalized address: a page already in
  the archive, under this address (with or without tracking parameters) or under another
  with the same text, is the same article (the item is a duplicate linked to it); a changed
  text at a known address replaces the old one through the importer's update path (spans
  re-anchored, the old text kept in history). A page the importer refuses, or that is no
  article, leaves the item failed with the sentence, and nothing written.

Charsets: a header that names a charset is honoured when the bytes bear it out. Servers
often say ISO-8859-1 or windows-1256 of a page written in UTF-8, and bytes that decode as
UTF-8 (with something beyond ASCII in them) are UTF-8 in practice: another encoding's
text almost never forms valid UTF-8 sequences by chance. Otherwise the page's own meta
charset is preferred to the header (the page's author wrote it beside the bytes), then the
header, then charset_normalizer's detection.
"""

from __future__ import annotations

import calendar
import codecs
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from archive.ingest.manifest import ISO_639_1, Entry, max_body_chars, parse_text
from archive.text.addresses import text_fingerprint, url_key

# Shorter than this, what the extractor found is a teaser or a caption, not an article.
MIN_BODY_CHARS = 150
# The detector's confidence above which the text's language wins over what the page or
# feed declares (pages routinely keep a site-wide lang="en" on Arabic articles).
LANGUAGE_CONFIDENCE = 0.9
# Below this many characters of text the detector is not trusted against a declaration.
LANGUAGE_MIN_CHARS = 200

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_HTML_LANG_RE = re.compile(r"""<html[^>]*?\slang\s*=\s*["']?([A-Za-z]{2,3})""", re.IGNORECASE)
_DATE_ONLY_RE = re.compile(r"^[\d\s/.:,+\-–—T]*$")
_HTML_START_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body|p|div)[\s>]", re.IGNORECASE)


class ExtractError(Exception):
    """A page that gives no article: the message says why, in words."""


@dataclass(frozen=True)
class Extracted:
    title: str
    paragraphs: tuple[str, ...]
    byline: str = ""
    published: dt.date | None = None
    precision: str = "day"  # what the page supports: day, month or year
    language: str = ""
    sha256: str = ""  # of the bytes fetched, before any decoding
    encoding: str = ""  # the charset the text was read in
    declared_language: str = ""  # what the page or the feed said, if anything
    sitename: str = ""

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


# --- Charset -------------------------------------------------------------------------------


def _codec(name: str | None) -> str | None:
    """Python's name for a charset label, or None when unknown."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def _header_charset(headers: dict) -> str | None:
    content_type = headers.get("content-type", "")
    m = re.search(r"charset\s*=\s*[\"']?([^;\"'\s]+)", content_type, re.IGNORECASE)
    return _codec(m[1]) if m else None


def _meta_charset(content: bytes) -> str | None:
    m = _META_CHARSET_RE.search(content[:8192])
    return _codec(m[1].decode("ascii", "replace")) if m else None


def _strict(content: bytes, codec: str | None) -> str | None:
    if not codec:
        return None
    try:
        return content.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


_MOJIBAKE_RUN_RE = re.compile(r"[\u00c0-\u00ff]{3,}")


def _looks_misread(text: str) -> bool:
    """Arabic (or any non-Latin script) read as ISO-8859-1 or windows-1252 decodes without
    error, as runs of accented capitals ("ÇáÍæËí"); French or German never gives such runs
    in bulk. Misread: most of the text's non-ASCII letters sit in runs of three or more."""
    high = sum(1 for ch in text if "\u00c0" <= ch <= "\u00ff")
    if high < 20:
        return False
    in_runs = sum(len(run) for run in _MOJIBAKE_RUN_RE.findall(text))
    return in_runs > 0.5 * high


def decode(content: bytes, headers: dict) -> tuple[str, str]:
    """The page's text and the charset it was read in (see the module's docstring)."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16")):
        if content.startswith(bom):
            return content.decode("utf-8-sig" if codec == "utf-8" else codec, "replace"), codec
    if content.isascii():
        return content.decode("ascii"), "ascii"
    if (text := _strict(content, "utf-8")) is not None:
        return text, "utf-8"
    for codec in (_meta_charset(content), _header_charset(headers)):
        # A label claiming UTF-8 of bytes that are not is wrong: skip it. A Latin one that
        # turns the text into runs of accented letters is wrong too (ISO-8859-1 decodes
        # any bytes, so only the result can say).
        text = _strict(content, codec) if codec and codec != "utf-8" else None
        if text is not None and not _looks_misread(text):
            return text, codec
    from charset_normalizer import from_bytes  # trafilatura's own dependency

    best = from_bytes(content).best()
    if best is not None:
        return str(best), best.encoding
    return content.decode("utf-8", "replace"), "utf-8"


# --- Language ------------------------------------------------------------------------------


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """The language of `text` (ISO 639-1) and the detector's confidence (0 to 1)."""
    language, probability = _identifier().classify(text[:20_000])
    return language, float(probability)


def choose_language(text: str, declared: str = "") -> str:
    """The declared language (page or feed) unless the text plainly says another; the
    detected one when nothing is declared."""
    declared = (declared or "").strip().lower().replace("_", "-").split("-")[0]
    if declared not in ISO_639_1:
        declared = ""
    detected, confidence = detect_language(text)
    if not declared:
        return detected
    if (
        detected != declared
        and confidence >= LANGUAGE_CONFIDENCE
        and len(text) >= LANGUAGE_MIN_CHARS
    ):
        return detected  # the text contradicts the declaration: trust the text
    return declared


# --- Dates ---------------------------------------------------------------------------------


def _precision(date: dt.date, html: str, url: str) -> tuple[dt.date, str]:
    """The date at the precision the page gives it, stored as the period's first day.

    Date parsers fill a missing day or month (with 1, or today's), so the day counts only
    if the page writes the whole date where a machine reads it (an ISO date, a /yyyy/mm/dd/
    address, dd/mm/yyyy, an English "4 June 2020"), the month only if it writes yyyy-mm.
    A date written only in words of another language is kept at the month: less than
    the page says, never more."""
    y, m, d = date.year, date.month, date.day
    where = f"{url}\n{html}"
    month = calendar.month_name[m]
    day_forms = (
        rf"(?<!\d){y}[-/.]0?{m}[-/.]0?{d}(?!\d)",
        rf"(?<!\d)0?{d}[-/.]0?{m}[-/.]{y}(?!\d)",
        rf"(?<!\d)0?{d}(?:st|nd|rd|th)?\s+{month}\s+{y}",
        rf"{month}\s+0?{d}(?:st|nd|rd|th)?,?\s+{y}",
    )
    if any(re.search(form, where, re.IGNORECASE) for form in day_forms):
        return date, "day"
    if re.search(rf"(?<!\d){y}[-/.]0?{m}(?!\d)", where) or re.search(
        rf"{month}\s+{y}", where, re.IGNORECASE
    ):
        return date.replace(day=1), "month"
    return date.replace(month=1, day=1), "year"


def _feed_date(feed_entry: dict) -> dt.date | None:
    value = (feed_entry or {}).get("published") or ""
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# --- Extraction ----------------------------------------------------------------------------


def extract(
    content: bytes, url: str, headers: dict | None = None, *, feed_entry: dict | None = None
) -> Extracted:
    """The article of one fetched page. ExtractError: not HTML, or no article in it."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    feed_entry = feed_entry or {}
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in ("text/html", "application/xhtml+xml"):
        raise ExtractError(f"not an HTML page but {content_type}")
    if not content.strip():
        raise ExtractError("the page is empty")
    if not _HTML_START_RE.search(content[:65536]) or b"\x00" in content[:65536]:
        raise ExtractError("not an HTML page")
    html, encoding = decode(content, headers)
    import trafilatura  # imported here: 0.15 s of every process's start otherwise

    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        deduplicate=False,
        favor_precision=True,  # share bars and "Print" links out; every saved article kept
        # Only dates the page's markup or address gives: the extensive search reads a
        # year in the text ("since 2011") or the footer's copyright as the date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None or not (document.text or "").strip():
        raise ExtractError("no article found on the page (is it an article, not an index?)")
    title = " ".join((document.title or feed_entry.get("title") or "").split())
    # The importer's one reading of a text: the title repeated, date and "By:" lines go.
    # Lines that are only a date or time are the page's date shown beside the text.
    text = "\n".join(line for line in document.text.splitlines() if not _DATE_ONLY_RE.match(line))
    parsed = parse_text(text, title=title or None)
    paragraphs = tuple(parsed.body.split("\n")) if parsed.body else ()
    if len(parsed.body) < MIN_BODY_CHARS:
        raise ExtractError(
            f"no article text on the page ({len(parsed.body)} characters found: "
            "an index, a video or a teaser?)"
        )
    published = precision = None
    if document.date:
        try:
            published, precision = _precision(dt.date.fromisoformat(document.date[:10]), html, url)
        except ValueError:
            published = None
    if published is None and (published := _feed_date(feed_entry)):
        precision = "day"
    declared = feed_entry.get("language") or ""
    if m := _HTML_LANG_RE.search(html[:4096]):
        declared = declared or m[1]
    return Extracted(
        title=parsed.title,
        paragraphs=paragraphs,
        byline=" ".join(
            (document.author or parsed.byline or feed_entry.get("author") or "").split()
        )[:300],
        published=published,
        precision=precision or "day",
        language=choose_language(parsed.body, declared),
        sha256=hashlib.sha256(content).hexdigest(),
        encoding=encoding,
        declared_language=declared,
        sitename=(document.sitename or "").strip(),
    )


# --- Collecting ----------------------------------------------------------------------------


@dataclass
class Collected:
    """What `collect_page` did, in words a command prints."""

    item: object  # the CollectedItem
    outcome: str  # new, updated, duplicate, failed
    slug: str = ""
    messages: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.outcome == "new":
            return f"new: {self.slug}"
        if self.outcome == "updated":
            return f"updated: {self.slug} (the page's text changed; the old one is in history)"
        if self.outcome == "duplicate":
            return f"already in the archive: {self.slug}"
        return f"{self.item.url}: {'; '.join(self.messages)}"


def check_address(url: str) -> str:
    """The address, stripped, or ValueError saying what is wrong with it."""
    url = (url or "").strip()
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise ValueError("not a web address (it must start with http:// or https://)")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValueError("not a valid web address") from None
    if len(url) > 1000:
        raise ValueError("address too long (over 1,000 characters)")
    return url


def collect_page(
    url: str,
    *,
    source=None,
    feed=None,
    feed_entry: dict | None = None,
    public: bool | None = None,
    refetch: bool = False,
):
    """Collect one address (see the module's docstring); returns its CollectedItem.

    `source` (a Source) or the feed's outlet names where the article comes from, else the
    outlet whose address has the page's host (made when none has). `public` overrides the
    outlet's `publish_collected`. An item already imported or found a duplicate is not
    fetched again unless `refetch` (an analyst pasting it again: its text may have
    changed); nothing new is written and the item keeps its status (`collect` reports the
    outcome "duplicate"). ValueError: not a web address.
    """
    return collect(url, source=source, feed=feed, feed_entry=feed_entry, public=public,
                   refetch=refetch).item  # fmt: skip


def collect(url, *, source=None, feed=None, feed_entry=None, public=None, refetch=False):
    """`collect_page`, with what happened in words (`Collected.line()`)."""
    from archive.ingest.http import HTML_ACCEPT, FetchError, fetch
    from archive.models import CollectedItem, CollectStatus

    url = check_address(url)
    key = url_key(url)
    if feed is not None and source is None:
        source = feed.source
    item, created = CollectedItem.objects.get_or_create(
        url_key=key,
        defaults={"url": url, "feed": feed, "source": source, "feed_entry": feed_entry or {}},
    )
    done = (CollectStatus.IMPORTED, CollectStatus.DUPLICATE)
    if not created and item.status in done and item.article_id and not refetch:
        # Nothing new. The item keeps its status: "imported" says it made the article (a
        # feed's count of articles made reads it), "duplicate" that another item or an
        # import did.
        return Collected(item, "duplicate", item.article.slug)
    CollectedItem.objects.filter(pk=item.pk).update(attempts=item.attempts + 1)
    item.attempts += 1
    try:
        fetched = fetch(url, accept=HTML_ACCEPT, max_bytes=settings.ARCHIVE_COLLECT_PAGE_MAX_BYTES)
        if fetched.not_modified or not fetched.content:
            raise ExtractError(f"the server sent no page (status {fetched.status})")
        page = extract(fetched.content, fetched.url, fetched.headers, feed_entry=item.feed_entry)
    except (FetchError, ExtractError) as exc:
        return _failed(item, [str(exc)])
    return _import(item, page, source=source or item.source, public=public)


def _failed(item, messages: list[str]) -> Collected:
    from archive.models import CollectStatus

    item.status = CollectStatus.FAILED
    item.message = "\n".join(messages)
    item.done = timezone.now()
    item.save(update_fields=["status", "message", "done"])
    return Collected(item, "failed", messages=messages)


def _import(item, page: Extracted, *, source, public: bool | None) -> Collected:
    """The checks of an import that only a page needs, then the importer's one path, under
    its lock: the same page collected twice at once is still one article."""
    from archive.ingest.importing import _lock_imports, import_entries
    from archive.models import Article, CollectStatus

    problems = []
    if page.language not in ISO_639_1:
        problems.append(f"unknown language {page.language!r} (use ISO 639-1)")
    if len(page.body) > max_body_chars():
        problems.append(
            f"body too long ({len(page.body):,} characters): the limit is "
            f"{max_body_chars():,} (ARCHIVE_MAX_BODY_CHARS)"
        )
    if not page.title:
        problems.append("no title on the page")
    elif len(page.title) > Article._meta.get_field("title").max_length:
        problems.append("title too long")
    if problems:
        return _failed(item, problems)
    fingerprint = text_fingerprint(page.body)
    with transaction.atomic():
        _lock_imports()
        same_address = (
            Article.objects.filter(url_key=item.url_key).select_related("source", "story").first()
        )
        same_text = (
            Article.objects.filter(text_fingerprint=fingerprint).order_by("pk").first()
            if same_address is None or same_address.text_fingerprint != fingerprint
            else same_address
        )
        if same_text is not None:  # the same text, here or at another address
            if not (item.status == CollectStatus.IMPORTED and item.article_id == same_text.pk):
                item.status = CollectStatus.DUPLICATE  # else it made this article: it says so
            item.article, item.message = same_text, ""
            item.done = timezone.now()
            item.save(update_fields=["status", "article", "message", "done"])
            return Collected(item, "duplicate", same_text.slug)
        source = _source(source, item.url, page.sitename)
        entry = _entry(item, page, source, public, same_address)
        result = import_entries(
            [entry], update=same_address is not None, where=item.url, waiting=None
        )
        if not result.ok:
            return _failed(item, [p.message for p in result.problems])
        article = Article.objects.get(slug=entry.slug)
        item.status, item.article, item.message = CollectStatus.IMPORTED, article, ""
        item.source = item.source or source
        item.done = timezone.now()
        item.save(update_fields=["status", "article", "message", "done", "source"])
    outcome = "updated" if same_address is not None else "new"
    return Collected(item, outcome, article.slug)


def _entry(item, page: Extracted, source, public, existing) -> Entry:
    from archive.models import Article
    from archive.services import unique_slug

    parsed = parse_text(page.body, title=page.title)
    if existing is not None:
        # The update path: the article keeps its slug, outlet, story and an editor's
        # choice of visibility; the page gives the text and what it says of it.
        slug, public = existing.slug, None
        source_name = existing.source.name if existing.source_id else ""
        story = existing.story.slug if existing.story_id else ""
        original = existing.translation_of.slug if existing.translation_of_id else ""
    else:
        slug = unique_slug(Article, page.title, fallback="article")
        source_name = source.name if source else ""
        story = original = ""
        if public is None:
            public = bool(source and source.publish_collected)
    return Entry(
        path=item.url,
        manifest=None,
        slug=slug,
        language=page.language,
        parsed=parsed,
        sha256=Article.text_sha256(parsed.body),
        source=source_name,
        url=item.url,
        byline=page.byline,
        published=page.published,
        precision=page.precision,
        story=story,
        translation_of=original,
        public=public,
        fetched_sha256=page.sha256,
    )


def _source(source, url: str, sitename: str):
    """The given outlet, else the one whose address has the page's host, else a new one
    named after the site (held for review, as every outlet is by default)."""
    from archive.models import Source
    from archive.services import unique_slug

    if source is not None:
        return source
    host = urlsplit(url_key(url)).netloc
    for pk, address in Source.objects.exclude(url="").values_list("pk", "url"):
        if urlsplit(url_key(address)).netloc == host:
            return Source.objects.get(pk=pk)
    name = sitename or host
    found = Source.objects.filter(name=name).first()
    if found is not None:
        return found
    return Source.objects.create(
        name=name, slug=unique_slug(Source, name, fallback="source"), url=f"https://{host}/"
    )

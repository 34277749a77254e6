"""Exports a reader can open in a spreadsheet: CSV and JSON, streamed row by row.

The rows come from a QuerySet's `.iterator()`, so a list of a hundred thousand articles is
never held in memory, and the response starts before the last row is read. CSV cells
that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) are prefixed
with an apostrophe (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from archive.formats.rendering import date_at_precision

CHUNK = 1000
FORMATS = ("csv", "json")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """csv.writer writes here; each row comes back as the string to stream."""

    def write(self, value: str) -> str:
        return value


def _safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_lines(rows: Iterable[dict], columns: list[str]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so spreadsheets read Arabic as UTF-8
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_safe_cell(row.get(c)) for c in columns])


def _json_lines(rows: Iterable[dict]) -> Iterator[str]:
    yield "["
    first = True
    for row in rows:
        yield ("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False)
        first = False
    yield "\n]\n"


def response(rows: Iterable[dict], columns: list[str], fmt: str, filename: str):
    """A streamed download of `rows` (dicts with `columns`) as "csv" or "json"."""
    if fmt == "csv":
        body, content_type = _csv_lines(rows, columns), "text/csv; charset=utf-8"
    else:
        body, content_type = _json_lines(rows), "application/json"
    result = StreamingHttpResponse(body, content_type=content_type)
    result["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return result


ARTICLE_COLUMNS = ["title", "outlet", "published", "language", "url", "archive_url", "slug"]


def article_rows(articles, absolute: Callable[[str], str]) -> Iterator[dict]:
    """One dict per article of `articles` (a QuerySet, read in chunks); `absolute` turns a
    path into the archive's full URL."""
    for article in articles.select_related("source").iterator(chunk_size=CHUNK):
        yield {
            "title": article.title,
            "outlet": article.source.name if article.source_id else "",
            "published": date_at_precision(article, iso=True) or "",
            "language": article.language,
            "url": article.url,
            "archive_url": absolute(article.get_absolute_url()),
            "slug": article.slug,
        }


CLAIM_COLUMNS = [
    "speaker",
    "text",
    "kind",
    "verification",
    "said_on",
    "article",
    "outlet",
    "published",
    "archive_url",
]


def claim_rows(claims, absolute: Callable[[str], str]) -> Iterator[dict]:
    """One dict per claim of `claims` (a QuerySet of visible claims), read in chunks."""
    rows = claims.select_related("speaker", "article", "article__source").iterator(chunk_size=CHUNK)
    for claim in rows:
        article = claim.article
        yield {
            "speaker": claim.speaker.name if claim.speaker_id else "",
            "text": claim.text,
            "kind": claim.get_kind_display(),
            "verification": claim.get_verification_display(),
            "said_on": claim.date.isoformat() if claim.date else "",
            "article": article.title,
            "outlet": article.source.name if article.source_id else "",
            "published": date_at_precision(article, iso=True) or "",
            "archive_url": absolute(claim.get_absolute_url()),
        }

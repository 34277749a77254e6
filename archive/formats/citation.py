"""How to cite an article or a claim: plain text, BibTeX and CSL-JSON.

Plain functions of the rows (no queries): the caller passes the article with its outlet
loaded and the absolute archive URL. The date is given only as precisely as it is known
(an article dated to the year has no month in any format), and a title the archive wrote
itself is marked as such, never passed off as the outlet's.
"""

from __future__ import annotations

import json
import re
import unicodedata

from django.utils import timezone
from django.utils.translation import gettext as _

from archive.formats.rendering import date_at_precision

_BIBTEX_SPECIAL = re.compile(r"([{}\\#$%&_^~])")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _date_parts(article) -> list[int] | None:
    """CSL date-parts at the article's precision: [2018], [2020, 1] or [2020, 1, 4]."""
    iso = date_at_precision(article, iso=True)
    return [int(part) for part in iso.split("-")] if iso else None


def _title(article) -> str:
    if getattr(article, "title_is_editorial", False):
        return f"[{article.title}]"  # square brackets: a title supplied by the archive
    return article.title


def plain(article, archive_url: str, *, accessed=None) -> str:
    """One line a reader can paste: byline, title, outlet, date, where to read it."""
    accessed = accessed or timezone.now().date()
    parts = []
    if article.byline:
        parts.append(article.byline.strip().rstrip(".") + ".")
    parts.append(f"“{_title(article)}”.")
    outlet = article.source.name if article.source_id else _("Unknown outlet")
    date = date_at_precision(article) or _("undated")
    parts.append(f"{outlet}, {date}.")
    if article.url:
        parts.append(f"{article.url}.")
    parts.append(
        _("Archived at %(url)s (accessed %(date)s).")
        % {
            "url": archive_url,
            "date": accessed.isoformat(),
        }
    )
    return " ".join(parts)


def _bibtex_escape(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


def bibtex_key(article) -> str:
    """A stable key: the slug's first ASCII word and the year, e.g. `libyan2018`."""
    ascii_slug = unicodedata.normalize("NFKD", article.slug).encode("ascii", "ignore").decode()
    word = re.split(r"[^a-z0-9]+", ascii_slug.lower())[0] or f"article{article.pk}"
    return word + (str(article.published.year) if article.published else "")


def bibtex(article, archive_url: str) -> str:
    fields = [("title", "{" + _bibtex_escape(_title(article)) + "}")]
    if article.byline:
        fields.append(("author", "{" + _bibtex_escape(article.byline) + "}"))
    if article.source_id:
        fields.append(("journal", "{" + _bibtex_escape(article.source.name) + "}"))
    parts = _date_parts(article)
    if parts:
        fields.append(("year", str(parts[0])))
        if len(parts) > 1:
            fields.append(("month", _MONTHS[parts[1] - 1]))
        if len(parts) > 2:
            fields.append(("day", str(parts[2])))
    fields.append(("language", "{" + article.language + "}"))
    fields.append(("url", "{" + (article.url or archive_url) + "}"))
    if article.url:
        fields.append(("note", "{Archived at \\url{" + archive_url + "}}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@article{{{bibtex_key(article)},\n{body}\n}}"


def csl(article, archive_url: str) -> dict:
    """CSL-JSON (citeproc's input) for one article-newspaper item."""
    item = {
        "id": article.slug,
        "type": "article-newspaper",
        "title": _title(article),
        "language": article.language,
        "URL": article.url or archive_url,
    }
    if article.byline:
        item["author"] = [{"literal": article.byline}]
    if article.source_id:
        item["container-title"] = article.source.name
    parts = _date_parts(article)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if article.url:
        item["archive"] = archive_url
    return item


def all_formats(article, archive_url: str) -> dict[str, str]:
    """What the Cite box shows: {"text", "bibtex", "csl"} (the last as indented JSON)."""
    return {
        "text": plain(article, archive_url),
        "bibtex": bibtex(article, archive_url),
        "csl": json.dumps([csl(article, archive_url)], ensure_ascii=False, indent=2),
    }

"""How the archive shows things in HTML: annotated bodies, dates at their precision, charts.

`render_paragraphs` turns a plain-text body and its highlighted spans into escaped HTML,
one paragraph at a time. Spans may nest or overlap: each paragraph is cut at every span
boundary and tags are closed and reopened so the HTML stays well formed. A name inside a
longer name ("Skhirat" in "Political Agreement of Skhirat") keeps its own link: links never
nest, so the outer one is a link on its other words and a marked span around the inner
one. Highlights are
inline elements with no padding, margin or border, so a name inside an Arabic word
(السراج in والسراج) keeps its letters joined.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import zlib
from dataclasses import dataclass, field
from html import escape

from django.conf import settings
from django.core.cache import cache
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from archive.release import code_version
from archive.text.align import paragraph_spans

# Dates ----------------------------------------------------------------------------------

# Per precision: how a reader sees the date, and how long its ISO 8601 form is.
_PRECISION_FORMATS = {"year": ("Y", 4), "month": ("F Y", 7), "day": ("j F Y", 10)}


def date_at_precision(article, *, iso: bool = False) -> str | None:
    """The article's date no more precise than it is known, or None when undated.

    For readers "4 January 2020", "January 2020" or "2020" (localized); with `iso`
    "2020-01-04", "2020-01" or "2020" (HTML `datetime`, the API). A month-precision date is
    stored on the 1st: that day is never shown.
    """
    if article.published is None:
        return None
    shown, iso_length = _PRECISION_FORMATS.get(
        article.published_precision, _PRECISION_FORMATS["day"]
    )
    if iso:
        return article.published.isoformat()[:iso_length]
    return formats.date_format(article.published, shown)


# Annotated text -------------------------------------------------------------------------


@dataclass
class Highlight:
    """A stretch of the body to wrap: `tag` with `attrs` on every fragment, `first_attrs`
    (an id, say) only on the first one."""

    start: int
    end: int
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    first_attrs: dict[str, str] = field(default_factory=dict)
    order: int = 0


def _open(h: Highlight, first: bool, as_link: bool) -> str:
    """The opening tag of `h`; a link that is not the innermost one here is a marked span."""
    tag = "span" if (h.tag == "a" and not as_link) else h.tag
    attrs = dict(h.attrs)
    if tag == "span" and h.tag == "a":
        attrs.pop("href", None)
    if first:
        attrs.update(h.first_attrs)
    return f"<{tag}{_attributes(attrs)}>"


def _attributes(attrs: dict[str, str]) -> str:
    return "".join(f' {k}="{escape(v, quote=True)}"' for k, v in attrs.items())


def _close(h: Highlight, as_link: bool) -> str:
    return f"</{'span' if (h.tag == 'a' and not as_link) else h.tag}>"


def _extra_link(h: Highlight) -> str:
    """A link of its own, right after `h`, for a link whose every letter lies inside other
    links (two entities on the same words): without it, `h` could not be reached. It holds
    no text, so the body reads (and copies) unchanged; CSS draws a mark, aria-label names it."""
    attrs = dict(h.attrs)
    attrs["class"] = (attrs.get("class", "") + " mention-extra").strip()
    attrs.setdefault("aria-label", attrs.get("title", ""))
    return f"<a{_attributes(attrs)}></a>"


def _key(h: Highlight) -> tuple[int, int, int]:
    return (h.start, -h.end, h.order)


def _render(
    text: str, offset: int, spans: list[Highlight], opened: set[int], linked: set[int]
) -> str:
    """Escaped `text` (which starts at `offset` of the body) with `spans`, which all
    overlap it, applied: one sweep over their edges.

    `opened` collects the ids of highlights already rendered once (so `first_attrs`, such
    as an anchor id, appear once even when a span is split); `linked` those already shown
    as a real link somewhere.

    The open elements form a stack ordered as (start, -end, order). At each edge the
    elements that end there are closed together with every element opened after them
    (HTML nests), and those that go on are reopened with the ones that start there. The
    work is proportional to the tags written, never to (spans × edges).

    Links may nest (a name inside a longer name) but `<a>` may not: only the innermost open
    link is an `<a>`; the links around it are marked spans there and links again on their
    other words. So both stay visible, clickable and in the keyboard's order.
    """
    end_of_text = offset + len(text)
    spans = sorted(spans, key=_key)  # stable: equal keys keep the caller's order
    ends_at: dict[int, list[Highlight]] = {}
    cuts = {offset, end_of_text}
    for h in spans:
        cuts.add(max(h.start, offset))
        end = min(h.end, end_of_text)
        cuts.add(end)
        ends_at.setdefault(end, []).append(h)
    cuts = sorted(cuts)
    out: list[str] = []
    stack: list[Highlight] = []
    top_link: list[int] = []  # top_link[i]: index of the last link in stack[: i + 1], or -1
    where: dict[int, int] = {}  # id(highlight) -> its index in stack
    anchor = -1  # index in stack of the one element written as <a>, or -1
    following = 0  # the next span (in key order) not opened yet

    def close_from(keep: int, gone: set[int], at_end: bool) -> list[Highlight]:
        """Close stack[keep:]; the ones that go on, in order."""
        nonlocal anchor
        for i in range(len(stack) - 1, keep - 1, -1):
            out.append(_close(stack[i], i == anchor))
        # No <a> is open now (the one <a> was above every link that ends): a link that was
        # never a real link gets its own here.
        for h in stack[keep:]:
            ends_here = id(h) in gone and (not at_end or h.end <= end_of_text)
            if ends_here and h.tag == "a" and id(h) not in linked:
                out.append(_extra_link(h))
                linked.add(id(h))
        reopen = [h for h in stack[keep:] if id(h) not in gone]
        for h in stack[keep:]:
            del where[id(h)]
        del stack[keep:], top_link[keep:]
        if anchor >= keep:
            anchor = -1
        return reopen

    def push(h: Highlight, as_link: bool) -> None:
        nonlocal anchor
        out.append(_open(h, id(h) not in opened, as_link))
        opened.add(id(h))
        if as_link:
            anchor = len(stack)
            linked.add(id(h))
        where[id(h)] = len(stack)
        below = top_link[-1] if top_link else -1
        top_link.append(len(stack) if h.tag == "a" else below)
        stack.append(h)

    for a, b in zip(cuts, cuts[1:], strict=False):
        starting = []
        while following < len(spans) and max(spans[following].start, offset) <= a:
            starting.append(spans[following])
            following += 1
        ending = ends_at.get(a, ())
        gone = {id(h) for h in ending}
        keep = min((where[id(h)] for h in ending), default=len(stack))
        # Which element will be the one <a>: the last link among those opened now, else
        # the last link that stays open.
        new_top = next((h for h in reversed(starting) if h.tag == "a"), None)
        if new_top is None:
            new_top = next(
                (h for h in reversed(stack[keep:]) if h.tag == "a" and id(h) not in gone), None
            )
        if new_top is not None:
            if 0 <= anchor < keep:  # the old <a> stays open but is no longer innermost
                keep = anchor
        elif keep and top_link[keep - 1] >= 0 and top_link[keep - 1] != anchor:
            keep = top_link[keep - 1]  # an outer link becomes the innermost: a link again
            new_top = stack[keep]
        elif keep and top_link[keep - 1] >= 0:
            new_top = stack[top_link[keep - 1]]
        reopen = close_from(keep, gone, at_end=False) if keep < len(stack) else []
        for h in reopen + starting:
            push(h, h is new_top)
        out.append(escape(text[a - offset : b - offset], quote=False))
    close_from(0, {id(h) for h in stack}, at_end=True)
    return "".join(out)


def render_ranges(
    body: str, ranges: list[tuple[int, int]], highlights: list[Highlight]
) -> list[SafeString]:
    """The HTML of each (start, end) stretch of `body`, in order, with `highlights` applied.

    `ranges` must be in order and not overlap (paragraphs). One sweep: each highlight is
    looked at in the ranges it overlaps only, so the cost does not grow as
    ranges × highlights.
    """
    opened: set[int] = set()
    linked: set[int] = set()
    ordered = sorted((h for h in highlights if h.start < h.end), key=_key)
    result = []
    carried: list[Highlight] = []  # began before the previous range ended and go on past it
    following = 0
    for start, end in ranges:
        inside = [h for h in carried if h.end > start]
        while following < len(ordered) and ordered[following].start < end:
            h = ordered[following]
            following += 1
            if h.end > start:
                inside.append(h)
        carried = [h for h in inside if h.end > end]
        result.append(mark_safe(_render(body[start:end], start, inside, opened, linked)))
    return result


def render_paragraphs(body: str, highlights: list[Highlight]) -> list[tuple[int, SafeString]]:
    """(index, html) of each paragraph of `body` (as `archive.text.align.paragraphs`)."""
    return list(enumerate(render_ranges(body, paragraph_spans(body), highlights)))


# Paragraphs are joined with NUL to be stored: PostgreSQL text (the body) cannot hold one.
_PARAGRAPH_BREAK = "\x00"


def stored_paragraphs(body: str, highlights: list[Highlight]) -> list[tuple[int, SafeString]]:
    """render_paragraphs, kept in the cache under a digest of the body, the highlights
    (their spans, tags and attributes: links, titles in the reader's language) and the code:
    an article's body with thousands of highlights takes a second to render, and whatever
    bypasses the page cache (a session, a new parameter) finds it here. The same text and
    highlights give the same HTML, so an entry is never stale; the page cache's switch,
    lifetime and size limit apply (archive/web/caching.py)."""
    seconds = settings.ARCHIVE_PAGE_CACHE_SECONDS
    if seconds <= 0:
        return render_paragraphs(body, highlights)
    digest = hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=16)
    digest.update(
        repr([(h.start, h.end, h.tag, h.attrs, h.first_attrs, h.order) for h in highlights]).encode(
            "utf-8", "surrogatepass"
        )
    )
    key = f"archive:body:{code_version()}:{digest.hexdigest()}"
    try:
        stored = cache.get(key)
    except Exception:  # noqa: BLE001 - an unreachable cache only costs speed
        stored = None
    if stored is not None:
        count, packed = stored
        text = zlib.decompress(packed).decode("utf-8", "surrogatepass")
        return list(enumerate(mark_safe(p) for p in text.split(_PARAGRAPH_BREAK)[:count]))
    rendered = render_paragraphs(body, highlights)
    packed = zlib.compress(
        _PARAGRAPH_BREAK.join(html for _i, html in rendered).encode("utf-8", "surrogatepass")
    )
    if len(packed) <= settings.ARCHIVE_PAGE_CACHE_MAX_BYTES:
        with contextlib.suppress(Exception):  # an unreachable cache only costs speed
            cache.set(key, (len(rendered), packed), seconds)
    return rendered


def mention_highlight(mention, *, extra_class: str = "") -> Highlight:
    entity = mention.entity
    classes = ["mention", f"mention-{entity.kind}"]
    if mention.status == "suggested":
        classes.append("suggested")
    if extra_class:
        classes.append(extra_class)
    title = entity.name
    if mention.status == "suggested":
        title += " · " + _("machine-suggested")
    return Highlight(
        mention.start,
        mention.end,
        "a",
        {"class": " ".join(classes), "href": entity.get_absolute_url(), "title": title},
        # Inside claims; on the very same words as a suggestion, a confirmed mention is the
        # inner one, so the words themselves link to it.
        order=1 if mention.status == "suggested" else 2,
    )


def claim_highlight(claim, *, extra_class: str = "") -> Highlight:
    speaker = claim.speaker.name if claim.speaker_id else _("Unknown speaker")
    classes = "claim" + (f" {extra_class}" if extra_class else "")
    return Highlight(
        claim.start,
        claim.end,
        "mark",
        {
            "class": classes,
            "tabindex": "0",
            "data-speaker": speaker,
            "data-claim": str(claim.pk),
            "title": _("Said by %(speaker)s") % {"speaker": speaker},
        },
        first_attrs={"id": f"claim-{claim.pk}"},
        order=0,
    )


# Charts ---------------------------------------------------------------------------------


def month_chart_svg(rows: list[tuple[datetime.date, int]], *, label: str = "") -> SafeString:
    """A bar chart of mentions per month, drawn on the server as inline SVG.

    Months without mentions between the first and the last are drawn as empty slots.
    """
    if not rows:
        return mark_safe("")
    counts = {(d.year, d.month): n for d, n in rows}
    first, last = min(counts), max(counts)
    months = []
    y, m = first
    while (y, m) <= last and len(months) < 600:
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    peak = max(counts.values())
    bar, gap, height, top = 14, 4, 120, 16
    width = max(len(months) * (bar + gap) + 40, 200)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height + top + 34}" '
        f'width="{width}" height="{height + top + 34}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
        f'<line x1="30" y1="{top + height}" x2="{width - 4}" y2="{top + height}" class="axis"/>',
        f'<text x="26" y="{top + 4}" class="tick" text-anchor="end">{peak}</text>',
        f'<text x="26" y="{top + height}" class="tick" text-anchor="end">0</text>',
    ]
    # "F Y" is the month's name and the year: twelve names looked up, not one per bar
    # (twenty years of bars made this the dearest part of a person's page).
    month_names = {m: formats.date_format(datetime.date(2000, m, 1), "F") for m in range(1, 13)}
    for i, (yy, mm) in enumerate(months):
        n = counts.get((yy, mm), 0)
        x = 34 + i * (bar + gap)
        h = round(height * n / peak) if peak else 0
        name = f"{month_names[mm]} {yy}"
        parts.append(
            f'<rect x="{x}" y="{top + height - h}" width="{bar}" height="{h}" class="bar">'
            f"<title>{escape(name)}: {n}</title></rect>"
        )
        if mm == 1 or i == 0:
            parts.append(f'<text x="{x}" y="{top + height + 16}" class="tick">{yy}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))

"""The sentence around a span: what a claim page shows so a quote is read in context."""

from __future__ import annotations

import re

# Ends of sentences in English and Arabic (؟ Arabic question mark, ۔ Urdu full stop), and
# paragraph breaks.
_END = re.compile(r"[.!?؟۔](?=\s|$)|\n")


def sentence_around(text: str, start: int, end: int, *, limit: int = 400) -> tuple[str, str, str]:
    """(before, span, after): the span with the rest of its sentence(s) on each side.

    Offsets are code points. The context stops at a sentence end or a paragraph break and
    never runs longer than `limit` characters a side (cut at a space, marked with "…").
    """
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if end < start:
        start, end = end, start
    head = 0
    for match in _END.finditer(text, 0, start):
        head = match.end()
    tail_match = _END.search(text, end)
    tail = tail_match.end() if tail_match and tail_match.group() != "\n" else len(text)
    if tail_match and tail_match.group() == "\n":
        tail = tail_match.start()
    before, after = text[head:start].lstrip(), text[end:tail].rstrip()
    if len(before) > limit:
        cut = before.find(" ", len(before) - limit)
        before = "…" + before[cut + 1 if cut >= 0 else len(before) - limit :]
    if len(after) > limit:
        cut = after.rfind(" ", 0, limit)
        after = after[: cut if cut > 0 else limit] + "…"
    return before, text[start:end], after

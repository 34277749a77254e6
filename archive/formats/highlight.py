"""Where a reader's query words and names are in a text: highlighted spans, snippets and
marked titles for search results (plain offsets in, escaped HTML out; `mark_hits` puts
them on the results a page shows)."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django.utils.safestring import SafeString, mark_safe

from archive.reads.fulltext import OPERATORS, WORD, clean_query, split_query
from archive.text.arabic import ARTICLE, PREFIXES, is_arabic
from archive.text.normalize import normalize, normalize_with_offsets, original_span

# Snippets ---------------------------------------------------------------------------------


# Pure, and called for every word of a body against every term and name word: the same
# pairs recur from article to article (a page of snippets cost 180 ms without it).
@lru_cache(maxsize=65_536)
def _word_matches(text_word: str, term: str) -> bool:
    if text_word == term:
        return True
    # Stemming: "meetings" finds "meeting"; an Arabic word may carry proclitics (والسراج).
    shortest = min(len(text_word), len(term))
    if shortest >= 4 and (text_word.startswith(term) or term.startswith(text_word)):
        return True
    if is_arabic(term):
        for prefix in PREFIXES:
            if text_word.startswith(prefix) and _word_matches_exact(text_word[len(prefix) :], term):
                return True
            if term.startswith(prefix) and _word_matches_exact(term[len(prefix) :], text_word):
                return True
    return False


def _word_matches_exact(a: str, b: str) -> bool:
    return len(a) >= 2 and (a == b or a == ARTICLE + b or ARTICLE + a == b)


def highlight_spans(body: str, query: str, entity_names: list[str] = ()) -> list[tuple[int, int]]:
    """Spans of `body` (original offsets) whose normalized words match the query's words
    or the normalized names of matched entities."""
    normalized, offsets = normalize_with_offsets(body)
    return sorted({original_span(offsets, s, e) for s, e in _hits(normalized, query, entity_names)})


def _hits(normalized: str, query: str, entity_names) -> list[tuple[int, int]]:
    """Spans of the normalized text `normalized` that match (see `highlight_spans`)."""
    words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(normalized)]
    spans: list[tuple[int, int]] = []
    terms = _terms(query)
    for start, end, word in words:
        if _matches_any(word, terms):
            spans.append((start, end))
    names = _name_words(tuple(entity_names))
    if not names:
        return spans
    firsts = tuple(name[0] for name in names)
    for i, (_, _, word) in enumerate(words):
        for k in _names_starting(word, firsts):
            name_words = names[k]
            window = words[i : i + len(name_words)]
            if len(window) == len(name_words) and all(
                _word_matches(w[2], t) for w, t in zip(window, name_words, strict=True)
            ):
                spans.append((window[0][0], window[-1][1]))
    return spans


@lru_cache(maxsize=65_536)
def _names_starting(word: str, firsts: tuple[str, ...]) -> tuple[int, ...]:
    """Which names (by their first words `firsts`) may begin at `word`."""
    return tuple(k for k, first in enumerate(firsts) if _word_matches(word, first))


@lru_cache(maxsize=256)
def _terms(query: str) -> tuple[str, ...]:
    """The normalized words of the query a snippet marks (not operators, not one letter)."""
    words = WORD.findall(normalize(split_query(clean_query(query))[0]))
    return tuple(w for w in words if w not in OPERATORS and len(w) > 1)


@lru_cache(maxsize=65_536)
def _matches_any(word: str, terms: tuple[str, ...]) -> bool:
    return any(_word_matches(word, t) for t in terms)


@lru_cache(maxsize=256)
def _name_words(names: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The normalized words of each name (the same names for every snippet of a page)."""
    found = (tuple(WORD.findall(normalize(name))) for name in names)
    return [words for words in found if words]


# A snippet normalizes only the text up to its first hit, piece by piece, then its own
# window: normalizing whole bodies (Arabic above all) was the dearest part of a results page.
SNIPPET_PIECE = 400
SNIPPET_OVERLAP = 80  # longer than any name, so a name across two pieces is still seen


def _spans_in(body: str, start: int, end: int, query: str, entity_names) -> list[tuple]:
    """`highlight_spans` of body[start:end], in offsets of `body`."""
    found = highlight_spans(body[start:end], query, entity_names)
    return [(s + start, e + start) for s, e in found]


def _word_end(body: str, at: int) -> int:
    """The first space at or after `at` (or the end): pieces never split a word."""
    space = body.find(" ", at)
    return len(body) if space < 0 else space


def _first_hit(body: str, query: str, entity_names) -> int | None:
    start = 0
    while start < len(body):
        end = _word_end(body, start + SNIPPET_PIECE)
        spans = _spans_in(body, start, end, query, entity_names)
        if spans:
            return spans[0][0]
        if end >= len(body):
            return None
        start = body.rfind(" ", start, max(start + 1, end - SNIPPET_OVERLAP)) + 1 or end
    return None


def _near(body: str, normalized: str, query: str, entity_names, width: int) -> list[tuple]:
    """Hits around the first one, found in `normalized` (the stored `body_search`, which is
    normalize(body)) without normalizing the body; [] when it is not found there."""
    first = _first_in(normalized, query, entity_names)
    if first is None:
        return []
    # Normalizing drops or expands characters: the hit lies within `drift` of `first`.
    drift = abs(len(body) - len(normalized)) + 40
    # The excerpt starts at most width // 2 before the hit and ends width + 30 after it.
    start = body.rfind(" ", 0, max(0, first - drift - width // 2)) + 1
    end = _word_end(body, first + drift + width + 30)
    return _spans_in(body, start, end, query, entity_names)


def _first_in(normalized: str, query: str, entity_names) -> int | None:
    """Where the first hit of `_hits` starts, reading only as far as it."""
    terms, names = _terms(query), _name_words(tuple(entity_names))
    firsts = tuple(name[0] for name in names)
    for match in WORD.finditer(normalized):
        word = match.group()
        if terms and _matches_any(word, terms):
            return match.start()
        for k in _names_starting(word, firsts) if names else ():
            rest = names[k][1:]
            after = WORD.finditer(normalized, match.end())
            # The next words, as many as the name has left (fewer at the end of the text).
            following = [w.group() for w, _ in zip(after, rest, strict=False)]
            if len(following) == len(rest) and all(
                _word_matches(w, t) for w, t in zip(following, rest, strict=True)
            ):
                return match.start()
    return None


def snippet(
    body: str,
    query: str,
    entity_names: list[str] = (),
    *,
    width: int = 220,
    normalized: str | None = None,
) -> SafeString:
    """An escaped excerpt of `body` around the first hit, hits wrapped in <mark>.

    Pass `normalized` (the article's `body_search`) to find the hit without normalizing
    the body: the dearest part of a results page otherwise."""
    spans = _near(body, normalized, query, entity_names, width) if normalized else []
    if not spans:
        first = _first_hit(body, query, entity_names)
        if first is not None:
            # Every hit of the excerpt (at most width + 30 characters from its start).
            window_start = body.rfind(" ", 0, max(0, first - width)) + 1
            window_end = _word_end(body, first + width + 30)
            spans = _spans_in(body, window_start, window_end, query, entity_names)
    if not spans:
        text = body[:width]
        return mark_safe(escape(text) + ("…" if len(body) > width else ""))
    first = spans[0][0]
    start = max(0, first - width // 3)
    # Begin on a word boundary.
    if start > 0:
        space = body.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and first - space < width // 2 else start
    end = min(len(body), start + width)
    if end < len(body):
        space = body.find(" ", end)
        end = space if 0 <= space < end + 30 else end
    text = _marked(body, spans, start, end).replace("\n", " ¶ ")
    return mark_safe(("…" if start > 0 else "") + text + ("…" if end < len(body) else ""))


def mark_hits(articles, query: str, entity_names: list[str] = ()) -> None:
    """Search results as shown: on each article a snippet around its first hit
    (`snippet`, read from the stored normalized body, `body_search`) and the title with its
    hits marked (`title_marked`: a phrase may match in the title alone)."""
    for article in articles:
        article.snippet = snippet(article.body, query, entity_names, normalized=article.body_search)
        article.title_marked = marked(article.title, query, entity_names)


def marked(text: str, query: str, entity_names: list[str] = ()) -> SafeString:
    """The whole of a short `text` (a title), escaped, its hits wrapped in <mark>."""
    spans = highlight_spans(text, query, entity_names)
    return mark_safe(_marked(text, spans, 0, len(text)))


def _marked(body: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    """body[start:end] escaped, with the parts inside `spans` in <mark>."""
    out, pos = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start, pos), min(e, end)
        if s >= e:
            continue
        out.append(escape(body[pos:s]))
        out.append("<mark>" + escape(body[s:e]) + "</mark>")
        pos = e
    out.append(escape(body[pos:end]))
    return "".join(out)

"""Dictionary-based entity matcher for suggested mentions (English and Arabic).

(About 600 lines, one module on purpose. What stands alone already lives beside it:
normalization in ``normalize``, Arabic clitics in ``arabic``, spelling variants in
``variants``. What is left are the rules below, which read the same tokens and the same
alias index through private types (``_Tok``, ``_Alias``, ``_Cand``) and depend on their
order: a bare surname or an abbreviation counts only after a full name, overlaps are
resolved last. Split, each part would reach into the others' internals.)

Plain Python, no Django.  Build a :class:`Matcher` once from :class:`AliasEntry` rows and
call :meth:`Matcher.find` on many texts.  Spans are in the *original* text
(``match.text == text[match.start:match.end]``).

Matching rules (see the tests for examples):

* Texts and aliases are normalised with :func:`archive.text.normalize.normalize`
  (case, Latin accents, Arabic alef/ya/ta marbuta forms, tashkeel, tatweel, digits) and
  split into tokens (runs of letters/digits).  Matches start and end on token boundaries.
* Arabic: a leading article ``ال`` is not significant (alias ``سراج`` matches ``السراج``
  and vice versa).  The first token of a mention may carry proclitics: a conjunction
  (و ف), then a preposition (ب ل ك), then the article.  The span **excludes** the
  conjunction/preposition and **keeps** the name's own ``ال``: ``والسراج`` → ``السراج``,
  ``بالسراج`` → ``السراج``.  When ``ل`` + ``ال`` are fused into ``لل`` (``للسراج``) the
  article has lost its alef and cannot be separated, so the span is the bare stem
  (``سراج``).  ``لليبيا`` (``ل`` + ``ليبيا``) gives ``ليبيا``.
* Latin case: an all-caps alias token (``US``, ``GNA``) only matches all-caps text; a
  capitalised alias token only matches capitalised text, except in organization names of
  three words or more (``governo di accordo nazionale``); a single-token Latin alias always
  requires a capitalised token (so ``Tripoli`` yes, ``us`` never).  Single-token aliases
  that are stop/common words (``the``, ``state``, ``على``/``علي`` ...) are not indexed,
  unless written all in capitals (``US``).
* Transliteration variants (:mod:`archive.text.variants`, the index search shares):
  words of at least 5 letters are bucketed by their variant key (Kadhafi, Gaddafi,
  Qaddafi, Gheddafi → ``kdfa``) and accepted by :func:`~archive.text.variants.is_variant`
  (Latin: close by sound and as written; Arabic: only long-vowel letters differ, so
  ويليامز finds وليامز).  Only capitalised Latin text tokens are tried; a text word only
  stands for alias words of its own script.
* Latin articles: a standalone ``al``/``el`` (any case) inside an alias is optional and
  may appear in the text where the alias has none (``Fayez al-Sarraj``, ``Fayez Serraj``,
  ``Fayez el-Sarraj`` are one alias); an article right before a match, joined by a hyphen
  or a space, is part of the mention (``al-Sarraj``, ``el-Serraj``, ``Al Qaeda``).
* Possessives need no special case: ``Gaddafi's``/``Gaddafi´s``/``Gaddafi’s`` tokenise
  as ``gaddafi`` + ``s`` and the mention is ``Gaddafi``.
* Surnames: for ``kind == "person"`` aliases of two or more tokens, the last token
  (without a Latin ``al-``/``el-`` or an Arabic ``ال``) matches alone **after** a full alias
  of that person has been matched earlier in the same text.  If several people are
  active, the most recently mentioned one wins.  A preceding ``al-``/``el-`` is included
  in the span (``al-Sarraj``).
* Abbreviations: ``<match> (ABC)`` defines ``ABC`` (all-caps Latin, 2–12 letters) as that
  entity for the rest of the text; the parenthesised abbreviation itself is a mention.
* Short forms (``AliasEntry.short``: a person's surname or first and last name, derived
  when the matcher is built, see :mod:`archive.text.short_forms`) match like aliases, with
  two limits: an Arabic surname written with ``ال`` needs it in the text (البشير, not بشير),
  and a one-word one does not match inside a longer name: right after a given or middle
  name the archive knows (Mohamed Bashir, Mansur Hadi) or before a name particle (Bashir
  Abu-Namo).
* Overlaps: longest candidate (in characters) wins, then the earliest.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from . import arabic
from .arabic import CLITIC_RUNS, is_arabic
from .normalize import (
    _safe_words,
    normalize,
    normalize_by_words_with_offsets,
    normalize_with_offsets,
    original_span,
)
from .variants import LATIN_ARTICLES, is_variant, token_key

__all__ = ["AliasEntry", "Match", "Matcher", "evaluate", "STOPWORDS"]


@dataclass(frozen=True)
class AliasEntry:
    entity_id: int | str
    name: str
    kind: str  # "person" | "organization" | "place"
    short: bool = False  # a short form of a longer name (archive.text.short_forms)
    # Found only as written (normalized), never as a spelling variant: a name from a
    # reference list in another language (German Libyen) would take the English adjective
    # (Libyan) for a spelling of itself.
    exact: bool = False
    # A name still under review (a NameProposal's id): its finds say so.
    proposal: int | None = None


@dataclass(frozen=True)
class Match:
    entity_id: int | str
    start: int
    end: int
    text: str
    proposal: int | None = None  # AliasEntry.proposal of the name found


_STOPWORD_TEXT = """
    a an the of and or in on at to for with by from as is it its us we he she they them
    this that these those was were be been are will would said says say new not no but
    all any one two three his her their our who which what when where after before over
    under state states government president minister prime national united general army
    city capital country people forces force council party house office day week year
    mr mrs ms dr al el bin ibn abu
    في من علي الي عن مع هذا هذه ذلك تلك التي الذي الذين قال وقال قالت كان كانت ان او ثم
    بعد قبل حتي عند بين كل منذ لكن رئيس حكومه دوله وزير مدينه عاصمه بلاد قوات جيش مجلس
    يوم عام ابو بن ابن عبد
    """

_TOKEN_RE = re.compile(r"[^\W_]+")
# Apostrophe: French and Italian elision inside a name (Gouvernement d'union nationale).
_GAP_RE = re.compile(r"[\s\-\u2010-\u2014']+|\.\s*")
_JOINED = re.compile(r"[ \-\u2010\u2011]+")  # two words of one name
_ABBR_RE = re.compile(r"\s*\(\s*([^\W\d_]{2,12})\s*\)")

# Sana'a, Ma'rib: an apostrophe inside a transliterated word (a hamza or an ayn) does not
# split it. Not a possessive or a contraction ('s, 't, 're, 've, 'll, 'd, 'm), nor a
# French or Italian elision (l', d', qu', dell').
_INNER_APOSTROPHE = re.compile(r"(?<=[a-z]{2})'(?=[a-z])(?!(?:s|t|re|ve|ll|d|m)\b)")
_ELIDED = ("qu", "ell", "all", "dall", "nell", "sull")


def _token_spans(norm: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of each token of normalized text: runs of letters and digits,
    two joined by an inner apostrophe (Sana'a is one word, sanaa)."""
    spans = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(norm)]
    if "'" not in norm:
        return spans
    out: list[tuple[int, int, str]] = []
    for start, end, word in spans:
        if (
            out
            and out[-1][1] + 1 == start
            and _INNER_APOSTROPHE.match(norm, out[-1][1])
            and not out[-1][2].endswith(_ELIDED)
            and out[-1][2].isascii()
            and word.isascii()
        ):
            prev = out.pop()
            out.append((prev[0], end, prev[2] + word))
        else:
            out.append((start, end, word))
    return out


MIDDLE_NAMES = 1  # words a known full name may hold between its given name and surname
BARE_SURNAME = 5  # letters a one-word Arabic name needs to be found without its ال
WORD_CACHE = 200_000  # distinct words kept normalized, per matcher (a worker's memory)
FUZZY_MIN_LEN = 5

ANY, CAPITAL, ALLCAPS, ARTICLE = 0, 1, 2, 3


def _arabic_key(tok: str) -> str:
    if _has_article(tok):
        return tok[len(arabic.ARTICLE) :]
    return tok


def _has_article(tok: str) -> bool:
    return tok.startswith(arabic.ARTICLE) and len(tok) >= 4


def _key(tok: str) -> str:
    return _arabic_key(tok) if is_arabic(tok) else tok


# Stopwords as normalised keys (Arabic: article stripped, ى→ي, ة→ه; so على == علي).
STOPWORDS = frozenset(_key(normalize(w)) for w in _STOPWORD_TEXT.split())


def _is_fuzzy_token(tok: str) -> bool:
    """Long enough for a spelling variant: 5 letters (Latin), or 4 once the Arabic article
    is off (الدبيبة → دبيبة)."""
    if is_arabic(tok):
        return len(tok) >= FUZZY_MIN_LEN - 1 and tok.isalpha()
    return len(tok) >= FUZZY_MIN_LEN and tok.isascii() and tok.isalpha()


def _is_latin_article(tok: str) -> bool:
    return tok in LATIN_ARTICLES


@dataclass(frozen=True)
class _Alias:
    entity_id: int | str
    kind: str
    keys: tuple[str, ...]
    flags: tuple[int, ...]
    dot: bool = False  # the alias ends with its own full stop (U.S., U.N.)
    short: bool = False  # AliasEntry.short, one word: not inside a longer name
    proposal: int | None = None


@lru_cache(maxsize=100_000)
def _arabic_analyses(norm: str) -> tuple[tuple[int, str, bool], ...]:
    """`Matcher._first_analyses` of an Arabic token: it depends on the word alone, and
    the words of news text repeat (each token tried every proclitic run)."""
    out = [(0, _arabic_key(norm), _has_article(norm))]
    for clitic in CLITIC_RUNS[1:]:
        if not norm.startswith(clitic):
            continue
        rest = norm[len(clitic) :]
        if len(rest) < 2:
            continue
        out.append((len(clitic), _arabic_key(rest), _has_article(rest)))
        fused = clitic.endswith("ل") and rest.startswith("ل")
        if fused and not rest.startswith(arabic.ARTICLE) and len(rest) >= 3:
            out.append((len(clitic) + 1, rest[1:], True))  # ل + (ا)ل fused
    return tuple(out)


@dataclass(slots=True)
class _Tok:
    start: int  # normalised offsets
    end: int
    norm: str
    key: str
    arabic: bool
    orig: str  # original surface text
    capitalised: bool  # of the original: read for every token, so worked out once
    allcaps: bool


@dataclass(order=True)
class _Cand:
    sort_key: tuple = field(compare=True)
    start: int = field(compare=False)  # normalised span
    end: int = field(compare=False)
    entity_id: int | str = field(compare=False)
    first_tok: int = field(compare=False)
    last_tok: int = field(compare=False)
    full: bool = field(compare=False)  # multi-token alias -> activates surnames
    proposal: int | None = field(compare=False, default=None)


def _flag(orig_tok: str) -> int:
    if len(orig_tok) >= 2 and orig_tok.isupper():
        return ALLCAPS
    if orig_tok[:1].isupper():
        return CAPITAL
    return ANY


class Matcher:
    """Index of aliases; :meth:`find` returns non-overlapping mentions sorted by start."""

    def __init__(self, aliases: Iterable[AliasEntry]):
        self._index: dict[str, list[_Alias]] = defaultdict(list)
        self._surnames: dict[str, set[int | str]] = defaultdict(set)
        self._fuzzy: dict[str, set[str]] = defaultdict(set)
        self._fuzzy_cache: dict[str, tuple[str, ...]] = {}
        # Spelling keys of the words before a surname in people's names (Omar, Hassan, عمر).
        self._given: set[str] = set()
        # Each distinct word of the texts normalized once: the words of news text repeat.
        self._words: dict[str, tuple[str, list[int]]] = {}
        self._token_keys: dict[str, tuple[str, bool]] = {}  # token → (key, is Arabic)
        self._starts_arabic: dict[str, tuple] = {}  # see _starts
        self._starts_capital: dict[str, tuple] = {}
        self._proposal_keys: frozenset[str] | None = None  # see may_find_proposals
        self._proposal_aliases: list[frozenset[str]] = []
        self._proposal_buckets: set[str] = set()
        self._proposal_raw: dict[str, frozenset[str]] = {}  # a text's word → its keys
        self._proposal_words: dict[str, frozenset[str]] = {}
        seen: set[tuple] = set()
        for entry in aliases:
            self._add(entry, seen)
        self._index = dict(self._index)
        self._surnames = self._unshared(self._surnames)

    # -- building -------------------------------------------------------------------
    def _add(self, entry: AliasEntry, seen: set[tuple]) -> None:
        norm, offsets = normalize_with_offsets(entry.name)
        toks = _token_spans(norm)
        if not toks:
            return
        # Standalone Latin articles are optional in text, so they are not part of the key.
        if len(toks) > 1:
            toks = [m for m in toks if not _is_latin_article(m[2])] or toks
        keys = tuple(_key(m[2]) for m in toks)
        flags = []
        for start, end, word in toks:
            if is_arabic(word):
                flags.append(ARTICLE if _has_article(word) else ANY)
            else:
                s, e = original_span(offsets, start, end)
                flags.append(_flag(entry.name[s:e]))
        if (
            entry.kind == "person"
            and (len(keys) >= 2 or len(keys[0]) >= BARE_SURNAME)
            and not (entry.short and len(keys) == 1)
        ):
            # In a person's name ال is optional: عبد الحميد دبيبة and دبيبة are الدبيبة. A
            # short name alone keeps its article: الكبير is a name, كبير the word "big"
            # (المنفي, منفي "exiled"; السراج, سراج "lamp").
            flags = [ANY if f == ARTICLE else f for f in flags]
        if entry.kind == "organization" and len(keys) >= 3:
            # French and Italian write institutions in lower case (governo di accordo
            # nazionale); three words are specific enough. Acronyms keep their capitals.
            flags = [ANY if f == CAPITAL else f for f in flags]
        if len(keys) == 1 and not is_arabic(keys[0]):
            if flags[0] != ALLCAPS and keys[0] in STOPWORDS:
                return
            flags[0] = max(flags[0], CAPITAL)
        elif len(keys) == 1 and keys[0] in STOPWORDS:
            return
        dot = entry.name.rstrip().endswith(".") and len(keys) >= 2
        short = entry.short and len(keys) == 1
        alias = _Alias(entry.entity_id, entry.kind, keys, tuple(flags), dot, short, entry.proposal)
        self._index_alias(alias, seen)
        if entry.kind == "person" and len(keys) >= 2:
            self._given.update(token_key(k, normalized=True) for k in keys[:-1])
        word = keys[0]
        if len(keys) == 1 and flags[0] == ALLCAPS and 2 <= len(word) <= 4 and word.isascii():
            # An acronym is also written with full stops: UN as U.N., US as U.S.
            dotted = "".join(f"{letter.upper()}." for letter in word)
            self._add(
                AliasEntry(entry.entity_id, dotted, entry.kind, proposal=entry.proposal), seen
            )
        # Arabic writes عبد الحميد also as one word, عبدالحميد (عبد ربه, عبدربه); Latin
        # script Abdul-Malik also Abdelmalek (found as a spelling variant of abdulmalik).
        for i in range(len(keys) - 1):
            word, nxt = toks[i][2], toks[i + 1][2]
            if word == "عبد" or (word in _ABD and not is_arabic(nxt)):
                fused = keys[:i] + (word + nxt,) + keys[i + 2 :]
                fused_flags = (*flags[:i], ANY, *flags[i + 2 :])
                fused_alias = _Alias(
                    entry.entity_id, entry.kind, fused, fused_flags, proposal=entry.proposal
                )
                self._index_alias(fused_alias, seen)
                if not entry.exact and _is_fuzzy_token(word + nxt):
                    self._fuzzy[token_key(word + nxt, normalized=True)].add(word + nxt)
        # Arabic sound plurals: الحوثيون is الحوثيين after a preposition or a verb.
        for i, k in enumerate(keys):
            if is_arabic(k) and k.endswith("ون") and len(k) >= 5:
                oblique = (*keys[:i], k[:-2] + "ين", *keys[i + 1 :])
                self._index_alias(
                    _Alias(entry.entity_id, entry.kind, oblique, tuple(flags), dot, short,
                           entry.proposal),
                    seen,
                )  # fmt: skip
        for k in keys:
            if not entry.exact and _is_fuzzy_token(k):
                self._fuzzy[token_key(k, normalized=True)].add(k)
        if entry.kind == "person" and len(keys) >= 2:
            last = keys[-1]
            if len(last) >= 3 and last not in STOPWORDS and not last.isdigit():
                self._surnames[last].add(entry.entity_id)

    def _unshared(self, surnames: dict[str, set]) -> dict[str, set]:
        """The surnames that no organization's or place's name holds as a word or the start
        of one:
        after Abdul-Malik al-Houthi, a bare Houthi is still the Houthis (as
        short_forms.unique_short_forms asks of a surname found first)."""
        others: dict[str, set] = defaultdict(set)
        for aliases in self._index.values():
            for alias in aliases:
                if alias.kind == "person":
                    continue  # two people of one surname: the latest mentioned (below)
                for k in alias.keys:
                    for n in range(3, len(k) + 1):
                        if k[:n] in surnames:
                            others[k[:n]].add(alias.entity_id)
        return {key: ids for key, ids in surnames.items() if not (others.get(key, set()) - ids)}

    def _index_alias(self, alias: _Alias, seen: set[tuple]) -> None:
        ident = (alias.entity_id, alias.keys, alias.flags)
        if ident in seen:
            return
        seen.add(ident)
        self._index[alias.keys[0]].append(alias)

    # -- lookup helpers ----------------------------------------------------------------
    def _variants(self, tok: _Tok) -> tuple[str, ...]:
        """Alias-token keys a text token may stand for (exact key first)."""
        if not tok.arabic and not tok.capitalised:
            return (tok.key,)
        return self._key_variants(tok.key)

    def _key_variants(self, key: str) -> tuple[str, ...]:
        cached = self._fuzzy_cache.get(key)
        if cached is not None:
            return cached
        if not _is_fuzzy_token(key):
            cached = (key,)
        else:
            arabic_key = is_arabic(key)
            found = [key]
            for cand in self._fuzzy.get(token_key(key, normalized=True), ()):
                if (
                    cand != key
                    and is_arabic(cand) == arabic_key
                    and is_variant(key, cand, normalized=True)
                ):
                    found.append(cand)
            cached = tuple(found)
        if len(self._fuzzy_cache) > WORD_CACHE:
            self._fuzzy_cache.clear()
        self._fuzzy_cache[key] = cached
        return cached

    @staticmethod
    def _first_analyses(tok: _Tok) -> tuple[tuple[int, str, bool], ...]:
        """(offset of the mention inside the token, key, has article) for the first token
        of a mention: the bare token, then every proclitic reading."""
        if not tok.arabic:
            return ((0, tok.key, False),)
        return _arabic_analyses(tok.norm)

    @staticmethod
    def _case_ok(tok: _Tok, flag: int, article: bool | None = None) -> bool:
        """Latin case constraint, or for Arabic alias tokens written with ال, that the text
        token has the article too (``القاعدة`` must not match ``قاعدة بحرية``)."""
        if flag == ANY:
            return True
        if tok.arabic:
            if flag != ARTICLE:
                return True
            return _has_article(tok.norm) if article is None else article
        if flag == ALLCAPS:
            # Nato, Unsmil: British style writes long acronyms as names (not Un, Us).
            return tok.allcaps or (len(tok.key) >= 4 and tok.capitalised)
        return tok.capitalised

    @staticmethod
    def _gap_ok(norm: str, a: _Tok, b: _Tok) -> bool:
        gap = norm[a.end : b.start]
        m = _GAP_RE.fullmatch(gap)
        if not m:
            return False
        return not (gap.startswith(".") and len(a.norm) != 1)

    def normalize(self, text: str) -> tuple[str, list[int]]:
        """normalize_with_offsets(text), from this matcher's cache of words: what
        :meth:`find` starts with, for a caller that wants the normalized text too."""
        if len(self._words) > WORD_CACHE:
            self._words.clear()
        return normalize_by_words_with_offsets(text, self._words)

    def _tokenize(self, text: str, normalized=None) -> tuple[str, list[int], list[_Tok]]:
        norm, offsets = normalized or self.normalize(text)
        keys = self._token_keys
        if len(keys) > WORD_CACHE:
            keys.clear()
        toks = []
        for start, end, w in _token_spans(norm):
            found = keys.get(w)
            if found is None:
                arabic = is_arabic(w)
                found = keys[w] = (_arabic_key(w) if arabic else w, arabic)
            s, e = original_span(offsets, start, end)
            orig = text[s:e]
            toks.append(
                _Tok(start, end, w, found[0], found[1], orig, orig[:1].isupper(), orig.isupper())
            )
        return norm, offsets, toks

    def may_find_proposals(self, text: str) -> bool:
        """False when :meth:`find` cannot find a proposed name (AliasEntry.proposal) in
        `text`. Such a find is an alias of a proposed name (every word of it read in the
        text: each word's key or a spelling variant of it, `_starts` and `_match_rest`),
        or a compound given name, or an abbreviation defined by such a find; surnames
        carry no proposal. Much cheaper than find: a pass that wants only the proposed
        names' finds (suggest_from_proposals) skips the texts that cannot have any."""
        if self._proposal_keys is None:
            wanted = {
                frozenset(alias.keys)
                for aliases in self._index.values()
                for alias in aliases
                if alias.proposal is not None
            }
            self._proposal_aliases = list(wanted)
            self._proposal_keys = frozenset().union(*wanted)
            self._proposal_buckets = {
                token_key(k, normalized=True) for k in self._proposal_keys if _is_fuzzy_token(k)
            }
        if not self._proposal_keys:
            return False
        # Word by word as the text is written (news words repeat: each distinct one is
        # read once), unless a word could join the one before (normalize_by_words).
        words = _safe_words(text)
        if words is None:
            words, cache = [text], {}  # read whole, not kept
        else:
            cache = self._proposal_raw
            if len(cache) > WORD_CACHE:
                cache.clear()
        reached: set[str] = set()
        for raw in words:
            keys = cache.get(raw)
            if keys is None:
                keys = cache[raw] = self._proposal_keys_in(normalize(raw))
            if keys:
                if keys & _ABD:
                    return True  # a compound given name (_compound): rare, not worked out
                reached |= keys
        return bool(reached) and any(keys <= reached for keys in self._proposal_aliases)

    def _proposal_keys_in(self, norm: str) -> frozenset[str]:
        seen = self._proposal_words
        if len(seen) > WORD_CACHE:
            seen.clear()
        found: frozenset[str] = frozenset()
        for _, _, word in _token_spans(norm):
            keys = seen.get(word)
            if keys is None:
                keys = seen[word] = self._proposal_keys_of(word)
            found |= keys
        return found

    def _proposal_keys_of(self, word: str) -> frozenset[str]:
        """The proposed aliases' words a text word (normalized) may be read as, in any
        case, first in a mention or not; an _ABD word has itself."""
        if is_arabic(word):
            keys = {_arabic_key(word), *(key for _, key, _ in _arabic_analyses(word))}
        else:
            keys = {word}
        if self._proposal_buckets:
            # A key's spelling variants (_key_variants) are in its bucket, which holds a
            # proposed alias's word only when the bucket is one of theirs.
            for key in list(keys):
                if _is_fuzzy_token(key):
                    bucket = token_key(key, normalized=True)
                    if bucket in self._proposal_buckets:
                        keys.update(self._fuzzy.get(bucket, ()))
        found = keys & self._proposal_keys
        if word in _ABD:
            found.add(word)
        return frozenset(found)

    # -- matching ----------------------------------------------------------------------
    def _starts(self, tok: _Tok) -> tuple:
        """(shift, has article, aliases) for each reading of `tok` that some alias starts
        with; empty for most words. It depends on the word (and for Latin on its capital),
        not on where it stands, so each distinct one is looked up once."""
        if tok.arabic:
            cache, ident = self._starts_arabic, tok.norm
        elif tok.capitalised:
            cache, ident = self._starts_capital, tok.key
        else:  # a lower-case Latin word stands only for itself
            aliases = self._index.get(tok.key)
            return ((0, False, aliases),) if aliases else ()
        found = cache.get(ident)
        if found is None:
            if tok.arabic:
                firsts = [
                    (shift, k, article)
                    for shift, key, article in self._first_analyses(tok)
                    for k in self._key_variants(key)
                ]
            else:
                firsts = [(0, k, False) for k in self._key_variants(tok.key)]
            found = tuple(
                (shift, article, self._index[k]) for shift, k, article in firsts if k in self._index
            )
            if len(cache) > WORD_CACHE:
                cache.clear()
            cache[ident] = found
        return found

    def find(self, text: str, normalized: tuple[str, list[int]] | None = None) -> list[Match]:
        """The mentions in `text`; `normalized` is :meth:`normalize` of it, when the caller
        has it already."""
        norm, offsets, toks = self._tokenize(text, normalized)
        cands: list[_Cand] = []
        named: set = set()  # entities found so far in this text
        for p, tok in enumerate(toks):
            for shift, article, aliases in self._starts(tok):
                for alias in aliases:
                    ln = len(alias.keys)
                    if not self._case_ok(tok, alias.flags[0], article) and not (
                        # A one-word name found capitalised before may recur in lower case
                        # as a modifier (les Houthis … le mouvement houthi).
                        ln == 1
                        and alias.flags[0] == CAPITAL
                        and alias.entity_id in named
                        and len(tok.key) >= FUZZY_MIN_LEN
                    ):
                        continue
                    last = self._match_rest(norm, toks, p, alias)
                    if last is None:
                        continue
                    if alias.short and self._inside_name(norm, toks, p, shift):
                        continue
                    if (
                        alias.short
                        and alias.kind != "person"
                        and shift == 0
                        and self._article_before(norm, toks, p)
                    ):
                        continue  # al-Houthi is a family's name, Houthi the group's
                    s, e = tok.start + shift, toks[last].end
                    if alias.dot and norm[e : e + 1] == ".":
                        e += 1
                    first = p
                    if shift == 0 and self._article_before(norm, toks, p):
                        s, first = toks[p - 1].start, p - 1
                    if ln == 1 and alias.kind == "place" and _agrees(norm, toks, p, shift):
                        continue
                    named.add(alias.entity_id)
                    cands.append(
                        _Cand(
                            (-(e - s), s),
                            s,
                            e,
                            alias.entity_id,
                            first,
                            last,
                            ln >= 2 and alias.kind == "person",
                            alias.proposal,
                        )
                    )
            if tok.key in _ABD:
                cands += self._compound(norm, toks, p)
        accepted = _resolve(cands)
        accepted += self._second_pass(norm, toks, accepted)
        accepted.sort(key=lambda c: c.start)
        out = []
        for c in accepted:
            s, e = original_span(offsets, c.start, c.end)
            out.append(Match(c.entity_id, s, e, text[s:e], c.proposal))
        return out

    def _compound(self, norm: str, toks: list[_Tok], p: int) -> list[_Cand]:
        """Candidates of people's names whose first word is a compound the text writes as
        two (Abdo Rabu Mansur Hadi for Abdrabbuh Mansur Hadi): عبد's Latin spellings and
        the word after them, read as one word."""
        tok = toks[p]
        if tok.arabic or not tok.capitalised or tok.key not in _ABD or p + 1 >= len(toks):
            return []
        nxt, rest = toks[p + 1], p + 1
        word = tok.key
        if _is_latin_article(nxt.key) and p + 2 < len(toks):  # Abd al-Malik
            if not _JOINED.fullmatch(norm[tok.end : nxt.start]):
                return []
            word, nxt, rest = word + nxt.key, toks[p + 2], p + 2
        if (
            nxt.arabic
            or not nxt.capitalised
            or not _JOINED.fullmatch(norm[toks[rest - 1].end : nxt.start])
        ):
            return []
        out = []
        for key in self._key_variants(word + nxt.key):
            for alias in self._index.get(key, ()):
                if alias.kind != "person" or len(alias.keys) < 2:
                    continue
                last = self._match_rest(norm, toks, rest, alias)
                if last is None:
                    continue
                s, e = tok.start, toks[last].end
                out.append(
                    _Cand((-(e - s), s), s, e, alias.entity_id, p, last, True, alias.proposal)
                )
        return out

    def _match_rest(self, norm: str, toks: list[_Tok], p: int, alias: _Alias) -> int | None:
        """Index of the text token that ends `alias` started at token `p`, or None; Latin
        articles between the alias's words are skipped (Fayez al-Sarraj for Fayez Serraj)."""
        j = p
        for want, flag in zip(alias.keys[1:], alias.flags[1:], strict=True):
            j += 1
            while (
                j < len(toks)
                and not toks[j].arabic
                and _is_latin_article(toks[j].key)
                and j + 1 < len(toks)
                and self._gap_ok(norm, toks[j - 1], toks[j])
            ):
                j += 1
            if j >= len(toks):
                return None
            t = toks[j]
            if not self._gap_ok(norm, toks[j - 1], t):
                return None
            if (
                t.key != want
                and want not in self._variants(t)
                and alias.kind == "person"
                and want == alias.keys[-1]
            ):
                # One middle name inside a known name: Stephanie Turco Williams,
                # عيدروس قاسم الزبيدي for عيدروس الزبيدي.
                k = j
                while k < len(toks) and k - j < MIDDLE_NAMES and self._middle_name(toks[k]):
                    n = k + 1
                    if n + 1 < len(toks) and not toks[n].arabic and _is_latin_article(toks[n].key):
                        n += 1  # Badreddin al-Houthi
                    nxt = toks[n] if n < len(toks) else None
                    if nxt is None or not self._gap_ok(norm, toks[n - 1], nxt):
                        break
                    if nxt.arabic == t.arabic and (nxt.key == want or want in self._variants(nxt)):
                        j, t = n, nxt
                        break
                    k += 1
            if t.key != want and want not in self._variants(t):
                return None
            if not self._case_ok(t, flag):
                return None
        return j

    @staticmethod
    def _middle_name(tok: _Tok) -> bool:
        """Whether a text word can be a middle name: capitalised (Latin), or an Arabic word
        that is no function word and carries no article (قاسم, not الرئيس)."""
        if tok.arabic:
            return tok.key == tok.norm and tok.key not in STOPWORDS and len(tok.key) >= 3
        return tok.capitalised and not tok.allcaps and tok.key not in STOPWORDS

    def _inside_name(self, norm: str, toks: list[_Tok], p: int, shift: int) -> bool:
        """Whether the one word at `p` stands inside a longer name: after a given or middle
        name the archive knows (Mohamed Bashir, Mansur Hadi), or before a name particle
        (Bashir Abu-Namo). "President Hadi" is no name: titles are in no one's name."""
        q = p - 1
        if q >= 0 and not toks[p].arabic and _is_latin_article(toks[q].key):
            q -= 1  # Mohamed al-Bashir
        if shift == 0 and q >= 0 and toks[q].arabic == toks[p].arabic:
            prev = toks[q]
            if (
                (prev.arabic or prev.capitalised)
                and _JOINED.fullmatch(norm[prev.end : toks[q + 1].start])
                and token_key(prev.key, normalized=True) in self._given
            ):
                return True
        if p + 1 < len(toks):
            nxt = toks[p + 1]
            if (
                not nxt.arabic
                and nxt.capitalised
                and nxt.key in _NAME_PARTICLES
                and _JOINED.fullmatch(norm[toks[p].end : nxt.start])
            ):
                return True
        return False

    @staticmethod
    def _article_before(norm: str, toks: list[_Tok], p: int) -> bool:
        """A Latin al-/el-/Al right before token `p`, joined by a hyphen or spaces."""
        if p == 0 or toks[p].arabic:
            return False
        prev = toks[p - 1]
        return (
            not prev.arabic
            and _is_latin_article(prev.key)
            and re.fullmatch(r"[ \-\u2010\u2011]+", norm[prev.end : toks[p].start]) is not None
        )

    def _second_pass(self, norm: str, toks: list[_Tok], accepted: list[_Cand]) -> list[_Cand]:
        covered = set()
        for c in accepted:
            covered.update(range(c.first_tok, c.last_tok + 1))
        # surname activation: entity -> token index after which it is active
        active: dict[int | str, int] = {}
        for c in sorted(accepted, key=lambda c: c.start):
            if c.full and c.entity_id not in active:
                active[c.entity_id] = c.last_tok
        # abbreviations defined in the text
        abbrs: dict[str, tuple[int | str, int]] = {}
        tok_at = {t.start: i for i, t in enumerate(toks)}
        extra: list[_Cand] = []
        for c in accepted:
            m = _ABBR_RE.match(norm, c.end)
            if not m:
                continue
            i = tok_at.get(m.start(1))
            if i is None or not toks[i].allcaps or toks[i].arabic:
                continue
            if not _abbreviates(toks[i].key, norm, toks, c):
                continue  # "… Support Mission in Libya (UNSMIL)" is not Libya
            abbrs.setdefault(toks[i].key, (c.entity_id, i, c.proposal))
        seen_at: dict[int | str, list[int]] = defaultdict(list)
        for c in sorted(accepted, key=lambda c: c.last_tok):
            seen_at[c.entity_id].append(c.last_tok)
        for p, tok in enumerate(toks):
            if p in covered:
                continue
            hit = abbrs.get(tok.key) if not tok.arabic and tok.allcaps else None
            if hit and p >= hit[1]:
                extra.append(_Cand((0,), tok.start, tok.end, hit[0], p, p, False, hit[2]))
                covered.add(p)
                continue
            if not tok.arabic and not tok.capitalised:
                continue
            analyses = (
                self._first_analyses(tok)
                if tok.arabic
                else [(0, k, False) for k in self._variants(tok)]
            )
            best = None
            for shift, key, _article in analyses:
                for ent in self._surnames.get(key, ()):
                    since = active.get(ent)
                    if since is None or since >= p:
                        continue
                    ends = seen_at[ent]
                    recency = ends[bisect_left(ends, p) - 1]  # last mention before p
                    if best is None or recency > best[0]:
                        best = (recency, shift, ent)
                if best:
                    break
            if best is None:
                continue
            _, shift, ent = best
            start = tok.start + shift
            first = p
            if (
                not tok.arabic
                and p > 0
                and toks[p - 1].key in ("al", "el")
                and (p - 1 not in covered)
                and re.fullmatch(r"[\s\-]+", norm[toks[p - 1].end : tok.start])
            ):
                start = toks[p - 1].start
                first = p - 1
            extra.append(_Cand((0,), start, tok.end, ent, first, p, False))
            covered.add(p)
        return extra


# Latin spellings of عبد, the first word of a compound given name (Abdul-Malik, Abdo Rabu).
_ABD = frozenset({"abd", "abdo", "abdu", "abdul", "abdel", "abdal", "abdou", "abdoul", "abed"})

# Words that go on a person's name (Bashir Abu-Namo, Salman bin Abdulaziz).
_NAME_PARTICLES = frozenset({"abu", "abou", "bin", "ibn", "ben", "ould"})

# Small words inside a name ("Government of National Accord", "Armée nationale de …").
_NAME_LINKS = frozenset(  # not "and": it joins two names more often than it is in one
    {"of", "in", "for", "the", "on", "at", "de", "des", "du", "la", "le", "les", "di", "del"}
    | {"della", "dei", "degli", "al", "el"}
)
_NAME_GAP = re.compile(r"[\s\-]+|\.\s*")


def _abbreviates(abbr: str, norm: str, toks: list, c: _Cand) -> bool:
    """Whether "(ABBR)" after the match `c` stands for it: its letters are the initials of
    the match's words, or the match is the whole name before the parenthesis. An
    abbreviation belongs to the whole name directly before it: in "United Nations Support
    Mission in Libya (UNSMIL)" the match Libya is only the end of that name."""
    words = [t.key for t in toks[c.first_tok : c.last_tok + 1] if t.key not in _NAME_LINKS]
    if "".join(w[0] for w in words if w) == abbr:
        return True
    start = c.last_tok
    while start > 0:
        before, here = toks[start - 1], toks[start]
        if not _NAME_GAP.fullmatch(norm[before.end : here.start]):
            break
        if not (before.capitalised or before.allcaps or before.key in _NAME_LINKS):
            break
        start -= 1
    while start < c.first_tok and toks[start].key in _NAME_LINKS:
        start += 1  # "the", "of" opening the run are not the name's
    return start >= c.first_tok


def _agrees(norm: str, toks: list[_Tok], p: int, shift: int) -> bool:
    """Whether the Arabic word at `p` is an adjective agreeing with the definite feminine
    noun before it: a place named like its feminine adjective (السعودية) is no place in
    العاصمة السعودية or الحكومة السعودية ("the Saudi capital", "government")."""
    tok = toks[p]
    if not tok.arabic or shift or p == 0 or not tok.norm.endswith("يه"):
        return False
    prev = toks[p - 1]
    return (
        prev.arabic
        and _has_article(prev.norm)
        and prev.norm.endswith("ه")
        and _has_article(tok.norm)
        and norm[prev.end : tok.start].isspace()
    )


def _resolve(cands: list[_Cand]) -> list[_Cand]:
    """Greedy: longest first, then earliest; keep candidates that overlap nothing kept."""
    taken: list[_Cand] = []
    used: set[int] = set()
    for c in sorted(cands):
        span = range(c.first_tok, c.last_tok + 1)
        if any(i in used for i in span):
            continue
        used.update(span)
        taken.append(c)
    return taken


def evaluate(predicted: Iterable[tuple], gold: Iterable[tuple]) -> dict:
    """Compare predicted and gold mentions as sets of tuples, typically
    ``(article_key, entity, start, end)``.

    Returns ``{"precision", "recall", "f1", "tp", "fp", "fn"}``.  With nothing predicted
    precision is 1.0 (vacuous); with no gold recall is 1.0; f1 is 0.0 when both are 0.
    """
    p = {tuple(x) for x in predicted}
    g = {tuple(x) for x in gold}
    tp = len(p & g)
    fp = len(p - g)
    fn = len(g - p)
    precision = tp / (tp + fp) if p else 1.0
    recall = tp / (tp + fn) if g else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}

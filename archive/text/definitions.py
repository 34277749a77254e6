"""Definitions a text gives of a name: "Rapid Support Forces (RSF)", "Mohamed Hamdan Daglo,
better known as Hemedti", «محمد حمدان دقلو المعروف بـ"حميدتي"».

Plain Python, no Django. :func:`find_definitions` reads two kinds:

* an abbreviation in parentheses after its long form, or a long form in parentheses after
  its abbreviation, in any script. It counts only when the abbreviation's letters fit the
  initials of the long form's words, in order (small function words such as of, de, du, في
  may give a letter or none: UNSMIL is U.N. Support Mission in Libya), or as the same
  letters in another order, as French and Spanish keep an English abbreviation for a name
  whose words they reorder (Forces armées soudanaises (SAF), Conseil de transition du Sud
  (STC));
* a name followed by what it is also called: "X, better known as Y", "X, known as Y",
  "X, dit Y", "X, surnommé Y", "X, alias Y", "X detto Y", «X المعروف بـY», «X الملقب بـY».

Offsets are code points. ``start``/``end`` span the whole definition (long form to
abbreviation, or name to nickname); ``sentence`` is the sentence around it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .arabic import is_arabic
from .context import sentence_around
from .normalize import normalize

__all__ = ["ARABIC_TITLES", "Definition", "FUNCTION_WORDS", "find_definitions", "fits_initials"]


@dataclass(frozen=True)
class Definition:
    long: str
    short: str
    start: int
    end: int
    sentence: str


# Small words a long form may hold without their letter in the abbreviation (general
# grammar words of each language, not names).
# Titles before a name in Arabic (the name finder reads them too).
_ARABIC_TITLES_TEXT = """
    الرئيس رئيس القائد قائد الفريق فريق زعيم الزعيم المبعوث مبعوث اللواء لواء العميد العقيد
    المشير الجنرال الشيخ الأمير الملك السلطان الإمام السيد الدكتور الوزير وزير السفير
    المتحدث الناطق النائب نائب الأمين أمين المستشار الحاكم محافظ المحافظ رئيسة الرئيسة
"""
ARABIC_TITLES = frozenset(normalize(w) for w in _ARABIC_TITLES_TEXT.split())

_FUNCTION_WORDS_TEXT = """
    of the and for in on at to by with a an
    de du des la le les l d et pour en au aux sur par à
    di del della dei degli delle da e per il lo gli
    el los las y por con
    der die das den dem des und für von zu im
    في من على إلى الى عن و ل
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())

# French and Italian elided articles and prepositions glued to a word (l’Arabie, d’Aidarous,
# dell’ONU).
_ELISION = re.compile(r"^(?:[ldjnmstc]|qu|dell|all|dall|nell|sull)['’]", re.IGNORECASE)
# Arabic letters glued to a word's front that are not its initial: a conjunction, a
# preposition, the article.
_ARABIC_PREFIX = re.compile(r"^(?:[وف]?[بلك]?ال|[وف]?لل|[وفبلك])(?=\w{2})")

# An abbreviation: 2-10 letters (dots and & allowed), at least two capitals or all Arabic.
_ABBR = r"(?:[A-Z][A-Za-z.&]{1,11}|[\u0621-\u064a]{2,8})"
_PAREN_AFTER = re.compile(r"\(\s*(" + _ABBR + r")\s*\)")
_PAREN_LONG = re.compile(r"\b(" + _ABBR + r")\s*\(\s*([^()]{3,120}?)\s*\)")
# Where a long form cannot reach across.
_BARRIER = re.compile(r"[,;:!?()\[\]«»\"“”،؛؟\n]|(?<!\b[A-Z])\.(?=\s)")  # not U.N. or M.
_WORD = re.compile(r"[^\s,;:!?()\[\]«»\"“”،؛؟]+")


def _letters(abbr: str) -> str:
    return normalize("".join(ch for ch in abbr if ch.isalpha()))


def _initial(word: str) -> str:
    word = _ELISION.sub("", word)
    if is_arabic(word):
        word = _ARABIC_PREFIX.sub("", normalize(word))
    letters = [ch for ch in word if ch.isalpha()]
    return normalize(letters[0]) if letters else ""


def _options(word: str) -> set[str]:
    """What one word of a long form may give to its abbreviation."""
    first = _initial(word)
    if not first:
        return {""}
    if normalize(_ELISION.sub("", word)).strip(".") in FUNCTION_WORDS:
        return {"", first}
    options = {first}
    capitals = [ch for ch in word if ch.isupper()]
    if len(capitals) >= 2:  # U.N., UAE-backed, McDonald
        options.add(normalize("".join(capitals)))
    parts = [p for p in re.split(r"[-‐‑]", word) if p]
    if len(parts) > 1:  # Saudi-led: S or SL
        options.add("".join(_initial(p) for p in parts))
    return options


def _is_function(word: str) -> bool:
    return normalize(_ELISION.sub("", word)).strip(".") in FUNCTION_WORDS


def fits_initials(abbr: str, words: list[str]) -> bool:
    """Whether `abbr` abbreviates the long form `words`: its letters are the words' initials
    in order (function words giving theirs or not), or the content words' initials in
    another order."""
    letters = _letters(abbr)
    if len(letters) < 2 or not words or _is_function(words[0]):
        return False
    options = [_options(w) for w in words]
    # reachable[i]: letters consumed after the words so far
    reachable = {0}
    for opts in options:
        reachable = {i + len(o) for i in reachable for o in opts if letters.startswith(o, i)}
        if not reachable:
            break
    if len(letters) in reachable:
        return True
    content = [_initial(w) for w in words if not _is_function(w)]
    return len(content) == len(letters) and Counter(content) == Counter(letters)


def _long_form_before(text: str, at: int, abbr: str) -> tuple[int, str] | None:
    """The shortest run of words ending at `at` whose initials fit `abbr`."""
    head = 0
    for m in _BARRIER.finditer(text, 0, at):
        head = m.end()
    words = list(_WORD.finditer(text, head, at))
    limit = 2 * len(_letters(abbr)) + 2
    for k in range(1, min(len(words), limit) + 1):
        run = words[-k:]
        if fits_initials(abbr, [w.group() for w in run]):
            start = run[0].start()
            first = run[0].group()
            elided = _ELISION.match(first)
            if elided:
                start += elided.end()
            return start, text[start : run[-1].end()]
    return None


def _definition(text: str, long: str, short: str, start: int, end: int) -> Definition:
    before, span, after = sentence_around(text, start, end)
    return Definition(long.strip(), short.strip(), start, end, (before + span + after).strip())


def _abbreviations(text: str) -> list[Definition]:
    found = []
    for m in _PAREN_AFTER.finditer(text):
        abbr = m.group(1)
        if not is_arabic(abbr) and sum(ch.isupper() for ch in abbr) < 2:
            continue
        long = _long_form_before(text, m.start(), abbr)
        if long:
            found.append(_definition(text, long[1], abbr, long[0], m.end()))
    for m in _PAREN_LONG.finditer(text):
        abbr, inside = m.group(1), m.group(2)
        if not is_arabic(abbr) and sum(ch.isupper() for ch in abbr) < 2:
            continue
        if _BARRIER.search(inside):
            continue
        if fits_initials(abbr, _WORD.findall(inside)):
            found.append(_definition(text, inside, abbr, m.start(1), m.end()))
    return found


# "X, better known as Y" and its kin; the name after it may be quoted.
_LATIN_ALSO = re.compile(
    r"(?P<comma>,\s*|\s+)(?:(?:also|better|widely|commonly|popularly|more)\s+)?"
    r"(?:known\s+as|nicknamed|dubbed|alias|aka|"
    r"dite?|surnommée?|(?:plus\s+|mieux\s+)?connue?\s+sous\s+le\s+nom\s+de|"
    r"detta|detto|soprannominat[oa]|(?:meglio\s+)?not[oa]\s+come|"
    r"conocid[oa]\s+como|apodad[oa]|genannt)\s+(?=\S)",
    re.IGNORECASE,
)
_ARABIC_ALSO = re.compile(
    r"[\s،,]+و?(?:المعروف|المعروفة|الملقب|الملقبة|المكنى|الشهير|الشهيرة)\s*"
    r"(?:باسم\s*|بـ\s*|ب(?=[«\"“])|ب(?=[\u0621-\u064a]))"
)
_QUOTED = re.compile(r"\s*(?:«\s*([^»\n]{1,60}?)\s*»|\"([^\"\n]{1,60})\"|[“”]([^“”\n]{1,60})”)")
_NAME_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’\-‑]*")
# Lower-case particles inside a Latin name (al-Sarraj, bin Salman, Ould Abdel Aziz).
_PARTICLES_TEXT = """
    al el al- el- ad ar as at az ash ben bin bint ibn ould abu abou bou de du da di del
    della van von der le la
"""
PARTICLES = frozenset(_PARTICLES_TEXT.split())
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u064b-\u065f\u0640]+")
_ARABIC_STOP_TEXT = """
    في من على إلى الى عن مع أن ان إن قال قالت وقال وقالت بعد قبل هذا هذه الذي التي أو او ثم
    حيث كما منذ لدى عند بين هو هي هم إنه انه أنه وهو وهي
"""
_ARABIC_STOP = frozenset(normalize(w) for w in _ARABIC_STOP_TEXT.split())


def _latin_name_before(text: str, at: int) -> tuple[int, str] | None:
    """A run of capitalised words (with particles) ending at `at`."""
    words = list(re.finditer(r"\S+", text[max(0, at - 200) : at]))
    base = max(0, at - 200)
    start = None
    for w in reversed(words):
        word = w.group()
        if _NAME_WORD.fullmatch(word) or (start is not None and word.lower() in PARTICLES):
            start = base + w.start()
            continue
        if word.lower().startswith(("al-", "el-")) and len(word) > 3:
            start = base + w.start()
            continue
        break
    if start is None:
        return None
    # a particle cannot open the name
    name = text[start:at]
    while name.split() and name.split()[0].lower() in PARTICLES:
        rest = name.split(None, 1)
        if len(rest) < 2:
            return None
        start += name.index(rest[1])
        name = rest[1]
    return (start, name) if name else None


def _latin_name_after(text: str, at: int) -> tuple[int, str] | None:
    q = _QUOTED.match(text, at)
    if q:
        inner = next(g for g in q.groups() if g)
        return q.end(), inner
    end = None
    for w in re.finditer(r"\S+", text[at : at + 200]):
        word = w.group().rstrip(',.;:!?)»"”')
        if _NAME_WORD.fullmatch(word) or (end is not None and word.lower() in PARTICLES):
            end = at + w.start() + len(word)
            if word != w.group():
                break
            continue
        break
    if end is None:
        return None
    return end, text[at:end]


def _arabic_name_before(text: str, at: int) -> tuple[int, str] | None:
    head = 0
    for m in _BARRIER.finditer(text, 0, at):
        head = m.end()
    words = list(_ARABIC_WORD.finditer(text, head, at))
    run = []
    for w in reversed(words):
        word = normalize(w.group())
        if word in _ARABIC_STOP or _is_title(word) or len(run) == 4:
            break
        run.insert(0, w)
    if not run:
        return None
    # A description before the name ends in an ال word followed by one without it
    # (قوات الدعم السريع محمد حمدان دقلو): the name starts after it.
    for i in range(len(run) - 1, 0, -1):
        left, right = normalize(run[i - 1].group()), normalize(run[i].group())
        prev = normalize(run[i - 2].group()) if i >= 2 else ""
        if left.startswith("ال") and not right.startswith("ال") and prev not in ("عبد", "ابو"):
            run = run[i:]
            break
    return run[0].start(), text[run[0].start() : run[-1].end()]


def _arabic_name_after(text: str, at: int) -> tuple[int, str] | None:
    q = _QUOTED.match(text, at)
    if q:
        return q.end(), next(g for g in q.groups() if g)
    words = []
    for w in _ARABIC_WORD.finditer(text, at):
        gap = text[words[-1].end() if words else at : w.start()]
        if gap.strip() or len(words) == 3 or normalize(w.group()) in _ARABIC_STOP:
            break
        words.append(w)
    if not words:
        return None
    return words[-1].end(), text[at : words[-1].end()]


def _is_title(word: str) -> bool:

    return word in ARABIC_TITLES


def _also_known(text: str) -> list[Definition]:
    found = []
    for m in _LATIN_ALSO.finditer(text):
        if m.group("comma").strip() == "" and not _QUOTED.match(text, m.end()):
            continue  # without a comma only a quoted nickname is safe: Daglo dit « Hemetti »
        before = _latin_name_before(text, m.start())
        after = _latin_name_after(text, m.end())
        if before and after:
            found.append(_definition(text, before[1], after[1], before[0], after[0]))
    for m in _ARABIC_ALSO.finditer(text):
        before = _arabic_name_before(text, m.start())
        after = _arabic_name_after(text, m.end())
        if before and after:
            found.append(_definition(text, before[1], after[1], before[0], after[0]))
    return found


def find_definitions(text: str, language: str) -> list[Definition]:
    """Definitions in `text` (see the module docstring), in text order. `language` is the
    text's language (BCP 47); the rules hold for every language the archive reads."""
    found = _abbreviations(text) + _also_known(text)
    found.sort(key=lambda d: (d.start, d.end))
    out: list[Definition] = []
    for d in found:
        if out and d.start < out[-1].end:
            continue  # one definition per stretch of text
        out.append(d)
    return out

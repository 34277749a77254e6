"""Spelling-variant keys for names, the same in Latin and Arabic script.

Plain Python, no Django. One index serves the matcher (`archive.text.matcher`) and name
look-ups for search and pickers (`archive.reads.names`): a name written as readers and
newspapers write it (Gadhafi, Qaddafi, Kadhafi, Gheddafi, القذافي) reduces to one key.

:func:`token_key` is a consonant skeleton built from both scripts' habits:

* Latin digraphs first: sh/ch/sch → ``x``; kh, gh, q, c (not before e/i), g, k → ``k``;
  dh → d; th → t; ph → f; dj → j; z → s; p → b; ou → u (French);
* doubled letters collapse (Gaddafi/Gadafi), then vowels, w and y are dropped except
  at the start of the word (a leading vowel becomes ``a``: Abdel/Abdul → ``abdl``); h
  stays, as ح and ه do (Sabha is not Sabah), except in a final -ah/-eh;
* a final vowel leaves a mark ``a`` (Dbeiba/Dbeibah/Dbeibeh/الدبيبة → ``dbba``), so
  Salame is not Salem; a final -ah/-eh counts as a vowel;
* Arabic letters map to the same classes (ق ك غ خ → k, ذ ض د → d, ز س ص ظ → s, ش → x,
  ع ء and the long vowels ا و ي ى are dropped inside a word), after the article ال.

So Williams/ويليامز/وليامز → ``wlms``, Sarraj/Serraj/السراج → ``srj``, Haftar/Hifter/
Heftar/حفتر → ``hftr`` but Hafez → ``hfs``. Sarraj and Siraj share ``srj`` on purpose:
Arabic writes both سراج, and French/Italian texts often drop the doubled r.

A key is a bucket, not a verdict: :func:`is_variant` also asks that two Latin spellings
stay close letter by letter, and that two Arabic spellings differ only by long-vowel
letters (ويليامز/وليامز yes, الدبيبة/دبابة "tank" no). :func:`same_name` and
:func:`within_name` ask it of every word of two names.

:func:`phrase_key` keys a whole name (stored as ``Alias.variant_key``): articles dropped,
words run together, acronyms kept as written (``GNA`` is not ``GNU``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.fuzz import ratio

from .arabic import ARTICLE, is_arabic
from .normalize import normalize

__all__ = [
    "ARTICLES",
    "LATIN_ARTICLES",
    "is_variant",
    "name_tokens",
    "phrase_key",
    "same_name",
    "spelling",
    "token_key",
    "within_name",
    "written_ratio",
]

# Latin renderings of the Arabic article; as separate tokens they carry no identity
# (al-Sarraj, el-Sarraj, Al Serraj, Fayez Sarraj are one name).
LATIN_ARTICLES = frozenset({"al", "el"})  # not "il": Italian for "the"
ARTICLES = LATIN_ARTICLES | {ARTICLE}

_TOKEN_RE = re.compile(r"[^\W_]+")

# Ordered: longer digraphs before their parts.
_LATIN_RULES = (
    ("x", "ks"),
    ("dsch", "j"),  # German: Dschidda (Jeddah), Dschandschawid
    ("tsch", "x"),
    ("sch", "x"),
    ("sh", "x"),
    ("ch", "x"),
    ("tch", "x"),
    ("ck", "k"),
    ("kh", "k"),
    ("gh", "k"),
    ("dh", "d"),
    ("th", "t"),
    ("ph", "f"),
    ("dj", "j"),
    ("zh", "j"),
    ("ou", "u"),
    # d before t is said t, in Arabic too (idgham: دت reads تّ): Hemedti, Hemetti, Hemeti.
    ("dt", "t"),
)
# French writes a silent final -e after n so that the n is said (Burhane, Hamdane, Slimane,
# Amine for أمين), and keeps the -e of French words after two consonants (Égypte, Syrte).
# A final -e after one other consonant may be said (Salame is سلامة, not Salem).
_SILENT_E = re.compile(r"(?:(?<=[aeiouy]n)|(?<=[^aeiouy][^aeiouy]))e$")
# Abdul/Abdel/Abd al- + name: the article inside the compound is not part of the name.
_LATIN_ABD = re.compile(r"^abd(?:ou|u|e|a|oul)l(?=.)")
_ARABIC_ABD = "عبدال"
_C_SOFT = re.compile(r"c(?=[eiy])")
_LATIN_TABLE = str.maketrans({"q": "k", "c": "k", "g": "k", "z": "s", "p": "b", "v": "f"})

_ARABIC_TABLE = str.maketrans(
    {
        "ب": "b",
        "ت": "t",
        "ث": "t",
        "ج": "j",
        "ح": "h",
        "خ": "k",
        "د": "d",
        "ذ": "d",
        "ر": "r",
        "ز": "s",
        "س": "s",
        "ش": "x",
        "ص": "s",
        "ض": "d",
        "ط": "t",
        "ظ": "s",
        "ع": "'",
        "غ": "k",
        "ف": "f",
        "ق": "k",
        "ك": "k",
        "ل": "l",
        "م": "m",
        "ن": "n",
        "ه": "h",
        "و": "w",
        "ي": "y",
        "ى": "y",
        "ا": "a",
        "ء": "'",
        "ؤ": "'",
        "ئ": "'",
        "ة": "a",
        "پ": "b",
        "ڤ": "f",
        "گ": "k",
    }
)
_VOWELS = frozenset("aeiou")
# What disappears inside a word: vowels, w/y as vowels, ع and hamza. h stays (ح ه): Sabha
# (سبها, a Libyan city) is not Sabah.
_SILENT = frozenset("aeiouwy'")
_DOUBLE = re.compile(r"(.)\1+")
# Letters an Arabic spelling may add or drop without becoming another name.
_ARABIC_LONG_VOWELS = frozenset("اويىءؤئ")
# Hamza seats written or not (فائز/فايز, مسؤول/مسوول).
_ARABIC_HAMZA = str.maketrans({"ئ": "ي", "ؤ": "و", "ء": None})


def _strip_arabic_article(tok: str) -> str:
    return tok[len(ARTICLE) :] if tok.startswith(ARTICLE) and len(tok) >= 4 else tok


_NOT_LATIN = re.compile(r"[^a-z]")


def _latin_letters(tok: str) -> str:
    s = _NOT_LATIN.sub("", tok)  # ʿ ʾ and other marks of scholarly transliteration (Muʿammar)
    if len(s) > 3:
        s = _SILENT_E.sub("", s)
    for a, b in _LATIN_RULES:
        s = s.replace(a, b)
    s = _LATIN_ABD.sub("abd", s)  # after the digraphs: Abdulhamid must not read "abdamid"
    s = _C_SOFT.sub("s", s)
    return s.translate(_LATIN_TABLE)


def _arabic_letters(tok: str) -> str:
    s = _strip_arabic_article(tok).replace("دت", "ت")  # as the Latin dt
    if s.startswith(_ARABIC_ABD) and len(s) > len(_ARABIC_ABD) + 1:
        s = "عبد" + s[len(_ARABIC_ABD) :]
    out = s.translate(_ARABIC_TABLE)
    # A final ا ى ي ة ه is a vowel ending (normalize folds ة into ه); a leading ا or ع is
    # the word's opening vowel.
    if out[:1] in ("a", "'"):
        out = "a" + out[1:]
    if s[-1:] in ("ا", "ى", "ي", "ه", "ة") and len(out) > 1:
        out = out[:-1] + "e"
    return out


def _skeleton(letters: str) -> str:
    if not letters:
        return ""
    s = _DOUBLE.sub(r"\1", letters)
    if len(s) > 2 and s[-1] == "h" and s[-2] in _VOWELS:
        s = s[:-1]  # -ah, -eh: a vowel ending (Dbeibah, Misratah)
    final_vowel = s[-1] in _VOWELS or (s[-1] == "y" and len(s) > 2)
    head = "a" if s[0] in _VOWELS or s[0] == "'" else s[0]
    body = "".join(ch for ch in s[1:] if ch not in _SILENT)
    return head + body + ("a" if final_vowel and len(s) > 1 else "")


def token_key(token: str, *, normalized: bool = False) -> str:
    """The variant key of one word (any script; pass ``normalized=True`` when it already
    went through :func:`normalize`): Qadhafi → ``kdfa``."""
    return _token_key(token if normalized else normalize(token))


@lru_cache(maxsize=200_000)  # the matcher asks for the same alias words again and again
def _token_key(tok: str) -> str:
    if not tok:
        return ""
    if is_arabic(tok):
        return _skeleton(_arabic_letters(tok))
    return _skeleton(_latin_letters(tok))


def spelling(token: str) -> str:
    """A Latin word spelled by sound with every vowel written ``a``, for closeness tests
    inside one key (Hifter and Haftar both read ``haftar``; Dbeibah, Dabaiba ``dbaba``)."""
    s = _DOUBLE.sub(r"\1", _latin_letters(normalize(token)))
    s = re.sub(r"[aeiouy]+", "a", s)
    return s[:-1] if s.endswith("ah") else s


def name_tokens(name: str) -> list[str]:
    """Normalised words of a name without articles standing alone (al-, el-, ال)."""
    return [t for t in _TOKEN_RE.findall(normalize(name)) if t not in ARTICLES]


def phrase_key(name: str) -> str:
    """Variant key of a whole name: the words' keys run together, articles left out, so
    word breaks do not count (Fayez al-Sarraj, Fayez el-Serraj, فايز السراج → ``fsrj``;
    Abdulhamid Dbeibah and عبد الحميد الدبيبة → ``abdhmdbba``). Acronyms written in
    capitals stay as they are (GNA is not GNU)."""
    parts: list[str] = []
    run: list[str] = []
    for raw in _TOKEN_RE.findall(name):
        if raw.isascii() and raw.isupper() and 2 <= len(raw) <= 5:
            if run:
                parts.append(token_key("".join(run), normalized=True))
                run = []
            parts.append("=" + raw.lower())
            continue
        tok = normalize(raw)
        if tok in ARTICLES:
            continue
        run.append(_strip_arabic_article(tok) if is_arabic(tok) else tok)
    if run:
        parts.append(token_key("".join(run), normalized=True))
    return "".join(parts)


# Latin words within one key must stay this close (rapidfuzz ratio, 0-100): by sound, and
# as written. Hifter/Haftar read the same (written 67); short words need more: Carry is
# not Kariy (60), while Moamer is Muammar (62).
SOUND_THRESHOLD = 85.0
ARABIC_INSERT_MIN = 5
WRITTEN_THRESHOLD = 60.0
WRITTEN_THRESHOLD_SHORT = 65.0  # either word under 6 letters


def _arabic_subsequence(short: str, long: str) -> bool:
    """`long` is `short` with long-vowel letters (ا و ي ى and hamza seats) added inside:
    the first and last letters must agree, or the adjective ليبي would pass for ليبيا."""
    if short[:1] != long[:1] or short[-1:] != long[-1:]:
        return False
    i = 0
    for ch in long:
        if i < len(short) and ch == short[i]:
            i += 1
        elif ch not in _ARABIC_LONG_VOWELS:
            return False
    return i == len(short)


def is_variant(a: str, b: str, *, normalized: bool = False) -> bool:
    """Whether two words are spellings of one name: same key, and close enough.

    Across scripts the key alone decides (there is no letter-by-letter comparison
    between وليامز and Williams)."""
    na, nb = (a, b) if normalized else (normalize(a), normalize(b))
    if na == nb:
        return True
    ka, kb = _token_key(na), _token_key(nb)
    if not ka or ka != kb or len(ka) < 2:
        return False
    ara, arb = is_arabic(na), is_arabic(nb)
    if ara and arb:
        sa = _strip_arabic_article(na).translate(_ARABIC_HAMZA)
        sb = _strip_arabic_article(nb).translate(_ARABIC_HAMZA)
        if sa == sb:
            return True
        # Adding a long vowel to a short word makes another word too often (مزق/مأزق,
        # دوم/دائم): only names of five letters or more vary that way (وليامز/ويليامز).
        if min(len(sa), len(sb)) < ARABIC_INSERT_MIN:
            return False
        if len(sa) > len(sb):
            sa, sb = sb, sa
        return _arabic_subsequence(sa, sb)
    if ara or arb:
        return True
    written = WRITTEN_THRESHOLD if min(len(na), len(nb)) >= 6 else WRITTEN_THRESHOLD_SHORT
    return ratio(spelling(na), spelling(nb)) >= SOUND_THRESHOLD and ratio(na, nb) >= written


def same_name(a: list[str], b: list[str]) -> bool:
    """Two names in one script (their :func:`name_tokens`) with one key are spellings of
    one name: every word a variant of its partner, or the words run together (Abdulhamid /
    Abdul Hamid)."""
    if len(a) == len(b):
        return all(is_variant(x, y, normalized=True) for x, y in zip(a, b, strict=True))
    return is_variant("".join(a), "".join(b), normalized=True)


def within_name(words: list[str], name: list[str]) -> bool:
    """`words` a spelling of the whole `name` or of a run of its words (Sarraj,
    al-Sarraj): both as :func:`name_tokens`."""
    n = len(words)
    return same_name(words, name) or any(
        same_name(words, name[i : i + n]) for i in range(len(name) - n + 1)
    )


def written_ratio(words: list[str], name: str) -> float:
    """How close two names are as written, articles left out (0-100): `words` as
    :func:`name_tokens`, `name` as written."""
    return ratio(" ".join(words), " ".join(name_tokens(name)))


# Another ending of a group's name -------------------------------------------------------

_LAST_WORD = re.compile(r"([^\W\d_]+)(\W*)$")


def readings(text: str) -> list[str]:
    """Other readings of `text`, tried only when it names nobody as written: another ending
    of its last word, as names of groups take them (a Latin plural -s dropped or added:
    Houthis, Houthi, Huthi; an Arabic nisba plural in -يون or -يين for the other case or the
    singular in -ي, and a singular in -ي for its plurals: الحوثيون, الحوثيين, الحوثي), and
    ج read as g, as Egyptian and some Gulf outlets write a foreign name (جوتيريش for
    Guterres), with ز read as s beside it (هانز جروندبرج for Hans Grundberg). Short words
    are left alone."""
    found = _endings(text)
    if "ج" in text and is_arabic(text):
        g = text.replace("ج", "غ")
        found.append(g)
        if "ز" in g:  # the same outlets write a foreign s as ز: هانز for Hans
            found.append(g.replace("ز", "س"))
    return found


def _endings(text: str) -> list[str]:
    m = _LAST_WORD.search(text)
    if m is None:
        return []
    word, tail, head = m.group(1), m.group(2), text[: m.start()]
    if is_arabic(word):
        bare = word[2:] if word.startswith(ARTICLE) else word
        if len(bare) >= 5 and bare.endswith(("يون", "يين")):
            forms = [word[:-2] + ("ين" if word.endswith("ون") else "ون"), word[:-2]]
        elif len(bare) >= 3 and bare.endswith("ي"):
            forms = [word + "ون", word + "ين"]
        else:
            return []
    elif len(word) >= 5 and word.endswith("s") and not word.endswith("ss"):
        forms = [word[:-1]]
    elif len(word) >= 4 and not word.endswith("s"):
        forms = [word + ("S" if word.isupper() else "s")]
    else:
        return []
    return [head + form + tail for form in forms]

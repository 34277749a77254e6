"""phrase_key as migration 0017_variant_key_european ran it: archive.text.variants with the
parts of archive.text.normalize and archive.text.arabic it needs, copied as they were when the
migration was made (normalize's Arabic table renamed here, as the two modules' tables met in
one file). The key of 0010 plus the rules for French, Italian and German transliterations (a
silent final -e, d before t, German dsch/tsch).

Frozen so that a later change of the live key does not change what this old migration
stores: a new key is stored again by a migration of its own. Never edit this module.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# archive.text.arabic -------------------------------------------------------------------------

ARTICLE = "ال"

_ARABIC_RE = re.compile(r"[\u0600-\u06ff]")


def is_arabic(text: str) -> bool:
    """Whether `text` holds any letter of the Arabic block."""
    return bool(_ARABIC_RE.search(text))


# archive.text.normalize ----------------------------------------------------------------------

APOSTROPHES = "\u2019\u2018\u00b4`\u02bc\u2032"
_APOS_TABLE = {ord(c): "'" for c in APOSTROPHES}

_NORMALIZE_ARABIC: dict[int, str | None] = {
    ord("أ"): "ا",
    ord("إ"): "ا",
    ord("آ"): "ا",
    ord("ٱ"): "ا",
    ord("ى"): "ي",
    ord("ة"): "ه",
    0x0640: None,  # tatweel
    0x0670: None,  # superscript alef
}
for _cp in range(0x064B, 0x0660):
    _NORMALIZE_ARABIC[_cp] = None
for _cp in range(0x06D6, 0x06EE):
    _NORMALIZE_ARABIC[_cp] = None
for _i in range(10):
    _NORMALIZE_ARABIC[0x0660 + _i] = str(_i)
    _NORMALIZE_ARABIC[0x06F0 + _i] = str(_i)

_MAX_PASSES = 6


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M" or unicodedata.combining(ch) != 0


def _continues_cluster(ch: str) -> bool:
    cp = ord(ch)
    if cp < 0x300:
        return False
    # Hangul medial vowels / final consonants compose with the preceding jamo.
    if 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF:
        return True
    return _is_mark(ch)


@lru_cache(maxsize=4096)
def _is_latin(ch: str) -> bool:
    if ch.isascii():
        return ch.isalpha()
    return unicodedata.name(ch, "").startswith("LATIN ")


@lru_cache(maxsize=65536)
def _process_cluster(cluster: str) -> str:
    s = cluster.translate(_APOS_TABLE)
    s = unicodedata.normalize("NFKC", s).casefold()
    d = unicodedata.normalize("NFD", s)
    kept = []
    latin = False
    for ch in d:
        if _is_mark(ch):
            if latin:
                continue
        else:
            latin = _is_latin(ch)
        kept.append(ch)
    s = unicodedata.normalize("NFC", "".join(kept))
    return s.translate(_NORMALIZE_ARABIC)


def _one_pass(text: str) -> tuple[str, list[int]]:
    if text.isascii() and "`" not in text:
        return text.lower(), list(range(len(text) + 1))
    out: list[str] = []
    offsets: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        j = i + 1
        while j < n and _continues_cluster(text[j]):
            j += 1
        piece = _process_cluster(text[i:j])
        if piece:
            out.append(piece)
            offsets.extend([i] * len(piece))
        i = j
    offsets.append(n)
    return "".join(out), offsets


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise ``text`` and return ``(normalised, offsets)``; see the module docstring
    for the offsets contract."""
    out, offsets = _one_pass(text)
    for _ in range(_MAX_PASSES):
        again, off2 = _one_pass(out)
        if again == out:
            break
        offsets = [offsets[k] for k in off2]
        out = again
    return out, offsets


def normalize(text: str) -> str:
    """Normalise ``text`` for matching (see module docstring)."""
    return normalize_with_offsets(text)[0]


# archive.text.variants -----------------------------------------------------------------------

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

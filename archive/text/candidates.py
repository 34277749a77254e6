"""Likely proper names in a text, whether the archive knows them or not.

Plain Python, no Django. :func:`candidate_names` reads a text's names from its own signals,
with general lists of each language's grammar words, titles, months and days (never a list of
a topic's names):

* Latin scripts: runs of capitalised words, with the particles names hold (al-, el-, ben,
  bin, ould, abu, de, du...); titles (President, Général, Mr), grammar words, months and days
  are not names; a capitalised word opening a sentence is not a name when the text also
  writes it in lower case (Today / today); French elided articles (l’, d’) and the
  possessive 's are left out, and so is a lower-case tail after a hyphen (Houthi-controlled
  gives Houthi);
* Arabic: the words after a title (الرئيس, القائد, قائد, الفريق, زعيم, المبعوث ...), an
  institution's ال-run after its head noun (مجلس القيادة الرئاسي, قوات الدعم السريع), the
  name in جماعة/حركة الحوثي, names of the form X بن Y and عبد ال..., short quoted names
  («...», "...");
* in every script, both sides of a definition (:mod:`archive.text.definitions`).

:func:`group_key` groups the spellings of one name across scripts by the spelling key
(:func:`archive.text.variants.phrase_key`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .arabic import is_arabic
from .definitions import ARABIC_TITLES, FUNCTION_WORDS, PARTICLES, find_definitions
from .normalize import normalize, normalize_with_offsets, original_span
from .variants import phrase_key

__all__ = ["Candidate", "candidate_names", "group_key"]


@dataclass(frozen=True)
class Candidate:
    name: str
    start: int
    end: int


# Titles and ranks written before a name; not part of it.
_LATIN_TITLES_TEXT = """
    mr mrs ms dr prof president vice prime minister general gen lieutenant lt colonel col
    major maj marshal field commander admiral captain sheikh shaikh cheikh king queen prince
    princess emir sultan imam envoy ambassador secretary spokesman spokeswoman chief
    senator governor mayor judge sir lord saint st
    m mme mlle président présidente ministre premier général lieutenant-général maréchal
    colonel commandant émir roi reine prince princesse envoyé ambassadeur porte-parole chef
    secrétaire gouverneur maire juge
    presidente ministro generale maresciallo colonnello comandante re principe inviato
    ambasciatore portavoce segretario signor sig
    präsident minister general herr frau
"""
LATIN_TITLES = frozenset(_LATIN_TITLES_TEXT.split())
# Head nouns of institutions' names; the ال-run after them names one.
_ARABIC_HEADS_TEXT = """
    مجلس المجلس قوات القوات حزب الحزب جبهة الجبهة هيئة الهيئة حكومة الحكومة منظمة المنظمة
    تحالف التحالف جيش الجيش حركة الحركة جماعة الجماعة مليشيا ميليشيا مليشيات ميليشيات
"""
_ARABIC_HEADS = frozenset(normalize(w) for w in _ARABIC_HEADS_TEXT.split())
# Heads that only say "the group": the name is the ال-run alone (جماعة الحوثي → الحوثي).
_ARABIC_GROUP_HEADS_TEXT = "جماعة الجماعة مليشيا ميليشيا مليشيات ميليشيات حركة الحركة"
_ARABIC_GROUP_HEADS = frozenset(normalize(w) for w in _ARABIC_GROUP_HEADS_TEXT.split())
# Nouns of places: the name follows (مدينة عدن, محافظة مأرب, العاصمة صنعاء).
_ARABIC_PLACE_HEADS_TEXT = """
    مدينة المدينة محافظة المحافظة ولاية الولاية العاصمة عاصمة ميناء جزيرة منطقة إقليم بلدة قرية
    مطار دولة مديرية
"""
_ARABIC_PLACE_HEADS = frozenset(normalize(w) for w in _ARABIC_PLACE_HEADS_TEXT.split())
# Nouns of seas and straits, part of the name with the ال-run after them (البحر الأحمر).
_ARABIC_SEA_HEADS_TEXT = "البحر بحر خليج الخليج مضيق"
_ARABIC_SEA_HEADS = frozenset(normalize(w) for w in _ARABIC_SEA_HEADS_TEXT.split())
_MONTHS_AND_DAYS_TEXT = """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    lundi mardi mercredi jeudi vendredi samedi dimanche
    gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre
    dicembre lunedì martedì mercoledì giovedì venerdì sabato domenica
    enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre
    lunes martes miércoles jueves viernes sábado domingo
    januar februar märz mai juni juli oktober dezember montag dienstag mittwoch donnerstag
    freitag samstag sonntag
"""
MONTHS_AND_DAYS = frozenset(_MONTHS_AND_DAYS_TEXT.split())
# Grammar words that open sentences (pronouns, conjunctions, adverbs of time and place),
# beside FUNCTION_WORDS; general words of each language, not names.
_COMMON_WORDS_TEXT = """
    a an the this that these those it its he she they we i you his her their our my your
    who what why how which whose whom
    there here when where while after before since as if but or so yet also however then
    today yesterday tomorrow meanwhile according despite although though during under over
    about against between into through from not no yes all some many most more other such
    one two three four five six seven eight nine ten last next first new
    ce cet cette ces il elle ils elles on nous vous je tu son sa ses leur leurs notre votre
    mais ou donc or ni car si quand lorsque lors alors après avant depuis pendant selon
    malgré aujourd hier demain ainsi aussi encore déjà puis enfin un une deux trois dont
    qui que quoi où tout tous toute toutes plusieurs chaque autre autres aucun aucune celui
    celle ceux cela ça sans sous entre vers chez contre dans
    questo questa quello quella lui lei loro noi voi io ma anche però quando dove dopo prima
    oggi ieri domani secondo mentre come così non uno una due tre ogni altro altri nel nella
    nei negli sul sulla tra fra già ancora poi
    este esta estos estas ese esa él ella ellos nosotros pero cuando donde después antes hoy
    ayer según mientras como también una dos tres
"""
COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())

_LATIN_WORD = re.compile(r"[^\W\d_](?:[\w'’.\-‐‑]*[^\W_])?")
_ELIDED = re.compile(r"^(?:[ldjnmstc]|qu|dell|all|dall|nell|sull)['’](?=\w)", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_END = re.compile(r"[.!?؟:]\s*$|\n")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u064b-\u065f\u0640]+")
_ARABIC_STOP_TEXT = """
    في من على إلى الى عن مع أن ان إن قال قالت وقال وقالت بعد قبل هذا هذه الذي التي أو او
    ثم حيث كما منذ لدى عند بين خلال إنه انه أنه بأن وأن الى اليوم أمس ضد حول عبر دون
"""
_ARABIC_STOP = frozenset(normalize(w) for w in _ARABIC_STOP_TEXT.split())
_QUOTED = re.compile(r"«\s*([^»\n]{2,40}?)\s*»|\"([^\"\n]{2,40}?)\"|“([^”\n]{2,40}?)”")
_PROCLITIC = re.compile(r"^(?:[وف]?[بلك](?=ال)|[وف](?=[بلك]?ال)|[وف]?ل(?=ل))")


_HYPHENS = "-\u2010\u2011"
_ARTICLE_PREFIX = tuple(f"{art}{h}" for art in ("al", "el") for h in _HYPHENS)
# Endings of Romance adjectives that follow the noun in a name (Arabie saoudite, Conseil
# présidentiel, Nazioni unite, Golfo pérsico); one such word may close a French, Italian
# or Spanish name.
_ROMANCE = frozenset({"fr", "it", "es", "pt", "ca"})
_ADJECTIVE_END = re.compile(
    r"(?:ite|ites|ien|ienne|iens|iennes|ais|aise|ois|oise|ique|iques|iel|ielle|iels|al|ale|"
    r"aux|ain|aine|ano|ana|ani|ane|ese|esi|ico|ica|ici|iche|ita|ito|ité|unis|unies|unite|"
    r"uniti|unidos|unidas)$"
)


def _word_kind(word: str) -> str:
    """'name', 'particle', 'title' or 'other' for one Latin word as written."""
    low = normalize(word)
    if low in PARTICLES:
        return "particle"
    if low.startswith(_ARTICLE_PREFIX) and len(word) > 3:
        return "name"
    if not word[0].isupper() or low in FUNCTION_WORDS or low in MONTHS_AND_DAYS:
        return "other"
    if low.rstrip(".") in LATIN_TITLES:
        return "title"
    return "name"


def _latin_candidates(text: str, language: str) -> list[Candidate]:
    lower_words = {m.group() for m in _LATIN_WORD.finditer(text) if m.group()[0].islower()}
    romance = language.split("-")[0].lower() in _ROMANCE
    found: list[Candidate] = []
    run: list[tuple[int, int, str]] = []
    openers: set[int] = set()  # where a sentence opens with a capitalised word
    inside: set[str] = set()  # capitalised words written inside a sentence

    def close() -> None:
        while run and _word_kind(run[-1][2]) == "particle":
            run.pop()
        # a leading particle stays only as the Arabic article (Al Zubaidi, El Sisi)
        while run and _word_kind(run[0][2]) == "particle":
            if normalize(run[0][2]) in ("al", "el") and len(run) > 1:
                break
            run.pop(0)
        if run:
            found.append(Candidate(text[run[0][0] : run[-1][1]], run[0][0], run[-1][1]))
        run.clear()

    prev_end = 0
    for m in _LATIN_WORD.finditer(text):
        start, end, word = m.start(), m.end(), m.group()
        gap = text[prev_end:start]
        sentence_start = not prev_end or bool(_SENTENCE_END.search(text[prev_end:start]))
        if run and (gap.strip() or "\n" in gap):
            close()
        prev_end = end
        elided = _ELIDED.match(word)
        if elided:
            close()  # l’Arabie: the article is not the name
            start += elided.end()
            word = word[elided.end() :]
            sentence_start = False
        # a lower-case tail after a hyphen is not the name (Houthi-controlled, Saudi-led)
        parts = re.split(f"(?<=\\w)[{_HYPHENS}](?=\\w)", word)
        if (
            len(parts) > 1
            and parts[0][:1].isupper()
            and parts[-1][:1].islower()
            and normalize(parts[0]) not in ("al", "el")
        ):
            word = parts[0]
            end = start + len(word)
        possessive = _POSSESSIVE.search(word)
        if possessive:
            word = word[: possessive.start()]
            end = start + len(word)
        if not word:
            close()
            continue
        kind = _word_kind(word)
        low = normalize(word)
        # a grammar word capitalised (The, Après) is not a name; a word opening a sentence is
        # not one when the text also writes it in lower case (Today / today)
        if kind == "name" and (
            low in COMMON_WORDS or (sentence_start and word.lower() in lower_words)
        ):
            kind = "other"
        if (
            kind == "other"
            and romance
            and sum(_word_kind(w) == "name" for _s, _e, w in run) == 1
            and word[:1].islower()
            and _ADJECTIVE_END.search(low)
            and low not in FUNCTION_WORDS
            and low not in COMMON_WORDS
        ):
            run.append((start, end, word))
            close()
        elif kind == "name" or (kind == "particle" and (run or low in ("al", "el"))):
            if sentence_start:
                openers.add(start)
            elif kind == "name":
                inside.add(word)
            run.append((start, end, word))
        else:
            close()
        if possessive or end != m.end():
            close()
    close()
    # One capitalised word opening a sentence, written nowhere else in the text, is more
    # often a participle or an adverb (Speaking, Disparu, Visé) than a name said once.
    said = Counter(c.name for c in found)
    return [
        c
        for c in found
        if not (c.start in openers and " " not in c.name and c.name not in inside)
        or said[c.name] > 1
        or sum(ch.isupper() for ch in c.name) >= 2
    ]


def _arabic_words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), normalize(m.group())) for m in _ARABIC_WORD.finditer(text)]


def _joined(text: str, a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    """Whether two words stand next to each other with only spaces between."""
    return not text[a[1] : b[0]].strip()


def _arabic_run(text: str, words: list, i: int, limit: int) -> list:
    run = []
    for j in range(i, min(len(words), i + limit)):
        if words[j][2] in _ARABIC_STOP or words[j][2] in ARABIC_TITLES:
            break
        if run and not _joined(text, run[-1], words[j]):
            break
        run.append(words[j])
    return run


def _strip_proclitic(text: str, start: int, word: str) -> int:
    m = _PROCLITIC.match(normalize(word))
    return start + m.end() if m and len(word) - m.end() >= 3 else start


def _bare(word: str) -> set[str]:
    """A normalised word and the word without a conjunction or preposition glued to it."""
    forms = {word}
    for n in (1, 2):
        head = word[:n]
        if len(word) - n >= 3 and all(ch in "وفبلك" for ch in head):
            forms.add(word[n:])
            if head.endswith("ل") and word[n:].startswith("ل"):
                forms.add("ا" + word[n:])  # للحكومة: ل + الحكومة
    return forms


def _al_run(text: str, words: list, i: int, limit: int = 4) -> list:
    """The ال words right after word i."""
    run = []
    for k in range(i + 1, min(len(words), i + 1 + limit)):
        if not words[k][2].startswith("ال") or not _joined(text, words[k - 1], words[k]):
            break
        if words[k][2] in _ARABIC_STOP or words[k][2] in ARABIC_TITLES:
            break
        run.append(words[k])
    return run


# Adjectives that follow a title (المبعوث الخاص, الأمين العام, الرئيس السابق).
_TITLE_ADJECTIVES_TEXT = "الخاص الخاصة العام العامة السابق السابقة الجديد الأعلى الأول الركن أول"
_TITLE_ADJECTIVES = frozenset(normalize(w) for w in _TITLE_ADJECTIVES_TEXT.split())
_TITLE_PREPOSITIONS_TEXT = "إلى الى في لدى"
_TITLE_PREPOSITIONS = frozenset(normalize(w) for w in _TITLE_PREPOSITIONS_TEXT.split())


def _is_adjective(word: str) -> bool:
    """An ال adjective of a title or a place noun: a nisba (الأممي, اليمنية) or a listed one."""
    if word in _TITLE_ADJECTIVES:
        return True
    return word.startswith("ال") and len(word) > 4 and word.endswith(("ي", "يه"))


def _skip_description(text: str, words: list, j: int) -> int:
    """Past a title's adjectives and the place it serves (المبعوث الأممي الخاص إلى اليمن,
    المبعوث الأممي لليمن): the index of the word where the name may start."""
    while j < len(words) and _joined(text, words[j - 1], words[j]):
        w = words[j][2]
        if w in _TITLE_PREPOSITIONS and j + 1 < len(words):
            j += 2
        elif _is_adjective(w) or (w.startswith("لل") and len(w) > 4):
            j += 1
        else:
            break
    return j


def _person_run(run: list) -> list:
    """A person's name ends with its ال family name (رشاد العليمي, not رشاد العليمي أصدر),
    and before a verb in the present (غروندبرغ يصل: ي and ت open one)."""
    for k in range(1, len(run)):
        if run[k - 1][2].startswith("ال") and not run[k][2].startswith("ال"):
            return run[:k]
        if run[k][2][:1] in ("ي", "ت") and len(run[k][2]) <= 5:
            return run[:k]
    return run[:4]


def _after_title(text: str, words: list, i: int, add) -> None:
    j = _skip_description(text, words, i + 1)
    if j >= len(words) or not _joined(text, words[j - 1], words[j]):
        return
    run = _arabic_run(text, words, j, 7)
    # a description before the name ends in an ال word followed by one without it
    # (قائد قوات الدعم السريع محمد حمدان دقلو): an institution, then a person
    cut = next(
        (
            k
            for k in range(1, len(run))
            if run[k - 1][2].startswith("ال")
            and not run[k][2].startswith("ال")
            and (k < 2 or run[k - 2][2] not in ("عبد", "ابو"))
        ),
        None,
    )
    if cut and _bare(run[0][2]) & _ARABIC_HEADS:
        add(run[:cut])
        if len(run) - cut >= 2:
            add(_person_run(run[cut:]))
    else:
        add(_person_run(run))


def _arabic_candidates(text: str) -> list[Candidate]:
    words = _arabic_words(text)
    found: list[Candidate] = []

    def add(run: list) -> None:
        if run:
            start = _strip_proclitic(text, run[0][0], text[run[0][0] : run[0][1]])
            found.append(Candidate(text[start : run[-1][1]], start, run[-1][1]))

    for i, (_s, _e, w) in enumerate(words):
        forms = _bare(w)
        nxt_joined = i + 1 < len(words) and _joined(text, words[i], words[i + 1])
        if forms & ARABIC_TITLES:
            _after_title(text, words, i, add)
        elif forms & _ARABIC_HEADS and nxt_joined:
            run = _al_run(text, words, i)
            if run:
                add(run if forms & _ARABIC_GROUP_HEADS else [words[i], *run])
        elif forms & _ARABIC_SEA_HEADS and nxt_joined:
            run = _al_run(text, words, i, 2)
            if run:
                add([words[i], *run])
        elif forms & _ARABIC_PLACE_HEADS and nxt_joined:
            k = i + 1
            while k + 1 < len(words) and _is_adjective(words[k][2]):
                k += 1  # العاصمة اليمنية صنعاء
            nxt = words[k]
            if (
                _joined(text, words[k - 1], nxt)
                and nxt[2] not in _ARABIC_STOP
                and not _is_adjective(nxt[2])
            ):
                add([nxt])
        elif (
            w in ("بن", "ابن", "بنت")
            and 0 < i < len(words) - 1
            and nxt_joined
            and _joined(text, words[i - 1], words[i])
            and words[i - 1][2] not in _ARABIC_STOP
            and words[i + 1][2] not in _ARABIC_STOP
        ):
            add([words[i - 1], words[i], words[i + 1]])
        if w == "عبد" or (w.startswith("عبدال") and len(w) > 6):
            run = [words[i]]
            if w == "عبد" and nxt_joined:
                run.append(words[i + 1])
            for k in range(len(run) + i, min(len(words), i + 4)):
                nxt = words[k]
                if nxt[2] in _ARABIC_STOP or not _joined(text, run[-1], nxt):
                    break
                if run[-1][2].startswith("ال") and not nxt[2].startswith("ال"):
                    break
                run.append(nxt)
            if len(run) > 1 or w != "عبد":
                add(run)
    return found


def _quoted(text: str) -> list[Candidate]:
    found = []
    for m in _QUOTED.finditer(text):
        g = next(i for i in (1, 2, 3) if m.group(i))
        inner, start = m.group(g), m.start(g)
        if len(inner.split()) > 3 or re.search(r"[.!?؟,،:;]", inner):
            continue
        if not is_arabic(inner) and not inner[:1].isupper():
            continue
        if normalize(inner) in COMMON_WORDS | FUNCTION_WORDS:
            continue
        found.append(Candidate(inner, start, start + len(inner)))
    return found


def _from_definitions(text: str, language: str) -> list[Candidate]:
    found = []
    for d in find_definitions(text, language):
        at = text.find(d.long, d.start, d.end)
        if at >= 0:
            found.append(Candidate(d.long, at, at + len(d.long)))
        at = text.rfind(d.short, d.start, d.end)
        if at >= 0:
            found.append(Candidate(d.short, at, at + len(d.short)))
    return found


def _repeats(text: str, found: list[Candidate]) -> list[Candidate]:
    """Other mentions of the Arabic names found, with proclitics left out: a name said once
    after a title is said again bare (اللواء عيدروس الزبيدي ... وأكد الزبيدي ... للزبيدي),
    as is its last word, the family name."""
    forms: set[str] = set()
    for c in found:
        if not is_arabic(c.name):
            continue
        words = [normalize(w) for w in _ARABIC_WORD.findall(c.name)]
        if not words:
            continue
        forms.add(" ".join(words))
        if len(words) > 2:
            forms.add(f"{words[0]} {words[-1]}")  # without the middle name
        last = words[-1]
        if _bare(words[0]) & (_ARABIC_HEADS | _ARABIC_SEA_HEADS):
            continue  # an institution's last word is an adjective, not its name
        if len(words) > 1 and len(last) >= (5 if last.startswith("ال") else 4):
            forms.add(last)
    if not forms:
        return []
    norm, offsets = normalize_with_offsets(text)
    out = []
    for form in forms:
        stems = [form]
        if form.startswith("ال"):
            stems.append(form[2:])  # after the fused لل: للزبيدي → زبيدي
        for stem in stems:
            clitics = "[وف]?لل" if stem != form else "(?:[وف]?[بلك]|[وف])?"
            pattern = rf"(?<![\w\u0640])(?:{clitics})({re.escape(stem)})(?![\w\u0640])"
            for m in re.finditer(pattern, norm):
                start, end = original_span(offsets, m.start(1), m.end(1))
                out.append(Candidate(text[start:end], start, end))
    return out


def candidate_names(text: str, language: str) -> list[Candidate]:
    """Likely proper names in `text` (see the module docstring), in text order; where two
    overlap the longer is kept. `language` is the text's language (BCP 47); the rules of
    every script run on every text, as texts quote names in other scripts."""
    found = (
        _from_definitions(text, language)
        + _quoted(text)
        + _arabic_candidates(text)
        + _latin_candidates(text, language)
    )
    found += _repeats(text, found)
    found.sort(key=lambda c: (-(c.end - c.start), c.start))
    kept: list[Candidate] = []
    for c in found:
        if c.end <= c.start or any(c.start < k.end and k.start < c.end for k in kept):
            continue
        kept.append(c)
    kept.sort(key=lambda c: (c.start, c.end))
    return kept


def group_key(name: str) -> str:
    """One key for the spellings of one name in any script: its phrase_key, without a title,
    a French elided article or an Arabic proclitic in front (Burhane, al-Burhan, البرهان,
    والبرهان, le général Burhan share one)."""
    words = name.split()
    while len(words) > 1 and (
        normalize(words[0]).rstrip(".") in LATIN_TITLES | FUNCTION_WORDS
        or normalize(words[0]) in ARABIC_TITLES
    ):
        words = words[1:]
    if not words:
        return phrase_key(name)
    words[0] = _ELIDED.sub("", words[0])
    if is_arabic(words[0]):
        words[0] = _PROCLITIC.sub("", normalize(words[0]))
    return phrase_key(" ".join(words))

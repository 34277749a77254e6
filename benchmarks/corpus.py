"""A deterministic synthetic archive for benchmarks (`manage.py generate_corpus`).

One module on purpose: the generator and the writer share one seed stream and one set of
row layouts, and over half its length is the name tables it draws from.

Two halves:

* Text and structure (no database, no Django): :class:`Vocabulary` (a Zipf-law word model
  per language, from the words of ``seeds/*.txt`` plus pseudo-words made by a letter
  trigram chain trained on them), :func:`make_entities` (people, organizations and places
  with English and Arabic names and spelling variants, in both scripts) and
  :class:`CorpusGenerator`, which yields batches of stories: articles (some of them an
  English original and its Arabic translation), mentions at exact spans, and claims.
  Everything comes from one ``random.Random(seed)`` stream consumed in a fixed order, so a
  seed and an article count always give the same corpus, whatever the batch size.
* Writing (:func:`write_corpus`, :func:`clear_generated`): PostgreSQL ``COPY`` through the
  raw psycopg 3 connection, ids reserved from the tables' sequences, one batch of about
  ``batch_size`` articles at a time so memory stays flat as the article count grows.

Generated rows are marked twice so they are never mixed up with curated data: every slug
(sources, stories, articles, entities) starts with ``gen-``, *and* a second field carries
a marker no curated row has (the ``.invalid`` URL host of sources and articles, the
``GENERATED_NOTE`` description of stories and entities). ``--clear`` removes rows with
both marks, so an imported article whose slug happens to start with ``gen-`` (``Gen.
Haftar says…``) survives.

Bulk writes bypass the model's ``pre_save`` receivers: the generator fills
``title_search``/``body_search`` itself, with exactly ``normalize(title)`` and
``normalize(body)`` (built piecewise from the normalized form of each word, which is the
same thing because ``normalize`` works cluster by cluster and every piece boundary is a
space or punctuation), ``sha256`` and ``Alias.normalized``. ``search_vector`` is a
generated column: PostgreSQL computes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import time
import unicodedata
from array import array
from bisect import bisect
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from random import Random

from archive.text.normalize import normalize
from archive.text.variants import phrase_key

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
FIXTURES_DIR = SEEDS_DIR.parent / "fixtures"

SLUG_PREFIX = "gen-"
URL_HOST = "generated.invalid"  # RFC 2606: never a real host
GENERATED_NOTE = "Synthetic (generate_corpus)"

FIRST_DAY = dt.date(2005, 1, 1)
DAYS = (dt.date(2024, 12, 31) - FIRST_DAY).days  # twenty years

_ARABIC = re.compile(r"[\u0600-\u06ff]")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


# Words of lower-case ASCII letters or plain Arabic letters (no marks, no tatweel): for
# them normalize() is a per-letter table, and the vocabulary has 60,000 of them to fold.
_PLAIN_WORD = re.compile(r"[a-z\u0621-\u063a\u0641-\u064a]+")
_PLAIN_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})


def _norm_word(word: str) -> str:
    """normalize(word), by a table lookup when the word is plain letters."""
    if _PLAIN_WORD.fullmatch(word):
        return word.translate(_PLAIN_FOLD)
    return normalize(word)


def _zipf_cum(n: int, s: float = 1.0, q: float = 2.7) -> list[float]:
    """Cumulative Zipf–Mandelbrot weights 1/(rank+q)^s for ranks 1..n."""
    return list(accumulate(1.0 / (r + q) ** s for r in range(1, n + 1)))


def _ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# ---------------------------------------------------------------------------------------
# Vocabulary


def seed_words(seeds_dir: Path = SEEDS_DIR) -> tuple[Counter, Counter]:
    """Word counts of the seed texts: (English, Arabic).

    English keeps only words written in lower case somewhere (no proper names, no
    headline capitals) and only ASCII ones; Arabic keeps every word of two letters or more.
    """
    en: Counter = Counter()
    ar: Counter = Counter()
    files = sorted(seeds_dir.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no seed texts in {seeds_dir}")
    for path in files:
        for word in _WORD.findall(path.read_text(encoding="utf-8")):
            if _ARABIC.search(word):
                if len(word) >= 2 and all(_ARABIC.match(c) for c in word):
                    ar[word] += 1
            elif word.isascii() and word.islower():
                en[word] += 1
    return en, ar


def curated_name_words(fixtures_dir: Path = FIXTURES_DIR) -> set[str]:
    """Arabic words of the curated entities' names (السراج, طرابلس…), kept out of the
    vocabulary so generated running text never names a curated entity by chance."""
    words: set[str] = set()
    path = fixtures_dir / "04_entities.json"
    if not path.exists():
        return words
    for row in json.loads(path.read_text(encoding="utf-8")):
        if row.get("model") == "archive.alias":
            for word in _WORD.findall(row["fields"]["name"]):
                if _ARABIC.search(word):
                    words.add(word)
                    words.add(normalize(word))
    return words


def _trigram_words(
    words: list[str], rng: Random, count: int, taken: set[str], max_len: int = 12
) -> list[str]:
    """`count` new pseudo-words from a letter trigram chain trained on `words` (a bigram
    chain once the trigram one stops finding new words)."""
    chains: list[dict[str, list[str]]] = [{}, {}]
    for w in words:
        padded = "^^" + w + "$"
        for i in range(len(padded) - 2):
            chains[0].setdefault(padded[i : i + 2], []).append(padded[i + 2])
            chains[1].setdefault(padded[i + 1], []).append(padded[i + 2])
    out: list[str] = []
    seen = set(taken)
    rand = rng.random
    attempts = 0
    while len(out) < count and attempts < count * 40:
        attempts += 1
        bigram = attempts > count * 4
        chain = chains[1 if bigram else 0]
        state, word = "^^", ""
        while len(word) <= max_len:
            options = chain[state[-1] if bigram else state]
            c = options[int(rand() * len(options))]
            if c == "$":
                break
            word += c
            state = state[1] + c
        if 3 <= len(word) <= max_len and word not in seen and _norm_word(word) not in taken:
            seen.add(word)
            out.append(word)
    return out


class Vocabulary:
    """One language's words ranked by frequency, drawn with a Zipf rank-frequency law.

    Ranks 1..k are the seed words in their seed frequency order (so "the", "of", "فى",
    "على" lead, as in real news), the rest are pseudo-words. A word of rank r is drawn
    with probability about 1/(r + q) (Zipf–Mandelbrot, exponent 1), by inverting the
    continuous law: r = (1 + q)·exp(u·ln((n + q)/(1 + q))) − q for u uniform in [0, 1).

    Text is cut from a *stream*: ``stream_words`` words drawn once in that law and kept
    joined (with the same stream normalized, and each word's offset in both), so a run of
    k words costs two slices instead of k draws. Sentences join two slices at random
    places of a stream of hundreds of thousands of words: the words keep the Zipf law and
    sentences do not repeat.
    """

    Q = 2.7

    def __init__(
        self, seeds: Counter, size: int, rng: Random, stream_words: int, drop=(), max_len=12
    ):
        kept = [w for w in seeds if w not in drop and _norm_word(w) not in drop]
        base = sorted(kept, key=lambda w: (-seeds[w], w))
        taken = set(base) | set(drop)
        extra = _trigram_words(base, rng, max(0, size - len(base)), taken, max_len)
        self.words: list[str] = base + extra
        self.norm: list[str] = [_norm_word(w) for w in self.words]
        n, q = len(self.words), self.Q
        scale, log_span = 1 + q, math.log((n + q) / (1 + q))
        exp, rand = math.exp, rng.random
        ranks = [min(n - 1, int(scale * exp(rand() * log_span) - q)) for _ in range(stream_words)]
        words, norm = self.words, self.norm
        self.text = " ".join([words[r] for r in ranks]) + " "
        self.norm_text = " ".join([norm[r] for r in ranks]) + " "
        # Offsets of each word's start (and of the end), in the text and in its normal form.
        self.starts = array("l", accumulate((len(words[r]) + 1 for r in ranks), initial=0))
        self.norm_starts = array("l", accumulate((len(norm[r]) + 1 for r in ranks), initial=0))
        self.stream_words = stream_words

    def __len__(self):
        return len(self.words)

    def run(self, rng: Random, k: int) -> tuple[str, str]:
        """`k` consecutive words of the stream from a random place: (text, normalized)."""
        i = int(rng.random() * (self.stream_words - k))
        a, b = self.starts[i], self.starts[i + k] - 1
        na, nb = self.norm_starts[i], self.norm_starts[i + k] - 1
        return self.text[a:b], self.norm_text[na:nb]


# ---------------------------------------------------------------------------------------
# Names in two scripts

# (Latin spellings, the first canonical; Arabic)
GIVEN_NAMES = [
    (["Muhammad", "Mohamed", "Mohammed"], "محمد"),
    (["Ahmed", "Ahmad"], "أحمد"),
    (["Ali"], "علي"),
    (["Omar", "Umar"], "عمر"),
    (["Khalid", "Khaled"], "خالد"),
    (["Abdullah", "Abdallah"], "عبد الله"),
    (["Mustafa", "Moustafa", "Mostafa"], "مصطفى"),
    (["Ibrahim", "Ebrahim"], "إبراهيم"),
    (["Youssef", "Yusuf", "Yousef"], "يوسف"),
    (["Hassan", "Hasan"], "حسن"),
    (["Hussein", "Husayn", "Hussain"], "حسين"),
    (["Salem", "Salim"], "سالم"),
    (["Faraj", "Farag"], "فرج"),
    (["Abdelrahman", "Abdul Rahman", "Abdurrahman"], "عبد الرحمن"),
    (["Mahmoud", "Mahmud"], "محمود"),
    (["Fathi", "Fathy"], "فتحي"),
    (["Nouri", "Nuri"], "نوري"),
    (["Aguila", "Agila", "Aqila"], "عقيلة"),
    (["Tarek", "Tariq"], "طارق"),
    (["Saleh", "Salih"], "صالح"),
    (["Jamal", "Gamal"], "جمال"),
    (["Osama", "Usama"], "أسامة"),
    (["Walid", "Waleed"], "وليد"),
    (["Imad", "Emad"], "عماد"),
    (["Fatima", "Fatma"], "فاطمة"),
    (["Aisha", "Aicha"], "عائشة"),
    (["Mariam", "Maryam"], "مريم"),
    (["Salwa"], "سلوى"),
    (["Najla", "Najlaa"], "نجلاء"),
    (["Huda", "Hoda"], "هدى"),
    (["Amal"], "أمل"),
    (["Zainab", "Zeinab"], "زينب"),
    (["Khadija", "Khadidja"], "خديجة"),
    (["Ramadan", "Ramadhan"], "رمضان"),
    (["Bashir", "Basheer"], "بشير"),
    (["Suleiman", "Sulaiman", "Slimane"], "سليمان"),
    (["Idris", "Idriss"], "إدريس"),
    (["Milad", "Meelad"], "ميلاد"),
    (["Abdelhakim", "Abdul Hakim"], "عبد الحكيم"),
    (["Khalifa", "Khalifah"], "خليفة"),
]

# Syllables: (Latin spellings, Arabic letters). Short vowels are not written in Arabic.
_CONSONANTS = [
    (["b"], "ب"), (["t"], "ت"), (["j", "dj", "g"], "ج"), (["h"], "ح"), (["kh"], "خ"),
    (["d"], "د"), (["r"], "ر"), (["z"], "ز"), (["s"], "س"), (["sh", "ch"], "ش"),
    (["s"], "ص"), (["t"], "ط"), (["gh"], "غ"), (["f"], "ف"), (["q", "g", "k"], "ق"),
    (["k"], "ك"), (["l"], "ل"), (["m"], "م"), (["n"], "ن"), (["w"], "و"), (["y"], "ي"),
    (["dh", "z"], "ذ"),
]  # fmt: skip
_VOWELS = [
    (["a"], ""), (["a", "aa"], "ا"), (["i", "e"], ""), (["i", "ee"], "ي"), (["u", "o"], ""),
    (["u", "ou", "oo"], "و"),
]  # fmt: skip
_ENDINGS = [(["", ""], ""), (["iya", "iyah"], "ية"), (["a", "ah"], "ة"), (["i"], "ي")]

_PLACE_PREFIXES = [
    ("", ""), ("", ""), ("", ""), ("Bir ", "بئر "), ("Wadi ", "وادي "), ("Ain ", "عين "),
    ("Ras ", "رأس "), ("Bani ", "بني "), ("Sidi ", "سيدي "), ("Qasr ", "قصر "),
]  # fmt: skip

_MINISTRIES = [
    ("Interior", "الداخلية"), ("Defence", "الدفاع"), ("Health", "الصحة"),
    ("Foreign Affairs", "الخارجية"), ("Finance", "المالية"), ("Oil", "النفط"),
    ("Education", "التعليم"), ("Justice", "العدل"), ("Economy", "الاقتصاد"),
    ("Transport", "المواصلات"), ("Local Government", "الحكم المحلي"), ("Planning", "التخطيط"),
]  # fmt: skip
_PARTY_WORDS = [
    ("Unity", "الوحدة"), ("Justice", "العدالة"), ("Renewal", "التجديد"),
    ("Future", "المستقبل"), ("Reform", "الإصلاح"), ("Homeland", "الوطن"),
]  # fmt: skip
# ({X} is a generated name: place or family; Latin then Arabic template)
_ORG_TEMPLATES = [
    ("{X} Military Council", "المجلس العسكري {X}", "place"),
    ("{X} Municipal Council", "المجلس البلدي {X}", "place"),
    ("{X} Shura Council", "مجلس شورى {X}", "place"),
    ("{X} Oil Company", "شركة {X} للنفط", "place"),
    ("{X} Port Authority", "مصلحة ميناء {X}", "place"),
    ("University of {X}", "جامعة {X}", "place"),
    ("{X} Brigade", "كتيبة {X}", "family"),
    ("{X} Battalion", "سرية {X}", "family"),
    ("{X} Foundation", "مؤسسة {X}", "family"),
]
_OUTLET_NOUNS = [
    ("Herald", "صحيفة"), ("Tribune", "بوابة"), ("Observer", "وكالة"), ("Gazette", "قناة"),
    ("Times", "أخبار"), ("Post", "صوت"), ("Monitor", "منبر"), ("Dispatch", "موقع"),
]  # fmt: skip


def _syllable_name(rng: Random, syllables: int, ending: bool) -> tuple[list[list[str]], str]:
    """A pseudo-name: its parts as lists of Latin spellings, and its Arabic spelling."""
    parts: list[list[str]] = []
    arabic = ""
    for _ in range(syllables):
        cons, c_ar = rng.choice(_CONSONANTS)
        vow, v_ar = rng.choice(_VOWELS)
        parts.append([c + v for c in cons for v in vow][:3])
        arabic += c_ar + v_ar
    end, e_ar = rng.choice(_ENDINGS) if ending else ([], "")
    if e_ar:
        parts.append(end)
        arabic += e_ar
    else:
        # A name ends on a consonant or a written ending: Arabic does not write a short
        # final vowel, so "Qudha" beside قوذ would be two names by their spelling keys
        # (and its short key, kda, took the common word قاعدة for a person's name).
        cons, c_ar = rng.choice(_CONSONANTS)
        parts.append(cons)
        arabic += c_ar
    return parts, arabic


def _spell(parts: list[list[str]], variant: int | None = None, rng: Random | None = None) -> str:
    """The canonical spelling, or one with the `variant`-th changeable part respelt."""
    out = []
    changeable = [i for i, p in enumerate(parts) if len(p) > 1]
    pick = changeable[variant % len(changeable)] if (variant is not None and changeable) else -1
    for i, p in enumerate(parts):
        out.append(p[1 + (rng.randrange(len(p) - 1) if rng else 0)] if i == pick else p[0])
    return "".join(out).capitalize()


def _arabic_variant(name: str) -> str:
    """A common variant spelling: ة→ه, final ي→ى, or أ/إ→ا (unchanged if none applies)."""
    for a, b in (("ة", "ه"), ("أ", "ا"), ("إ", "ا")):
        if a in name:
            return name.replace(a, b)
    if name.endswith("ي"):
        return name[:-1] + "ى"
    return name


@dataclass
class GenEntity:
    index: int
    kind: str
    name: str
    slug: str
    description: str
    aliases: list[tuple[str, str]]  # (name, language), the first per language is canonical
    en: list[str] = field(default_factory=list)  # mention texts in English, canonical first
    ar: list[str] = field(default_factory=list)


def _entity(index: int, kind: str, aliases: list[tuple[str, str]]) -> GenEntity:
    unique: list[tuple[str, str]] = []
    for a in aliases:
        if a[0] and a not in unique:
            unique.append(a)
    name = unique[0][0]
    slug = f"{SLUG_PREFIX}{kind[0]}{index:05d}-{_ascii_slug(name)}"[:200]
    e = GenEntity(index, kind, name, slug, f"{GENERATED_NOTE}: {kind}", unique)
    e.en = [n for n, lang in unique if lang == "en"]
    e.ar = [n for n, lang in unique if lang == "ar"]
    return e


def make_entities(rng: Random, people: int, organizations: int, places: int):
    """People, organizations and places (each list in popularity rank order)."""
    place_list: list[GenEntity] = []
    place_names: list[tuple[list[list[str]], str, str, str]] = []
    seen: set[str] = set()
    while len(place_list) < places:
        prefix, prefix_ar = rng.choice(_PLACE_PREFIXES)
        parts, arabic = _syllable_name(rng, rng.choice((2, 2, 3)), ending=True)
        canonical = prefix + _spell(parts)
        if canonical in seen:
            continue
        seen.add(canonical)
        variant = prefix + _spell(parts, 0, rng)
        ar = prefix_ar + arabic
        place_names.append((parts, canonical, variant, ar))
        place_list.append(
            _entity(
                len(place_list) + 1,
                "place",
                [(canonical, "en"), (variant, "en"), (ar, "ar"), (_arabic_variant(ar), "ar")],
            )
        )
    families: list[tuple[str, str, str]] = []  # (Family, variant, Arabic) without al-
    people_list: list[GenEntity] = []
    seen = set()
    while len(people_list) < people:
        given, given_ar = rng.choice(GIVEN_NAMES)
        parts, fam_ar = _syllable_name(rng, rng.choice((2, 2, 3)), ending=rng.random() < 0.4)
        family, family_var = _spell(parts), _spell(parts, 0, rng)
        families.append((family, family_var, fam_ar))
        canonical = f"{given[0]} al-{family}"
        if canonical in seen:
            continue
        seen.add(canonical)
        g_var = given[1] if len(given) > 1 else given[0]
        article = rng.choice(("el-", "Al-", "al "))
        full_ar = f"{given_ar} ال{fam_ar}"
        people_list.append(
            _entity(
                len(people_list) + 1,
                "person",
                [
                    (canonical, "en"),
                    (f"{g_var} {article}{family_var}", "en"),
                    (f"al-{family}", "en"),
                    (full_ar, "ar"),
                    (_arabic_variant(full_ar), "ar"),
                    (f"ال{fam_ar}", "ar"),
                ],
            )
        )
    org_list: list[GenEntity] = []
    seen = set()
    for i, (en, ar) in enumerate(_MINISTRIES[: max(0, organizations // 4)]):
        seen.add(f"Ministry of {en}")
        org_list.append(
            _entity(i + 1, "organization", [(f"Ministry of {en}", "en"), (f"وزارة {ar}", "ar")])
        )
    for en, ar in _PARTY_WORDS[: max(0, organizations // 8)]:
        name = f"National {en} Party"
        seen.add(name)
        org_list.append(
            _entity(
                len(org_list) + 1,
                "organization",
                [(name, "en"), (f"N{en[0]}P", "en"), (f"حزب {ar} الوطني", "ar")],
            )
        )
    while len(org_list) < organizations:
        en_t, ar_t, what = rng.choice(_ORG_TEMPLATES)
        if what == "place":
            _parts, x, x_var, x_ar = rng.choice(place_names)
        else:
            x, x_var, x_ar = rng.choice(families)
            x, x_var, x_ar = "al-" + x, "Al-" + x_var, "ال" + x_ar
        name = en_t.format(X=x)
        if name in seen:
            continue
        seen.add(name)
        ar_name = ar_t.format(X=x_ar)
        org_list.append(
            _entity(
                len(org_list) + 1,
                "organization",
                [
                    (name, "en"),
                    (en_t.format(X=x_var), "en"),
                    (ar_name, "ar"),
                    (_arabic_variant(ar_name), "ar"),
                ],
            )
        )
    # Popularity rank is not creation order (ministries would all lead otherwise).
    rng.shuffle(org_list)
    return people_list, org_list, place_list


# ---------------------------------------------------------------------------------------
# Articles


@dataclass
class GenArticle:
    index: int  # 0-based position in the corpus
    story: int  # index into the batch's stories
    language: str
    title: str
    title_search: str
    body: str
    body_search: str
    source: int  # index into the outlets
    published: dt.date | None
    precision: str
    is_public: bool
    byline: str
    dateline: str
    translation_of: int | None = None  # corpus index of the original
    # (start, end, text, entity, role, status); entity = (kind, rank)
    mentions: list[tuple] = field(default_factory=list)
    # (start, end, text, speaker, kind, subjects, verification)
    claims: list[tuple] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return f"{SLUG_PREFIX}a{self.index + 1:07d}"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()


@dataclass
class GenStory:
    index: int
    title: str
    articles: list[GenArticle]

    @property
    def slug(self) -> str:
        return f"{SLUG_PREFIX}s{self.index + 1:07d}"


@dataclass
class Outlet:
    name: str
    slug: str
    language: str
    arabic_edition: int | None = None  # outlet index of its Arabic edition


_SAID = {"en": ["said", "told reporters", "stated", "added", "announced"],
         "ar": ["وقال", "وأكد", "وأضاف", "وصرح", "وأعلن"]}  # fmt: skip
_KINDS = ["person", "organization", "place"]
_ROLES = {
    "person": ("actor", "actor", "subject", "other"),
    "organization": ("actor", "subject", "other", "other"),
    "place": ("place", "place", "place", "other"),
}
_CLAIM_KINDS = ["direct_quote"] * 6 + ["paraphrase", "allegation", "commitment", "figure"]
_VERIFICATION = ["unverified"] * 8 + ["corroborated", "disputed"]


class _Text:
    """A text being built: its pieces and the same pieces normalized, with the length."""

    __slots__ = ("parts", "norm", "pos")

    def __init__(self):
        self.parts: list[str] = []
        self.norm: list[str] = []
        self.pos = 0

    def add(self, text: str, norm: str):
        self.parts.append(text)
        self.norm.append(norm)
        self.pos += len(text)


class CorpusGenerator:
    """Yields lists of stories, each with its articles, mentions and claims."""

    def __init__(
        self, articles: int, seed: int = 1, vocabulary_size: int = 30_000, text: bool = True
    ):
        self.n = articles
        self.seed = seed
        self._norm_cache: dict[str, str] = {}
        # Three random streams, so that the entities can be made without the words (the
        # writing process needs only them) and come out the same.
        self.rng = Random(f"generate_corpus:{seed}")
        self.vocab = {}
        if text:
            words = Random(f"generate_corpus:{seed}:words")
            en, ar = seed_words()
            stream = min(600_000, max(200_000, articles * 6))
            self.vocab = {
                "en": Vocabulary(en, vocabulary_size, words, stream),
                "ar": Vocabulary(
                    ar, vocabulary_size, words, stream, drop=curated_name_words(), max_len=9
                ),
            }
        rng = Random(f"generate_corpus:{seed}:entities")
        people = min(12_000, max(150, articles // 8))
        orgs = min(5_000, max(60, articles // 25))
        places = min(5_000, max(60, articles // 25))
        self.people, self.orgs, self.places = make_entities(rng, people, orgs, places)
        self.entities = {"person": self.people, "organization": self.orgs, "place": self.places}
        self.entity_cum = {k: _zipf_cum(len(v), 1.05, 1.0) for k, v in self.entities.items()}
        self.outlets = self._make_outlets(rng)
        self.outlet_cum = _zipf_cum(len(self.outlets), 0.8, 1.0)
        self.en_outlets = [i for i, o in enumerate(self.outlets) if o.language == "en"]
        self.ar_outlets = [i for i, o in enumerate(self.outlets) if o.language == "ar"]
        self.en_cum = _zipf_cum(len(self.en_outlets), 0.8, 1.0)
        self.ar_cum = _zipf_cum(len(self.ar_outlets), 0.8, 1.0)

    # -- setup --------------------------------------------------------------------------

    def _make_outlets(self, rng: Random) -> list[Outlet]:
        outlets: list[Outlet] = []
        names: set[str] = set()
        while len(outlets) < 36:
            place = rng.choice(self.places)
            noun, noun_ar = rng.choice(_OUTLET_NOUNS)
            english = len(outlets) % 3 != 2
            name = f"{place.name} {noun}" if english else f"{noun_ar} {place.ar[0]}"
            if name in names:
                continue
            names.add(name)
            k = len(outlets) + 1
            lang = "en" if english else "ar"
            outlets.append(Outlet(name, f"{SLUG_PREFIX}o{k:03d}-{_ascii_slug(place.name)}", lang))
            if english and k % 2:  # half the English outlets have an Arabic edition
                outlets.append(
                    Outlet(
                        f"{name} (Arabic)",
                        f"{SLUG_PREFIX}o{k + 1:03d}-{_ascii_slug(place.name)}-ar",
                        "ar",
                    )
                )
                outlets[-2].arabic_edition = len(outlets) - 1
        return outlets

    # -- drawing --------------------------------------------------------------------------

    def _normalized(self, text: str) -> str:
        norm = self._norm_cache.get(text)
        if norm is None:
            norm = self._norm_cache[text] = normalize(text)
        return norm

    def _pick(self, kind: str) -> int:
        cum = self.entity_cum[kind]
        return bisect(cum, self.rng.random() * cum[-1])

    def _alias(self, kind: str, rank: int, lang: str) -> str:
        e = self.entities[kind][rank]
        names = e.en if lang == "en" else e.ar
        r = self.rng.random()
        if r < 0.7 or len(names) == 1:
            return names[0]
        return names[1 + int((r - 0.7) / 0.3 * (len(names) - 1))]

    def _words(self, t: _Text, lang: str, k: int, capital: bool):
        """`k` words of running text (the first capitalized at a sentence start)."""
        v = self.vocab[lang]
        if k < 6:
            text, norm = v.run(self.rng, k)
        else:  # two runs, so that no long stretch of words repeats
            half = k // 2
            t1, n1 = v.run(self.rng, half)
            t2, n2 = v.run(self.rng, k - half)
            text, norm = f"{t1} {t2}", f"{n1} {n2}"
        if capital and lang == "en":
            text = text[0].upper() + text[1:]
        if lang == "en" and k > 6 and self.rng.random() < 0.3:  # a comma inside
            cut = text.find(" ", len(text) // 2)
            if cut > 0:
                text, norm = text[:cut] + "," + text[cut:], norm[:cut] + "," + norm[cut:]
        t.add(text, norm)

    def _number(self, t: _Text):
        r = self.rng.random()
        n = str(self.rng.randrange(2, 99)) if r < 0.6 else str(self.rng.randrange(1990, 2025))
        t.add(n, n)

    def _mention(self, t: _Text, art: GenArticle, ent: tuple[int, int], lang: str, role=None):
        kind, rank = ent
        alias = self._alias(_KINDS[kind], rank, lang)
        start = t.pos
        t.add(alias, self._normalized(alias))
        r = self.rng.random()
        status = "confirmed" if r < 0.85 else ("suggested" if r < 0.97 else "rejected")
        if role is None:
            role = self.rng.choice(_ROLES[_KINDS[kind]])
        art.mentions.append((start, t.pos, alias, ent, role, status))

    def _sentence(self, t, art, lang, length, ents):
        """One sentence of `length` words with the entities in `ents` inside it."""
        rand = self.rng.random
        cuts = sorted({1 + int(rand() * (length - 1)) for _ in ents}) if length > 1 else []
        prev = 0
        for i, ent in enumerate(ents[: len(cuts)]):
            if cuts[i] > prev:
                self._words(t, lang, cuts[i] - prev, capital=prev == 0)
                t.add(" ", " ")
            self._mention(t, art, ent, lang)
            t.add(" ", " ")
            prev = cuts[i]
            if self.rng.random() < 0.15:
                self._number(t)
                t.add(" ", " ")
        self._words(t, lang, max(1, length - prev), capital=prev == 0)
        t.add(".", ".")

    def _quote(self, t, art, lang, speaker, subject, kind, length):
        """A paragraph opening with a quoted claim; returns nothing, records the claim."""
        said = self.rng.choice(_SAID[lang])
        if lang == "en":
            self._mention(t, art, speaker, lang, role="actor")
            t.add(f' {said}: "', f' {said}: "')
        else:
            t.add(f"{said} ", f"{self._normalized(said)} ")
            self._mention(t, art, speaker, lang, role="actor")
            t.add(' إن "', ' ان "')
        start = t.pos
        self._sentence(t, art, lang, length, [subject])
        end = t.pos
        t.add('"', '"')
        return start, end

    def _paragraphs(self, art: GenArticle, plan: list, lang: str) -> tuple[str, str]:
        """The body from a plan: per paragraph (word count, entities, claim or None)."""
        body = _Text()
        for p, (words, ents, claim) in enumerate(plan):
            if p:
                body.add("\n", "\n")
            left = words
            if claim is not None:
                speaker, subject, kind, verification, length = claim
                start, end = self._quote(body, art, lang, speaker, subject, kind, length)
                text = "".join(body.parts)[start:end]
                art.claims.append((start, end, text, speaker, kind, [subject[:2]], verification))
                left -= length + 3
                if left < 8:
                    continue
                body.add(" ", " ")
            n_sent = max(1, min(self.rng.randint(2, 6), left // 8))
            sizes = [left // n_sent] * n_sent
            for i in range(left - sum(sizes)):
                sizes[i] += 1
            per = [[] for _ in range(n_sent)]
            for e in ents:
                per[self.rng.randrange(n_sent)].append(e)
            for i, size in enumerate(sizes):
                if i:
                    body.add(" ", " ")
                self._sentence(body, art, lang, size, per[i])
        return "".join(body.parts), "".join(body.norm)

    def _title(self, lang: str, ent: tuple[int, int]) -> tuple[str, str]:
        t = _Text()
        alias = self._alias(_KINDS[ent[0]], ent[1], lang)
        t.add(alias, self._normalized(alias))
        t.add(" ", " ")
        self._words(t, lang, self.rng.randint(4, 10), capital=False)
        return "".join(t.parts), "".join(t.norm)

    def _date(self, day: int) -> tuple[dt.date | None, str]:
        d = FIRST_DAY + dt.timedelta(days=min(DAYS, day))
        r = self.rng.random()
        if r < 0.86:
            return d, "day"
        if r < 0.95:
            return d.replace(day=1), "month"
        if r < 0.99:
            return d.replace(month=1, day=1), "year"
        return None, "day"

    def _plan(self, cast: list[tuple[int, int]]) -> list:
        """Paragraph plan for one article: (words, entities, claim) per paragraph."""
        rng = self.rng
        plan = []
        # Within the bounds of news writing (4-20 paragraphs of 20-60 words), skewed the
        # way wire copy is: most stories short, a few long (about 330 words on average).
        n_par = int(rng.triangular(4, 21, 4))
        n_claims = 0 if rng.random() < 0.6 else (1 if rng.random() < 0.8 else 2)
        claim_pars = set(rng.sample(range(1, n_par), min(n_claims, n_par - 1)))
        people = [c for c in cast if c[0] == 0] or [(0, self._pick("person"))]
        for p in range(n_par):
            words = int(rng.triangular(20, 61, 25))
            n_ent = min(4, int(rng.expovariate(1 / 1.6)))
            ents = []
            for _ in range(n_ent):
                if rng.random() < 0.75:
                    ents.append(rng.choice(cast))
                else:
                    kind = rng.choices((0, 1, 2), (0.5, 0.25, 0.25))[0]
                    ents.append((kind, self._pick(_KINDS[kind])))
            claim = None
            if p in claim_pars:
                speaker = rng.choice(people)
                subject = rng.choice([c for c in cast if c != speaker] or [(2, 0)])
                claim = (
                    speaker,
                    subject,
                    rng.choice(_CLAIM_KINDS),
                    rng.choice(_VERIFICATION),
                    rng.randint(8, min(20, words)),
                )
            plan.append((words, ents, claim))
        return plan

    def _article(self, index, story, lang, source, plan, cast, day, translation_of=None):
        rng = self.rng
        published, precision = self._date(day)
        title, title_search = self._title(lang, cast[0])
        byline_given, _ = rng.choice(GIVEN_NAMES)
        fam = rng.choice(self.people).name.split(" ", 1)[1]
        place = self.places[self._pick("place")]
        art = GenArticle(
            index=index,
            story=story,
            language=lang,
            title=title,
            title_search=title_search,
            body="",
            body_search="",
            source=source,
            published=published,
            precision=precision,
            is_public=rng.random() >= 0.02,
            byline=f"{byline_given[0]} {fam}" if lang == "en" and rng.random() < 0.5 else "",
            dateline=(place.name.upper() if lang == "en" else place.ar[0])
            if rng.random() < 0.4
            else "",
            translation_of=translation_of,
        )
        art.body, art.body_search = self._paragraphs(art, plan, lang)
        return art

    def _translation_plan(self, plan):
        """The Arabic version keeps paragraphs, entities and claims; the words are its own."""
        out = []
        for words, ents, claim in plan:
            w = max(20, int(words * self.rng.uniform(0.85, 1.1)))
            out.append((w, ents, claim))
        return out

    def stories(self, batch_size: int = 1000):
        """Yield lists of GenStory holding about `batch_size` articles, `self.n` in all."""
        rng = self.rng
        made = 0
        story_index = 0
        batch: list[GenStory] = []
        in_batch = 0
        while made < self.n:
            day = rng.randrange(DAYS + 1)
            cast = []
            for kind, k in ((0, rng.randint(2, 4)), (1, rng.randint(1, 2)), (2, rng.randint(1, 2))):
                for _ in range(k):
                    e = (kind, self._pick(_KINDS[kind]))
                    if e not in cast:
                        cast.append(e)
            r = rng.random()
            coverage = 1 if r < 0.45 else 2 if r < 0.7 else 3 if r < 0.85 else rng.randint(4, 7)
            story = GenStory(story_index, "", [])
            used_outlets: list[int] = []
            for _ in range(coverage):
                if made >= self.n:
                    break
                lang = "en" if rng.random() < 0.6 else "ar"
                if lang == "en":
                    pool, cum = self.en_outlets, self.en_cum
                else:
                    pool, cum = self.ar_outlets, self.ar_cum
                source = pool[bisect(cum, rng.random() * cum[-1])]
                if source in used_outlets:  # another outlet, if one is free
                    source = next((o for o in pool if o not in used_outlets), source)
                used_outlets.append(source)
                plan = self._plan(cast)
                article_day = day + rng.choice((0, 0, 0, 1, 1, 2, 3))
                original = self._article(made, len(batch), lang, source, plan, cast, article_day)
                story.articles.append(original)
                made += 1
                if lang == "en" and made < self.n and rng.random() < 1 / 3:
                    edition = self.outlets[source].arabic_edition
                    if edition is None:
                        cum = self.ar_cum
                        edition = self.ar_outlets[bisect(cum, rng.random() * cum[-1])]
                    translation = self._article(
                        made,
                        len(batch),
                        "ar",
                        edition,
                        self._translation_plan(plan),
                        cast,
                        article_day + rng.choice((0, 0, 1)),
                        translation_of=original.index,
                    )
                    story.articles.append(translation)
                    made += 1
            story.title = story.articles[0].title
            batch.append(story)
            story_index += 1
            in_batch += len(story.articles)
            if in_batch >= batch_size:
                yield batch
                batch, in_batch = [], 0
        if batch:
            yield batch


def _produce(queue, articles: int, seed: int, batch_size: int):
    """Child process: generate and hand over batches; None ends, an exception string fails."""
    try:
        for batch in CorpusGenerator(articles, seed).stories(batch_size):
            queue.put(batch)
        queue.put(None)
    except BaseException as exc:  # reported to the parent, which raises
        queue.put(f"{type(exc).__name__}: {exc}")


def iter_batches(articles: int, seed: int = 1, batch_size: int = 1000, parallel: bool = True):
    """The corpus's batches, generated in a forked child process when `parallel`.

    Generation is pure Python and takes about a quarter of the time of writing, so a
    second process lets it run while PostgreSQL indexes the previous batch. The child
    consumes the same random stream in the same order: the batches are identical either
    way. At most two batches wait in the queue, so memory stays flat.
    """
    import multiprocessing

    if not parallel or "fork" not in multiprocessing.get_all_start_methods():
        yield from CorpusGenerator(articles, seed).stories(batch_size)
        return
    ctx = multiprocessing.get_context("fork")  # pure Python child: never touches the DB
    queue = ctx.Queue(maxsize=2)
    child = ctx.Process(target=_produce, args=(queue, articles, seed, batch_size), daemon=True)
    child.start()
    try:
        while True:
            item = queue.get()
            if item is None:
                break
            if isinstance(item, str):
                raise RuntimeError(f"corpus generator failed: {item}")
            yield item
        child.join()
    finally:
        if child.is_alive():
            child.terminate()
            child.join()


# ---------------------------------------------------------------------------------------
# Writing to PostgreSQL


def _reserve(cur, table: str, n: int) -> list[int]:
    if n <= 0:
        return []
    cur.execute(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
        [n],
    )
    return [r[0] for r in cur.fetchall()]


def generated_exists(cur) -> bool:
    cur.execute(
        "SELECT EXISTS (SELECT 1 FROM archive_article WHERE slug LIKE %s AND url LIKE %s) "
        "OR EXISTS (SELECT 1 FROM archive_entity WHERE slug LIKE %s AND description LIKE %s)",
        [SLUG_PREFIX + "%", f"https://{URL_HOST}/%", SLUG_PREFIX + "%", GENERATED_NOTE + "%"],
    )
    return cur.fetchone()[0]


def clear_generated(cur) -> dict[str, int]:
    """Delete every generated row (both marks) and what hangs on it; nothing else.

    Annotations that reference generated rows go with them: mentions in generated
    articles or of generated entities, claims in generated articles or spoken by a
    generated entity, their subject links, aliases, merges into generated entities, and
    the history rows (an analyst may have edited generated rows in the admin).
    """
    counts: dict[str, int] = {}
    a_marks = [SLUG_PREFIX + "%", f"https://{URL_HOST}/%"]
    e_marks = [SLUG_PREFIX + "%", GENERATED_NOTE + "%"]
    cur.execute(
        "CREATE TEMP TABLE gen_article ON COMMIT DROP AS "
        "SELECT id FROM archive_article WHERE slug LIKE %s AND url LIKE %s",
        a_marks,
    )
    cur.execute(
        "CREATE TEMP TABLE gen_entity ON COMMIT DROP AS "
        "SELECT id FROM archive_entity WHERE slug LIKE %s AND description LIKE %s",
        e_marks,
    )
    cur.execute(
        "CREATE TEMP TABLE gen_claim ON COMMIT DROP AS SELECT id FROM archive_claim "
        "WHERE article_id IN (SELECT id FROM gen_article) "
        "OR speaker_id IN (SELECT id FROM gen_entity)"
    )
    cur.execute("ANALYZE gen_article; ANALYZE gen_entity; ANALYZE gen_claim")

    def run(label, sql, params=()):
        cur.execute(sql, params)
        counts[label] = counts.get(label, 0) + max(cur.rowcount, 0)

    history = _history_tables(cur)
    run(
        "claim subjects",
        "DELETE FROM archive_claimsubject WHERE claim_id IN (SELECT id FROM gen_claim) "
        "OR entity_id IN (SELECT id FROM gen_entity)",
    )
    # A curated claim recorded as the same as a generated one loses only that link.
    cur.execute(
        "UPDATE archive_claim SET same_as_id = NULL WHERE same_as_id IN (SELECT id FROM gen_claim)"
        " AND id NOT IN (SELECT id FROM gen_claim)"
    )
    run("claims", "DELETE FROM archive_claim WHERE id IN (SELECT id FROM gen_claim)")
    run(
        "mentions",
        "DELETE FROM archive_mention WHERE article_id IN (SELECT id FROM gen_article) "
        "OR entity_id IN (SELECT id FROM gen_entity)",
    )
    run("aliases", "DELETE FROM archive_alias WHERE entity_id IN (SELECT id FROM gen_entity)")
    cur.execute("DELETE FROM archive_entitymerge WHERE survivor_id IN (SELECT id FROM gen_entity)")
    run("articles", "DELETE FROM archive_article WHERE id IN (SELECT id FROM gen_article)")
    run("entities", "DELETE FROM archive_entity WHERE id IN (SELECT id FROM gen_entity)")
    run(
        "stories",
        "DELETE FROM archive_story s WHERE slug LIKE %s AND description LIKE %s "
        "AND NOT EXISTS (SELECT 1 FROM archive_article a WHERE a.story_id = s.id)",
        [SLUG_PREFIX + "%", GENERATED_NOTE + "%"],
    )
    run(
        "sources",
        "DELETE FROM archive_source s WHERE slug LIKE %s AND url LIKE %s "
        "AND NOT EXISTS (SELECT 1 FROM archive_article a WHERE a.source_id = s.id)",
        [SLUG_PREFIX + "%", f"https://%.{URL_HOST}/"],
    )
    for table, where in (
        ("archive_historicalarticle", "id IN (SELECT id FROM gen_article)"),
        ("archive_historicalentity", "id IN (SELECT id FROM gen_entity)"),
        ("archive_historicalalias", "entity_id IN (SELECT id FROM gen_entity)"),
        (
            "archive_historicalmention",
            "article_id IN (SELECT id FROM gen_article) "
            "OR entity_id IN (SELECT id FROM gen_entity)",
        ),
        ("archive_historicalclaim", "id IN (SELECT id FROM gen_claim)"),
        (
            "archive_historicalclaimsubject",
            "claim_id IN (SELECT id FROM gen_claim) OR entity_id IN (SELECT id FROM gen_entity)",
        ),
    ):
        if table in history:
            cur.execute(f"DELETE FROM {table} WHERE {where}")
    cur.execute("DROP TABLE gen_article, gen_entity, gen_claim")
    return counts


def _history_tables(cur) -> set[str]:
    cur.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename LIKE 'archive\\_historical%%'"
    )
    return {r[0] for r in cur.fetchall()}


# Tables a corpus fills in bulk: their secondary indexes and user triggers wait for the end.
BULK_TABLES = ("archive_article", "archive_mention", "archive_claim", "archive_claimsubject")
BULK_FROM = 5_000  # articles; below this, maintaining the indexes row by row costs less


# Every table a load or a --clear writes to: the bulk ones, the entities, outlets and
# stories, and the stored counts rebuilt after a load.
WRITTEN_TABLES = (
    *BULK_TABLES,
    "archive_entity",
    "archive_alias",
    "archive_source",
    "archive_story",
    "archive_entitycount",
    "archive_entitymonthcount",
    "archive_datecount",
)


def vacuum_bulk_tables(connection) -> None:
    """VACUUM (ANALYZE) the tables a bulk load or a clear wrote, after its commit. A load
    leaves no page marked all-visible, so until a vacuum every index-only scan visits the
    table too (the 4,000th page of the article list: 115 ms, 18 ms after); a clear leaves
    as many dead rows as it deleted, which the planner reads through at the ends of each
    index it looks at (a name's look-up planned in 1.5-3 ms instead of 0.2 after replacing
    a corpus). Autovacuum may be off or come late."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(WRITTEN_TABLES)}")


def rebuild_stored_counts(cur) -> None:
    """The one step after a load that recomputes what the archive stores about its rows
    (counts per entity and per day). Bulk loads write with the tables' user triggers off,
    so whatever those triggers keep up to date is rebuilt here, once, from the tables:
    the stored counts, and the archive generation that keys the page cache."""
    from archive.services.counts import REBUILD_SQL

    for statement in REBUILD_SQL:
        cur.execute(statement)
    cur.execute("UPDATE archive_generation SET value = nextval('archive_generation_seq')")


def _archive_articles(cur) -> int:
    cur.execute("SELECT count(*) FROM archive_article")
    return cur.fetchone()[0]


@dataclass
class _Deferred:
    """Secondary indexes and foreign keys dropped and user triggers disabled for a bulk
    load into an (almost) empty archive, and how to bring them back.

    Updating the GIN index of the search vector row by row cost about 0.6 ms per article
    (more than computing the vector itself), the mention indexes tripled the mention COPY,
    and each foreign key is a lookup per row; building the indexes once at the end and
    adding the foreign keys back (which checks every row again, in one join per key)
    costs a fraction of that. Primary keys and unique constraints stay, so duplicates are
    refused as the load goes. All of it is DDL inside the load's transaction: a failed load
    rolls the drops back too (other sessions wait for the load's end to read these tables).
    """

    indexes: list[str]  # CREATE INDEX statements
    triggers: list[tuple[str, str]]  # (table, trigger)
    foreign_keys: list[tuple[str, str, str]]  # (table, name, definition)

    @classmethod
    def take(cls, cur) -> _Deferred:
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) "
            "AND NOT i.indisprimary AND NOT i.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [list(BULK_TABLES)],
        )
        found = cur.fetchall()
        cur.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgrelid = ANY(%s::regclass[]) AND NOT t.tgisinternal AND t.tgenabled = 'O'",
            [list(BULK_TABLES)],
        )
        triggers = cur.fetchall()
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype = 'f'",
            [list(BULK_TABLES)],
        )
        foreign_keys = cur.fetchall()
        for table, name, _definition in foreign_keys:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in found:
            cur.execute(f"DROP INDEX {name}")
        for table, trigger in triggers:
            cur.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{trigger}"')
        return cls([definition for _name, definition in found], triggers, foreign_keys)

    def restore(self, cur) -> None:
        # Sorting and GIN building want memory; this transaction only.
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in self.indexes:
            cur.execute(definition)
        # Each foreign key is checked again over the whole table, in one join.
        for table, name, definition in self.foreign_keys:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for table, trigger in self.triggers:
            cur.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{trigger}"')


ARTICLE_COLUMNS = (
    "id, title, slug, body, language, url, byline, dateline, published, published_precision, "
    "is_public, sha256, created, updated, title_search, body_search, translation_of_id, "
    "source_id, story_id"
)
MENTION_COLUMNS = (
    'article_id, entity_id, start, "end", text, role, status, is_orphaned, created, updated'
)
CLAIM_COLUMNS = (
    'id, article_id, speaker_id, start, "end", text, kind, date, verification, note, status, '
    "is_orphaned, version, created, updated, same_as_id"
)


@dataclass
class Stats:
    articles: int = 0
    mentions: int = 0
    claims: int = 0
    entities: int = 0
    aliases: int = 0
    stories: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


def write_corpus(
    pg, articles: int, seed: int = 1, batch_size: int = 1000, progress=None, parallel=None
) -> Stats:
    """Generate and COPY the corpus through the raw psycopg connection `pg`.

    The caller owns the transaction. Rows go straight to the tables: no model save(), no
    signals, and no django-simple-history rows (a synthetic corpus has no editing history;
    writing one historical row per generated row would double the work for nothing).
    """
    t0 = time.perf_counter()
    stats = Stats()
    # The entities and outlets are made here too, from the same seed: the child process
    # makes the same ones (and the vocabulary) and goes on to the articles.
    if parallel is None:
        parallel = articles >= 4 * batch_size
    gen = CorpusGenerator(articles, seed, text=not parallel)
    now = dt.datetime.now(dt.UTC)
    with pg.cursor() as cur:
        # Foreign keys checked row by row rather than queued to the commit: the queue of
        # a million mentions' checks would grow with the load (and CREATE INDEX refuses to
        # run while checks are pending).
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # An article's body and its normalized copy go over 2 kB, so PostgreSQL compresses
        # them: lz4 (where the server has it) instead of pglz took the article COPY from
        # 5.6 to 4.0-4.5 s per 10,000. This transaction only; each stored value says how
        # it is compressed, so it reads the same anywhere.
        cur.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        if cur.fetchone()[0]:
            cur.execute("SET LOCAL default_toast_compression = lz4")
        deferred = None
        if articles >= BULK_FROM and _archive_articles(cur) * 10 < articles:
            deferred = _Deferred.take(cur)
        # Entities and aliases.
        entity_ids = {k: _reserve(cur, "archive_entity", len(v)) for k, v in gen.entities.items()}
        alias_rows = []
        with cur.copy("COPY archive_entity (id, kind, name, name_ar, slug, description, "
                      "wikidata_id) FROM STDIN") as copy:  # fmt: skip
            for kind, ents in gen.entities.items():
                ids = entity_ids[kind]
                for e, eid in zip(ents, ids, strict=True):
                    name_ar = next((name for name, lang in e.aliases if lang == "ar"), "")
                    copy.write_row((eid, kind, e.name, name_ar, e.slug, e.description, ""))
                    for name, lang in e.aliases:
                        key = phrase_key(name)[:300]  # as Alias.save() fills it
                        alias_rows.append((eid, name, lang, normalize(name), key))
        with cur.copy("COPY archive_alias (entity_id, name, language, normalized, variant_key) "
                      "FROM STDIN") as c:  # fmt: skip
            for row in alias_rows:
                c.write_row(row)
        stats.entities = sum(len(v) for v in entity_ids.values())
        stats.aliases = len(alias_rows)
        kind_ids = [entity_ids["person"], entity_ids["organization"], entity_ids["place"]]
        # Outlets.
        source_ids = _reserve(cur, "archive_source", len(gen.outlets))
        columns = "id, name, slug, url, country, language"
        with cur.copy(f"COPY archive_source ({columns}) FROM STDIN") as c:
            for o, sid in zip(gen.outlets, source_ids, strict=True):
                c.write_row((sid, o.name, o.slug, f"https://{o.slug}.{URL_HOST}/", "", o.language))
        article_ids: dict[int, int] = {}  # corpus index → id, for originals only
        claim_ids: dict[tuple, int] = {}  # (original index, claim number) → id
        for batch in iter_batches(articles, seed, batch_size, parallel):
            n_art = sum(len(s.articles) for s in batch)
            story_ids = _reserve(cur, "archive_story", len(batch))
            a_ids = _reserve(cur, "archive_article", n_art)
            n_claims = sum(len(a.claims) for s in batch for a in s.articles)
            c_ids = iter(_reserve(cur, "archive_claim", n_claims))
            with cur.copy("COPY archive_story (id, title, slug, description) FROM STDIN") as c:
                for s, sid in zip(batch, story_ids, strict=True):
                    c.write_row((sid, s.title[:300], s.slug, f"{GENERATED_NOTE}, seed {seed}"))
            mentions, claims, subjects = [], [], []
            ids = iter(a_ids)
            with cur.copy(f"COPY archive_article ({ARTICLE_COLUMNS}) FROM STDIN") as c:
                for s, sid in zip(batch, story_ids, strict=True):
                    for a in s.articles:
                        aid = next(ids)
                        article_ids[a.index] = aid
                        original = a.translation_of
                        c.write_row((
                            aid, a.title[:500], a.slug, a.body, a.language,
                            f"https://{URL_HOST}/{a.slug}", a.byline, a.dateline, a.published,
                            a.precision, a.is_public, a.sha256, now, now, a.title_search,
                            a.body_search, article_ids[original] if original is not None else None,
                            source_ids[a.source], sid,
                        ))  # fmt: skip
                        for start, end, text, (k, rank), role, status in a.mentions:
                            mentions.append((
                                aid, kind_ids[k][rank], start, end, text, role, status,
                                False, now, now,
                            ))  # fmt: skip
                        for n, (start, end, text, speaker, kind, about, verif) in enumerate(
                            a.claims
                        ):
                            cid = next(c_ids)
                            key = (a.index if original is None else original, n)
                            same_as = claim_ids.pop(key, None) if original is not None else None
                            if original is None:
                                claim_ids[key] = cid
                            said_on = a.published if a.precision == "day" else None
                            claims.append((
                                cid, aid, kind_ids[speaker[0]][speaker[1]], start, end, text,
                                kind, said_on, verif, "", "confirmed", False, 1, now, now, same_as,
                            ))  # fmt: skip
                            for k, rank in about:
                                subjects.append((cid, kind_ids[k][rank]))
            with cur.copy(f"COPY archive_mention ({MENTION_COLUMNS}) FROM STDIN") as c:
                for row in mentions:
                    c.write_row(row)
            with cur.copy(f"COPY archive_claim ({CLAIM_COLUMNS}) FROM STDIN") as c:
                for row in claims:
                    c.write_row(row)
            with cur.copy("COPY archive_claimsubject (claim_id, entity_id) FROM STDIN") as c:
                for row in subjects:
                    c.write_row(row)
            # Originals of this batch are never needed again: translations follow at once.
            article_ids.clear()
            claim_ids.clear()
            stats.articles += n_art
            stats.stories += len(batch)
            stats.mentions += len(mentions)
            stats.claims += len(claims)
            if progress is not None:
                progress(n_art)
        if deferred is not None:
            deferred.restore(cur)
        # Fresh statistics: right after a bulk load the planner would otherwise guess
        # (a co-mention query on 400 articles took minutes with none).
        for table in ("article", "mention", "claim", "claimsubject", "entity", "alias", "source"):
            cur.execute(f"ANALYZE archive_{table}")
        rebuild_stored_counts(cur)
    stats.seconds = time.perf_counter() - t0
    return stats

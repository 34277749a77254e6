"""Stories of articles (some an English original and its Arabic translation), with mentions
at exact spans and claims: :class:`CorpusGenerator`, and :func:`iter_batches`, which runs
it in a child process. Plain Python, no database and no Django.

Everything comes from random streams seeded by the seed alone and consumed in a fixed
order, so a seed and an article count always give the same corpus, whatever the batch
size and whether a child process generates it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate
from random import Random

from archive.text.normalize import normalize
from benchmarks.corpus.entities import ascii_slug, make_entities
from benchmarks.corpus.marks import SLUG_PREFIX
from benchmarks.corpus.names import GIVEN_NAMES, OUTLET_NOUNS
from benchmarks.corpus.words import Vocabulary, curated_name_words, seed_words

FIRST_DAY = dt.date(2005, 1, 1)
DAYS = (dt.date(2024, 12, 31) - FIRST_DAY).days  # twenty years


def _zipf_cum(n: int, s: float = 1.0, q: float = 2.7) -> list[float]:
    """Cumulative Zipf–Mandelbrot weights 1/(rank+q)^s for ranks 1..n."""
    return list(accumulate(1.0 / (r + q) ** s for r in range(1, n + 1)))


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

    def joined(self) -> tuple[str, str]:
        """The text and its normal form."""
        return "".join(self.parts), "".join(self.norm)


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
            noun, noun_ar = rng.choice(OUTLET_NOUNS)
            english = len(outlets) % 3 != 2
            name = f"{place.name} {noun}" if english else f"{noun_ar} {place.ar[0]}"
            if name in names:
                continue
            names.add(name)
            k = len(outlets) + 1
            lang = "en" if english else "ar"
            outlets.append(Outlet(name, f"{SLUG_PREFIX}o{k:03d}-{ascii_slug(place.name)}", lang))
            if english and k % 2:  # half the English outlets have an Arabic edition
                outlets.append(
                    Outlet(
                        f"{name} (Arabic)",
                        f"{SLUG_PREFIX}o{k + 1:03d}-{ascii_slug(place.name)}-ar",
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

    def _rank(self, cum: list[float]) -> int:
        """A rank drawn by the cumulative weights `cum` (one draw from the stream)."""
        return bisect(cum, self.rng.random() * cum[-1])

    def _pick(self, kind: str) -> int:
        return self._rank(self.entity_cum[kind])

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
        return body.joined()

    def _title(self, lang: str, ent: tuple[int, int]) -> tuple[str, str]:
        t = _Text()
        alias = self._alias(_KINDS[ent[0]], ent[1], lang)
        t.add(alias, self._normalized(alias))
        t.add(" ", " ")
        self._words(t, lang, self.rng.randint(4, 10), capital=False)
        return t.joined()

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
                source = pool[self._rank(cum)]
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
                        edition = self.ar_outlets[self._rank(self.ar_cum)]
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

"""The benchmark: every public page and API endpoint against its hand-written floor, under
load, and the importer, on generated archives of several sizes.

    .venv/bin/python benchmarks/bench.py                       # 1,000, 10,000 and 100,000
    .venv/bin/python benchmarks/bench.py --sizes "1000 1000000" --no-import   # a million
    .venv/bin/python benchmarks/bench.py --sizes 1000 --requests 20 \\
        --no-load --no-attack --no-import

For each size the harness builds the corpus in a database of its own on the PostgreSQL of
DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_archive: one database per
size, bench_archive_<size>, made when missing) with `manage.py generate_corpus --clear
--articles N --seed 1`, picks the concrete slugs and words from the data, and measures
in-process with Django's test Client (DEBUG off, production static files, page cache off)
each case twice. Cold: over up to `--objects` (50) different objects spread over the
archive, chosen by indexes and stored counts (articles old and new by date, pairs and
claims by id ranges, people from the most named to the rare by their stored counts, list
pages from the first to deep ones, common and rare words), each asked once, for the first
time (the home page and the dates index, one object each, after a clear of the caches each
time). Warm: the case's own object (the most named person, the commonest word...), after
one warm-up, `--requests` times. Then the queries of one more request. Beside each case its
floor (benchmarks/floors.py: the same rows through psycopg, formatted by hand, no Django)
over the same objects, each right after its page, and the ratio of the cold p50 to the
floor's (a floor under 2 ms counts as 2 ms). The p95 targets hold for the cold figure.

Then, at the largest size: gunicorn as production runs it (benchmarks/locustfile.py drives
it with locust, headless, bounded in time: a mix of pages, then the article page alone),
then the page cache under attack (benchmarks/attack.py: six clients asking for the dearest
answers under random parameters and cookies beside one reader of cached pages, gunicorn with
Redis), and `import_articles` over 1,000 generated texts with suggestions on, in a throwaway
database. Results go to benchmarks/RESULTS.md and benchmarks/results.json, with the
targets marked met or missed. Locust is the optional extra `bench`
(`pip install -e '.[bench]'`); without it the load part is skipped and says so.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
for _path in (str(ROOT), str(HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import floors  # noqa: E402  (benchmarks/floors.py: no Django)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_archive"
DEFAULT_SIZES = [1_000, 10_000, 100_000]
FLOOR_MIN_MS = 2.0
ADMIN_USER = "bench-admin"

# Targets (the performance issue).
PAGE_P95_MS = 50
SEARCH_P95_MS = 150
ADMIN_P95_MS = 300
API_RATIO = 3
PAGE_RATIO = 5
TARGET_SIZE = 1_000_000
LOAD_RPS = 1_000
IMPORT_RATE = 200
GENERATE_RATE = 2_000


@dataclass
class Case:
    name: str
    group: str  # page, search, api, api-search, admin
    url: str
    floor: str  # a function of benchmarks/floors.py
    floor_kwargs: dict = field(default_factory=dict)
    # The different objects of the cold figure: (url, floor kwargs) each; empty: the url.
    variants: list = field(default_factory=list)
    # One object only (the home page, the dates index): each cold request follows a clear
    # of the caches, as the first request after a cache entry expires.
    reset_cold: bool = False

    @property
    def admin(self) -> bool:
        return self.group == "admin"

    @property
    def objects(self) -> list:
        return self.variants or [(self.url, self.floor_kwargs)]


@dataclass
class Row:
    case: str
    group: str
    url: str
    size: int
    status: int
    p50: float  # cold: each object asked once, for the first time
    p95: float
    queries: int
    floor_p50: float | None  # over the same objects, each right after its page
    floor_p95: float | None
    ratio: float | None  # cold p50 / max(floor p50, 2 ms)
    requests: int  # warm requests
    warm_p50: float | None = None  # the first object again, `requests` times after a warm-up
    warm_p95: float | None = None
    objects: int = 1  # how many different objects the cold figure covers


# Environment ------------------------------------------------------------------------------


def database_url_for(base_url: str, size: int) -> str:
    """The database of one size: the base URL's database name with _<size>."""
    parts = urlsplit(base_url)
    name = parts.path.lstrip("/") or "bench_archive"
    return urlunsplit(parts._replace(path=f"/{name}_{size}"))


def conninfo(url: str) -> dict:
    parts = urlsplit(url)
    info = {
        "dbname": parts.path.lstrip("/"),
        "user": parts.username or "postgres",
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
    }
    if parts.password:
        info["password"] = parts.password
    return info


def django_conninfo() -> dict:
    """Connection parameters of Django's default database (the test database in tests)."""
    from django.db import connection

    s = connection.settings_dict
    info = {"dbname": s["NAME"], "user": s.get("USER") or "postgres"}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("PASSWORD", "password")):
        if s.get(key):
            info[name] = s[key]
    return info


def ensure_database(url: str, *, fresh: bool = False):
    import psycopg

    info = conninfo(url)
    name = info.pop("dbname")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"database name {name!r}: use letters, digits and _ only")
    with psycopg.connect(dbname="postgres", autocommit=True, **info) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")


def drop_database(url: str):
    import psycopg

    info = conninfo(url)
    name = info.pop("dbname")
    with psycopg.connect(dbname="postgres", autocommit=True, **info) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


SETTINGS_MODULE = '''"""Written by benchmarks/bench.py: settings, static files collected here."""
from config.settings import *  # noqa: F401,F403

STATIC_ROOT = {static_root!r}
'''


def bench_environment(database_url: str, work: Path, *, production: bool = False) -> dict:
    """Environment for manage.py, the in-process client and gunicorn: DEBUG off, a real
    secret key, production static files (collected into `work`), `database_url`."""
    settings_dir = work / "settings"
    settings_dir.mkdir(parents=True, exist_ok=True)
    static_root = work / "static"
    (settings_dir / "bench_settings.py").write_text(
        SETTINGS_MODULE.format(static_root=str(static_root)), encoding="utf-8"
    )
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join([str(settings_dir), str(ROOT)]),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1" if production else "testserver,127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="ERROR",
        # In-process cases measure the work of a page, not a cache hit: the page cache is
        # off there; the gunicorn load test turns it on with Redis (BENCH_CACHE_URL).
        ARCHIVE_PAGE_CACHE_SECONDS="0",
    )
    if production:
        env["DJANGO_PRODUCTION"] = "1"
    else:
        env.pop("DJANGO_PRODUCTION", None)
    return env


def manage(env: dict, *args: str, timeout: float | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        )
    return result


def generate(env: dict, size: int) -> dict:
    """`generate_corpus --clear --articles N --seed 1`; its own figure of articles/s."""
    t0 = time.perf_counter()
    result = manage(env, "generate_corpus", "--clear", "--articles", str(size), "--seed", "1")
    wall = time.perf_counter() - t0
    found = re.search(r"in ([\d.,]+) s \(([\d,]+) articles/s\)", result.stdout)
    seconds = float(found.group(1).replace(",", "")) if found else wall
    return {
        "articles": size,
        "seconds": round(seconds, 2),
        "wall_seconds": round(wall, 2),
        "rate": round(size / seconds, 1) if seconds else None,
        "output": result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "",
    }


def generated_count(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(**conninfo(url)) as conn:
            return conn.execute(
                "SELECT count(*) FROM archive_article WHERE slug LIKE 'gen-%%' "
                "AND url LIKE 'https://generated.invalid/%%'"
            ).fetchone()[0]
    except psycopg.Error:
        return -1


# Picking the cases from the data ----------------------------------------------------------

_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def _doc_frequencies(pg, language: str, sample: int = 400) -> collections.Counter:
    bodies = pg.execute(
        "SELECT body FROM archive_article WHERE is_public AND language = %s ORDER BY id LIMIT %s",
        [language, sample],
    ).fetchall()
    df: collections.Counter = collections.Counter()
    for (body,) in bodies:
        df.update(set(_LETTERS.findall(body)))
    return df


def _indexed(pg, config: str, words: list[str]) -> set[str]:
    """The words the configuration indexes (not stop words)."""
    if not words:
        return set()
    rows = pg.execute(
        "SELECT w FROM unnest(%s::text[]) w WHERE to_tsvector(%s::regconfig, w) <> ''::tsvector",
        [words, config],
    ).fetchall()
    return {r[0] for r in rows}


def _english_words(pg):
    df = _doc_frequencies(pg, "en")
    candidates = [w for w in df if w.isascii() and w.islower() and len(w) >= 4]
    indexed = _indexed(pg, "english", candidates)
    ranked = sorted((w for w in candidates if w in indexed), key=lambda w: (-df[w], w))
    return ranked, df


def _matches(pg, word: str) -> int:
    return pg.execute(
        "SELECT count(*) FROM archive_article WHERE is_public "
        "AND search_vector @@ websearch_to_tsquery('english', %s)",
        [word],
    ).fetchone()[0]


def _bigrams(pg, indexed: set[str]) -> list[str]:
    """Pairs of consecutive indexed words in a sample of English bodies, most frequent first."""
    bodies = pg.execute(
        "SELECT body FROM archive_article WHERE is_public AND language = 'en' ORDER BY id LIMIT 200"
    ).fetchall()
    pairs: collections.Counter = collections.Counter()
    for (body,) in bodies:
        words = re.findall(r"[a-z]+|[^a-z\s]", body)
        for a, b in zip(words, words[1:], strict=False):
            if a in indexed and b in indexed and a != b:
                pairs[f"{a} {b}"] += 1
    return sorted(pairs, key=lambda p: (-pairs[p], p))


def _with_diacritics(word: str) -> str:
    """The word with harakat added (fatha, kasra, shadda): the search must ignore them."""
    marks = ["\u064e", "\u0650", "\u0651\u064e"]
    out, k = [], 0
    for i, ch in enumerate(word):
        out.append(ch)
        if i in (0, 2, 3) and ch not in "اوي" and k < len(marks):
            out.append(marks[k])
            k += 1
    return "".join(out)


def _respelt(name: str, taken: set[str]) -> str:
    """A spelling of `name` that no alias has: one vowel changed or a consonant doubled."""
    from archive.text.normalize import normalize

    swaps = {"a": "e", "e": "a", "i": "e", "o": "u", "u": "o"}
    prefix, _, core = name.rpartition("-")
    head = f"{prefix}-" if prefix else ""
    for i in range(1, len(core)):
        ch = core[i]
        options = [swaps[ch]] if ch in swaps else [ch + ch]
        for new in options:
            candidate = head + core[:i] + new + core[i + 1 :]
            if normalize(candidate) not in taken:
                return candidate
    return name + "h"


def pick_params(pg, objects: int = 50) -> dict:
    """Concrete slugs, ids and words from the generated data (deterministic): one of each
    (the heaviest or most typical: the most named person, the commonest word), and under
    "objects" up to `objects` different ones per case (:func:`pick_objects`)."""
    from archive.text.normalize import normalize

    one = lambda sql, params=None: pg.execute(sql, params).fetchone()  # noqa: E731
    params: dict = {}
    public = one("SELECT count(*) FROM archive_article WHERE is_public")[0]
    pages = max(1, math.ceil(public / floors.PAGE))
    params["deep_page"] = max(2, int(pages * 0.8))
    public_ar = one("SELECT count(*) FROM archive_article WHERE is_public AND language = 'ar'")[0]
    # A translation pair near the middle of the archive, the original with a claim that
    # its translation reports too (same_as).
    pair = one(
        "SELECT a.id, a.slug, t.slug FROM archive_article a "
        "JOIN archive_article t ON t.translation_of_id = a.id "
        "WHERE a.is_public AND t.is_public AND a.id >= (SELECT (min(id) + max(id)) / 2 "
        "FROM archive_article) AND EXISTS (SELECT 1 FROM archive_claim c JOIN archive_claim r "
        "ON r.same_as_id = c.id WHERE c.article_id = a.id AND c.status <> 'rejected' "
        "AND NOT c.is_orphaned) ORDER BY a.id LIMIT 1"
    ) or one(
        "SELECT a.id, a.slug, t.slug FROM archive_article a "
        "JOIN archive_article t ON t.translation_of_id = a.id "
        "WHERE a.is_public AND t.is_public ORDER BY a.id LIMIT 1"
    )
    article_id, params["article"], params["translation"] = pair
    claim = one(
        "SELECT c.id FROM archive_claim c WHERE c.article_id = %s AND c.status <> 'rejected' "
        "AND NOT c.is_orphaned ORDER BY c.start LIMIT 1",
        [article_id],
    ) or one(
        "SELECT c.id FROM archive_claim c JOIN archive_article a ON a.id = c.article_id "
        "WHERE a.is_public AND c.status <> 'rejected' AND NOT c.is_orphaned ORDER BY c.id LIMIT 1"
    )
    params["claim"] = claim[0]
    # The most named person: the heaviest entity page.
    person = one(
        "SELECT e.id, e.slug, e.name FROM archive_mention m "
        "JOIN archive_entity e ON e.id = m.entity_id JOIN archive_article a "
        "ON a.id = m.article_id WHERE e.kind = 'person' AND m.status <> 'rejected' "
        "AND NOT m.is_orphaned AND a.is_public GROUP BY e.id ORDER BY count(*) DESC, e.id LIMIT 1"
    )
    params["person"] = person[1]
    aliases = pg.execute(
        "SELECT name, language, normalized FROM archive_alias WHERE entity_id = %s ORDER BY id",
        [person[0]],
    ).fetchall()
    arabic = [n for n, lang, _ in aliases if lang == "ar"]
    params["person_arabic"] = arabic[0] if arabic else person[2]
    family = next((n for n, lang, _ in aliases if lang == "en" and n.startswith("al-")), None)
    family = family or person[2].split()[-1]
    taken = {r[0] for r in pg.execute("SELECT normalized FROM archive_alias").fetchall()}
    params["person_variant"] = _respelt(family, taken)
    params["entity_needle"] = family.rpartition("-")[2]
    # Dates: the busiest year, its busiest month, that month's busiest day.
    year = one(
        "SELECT extract(year FROM published)::int FROM archive_article WHERE is_public "
        "AND published IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    )[0]
    month = one(
        "SELECT extract(month FROM published)::int FROM archive_article WHERE is_public "
        "AND extract(year FROM published) = %s AND published_precision <> 'year' "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        [year],
    )[0]
    day = one(
        "SELECT extract(day FROM published)::int FROM archive_article WHERE is_public "
        "AND extract(year FROM published) = %s AND extract(month FROM published) = %s "
        "AND published_precision = 'day' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        [year, month],
    )
    params.update(year=year, month=month, day=day[0] if day else 1)
    params["source"] = one(
        "SELECT s.slug FROM archive_article a JOIN archive_source s ON s.id = a.source_id "
        "WHERE a.is_public AND a.language = 'en' GROUP BY s.slug ORDER BY count(*) DESC, s.slug "
        "LIMIT 1"
    )[0]
    # Words.
    ranked, df = _english_words(pg)
    params["common_word"] = ranked[0]
    params["exclude_word"] = ranked[min(len(ranked) - 1, 15)]
    params["filter_word"] = ranked[min(len(ranked) - 1, 5)]
    limit = max(3, public // 1000)
    rare: list[str] = []
    candidates = sorted((w for w in ranked if df[w] == 1 and len(w) >= 7), key=len)
    for word in candidates[: 200 + 4 * objects]:
        if len(rare) >= max(1, objects):
            break
        if 1 <= _matches(pg, word) <= limit:
            rare.append(word)
    params["rare_word"] = rare[0] if rare else ranked[-1]
    bigrams = _bigrams(pg, set(ranked))
    params["phrase"] = bigrams[0]
    ar_df = _doc_frequencies(pg, "ar")
    ar_words = [w for w in ar_df if _ARABIC.search(w) and len(w) >= 5]
    ar_indexed = _indexed(pg, "arabic", ar_words)
    ar_ranked = sorted((w for w in ar_words if w in ar_indexed), key=lambda w: (-ar_df[w], w))
    params["arabic_word"] = _with_diacritics(ar_ranked[min(len(ar_ranked) - 1, 10)])
    params["normalized_needle"] = normalize(params["entity_needle"])
    if objects:
        params["objects"] = pick_objects(
            pg, objects, public=public, public_ar=public_ar, ranked=ranked,
            rare=rare or [params["rare_word"]], ar_ranked=ar_ranked, bigrams=bigrams,
        )  # fmt: skip
    return params


def _spread(lo: int, hi: int, n: int) -> list[int]:
    """Up to `n` distinct whole numbers evenly spread from `lo` to `hi`."""
    if hi <= lo or n <= 1:
        return [lo]
    return sorted({round(lo + (hi - lo) * i / (n - 1)) for i in range(n)})


def _ranks(total: int, n: int) -> list[int]:
    """Up to `n` distinct ranks in 1..`total`: half geometrically spread (1, 2, 3, 5, 8…:
    the head, where the heaviest objects are), half evenly (down to the tail)."""
    if total <= n:
        return list(range(1, total + 1))
    half = n // 2
    chosen = {round(total ** (i / max(1, half - 1))) for i in range(half)}
    for r in _spread(1, total, n):
        if len(chosen) >= n:
            break
        chosen.add(r)
    r = 1
    while len(chosen) < n:  # fill with the smallest ranks not taken
        chosen.add(r)
        r += 1
    return sorted(chosen)[:n] if len(chosen) > n else sorted(chosen)


def _estimate(pg, table: str) -> int:
    """PostgreSQL's row estimate of `table` (no count of a huge table)."""
    return max(0, int(pg.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                                 [table]).fetchone()[0]))  # fmt: skip


def pick_objects(
    pg, n: int, *, public: int, public_ar: int, ranked: list[str], rare: list[str],
    ar_ranked: list[str], bigrams: list[str],
) -> dict:  # fmt: skip
    """Up to `n` different objects per case, spread over the archive, each chosen by an
    index (dates, id ranges, stored counts) so that choosing stays cheap at 1,000,000
    articles: articles old and new, translation pairs, claims, people from the most named
    down to the rare, dates, list pages from the first to deep ones, common and rare
    words. Deterministic for a given corpus."""
    from archive.text.normalize import normalize

    rows = lambda sql, args=None: pg.execute(sql, args).fetchall()  # noqa: E731
    one = lambda sql, args=None: pg.execute(sql, args).fetchone()  # noqa: E731
    objects: dict = {"n": n}
    pages = max(1, math.ceil(public / floors.PAGE))
    objects["pages"] = _ranks(max(1, int(pages * 0.95)), n)
    objects["deep_pages"] = _spread(max(2, pages // 2), max(2, int(pages * 0.95)), n)
    ar_pages = max(1, math.ceil(public_ar / floors.PAGE))
    objects["ar_pages"] = _ranks(max(1, int(ar_pages * 0.95)), n)
    # Articles old and new: the first public article on or after each of n days spread
    # over the archive's dates (the date archive's index).
    first, last = one(
        "SELECT min(published), max(published) FROM archive_article "
        "WHERE is_public AND published IS NOT NULL"
    )
    days = (last - first).days if first else 0
    dates = [first + dt.timedelta(days=d) for d in _spread(0, days, n)] if first else []
    found = rows(
        "SELECT DISTINCT ON (a.id) a.id, a.slug, a.published, a.published_precision "
        "FROM unnest(%s::date[]) d, LATERAL (SELECT id, slug, published, published_precision "
        "FROM archive_article WHERE is_public AND published >= d "
        "ORDER BY published, published_precision, id LIMIT 1) a",
        [dates],
    )
    found.sort(key=lambda r: (r[2], r[0]))
    objects["articles"] = [r[1] for r in found]
    objects["days"] = sorted({r[2] for r in found if r[3] == "day"})
    years = sorted({r[2].year for r in found})
    months = sorted({(r[2].year, r[2].month) for r in found if r[3] != "year"})
    objects["months"] = months[:n]
    year_pages = _ranks(max(1, math.ceil(public / max(1, len(years)) / floors.PAGE
                                         * 0.5)), math.ceil(n / max(1, len(years))))  # fmt: skip
    objects["years"] = [(y, p) for p in year_pages for y in years][:n]
    # Translation pairs and claims spread over the id range.
    lo, hi = one("SELECT min(id), max(id) FROM archive_article")
    objects["pairs"] = [
        list(r)
        for r in rows(
            "SELECT DISTINCT a.slug, t.slug FROM unnest(%s::bigint[]) x, LATERAL ("
            "SELECT translation_of_id, slug FROM archive_article WHERE id >= x AND is_public "
            "AND translation_of_id IS NOT NULL ORDER BY id LIMIT 1) t "
            "JOIN archive_article a ON a.id = t.translation_of_id AND a.is_public",
            [_spread(lo or 0, hi or 0, n)],
        )
    ]
    lo, hi = one("SELECT min(id), max(id) FROM archive_claim")
    objects["claims"] = sorted(
        r[0]
        for r in rows(
            "SELECT DISTINCT c.id FROM unnest(%s::bigint[]) x, LATERAL (SELECT c.id "
            "FROM archive_claim c JOIN archive_article a ON a.id = c.article_id "
            "WHERE c.id >= x AND c.status <> 'rejected' AND NOT c.is_orphaned AND a.is_public "
            "ORDER BY c.id LIMIT 1) c",
            [_spread(lo or 0, hi or 0, n)],
        )
    )
    # People from the most named down to the rare, by their stored counts.
    people = rows(
        "SELECT e.id, e.slug, e.name FROM archive_entitycount c JOIN archive_entity e "
        "ON e.id = c.entity_id WHERE e.kind = 'person' AND c.articles > 0 "
        "ORDER BY c.mentions DESC, e.id"
    )
    picked = [people[r - 1] for r in _ranks(len(people), n)]
    names = collections.defaultdict(list)
    for entity_id, name, language in rows(
        "SELECT entity_id, name, language FROM archive_alias WHERE entity_id = ANY(%s) ORDER BY id",
        [[p[0] for p in picked]],
    ):
        names[entity_id].append((name, language))
    taken = {r[0] for r in rows("SELECT normalized FROM archive_alias")}
    objects["people"], objects["person_arabic"], objects["needles"] = [], [], []
    objects["person_variants"] = []
    for entity_id, slug, name in picked:
        aliases = names[entity_id]
        objects["people"].append(slug)
        arabic = next((a for a, lang in aliases if lang == "ar"), None)
        if arabic:
            objects["person_arabic"].append(arabic)
        family = next((a for a, lang in aliases if lang == "en" and a.startswith("al-")), None)
        family = family or name.split()[-1]
        objects["person_variants"].append(_respelt(family, taken))
        objects["needles"].append(family.rpartition("-")[2])
    objects["needles"] = list(dict.fromkeys(objects["needles"]))
    objects["normalized_needles"] = [normalize(w) for w in objects["needles"]]
    objects["person_variants"] = list(dict.fromkeys(objects["person_variants"]))
    objects["person_arabic"] = list(dict.fromkeys(objects["person_arabic"]))
    # List pages of the entity indexes, the claims and the admin changelists.
    for kind in ("person", "organization", "place"):
        count = one("SELECT count(*) FROM archive_entity WHERE kind = %s", [kind])[0]
        objects[f"{kind}_pages"] = _ranks(
            max(1, int(math.ceil(count / floors.ENTITY_PAGE) * 0.8)), n
        )
    claim_pages = math.ceil(_estimate(pg, "archive_claim") * 0.8 / floors.PAGE)
    objects["claim_pages"] = _ranks(max(1, claim_pages), n)
    # An analyst pages a few hundred rows deep, not to the millionth.
    for table in ("article", "mention", "claim"):
        total = math.ceil(_estimate(pg, f"archive_{table}") * 0.8 / floors.ADMIN_PAGE)
        objects[f"admin_{table}_pages"] = _ranks(max(1, min(total, 400)), n)
    # Words: the n most common, n rare ones, Arabic ones with harakat, phrases.
    ranked = ranked
    objects["common_words"] = ranked[:n]
    objects["filter_words"] = ranked[5 : 5 + n]
    objects["rare_words"] = rare[:n]
    objects["arabic_words"] = [_with_diacritics(w) for w in ar_ranked[10 : 10 + n]]
    phrases = bigrams[:n]
    objects["phrases"] = [
        f'"{p}" -{ranked[min(len(ranked) - 1, 15 + i)]}' for i, p in enumerate(phrases)
    ]
    return objects


def _search_floor_kwargs(q: str, **filters) -> dict:
    from archive.reads.fulltext import (
        _TOKEN,
        MAX_VARIANT_TRIES,
        OPERATORS,
        _phrases,
        clean_query,
        split_query,
    )
    from archive.text.normalize import normalize
    from archive.text.variants import name_tokens, phrase_key

    cleaned = clean_query(q)
    normalized = normalize(cleaned)
    # The spellings find_entities looks up by their key: the whole query, then its words.
    positive, _negatives = split_query(cleaned)
    tokens = [t for t in _TOKEN.findall(normalize(positive.replace('"', " ")))
              if t not in OPERATORS]  # fmt: skip
    texts = ([" ".join(tokens)] if len(tokens) > 1 else []) + [t for t in tokens if len(t) > 2]
    tries = [
        {"text": t, "key": phrase_key(t), "words": name_tokens(t)}
        for t in texts[:MAX_VARIANT_TRIES]
        if phrase_key(t)
    ]
    # The words a reader sees marked: not the excluded ones, not the operators.
    words = [
        w.strip('"')
        for w in cleaned.split()
        if not w.startswith("-") and w.strip('"').lower() not in OPERATORS
    ]
    # The names in the text of the entities searched for that the matcher has tagged in few
    # articles (archive.reads.fulltext._criteria): the tsqueries, as the app writes them.
    from archive.models import EntityCount
    from archive.reads.fulltext import CANDIDATES, find_entities, names_queries

    searched = [m.entity.pk for m in find_entities(cleaned) if m.searched] if cleaned else []
    tagged = dict(
        EntityCount.objects.filter(entity_id__in=searched).values_list("entity_id", "articles")
    )
    untagged = [pk for pk in searched if tagged.get(pk, 0) < CANDIDATES]
    names = [(pk, query.text) for pk, query in names_queries(untagged).items()]
    return {
        "q": normalized,
        "phrases": sorted(_phrases(normalized)),
        "tries": tries,
        "names": names,
        "words": words,
        **filters,
    }


def build_cases(p: dict) -> list[Case]:
    """Every public page and API endpoint, the search cases and the admin changelists."""
    art, tr, person = p["article"], p["translation"], p["person"]
    y, m, d = p["year"], p["month"], p["day"]
    cases = [
        Case("home", "page", "/", "home"),
        Case("articles", "page", "/articles/", "article_list"),
        Case("articles deep page", "page", f"/articles/?page={p['deep_page']}", "article_list",
             {"page": p["deep_page"]}),
        Case("articles entity=", "page", f"/articles/?entity={person}", "article_list",
             {"entity": person}),
        Case("articles language=ar", "page", "/articles/?language=ar", "article_list",
             {"language": "ar"}),
        Case("article", "page", f"/articles/{art}/", "article_detail", {"slug": art}),
        Case("compare", "page", f"/articles/{art}/compare/{tr}/", "compare",
             {"left": art, "right": tr}),
        Case("people", "page", "/people/", "entity_index", {"kind": "person"}),
        Case("person", "page", f"/people/{person}/", "entity_detail",
             {"kind": "person", "slug": person}),
        Case("organizations", "page", "/organizations/", "entity_index",
             {"kind": "organization"}),
        Case("places", "page", "/places/", "entity_index", {"kind": "place"}),
        Case("dates", "page", "/dates/", "dates_index"),
        Case("year", "page", f"/dates/{y}/", "date_archive", {"year": y}),
        Case("month", "page", f"/dates/{y}/{m:02d}/", "date_archive", {"year": y, "month": m}),
        Case("day", "page", f"/dates/{y}/{m:02d}/{d:02d}/", "date_archive",
             {"year": y, "month": m, "day": d}),
        Case("claims", "page", "/claims/", "claims_list"),
        Case("claim", "page", f"/claims/{p['claim']}/", "claim_detail", {"pk": p["claim"]}),
        Case("entity feed", "page", f"/people/{person}/feed/", "entity_feed",
             {"kind": "person", "slug": person}),
        Case("api articles", "api", "/api/articles/", "api_articles"),
        Case("api article", "api", f"/api/articles/{art}/", "api_article", {"slug": art}),
        Case("api annotations", "api", f"/api/articles/{art}/annotations/", "api_annotations",
             {"slug": art}),
        Case("api alignment", "api", f"/api/articles/{art}/alignment/{tr}/", "api_alignment",
             {"left": art, "right": tr}),
        Case("api entities q", "api", f"/api/entities/?q={quote(p['entity_needle'])}",
             "api_entities", {"needle": p["normalized_needle"]}),
        Case("api claims", "api", "/api/claims/", "api_claims"),
    ]  # fmt: skip
    searches = [
        ("common word", p["common_word"], {}),
        ("rare word", p["rare_word"], {}),
        ("arabic diacritics", p["arabic_word"], {}),
        ("alias other script", p["person_arabic"], {}),
        ("spelling variant", p["person_variant"], {}),
        ("phrase exclusion", f'"{p["phrase"]}" -{p["exclude_word"]}', {}),
        ("filters", p["filter_word"], {"language": "en", "source": p["source"]}),
    ]
    for label, q, filters in searches:
        query = urlencode({"q": q, **filters})
        kwargs = _search_floor_kwargs(q, **filters)
        cases.append(Case(f"search {label}", "search", f"/search/?{query}", "search", kwargs))
        cases.append(
            Case(f"api search {label}", "api-search", f"/api/articles/?{query}", "search",
                 {**kwargs, "api": True})
        )  # fmt: skip
    cases += [
        Case("admin articles", "admin", "/admin/archive/article/", "admin_articles"),
        Case("admin mentions", "admin", "/admin/archive/mention/", "admin_mentions"),
        Case("admin claims", "admin", "/admin/archive/claim/", "admin_claims"),
        Case(
            "admin entities q",
            "admin",
            f"/admin/archive/entity/?q={quote(p['entity_needle'])}",
            "admin_entities",
            {"needle": p["entity_needle"]},
        ),
    ]
    if p.get("objects"):
        for case in cases:
            case.variants = _case_objects(case, p["objects"])
    return cases


def _case_objects(case: Case, o: dict) -> list[tuple[str, dict]]:
    """The (url, floor kwargs) of each object `case` is timed over, its own first."""
    name, url, kw = case.name, case.url, case.floor_kwargs
    path = url.split("?")[0]

    def pages(key, param="page", floor_page=True, extra=None):
        out = []
        for n in o[key]:
            query = urlencode({**(extra or {}), **({param: n} if n > 1 else {})})
            out.append((f"{path}?{query}" if query else path,
                        {**kw, "page": n} if floor_page else kw))  # fmt: skip
        return out

    kind = {"people": "person", "organizations": "organization", "places": "place"}
    if name in ("home", "dates"):  # one object: asked again after each clear of the caches
        case.reset_cold = True
        return [(url, kw)] * o["n"]
    if name == "articles":
        return pages("pages")
    if name == "articles deep page":
        return pages("deep_pages")
    if name == "articles language=ar":
        return pages("ar_pages", extra={"language": "ar"})
    if name == "articles entity=":
        return [(f"{path}?{urlencode({'entity': s})}", {"entity": s}) for s in o["people"]]
    if name in kind:
        return pages(f"{kind[name]}_pages")
    if name in ("article", "api article", "api annotations"):
        pattern = url.replace(kw["slug"], "{}")
        return [(pattern.format(s), {"slug": s}) for s in o["articles"]]
    if name in ("compare", "api alignment"):
        pattern = url.replace(kw["left"], "{0}", 1).replace(kw["right"], "{1}", 1)
        floor = lambda a, b: {"left": a, "right": b}  # noqa: E731
        return [(pattern.format(a, b), floor(a, b)) for a, b in o["pairs"]]
    if name in ("person", "entity feed"):
        pattern = url.replace(kw["slug"], "{}")
        return [(pattern.format(s), {**kw, "slug": s}) for s in o["people"]]
    if name == "year":
        return [(f"/dates/{y}/" + (f"?page={n}" if n > 1 else ""), {"year": y})
                for y, n in o["years"]]  # fmt: skip
    if name == "month":
        return [(f"/dates/{y}/{m:02d}/", {"year": y, "month": m}) for y, m in o["months"]]
    if name == "day":
        return [(f"/dates/{d.year}/{d.month:02d}/{d.day:02d}/",
                 {"year": d.year, "month": d.month, "day": d.day}) for d in o["days"]]  # fmt: skip
    if name in ("claims", "api claims"):
        return pages("claim_pages")
    if name == "claim":
        return [(f"/claims/{pk}/", {"pk": pk}) for pk in o["claims"]]
    if name == "api articles":
        return pages("pages")
    if name == "api entities q":
        return [(f"{path}?q={quote(w)}", {"needle": nw})
                for w, nw in zip(o["needles"], o["normalized_needles"], strict=True)]  # fmt: skip
    if name == "admin entities q":
        return [(f"{path}?q={quote(w)}", {"needle": w}) for w in o["needles"]]
    if name.startswith("admin "):
        table = name.split()[1].rstrip("s")
        return pages(f"admin_{table}_pages", param="p", floor_page=False)
    if case.group in ("search", "api-search"):
        label = name.removeprefix("api ").removeprefix("search ")
        words = {
            "common word": o["common_words"],
            "rare word": o["rare_words"],
            "arabic diacritics": o["arabic_words"],
            "alias other script": o["person_arabic"],
            "spelling variant": o["person_variants"],
            "phrase exclusion": o["phrases"],
            "filters": o["filter_words"],
        }[label]
        filters = {k: kw[k] for k in ("language", "source")} if label == "filters" else {}
        api = {"api": True} if case.group == "api-search" else {}
        return [(f"{path}?{urlencode({'q': q, **filters})}",
                 {**_search_floor_kwargs(q, **filters), **api}) for q in words]  # fmt: skip
    return []


# Measuring ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def clients():
    """(public client, superuser client) of Django's test Client."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username=ADMIN_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    if not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save()
    admin = Client()
    admin.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return Client(), admin


def reset_caches():
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    floors.clear_cache()


MIN_REQUESTS = 5


def _timed(call, requests: int, budget: float | None) -> list[float]:
    """Milliseconds of `requests` calls, stopping early (after MIN_REQUESTS at least)
    once `budget` seconds are spent: a request of seconds would take the run hours."""
    times: list[float] = []
    started = time.perf_counter()
    for i in range(requests):
        if budget and i >= MIN_REQUESTS and time.perf_counter() - started > budget:
            break
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def measure_case(
    case: Case, size: int, requests: int, public, admin, pg, budget: float | None = None
) -> Row:
    """The cold figure (each object once, for the first time, its floor right after it),
    then the warm one (the case's own object, `requests` times after a warm-up) and the
    queries of one more request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = admin if case.admin else public
    statuses: set[int] = set()
    floor_fn = getattr(floors, case.floor)
    floor_failed = False

    def get(url):
        answer = client.get(url)
        if getattr(answer, "streaming", False):
            b"".join(answer.streaming_content)
        statuses.add(answer.status_code)

    cold: list[float] = []
    fcold: list[float] = []
    started = time.perf_counter()
    for i, (url, kwargs) in enumerate(case.objects):
        if budget and i >= MIN_REQUESTS and time.perf_counter() - started > budget:
            break
        if case.reset_cold:
            reset_caches()
        t0 = time.perf_counter()
        get(url)
        cold.append((time.perf_counter() - t0) * 1000)
        if floor_failed:
            continue
        # The floor after the page: the rows are in PostgreSQL's buffers for it, so the
        # ratio errs against the page.
        try:
            t0 = time.perf_counter()
            floor_fn(pg, **kwargs)
            fcold.append((time.perf_counter() - t0) * 1000)
        except Exception as error:  # a floor that breaks must not hide the page's figure
            floor_failed = True
            print(f"  floor {case.floor} failed: {type(error).__name__}: {error}",
                  file=sys.stderr)  # fmt: skip
    get(case.url)  # warm-up
    warm = _timed(lambda: get(case.url), requests, budget)
    status = max(statuses, key=lambda s: s != 200)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(case.url)
    queries = len(ctx)
    status = response.status_code if status == 200 else status
    p50 = statistics.median(cold)
    floor_p50 = floor_p95 = ratio = None
    if fcold and not floor_failed:
        floor_p50, floor_p95 = statistics.median(fcold), percentile(fcold, 0.95)
        ratio = p50 / max(floor_p50, FLOOR_MIN_MS)
    r2 = lambda v: None if v is None else round(v, 2)  # noqa: E731
    return Row(
        case=case.name,
        group=case.group,
        url=case.url,
        size=size,
        status=status,
        p50=round(p50, 2),
        p95=round(percentile(cold, 0.95), 2),
        queries=queries,
        floor_p50=r2(floor_p50),
        floor_p95=r2(floor_p95),
        ratio=r2(ratio),
        requests=len(warm),
        warm_p50=round(statistics.median(warm), 2),
        warm_p95=round(percentile(warm, 0.95), 2),
        objects=len(cold),
    )


def measure_size(
    size: int, requests: int, pg, *, budget: float | None = None, objects: int = 50, log=print
) -> tuple[dict, list[Row]]:
    """Pick the cases from the data behind Django's default database and measure them."""
    reset_caches()
    params = pick_params(pg, objects)
    cases = build_cases(params)
    public, admin = clients()
    rows = []
    for case in cases:
        row = measure_case(case, size, requests, public, admin, pg, budget)
        rows.append(row)
        ratio = "" if row.ratio is None else f"{row.ratio:6.1f}x"
        log(
            f"  {size:>7,} {case.name:28} {row.status:>3} cold p50 {row.p50:7.1f} p95 "
            f"{row.p95:7.1f} ({row.objects:2} objects)  warm p95 {row.warm_p95:7.1f}"
            f"  q {row.queries:3}  floor {row.floor_p50 or 0:6.1f} {ratio}"
            + ("" if row.requests == requests else f"  ({row.requests} requests: budget)"),
            flush=True,
        )
    return params, rows


# Load -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f} s")


def _locust_summary(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"] or 0),
        "p95_ms": float(total["95%"] or 0),
        "per_url": {
            r["Name"]: {
                "requests": int(r["Request Count"]),
                "failures": int(r["Failure Count"]),
                "p95_ms": float(r["95%"] or 0),
            }
            for r in rows
            if r["Name"] != "Aggregated"
        },
    }


def load_test(
    env: dict, urls: dict, *, seconds: int, users: int, workers: int, work: Path, log=print
) -> dict:
    """gunicorn as production runs it, driven by locust headless: a mix, then articles."""
    if not shutil.which("locust", path=str(Path(sys.executable).parent)) and not shutil.which(
        "locust"
    ):
        return {"skipped": "locust is not installed (pip install -e '.[bench]')"}
    locust = shutil.which("locust", path=str(Path(sys.executable).parent)) or shutil.which("locust")
    port = free_port()
    genv = dict(env)
    genv["DJANGO_PRODUCTION"] = "1"
    genv["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
    # Production runs with a shared cache: Redis, invalidated exactly (archive.web.caching).
    genv["CACHE_URL"] = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/5")
    genv.pop("ARCHIVE_PAGE_CACHE_SECONDS", None)
    # Every locust user comes from 127.0.0.1: as one client, the render limit would refuse
    # them (benchmarks/attack.py measures it); this measures throughput.
    genv["ARCHIVE_RENDER_LIMIT"] = "0"
    log_file = open(work / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers",
         str(workers), "--bind", f"127.0.0.1:{port}", "--access-logfile", "-"],
        env=genv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log_file, start_new_session=True,
    )  # fmt: skip
    host = f"http://127.0.0.1:{port}"
    results = {"workers": workers, "users": users, "seconds": seconds, "port": port}
    paths_file = work / "locust_paths.json"
    paths_file.write_text(json.dumps(urls), encoding="utf-8")
    try:
        _wait_http(host + "/")
        for label, user_class in (("mix", "MixUser"), ("article", "ArticleUser")):
            prefix = work / f"locust_{label}"
            lenv = dict(os.environ, BENCH_LOCUST_PATHS=str(paths_file))
            cmd = [
                locust, "-f", str(HERE / "locustfile.py"), user_class, "--headless",
                "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", host,
                "--csv", str(prefix), "--only-summary", "--stop-timeout", "5",
                "--loglevel", "WARNING",
            ]  # fmt: skip
            log(f"  locust {label}: {users} users, {seconds} s against {workers} workers")
            subprocess.run(cmd, env=lenv, cwd=ROOT, capture_output=True, text=True,
                           timeout=seconds + 60)  # fmt: skip
            results[label] = _locust_summary(prefix)
            log(
                f"    {results[label]['rps']} req/s, p95 {results[label]['p95_ms']} ms, "
                f"{results[label]['failures']} errors of {results[label]['requests']}"
            )
    except Exception:
        log_file.flush()
        print((work / "gunicorn.log").read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log_file.close()
    return results


# Import ---------------------------------------------------------------------------------


def _defining_sentence(org) -> str:
    """A sentence defining the abbreviation of a generated organization's English name,
    "… the Ministry of Finance (MF) …", so an import's name learning has names to propose
    (and their mentions to suggest), as real wires do."""
    abbr = "".join(w[0] for w in re.split(r"[\s-]+", org.name) if w[:1].isupper())
    return f"Officials of the {org.name} ({abbr}) met on Monday."


def write_import_folder(folder: Path, n: int, seed: int = 1) -> int:
    """`n` generated texts as files with a manifest.toml (docs/manifest.md); about one in
    twenty defines an organization's abbreviation (name learning runs in the measure)."""
    from benchmarks.corpus import CorpusGenerator

    gen = CorpusGenerator(n, seed)
    entries = []
    count = 0
    for batch in gen.stories(batch_size=500):
        for story in batch:
            for a in story.articles:
                count += 1
                name = f"{count:05d}.txt"
                body = a.body
                if a.language == "en" and count % 10 == 0:  # one text in twenty or so
                    body += " " + _defining_sentence(gen.orgs[(count // 10) % len(gen.orgs)])
                (folder / name).write_text(body + "\n", encoding="utf-8")
                if a.published is None:
                    published = None
                elif a.precision == "year":
                    published = f"{a.published:%Y}"
                elif a.precision == "month":
                    published = f"{a.published:%Y-%m}"
                else:
                    published = a.published.isoformat()
                entry = [
                    "[[article]]",
                    f'file = "{name}"',
                    f'slug = "bench-import-{count:05d}"',
                    f'language = "{a.language}"',
                    f"title = {json.dumps(a.title, ensure_ascii=False)}",
                    f"source = {json.dumps(gen.outlets[a.source].name, ensure_ascii=False)}",
                ]
                if published:
                    entry.append(f'published = "{published}"')
                entries.append("\n".join(entry))
    (folder / "manifest.toml").write_text("\n\n".join(entries) + "\n", encoding="utf-8")
    return count


def import_speed(env: dict, url: str, size: int, n: int, work: Path, log=print) -> dict:
    """`import_articles` of `n` generated texts (suggestions on, as always) into the
    database `url`, which holds the generated corpus of `size` articles (so the matcher
    has that archive's entities and every insert that archive's indexes). The imported
    articles are deleted afterwards: the corpus stays as it was for the next run."""
    ienv = dict(env, DATABASE_URL=url)
    folder = work / "import"
    folder.mkdir(exist_ok=True)
    count = write_import_folder(folder, n)
    # Their annotations first: an article's mentions protect it from deletion.
    clean = (
        "from archive.models import Article, Claim, Mention; "
        "a = Article.objects.filter(slug__startswith='bench-import-'); "
        "Claim.objects.filter(article__in=a).delete(); "
        "Mention.objects.filter(article__in=a).delete(); a.delete()"
    )
    manage(ienv, "shell", "-c", clean)
    try:
        t0 = time.perf_counter()
        result = manage(ienv, "import_articles", str(folder))
        seconds = time.perf_counter() - t0
    finally:
        manage(ienv, "shell", "-c", clean)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    found = re.search(r"(\d+) mentions suggested", summary)
    log(f"  import_articles: {count} texts in {seconds:.1f} s ({count / seconds:.0f}/s)")
    return {
        "articles": count,
        "into": size,
        "seconds": round(seconds, 2),
        "rate": round(count / seconds, 1),
        "suggested_mentions": int(found.group(1)) if found else None,
        "summary": summary,
    }


# Results ----------------------------------------------------------------------------------


def machine() -> dict:
    info = {"cores": os.cpu_count(), "python": platform.python_version()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    info["platform"] = platform.platform()
    return info


def postgres_version(pg) -> str:
    return pg.execute("SHOW server_version").fetchone()[0]


def evaluate_targets(results: dict) -> list[dict]:
    """Each benchmark target: its figure and met / missed (or not measured)."""
    rows = [Row(**r) for r in results["cases"]]
    sizes = sorted({r.size for r in rows})
    largest = max(sizes) if sizes else 0
    at_largest = [r for r in rows if r.size == largest]
    targets = []

    def add(name, value, met):
        targets.append({"target": name, "value": value, "met": met})

    full = largest >= TARGET_SIZE
    scale = f"{largest:,} articles" + ("" if full else f" (target is at {TARGET_SIZE:,})")
    bad = [r.case for r in at_largest if r.status != 200]
    add("every case answers 200", ", ".join(bad) or "all", not bad)
    for group, limit, label in (
        ("page", PAGE_P95_MS, "pages p95 ≤ 50 ms"),
        ("search", SEARCH_P95_MS, "search p95 ≤ 150 ms (/search/)"),
        ("api-search", SEARCH_P95_MS, "search p95 ≤ 150 ms (/api/articles/?q=)"),
        ("admin", ADMIN_P95_MS, "admin changelists p95 ≤ 300 ms"),
    ):
        members = [r for r in at_largest if r.group == group]
        over = [f"{r.case} {r.p95:.0f} ms" for r in members if r.p95 > limit]
        worst = max(members, key=lambda r: r.p95, default=None)
        value = f"at {scale}: " + (
            "; ".join(over) if over else f"worst {worst.case} {worst.p95:.0f} ms" if worst else "-"
        )
        add(label, value, (not over) if full else None if not over else False)
    for groups, limit, label in (
        (("api", "api-search"), API_RATIO, "API ≤ 3× its floor"),
        (("page", "search"), PAGE_RATIO, "pages ≤ 5× their floor"),
    ):
        members = [r for r in at_largest if r.group in groups and r.ratio is not None]
        over = [f"{r.case} {r.ratio:.1f}×" for r in members if r.ratio > limit]
        add(label, f"at {largest:,}: " + ("; ".join(over) or "all within"), not over)
    by_case: dict[str, dict[int, int]] = collections.defaultdict(dict)
    for r in rows:
        by_case[r.case][r.size] = r.queries
    # Growing is the failure; fewer is shown but not a miss: an unfiltered list makes one
    # query fewer once PostgreSQL's estimate replaces its COUNT (archive.reads.pagination), and a
    # hyphenated name is a phrase, read one way or the other as the data find it common or
    # rare (archive.reads.fulltext._phrase_head).
    growing, fewer = [], []
    for case, q in by_case.items():
        counts = [q[s] for s in sorted(q)]
        shown = f"{case} " + "/".join(map(str, counts))
        if any(later > counts[0] for later in counts[1:]):
            growing.append(shown)
        elif len(set(counts)) > 1:
            fewer.append(shown)
    measured = "; ".join(growing) if growing else "none grows"
    if fewer:
        measured += (
            " (fewer at some sizes: the estimate instead of COUNT for unfiltered lists; a"
            " hyphenated name is a phrase, read as common or as rare as the data have it: "
        )
        measured += "; ".join(fewer) + ")"
    add(
        "query count per request does not grow with size",
        measured,
        (not growing) if len(sizes) > 1 else None,
    )
    load = results.get("load") or {}
    label = f"gunicorn with Redis ≥ {LOAD_RPS:,} mixed-page req/s, zero errors"
    if "mix" in load:
        a = load["mix"]
        at_size = f" at {load['size']:,} articles" if load.get("size") else ""
        add(
            label,
            f"{a['rps']} req/s, {a['failures']} errors (p95 {a['p95_ms']:.0f} ms){at_size}",
            a["rps"] >= LOAD_RPS and a["failures"] == 0,
        )
    else:
        add(label, load.get("skipped", "not run"), None)
    imp = results.get("import") or {}
    into = f" into {imp['into']:,} articles" if imp.get("into") else ""
    add(
        "import_articles ≥ 200 articles/s with suggestions",
        f"{imp['rate']}/s{into}" if "rate" in imp else imp.get("skipped", "not run"),
        imp["rate"] >= IMPORT_RATE if "rate" in imp else None,
    )
    gen = results.get("generate") or {}
    measured = {int(k): v for k, v in gen.items() if v.get("rate")}
    if measured:
        biggest = max(measured)
        rate = measured[biggest]["rate"]
        add("generate_corpus ≥ 2,000 articles/s", f"{rate:,.0f}/s at {biggest:,}",
            rate >= GENERATE_RATE)  # fmt: skip
    else:
        add("generate_corpus ≥ 2,000 articles/s", "not run (corpus reused)", None)
    import attack  # benchmarks/attack.py, which imports this module

    return targets + attack.targets(results.get("attack") or {})


def _mark(met) -> str:
    return "met" if met is True else "MISSED" if met is False else "not measured"


def _ms(v) -> str:
    return "–" if v is None else f"{v:.1f}"


def render_markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `benchmarks/bench.py` on {results['date']}. Machine: {m.get('cores')} cores"
        f", {m.get('memory_gb', '?')} GB, {m.get('cpu', '?')}; PostgreSQL "
        f"{results.get('postgresql', '?')}; Python {m.get('python')}. "
        f"Cold: each case over up to {results.get('objects', 1)} different objects spread "
        "over the archive (articles old and new, people from the most named to the rare, "
        "common and rare words, list pages from the first to deep ones), each asked once, for "
        "the first time (`objects`); warm: the case's own object "
        f"{results['requests']} times after one warm-up (`requests`; fewer where "
        f"{results.get('case_budget') or '–'} s of them ran out); in-process, Django's test "
        "Client, DEBUG off, page cache off. Floors are hand-written SQL through psycopg "
        "(benchmarks/floors.py) over the same objects, each right after its page; ratio = "
        "cold p50 / max(floor p50, 2 ms). The p95 targets hold for the cold figure.",
        "",
    ]
    if results.get("note"):
        lines += [results["note"], ""]
    lines += ["## Targets", "", "| target | measured | |", "|---|---|---|"]
    for t in results["targets"]:
        lines.append(f"| {t['target']} | {t['value']} | {_mark(t['met'])} |")
    gen = results.get("generate") or {}
    if gen:
        lines += ["", "## generate_corpus", "", "| articles | seconds | articles/s |",
                  "|---:|---:|---:|"]  # fmt: skip
        for size, g in sorted(gen.items(), key=lambda i: int(i[0])):
            rate = f"{g['rate']:,.0f}" if g.get("rate") else g.get("note", "–")
            lines.append(f"| {int(size):,} | {g.get('seconds', '–')} | {rate} |")
    load = results.get("load") or {}
    if load:
        lines += ["", "## Under load (gunicorn, locust headless)", ""]
        if "skipped" in load:
            lines.append(load["skipped"])
        else:
            lines += [
                f"{load['workers']} gunicorn workers, {load['users']} locust users, "
                f"{load['seconds']} s each, at {load.get('size', 0):,} articles.",
                "",
                "| run | requests | req/s | p50 ms | p95 ms | errors |",
                "|---|---:|---:|---:|---:|---:|",
            ]
            for label in ("mix", "article"):
                if label in load:
                    r = load[label]
                    lines.append(
                        f"| {label} | {r['requests']} | {r['rps']} | {r['p50_ms']:.0f} | "
                        f"{r['p95_ms']:.0f} | {r['failures']} |"
                    )
    import attack  # benchmarks/attack.py, which imports this module

    section = attack.render_markdown(results.get("attack") or {})
    if section:
        lines += ["", *section[:-1]]
    imp = results.get("import") or {}
    if imp:
        lines += ["", "## import_articles (suggestions on)", ""]
        if "rate" in imp:
            lines.append(
                f"{imp['articles']} texts in {imp['seconds']} s"
                + (f", into an archive of {imp['into']:,} articles" if imp.get("into") else "")
                + f": **{imp['rate']} articles/s** "
                f"({imp.get('summary', '')})."
            )
        else:
            lines.append(imp.get("skipped", "not run"))
    lines += ["", "## Cases", ""]
    rows = [Row(**r) for r in results["cases"]]
    for size in sorted({r.size for r in rows}):
        lines += [
            f"### {size:,} articles",
            "",
            "| case | status | cold p50 ms | cold p95 ms | objects | warm p95 ms | queries "
            "| floor p50 ms | ratio | requests | target |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in (r for r in rows if r.size == size):
            lines.append(
                f"| {r.case} | {r.status} | {_ms(r.p50)} | {_ms(r.p95)} | {r.objects} | "
                f"{_ms(r.warm_p95)} | {r.queries} | {_ms(r.floor_p50)} | "
                f"{'–' if r.ratio is None else f'{r.ratio:.1f}×'} | {r.requests} | "
                f"{row_target(r)} |"
            )
        lines.append("")
    params = results.get("params") or {}
    if params:
        lines += ["## What the cases used", "", "| size | parameters |", "|---:|---|"]
        for size, p in sorted(params.items(), key=lambda i: int(i[0])):
            own = {k: v for k, v in p.items() if k != "objects"}
            lines.append(f"| {int(size):,} | `{json.dumps(own, ensure_ascii=False)}` |")
        lines += ["", "URLs, and every object of the cold figures: see results.json."]
    # The causes of the misses and what would meet them: read by people, kept beside.
    misses = HERE / "MISSES.md"
    if misses.exists():
        lines += ["", misses.read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"


def row_target(r: Row) -> str:
    """The per-case targets as met/missed (the absolute ones count at 100,000 only)."""
    parts = []
    limit = {"page": PAGE_P95_MS, "search": SEARCH_P95_MS, "api-search": SEARCH_P95_MS,
             "admin": ADMIN_P95_MS}.get(r.group)  # fmt: skip
    if limit and r.size >= TARGET_SIZE:
        parts.append(f"p95≤{limit} {'met' if r.p95 <= limit else 'MISSED'}")
    ratio = API_RATIO if r.group in ("api", "api-search") else PAGE_RATIO
    if r.group != "admin" and r.ratio is not None:
        parts.append(f"≤{ratio}× {'met' if r.ratio <= ratio else 'MISSED'}")
    return ", ".join(parts)


def write_results(results: dict, out_dir: Path) -> None:
    results["targets"] = evaluate_targets(results)
    (out_dir / "results.json").write_text(
        json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    path = out_dir / "RESULTS.md"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    # benchmarks/stream.py appends its own section: a new run keeps it.
    marker = "## The page cache under a stream of writes"
    tail = "\n" + old[old.index(marker) :] if marker in old else ""
    path.write_text(render_markdown(results) + tail, encoding="utf-8")


# Main ------------------------------------------------------------------------------------


def load_urls(params: dict) -> dict:
    cases = {c.name: c.url for c in build_cases(params)}
    mix = [cases[n] for n in (
        "home", "articles", "articles language=ar", "article", "compare", "people", "person",
        "places", "dates", "year", "month", "claims", "claim", "api articles", "api article",
        "search rare word", "search alias other script", "api search rare word",
    )]  # fmt: skip
    return {"mix": mix, "article": [cases["article"]]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="article counts, separated by commas or spaces (default %(default)s)",
    )
    parser.add_argument(
        "--requests", type=int, default=50, help="warm requests per case (its own object)"
    )
    parser.add_argument(
        "--objects",
        type=int,
        default=50,
        help="different objects per case for the cold figure, each asked once",
    )
    parser.add_argument(
        "--case-budget",
        type=float,
        default=60,
        help="seconds of timed requests per case (and per floor) after which "
        f"it stops, {MIN_REQUESTS} requests at least; 0: no limit",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="server and base name; each size uses <name>_<size>",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a size's database when it already holds that corpus",
    )
    parser.add_argument("--no-load", action="store_true", help="skip gunicorn + locust")
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--load-users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--no-attack", action="store_true", help="skip the page cache under attack")
    parser.add_argument("--attack-seconds", type=int, default=20)
    parser.add_argument("--no-import", action="store_true", help="skip import_articles")
    parser.add_argument(
        "--skip-cases",
        action="store_true",
        help="keep the cases of results.json; run only the load and import parts",
    )
    parser.add_argument("--import-count", type=int, default=1000)
    parser.add_argument("--out", default=str(HERE), help="where RESULTS.md and results.json go")
    parser.add_argument("--note", default="", help="a sentence for RESULTS.md (kept in json)")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="measure nothing: rewrite RESULTS.md (and the targets) from results.json",
    )
    args = parser.parse_args(argv)  # fmt: skip
    sizes = sorted({int(s.replace("_", "")) for s in re.split(r"[,\s]+", args.sizes) if s})
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    if args.render_only:
        results = json.loads((out_dir / "results.json").read_text(encoding="utf-8"))
        if args.note:
            results["note"] = args.note
        write_results(results, out_dir)
        print(f"rewrote {out_dir / 'RESULTS.md'}")
        return 0
    work = Path(tempfile.mkdtemp(prefix="archive-bench-"))
    base_url = args.database_url
    first_url = database_url_for(base_url, sizes[0])
    env = bench_environment(first_url, work)
    # In-process Django uses the same environment (DEBUG off, collected static files).
    os.environ.update({k: env[k] for k in (
        "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG", "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS", "DJANGO_SECURE_SSL_REDIRECT", "DJANGO_LOG_LEVEL",
        "ARCHIVE_PAGE_CACHE_SECONDS")})  # fmt: skip
    os.environ.pop("DJANGO_PRODUCTION", None)
    sys.path.insert(0, str(work / "settings"))
    print(f"collectstatic into {work / 'static'}")
    manage(env, "collectstatic", "--noinput", "-v", "0")

    import django
    import psycopg

    django.setup()
    from django.conf import settings
    from django.db import connection

    results: dict = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "requests": args.requests,
        "objects": args.objects,
        "case_budget": args.case_budget,
        "note": args.note,
        "sizes": sizes,
        "generate": {},
        "params": {},
        "cases": [],
    }
    if args.skip_cases:
        results = json.loads((out_dir / "results.json").read_text(encoding="utf-8"))
        results["date"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        results["note"] = args.note or results.get("note", "")
        sizes = [max(int(s) for s in results["params"])]
    try:
        for size in [] if args.skip_cases else sizes:
            url = database_url_for(base_url, size)
            senv = dict(env, DATABASE_URL=url)
            # A corpus made anew goes into a new database: generating after a --clear in
            # the same transaction would measure the old rows' deletion and dead tuples too.
            reuse = args.reuse and generated_count(url) == size
            ensure_database(url, fresh=not reuse)
            print(f"{size:,} articles: database {conninfo(url)['dbname']}")
            manage(senv, "migrate", "--noinput", "-v", "0")
            if reuse:
                print("  corpus already there (--reuse)")
                results["generate"][str(size)] = {"articles": size, "note": "reused"}
            else:
                g = generate(senv, size)
                results["generate"][str(size)] = g
                print(f"  generate_corpus: {g['seconds']} s ({g['rate']:,.0f} articles/s)")
            connection.close()
            settings.DATABASES["default"].update(conninfo_to_django(url))
            with psycopg.connect(**conninfo(url), autocommit=True) as pg:
                pg.prepare_threshold = None  # as Django's connections: no prepared statements
                results["postgresql"] = postgres_version(pg)
                params, rows = measure_size(
                    size, args.requests, pg, budget=args.case_budget, objects=args.objects
                )
            connection.close()
            results["params"][str(size)] = params
            results["cases"] += [asdict(r) for r in rows]
            write_results(results, out_dir)
        largest = sizes[-1]
        url = database_url_for(base_url, largest)
        if args.no_load:
            results["load"] = {"skipped": "skipped (--no-load)"}
        else:
            print(f"load at {largest:,} articles")
            results["load"] = load_test(
                dict(env, DATABASE_URL=url), load_urls(results["params"][str(largest)]),
                seconds=args.load_seconds, users=args.load_users, workers=args.workers,
                work=work,
            )  # fmt: skip
            results["load"]["size"] = largest
        write_results(results, out_dir)
        if not args.no_attack:
            import attack

            print(f"attack at {largest:,} articles")
            run = attack.run_attack(url, seconds=args.attack_seconds, workers=args.workers,
                                    work=work)  # fmt: skip
            results["attack"] = {"size": largest, "runs": {"after": run}}
            write_results(results, out_dir)
        if args.no_import:
            results["import"] = {"skipped": "skipped (--no-import)"}
        else:
            print(f"import_articles of {args.import_count} generated texts")
            results["import"] = import_speed(env, url, largest, args.import_count, work)
        write_results(results, out_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for t in results["targets"]:
        print(f"{_mark(t['met']):>12}  {t['target']}: {t['value']}")
    print(f"wrote {out_dir / 'RESULTS.md'} and {out_dir / 'results.json'}")
    return 0


def conninfo_to_django(url: str) -> dict:
    info = conninfo(url)
    return {
        "NAME": info["dbname"],
        "USER": info["user"],
        "HOST": info["host"],
        "PORT": str(info["port"]),
        "PASSWORD": info.get("password", ""),
    }


if __name__ == "__main__":
    raise SystemExit(main())

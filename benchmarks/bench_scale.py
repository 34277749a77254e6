"""Scale benchmark: 100,000 articles and 1,000,000 mentions, then time the pages and API.

Builds (once) a separate database `archive_bench` on the same server as the project's
(embedded or DATABASE_URL), fills it with set-based SQL, and prints for each URL the
median time over several requests and the number of queries. Figures, not assertions.

    .venv/bin/python benchmarks/bench_scale.py [--articles 100000] [--mentions-per 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

BENCH_DB = "archive_bench"

PARAGRAPHS = [
    "Prime Minister Fayez al-Sarraj met US charge d'affaires Stephanie Williams in Tripoli.",
    "Violence and chaos have dogged Libya since the uprising that toppled Moamer Kadhafi.",
    "The United States has spent $635 million supporting the country, according to Williams.",
    "The GNA retook the city of Sirte in December 2016 with aerial support from the US army.",
    "The embassy said the talks should serve as a basis for future discussions among parties.",
    "وعقد اللقاء رئيس حكومة الوفاق فايز السراج مع القائم بالأعمال الأمريكية ستيفاني وليامز.",
    "وتشهد ليبيا أعمال عنف منذ الانتفاضة التي أدت إلى سقوط نظام معمر القذافي.",
]


def setup_django():
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = BENCH_DB
    settings.ALLOWED_HOSTS = ["*"]
    import django

    django.setup()


def ensure_database():
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    params = {
        "dbname": "postgres",
        "user": db.get("USER") or "postgres",
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "password": db.get("PASSWORD") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE {BENCH_DB} ENCODING 'UTF8' TEMPLATE template0")


def fill(n_articles: int, mentions_per: int):
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM archive_article")
        if cur.fetchone()[0] >= n_articles:
            print(f"database {BENCH_DB} already holds the data")
            return
        print(
            f"filling {BENCH_DB}: {n_articles:,} articles, {n_articles * mentions_per:,} mentions"
        )
        t0 = time.perf_counter()
        cur.execute(
            "TRUNCATE archive_claimsubject, archive_claim, archive_mention, archive_alias, "
            "archive_entity, archive_article, archive_story, archive_source "
            "RESTART IDENTITY CASCADE"
        )
        cur.execute(
            "INSERT INTO archive_source (name, slug, url, country, language) "
            "SELECT 'Outlet ' || i, 'outlet-' || i, '', '', 'en' FROM generate_series(1, 50) i"
        )
        cur.execute(
            "INSERT INTO archive_entity (kind, name, slug, description, wikidata_id) "
            "SELECT (ARRAY['person','organization','place'])[1 + i % 3], 'Entity ' || i, "
            "'entity-' || i, 'Synthetic entity ' || i, '' FROM generate_series(1, 5000) i"
        )
        cur.execute(
            "INSERT INTO archive_alias (entity_id, name, language, normalized) "
            "SELECT id, name, 'en', lower(name) FROM archive_entity UNION ALL "
            "SELECT id, 'كيان ' || id, 'ar', 'كيان ' || id FROM archive_entity"
        )
        paragraphs = PARAGRAPHS
        cur.execute(
            """
            INSERT INTO archive_article (title, slug, body, language, source_id, url, byline,
                dateline, published, published_precision, is_public, sha256, created, updated,
                title_search, body_search)
            SELECT title, slug, body, lang, 1 + i %% 50, '', '', '',
                   DATE '2011-01-01' + (i %% 5000), 'day', i %% 97 <> 0, '', now(), now(),
                   lower(title), lower(body)
            FROM (
              SELECT i,
                     CASE WHEN i %% 4 = 0 THEN 'ar' ELSE 'en' END AS lang,
                     'Article number ' || i || ' on Libya' AS title,
                     'bench-' || i AS slug,
                     array_to_string(ARRAY(
                        SELECT (%s::text[])[1 + ((i * 7 + k * 13) %% %s)] || ' Item ' || i || '.'
                        FROM generate_series(1, 12) k), E'\\n') AS body
              FROM generate_series(1, %s) i
            ) s
            """,
            [paragraphs, len(paragraphs), n_articles],
        )
        # Mentions: spans over the first characters of each paragraph (valid by construction).
        cur.execute(
            f"""
            INSERT INTO archive_mention (article_id, entity_id, start, "end", text, role, status,
                is_orphaned, created, updated)
            SELECT a.id, 1 + ((a.id * 31 + k * 17) % 5000), k * 3, k * 3 + 2,
                   substring(a.body from k * 3 + 1 for 2), 'other',
                   CASE WHEN k % 5 = 0 THEN 'suggested' ELSE 'confirmed' END, false, now(), now()
            FROM archive_article a, generate_series(0, {mentions_per - 1}) k
            """
        )
        cur.execute(
            """
            INSERT INTO archive_claim (article_id, speaker_id, start, "end", text, kind, date,
                verification, note, status, is_orphaned, version, created, updated)
            SELECT a.id, 1 + (a.id % 5000), 0, 20, substring(a.body from 1 for 20), 'paraphrase',
                   a.published, 'unverified', '', 'confirmed', false, 1, now(), now()
            FROM archive_article a WHERE a.id % 10 = 0
            """
        )
        cur.execute("ANALYZE")
        print(f"filled in {time.perf_counter() - t0:.0f} s")


def bench(paths: list[str], repeat: int):
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    admin_client = Client()
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    admin_client.force_login(user)
    print(f"{'path':60} {'status':>6} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for path in paths:
        c = admin_client if path.startswith("/admin/") else client
        times = []
        status = queries = None
        for _ in range(repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = c.get(path)
                times.append((time.perf_counter() - t0) * 1000)
            status, queries = response.status_code, len(ctx)
        print(
            f"{path[:60]:60} {status:>6} {statistics.median(times):>10.1f} "
            f"{max(times):>8.1f} {queries:>8}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--mentions-per", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    ensure_database()
    fill(args.articles, args.mentions_per)
    paths = [
        "/",
        "/articles/",
        "/articles/?page=2000",
        "/articles/?language=ar",
        "/articles/?entity=entity-42",
        "/articles/bench-5001/",
        "/articles/bench-5001/compare/bench-5002/",
        "/people/",
        "/people/entity-3/",
        "/organizations/entity-1/",
        "/places/entity-2/",
        "/dates/",
        "/dates/2015/",
        "/dates/2015/06/",
        "/dates/2015/06/15/",
        "/search/?q=Sarraj",
        "/search/?q=السراج",
        "/search/?q=%22aerial+support%22+-Sirte",
        "/claims/",
        "/api/articles/",
        "/api/articles/?q=Kadhafi",
        "/api/articles/bench-5001/",
        "/api/articles/bench-5001/annotations/",
        "/api/articles/bench-5001/alignment/bench-5002/",
        "/api/entities/?q=entity",
        "/api/claims/",
        "/admin/archive/article/",
        "/admin/archive/mention/",
        "/admin/archive/entity/?q=entity",
    ]
    bench(paths, args.repeat)


if __name__ == "__main__":
    main()

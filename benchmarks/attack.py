"""The page cache under attack: clients asking for the dearest answers under random query
parameters and cookies, beside one reader of cached pages, against gunicorn with Redis.

    .venv/bin/python benchmarks/attack.py --size 10000            # the code of this checkout
    .venv/bin/python benchmarks/attack.py --size 10000 --code DIR --label before

The corpus is the benchmark's (`generate_corpus --articles N --seed 1` in bench_archive_<N>,
made when missing), plus one article naming entities --mentions times (19,000 by default:
the attack that found this took 1.1 s to render it), made once through the ORM. gunicorn
runs as production does (DEBUG off, collected static files, --workers, CACHE_URL of
BENCH_CACHE_URL, default Redis database 5, emptied first; the other settings at their
defaults, the render limit included), bound to 127.0.0.1. The reader first reads a few
cached pages alone for a few seconds; then for --seconds (20) --attackers processes (6) ask,
one request after the other, for that article's page (mostly), its API answer and its Web
Annotations, each time under a new random parameter, half the time with a cookie
(analytics, a CDN's, a forged session, a forged pin to the primary), while the reader goes
on. Reported: the reader's p50/p95 alone and under attack, what the attackers got, and
Redis's memory (INFO used_memory, the whole server, and the bytes of the benchmark's
database's keys) before and after the attack. Only 127.0.0.1 is ever asked; every run is
bounded in time. Results go under "attack" in results.json and in RESULTS.md (bench.py
writes both); bench.py runs this after its load test.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import bench  # noqa: E402  (benchmarks/bench.py: databases, environment, results)

HEAVY_SLUG = "bench-attack-heavy"
READER_PATHS = ["/", "/articles/", "/people/", "/dates/"]  # + one ordinary article
GOAL_P95_MS = 100
QUIET_SECONDS = 5  # the reader alone first: what its pages cost on this machine now
GOAL_REDIS_MB = 5

# The heavy article, made once through the ORM of the code under test: `mentions` mentions
# of twenty public entities in a body of as many short sentences.
HEAVY_ARTICLE = """
from django.db import transaction
from archive.models import Article, Entity, Mention
slug, n = {slug!r}, {mentions}
if not Article.objects.filter(slug=slug).exists():
    people = list(Entity.objects.public().order_by("id")[:20])
    parts, spans, at = [], [], 0
    for i in range(n):
        entity = people[i % len(people)]
        sentence = f"{{entity.name}} met envoys. "
        spans.append((entity, at, at + len(entity.name)))
        parts.append(sentence)
        at += len(sentence)
        if i % 40 == 39:
            parts.append("\\n")
            at += 1
    with transaction.atomic():
        article = Article.objects.create(
            slug=slug, title="Envoys, again and again", body="".join(parts), language="en",
            url="https://generated.invalid/" + slug,
        )
        Mention.objects.bulk_create(
            [Mention(article=article, entity=e, start=s, end=t, text=e.name,
                     status="confirmed") for e, s, t in spans],
            batch_size=2000,
        )
print(Article.objects.get(slug=slug).mentions.count())
print(Article.objects.public().exclude(slug=slug).order_by("-id").values_list("slug", flat=True)[0])
"""

# The attack that found this asked for the article itself; now and then its API answer and
# its Web Annotations (megabytes each) too.
TARGET_WEIGHTS = (8, 1, 1)
# Half the requests without a cookie (stored under each new parameter by a cache keyed on
# the whole URL), half with one the site does not set or never signed.
COOKIES = [
    *[lambda r: None] * 5,
    lambda r: f"x={r}",
    lambda r: f"_ga=GA1.2.{r}.1700000000",
    lambda r: f"__cf_bm={r}-1700000000-0-AQ",
    lambda r: f"sessionid={r:032x}",  # a forged session: bypasses the cache by design
    lambda r: "archive_primary=1",  # a forged pin to the primary
]


def _read(response) -> int:
    size = 0
    while chunk := response.read(1 << 20):
        size += len(chunk)
    return size


def _get(url: str, cookie: str | None = None, timeout: float = 60) -> tuple[int, float, int]:
    """(status, seconds, bytes) of one GET, the body read to its end."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            size = _read(response)
            status = response.status
    except urllib.error.HTTPError as error:
        size = _read(error)
        status = error.code
    except OSError:
        status, size = 0, 0
    return status, time.perf_counter() - t0, size


def _attacker(base: str, targets: list[str], deadline: float, seed: int, out) -> None:
    # Attackers are elsewhere: here their own work (reading megabytes) must not take the
    # CPU the server and the reader need on the same cores.
    os.nice(10)
    rng = random.Random(seed)
    statuses: dict[str, int] = {}
    while time.time() < deadline:
        r = rng.getrandbits(64)
        url = f"{base}{rng.choices(targets, TARGET_WEIGHTS)[0]}?r={r}"
        cookie = rng.choice(COOKIES)(r)
        status, _seconds, _size = _get(url, cookie, timeout=max(1.0, deadline - time.time() + 5))
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    out.put(statuses)


def _reader(base: str, paths: list[str], deadline: float) -> dict:
    """One reader going through `paths` again and again until `deadline`."""
    latencies, errors = [], 0
    while time.time() < deadline:
        for path in paths:
            status, spent, _size = _get(base + path, timeout=60)
            latencies.append(spent * 1000)
            errors += status != 200
    return {
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": round(percentile(latencies, 0.5), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies, default=0), 1),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0,
    }


def redis_memory(cache_url: str) -> dict:
    """INFO used_memory (the whole server) and the bytes of this database's keys."""
    import redis

    client = redis.Redis.from_url(cache_url)
    keys = list(client.scan_iter(count=1000))
    return {
        "used_memory": int(client.info("memory")["used_memory"]),
        "keys": len(keys),
        "key_bytes": sum(client.memory_usage(k) or 0 for k in keys),
    }


def percentile(values: list[float], q: float) -> float:
    return bench.percentile(values, q) if values else 0.0


def run_attack(
    database_url: str,
    *,
    code: Path = ROOT,
    seconds: int = 20,
    attackers: int = 6,
    workers: int = 3,
    mentions: int = 19_000,
    cache_url: str | None = None,
    label: str = "after",
    work: Path | None = None,
    log=print,
) -> dict:
    """The attack against gunicorn serving `code` on `database_url` (its corpus in place)."""
    cache_url = cache_url or os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/5")
    own_work = work is None
    work = Path(tempfile.mkdtemp(prefix="archive-attack-")) if own_work else work
    env = bench.bench_environment(database_url, work / "attack")
    env["PYTHONPATH"] = os.pathsep.join([str(work / "attack" / "settings"), str(code)])
    manage = [sys.executable, str(code / "manage.py")]
    done = subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v", "0"], env=env, cwd=code, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    shell = HEAVY_ARTICLE.format(slug=HEAVY_SLUG, mentions=mentions)
    done = subprocess.run(
        [*manage, "shell", "-c", shell], env=env, cwd=code, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    heavy_mentions, ordinary = done.stdout.split()[-2:]
    log(f"  heavy article: {int(heavy_mentions):,} mentions")

    import redis

    redis.Redis.from_url(cache_url).flushdb()
    port = bench.free_port()
    genv = dict(env, DJANGO_PRODUCTION="1", DJANGO_ALLOWED_HOSTS="127.0.0.1", CACHE_URL=cache_url)
    genv.pop("ARCHIVE_PAGE_CACHE_SECONDS", None)  # production's: 300 s with Redis
    log_file = open(work / "attack-gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers",
         str(workers), "--bind", f"127.0.0.1:{port}"],
        env=genv, cwd=code, stdout=subprocess.DEVNULL, stderr=log_file, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    heavy = f"/articles/{HEAVY_SLUG}/"
    targets = [heavy, f"/api/articles/{HEAVY_SLUG}/", f"/api/articles/{HEAVY_SLUG}/annotations/"]
    reader_paths = [*READER_PATHS, f"/articles/{ordinary}/"]
    result: dict = {
        "label": label,
        "cores": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 1),  # the machine may be shared
        "workers": workers,
        "attackers": attackers,
        "seconds": seconds,
        "heavy_mentions": int(heavy_mentions),
    }
    try:
        bench._wait_http(base + "/")
        # One render of each dear answer, timed: what each attacking request costs uncached.
        result["first_render_ms"] = {
            t: round(_get(base + t, timeout=120)[1] * 1000) for t in targets
        }
        result["sizes_kb"] = {t: round(_get(base + t, timeout=120)[2] / 1024) for t in targets}
        for _ in range(2):  # the reader's pages, cached
            for p in reader_paths:
                _get(base + p)
        result["reader_alone"] = _reader(base, reader_paths, time.time() + QUIET_SECONDS)
        before = redis_memory(cache_url)
        queue = multiprocessing.get_context("spawn").Queue()
        deadline = time.time() + seconds
        procs = [
            multiprocessing.get_context("spawn").Process(
                target=_attacker, args=(base, targets, deadline, seed, queue), daemon=True
            )
            for seed in range(attackers)
        ]
        for p in procs:
            p.start()
        time.sleep(1)  # the attack under way
        result["reader"] = _reader(base, reader_paths, deadline)
        statuses: dict[str, int] = {}
        for _ in procs:
            try:
                for code_, n in queue.get(timeout=90).items():
                    statuses[code_] = statuses.get(code_, 0) + n
            except Exception:  # noqa: BLE001 - an attacker still waiting: its count is lost
                break
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
        after = redis_memory(cache_url)
        result.update(
            attack={"requests": sum(statuses.values()), "statuses": statuses},
            redis={
                "before": before,
                "after": after,
                "growth_mb": round((after["used_memory"] - before["used_memory"]) / 1e6, 2),
                "keys_growth_mb": round((after["key_bytes"] - before["key_bytes"]) / 1e6, 2),
            },
        )
        log(
            f"  reader p50 {result['reader']['p50_ms']} ms, p95 {result['reader']['p95_ms']} ms "
            f"({result['reader']['requests']} requests); attackers {statuses}; Redis "
            f"{result['redis']['growth_mb']:+} MB (its keys {result['redis']['keys_growth_mb']:+})"
        )
    except Exception:
        log_file.flush()
        print((work / "attack-gunicorn.log").read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log_file.close()
        if own_work:
            shutil.rmtree(work, ignore_errors=True)
    return result


def render_markdown(attack: dict) -> list[str]:
    """The RESULTS.md section (bench.render_markdown calls it)."""
    runs = attack.get("runs") or {}
    if not runs:
        return []
    any_run = next(iter(runs.values()))
    lines = [
        "## Under attack (page cache)",
        "",
        f"`benchmarks/attack.py`: gunicorn ({any_run['workers']} workers) with Redis at "
        f"{attack.get('size', 0):,} generated articles plus one naming entities "
        f"{any_run['heavy_mentions']:,} times; {any_run['attackers']} attacking clients for "
        f"{any_run['seconds']} s ask for that article's page (8 in 10), its API answer and its "
        "Web Annotations, each time under a new random parameter, half the time with a cookie "
        "(analytics, a CDN's, a forged session, a forged pin), beside one reader of cached "
        f"pages; every process on the same machine ({any_run.get('cores', '?')} cores; load "
        "average at the start of each run below). Goal: the reader's p95 under "
        f"{GOAL_P95_MS} ms and Redis growing less than {GOAL_REDIS_MB} MB.",
        "",
    ]
    if attack.get("note"):
        lines += [attack["note"], ""]
    lines += [
        "| code | load | reader alone p50 / p95 ms | reader under attack p50 / p95 ms "
        "| its requests | attacking requests | answers | Redis growth MB (server) "
        "| its keys MB | first renders ms |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    for label, r in runs.items():
        answers = ", ".join(f"{n} × {s}" for s, n in sorted(r["attack"]["statuses"].items()))
        renders = "; ".join(
            f"{_target_name(t)} {ms}" for t, ms in r.get("first_render_ms", {}).items()
        )
        alone = r.get("reader_alone") or {}
        lines.append(
            f"| {label} | {r.get('load_average', '?')} | "
            f"{alone.get('p50_ms', 0):.0f} / {alone.get('p95_ms', 0):.0f} | "
            f"{r['reader']['p50_ms']:.0f} / {r['reader']['p95_ms']:.0f} | "
            f"{r['reader']['requests']} | {r['attack']['requests']} | {answers} | "
            f"{r['redis']['growth_mb']:+.1f} | {r['redis']['keys_growth_mb']:+.1f} | {renders} |"
        )
    return [*lines, ""]


def _target_name(url: str) -> str:
    path = urlsplit(url).path
    if path.endswith("/annotations/"):
        return "annotations"
    return "API" if path.startswith("/api/") else "page"


def targets(attack: dict) -> list[dict]:
    """The two goals, measured on the run of the current code ("after")."""
    run = (attack.get("runs") or {}).get("after")
    if not run:
        return []
    p95, growth = run["reader"]["p95_ms"], run["redis"]["growth_mb"]
    return [
        {
            "target": f"under attack, reader of cached pages p95 < {GOAL_P95_MS} ms",
            "value": f"{p95:.0f} ms",
            "met": p95 < GOAL_P95_MS,
        },
        {
            "target": f"under attack, Redis grows < {GOAL_REDIS_MB} MB",
            "value": f"{growth:+.1f} MB",
            "met": growth < GOAL_REDIS_MB,
        },
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10_000, help="generated articles")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", bench.DEFAULT_DATABASE_URL),
        help="server and base name, as bench.py's (the size's database is <name>_<size>)",
    )
    parser.add_argument("--code", default=str(ROOT), help="the checkout gunicorn serves")
    parser.add_argument("--label", default="after", help="the run's name in RESULTS.md")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--attackers", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--mentions", type=int, default=19_000)
    parser.add_argument("--note", default="", help="a sentence for RESULTS.md")
    parser.add_argument("--out", default=str(HERE), help="where RESULTS.md and results.json are")
    args = parser.parse_args(argv)
    url = bench.database_url_for(args.database_url, args.size)
    if bench.generated_count(url) != args.size:
        bench.ensure_database(url, fresh=True)
        work = Path(tempfile.mkdtemp(prefix="archive-attack-"))
        try:
            env = bench.bench_environment(url, work)
            bench.manage(env, "migrate", "--noinput", "-v", "0")
            print(f"generate_corpus: {bench.generate(env, args.size)['seconds']} s")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print(f"attack at {args.size:,} articles, code {args.code} ({args.label})")
    run = run_attack(
        url,
        code=Path(args.code).resolve(),
        seconds=args.seconds,
        attackers=args.attackers,
        workers=args.workers,
        mentions=args.mentions,
        label=args.label,
    )
    out = Path(args.out)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    attack = results.setdefault("attack", {})
    attack["size"] = args.size
    attack.setdefault("runs", {})[args.label] = run
    if args.note:
        attack["note"] = args.note
    bench.write_results(results, out)
    print(f"wrote {out / 'RESULTS.md'} and {out / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

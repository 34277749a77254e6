"""The page cache under a stream of writes: a reader of cached pages while articles arrive
through the importer, one every two seconds, against gunicorn with Redis.

    .venv/bin/python benchmarks/stream.py --size 3000                 # this checkout

The corpus is `generate_corpus --articles N --seed 1`, in a database of each label's own
(bench_stream_<label>_<N>: the code under test migrates it, so two codes with different
migrations never share one), made when missing. gunicorn runs as production does (DEBUG
off, --workers, Redis database 8 emptied first, the page cache's production 300 s; the render
limit per address off, since one reader stands for many), bound to 127.0.0.1, as
benchmarks/attack.py starts it. The reader asks, one request after the other,
for a fixed set of pages chosen at random (seeded): the home page, --articles article pages
and --entities entity pages, a third of them among the most named entities (the ones new
articles name). It reads them all twice, then alone for --seconds (quiet), then for
--seconds again while one process of the code under test imports an article every
--interval seconds through archive.ingest.importing (a manifest of one text naming two of
the most named entities and one other; the importer's matcher suggests their mentions).

A request is a cache hit unless its (address, ETag) pair is new to the reader: the cache key
and the ETag are made of the same generations and address, every answer read is a 200 that
is stored, nobody else reads, and nothing expires within a run; pages read during the warm-up
count as stored. Reported per label: the reader's p50/p95 and hit rate alone and under the
stream, and the imports' own times. The section at the end of RESULTS.md is written from
the runs of one invocation (replaced when run again):

    .venv/bin/python benchmarks/stream.py --code before=DIR --code after=.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import attack  # noqa: E402  (benchmarks/attack.py: one GET, timed)
import bench  # noqa: E402  (benchmarks/bench.py: databases, environment, results)

CACHE_URL = "redis://127.0.0.1:6379/8"
SECTION = "## The page cache under a stream of writes (benchmarks/stream.py)"
KIND_PLURAL = {"person": "people", "organization": "organizations", "place": "places"}
GOAL_HIT_RATE = 0.8

# Run by the code under test (manage.py shell): an article every `interval` seconds through
# the importer, until killed; one JSON line per import.
STREAMER = """
import json, random, tempfile, time
from pathlib import Path
from archive.ingest.importing import import_manifests

popular, others, run = {popular!r}, {others!r}, {run}
rng = random.Random(11)
folder = Path(tempfile.mkdtemp(prefix="archive-stream-"))
n = 0
while True:
    t0 = time.time()
    n += 1
    named = rng.sample(popular, 2) + [rng.choice(others)]
    title = f"Stream wire {{run}}-{{n}}: {{named[0]}} and {{named[1]}} meet"
    body = (
        f"{{title}}\\n{{named[0]}} met {{named[1]}} on the {{n}}th day of talks, the wire said.\\n"
        f"{{named[2]}} was not there; officials gave no reason.\\n"
    )
    (folder / f"wire{{n}}.txt").write_text(body, encoding="utf-8")
    (folder / "manifest.toml").write_text(
        f'[[article]]\\nfile = "wire{{n}}.txt"\\n'
        f'slug = "stream-wire-{{run}}-{{n}}"\\n'
        f'language = "en"\\nsource = "Stream Wire"\\npublished = "2024-03-{{1 + n % 28:02d}}"\\n',
        encoding="utf-8",
    )
    result = import_manifests([folder])
    spent = time.time() - t0
    print(json.dumps({{"seconds": round(spent, 3), "new": len(result.new),
                      "suggested": result.suggested,
                      "problems": [str(p) for p in result.problems][:2]}}), flush=True)
    time.sleep(max(0.0, {interval} - spent))
"""


def _manage(code: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, str(code / "manage.py"), *args],
        env=env,
        cwd=code,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)}: {done.stderr[-3000:]}")
    return done


def _environment(url: str, code: Path, work: Path) -> dict:
    env = bench.bench_environment(url, work)
    env["PYTHONPATH"] = os.pathsep.join([str(work / "settings"), str(code)])
    return env


def prepare(url: str, size: int, code: Path, work: Path, log=print) -> None:
    """The corpus in `url`, migrated by `code`, generated when missing."""
    env = _environment(url, code, work)
    if bench.generated_count(url) != size:
        bench.ensure_database(url, fresh=True)
        _manage(code, env, "migrate", "--noinput", "-v", "0")
        t0 = time.perf_counter()
        _manage(code, env, "generate_corpus", "--clear", "--articles", str(size), "--seed", "1")
        log(f"  generate_corpus: {time.perf_counter() - t0:.1f} s")
    else:
        _manage(code, env, "migrate", "--noinput", "-v", "0")


def pick_pages(url: str, articles: int, entities: int, seed: int = 1) -> tuple[list, dict]:
    """The reader's addresses, and the names the stream writes (the most named entities,
    and others)."""
    import psycopg

    with psycopg.connect(**bench.conninfo(url)) as conn:
        slugs = [
            r[0]
            for r in conn.execute("SELECT slug FROM archive_article WHERE is_public ORDER BY id")
        ]
        ranked = conn.execute(
            "SELECT e.slug, e.kind, e.name FROM archive_entity e "
            "JOIN archive_entitycount c ON c.entity_id = e.id WHERE c.mentions > 0 "
            "ORDER BY c.mentions DESC, e.id"
        ).fetchall()
    rng = random.Random(seed)
    top = ranked[:30]
    chosen = rng.sample(top, min(len(top), entities // 3))
    rest = ranked[30:]
    chosen += rng.sample(rest, min(len(rest), entities - len(chosen)))
    pages = ["/"]
    pages += [f"/articles/{s}/" for s in rng.sample(slugs, min(len(slugs), articles))]
    pages += [f"/{KIND_PLURAL[kind]}/{slug}/" for slug, kind, _name in chosen]
    names = {"popular": [n for _s, _k, n in top], "others": [n for _s, _k, n in ranked[30:300]]}
    return pages, names


def _read(base: str, pages: list[str], seen: set, deadline: float, rng) -> dict:
    latencies, hits, errors = [], 0, 0
    while time.time() < deadline:
        path = rng.choice(pages)
        status, spent, tag = _get_tagged(base + path)
        latencies.append(spent * 1000)
        if status != 200:
            errors += 1
            continue
        key = (path, tag)
        hits += key in seen
        seen.add(key)
    n = len(latencies)
    return {
        "requests": n,
        "errors": errors,
        "hit_rate": round(hits / n, 3) if n else 0.0,
        "p50_ms": round(attack.percentile(latencies, 0.5), 1),
        "p95_ms": round(attack.percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies, default=0), 1),
    }


def _get_tagged(url: str) -> tuple[int, float, str]:
    """(status, seconds, ETag) of one GET, the body read to its end."""
    import urllib.error
    import urllib.request

    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            attack._read(response)
            return response.status, time.perf_counter() - t0, response.headers.get("ETag", "")
    except urllib.error.HTTPError as error:
        attack._read(error)
        return error.code, time.perf_counter() - t0, ""
    except OSError:
        return 0, time.perf_counter() - t0, ""


def run_stream(
    url: str,
    *,
    code: Path = ROOT,
    seconds: int = 40,
    interval: float = 2.0,
    workers: int = 3,
    articles: int = 200,
    entities: int = 60,
    label: str = "after",
    log=print,
) -> dict:
    import redis

    work = Path(tempfile.mkdtemp(prefix="archive-stream-"))
    env = _environment(url, code, work)
    _manage(code, env, "collectstatic", "--noinput", "-v", "0")
    pages, names = pick_pages(url, articles, entities)
    redis.Redis.from_url(CACHE_URL).flushdb()
    port = bench.free_port()
    genv = dict(env, DJANGO_PRODUCTION="1", DJANGO_ALLOWED_HOSTS="127.0.0.1", CACHE_URL=CACHE_URL)
    genv.pop("ARCHIVE_PAGE_CACHE_SECONDS", None)  # production's: 300 s with Redis
    # The one reader stands for many readers: the per-address render limit, which would
    # answer it 429 once the stream empties its pages, is off (its misses are what is told).
    genv["ARCHIVE_RENDER_LIMIT"] = "0"
    log_file = open(work / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers",
         str(workers), "--bind", f"127.0.0.1:{port}"],
        env=genv, cwd=code, stdout=subprocess.DEVNULL, stderr=log_file, start_new_session=True,
    )  # fmt: skip
    streamer = None
    base = f"http://127.0.0.1:{port}"
    result: dict = {
        "label": label,
        "cores": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 1),
        "workers": workers,
        "pages": len(pages),
        "seconds": seconds,
        "interval": interval,
    }
    rng = random.Random(5)
    seen: set = set()
    try:
        bench._wait_http(base + "/")
        for _ in range(2):  # warm: every page stored
            for path in pages:
                status, _spent, tag = _get_tagged(base + path)
                assert status == 200, (path, status)
                seen.add((path, tag))
        result["quiet"] = _read(base, pages, seen, time.time() + seconds, rng)
        log(f"  quiet: {result['quiet']}")
        script = STREAMER.format(interval=interval, run=int(time.time()), **names)
        streamer = subprocess.Popen(
            [sys.executable, str(code / "manage.py"), "shell", "-c", script],
            env=env, cwd=code, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True,
        )  # fmt: skip
        first = streamer.stdout.readline()  # the importer is up and has written one
        while first and not first.startswith('{"seconds"'):
            first = streamer.stdout.readline()
        assert first, streamer.stderr.read()[-3000:]
        result["stream"] = _read(base, pages, seen, time.time() + seconds, rng)
        os.killpg(streamer.pid, signal.SIGTERM)
        out, _err = streamer.communicate(timeout=30)
        lines = [first, *out.splitlines()]
        imports = [json.loads(line) for line in lines if line.startswith('{"seconds"')]
        spent = sorted(i["seconds"] for i in imports)
        result["imports"] = {
            "articles": sum(i["new"] for i in imports),
            "suggested": sum(i["suggested"] for i in imports),
            "problems": [p for i in imports for p in i["problems"]][:3],
            "p50_s": round(attack.percentile(spent, 0.5), 3),
            "max_s": round(max(spent, default=0), 3),
        }
        log(f"  stream: {result['stream']}; imports {result['imports']}")
    except Exception:
        log_file.flush()
        print((work / "gunicorn.log").read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        for proc in (streamer, server):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        log_file.close()
        shutil.rmtree(work, ignore_errors=True)
    return result


def render_markdown(stream: dict) -> list[str]:
    lines = [
        SECTION,
        "",
        f"{stream['size']:,} generated articles; gunicorn ({stream.get('workers', 3)} workers) "
        "with Redis; one reader asking, one request after the other, the home page, "
        f"{stream.get('articles', 200)} article pages and {stream.get('entities', 60)} entity "
        "pages (a third among the 30 most named) at random, all cached first; then the same "
        f"while an article arrives every {stream.get('interval', 2.0):g} s through the importer "
        "(naming two of the 30 most named entities and one other). A hit is an (address, ETag) "
        "the reader had already seen. Goal: the same p95 under the stream, hits above 80%.",
        "",
        "| code | reader alone p50 / p95 | hits alone | under the stream p50 / p95 | "
        "hits under the stream | imports (p50, articles) | load |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, run in stream.get("runs", {}).items():
        q, s, i = run["quiet"], run["stream"], run["imports"]
        mark = "✅" if s["hit_rate"] >= GOAL_HIT_RATE else "❌"
        lines.append(
            f"| {label} | {q['p50_ms']} / {q['p95_ms']} ms ({q['requests']}) | "
            f"{q['hit_rate']:.1%} | {s['p50_ms']} / {s['p95_ms']} ms ({s['requests']}) | "
            f"{mark} {s['hit_rate']:.1%} | {i['p50_s']} s, {i['articles']} | "
            f"{run['load_average']} |"
        )
    if stream.get("note"):
        lines += ["", stream["note"]]
    lines += [
        "",
        "Reproduce: `git archive 5e2d3e9^ | tar -x -C DIR` (main before scoped generations), "
        "then `.venv/bin/python benchmarks/stream.py --size 3000 --code before=DIR "
        "--code after=.`.",
        "",
    ]
    return lines


def write_section(out: Path, stream: dict) -> None:
    """Replace (or append) this benchmark's section at the end of RESULTS.md."""
    path = out / "RESULTS.md"
    text = path.read_text(encoding="utf-8")
    if SECTION in text:
        text = text[: text.index(SECTION)].rstrip("\n") + "\n"
    path.write_text(text + "\n" + "\n".join(render_markdown(stream)), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=3_000, help="generated articles")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", bench.DEFAULT_DATABASE_URL),
        help="server and base name; each label's database is <name>_stream_<label>_<size>",
    )
    parser.add_argument(
        "--code",
        action="append",
        metavar="LABEL=DIR",
        help="a checkout to serve and its name in RESULTS.md, one after the other "
        "(default: after=this checkout)",
    )
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--entities", type=int, default=60)
    parser.add_argument("--note", default="", help="a sentence for RESULTS.md")
    parser.add_argument("--out", default=str(HERE), help="where RESULTS.md is")
    args = parser.parse_args(argv)
    stream = {
        "size": args.size,
        "interval": args.interval,
        "workers": args.workers,
        "articles": args.articles,
        "entities": args.entities,
        "note": args.note,
        "runs": {},
    }
    for spec in args.code or [f"after={ROOT}"]:
        label, _, folder = spec.partition("=")
        code = Path(folder or ROOT).resolve()
        name = "".join(c if c.isalnum() else "_" for c in label.lower())
        url = bench.database_url_for(f"{args.database_url}_stream_{name}", args.size)
        print(f"stream at {args.size:,} articles, code {code} ({label})")
        work = Path(tempfile.mkdtemp(prefix="archive-stream-prepare-"))
        try:
            prepare(url, args.size, code, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        stream["runs"][label] = run_stream(
            url,
            code=code,
            seconds=args.seconds,
            interval=args.interval,
            workers=args.workers,
            articles=args.articles,
            entities=args.entities,
            label=label,
        )
        print(json.dumps(stream["runs"][label]))
    write_section(Path(args.out), stream)
    print(f"wrote the section at the end of {Path(args.out) / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The benchmark harness (benchmarks/bench.py) at a tiny size, so that it cannot rot.

Runs the harness's own functions on the test database: every case and its floor at 100
and at 300 generated articles, cold over up to 5 different objects and warm 3 requests
each. Every case must answer 200 for every object, make the same number of queries at both
sizes (a query count that grows with the archive is a bug), and come out as RESULTS.md
rows. The load part (gunicorn + locust) is not run here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

import bench  # noqa: E402
import floors  # noqa: E402

REQUESTS = 3
OBJECTS = 5
SIZES = (100, 300)


def _measure(size: int):
    call_command("generate_corpus", articles=size, seed=1, clear=True, verbosity=0)
    with psycopg.connect(**bench.django_conninfo(), autocommit=True) as pg:
        pg.prepare_threshold = None
        params, rows = bench.measure_size(
            size, REQUESTS, pg, objects=OBJECTS, log=lambda *a, **k: None
        )
        version = bench.postgres_version(pg)
    return params, rows, version


@pytest.mark.django_db(transaction=True)
def test_every_case_answers_with_the_same_queries_at_two_sizes(tmp_path):
    measured = {size: _measure(size) for size in SIZES}
    small, large = (measured[s][1] for s in SIZES)

    names = [c.name for c in bench.build_cases(measured[SIZES[0]][0])]
    assert [r.case for r in small] == names == [r.case for r in large]
    # Every page, endpoint, search and changelist with a benchmark target is there.
    for wanted in ("home", "article", "compare", "person", "entity feed", "api alignment",
                   "search phrase exclusion", "api search filters", "admin mentions"):  # fmt: skip
        assert wanted in names
    for row in small + large:
        assert row.status == 200, (row.size, row.case, row.url)
        assert row.requests == REQUESTS and row.p50 > 0 and row.p95 >= row.p50
        assert row.warm_p50 > 0 and row.warm_p95 >= row.warm_p50
        assert 1 <= row.objects <= OBJECTS
        assert row.queries > 0
        assert row.floor_p50 is not None, f"floor of {row.case} failed"
        assert row.ratio == pytest.approx(row.p50 / max(row.floor_p50, 2.0), rel=0.02, abs=0.01)
    # The cold figures cover different objects: pages deep and shallow, articles, people
    # and words of their own, each asked once.
    cases = {c.name: c for c in bench.build_cases(measured[SIZES[1]][0])}
    by_name = {r.case: r for r in large}
    for name in ("articles", "article", "compare", "person", "claim", "year", "month",
                 "api entities q", "search common word", "search rare word",
                 "api search spelling variant", "admin mentions"):  # fmt: skip
        urls = [url for url, _ in cases[name].objects]
        assert len(set(urls)) == len(urls) >= 3, (name, urls)
        assert by_name[name].objects == len(urls), name
    assert cases["home"].reset_cold and by_name["home"].objects == OBJECTS
    assert any("page=" in url for url, _ in cases["articles deep page"].objects)
    differing = {
        s.case: (s.queries, g.queries) for s, g in zip(small, large, strict=True)
        if s.queries != g.queries
    }  # fmt: skip
    assert not differing, f"query count depends on the archive's size: {differing}"

    results = {
        "date": "test",
        "machine": bench.machine(),
        "postgresql": measured[SIZES[0]][2],
        "requests": REQUESTS,
        "sizes": list(SIZES),
        "generate": {},
        "params": {str(s): measured[s][0] for s in SIZES},
        "cases": [bench.asdict(r) for r in small + large],
        "load": {"skipped": "not run in tests"},
        "import": {"skipped": "not run in tests"},
    }
    bench.write_results(results, tmp_path)
    markdown = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    for size in SIZES:
        assert f"### {size:,} articles" in markdown
    for row in small:
        assert f"| {row.case} | 200 | {row.p50:.1f} | {row.p95:.1f} | {row.objects} |" in markdown
    targets = {t["target"]: t for t in results["targets"]}
    assert targets["query count per request does not grow with size"]["met"] is True
    assert targets["every case answers 200"]["met"] is True
    assert (tmp_path / "results.json").exists()


@pytest.mark.django_db(transaction=True)
def test_search_floor_ranks_like_the_search(client):
    """The search floor fetches the same articles, in the same order, as /api/articles/?q=."""
    call_command("generate_corpus", articles=150, seed=1, clear=True, verbosity=0)
    with psycopg.connect(**bench.django_conninfo(), autocommit=True) as pg:
        params = bench.pick_params(pg)
        for q in (params["common_word"], params["person_arabic"], params["person_variant"]):
            kwargs = bench._search_floor_kwargs(q)
            floor = floors.json.loads(floors.search(pg, api=True, **kwargs))
            api = client.get("/api/articles/", {"q": q}).json()
            assert floor["count"] == api["count"], q
            assert [a["slug"] for a in floor["results"]] == [a["slug"] for a in api["results"]], q


def test_import_folder_is_a_valid_manifest(tmp_path):
    count = bench.write_import_folder(tmp_path, 12)
    assert count == 12
    from archive.ingest.manifest import read_manifest

    entries, problems = read_manifest(tmp_path / "manifest.toml")
    assert not problems
    assert len(entries) == 12


def test_locustfile_lists_its_users():
    """Locust's own parser reads the locustfile (in a subprocess: locust monkey-patches
    the standard library with gevent on import)."""
    locust = shutil.which("locust", path=str(Path(sys.executable).parent)) or shutil.which("locust")
    if locust is None:
        pytest.skip("locust is not installed (the optional extra `bench`)")
    result = subprocess.run(
        [locust, "-f", str(BENCHMARKS / "locustfile.py"), "--list"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "MixUser" in result.stdout and "ArticleUser" in result.stdout

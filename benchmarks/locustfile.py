"""Load for benchmarks/bench.py: locust, headless, against gunicorn on 127.0.0.1 only.

bench.py writes the URLs it picked from the data to a JSON file named by
BENCH_LOCUST_PATHS ({"mix": [...], "article": [...]}) and runs, for example:

    locust -f benchmarks/locustfile.py ArticleUser --headless -u 20 -r 20 -t 60s \
        --host http://127.0.0.1:PORT --csv /tmp/locust_article

MixUser walks a mix of pages and API endpoints, ArticleUser asks for the article page
only. Users do not wait between requests: the figure is the server's throughput. Every
answer other than 200 counts as a failure. Without BENCH_LOCUST_PATHS, the home page and
the article list stand in (a smoke run against any server).
"""

from __future__ import annotations

import itertools
import json
import os
import random
from urllib.parse import urlsplit

from locust import FastHttpUser, constant, events, task


def _paths() -> dict:
    path = os.environ.get("BENCH_LOCUST_PATHS")
    if path:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    return {"mix": ["/", "/articles/"], "article": ["/articles/"]}


PATHS = _paths()


@events.test_start.add_listener
def _local_only(environment, **kwargs):
    host = urlsplit(environment.host or "").hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"locustfile.py only loads a local server, not {host!r}")


class _BenchUser(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def _get(self, path: str, name: str | None = None):
        with self.client.get(path, name=name or path, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class MixUser(_BenchUser):
    """Each user walks the mix in its own random order, round and round."""

    def on_start(self):
        paths = list(PATHS["mix"])
        random.shuffle(paths)
        self._cycle = itertools.cycle(paths)

    @task
    def page(self):
        self._get(next(self._cycle))


class ArticleUser(_BenchUser):
    @task
    def article(self):
        self._get(PATHS["article"][0], name="article")

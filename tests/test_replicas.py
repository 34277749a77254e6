"""Read replicas (DATABASE_REPLICA_URLS), against a real streaming replica.

A primary and a `pg_basebackup -R` replica of it run on free ports in a temporary folder,
from the PostgreSQL binaries the project already has (the pgserver wheel); gunicorn serves
the project on both. Pausing the replica's replay makes it lag: a reader's public page
then still shows the old data (it was read from the replica), while the editor who made
the change sees it at once on their next request (pinned to the primary), and the write
itself went to the primary.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest

from config import embedded
from tests.servers import free_port, gunicorn, spawn, stop

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

# Pages rendered without collectstatic: plain static storage, found through the finders.
SETTINGS = """from config.settings import *  # noqa: F401,F403

STORAGES = {**STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
"""

SETUP = """
import django
django.setup()
from django.contrib.auth.models import User
from tests.factories import make_article, make_entity, make_mention
article = make_article(slug="talks", title="Talks in Tripoli",
                       body="Fayez al-Sarraj met envoys in Tripoli.")
person = make_entity(name="Fayez al-Sarraj", slug="fayez-al-sarraj")
print(make_mention(article, person, "Fayez al-Sarraj").pk)
User.objects.create_superuser("editor", password="pw-editor-1234")
"""


def pg(command: str, *args, user) -> None:
    result = subprocess.run(
        [str(embedded.bin_dir() / command), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        **({"user": user} if user else {}),
    )
    assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"


def start(data: Path, port: int, sockets: Path, user) -> None:
    options = f"-p {port} -h 127.0.0.1 -k {sockets}"
    pg("pg_ctl", "-D", data, "-l", data / "log", "-w", "-t", 60, "-o", options, "start", user=user)


def connect(port: int, dbname: str = "archive") -> psycopg.Connection:
    return psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname=dbname, autocommit=True
    )


def wait_until(check, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout} s")


def caught_up(primary: int, replica: int) -> bool:
    with connect(primary) as p, connect(replica) as r:
        sent = p.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        return r.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [sent]).fetchone()[0]


class Browser:
    """A client that keeps its cookies, as a browser does."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path: str, data: dict | None = None, headers=None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        if body is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError as error:  # nothing answers yet
            return 0, str(error)

    def token(self, path: str) -> str:
        status, page = self.open(path)
        assert status == 200, page[:500]
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_public_pages_read_a_replica_and_an_editor_reads_the_primary_after_a_write():
    # Not pytest's tmp_path: each pytest run (other checkouts' too) makes its parent folder
    # private to root again, and the servers, which run as another user, would lose it.
    tmp_path = Path(tempfile.mkdtemp(prefix="archive-replicas-"))
    root = os.geteuid() == 0
    primary_dir, replica_dir, sockets = (tmp_path / n for n in ("primary", "replica", "sockets"))
    for folder in (primary_dir, replica_dir, sockets):
        folder.mkdir(mode=0o700)
    # PostgreSQL refuses to run as root: as the embedded server, run it as its own user.
    user = None
    if root:
        user = embedded._prepare_root(primary_dir, sockets)
        embedded._prepare_root(replica_dir, sockets)
    p_port, r_port, web_port = free_port(), free_port(), free_port()
    settings_dir = tmp_path / "settings"
    settings_dir.mkdir()
    (settings_dir / "replica_settings.py").write_text(SETTINGS)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="replica_settings",
        PYTHONPATH=os.pathsep.join([str(settings_dir), str(ROOT)]),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="test-" + uuid.uuid4().hex * 2,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SESSION_COOKIE_SECURE="0",
        DJANGO_CSRF_COOKIE_SECURE="0",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{p_port}/archive",
    )
    env.pop("CACHE_URL", None)
    server = None
    started = []
    try:
        pg("initdb", "-D", primary_dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", user=user)
        start(primary_dir, p_port, sockets, user)
        started.append(primary_dir)
        with connect(p_port, "postgres") as conn:
            conn.execute("CREATE DATABASE archive")
        for command in (["manage.py", "migrate", "-v", "0"], ["-c", SETUP]):
            done = subprocess.run(
                [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True
            )
            assert done.returncode == 0, done.stdout + done.stderr
        mention_id = int(done.stdout.split()[-1])
        pg("pg_basebackup", "-h", "127.0.0.1", "-p", p_port, "-U", "postgres",
           "-D", replica_dir, "-R", "-X", "stream", "-c", "fast", user=user)  # fmt: skip
        start(replica_dir, r_port, sockets, user)
        started.append(replica_dir)

        env["DATABASE_REPLICA_URLS"] = f"postgres://postgres@127.0.0.1:{r_port}/archive"
        server = spawn(gunicorn(web_port, workers=1), env)
        base = f"http://127.0.0.1:{web_port}"
        reader, editor = Browser(base), Browser(base)
        wait_until(lambda: reader.open("/")[0] == 200, "gunicorn answers")
        page = "/articles/talks/"
        assert "/people/fayez-al-sarraj/" in reader.open(page)[1]

        wait_until(lambda: caught_up(p_port, r_port), "the replica catches up")
        with connect(r_port) as replica:
            replica.execute("SELECT pg_wal_replay_pause()")

        # The editor logs in and rejects the mention in the admin.
        status, _ = editor.open(
            "/admin/login/?next=/admin/",
            {
                "username": "editor",
                "password": "pw-editor-1234",
                "csrfmiddlewaretoken": editor.token("/admin/login/"),
            },
        )
        assert status == 200  # followed the redirect to the admin index
        changelist = "/admin/archive/mention/"
        status, _ = editor.open(
            changelist,
            {
                "action": "reject_selected",
                "_selected_action": [mention_id],
                "csrfmiddlewaretoken": editor.token(changelist),
            },
        )
        assert status == 200
        with connect(p_port) as primary, connect(r_port) as replica:
            query = "SELECT status FROM archive_mention WHERE id = %s"
            assert primary.execute(query, [mention_id]).fetchone()[0] == "rejected"
            assert replica.execute(query, [mention_id]).fetchone()[0] == "confirmed"

        # The lagging replica still has the mention: a reader's page was read there.
        assert "/people/fayez-al-sarraj/" in reader.open(page)[1]
        # The editor's next request reads the primary: the rejection shows at once.
        assert "/people/fayez-al-sarraj/" not in editor.open(page)[1]
        # A pin the site did not sign is ignored: whoever sends one still reads the replica.
        forged = {"Cookie": "archive_primary=1"}
        assert "/people/fayez-al-sarraj/" in Browser(base).open(page, headers=forged)[1]

        with connect(r_port) as replica:
            replica.execute("SELECT pg_wal_replay_resume()")
        wait_until(
            lambda: "/people/fayez-al-sarraj/" not in reader.open(page)[1],
            "the reader sees the rejection once the replica has replayed it",
        )
    finally:
        if server is not None:
            print(stop(server)[-3000:])
        for data in reversed(started):
            subprocess.run(
                [str(embedded.bin_dir() / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
                **({"user": user} if user else {}),
            )
        shutil.rmtree(tmp_path, ignore_errors=True)

"""The embedded PostgreSQL: safe to start from many processes, back by itself after a crash.

Every test here stops or kills a server, so each uses its own data folder
(EMBEDDED_PGDATA), never the one the suite runs on.
"""

import http.client
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from config import embedded
from tests.servers import ROOT, free_port, get, gunicorn, spawn, stop

pytestmark = pytest.mark.slow


def run_env(data: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        EMBEDDED_PGDATA=str(data),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="test-" + uuid.uuid4().hex * 2,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    env.update(extra)
    return env


def server_processes(data: Path) -> list[str]:
    """Postmasters serving `data` (their children show other command lines)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if args[0].endswith(b"/postgres") and str(data).encode() in args:
            found.append(b" ".join(args).decode())
    return found


@pytest.fixture
def data_dir(tmp_path):
    data = tmp_path / "pgdata"
    yield data
    embedded.stop(data)
    assert not server_processes(data), "the test's own server is still running"


def django_connect(data: Path) -> subprocess.Popen:
    """A process that reads the settings (which start or reuse the server) and queries."""
    code = (
        "import django; django.setup(); from django.db import connection; "
        "connection.cursor().execute('SELECT 1'); print('ok')"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=run_env(data, DJANGO_SETTINGS_MODULE="config.settings"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_eight_processes_starting_at_once_share_one_server(data_dir):
    processes = [django_connect(data_dir) for _ in range(8)]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    assert all(out.strip().endswith("ok") for out in outputs), outputs
    assert len(server_processes(data_dir)) == 1


def test_a_damaged_pid_list_left_by_pgserver_does_not_stop_the_start(data_dir):
    # pgserver's unlocked `.handle_pids.json`, left empty by a process killed mid-write,
    # made every later start fail with JSONDecodeError. Nothing reads it any more.
    embedded.ensure_running(data_dir)
    embedded.stop(data_dir)
    (data_dir / ".handle_pids.json").write_text("")
    process = django_connect(data_dir)
    assert process.communicate(timeout=120)[0].strip().endswith("ok")
    assert process.returncode == 0


def test_processes_killed_while_starting_leave_nothing_that_blocks_the_next(data_dir):
    starters = [django_connect(data_dir) for _ in range(4)]
    time.sleep(0.3)
    for process in starters:
        process.kill()
    for process in starters:
        process.wait(timeout=30)
    follower = django_connect(data_dir)
    assert follower.communicate(timeout=120)[0].strip().endswith("ok")


def test_a_killed_server_is_started_again_by_the_next_process(data_dir):
    embedded.ensure_running(data_dir)
    pid = int((data_dir / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)
    process = django_connect(data_dir)
    assert process.communicate(timeout=120)[0].strip().endswith("ok")


def test_site_answers_503_while_the_server_is_down_and_recovers_without_a_restart(data_dir):
    # Its own static files (DEBUG off reads their manifest), not the checkout's folder.
    env = run_env(data_dir, DJANGO_STATIC_ROOT=str(data_dir.parent / "static"))
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command, "-v", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    port = free_port()
    server = spawn(gunicorn(port, workers=2), env)
    url = f"http://127.0.0.1:{port}/articles/"
    try:
        deadline = time.monotonic() + 60
        while get(url)[0] != 200:
            assert time.monotonic() < deadline and server.poll() is None, "gunicorn never served"
            time.sleep(0.3)

        pid = int((data_dir / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)

        statuses, outage_page = [], None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status, body, headers = get(url)
            statuses.append(status)
            if status == 503 and outage_page is None:
                outage_page = (body, headers)
            if status == 200 and 503 in statuses:
                break
            time.sleep(0.2)
        assert server.poll() is None, "gunicorn died"
        assert 500 not in statuses, statuses
        assert 503 in statuses, statuses
        assert statuses[-1] == 200, f"not back within 30 s: {statuses}"
        body, headers = outage_page
        assert "Back in a moment" in body and "عائدون بعد قليل" in body
        assert headers.get("Retry-After") == "5"
    finally:
        print(stop(server)[-3000:])


@pytest.mark.django_db
def test_runserver_keeps_no_idle_connections_in_development():
    # runserver serves each browser connection on a thread of its own; persistent database
    # connections would stay open, one per thread, for as long as CONN_MAX_AGE.
    settings = connection.settings_dict
    host = settings["HOST"] or "127.0.0.1"
    url = "postgres://{user}@{host}{port}/{name}".format(
        user=settings["USER"],
        host=host.replace("/", "%2F") if host.startswith("/") else host,
        port=f":{settings['PORT']}" if settings["PORT"] else "",
        name=settings["NAME"],
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DATABASE_URL=url, DJANGO_DEBUG="1")
    env.pop("DJANGO_CONN_MAX_AGE", None)

    def idle() -> int:
        with connection.cursor() as cursor:
            # Inside a transaction the statistics views keep their first snapshot.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0]

    before = idle()
    port = free_port()
    server = spawn(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], env
    )
    try:
        deadline = time.monotonic() + 60
        while get(f"http://127.0.0.1:{port}/articles/")[0] != 200:
            assert time.monotonic() < deadline and server.poll() is None, "runserver never served"
            time.sleep(0.3)
        # A browser keeps its HTTP connections open, and runserver a thread for each.
        browsers = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(8)]
        for browser in browsers:
            browser.request("GET", "/articles/")
            response = browser.getresponse()
            response.read()
            assert response.status == 200
        time.sleep(0.5)
        assert idle() - before <= 1
        for browser in browsers:
            browser.close()
    finally:
        print(stop(server)[-3000:])


def test_a_server_left_on_a_deleted_folder_cannot_take_the_new_one_down(data_dir):
    # A checkout removed while its server ran, then cloned again at the same path: the old
    # server must not live on to unlink the new server's socket when it notices.
    import shutil

    embedded.ensure_running(data_dir)
    shutil.rmtree(data_dir)
    embedded.ensure_running(data_dir)
    assert len(server_processes(data_dir)) == 1
    process = django_connect(data_dir)
    assert process.communicate(timeout=120)[0].strip().endswith("ok")


def test_a_server_whose_socket_was_removed_is_restarted(data_dir):
    embedded.ensure_running(data_dir)
    (data_dir / ".s.PGSQL.5432").unlink()
    process = django_connect(data_dir)
    assert process.communicate(timeout=120)[0].strip().endswith("ok")
    assert len(server_processes(data_dir)) == 1

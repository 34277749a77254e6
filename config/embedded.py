"""The embedded PostgreSQL: start it once, share it between processes, bring it back after a crash.

The binaries come from the `pgserver` wheel, but its own start-up is not used: it keeps a
list of process ids in `.handle_pids.json`, rewritten without a lock, which a process
killed at the wrong moment leaves empty, and then every start fails with a JSON error.
Here the only shared state is PostgreSQL's own `postmaster.pid`, and every start (initdb,
pg_ctl, CREATE DATABASE) runs under an exclusive `flock` on a file beside the data folder,
so any number of processes may start at once and any of them may be killed at any point:
the kernel drops a dead process's lock.

Nothing here imports Django: settings call it while they are being read.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg

DATABASE = "archive"
SUPERUSER = "postgres"
# PostgreSQL refuses to run as root; as root the server runs as this system user.
SYSTEM_USER = "pgserver"
# A unix socket path longer than this fails to bind (108 bytes on Linux, less elsewhere).
MAX_SOCKET_PATH = 100
START_TIMEOUT = 60


class EmbeddedDatabaseError(RuntimeError):
    pass


def bin_dir() -> Path:
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedDatabaseError(
            "The embedded PostgreSQL needs the pgserver package "
            "(pip install -e '.[embedded]'), or set DATABASE_URL."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def lock_path(data_dir: Path) -> Path:
    # Beside the data folder, not in it: initdb wants an empty folder.
    return data_dir.with_name(data_dir.name + ".lock")


@contextmanager
def start_lock(data_dir: Path):
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(data_dir), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def socket_dir(data_dir: Path) -> Path:
    """Where the server's socket lives: the data folder, or a short path when that is too long."""
    if len(str(data_dir / ".s.PGSQL.5432")) <= MAX_SOCKET_PATH:
        return data_dir
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"archive-pg-{digest}"


def _recorded_socket_dir(data_dir: Path) -> Path | None:
    """The socket folder postmaster.pid names (the server may have died since it was written)."""
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
    except OSError:
        return None
    return Path(lines[4].strip()) if len(lines) > 4 and lines[4].strip() else None


def _connect(host: Path, dbname: str = SUPERUSER) -> psycopg.Connection:
    return psycopg.connect(
        host=str(host), dbname=dbname, user=SUPERUSER, connect_timeout=5, autocommit=True
    )


def _answers(host: Path | None) -> bool | None:
    """None when no server answers on `host`; else whether the archive database exists.

    A connection, not the pid in postmaster.pid, is the test: a killed server's pid can
    linger as a zombie or be reused by another process.
    """
    if host is None:
        return None
    try:
        with _connect(host) as conn:
            row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
            return row.fetchone() is not None
    except psycopg.Error:
        return None


def _end_servers_of(data_dir: Path) -> bool:
    """Stop every postmaster started on `data_dir` that no socket reaches; True if any."""
    ended = False
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if args[0].endswith(b"/postgres") and b"-D" in args and str(data_dir).encode() in args:
            try:
                os.kill(int(cmdline.parent.name), signal.SIGQUIT)  # immediate shutdown
                ended = True
            except OSError:
                pass
    if ended:
        time.sleep(1)
    return ended


def _run_as(user: str | None):
    """subprocess keyword arguments that run a PostgreSQL binary as `user` (None: as we are)."""
    return {"user": user} if user else {}


def _prepare_root(data_dir: Path, sockets: Path) -> str:
    """As root: make the system user and let it reach the binaries, the data and the socket."""
    import pwd

    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "-s", "/bin/false", SYSTEM_USER], check=True)
    entry = pwd.getpwnam(SYSTEM_USER)
    for folder in (bin_dir().parent, data_dir, sockets):
        # Every folder above must be traversable by the system user (the data folder
        # itself stays 0700, as PostgreSQL insists).
        for parent in folder.parents:
            mode = parent.stat().st_mode
            if mode & 0o055 != 0o055:
                parent.chmod(mode | 0o055)
    for folder in (data_dir, sockets):
        if folder.stat().st_uid != entry.pw_uid:
            os.chown(folder, entry.pw_uid, entry.pw_gid)
    return SYSTEM_USER


def _start(data_dir: Path) -> Path:
    """Under the lock: initialise if new, start, create the archive database. Returns the socket."""
    binaries = bin_dir()
    sockets = socket_dir(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    sockets.mkdir(parents=True, exist_ok=True)
    user = _prepare_root(data_dir, sockets) if os.geteuid() == 0 else None
    log = data_dir / "log"
    if not (data_dir / "PG_VERSION").exists():
        # A server left running on a folder deleted since (a removed checkout) would, when it
        # notices, shut down and unlink the socket path, which is then the new server's.
        _end_servers_of(data_dir)
        subprocess.run(
            [binaries / "initdb", "-D", data_dir, "-U", SUPERUSER, "--auth=trust",
             "--encoding=UTF8", "--no-instructions"],
            check=True, capture_output=True, **_run_as(user),
        )  # fmt: skip
    # -h '' listens on no TCP address: the socket only. pg_ctl waits until the server
    # accepts connections. Right after a kill -9, PostgreSQL may still see the dead server's
    # pid or shared memory for a moment and refuse: try again for a few seconds.
    deadline = time.monotonic() + START_TIMEOUT
    while _answers(_recorded_socket_dir(data_dir)) is None:
        result = subprocess.run(
            [binaries / "pg_ctl", "-D", data_dir, "-l", log, "-w", "-t", str(START_TIMEOUT),
             "-o", f"-h '' -k {sockets}", "start"],
            capture_output=True, text=True, **_run_as(user),
        )  # fmt: skip
        if result.returncode == 0:
            break
        said = log.read_text(errors="replace")[-600:] if log.exists() else ""
        if "lock file" in said and _end_servers_of(data_dir):
            continue  # a live server that no socket reaches (its socket was removed)
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise EmbeddedDatabaseError(
                f"The embedded PostgreSQL in {data_dir} did not start: "
                f"{result.stderr.strip() or result.stdout.strip()}\n{tail}"
            )
        time.sleep(0.5)
    host = _recorded_socket_dir(data_dir) or sockets
    with _connect(host) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        if found.fetchone() is None:
            conn.execute(f"CREATE DATABASE {DATABASE} ENCODING 'UTF8' TEMPLATE template0")
    return host


def ensure_running(data_dir: Path) -> Path:
    """Start or reuse the server in `data_dir`; return the folder of its unix socket.

    The common case, a server already up, costs one connection and no lock.
    """
    data_dir = data_dir.resolve()
    host = _recorded_socket_dir(data_dir)
    if _answers(host):
        return host
    with start_lock(data_dir):
        return _start(data_dir)


def stop(data_dir: Path) -> None:
    """Stop the server (fast shutdown) if it runs."""
    data_dir = data_dir.resolve()
    if not (data_dir / "PG_VERSION").exists():
        return
    with start_lock(data_dir):
        if _answers(_recorded_socket_dir(data_dir)) is None:
            return
        user = SYSTEM_USER if os.geteuid() == 0 else None
        subprocess.run(
            [bin_dir() / "pg_ctl", "-D", data_dir, "-m", "fast", "-w", "stop"],
            check=True, capture_output=True, **_run_as(user),
        )  # fmt: skip


_recovering = threading.Lock()


def recover_in_background(data_dir: Path, attempts: int = 5) -> None:
    """After the server went away: start it again from a thread, so the request that
    noticed answers at once. One thread per process; other processes wait on the lock
    and then find it running."""
    if not _recovering.acquire(blocking=False):
        return

    def run():
        try:
            for _ in range(attempts):
                try:
                    ensure_running(data_dir)
                    return
                except (EmbeddedDatabaseError, OSError, psycopg.Error, subprocess.SubprocessError):
                    # Backends of a killed server may hold its shared memory for a moment.
                    time.sleep(1)
        finally:
            _recovering.release()

    threading.Thread(target=run, name="embedded-postgres-recovery", daemon=True).start()


if __name__ == "__main__":
    import sys

    folder = Path(
        os.environ.get("EMBEDDED_PGDATA", Path(__file__).resolve().parent.parent / ".pgdata")
    )
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "stop":
        stop(folder)
    else:
        print(ensure_running(folder))

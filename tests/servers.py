"""Helpers for tests that run real servers (gunicorn, runserver) as child processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn(port: int, workers: int) -> list[str]:
    """The command that serves the project as production does, on 127.0.0.1:`port`."""
    return [sys.executable, "-m", "gunicorn", "config.wsgi:application"] + [
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
    ]  # fmt: skip


def spawn(command: list[str], env: dict, cwd: Path = ROOT) -> subprocess.Popen:
    """Start `command` in a process group of its own (so `stop` ends its workers too)."""
    return subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> str:
    """End the process group if it still runs; return what it printed."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    return process.communicate(timeout=20)[0] or ""


def get(url: str, timeout: float = 10) -> tuple[int, str, dict]:
    """(status, body, headers) of a GET; status 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)
    except OSError as error:
        return 0, str(error), {}

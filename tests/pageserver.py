"""A local HTTP server for tests of what the archive fetches: saved real pages and feeds
served from tests/data/, and the faults a real outlet's server shows (slow answers, errors,
redirects, wrong charsets), each a route the test declares.

    with PageServer() as server:
        server.route("/feed.xml", body=path.read_bytes(), headers={"Content-Type": "..."})
        server.route("/slow", body=b"...", delay=5)
        url = server.url("/feed.xml")

Every request is recorded (`server.requests`: method, path, headers), so a test can check
that a conditional GET was sent or that an address was fetched once.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the answer starts (a timeout test)
    # Answer 304 with no body when the request's If-None-Match equals this ETag.
    etag: str = ""


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]


class PageServer:
    def __init__(self):
        self.routes: dict[str, Answer] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with server._lock:
                    server.requests.append(Request("GET", self.path, dict(self.headers)))
                answer = server.routes.get(self.path) or server.routes.get(
                    self.path.split("?")[0], Answer(404, b"not found")
                )
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.etag and self.headers.get("If-None-Match") == answer.etag:
                    self.send_response(304)
                    self.send_header("ETag", answer.etag)
                    self.end_headers()
                    return
                self.send_response(answer.status)
                headers = {"Content-Length": str(len(answer.body)), **answer.headers}
                if answer.etag:
                    headers["ETag"] = answer.etag
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                # The client may give up (a size limit, a timeout): that is the test.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(answer.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(self, path: str, body: bytes | str = b"", status: int = 200, **options) -> str:
        """Serve `body` at `path`; returns the full address."""
        if isinstance(body, str):
            body = body.encode()
        self.routes[path] = Answer(status=status, body=body, **options)
        return self.url(path)

    def serve_file(self, path: str, file: Path | str, content_type: str, **options) -> str:
        """Serve a saved file (relative to tests/data/ or absolute) at `path`."""
        file = Path(file)
        data = (file if file.is_absolute() else DATA / file).read_bytes()
        headers = {"Content-Type": content_type, **options.pop("headers", {})}
        return self.route(path, data, headers=headers, **options)

    def url(self, path: str = "/") -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def fetched(self, path: str) -> int:
        """How many times `path` was asked for."""
        return sum(1 for r in self.requests if r.path == path)

    def __enter__(self) -> PageServer:
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

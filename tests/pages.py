"""A tiny HTTP server on 127.0.0.1 that serves scripted pages, for URL-loading tests.

Import the fixture into a test module (``from tests.pages import Pages, pages``), then::

    def test_x(pages):
        url = pages.add("/a", b"<html>...</html>", content_type="text/html; charset=utf-8")
        url = pages.add("/gone", b"", status=404)
        url = pages.slow("/slow")          # never answers before the client's timeout
        pages.base                         # "http://127.0.0.1:PORT"

The slow route waits on an event that the fixture sets at teardown, so the server thread
never outlives the test and the test itself never sleeps.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    send_length: bool = True
    slow: bool = False


class Pages:
    """Routes served by the running server; add them at any time."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        send_length: bool = True,
    ) -> str:
        """Serve ``body`` at ``path`` and return its URL. ``content_type=None`` sends no
        Content-Type; ``send_length=False`` sends no Content-Length (the body ends at close)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(data, status, content_type, tuple((headers or {}).items()), send_length)
        return self.base + path

    def slow(self, path: str) -> str:
        """A route that answers only after the test ends (past any client timeout)."""
        self.routes[path] = Route(slow=True)
        return self.base + path


def _handler(pages: Pages, release: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server API
            pages.requests.append(self.path)
            route = pages.routes.get(self.path)
            if route is None:
                route = Route(b"not found", 404, "text/plain")
            if route.slow:
                release.wait(30)
                return
            self.send_response(route.status)
            if route.content_type is not None:
                self.send_header("Content-Type", route.content_type)
            names = {k.lower() for k, _ in route.headers}
            for key, value in route.headers:
                self.send_header(key, value)
            if route.send_length and "content-length" not in names:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            try:
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (size cap): expected

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    return Handler


@pytest.fixture
def pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[Pages]:
    """A running server on 127.0.0.1 with no routes yet; proxies are bypassed."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    release = threading.Event()
    pages = Pages("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(pages, release))
    server.daemon_threads = True
    host, port = server.server_address[:2]
    pages.base = f"http://{host}:{port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield pages
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def unused_port() -> int:
    """A port nothing listens on (bound then closed), for connection-refused tests."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

"""A tiny HTTP server on 127.0.0.1 that serves scripted pages, for URL-loading tests.

Import the fixture into a test module (``from tests.pages import Pages, pages``), then::

    def test_x(pages):
        url = pages.add("/a", b"<html>...</html>", content_type="text/html; charset=utf-8")
        url = pages.add("/gone", b"", status=404)
        url = pages.slow("/slow")          # never answers before the client's timeout
        pages.base                         # "http://127.0.0.1:PORT"

Web faults, for the URL fetch's bounds:

        pages.drip_body("/d")              # headers at once, then one body byte per tick
        pages.drip_headers("/h")           # the status line, then one header line per tick
        pages.huge("/big", 5_000_000, send_length=False)   # a body past the size cap
        pages.redirect("/a", "/b")         # 302 to another route (or to itself: a loop)

The slow and dripping routes wait on an event that the fixture sets at teardown, so the server
thread never outlives the test and the test itself never sleeps. A drip also stops by itself
after ``ticks`` ticks (far past any client bound the tests use), so even a client with no
overall deadline ends and its test fails instead of hanging.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, Literal

import pytest


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    send_length: bool = True
    slow: bool = False
    fault: Literal["drip_body", "drip_headers", "huge"] | None = None
    """How the route misbehaves (see the module docstring)."""
    tick: float = 0.02
    """Seconds between two drips."""
    ticks: int = 500
    """Drips before the route gives up and closes (a bound for clients without one)."""
    size: int = 0
    """Bytes a huge body sends (or announces, with send_length)."""


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

    def drip_body(self, path: str, *, tick: float = 0.02, ticks: int = 500, send_length: bool = True,
                  content_type: str = "text/plain; charset=utf-8") -> str:
        """Headers at once (a Content-Length of ``ticks`` bytes, or none), then one byte a tick."""
        self.routes[path] = Route(b"", 200, content_type, (), send_length, fault="drip_body", tick=tick, ticks=ticks)
        return self.base + path

    def drip_headers(self, path: str, *, tick: float = 0.02, ticks: int = 500) -> str:
        """The status line at once, then one header line a tick; the headers never end."""
        self.routes[path] = Route(fault="drip_headers", tick=tick, ticks=ticks)
        return self.base + path

    def huge(self, path: str, size: int, *, send_length: bool = True, content_type: str = "text/plain") -> str:
        """A body of ``size`` bytes of text, sent as fast as the client reads (Content-Length
        announced, or not: then the body ends when the connection closes)."""
        self.routes[path] = Route(b"", 200, content_type, (), send_length, fault="huge", size=size)
        return self.base + path

    def redirect(self, path: str, to: str, *, status: int = 302) -> str:
        """A redirect to ``to`` (a path on this server, or a full URL)."""
        target = to if "://" in to else self.base + to
        return self.add(path, b"", status=status, content_type=None, headers={"Location": target})


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
            if route.fault is not None:
                try:
                    self._fault(route)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up: what a bounded client does
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

        def _fault(self, route: Route) -> None:
            if route.fault == "drip_headers":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for i in range(route.ticks):
                    if release.wait(route.tick):
                        return
                    self.wfile.write(f"X-Drip-{i}: {i}\r\n".encode())
                    self.wfile.flush()
                return
            self.send_response(200)
            if route.content_type is not None:
                self.send_header("Content-Type", route.content_type)
            total = route.ticks if route.fault == "drip_body" else route.size
            if route.send_length:
                self.send_header("Content-Length", str(total))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.flush()
            if route.fault == "drip_body":
                for _ in range(route.ticks):
                    if release.wait(route.tick):
                        return
                    self.wfile.write(b"a")
                    self.wfile.flush()
                return
            chunk = (b"All work and no play makes a long page. " * 1700)[:65536]
            sent = 0
            while sent < route.size and not release.is_set():
                piece = chunk[: route.size - sent]
                self.wfile.write(piece)
                sent += len(piece)

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

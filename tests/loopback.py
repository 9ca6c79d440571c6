"""A scripted OpenAI-compatible Chat Completions server on 127.0.0.1, for tests.

Stdlib only: a ``ThreadingHTTPServer`` in a daemon thread. Each test queues replies with
``loopback.script(...)``; every POST to ``/v1/chat/completions`` takes the next one. The
real ``openai`` SDK talks to it over real HTTP, so streaming, status codes, headers,
timeouts and dropped connections behave as they do against a real server.

Faults for the trust tests: ``Reply.drip_forever`` (a valid chunk every so often, never
done), ``drip_chars`` (one character per chunk), ``slow_headers``, ``sse`` (exactly the events
given: malformed JSON, wrongly typed chunks built from :func:`chunk`), ``oversized`` and
``body`` (a 200 that is an HTML page or any other non-SSE body). Forever-faults stop when
the client leaves, at teardown, or after ``MAX_DRIP_SECONDS``.

Use it as a fixture::

    from tests.loopback import Reply, loopback  # noqa: F401  (the fixture)

    async def test_x(loopback):
        loopback.script(Reply.stream('{"hook": "Hi"}'))
        ... base_url=loopback.base_url ...
        assert loopback.requests[0].body["stream"] is True
"""

from __future__ import annotations

import json
import select
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

MAX_HOLD_SECONDS = 5.0
"""The longest a stalled reply keeps its connection open (released early at teardown)."""
MAX_DRIP_SECONDS = 60.0
"""The longest a "forever" fault (drip, slow headers) goes on if the client never leaves."""


@dataclass
class Reply:
    """One scripted answer. Build them with the class methods."""

    kind: str
    content: str = ""
    status: int = 200
    error: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    finish_reason: str | None = "stop"
    refusal: str | None = None
    pieces: int = 4
    """How many deltas the content is split into when streamed."""
    usage: tuple[int, int] = (11, 22)
    path: str = "chat/completions"
    """Which endpoint takes this reply: "chat/completions" or "models"."""
    models: list[str] = field(default_factory=list)
    ping: float | None = None
    """For stalls: send an SSE comment this often, so bytes flow but no chunk arrives."""
    every: float = 1.0
    """For drips and slow headers: seconds between two sends."""
    piece: str = ""
    """For drip_forever: the content of each chunk after ``content``."""
    events: list[dict[str, Any] | str] = field(default_factory=list)
    """For sse: each event, a JSON payload or a raw data string sent as is."""
    size: int = 0
    """For oversized: how many characters of content to stream."""
    content_type: str = "application/json"
    """For body: the content-type header of a raw body."""
    hold: float | None = None
    """Seconds the server waits before answering (None: the server's ``hold``)."""

    @classmethod
    def stream(
        cls,
        content: str | dict[str, Any] | list[Any],
        *,
        finish_reason: str | None = "stop",
        pieces: int = 4,
        usage: tuple[int, int] = (11, 22),
    ) -> "Reply":
        """A normal answer: SSE deltas when the request streams, else one JSON completion."""
        text = content if isinstance(content, str) else json.dumps(content)
        return cls("stream", content=text, finish_reason=finish_reason, pieces=pieces, usage=usage)

    @classmethod
    def completion(cls, content: str | dict[str, Any], *, finish_reason: str = "stop") -> "Reply":
        """A non-streamed ``chat.completion`` JSON body, whatever the request asked for."""
        text = content if isinstance(content, str) else json.dumps(content)
        return cls("completion", content=text, finish_reason=finish_reason)

    @classmethod
    def error(
        cls,
        status: int,
        message: str = "error",
        *,
        code: str | None = None,
        type: str = "invalid_request_error",
        param: str | None = None,
        headers: dict[str, str] | None = None,
        path: str = "chat/completions",
    ) -> "Reply":
        """An HTTP error with an OpenAI-style JSON body and optional headers (e.g. retry-after)."""
        body = {"message": message, "type": type, "param": param, "code": code}
        return cls("error", status=status, error=body, headers=dict(headers or {}), path=path)

    @classmethod
    def reject_json_schema(cls) -> "Reply":
        """Like llama-cpp-python: 500 if the request asks for json_schema, else use the next reply."""
        return cls("reject_json_schema")

    @classmethod
    def stall(cls, first: str = '{"hook": "A', *, pieces: int = 1, ping: float | None = None) -> "Reply":
        """Send ``first`` (in ``pieces`` deltas), then no chunk until the client gives up.

        With ``ping``, an SSE comment every ``ping`` seconds keeps bytes flowing (so only an
        idle-chunk timeout, not a socket read timeout, can end the wait).
        """
        return cls("stall", content=first, pieces=pieces, ping=ping)

    @classmethod
    def disconnect(cls, first: str = '{"hook": "A', *, pieces: int = 2) -> "Reply":
        """Send ``first`` (in ``pieces`` deltas), then close the socket mid-body, without [DONE]."""
        return cls("disconnect", content=first, pieces=pieces)

    @classmethod
    def refused(cls, refusal: str = "I can't help with that.") -> "Reply":
        """A streamed refusal (``delta.refusal``) and no content."""
        return cls("stream", content="", refusal=refusal)

    # ---- faults: servers that misbehave ---------------------------------------------------

    @classmethod
    def drip_forever(cls, first: str = '{"hook": "', piece: str = "a", *, every: float = 1.0) -> "Reply":
        """Send ``first``, then one valid chunk of ``piece`` every ``every`` seconds, never finishing.

        Each gap is far under any idle timeout, so only a whole-request deadline can end it
        (the server gives up after MAX_DRIP_SECONDS, when the client leaves, or at teardown).
        """
        return cls("drip_forever", content=first, piece=piece, every=every)

    @classmethod
    def drip_chars(cls, content: str | dict[str, Any], *, every: float = 1.0) -> "Reply":
        """A whole, valid answer, one character per chunk, ``every`` seconds apart."""
        text = content if isinstance(content, str) else json.dumps(content)
        return cls("drip_chars", content=text, every=every)

    @classmethod
    def slow_headers(cls, *, every: float = 1.0, path: str = "chat/completions") -> "Reply":
        """Send the status line, then one header line every ``every`` seconds, never ending the headers."""
        return cls("slow_headers", every=every, path=path)

    @classmethod
    def sse(cls, *events: dict[str, Any] | str) -> "Reply":
        """A 200 event stream of exactly these events, then ``[DONE]``.

        A dict is sent as JSON; a str is sent verbatim after ``data: `` (malformed JSON, say).
        Build well-formed chunks with :func:`chunk` and break them as the test needs.
        """
        return cls("sse", events=list(events))

    @classmethod
    def oversized(cls, size: int, *, pieces: int = 64) -> "Reply":
        """A streamed answer of ``size`` characters of content (in about ``pieces`` chunks), then stop."""
        return cls("oversized", size=size, pieces=pieces)

    @classmethod
    def body(cls, text: str, *, content_type: str = "text/html; charset=utf-8", status: int = 200) -> "Reply":
        """A raw body with this content type: an HTML page, plain text, a JSON document."""
        return cls("body", content=text, content_type=content_type, status=status)

    @classmethod
    def model_list(cls, *models: str) -> "Reply":
        """A GET /v1/models answer with these ids."""
        return cls("models", models=list(models), path="models")


@dataclass
class Received:
    """A request the server got."""

    method: str
    path: str
    headers: dict[str, str]
    """Lower-case header names."""
    body: dict[str, Any]
    at: float = 0.0
    """The server's clock (``time.monotonic()``) when the request arrived."""


def split(text: str, pieces: int) -> list[str]:
    """``text`` in up to ``pieces`` consecutive non-empty slices (one empty slice for "")."""
    if not text:
        return [""]
    pieces = max(1, min(pieces, len(text)))
    size = -(-len(text) // pieces)
    return [text[i : i + size] for i in range(0, len(text), size)]


class Loopback:
    """The server's state, shared between the test and the handler threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._replies: list[Reply] = []
        self.requests: list[Received] = []
        self.models: list[str] = ["loopback-model"]
        """What GET /v1/models lists when no "models" reply is scripted."""
        self.reject_json_schema = False
        """When True, every json_schema request gets a 500 (a llama-cpp-python-like server)."""
        self.batch_api: Any = None
        """A ``tests.loopback_batches.BatchServer``: the server then has /v1/files and /v1/batches."""
        self.release = threading.Event()
        """Set at teardown: stalled replies stop waiting."""
        self.client_gone = threading.Event()
        """Set when a stalled reply saw the client close its connection."""
        self.cut = threading.Event()
        """Set when a disconnect reply has closed its socket."""
        self.dripped = 0
        """Chunks sent by drip replies so far (see :meth:`wait_dripped`)."""
        self.hold = 0.0
        """Seconds every chat reply waits before it is sent (a slow server), unless the reply sets its own."""
        self.in_flight = 0
        """Chat requests being answered now; ``max_in_flight``: the most at once so far."""
        self.max_in_flight = 0
        self.throttled: list[tuple[float, float]] = []
        """(server clock when sent, seconds asked) of every error reply that carried a retry-after."""
        self._dripping = threading.Condition()
        self._server = _Server(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="loopback", daemon=True
        )

    def start(self) -> "Loopback":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def script(self, *replies: Reply) -> "Loopback":
        """Queue replies, answered in order."""
        with self._lock:
            self._replies.extend(replies)
        return self

    @property
    def pending(self) -> int:
        """Replies not used yet."""
        with self._lock:
            return len(self._replies)

    def wait_dripped(self, count: int, timeout: float = 10.0) -> bool:
        """Block until drip replies have sent ``count`` chunks (False if ``timeout`` passed first)."""
        with self._dripping:
            return self._dripping.wait_for(lambda: self.dripped >= count, timeout)

    def _count_drip(self) -> None:
        with self._dripping:
            self.dripped += 1
            self._dripping.notify_all()

    @property
    def chat_requests(self) -> list[Received]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def _take(self, path: str, body: dict[str, Any]) -> Reply | None:
        with self._lock:
            while True:
                index = next((i for i, r in enumerate(self._replies) if r.path == path), None)
                if index is None:
                    return None
                reply = self._replies.pop(index)
                if reply.kind != "reject_json_schema":
                    return reply
                if _wants_json_schema(body):
                    return _schema_rejection()
                # Not a json_schema request: this reply does not apply; answer with the next.


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gives up on a fault resets its connection: expected, not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _wants_json_schema(body: dict[str, Any]) -> bool:
    fmt = body.get("response_format")
    return isinstance(fmt, dict) and fmt.get("type") == "json_schema"


def _schema_rejection() -> Reply:
    return Reply.error(
        500,
        "Input should be 'text' or 'json_object' [type=literal_error, input_value='json_schema'] "
        "(response_format.type)",
        type="internal_server_error",
    )


def _make_handler(state: Loopback) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10  # idle keep-alive connections end on their own
        disable_nagle_algorithm = True  # small SSE writes go out at once (no delayed-ACK stalls)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            pass

        # ---- routing -----------------------------------------------------------
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            self._record({})
            if self.path.rstrip("/").endswith("/models"):
                reply = state._take("models", {})
                if reply is None:
                    reply = Reply.model_list(*state.models)
                self._answer(reply, {})
            elif state.batch_api is not None and state.batch_api.handles(self.path):
                state.batch_api.get(self)
            else:
                self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

        def do_POST(self) -> None:  # noqa: N802 - stdlib name
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            self._record(body)
            if state.batch_api is not None and state.batch_api.handles(self.path):
                state.batch_api.post(self, raw)
                return
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                return
            if state.reject_json_schema and _wants_json_schema(body):
                self._answer(_schema_rejection(), body)
                return
            reply = state._take("chat/completions", body)
            if reply is None:
                reply = Reply.error(500, "loopback: no scripted reply left", type="loopback_error")
            with state._lock:
                state.in_flight += 1
                state.max_in_flight = max(state.max_in_flight, state.in_flight)
            try:
                state.release.wait(state.hold if reply.hold is None else reply.hold)
                self._answer(reply, body)
            finally:
                with state._lock:
                    state.in_flight -= 1

        def _record(self, body: dict[str, Any]) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.requests.append(Received(self.command, self.path, headers, body, time.monotonic()))

        # ---- replies -------------------------------------------------------------
        def _answer(self, reply: Reply, body: dict[str, Any]) -> None:
            model = str(body.get("model") or "loopback-model")
            if reply.kind == "error":
                self._send_json(reply.status, {"error": reply.error}, reply.headers)
                if "retry-after" in reply.headers:
                    state.throttled.append((time.monotonic(), float(reply.headers["retry-after"])))
            elif reply.kind == "models":
                data = [{"id": m, "object": "model", "created": 0, "owned_by": "loopback"} for m in reply.models]
                self._send_json(200, {"object": "list", "data": data})
            elif reply.kind == "completion" or (reply.kind == "stream" and not body.get("stream")):
                self._send_json(200, _completion(model, reply))
            elif reply.kind == "stream":
                self._stream(model, reply, body)
            elif reply.kind == "stall":
                self._start_sse()
                for piece in split(reply.content, reply.pieces):
                    self._event(_chunk(model, {"content": piece}))
                self._hold(reply.ping)
            elif reply.kind == "disconnect":
                self._start_sse()
                for piece in split(reply.content, reply.pieces):
                    self._event(_chunk(model, {"content": piece}))
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                state.cut.set()
            elif reply.kind == "drip_forever":
                self._start_sse()
                self._event(_chunk(model, {"role": "assistant", "content": reply.content}))
                while self._pause(reply.every) and self._event(_chunk(model, {"content": reply.piece})):
                    state._count_drip()
                self.close_connection = True
            elif reply.kind == "drip_chars":
                self._start_sse()
                for char in reply.content:
                    if not (self._event(_chunk(model, {"content": char})) and self._pause(reply.every)):
                        self.close_connection = True
                        return
                    state._count_drip()
                self._event(_chunk(model, {}, finish_reason="stop"))
                self._write_chunk(b"data: [DONE]\n\n")
                self._write_chunk(b"")
            elif reply.kind == "slow_headers":
                self.send_response_only(200)
                self.flush_headers()  # the status line goes out now (send_response_only only buffers it)
                count = 0
                while self._pause(reply.every) and self._write(b"x-slow-%d: 1\r\n" % count):
                    count += 1
                self.close_connection = True
            elif reply.kind == "sse":
                self._start_sse()
                for event in reply.events:
                    data = event.encode() if isinstance(event, str) else json.dumps(event).encode()
                    self._write_chunk(b"data: " + data + b"\n\n")
                self._write_chunk(b"data: [DONE]\n\n")
                self._write_chunk(b"")
            elif reply.kind == "oversized":
                self._start_sse()
                self._event(_chunk(model, {"role": "assistant", "content": '{"hook": "'}))
                size = -(-reply.size // max(1, reply.pieces))
                sent = 0
                while sent < reply.size and not state.release.is_set():
                    piece = "x" * min(size, reply.size - sent)
                    if not self._event(_chunk(model, {"content": piece})):
                        self.close_connection = True
                        return
                    sent += len(piece)
                self._event(_chunk(model, {}, finish_reason="stop"))
                self._write_chunk(b"data: [DONE]\n\n")
                self._write_chunk(b"")
            elif reply.kind == "body":
                data = reply.content.encode()
                self.send_response(reply.status)
                self.send_header("content-type", reply.content_type)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self._write(data)
            else:  # pragma: no cover - a typo in a test
                raise ValueError(f"unknown reply kind {reply.kind!r}")

        def _pause(self, seconds: float) -> bool:
            """Wait ``seconds``; False once the fault should stop (teardown, or MAX_DRIP_SECONDS)."""
            started = getattr(self, "_fault_started", None)
            if started is None:
                started = self._fault_started = time.monotonic()
            if state.release.wait(seconds):
                return False
            return time.monotonic() - started < MAX_DRIP_SECONDS

        def _stream(self, model: str, reply: Reply, body: dict[str, Any]) -> None:
            self._start_sse()
            self._event(_chunk(model, {"role": "assistant", "content": ""}))
            if reply.refusal is not None:
                for piece in split(reply.refusal, reply.pieces):
                    self._event(_chunk(model, {"refusal": piece}))
            elif reply.content:
                for piece in split(reply.content, reply.pieces):
                    self._event(_chunk(model, {"content": piece}))
            self._event(_chunk(model, {}, finish_reason=reply.finish_reason))
            options = body.get("stream_options") or {}
            if options.get("include_usage"):
                usage = _usage(reply)
                self._event({**_base(model, "chat.completion.chunk"), "choices": [], "usage": usage})
            self._write_chunk(b"data: [DONE]\n\n")
            self._write_chunk(b"")

        def _hold(self, ping: float | None) -> None:
            """Keep the connection open, sending no chunk, until the client leaves or teardown."""
            deadline = time.monotonic() + MAX_HOLD_SECONDS
            last = time.monotonic()
            while not state.release.is_set() and time.monotonic() < deadline:
                if ping is not None and time.monotonic() - last >= ping:
                    last = time.monotonic()
                    self._write_chunk(b": keep-alive\n\n")
                readable, _, _ = select.select([self.connection], [], [], 0.05)
                if readable:
                    try:
                        data = self.connection.recv(1, socket.MSG_PEEK)
                    except OSError:
                        data = b""
                    if not data:
                        state.client_gone.set()
                        break
            self.close_connection = True

        # ---- low level -------------------------------------------------------------
        def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()

        def _start_sse(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            self.wfile.flush()

        def _event(self, payload: dict[str, Any]) -> bool:
            return self._write_chunk(b"data: " + json.dumps(payload).encode() + b"\n\n")

        def _write_chunk(self, data: bytes) -> bool:
            """One HTTP/1.1 chunk; False (and the client marked gone) if the client left."""
            return self._write(b"%x\r\n%s\r\n" % (len(data), data))

        def _write(self, data: bytes) -> bool:
            try:
                self.wfile.write(data)
                self.wfile.flush()
                return True
            except OSError:
                state.client_gone.set()
                self.close_connection = True
                return False

    return Handler


def _base(model: str, obj: str) -> dict[str, Any]:
    return {"id": "chatcmpl-loopback", "object": obj, "created": 0, "model": model}


def chunk(delta: dict[str, Any], finish_reason: str | None = None, *, model: str = "loopback-model") -> dict[str, Any]:
    """A well-formed ``chat.completion.chunk`` payload (for :meth:`Reply.sse`)."""
    return _chunk(model, delta, finish_reason)


def _chunk(model: str, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
    return {**_base(model, "chat.completion.chunk"), "choices": [choice]}


def _usage(reply: Reply) -> dict[str, int]:
    prompt, completion = reply.usage
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _completion(model: str, reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content, "refusal": reply.refusal}
    choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": reply.finish_reason}
    return {**_base(model, "chat.completion"), "choices": [choice], "usage": _usage(reply)}


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    """A started loopback server; stopped (and stalled replies released) at teardown."""
    server = Loopback().start()
    try:
        yield server
    finally:
        server.stop()

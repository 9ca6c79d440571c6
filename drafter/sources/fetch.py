"""HTTP GETs (an article URL, the doctor's probe): one deadline each, a size cap, bounded redirects.

A per-read socket timeout is not a bound: a server that sends one byte a second, or one header
line a second, never trips it. Here the whole exchange (connecting, TLS, headers, every
redirect, the body) runs under one deadline, so it ends within ``timeout`` seconds however the
server behaves. At most :data:`MAX_REDIRECTS` redirects are followed, each to http(s) only.
httpx2 (the client openai uses) does the HTTP, proxy variables honoured; it is imported only
when a URL is fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable, TypeVar

from ..common.deadline import Deadline
from ..common.errors import SourceError
from ..common.safe_text import one_line

FETCH_TIMEOUT = 15.0
"""Seconds a whole URL fetch may take (the ``fetch_timeout`` setting's default)."""
MAX_REDIRECTS = 5
"""Redirects followed before giving up (a loop ends here)."""
_READ_CHUNK = 64 * 1024
_USER_AGENT = "drafter/0.1 (article fetch for a LinkedIn draft)"
_ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """What a URL answered: the final address, the declared type and charset, the body."""

    url: str
    content_type: str
    """The media type ("text/html"), or "" when the server sent none."""
    charset: str | None
    data: bytes


class HTTPFailure(Exception):
    """Why a GET got no answer to use, in a few words (``what``), and of which ``kind``:
    "url" (not an http(s) URL with a valid host and port), "timeout", "redirects" (more than
    :data:`MAX_REDIRECTS`), "scheme" (a redirect away from http(s)), "closed" (hung up before any HTTP answer), "not-http" (something answered, not in
    HTTP) or "network"."""

    def __init__(self, kind: str, what: str) -> None:
        super().__init__(what)
        self.kind, self.what = kind, what


def get(url: str, *, timeout: float, read: Callable[[Any], Awaitable[T]], headers: dict[str, str] | None = None) -> T:
    """GET ``url`` and return what ``read`` (an async function of the final ``httpx2.Response``,
    its body not read yet) makes of it, all within ``timeout`` seconds. Redirects (at most
    :data:`MAX_REDIRECTS`, http(s) only) are followed; any status is handed to ``read``.

    A transport failure is an :class:`HTTPFailure`; what ``read`` raises passes through.
    """
    import asyncio

    from ..common.urls import check_base_url

    try:
        check_base_url(url)  # a port out of range or a broken host fails here, not deep in a connect
    except ValueError as exc:
        raise HTTPFailure("url", str(exc)) from None
    return asyncio.run(_get(url, Deadline(timeout), read, headers or {}))


async def _get(url: str, deadline: Deadline, read: Callable[[Any], Awaitable[T]], headers: dict[str, str]) -> T:
    import asyncio

    import httpx2

    try:
        async with asyncio.timeout(deadline.remaining()):
            # No timeout of the client's own: the deadline above is the one bound.
            async with httpx2.AsyncClient(headers=headers, timeout=None, follow_redirects=False) as client:
                request = client.build_request("GET", url)
                for hop in range(MAX_REDIRECTS + 1):
                    response = await client.send(request, stream=True)
                    try:
                        if not response.has_redirect_location:
                            return await read(response)
                    finally:
                        await response.aclose()
                    target = response.next_request
                    if target.url.scheme not in ("http", "https"):
                        raise HTTPFailure("scheme", f"redirects to {target.url}, which is not http(s)")
                    request = target
                raise HTTPFailure("redirects", f"more than {MAX_REDIRECTS} redirects (a redirect loop?)")
    except TimeoutError:
        raise HTTPFailure("timeout", f"timed out after {deadline.seconds:g} s") from None
    except httpx2.RemoteProtocolError as exc:
        if "without sending a response" in str(exc):  # nothing, or too little to tell what it was
            raise HTTPFailure("closed", "the server closed the connection") from None
        if _closed(exc):  # an answer cut off
            raise HTTPFailure("network", "the server closed the connection") from None
        raise HTTPFailure("not-http", f"the answer is not HTTP ({one_line(str(exc))})") from None
    except (httpx2.HTTPError, httpx2.InvalidURL, OSError, ValueError, OverflowError) as exc:  # a bad host or port
        raise HTTPFailure("network", _network_failure(exc)) from None
    except ExceptionGroup as group:  # a connect attempt inside a task group (a redirect's bad port, say)
        raise HTTPFailure("network", _network_failure(_first_leaf(group))) from None


def _first_leaf(group: BaseExceptionGroup) -> BaseException:
    first: BaseException = group
    while isinstance(first, BaseExceptionGroup):
        first = first.exceptions[0]
    return first


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it was raised from (httpx2 wraps httpcore2, which wraps the OSError)."""
    chain: list[BaseException] = []
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return chain


def _closed(exc: BaseException) -> bool:
    """The server hung up (before or during its answer), rather than answering in another protocol."""
    text = str(exc).lower()
    return any(isinstance(e, (ConnectionResetError, BrokenPipeError)) for e in _causes(exc)) or \
        "disconnected" in text or "peer closed" in text or "incomplete" in text


def _network_failure(exc: BaseException) -> str:
    import socket
    import ssl

    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "host name not found (DNS)"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error ({getattr(cause, 'reason', None) or cause})"
        if isinstance(cause, (ConnectionResetError, BrokenPipeError)):
            return "the server closed the connection"
    return one_line(str(exc)) or type(exc).__name__


def _content_type(header: str) -> tuple[str, str | None]:
    """(media type, charset) of a Content-Type header, read as the standard library reads it."""
    from email.message import Message

    message = Message()
    message["content-type"] = header
    return message.get_content_type(), message.get_content_charset()


def size_text(n: int) -> str:
    """A byte count as people read it: "2.0 MB (2,000,000 bytes)", "3.0 GB (3,000,000,000 bytes)"."""
    if n >= 1_000_000_000:
        return f"{n / 1_000_000_000:.1f} GB ({n:,} bytes)"
    return f"{n / 1_000_000:.1f} MB ({n:,} bytes)"


def too_big(where: str, n: int, limit: int) -> SourceError:
    """The error for an input whose size is known to be over the cap."""
    return SourceError(f"{where} is {size_text(n)}; the limit is {size_text(limit)}: use a shorter excerpt")


def over_limit(where: str, limit: int) -> SourceError:
    """The error for a stream that went on past the cap (its full size is never known)."""
    return SourceError(f"{where} is larger than the limit of {size_text(limit)}: use a shorter excerpt")


def fetch(url: str, *, timeout: float, max_bytes: int, accept: frozenset[str]) -> Page:
    """GET ``url`` (http or https): at most ``max_bytes`` of body, all within ``timeout`` seconds,
    at most :data:`MAX_REDIRECTS` redirects, a type in ``accept`` (or none declared).

    Every failure is a one-line :class:`SourceError` naming the URL.
    """

    async def read(response: Any) -> Page:
        if not 200 <= response.status_code < 300:
            reason = one_line(str(response.reason_phrase or ""))
            raise SourceError(f"{url} answered HTTP {response.status_code} {reason}".rstrip() + "; check the address")
        header = response.headers.get("content-type", "")
        ctype, charset = _content_type(header) if header else ("", None)
        if ctype and ctype not in accept:
            raise SourceError(f"{url} serves {ctype}, not a web page or text: download it and paste the text instead")
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise too_big(url, int(length), max_bytes)
        chunks: list[bytes] = []
        total = 0
        async for chunk in response.aiter_raw(_READ_CHUNK):
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise over_limit(url, max_bytes)
        return Page(str(response.url), ctype, charset, b"".join(chunks))

    headers = {"User-Agent": _USER_AGENT, "Accept": _ACCEPT, "Accept-Encoding": "identity"}
    try:
        return get(url, timeout=timeout, read=read, headers=headers)
    except HTTPFailure as exc:
        if exc.kind in ("scheme", "url"):
            raise SourceError(f"{url} {exc.what}") from None
        advice = "check the address" if exc.kind == "redirects" else "check the address or paste the text instead"
        raise SourceError(f"cannot fetch {url}: {exc.what}; {advice}") from None

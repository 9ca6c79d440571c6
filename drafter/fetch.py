"""Fetching an article URL: one deadline for the whole fetch, a size cap, bounded redirects.

A per-read socket timeout is not a bound: a server that sends one byte a second, or one header
line a second, never trips it. Here every read and write of every connection (the first one and
each redirect's) gets only the time left of one deadline, so the whole fetch (connecting,
headers, redirects, body) ends within ``timeout`` seconds. The standard library does the HTTP
(proxy variables honoured); nothing is imported until a URL is fetched.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from .deadline import Deadline
from .errors import SourceError

FETCH_TIMEOUT = 15.0
"""Seconds a whole URL fetch may take (the ``fetch_timeout`` setting's default)."""
MAX_REDIRECTS = 5
"""Redirects followed before giving up (a loop ends here)."""
_READ_CHUNK = 64 * 1024
_USER_AGENT = "drafter/0.1 (article fetch for a LinkedIn draft)"
_ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"


@dataclass(frozen=True)
class Page:
    """What a URL answered: the final address, the declared type and charset, the body."""

    url: str
    content_type: str
    """The media type ("text/html"), or "" when the server sent none."""
    charset: str | None
    data: bytes


class _Reader(io.RawIOBase):
    """A socket's reading side where each read may wait only for the time left."""

    def __init__(self, sock: Any, deadline: Deadline) -> None:
        super().__init__()
        # The socket's own raw file: it keeps the socket open while the response is read, even
        # after urllib closes the connection object (as it does before returning a response).
        self._raw = sock.makefile("rb", buffering=0)
        self._sock, self._deadline = sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self._sock.settimeout(self._deadline.left())
        return self._raw.readinto(buffer)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _DeadlineSocket:
    """The socket as http.client uses it (``makefile``, ``sendall``), bound by the deadline."""

    def __init__(self, sock: Any, deadline: Deadline) -> None:
        self._sock, self._deadline = sock, deadline

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_Reader(self._sock, self._deadline))

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(self._deadline.left())
        self._sock.sendall(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _TooManyRedirects(Exception):
    pass


def _opener(deadline: Deadline, url: str) -> Any:
    """A urllib opener whose connections obey ``deadline`` and whose redirects are checked."""
    import http.client
    import urllib.parse
    import urllib.request

    def bound(cls: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
        class Bound(cls):  # type: ignore[valid-type, misc]
            def connect(self) -> None:
                self.timeout = deadline.left()
                super().connect()
                self.sock = _DeadlineSocket(self.sock, deadline)

        return Bound

    plain, tls = bound(http.client.HTTPConnection), bound(http.client.HTTPSConnection)

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(plain, req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(tls, req, context=self._context)

    class Redirects(urllib.request.HTTPRedirectHandler):
        # urllib's own loop limits stay above ours, so every redirect error is ours.
        max_repeats = max_redirections = MAX_REDIRECTS + 1

        def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
            target = headers.get("location") or headers.get("uri")
            if target:
                target = urllib.parse.urljoin(req.full_url, target)
                if urllib.parse.urlsplit(target).scheme.lower() not in ("http", "https"):
                    fp.close()
                    raise SourceError(f"{url} redirects to {target}, which is not http(s)")
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

        def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
            if sum(getattr(req, "redirect_dict", {}).values()) >= MAX_REDIRECTS:
                fp.close()
                raise _TooManyRedirects()
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return urllib.request.build_opener(HTTP(), HTTPS(), Redirects())


def _failure(url: str, exc: BaseException, timeout: float) -> SourceError:
    import http.client
    import socket
    import ssl

    reason = getattr(exc, "reason", exc)
    if isinstance(reason, (TimeoutError, socket.timeout)):
        what = f"timed out after {timeout:g} s"
    elif isinstance(reason, ConnectionRefusedError):
        what = "connection refused"
    elif isinstance(reason, socket.gaierror):
        what = "host name not found (DNS)"
    elif isinstance(reason, ssl.SSLError):
        what = f"TLS error ({getattr(reason, 'reason', None) or reason})"
    elif isinstance(reason, (ConnectionResetError, http.client.IncompleteRead, http.client.RemoteDisconnected)):
        what = "the server closed the connection"
    else:
        what = str(reason) or type(reason).__name__
    return SourceError(f"cannot fetch {url}: {what}; check the address or paste the text instead")


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


def _read_capped(resp: Any, url: str, max_bytes: int) -> bytes:
    length = resp.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise too_big(url, int(length), max_bytes)
    chunks: list[bytes] = []
    total = 0
    while total <= max_bytes:
        chunk = resp.read(min(_READ_CHUNK, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > max_bytes:
        raise over_limit(url, max_bytes)
    return b"".join(chunks)


def fetch(url: str, *, timeout: float, max_bytes: int, accept: frozenset[str]) -> Page:
    """GET ``url`` (http or https): at most ``max_bytes`` of body, all within ``timeout`` seconds,
    at most :data:`MAX_REDIRECTS` redirects, a type in ``accept`` (or none declared).

    Every failure is a one-line :class:`SourceError` naming the URL.
    """
    import http.client
    import urllib.error
    import urllib.request

    deadline = Deadline(timeout)
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT, "Accept": _ACCEPT})
    try:
        with _opener(deadline, url).open(request) as resp:
            ctype = resp.headers.get_content_type() if resp.headers.get("Content-Type") else ""
            if ctype and ctype not in accept:
                raise SourceError(
                    f"{url} serves {ctype}, not a web page or text: download it and paste the text instead"
                )
            page = Page(resp.geturl() or url, ctype, resp.headers.get_content_charset(),
                        _read_capped(resp, url, max_bytes))
    except urllib.error.HTTPError as exc:
        exc.close()
        reason = " ".join(str(exc.reason or "").split())
        raise SourceError(f"{url} answered HTTP {exc.code} {reason}".rstrip() + "; check the address") from None
    except _TooManyRedirects:
        raise SourceError(
            f"cannot fetch {url}: more than {MAX_REDIRECTS} redirects (a redirect loop?); check the address"
        ) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        raise _failure(url, exc, timeout) from None
    return page

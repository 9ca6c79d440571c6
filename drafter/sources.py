"""Turn a topic, pasted text, stdin, a file or a URL into a :class:`Source`."""

from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from .errors import SourceError
from .post import collapse_blank_lines

if TYPE_CHECKING:  # pragma: no cover
    import http.client


class Source(BaseModel):
    """What a post is drafted from."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["topic", "text", "file", "url"]
    """Where it came from."""
    topic: str = ""
    """The topic the user typed, or the article's title when there is one."""
    text: str = ""
    """The article's main text; empty for a bare topic."""
    location: str | None = None
    """File name or URL, for the record."""
    title: str | None = None
    """Title found in the page or file, if any."""
    notes: list[str] = Field(default_factory=list)
    """Things the loader did that the user should know (e.g. trimmed, extracted)."""

    @property
    def has_article(self) -> bool:
        return bool(self.text.strip())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


# ---- loaders -----------------------------------------------------------------------------

MAX_BYTES = 2_000_000
"""Largest article accepted, in bytes (file, URL body or pasted text as UTF-8)."""
MIN_ARTICLE_WORDS = 20
"""Fewer words than this extracted from a web page means we found navigation, not an article."""

_TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MD_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
_READ_CHUNK = 64 * 1024


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB ({n:,} bytes)"


def _too_big(where: str, n: int, limit: int) -> SourceError:
    return SourceError(f"{where} is {_size(n)}; the limit is {_size(limit)}: use a shorter excerpt")


def _check_text(text: str, where: str) -> str:
    """Reject empty and binary-looking text; return it normalised."""
    if "\x00" in text or len(_CONTROL.findall(text[:100_000])) > 0.05 * min(len(text), 100_000):
        raise _binary(where)
    text = collapse_blank_lines(text)
    if not text.strip():
        raise SourceError(f"{where} is empty: give an article with some text, or a topic")
    return text


def _words(text: str) -> int:
    return len(text.split())


def from_topic(topic: str) -> Source:
    """A bare topic: no article text."""
    topic = " ".join(topic.split())
    if not topic:
        raise SourceError("the topic is empty: say what the post should be about")
    return Source(kind="topic", topic=topic)


def from_text(
    text: str,
    location: str | None = None,
    kind: Literal["text", "file", "url"] = "text",
    *,
    title: str | None = None,
    notes: list[str] | None = None,
) -> Source:
    """Pasted or already-decoded article text."""
    where = location or "the text"
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_BYTES:
        raise _too_big(where, size, MAX_BYTES)
    text = _check_text(text, where)
    return Source(
        kind=kind, topic=title or "", text=text, location=location, title=title, notes=list(notes or [])
    )


# ---- decoding and HTML -------------------------------------------------------------------


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:16_384])
    return match.group(1).decode("ascii").lower() if match else None


def _decode(data: bytes, where: str, *, html: bool, charset: str | None = None) -> tuple[str, list[str]]:
    """Bytes to text: a UTF-8 BOM, else the declared charset (HTTP header, or an HTML meta tag),
    else strict UTF-8. Binary data, UTF-16 and undeclared non-UTF-8 are errors."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(f"{where} is UTF-16 text: save it as UTF-8 and try again")
    if b"\x00" in data:
        raise _binary(where)
    notes: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        data, declared = data[len(codecs.BOM_UTF8) :], "utf-8"
    else:
        declared = charset or (_declared_charset(data) if html else None)
    if declared:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            raise SourceError(f"{where} declares an unknown charset {declared!r}: save it as UTF-8") from None
        text = data.decode(codec, errors="replace")
        if codec != "utf-8":
            notes.append(f"decoded as {declared} (declared by the source)")
        if text.count("\ufffd") > data.count(b"\xef\xbf\xbd"):
            notes.append(f"some bytes are not valid {declared} and were replaced")
        return text, notes
    try:
        return data.decode("utf-8"), notes
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{where} is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}) and declares "
            "no encoding: save it as UTF-8"
        ) from None


def decode_bytes(data: bytes, where: str = "stdin") -> str:
    """Piped bytes to text, with the same size, binary and encoding rules as files."""
    if len(data) > MAX_BYTES:
        raise _too_big(where, len(data), MAX_BYTES)
    return _decode(data, where, html=False)[0]


def _binary(where: str) -> SourceError:
    return SourceError(f"{where} looks binary, not text: give a .txt, .md or .html file, or paste the text")


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html"))


def _extract_html(html: str, where: str, url: str | None = None) -> tuple[str, str | None, str]:
    """(main text, title, note) from an HTML page, via trafilatura."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            with_metadata=True,
        )
    except Exception as exc:  # lxml/trafilatura failures on malformed pages
        raise SourceError(f"cannot parse the HTML of {where} ({type(exc).__name__}); paste the text instead") from exc
    text = collapse_blank_lines(getattr(doc, "text", None) or "")
    title = " ".join((getattr(doc, "title", None) or "").split()) or None
    if _words(text) < MIN_ARTICLE_WORDS:
        raise SourceError(f"no article text found at {where}; paste the text instead")
    return text, title, f"extracted main text from HTML ({_words(text)} words)"


def _from_html_bytes(data: bytes, where: str, kind: Literal["file", "url"], charset: str | None = None) -> Source:
    html, notes = _decode(data, where, html=True, charset=charset)
    text, title, note = _extract_html(html, where, url=where if kind == "url" else None)
    return from_text(text, where, kind, title=title, notes=[note, *notes])


# ---- files -------------------------------------------------------------------------------


def from_file(path: str | Path) -> Source:
    """A .txt/.md file (UTF-8), an .html/.htm page (main text extracted), or any UTF-8 text file."""
    p = Path(path).expanduser()
    where = str(path)
    try:
        if p.is_dir():
            raise SourceError(f"{where} is a folder, not a file: give the article file inside it")
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise _too_big(where, size, MAX_BYTES)
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise SourceError(f"{where}: no such file (check the path, or use - to read stdin)") from None
    except PermissionError:
        raise SourceError(f"{where}: permission denied (cannot read the file)") from None
    except OSError as exc:
        raise SourceError(f"{where}: cannot read the file ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:  # grew while we looked, or a special file
        raise _too_big(where, len(data), MAX_BYTES)
    if not data.strip():
        raise SourceError(f"{where} is empty: give an article with some text, or a topic")
    suffix = p.suffix.lower()
    if suffix in _HTML_SUFFIXES:
        return _from_html_bytes(data, where, "file")
    text, notes = _decode(data, where, html=False)
    if suffix not in _TEXT_SUFFIXES and _looks_like_html(text):
        return _from_html_bytes(data, where, "file")
    title = None
    if suffix in (".md", ".markdown"):
        match = _MD_TITLE.search(text)
        title = match.group(1) if match else None
    return from_text(text, where, "file", title=title, notes=notes)


# ---- URLs --------------------------------------------------------------------------------


def _url_failure(url: str, exc: BaseException, timeout: float) -> SourceError:
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


def _read_capped(resp: http.client.HTTPResponse, url: str, max_bytes: int) -> bytes:
    length = resp.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise _too_big(url, int(length), max_bytes)
    chunks: list[bytes] = []
    total = 0
    while total <= max_bytes:
        chunk = resp.read(min(_READ_CHUNK, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > max_bytes:
        raise SourceError(f"{url} is larger than the limit of {_size(max_bytes)}: use a shorter excerpt")
    return b"".join(chunks)


def from_url(url: str, timeout: float = 15.0, max_bytes: int = MAX_BYTES) -> Source:
    """Fetch an http(s) page and extract its main text (plain-text pages are taken as they are).

    Uses the standard library (honouring the usual proxy variables); reads at most
    ``max_bytes`` + 1 bytes; ``timeout`` applies to connecting and to each read.
    """
    import http.client
    import urllib.error
    import urllib.parse
    import urllib.request

    url = url.strip()
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
        raise SourceError(f"{url}: only http:// and https:// addresses can be fetched")
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": "drafter/0.1 (article fetch for a LinkedIn draft)",
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            final = resp.geturl() or url
            if urllib.parse.urlsplit(final).scheme.lower() not in ("http", "https"):
                raise SourceError(f"{url} redirects to {final}, which is not http(s)")
            ctype = resp.headers.get_content_type() if resp.headers.get("Content-Type") else ""
            charset = resp.headers.get_content_charset()
            if ctype and ctype not in _HTML_TYPES and ctype not in _TEXT_TYPES:
                raise SourceError(
                    f"{url} serves {ctype}, not a web page or text: download it and paste the text instead"
                )
            data = _read_capped(resp, url, max_bytes)
    except urllib.error.HTTPError as exc:
        raise SourceError(
            f"{url} answered HTTP {exc.code} {exc.reason or ''}".rstrip() + "; check the address"
        ) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise _url_failure(url, exc, timeout) from None
    if not data.strip():
        raise SourceError(f"{url} returned an empty page; paste the text instead")
    if ctype in _TEXT_TYPES:
        text, notes = _decode(data, url, html=False, charset=charset)
        return from_text(text, url, "url", notes=notes)
    if not ctype:  # no Content-Type: sniff
        sniff = data[:512].lstrip().lower()
        if not sniff.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<body" not in data[:4096].lower():
            text, notes = _decode(data, url, html=False, charset=charset)
            return from_text(text, url, "url", notes=notes)
    return _from_html_bytes(data, url, "url", charset=charset)


# ---- the one entry point -----------------------------------------------------------------


def load(topic: str | None = None, article: str | None = None, stdin_text: str | None = None) -> Source:
    """Exactly one of ``topic`` or ``article``; ``article`` is a path, an http(s) URL, or "-"
    for ``stdin_text``."""
    if topic is not None and article is not None:
        raise SourceError("give a topic or an article, not both")
    if article is not None:
        if article == "-":
            if stdin_text is None:
                raise SourceError("article '-' reads stdin, but nothing was piped in")
            return from_text(stdin_text, "stdin")
        if article.lower().startswith(("http://", "https://")):
            return from_url(article)
        if not article.strip():
            raise SourceError("the article path is empty: give a file, a URL or - for stdin")
        return from_file(article)
    if topic is not None:
        return from_topic(topic)
    raise SourceError("nothing to draft from: give a topic, or an article (a file, a URL, or - for stdin)")

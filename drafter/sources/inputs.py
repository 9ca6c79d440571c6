"""Turn a topic, pasted text, stdin, a file or a URL into a :class:`Source`.

Every input is read with the same checks (:func:`read_file`, :func:`read_stdin`, then decoding):
a size cap, regular files only, binary and encoding rules; ``drafter lint`` reads its post the
same way (:func:`read_text`). Terminal control codes are stripped from every source here, once,
when it is loaded (:func:`from_text`, :func:`from_topic`).
"""

from __future__ import annotations

import codecs
import re
import stat
import sys
from pathlib import Path
from typing import IO, Literal

from ..common.errors import SourceError
from ..common.safe_text import one_line, strip_controls, strip_sequences
from ..models.post import collapse_blank_lines
from ..models.source import Source
from .fetch import FETCH_TIMEOUT, over_limit, too_big


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


def _looks_binary(text: str) -> bool:
    """A NUL, or more than 5% control characters in the first 100,000 characters (escape
    sequences, as in coloured terminal output, are text and do not count)."""
    if "\x00" in text:
        return True
    head = strip_sequences(text[:100_000])
    return len(_CONTROL.findall(head)) > 0.05 * len(head)


def _check_text(text: str, where: str) -> str:
    """Reject empty and binary-looking text; return it without control codes, normalised."""
    if _looks_binary(text):
        raise _binary(where)
    text = collapse_blank_lines(strip_controls(text))
    if not text.strip():
        raise SourceError(f"{where} is empty: give an article with some text, or a topic")
    return text


def _words(text: str) -> int:
    return len(text.split())


def from_topic(topic: str) -> Source:
    """A bare topic: no article text."""
    topic = one_line(topic)
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
        raise too_big(where, size, MAX_BYTES)
    text = _check_text(text, where)
    title = one_line(title or "") or None
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
        replaced = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
        if replaced > max(8, 0.05 * len(text)):
            raise SourceError(f"{where} is not {declared} text as it declares ({replaced:,} bytes cannot be decoded): "
                              "it is binary, or its charset is wrong; save it as UTF-8")
        if replaced > 0:
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
        raise too_big(where, len(data), MAX_BYTES)
    return _decode(data, where, html=False)[0]


def read_stdin(stream: IO[str] | IO[bytes] | None = None, where: str = "stdin") -> bytes:
    """At most :data:`MAX_BYTES` from a pipe (``sys.stdin`` by default); more is an error, so an
    endless stream (``/dev/zero``) ends at the cap instead of filling memory."""
    stream = sys.stdin if stream is None else stream
    if stream is None or stream.isatty():
        raise SourceError(f"reading {where}, but nothing was piped in: pipe the text in, or give a file")
    data = getattr(stream, "buffer", stream).read(MAX_BYTES + 1)
    if isinstance(data, str):  # a text-only stream (no .buffer)
        data = data.encode("utf-8", errors="surrogatepass")
    if len(data) > MAX_BYTES:
        raise over_limit(where, MAX_BYTES)
    return data


def read_text(path: str, stream: IO[str] | IO[bytes] | None = None) -> str:
    """A text input named by the user (a file, or ``-`` for stdin) with the same checks as an
    article: size cap, regular file, binary, encoding, empty. Line ends become ``\\n``; nothing
    else changes, so positions in the text are positions in the file."""
    where = "stdin" if path == "-" else path
    data = read_stdin(stream) if path == "-" else read_file(path)
    text = _decode(data, where, html=False)[0].replace("\r\n", "\n").replace("\r", "\n")
    if _looks_binary(text):
        raise _binary(where)
    if not text.strip():
        raise SourceError(f"{where} is empty: give some text")
    return text


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
    # Control codes out before the parser sees them: it drops some (BEL, ESC) and would leave
    # the rest of a sequence behind as text.
    text, title, note = _extract_html(strip_controls(html), where, url=where if kind == "url" else None)
    return from_text(text, where, kind, title=title, notes=[note, *notes])


def from_html(
    markup: str, location: str, kind: Literal["text", "url"] = "url", *, title: str | None = None, where: str | None = None
) -> Source:
    """Already-decoded HTML (a feed entry's own content): its main text extracted as a page's is.
    ``title`` (the entry's) wins over one found in the markup; errors name ``where`` (the location)."""
    where = where or location
    size = len(markup.encode("utf-8", errors="surrogatepass"))
    if size > MAX_BYTES:
        raise too_big(where, size, MAX_BYTES)
    if _looks_binary(markup):
        raise _binary(where)
    text, found, note = _extract_html(strip_controls(markup), where, url=location if kind == "url" else None)
    return from_text(text, location, kind, title=title or found, notes=[note])


# ---- files -------------------------------------------------------------------------------


def _not_regular(where: str, mode: int) -> SourceError:
    if stat.S_ISDIR(mode):
        return SourceError(f"{where} is a folder, not a file: give the article file inside it")
    kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device or socket"
    return SourceError(f"{where} is {kind}, not a regular file: give a file, or pipe the text into - (stdin)")


def read_file(path: str | Path, *, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` (:data:`MAX_BYTES` for an article):
    the checks every file reader shares.

    Folders, FIFOs, devices and sockets are refused from ``stat`` before anything is opened, so
    a FIFO never blocks and ``/dev/zero`` is never read; a file over the cap is refused by size.
    """
    p = Path(path).expanduser()
    where = str(path)
    try:
        info = p.stat()
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(where, info.st_mode)
        if info.st_size > max_bytes:
            raise too_big(where, info.st_size, max_bytes)
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise SourceError(f"{where}: no such file (check the path, or use - to read stdin)") from None
    except PermissionError:
        raise SourceError(f"{where}: permission denied (cannot read the file)") from None
    except OSError as exc:
        raise SourceError(f"{where}: cannot read the file ({exc.strerror or exc})") from None
    if len(data) > max_bytes:  # grew while we looked
        raise over_limit(where, max_bytes)
    return data


def from_file(path: str | Path) -> Source:
    """A .txt/.md file (UTF-8), an .html/.htm page (main text extracted), or any UTF-8 text file."""
    p = Path(path).expanduser()
    where = str(path)
    data = read_file(path)
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


def is_url(article: str) -> bool:
    """An http(s) address rather than a path."""
    return article.strip().lower().startswith(("http://", "https://"))


def from_url(url: str, timeout: float = FETCH_TIMEOUT, max_bytes: int = MAX_BYTES) -> Source:
    """Fetch an http(s) page and extract its main text (plain-text pages are taken as they are).

    ``timeout`` bounds the whole fetch (connecting, headers, redirects, body), not each read;
    at most ``max_bytes`` are read (see :mod:`drafter.sources.fetch`).
    """
    import urllib.parse

    from .fetch import fetch

    url = url.strip()
    try:
        parsed = urllib.parse.urlsplit(url)
    except ValueError:  # a broken IPv6 host
        raise SourceError(f"{url} is not a valid URL (check the host and port)") from None
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
        raise SourceError(f"{url}: only http:// and https:// addresses can be fetched")
    page = fetch(url, timeout=timeout, max_bytes=max_bytes, accept=_HTML_TYPES | _TEXT_TYPES)
    data, ctype, charset = page.data, page.content_type, page.charset
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


def load(
    topic: str | None = None,
    article: str | None = None,
    stdin_text: str | None = None,
    *,
    fetch_timeout: float = FETCH_TIMEOUT,
) -> Source:
    """Exactly one of ``topic`` or ``article``; ``article`` is a path, an http(s) URL, or "-"
    for ``stdin_text``. ``fetch_timeout`` bounds a whole URL fetch."""
    if topic is not None and article is not None:
        raise SourceError("give a topic or an article, not both")
    if article is not None:
        if article == "-":
            if stdin_text is None:
                raise SourceError("article '-' reads stdin, but nothing was piped in")
            return from_text(stdin_text, "stdin")
        if is_url(article):
            return from_url(article, timeout=fetch_timeout)
        if not article.strip():
            raise SourceError("the article path is empty: give a file, a URL or - for stdin")
        return from_file(article)
    if topic is not None:
        return from_topic(topic)
    raise SourceError("nothing to draft from: give a topic, or an article (a file, a URL, or - for stdin)")

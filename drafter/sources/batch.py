"""The sources of a batch: what ``drafter batch`` was given, expanded into :class:`BatchItem`s
(:func:`collect`), and each item read into a :class:`Source` (:func:`load_item`).

- SOURCE arguments: article files; folders (every ``.txt``, ``.md`` and ``.html`` file inside,
  ``.htm`` and ``.markdown`` too, in subfolders as well, sorted by path; hidden files and
  folders skipped, symlinked folders not followed); http(s) URLs.
- ``--list FILE`` (``-`` reads stdin): paths and URLs, one a line; a ``#`` at the start of a
  line or after white space starts a comment (:func:`read_list`). A relative path is relative to
  the list file's folder (to the current folder for stdin), so a list travels with its articles.
  A path may be a folder.
- ``--feed URL_OR_FILE``: an RSS or Atom feed, one item per entry (:mod:`drafter.sources.feeds`).

Items come in that order (arguments, then lists, then feeds); the same file (by its real path)
or the same URL (scheme and host in any case, no fragment) given twice is drafted once, where it
first appears. Expanding happens before anything runs, so whatever cannot be expanded at all (a
list or a feed that cannot be read, a folder that cannot be listed) is bad input
(:class:`SourceError`, exit 2). A path that does not exist is an item like a dead URL: it fails
alone in :func:`load_item`, as a page that 404s or an empty or binary file does, and the rest go
on. Only when nothing at all is found (every path missing, every folder or feed empty) is the
batch bad input, in one line naming them; the notes about empty folders and feeds are then left
out, since that line says it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import IO, Callable, Iterable
from urllib.parse import urlsplit, urlunsplit

from ..common.errors import SourceError
from ..common.safe_text import one_line
from ..common.urls import display_url
from ..models.batch import BatchItem
from ..models.source import Source
from . import inputs
from .fetch import FETCH_TIMEOUT

ARTICLE_SUFFIXES = (".txt", ".md", ".html")
"""What a folder given to a batch contributes (``.htm`` and ``.markdown`` too)."""
_FOLDER_SUFFIXES = frozenset((*ARTICLE_SUFFIXES, ".htm", ".markdown"))
MAX_ITEMS = 10_000
"""Items one batch may hold (after duplicates are dropped): more is bad input, split the batch."""
MAX_LIST_ENTRIES = 10_000
"""Entries (lines that are not blank or comments) one ``--list`` file may hold."""
_DEFAULT_PORTS = {"http": 80, "https": 443}

Note = Callable[[str], None]


def collect(
    sources: Iterable[str] = (),
    list_files: Iterable[str] = (),
    feeds: Iterable[str] = (),
    *,
    fetch_timeout: float = FETCH_TIMEOUT,
    stdin: IO[str] | IO[bytes] | None = None,
    on_note: Note | None = None,
) -> list[BatchItem]:
    """Every item of a batch, in order, each once: the SOURCE arguments, then each ``--list``
    file's entries, then each ``--feed``'s entries (a feed URL fetched here, under
    ``fetch_timeout``; entry links are not fetched until :func:`load_item`).

    ``stdin`` is read for a list named ``-`` (``sys.stdin`` by default). ``on_note`` hears what
    the user should know but is no error (a folder with no articles, a feed cut at
    :data:`~drafter.sources.feeds.MAX_FEED_ENTRIES`, duplicates dropped).

    Raises :class:`SourceError` (bad input, exit 2) for an argument that cannot be expanded, for
    more than :data:`MAX_ITEMS` items, and when nothing at all is left to draft.
    """
    found = _Items()
    for raw in sources:
        found.add_argument(raw)
    for list_file in dict.fromkeys(list_files):  # a list or a feed given twice is read once
        found.add_list(list_file, stdin)
    if feeds:
        from .feeds import feed_label, read_feed

        for feed in dict.fromkeys(f.strip() for f in feeds):
            entries = read_feed(feed, fetch_timeout=fetch_timeout, on_note=found.notes.append)
            if not entries:
                found.empty_feeds.append(feed_label(feed))
            for item in entries:
                found.add(item)
    if len(found.items) == len(found.missing):  # nothing found: one line says why, the notes would repeat it
        raise SourceError(found.nothing_message())
    if found.dropped:
        found.notes.append(f"{found.dropped:,} duplicate source{'s' if found.dropped != 1 else ''} left out "
                           "(each is drafted once)")
    for note in found.notes if on_note else ():
        on_note(note)
    return found.items


def expand(sources: Iterable[str]) -> list[BatchItem]:
    """The items of the SOURCE arguments alone, in order, each once (possibly none)."""
    found = _Items()
    for raw in sources:
        found.add_argument(raw)
    return found.items


def read_list(list_file: str, stdin: IO[str] | IO[bytes] | None = None) -> list[str]:
    """The entries of a ``--list`` file (``-``: stdin), as written: one a line, blank lines and
    comments left out. A ``#`` at the start of a line, or after a space or a tab, starts a
    comment that runs to the end of the line (``https://example.com/post  # from the newsletter``);
    a ``#`` inside a word is kept (a URL's fragment, ``page#part``), so a path holding `` #``
    cannot be listed: give it as a SOURCE. A missing, unreadable or binary list is bad input."""
    where = "stdin" if list_file == "-" else list_file
    try:
        data = inputs.read_stdin(stdin, where="the --list on stdin") if list_file == "-" else _list_bytes(list_file)
    except SourceError as exc:
        raise SourceError(without_article_advice(exc)) from None
    if b"\x00" in data:
        raise SourceError(f"--list {where} is binary, not a text file of paths and URLs (one a line)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(f"--list {where} is not UTF-8 text: save the list of paths and URLs as UTF-8") from None
    entries = [_COMMENT.sub("", line).strip() for line in text.splitlines()]
    entries = [e for e in entries if e]
    if len(entries) > MAX_LIST_ENTRIES:
        raise SourceError(f"--list {where} has {len(entries):,} entries; the limit is {MAX_LIST_ENTRIES:,}: split it")
    return entries


def _list_bytes(list_file: str) -> bytes:
    if not Path(list_file).expanduser().exists():
        raise SourceError(f"--list {list_file}: no such file (give a file of paths and URLs, or - for stdin)")
    try:
        return inputs.read_file(list_file)
    except SourceError as exc:
        raise SourceError(f"--list {exc}") from None


_COMMENT = re.compile(r"(?:^|\s)#.*")
"""A ``--list`` comment: from a ``#`` at a line's start or after white space, to the line's end."""

_ARTICLE_ADVICE = (
    ("; check the address or paste the text instead", "; check the address"),
    (": download it and paste the text instead", ""),
    ("; paste the text instead", ""),
    (": give a .txt, .md or .html file, or paste the text", ""),
    (": give an article with some text, or a topic", ""),
    (" (check the path, or use - to read stdin)", " (check the path)"),
    (": give a file, or pipe the text into - (stdin)", ""),
    (": give the article file inside it", ""),
    (": use a shorter excerpt", ""),
)
"""Advice the shared readers (:mod:`.inputs`, :mod:`.fetch`) give for the one article of
``drafter draft``, which does not fit a batch's item, list or feed (paste it, pipe it, cut it)."""


def without_article_advice(error: SourceError) -> str:
    """``error``'s message without its advice for a single article."""
    message = str(error)
    for advice, replacement in _ARTICLE_ADVICE:
        if message.endswith(advice):
            return message.removesuffix(advice) + replacement
    return message


class _Items:
    """Items gathered so far, each once (by :func:`identity`), at most :data:`MAX_ITEMS`."""

    def __init__(self) -> None:
        self.items: list[BatchItem] = []
        self.seen: set[str] = set()
        self.dropped = 0
        self.missing: list[str] = []
        """How the paths that do not exist were given (their items fail when loaded)."""
        self.empty_folders: list[str] = []
        self.empty_feeds: list[str] = []
        self.notes: list[str] = []
        """What the user should hear once the batch has something to draft."""

    def add(self, item: BatchItem) -> bool:
        """Add ``item`` unless it is already there; False when it was."""
        key = identity(item)
        if key in self.seen:
            self.dropped += 1
            return False
        if len(self.items) >= MAX_ITEMS:
            raise SourceError(f"more than {MAX_ITEMS:,} sources in one batch: split it into smaller batches")
        self.seen.add(key)
        self.items.append(item)
        return True

    def add_argument(self, raw: str, base: Path | None = None, listed: str | None = None) -> None:
        """A path (file or folder; a relative one is relative to ``base``, else to the current
        folder) or a URL; ``listed`` names the list it is an entry of."""
        where = raw if listed is None else f"--list {listed}: {raw}"
        if inputs.is_url(raw):
            url = raw.strip()
            self.add(BatchItem(kind="url", location=url, label=one_line(display_url(url))))
            return
        if not raw.strip():
            raise SourceError(f"{where}: an empty path: give a file, a folder or a URL")
        if raw == "-":
            raise SourceError(f"{where}: a batch reads no article from stdin; pipe a list of paths and URLs to --list -")
        given = Path(raw).expanduser()
        path = given if given.is_absolute() or base is None else base / given
        shown = raw if base is None else str(path)
        if path.is_dir():
            files = _folder_files(path, shown)
            if not files:
                self.empty_folders.append(shown)
                self.notes.append(f"{shown}: no .txt, .md or .html files in this folder")
            for file in files:
                self.add(BatchItem(kind="file", location=str(file), label=one_line(str(file))))
        elif self.add(BatchItem(kind="file", location=str(path), label=one_line(shown))) and not path.exists():
            self.missing.append(raw if listed is None else f"{raw} (--list {listed})")  # fails alone when loaded

    def add_list(self, list_file: str, stdin: IO[str] | IO[bytes] | None) -> None:
        base = None if list_file == "-" else Path(list_file).expanduser().parent
        for entry in read_list(list_file, stdin):
            shown = "stdin" if list_file == "-" else list_file
            self.add_argument(entry, base, shown)

    def nothing_message(self) -> str:
        """Why nothing at all was found: the paths missing, the folders and feeds empty."""
        reasons = [f"{why} {_some(names)}" for why, names in (
            ("no such file or folder:", self.missing), ("no .txt, .md or .html files in", self.empty_folders),
            ("no entries in the feed", self.empty_feeds)) if names]
        if reasons:
            return "nothing to draft: " + "; ".join(reasons)
        return "nothing to draft: give article files, folders, URLs, --list FILE or --feed URL_OR_FILE"


def _some(names: list[str]) -> str:
    """A few names, and how many more."""
    return ", ".join(names[:3]) + (f" and {len(names) - 3:,} more" if len(names) > 3 else "")


def _folder_files(folder: Path, shown: str) -> list[Path]:
    """Every article file in ``folder`` and its subfolders (hidden ones skipped, symlinked
    folders not followed), sorted by path; at most :data:`MAX_ITEMS`."""
    found: list[Path] = []
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(root, name)
            if not name.startswith(".") and path.suffix.lower() in _FOLDER_SUFFIXES and path.is_file():
                found.append(path)
        if len(found) > MAX_ITEMS:
            raise SourceError(f"{shown} holds more than {MAX_ITEMS:,} articles: split it into smaller batches")
    if errors and not found and Path(errors[0].filename or "") == folder:
        raise SourceError(f"{shown}: cannot read the folder ({errors[0].strerror or errors[0]})")
    return sorted(found)


TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "_hsenc", "_hsmi",
                             "mkt_tok", "ref_src", "yclid"})
"""Query parameters that say where a click came from, not which page it is (with every ``utm_*``):
a feed and a newsletter link the same post with different ones."""


def _without_tracking(query: str) -> str:
    pairs = [p for p in query.split("&") if p]
    kept = [p for p in pairs if not _is_tracking(p.partition("=")[0])]
    return "&".join(kept)


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def identity(item: BatchItem) -> str:
    """Where an item's source lives, as one string, which makes two items the same source: a
    file's real path, a URL without its fragment and its tracking parameters
    (:data:`TRACKING_PARAMS`, ``utm_*``; scheme and host lowercased, a default port dropped). A
    batch draft is found by it too when its source's text has changed since
    (:func:`drafter.models.batch.place_key`)."""
    if item.kind == "file":
        return "file:" + os.path.realpath(item.location)
    if not inputs.is_url(item.location):
        return "entry:" + item.location  # a feed entry with no link
    try:
        parts = urlsplit(item.location.strip())
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:  # a broken port or host: fails when it is fetched
        return "url:" + item.location.strip()
    scheme = parts.scheme.lower()
    host = f"[{host}]" if ":" in host else host
    user = parts.netloc.rpartition("@")[0]
    netloc = (user + "@" if user else "") + host + (f":{port}" if port and port != _DEFAULT_PORTS.get(scheme) else "")
    return "url:" + urlunsplit((scheme, netloc, parts.path or "/", _without_tracking(parts.query), ""))


def load_item(item: BatchItem, *, fetch_timeout: float = FETCH_TIMEOUT) -> Source:
    """Read one item (blocking: a file, a URL fetched under ``fetch_timeout``, or a feed entry by
    the rule of :func:`drafter.sources.feeds.load_entry`). :class:`SourceError` (one line) when it
    cannot be used: that item fails, the batch goes on.

    The error says why, not which: the caller names the item by its label (``failed LABEL:
    REASON``), so the reason does not repeat it, nor carry the advice meant for the one article of
    ``drafter draft`` (paste the text, pipe it into stdin, use a shorter excerpt)."""
    try:
        if item.kind == "file":
            if not Path(item.location).exists():
                raise SourceError("no such file or folder")
            return inputs.from_file(item.location)
        if item.kind == "url":
            return inputs.from_url(item.location, timeout=fetch_timeout)
        from .feeds import load_entry

        return load_entry(item, fetch_timeout=fetch_timeout)
    except SourceError as exc:
        raise SourceError(_reason(item, exc)) from None


_NAMED = (r"^{s}:? ", r" at {s}$", r"(?<=^cannot fetch) {s}(?=:)", r"(?<=the HTML) of {s}(?= \()")
"""Where the shared readers name what they read (the item's path or URL) in their messages."""


def _reason(item: BatchItem, error: SourceError) -> str:
    """``error``'s message for the item: its advice for an article out, and the item's path or
    URL too where the message names it (the label names the item)."""
    message = without_article_advice(error)
    subjects = sorted({item.label, str(SourceError(item.location))}, key=len, reverse=True)  # as messages show them
    for pattern in _NAMED:
        for subject in subjects:
            message, found = re.subn(pattern.format(s=re.escape(subject)), "", message, count=1)
            if found:
                break
    return message

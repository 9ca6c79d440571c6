"""The post texts of a drafts folder, cached in ``.texts.json`` beside the listing index.

The library searches and previews the post text of every draft. Kept out of ``.index.json``,
the texts cost :meth:`Store.list` nothing (10,000 posts of 1,200 characters are ~25 MB of
JSON): the library paints its table first and asks for the texts after. An entry is trusted
by the rule of the index (:func:`fresh`): same mtime and size, read 2 s or more after its mtime.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple, Protocol

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from ..common.atomic import write_atomic
from ..common.reading import MAX_CACHE_BYTES, read_bounded
from ..models.draft import MAX_DRAFT_BYTES, DraftHeader, read_draft

if TYPE_CHECKING:
    from .store import DraftSummary

TEXTS_NAME = ".texts.json"
RACY_NS = 2_000_000_000
"""A file read less than this long after its mtime is re-read (coarse mtime clocks: FAT 2 s)."""



class Stamped(Protocol):
    """A cached reading of a file: its stat then, and when the content was read (clock ns)."""

    @property
    def mtime_ns(self) -> int: ...

    @property
    def size(self) -> int: ...

    @property
    def read_ns(self) -> int: ...


class TextEntry(NamedTuple):
    """The post text of one draft file, and the reading it came from (see :class:`Stamped`)."""

    mtime_ns: int
    size: int
    read_ns: int
    text: str


class _TextsJSON(TypedDict):
    version: Literal[1]
    entries: dict[str, TextEntry]  # an array [mtime_ns, size, read_ns, text] in the file


@functools.cache
def _adapter() -> TypeAdapter[_TextsJSON]:
    return TypeAdapter(_TextsJSON)


def fresh(cached: Stamped, st: os.stat_result) -> bool:
    """Can a cached reading stand for the file with stat ``st``? Same mtime and size, and read
    2 s or more after that mtime (else a write in the same tick of a coarse clock could go unseen)."""
    return (cached.mtime_ns == st.st_mtime_ns and cached.size == st.st_size
            and st.st_mtime_ns < cached.read_ns - RACY_NS)  # fmt: skip


def _read(folder: Path) -> dict[str, TextEntry]:
    try:
        return dict(_adapter().validate_json(read_bounded(folder / TEXTS_NAME, MAX_CACHE_BYTES))["entries"])
    except (OSError, ValueError):  # missing or corrupt: rebuilt (pydantic's ValidationError is a ValueError)
        return {}


def _text_of(path: Path, st: os.stat_result, clock: Callable[[], int]) -> TextEntry | None:
    read_ns = clock()  # before the read: the content is at least this recent
    try:
        head = read_draft(path, read_bounded(path, MAX_DRAFT_BYTES), DraftHeader)  # bounded, never blocking
    except OSError:
        return None
    return None if isinstance(head, str) else TextEntry(st.st_mtime_ns, st.st_size, read_ns, head.text)


def post_texts(folder: Path, summaries: Iterable["DraftSummary"], clock: Callable[[], int],
               known: dict[str, TextEntry] | None = None) -> dict[str, str]:
    """Draft id -> post text for ``summaries``: from ``known`` (texts just read by list()), the
    cache, or the file. Rewrites the cache when it changed. Never raises."""
    cache = _read(folder)
    known = known or {}
    entries: dict[str, TextEntry] = {}
    texts: dict[str, str] = {}
    for summary in summaries:
        name = summary.path.name
        try:
            st = summary.path.stat()
        except OSError:
            continue
        entry = known.get(name)
        if entry is None or (entry.mtime_ns, entry.size) != (st.st_mtime_ns, st.st_size):  # not just read by list()
            entry = cache.get(name)
            if entry is None or not fresh(entry, st):
                entry = _text_of(summary.path, st, clock)
                if entry is None:
                    continue
        entries[name] = entry
        texts[summary.id] = entry.text
    if entries != cache:
        data = {"version": 1, "entries": entries}
        with contextlib.suppress(OSError):  # a read-only folder still searches; the file is a cache
            write_atomic(folder / TEXTS_NAME, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return texts

"""Drafts on disk: one pretty JSON file per draft, atomic writes, revisions, fast listing.

Layout of a drafts folder::

    <id>.json           one draft (human-readable; summary fields first)
    .index.json         cache for list(): file name -> (mtime_ns, size, read time, summary); safe to delete
    .texts.json         cache for texts(): file name -> (mtime_ns, size, read time, post text); safe to delete
    .autosave/<id>.json crash-recovery copies written by the TUI
    .<id>.json.<hex>.tmp  a write in progress (never listed; left only by a crash)

A file we cannot read (corrupt, foreign, written by a newer drafter) is reported and never
overwritten. Nothing here knows about the API key, so it can never be written. The draft model
and ids live in :mod:`drafter.models.draft`, titles in :mod:`drafter.models.titles`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import stat
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

from pydantic import TypeAdapter, ValidationError
from typing_extensions import NotRequired, TypedDict

from ..common.atomic import write_or_raise
from ..models.draft import ID_RE, MAX_DRAFT_BYTES, Draft, DraftHeader, make_id, now, read_draft, validate_id
from ..models.titles import clean_title, copy_title
from .post_texts import TextEntry, fresh, post_texts  # fresh(): the racy-file rule, shared
from ..common.errors import DraftNotFound, InputError, StoreError, first_error
from ..common.reading import MAX_CACHE_BYTES, read_bounded
from ..common.safe_text import one_line
from ..models.post import measure

__all__ = ["AUTOSAVE_DIR", "INDEX_NAME", "DraftSummary", "Store"]

INDEX_NAME = ".index.json"
AUTOSAVE_DIR = ".autosave"
MAX_INDEX_BYTES = MAX_CACHE_BYTES
"""A larger .index.json is not read (it is a cache: the listing is rebuilt from the drafts)."""
_M = TypeVar("_M", Draft, DraftHeader)


def _read_bytes(path: Path) -> bytes | str:
    """A draft file's bytes, or why the system would not give them (too large, not a regular
    file, permissions...). Bounded and never blocking; ``FileNotFoundError`` when it is missing."""
    try:
        return read_bounded(path, MAX_DRAFT_BYTES)
    except FileNotFoundError:
        raise
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"


def _read_file(path: Path, model: type[_M] = Draft) -> _M | str:  # type: ignore[assignment]
    """The draft in ``path``, or why it cannot be read (a few words). The one way the store reads
    a draft file: never raising except ``FileNotFoundError``."""
    raw = _read_bytes(path)
    return raw if isinstance(raw, str) else read_draft(path, raw, model)


@dataclass(frozen=True, slots=True)
class DraftSummary:
    """One row of the library (a plain dataclass: 10,000 of them are built per listing)."""

    id: str
    """Draft id (file stem)."""
    title: str
    """Draft title."""
    updated: datetime
    """Last save."""
    template: str
    """Template name."""
    chars: int
    """Post length as LinkedIn counts it."""
    path: Path
    """The draft's file."""
    source: str = ""
    """The source's title, topic and location on one line (searched too)."""
    published: bool = False
    """Marked as published (``drafter drafts publish``)."""
    batch: str = ""
    """The id of the batch that made it ("" for a draft not made by ``drafter batch``)."""


class BatchIndex(NamedTuple):
    """The drafts made by ``drafter batch``, by the keys of their tag (each -> the newest
    draft's id): ``keys`` by :func:`~drafter.models.batch.batch_key` (the source's text),
    ``places`` by :func:`~drafter.models.batch.place_key` (where it lives)."""

    keys: dict[str, str]
    places: dict[str, str]


# -- the listing index ------------------------------------------------------------------------
# In memory, an entry is one NamedTuple of str/int/datetime per file. The garbage collector keeps
# tracking it (CPython stops tracking only exact tuples): 10,000 objects for 10,000 drafts, a few
# ms more per full collection (bench/bench_store.py), where pydantic models per entry kept
# ~60,000. The file is validated as a whole with pydantic.
_NO_TIME = datetime.min.replace(tzinfo=timezone.utc)


class _Entry(NamedTuple):
    """One file in the index: its stat, when its content was read, and what it holds: a draft's
    summary (a :class:`DraftSummary` less its path) or, in ``problem``, why it is not a draft we
    can read (then the summary fields are empty)."""

    mtime_ns: int
    size: int
    read_ns: int
    """Clock ns just before the content was read (the racy-file rule, :func:`fresh`)."""
    problem: str = ""
    id: str = ""
    title: str = ""
    updated: datetime = _NO_TIME
    template: str = ""
    chars: int = 0
    source: str = ""
    published: bool = False
    batch: str = ""
    """The batch key of a draft made by ``drafter batch`` ("" for any other)."""
    batch_id: str = ""
    place: str = ""
    """The batch's id and the place key of that draft's tag."""


@dataclass(frozen=True, slots=True)
class _Index:
    scanned_ns: int = 0
    """When the scan that wrote it started (older drafters judge racy files by this)."""
    entries: dict[str, _Entry] = field(default_factory=dict)
    """File name -> entry."""


class _BatchJSON(TypedDict):
    id: str
    key: str
    place: str


class _SummaryJSON(TypedDict):
    id: str
    title: str
    updated: str
    template: str
    chars: int
    source: str
    published: bool
    batch: NotRequired[_BatchJSON]  # only for a draft made by a batch


class _EntryJSON(TypedDict):
    mtime_ns: int
    size: int
    read_ns: NotRequired[int]  # absent in indexes written before it existed: scanned_ns is used
    summary: NotRequired[_SummaryJSON | None]
    problem: NotRequired[str | None]


class _IndexJSON(TypedDict):
    version: Literal[6]  # 2: summaries carry the source; 3: its URLs redacted; 4: published; 5: the batch key; 6: the batch tag (an older index is rebuilt)
    scanned_ns: int
    entries: dict[str, _EntryJSON]


@functools.cache
def _index_adapter() -> TypeAdapter[_IndexJSON]:
    return TypeAdapter(_IndexJSON)


def _plain_time(value: datetime) -> datetime:
    """``value`` made aware (local time if naive), with a stdlib timezone (pydantic's TzInfo is GC-tracked)."""
    if value.tzinfo is None:
        return value.astimezone()
    return value if type(value.tzinfo) is timezone else datetime.fromisoformat(value.isoformat())


def _parse_index(raw: bytes) -> _Index:
    """The index in ``raw``; ValueError if it is not one (a corrupt index is rebuilt)."""
    data = _index_adapter().validate_json(raw)
    scanned_ns = data["scanned_ns"]
    entries: dict[str, _Entry] = {}
    for name, item in data["entries"].items():
        summary, problem = item.get("summary"), item.get("problem")
        stamp = (item["mtime_ns"], item["size"], item.get("read_ns", scanned_ns))
        if summary is not None:
            entries[name] = _Entry(*stamp, id=summary["id"], title=summary["title"],
                                   updated=_plain_time(datetime.fromisoformat(summary["updated"])),
                                   template=summary["template"], chars=summary["chars"], source=summary["source"],
                                   published=summary["published"], **_batch_fields(summary.get("batch")))
        elif problem:
            entries[name] = _Entry(*stamp, problem)
        else:
            raise ValueError(f"index entry {name!r} has neither summary nor problem")
    return _Index(scanned_ns, entries)


def _batch_fields(tag: "_BatchJSON | dict[str, str] | None") -> dict[str, str]:
    """The index entry's fields of a draft's batch tag (none for a draft not made by a batch)."""
    if not tag:
        return {}
    return {"batch": tag.get("key", ""), "batch_id": tag.get("id", ""), "place": tag.get("place", "")}


def _index_json(index: _Index) -> str:
    entries: dict[str, dict[str, object]] = {}
    for name, entry in index.entries.items():
        if entry.problem:
            summary, problem = None, entry.problem
        else:
            summary = {"id": entry.id, "title": entry.title, "updated": entry.updated.isoformat(),
                       "template": entry.template, "chars": entry.chars, "source": entry.source,
                       "published": entry.published}  # fmt: skip
            if entry.batch:
                summary["batch"] = {"id": entry.batch_id, "key": entry.batch, "place": entry.place}
            problem = None
        entries[name] = {"mtime_ns": entry.mtime_ns, "size": entry.size, "read_ns": entry.read_ns,
                         "summary": summary, "problem": problem}  # fmt: skip
    data = {"version": 6, "scanned_ns": index.scanned_ns, "entries": entries}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _write_atomic(path: Path, text: str) -> None:
    """Atomic write (see :mod:`drafter.common.atomic`). Raises StoreError."""
    write_or_raise(path, text, StoreError)


class Store:
    """The drafts in one folder. Nothing is created on disk until the first write."""

    def __init__(self, folder: Path, *, clock: Callable[[], int] = time.time_ns) -> None:
        """``clock`` gives the time in ns since the epoch, as file mtimes are (tests inject one)."""
        self.folder = Path(folder)
        self._clock = clock
        self._memo: tuple[tuple[int, int, int] | None, _Index] | None = None
        """(stat key of .index.json, index): the index as last read or written by this Store."""
        self._texts_read: dict[str, TextEntry] = {}
        """Post texts list() read from files, until texts() takes them."""

    def path_for(self, draft_id: str) -> Path:
        return self.folder / f"{validate_id(draft_id)}.json"

    def _autosave_path(self, draft_id: str) -> Path:
        return self.folder / AUTOSAVE_DIR / f"{validate_id(draft_id)}.json"

    def new_id(self, title: str) -> str:
        """A new id from today's date and the title, unused in this folder (and its autosaves)."""
        for _ in range(1000):
            draft_id = make_id(title)
            if not self.path_for(draft_id).exists() and not self._autosave_path(draft_id).exists():
                return draft_id
        raise StoreError(f"cannot find a free draft id in {self.folder}")

    # -- single drafts -------------------------------------------------------------------
    def load(self, draft_id: str) -> Draft:
        path = self.path_for(draft_id)
        try:
            result = _read_file(path)
        except FileNotFoundError:
            raise DraftNotFound(f"no draft {draft_id!r} in {self.folder} (drafter drafts list shows them)") from None
        if isinstance(result, str):
            raise StoreError(f"{path}: {result}")
        return result

    def save(self, draft: Draft, *, touch: bool = True) -> Draft:
        """Write atomically; ``touch`` sets ``updated`` to now. Returns the draft as written.

        Refuses to replace a file that is not a draft we can read (corrupt, foreign, newer).
        """
        path = self.path_for(draft.id)
        try:
            current = _read_file(path) if path.exists() or path.is_symlink() else None
        except FileNotFoundError:
            current = None
        if isinstance(current, str):
            advice = "" if "upgrade" in current else "; move that file away first"
            raise StoreError(f"refusing to overwrite {path}: {current}{advice}")
        candidate = draft.model_copy(update={"updated": now()} if touch else {})
        try:  # never write a file we could not read back
            saved = Draft.model_validate_json(candidate.to_json())
        except ValidationError as exc:
            raise StoreError(f"draft {draft.id!r} not saved: {first_error(exc, 'draft')}") from None
        text = saved.to_json()
        if len(text.encode("utf-8")) > MAX_DRAFT_BYTES:  # never write a file the store would refuse to read
            raise StoreError(f"draft {draft.id!r} not saved: larger than {MAX_DRAFT_BYTES // 1_000_000} MB "
                             "(its history is too long; duplicate it to start a fresh file)")
        _write_atomic(path, text)
        return saved

    def delete(self, draft_id: str) -> None:
        """Remove a draft and its autosave."""
        path = self.path_for(draft_id)
        try:
            path.unlink()
        except FileNotFoundError:
            raise DraftNotFound(f"no draft {draft_id!r} in {self.folder}") from None
        except OSError as exc:
            raise StoreError(f"cannot delete {path}: {exc.strerror or exc}") from exc
        self.clear_autosave(draft_id)

    def duplicate(self, draft_id: str) -> Draft:
        """A copy under a new id, named "<title> (copy)" ("(copy 2)" for a copy of a copy), history kept."""
        draft = self.load(draft_id)
        title = copy_title(draft.title)
        when = now()
        copy = draft.model_copy(update={"id": self.new_id(title), "title": title, "title_set": True, "created": when})
        return self.save(copy)

    def rename(self, draft_id: str, title: str | None) -> Draft:
        """Name the draft (the id, hence the file name, stays); None: the title follows the hook again."""
        if title is not None and not one_line(title):
            raise InputError("a draft title cannot be empty")
        draft = self.load(draft_id)
        named = {"title": clean_title(title), "title_set": True} if title is not None else {"title_set": False}
        return self.save(draft.model_copy(update=named))

    # -- listing -------------------------------------------------------------------------
    def list(self) -> tuple[list[DraftSummary], list[str]]:
        """Summaries, newest ``updated`` first, and one line per file that is skipped.

        Never raises. Unchanged files (same mtime_ns and size) come from ``.index.json``, unless
        their cached content was read less than 2 s after their mtime: a write in the same tick
        of a coarse mtime clock would go unseen, so such a "racy" file is read again, and the
        time of that read is recorded, until a read happens 2 s or more after its mtime.
        """
        entries, problems = self._scan()
        rows: list[tuple[_Entry, str]] = []
        for name, entry in entries.items():
            if entry.problem:
                problems.append(f"{self.folder / name}: {entry.problem}")
            else:
                rows.append((entry, name))
        rows.sort(key=lambda row: (row[0].updated, row[0].id), reverse=True)  # updated (aware: by instant), id
        summaries = [DraftSummary(e.id, e.title, e.updated, e.template, e.chars, self.folder / name, e.source,
                                  e.published, e.batch_id)
                     for e, name in rows]
        problems.sort()
        return summaries, problems

    def batch_index(self) -> BatchIndex:
        """The drafts made by ``drafter batch`` by their keys (the newest when two share one).
        From the index, as fast as :meth:`list`; never raises."""
        entries, _ = self._scan()
        found = sorted((e.updated, e.id, e.batch, e.place) for e in entries.values() if e.batch and not e.problem)
        return BatchIndex(keys={key: draft_id for _, draft_id, key, _ in found},
                          places={place: draft_id for _, draft_id, _, place in found if place})

    def _scan(self) -> tuple[dict[str, _Entry], list[str]]:
        """Every draft file's index entry (problems included) by file name, and one line per file
        the system would not let us read; the index rewritten when anything changed."""
        scan_start = self._clock()
        try:
            scanned = [e for e in os.scandir(self.folder) if e.name.endswith(".json") and e.name[0] != "."]
        except FileNotFoundError:
            return {}, []
        except OSError as exc:
            return {}, [f"{self.folder}: cannot read the folder ({exc.strerror or exc})"]
        old = self._read_index()
        entries: dict[str, _Entry] = {}
        changed = False
        problems: list[str] = []
        for item in scanned:
            try:
                st = item.stat()
            except OSError as exc:
                problems.append(f"{item.path}: cannot read: {exc.strerror or exc}")
                continue
            if not stat.S_ISREG(st.st_mode):
                kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a FIFO, device or socket"
                problems.append(f"{item.path}: {kind}, not a draft; move it away")
                continue
            cached = old.entries.get(item.name)
            if cached is not None and fresh(cached, st):
                entries[item.name] = cached
                continue
            entry = self._summarise(Path(item.path), st.st_mtime_ns, st.st_size)
            if entry is None:  # deleted while listing
                continue
            if isinstance(entry, str):  # the system refused the read: reported, not cached (it may be fixed)
                problems.append(f"{item.path}: {entry}")
                continue
            entries[item.name] = entry
            changed = True  # new, changed, or racy (with the new read time, so it is trusted later)
        changed = changed or entries.keys() != old.entries.keys()
        if changed:
            self._write_index(_Index(scan_start, entries))
        return entries, problems

    def _summarise(self, path: Path, mtime_ns: int, size: int) -> _Entry | str | None:
        """The index entry of one file: its summary, or why its content is not a draft we can
        read; a str when the system refused the read; None if it vanished."""
        read_ns = self._clock()  # before the read: the content is at least this recent
        if not ID_RE.fullmatch(path.stem):
            return _Entry(mtime_ns, size, read_ns, "file name is not a draft id; rename it")
        try:
            raw = _read_bytes(path)
        except FileNotFoundError:
            return None
        if isinstance(raw, str):
            return raw
        head = read_draft(path, raw, DraftHeader)  # the header only: 25x faster than validating every part
        if isinstance(head, str):
            return _Entry(mtime_ns, size, read_ns, head)
        try:
            entry = _Entry(mtime_ns, size, read_ns, id=head.id, title=head.shown_title,
                           updated=_plain_time(head.updated), template=head.template, chars=measure(head.text).chars,
                           source=head.source_label, published=head.published is not None,
                           **_batch_fields(head.batch.model_dump() if head.batch else None))  # fmt: skip
        except (RecursionError, ValueError, TypeError, OverflowError) as exc:  # e.g. a date out of range
            return _Entry(mtime_ns, size, read_ns, f"corrupt: cannot be summarised ({type(exc).__name__})")
        self._texts_read[path.name] = TextEntry(mtime_ns, size, read_ns, head.text)  # for texts(), no second read
        return entry

    def _index_key(self) -> tuple[int, int, int] | None:
        try:
            st = (self.folder / INDEX_NAME).stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _read_index(self) -> _Index:
        """The cached index; a missing or corrupt one is an empty index (rebuilt by list())."""
        key = self._index_key()
        if self._memo is not None and self._memo[0] == key:
            return self._memo[1]
        if key is None:
            return _Index()
        try:
            index = _parse_index(read_bounded(self.folder / INDEX_NAME, MAX_INDEX_BYTES))
        except (OSError, ValueError, RecursionError, TypeError, OverflowError):  # ValidationError is a ValueError
            return _Index()
        self._memo = (key, index)
        return index

    def _write_index(self, index: _Index) -> None:
        with contextlib.suppress(StoreError):  # a read-only folder still lists; the index is a cache
            _write_atomic(self.folder / INDEX_NAME, _index_json(index))
        # Kept even if the write failed (keyed by the file left on disk, or None): a read-only
        # folder is then read once per Store, not on every list.
        self._memo = (self._index_key(), index)

    def texts(self, summaries: "Iterable[DraftSummary]") -> dict[str, str]:
        """The post text of each listed draft, by id (the library searches and previews them).

        Kept apart from the index (``.texts.json``) so list() stays as fast as the summaries
        alone; unchanged files come from that cache, others are read. Never raises: a file that
        cannot be read has no entry.
        """
        taken, self._texts_read = self._texts_read, {}
        return post_texts(self.folder, summaries, self._clock, taken)

    # -- autosave ------------------------------------------------------------------------
    def write_autosave(self, draft: Draft) -> None:
        """Crash-recovery copy in ``.autosave/<id>.json`` (the draft need not be saved yet)."""
        _write_atomic(self._autosave_path(draft.id), draft.to_json())

    def pending_autosave(self, ignore: Collection[str] = ()) -> Draft | None:
        """The newest autosave that differs from its saved draft (or whose draft was never saved);
        ``ignore``: draft ids to skip (e.g. autosaves another running app is writing)."""
        folder = self.folder / AUTOSAVE_DIR
        try:
            files = [(e.stat().st_mtime_ns, Path(e.path)) for e in os.scandir(folder)
                     if e.name.endswith(".json") and e.name[0] != "." and e.is_file()]  # fmt: skip
        except OSError:
            return None
        for _, path in sorted(files, reverse=True):
            if path.stem in ignore:
                continue
            try:
                auto = _read_file(path)
            except FileNotFoundError:
                continue
            if isinstance(auto, str):
                continue
            try:
                saved = self.load(auto.id)
            except DraftNotFound:
                return auto
            except StoreError:
                return auto  # the saved file is unreadable: the autosave is the best copy
            ignore = {"updated", "chars", "schema_version"}
            if auto.model_dump(exclude=ignore) != saved.model_dump(exclude=ignore):
                return auto
        return None

    def clear_autosave(self, draft_id: str | None = None) -> None:
        """Remove one draft's autosave, or all of them."""
        folder = self.folder / AUTOSAVE_DIR
        targets = [self._autosave_path(draft_id)] if draft_id is not None else (
            list(folder.iterdir()) if folder.is_dir() else [])  # fmt: skip
        for path in targets:
            if path.is_file() and (path.suffix in (".json", ".tmp")):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()

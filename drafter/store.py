"""Drafts on disk: one pretty JSON file per draft, atomic writes, revisions, fast listing.

Layout of a drafts folder::

    <id>.json           one draft (human-readable; summary fields first)
    .index.json         cache for list(): file name -> (mtime_ns, size, summary); safe to delete
    .autosave/<id>.json crash-recovery copies written by the TUI
    .<id>.json.<hex>.tmp  a write in progress (never listed; left only by a crash)

A file we cannot read (corrupt, foreign, written by a newer drafter) is reported and never
overwritten. Nothing here knows about the API key, so it can never be written.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import DraftNotFound, InputError, StoreError
from .post import Parts, assemble, measure, one_line

if TYPE_CHECKING:
    from .sources import Source

SCHEMA_VERSION = 1
"""Bumped when a draft file changes incompatibly; newer files are refused, never overwritten."""
MAX_SOURCE_TEXT = 100_000
"""Article text longer than this many characters is not copied into the draft (sha256 is kept)."""
TITLE_CHARS = 60
INDEX_NAME = ".index.json"
AUTOSAVE_DIR = ".autosave"
_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
_RACY_NS = 2_000_000_000
"""Files modified this close to the index's scan time are re-read (coarse mtime clocks)."""

RevisionKind = Literal["generate", "regenerate", "variant", "save", "edit"]
Variables = dict[str, str | int | float | bool]


def now() -> datetime:
    """Local time with its UTC offset (readable in the file, comparable across zones)."""
    return datetime.now().astimezone()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.astimezone()


def clean_title(title: str) -> str:
    """One line, at most 200 characters, never empty."""
    return one_line(title)[:200] or "Untitled draft"


def short_title(text: str, limit: int = TITLE_CHARS) -> str:
    """The first ``limit`` characters of ``text`` on one line, cut at a word boundary."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else text[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"


def slugify(text: str, limit: int = TITLE_CHARS) -> str:
    """ASCII lowercase words joined by '-', at most ``limit`` chars; "draft" if nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        head = slug[: limit + 1]
        slug = head.rsplit("-", 1)[0] if "-" in head else slug[:limit]
    return slug.strip("-") or "draft"


def make_id(title: str) -> str:
    """``<date>-<slug of title>-<4 hex>``; :meth:`Store.new_id` also makes it unique in a folder."""
    return f"{now().date().isoformat()}-{slugify(title)}-{secrets.token_hex(2)}"


def validate_id(draft_id: object) -> str:
    """Return ``draft_id`` if it is a safe file stem; anything that could escape the folder
    (``/``, ``\\``, ``..``, NUL, upper case, spaces, > 100 chars) raises InputError."""
    if not isinstance(draft_id, str) or not _ID_RE.fullmatch(draft_id):
        shown = repr(draft_id)[:60]
        raise InputError(f"invalid draft id {shown}: use lowercase letters, digits and '-' (1-100 chars)")
    return draft_id


class SourceRecord(BaseModel):
    """What a draft was made from, as recorded in the draft file."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["topic", "text", "file", "url"]
    """Where the source came from."""
    topic: str = ""
    """The topic typed, or the article's title."""
    location: str | None = None
    """File name or URL."""
    title: str | None = None
    """Title found in the page or file."""
    sha256: str | None = None
    """SHA-256 of the article text (None for a bare topic): tells if the article changed."""
    chars: int = 0
    """Length of the article text in characters."""
    text: str | None = None
    """The article text itself when it is at most MAX_SOURCE_TEXT (100,000) characters, else None."""

    @classmethod
    def from_source(cls, source: "Source") -> "SourceRecord":
        text = source.text
        return cls(
            kind=source.kind,
            topic=source.topic,
            location=source.location,
            title=source.title,
            sha256=source.sha256 if text else None,
            chars=len(text),
            text=text if text and len(text) <= MAX_SOURCE_TEXT else None,
        )


class Revision(BaseModel):
    """One step in a draft's history."""

    model_config = ConfigDict(extra="forbid")

    at: datetime
    """When it happened."""
    kind: RevisionKind
    """What happened: generate, regenerate (one part), variant (hook picked), save, edit."""
    engine: str | None = None
    """Engine that produced it (None for a hand edit)."""
    model: str | None = None
    """Model that produced it."""
    parts: Parts | None = None
    """The parts after this step, if known."""
    text: str | None = None
    """The post text after this step, if known."""
    note: str = ""
    """Free text, e.g. the instruction given for a regenerate."""

    @field_validator("at")
    @classmethod
    def _at(cls, value: datetime) -> datetime:
        return _aware(value)


class Draft(BaseModel):
    """A draft as stored in ``<id>.json``. Field order is the order in the file."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = Field(default=SCHEMA_VERSION, ge=1, le=SCHEMA_VERSION)
    """File format version; files from a newer drafter are refused."""
    id: str
    """File stem: lowercase letters, digits and '-'."""
    title: str
    """Shown in the library; defaults to the hook or the topic."""
    created: datetime
    """When the draft was first made."""
    updated: datetime
    """When it was last saved."""
    template: str
    """Template name used to generate it."""
    chars: int = 0
    """Characters in ``text`` as LinkedIn counts them (derived from text on every read/save)."""
    engine: str | None = None
    """Engine of the last generation."""
    model: str | None = None
    """Model of the last generation."""
    text: str = ""
    """The post as the user last edited it (or as assembled from the parts)."""
    parts: Parts | None = None
    """The structured parts of the last generation, if any."""
    variables: Variables = Field(default_factory=dict)
    """Template variables used (tone, audience, counts...)."""
    source: SourceRecord
    """What it was drafted from."""
    revisions: list[Revision] = Field(default_factory=list)
    """History, oldest first."""

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID_RE.fullmatch(value):
            raise ValueError("must be lowercase letters, digits and '-'")
        return value

    _title = field_validator("title")(lambda value: clean_title(value))

    @field_validator("created", "updated")
    @classmethod
    def _when(cls, value: datetime) -> datetime:
        return _aware(value)

    @model_validator(mode="after")
    def _chars(self) -> "Draft":
        self.chars = measure(self.text).chars  # derived: a hand edit of text is counted right
        return self

    @classmethod
    def new(
        cls,
        title: str | None,
        source: "Source | SourceRecord",
        template: str,
        variables: Variables | None = None,
        *,
        parts: Parts | None = None,
        text: str | None = None,
        engine: str | None = None,
        model: str | None = None,
        id: str | None = None,
        note: str = "",
    ) -> "Draft":
        """A fresh draft; with parts or text it gets a first "generate" revision.

        Pass ``id=store.new_id(title)`` for an id guaranteed unique in a folder.
        """
        record = source if isinstance(source, SourceRecord) else SourceRecord.from_source(source)
        title = title or default_title(record, parts)
        if text is None:
            text = assemble(parts) if parts is not None else ""
        when = now()
        revisions = []
        if parts is not None or text:
            revisions.append(
                Revision(at=when, kind="generate", engine=engine, model=model, parts=parts, text=text, note=note)
            )
        return cls(
            id=validate_id(id) if id is not None else make_id(title),
            title=title, created=when, updated=when, template=template,
            engine=engine, model=model, text=text, parts=parts, variables=dict(variables or {}),
            source=record, revisions=revisions,
        )  # fmt: skip

    def revise(
        self, kind: RevisionKind, *, parts: Parts | None = None, text: str | None = None,
        engine: str | None = None, model: str | None = None, note: str = "",
    ) -> "Draft":  # fmt: skip
        """A copy with new parts and/or text and the step appended to ``revisions``."""
        parts = parts if parts is not None else self.parts
        text = text if text is not None else self.text
        rev = Revision(at=now(), kind=kind, engine=engine, model=model, parts=parts, text=text, note=note)
        update: dict[str, object] = {"parts": parts, "text": text, "chars": measure(text).chars,
                                     "revisions": [*self.revisions, rev]}  # fmt: skip
        if engine is not None:
            update.update(engine=engine, model=model)
        return self.model_copy(update=update)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def default_title(source: "Source | SourceRecord | None", parts: Parts | None = None) -> str:
    """From the hook, else the source's title or topic, else its first line; ~60 chars."""
    candidates = [parts.hook if parts else ""]
    if source is not None:
        first_line = next((ln for ln in (source.text or "").splitlines() if ln.strip()), "")
        candidates += [source.title or "", source.topic, first_line]
    return next((short_title(c) for c in candidates if c and c.strip()), "Untitled draft")


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


class _CachedSummary(BaseModel):
    """A summary as kept in ``.index.json`` (DraftSummary without the path)."""

    id: str
    title: str
    updated: datetime
    template: str
    chars: int


class _Entry(BaseModel):
    mtime_ns: int
    size: int
    summary: _CachedSummary | None = None
    problem: str | None = None


class _Index(BaseModel):
    version: Literal[1] = 1
    scanned_ns: int = 0
    entries: dict[str, _Entry] = Field(default_factory=dict)


def _write_atomic(path: Path, text: str) -> None:
    """tmp file in the same folder, fsync, os.replace, fsync the folder. Raises StoreError."""
    folder = path.parent
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from exc
    with contextlib.suppress(OSError):  # not supported on every platform (Windows)
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _problem(raw: bytes, exc: ValidationError) -> str:
    """Why a file that failed validation is not a draft we can read, in a few words."""
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        return "corrupt: not UTF-8 text"
    except json.JSONDecodeError as err:
        return f"corrupt: not valid JSON (line {err.lineno} column {err.colno})"
    if not isinstance(data, dict) or "schema_version" not in data or "id" not in data:
        return "not a drafter draft (foreign JSON without schema_version/id)"
    version = data["schema_version"]
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        return f"written by a newer drafter (schema {version}); upgrade drafter"
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "draft"
    return f"corrupt draft: {where}: {err['msg']}"


class _Header(BaseModel):
    """What list() validates of a draft file (whole-file JSON syntax included); load() checks all."""

    model_config = ConfigDict(extra="ignore")

    schema_version: int = Field(ge=1, le=SCHEMA_VERSION)
    id: str
    title: str
    updated: datetime
    template: str
    text: str


_M = TypeVar("_M", Draft, _Header)


def _read(path: Path, raw: bytes, model: type[_M] = Draft) -> _M | str:  # type: ignore[assignment]
    """The draft in a file's bytes, or why it is not one we can read (a few words)."""
    try:
        draft = model.model_validate_json(raw)
    except ValidationError as exc:
        return _problem(raw, exc)
    if draft.id != path.stem:
        return f"holds id {draft.id!r}, not {path.stem!r}; rename the file or fix the id"
    return draft


def parse_draft(path: Path, raw: bytes) -> Draft:
    """Validate a draft file's bytes; StoreError names the file and says what is wrong."""
    result = _read(path, raw)
    if isinstance(result, str):
        raise StoreError(f"{path}: {result}")
    return result


class Store:
    """The drafts in one folder. Nothing is created on disk until the first write."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._memo: tuple[tuple[int, int, int], _Index] | None = None

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
            raw = path.read_bytes()
        except FileNotFoundError:
            raise DraftNotFound(f"no draft {draft_id!r} in {self.folder}; see the list of drafts") from None
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
        return parse_draft(path, raw)

    def save(self, draft: Draft, *, touch: bool = True) -> Draft:
        """Write atomically; ``touch`` sets ``updated`` to now. Returns the draft as written.

        Refuses to replace a file that is not a draft we can read (corrupt, foreign, newer).
        """
        path = self.path_for(draft.id)
        if path.exists():
            try:
                current = _read(path, path.read_bytes())
            except OSError as exc:
                raise StoreError(f"refusing to overwrite {path}: cannot read it ({exc.strerror})") from exc
            if isinstance(current, str):
                advice = "" if "upgrade" in current else "; move that file away first"
                raise StoreError(f"refusing to overwrite {path}: {current}{advice}")
        candidate = draft.model_copy(update={"updated": now()} if touch else {})
        try:  # never write a file we could not read back
            saved = Draft.model_validate_json(candidate.to_json())
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "draft"
            raise StoreError(f"draft {draft.id!r} not saved: {where}: {err['msg']}") from None
        _write_atomic(path, saved.to_json())
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
        """A copy under a new id, titled "<title> (copy)", history kept."""
        draft = self.load(draft_id)
        title = f"{draft.title} (copy)"
        when = now()
        copy = draft.model_copy(update={"id": self.new_id(title), "title": title, "created": when})
        return self.save(copy)

    def rename(self, draft_id: str, title: str) -> Draft:
        """Change the title (the id, hence the file name, stays)."""
        if not one_line(title):
            raise InputError("a draft title cannot be empty")
        draft = self.load(draft_id)
        return self.save(draft.model_copy(update={"title": clean_title(title)}))

    # -- listing -------------------------------------------------------------------------
    def list(self) -> tuple[list[DraftSummary], list[str]]:
        """Summaries, newest ``updated`` first, and one line per file that is skipped.

        Never raises. Unchanged files (same mtime_ns and size) come from ``.index.json``.
        """
        scan_start = time.time_ns()
        try:
            scanned = [e for e in os.scandir(self.folder) if e.name.endswith(".json") and e.name[0] != "."]
        except FileNotFoundError:
            return [], []
        except OSError as exc:
            return [], [f"{self.folder}: cannot read the folder ({exc.strerror or exc})"]
        old = self._read_index()
        racy_after = old.scanned_ns - _RACY_NS
        entries: dict[str, _Entry] = {}
        changed = False
        problems: list[str] = []
        for item in scanned:
            try:
                if not item.is_file():
                    continue
                st = item.stat()
            except OSError as exc:
                problems.append(f"{item.path}: cannot read ({exc.strerror or exc})")
                continue
            cached = old.entries.get(item.name)
            if cached and (cached.mtime_ns, cached.size) == (st.st_mtime_ns, st.st_size) and st.st_mtime_ns < racy_after:
                entries[item.name] = cached
                continue
            entry = self._summarise(Path(item.path), st.st_mtime_ns, st.st_size)
            if entry is None:
                problems.append(f"{item.path}: cannot read the file")
                continue
            entries[item.name] = entry
            changed = True  # new, changed, or racy (restamped so it is trusted next time)
        changed = changed or entries.keys() != old.entries.keys()
        summaries: list[DraftSummary] = []
        for name, entry in entries.items():
            if entry.problem is not None:
                problems.append(f"{self.folder / name}: {entry.problem}")
            elif entry.summary is not None:
                c = entry.summary
                summaries.append(DraftSummary(c.id, c.title, c.updated, c.template, c.chars, self.folder / name))
        summaries.sort(key=lambda s: (s.updated.timestamp(), s.id), reverse=True)
        problems.sort()
        if changed:
            self._write_index(_Index(scanned_ns=scan_start, entries=entries))
        return summaries, problems

    def _summarise(self, path: Path, mtime_ns: int, size: int) -> _Entry | None:
        if not _ID_RE.fullmatch(path.stem):
            return _Entry(mtime_ns=mtime_ns, size=size, problem="file name is not a draft id; rename it")
        try:  # the header only: 25x faster than validating every revision's parts
            head = _read(path, path.read_bytes(), _Header)
        except OSError:
            return None
        if isinstance(head, str):
            return _Entry(mtime_ns=mtime_ns, size=size, problem=head)
        summary = _CachedSummary(id=head.id, title=clean_title(head.title), updated=_aware(head.updated),
                                 template=head.template, chars=measure(head.text).chars)  # fmt: skip
        return _Entry(mtime_ns=mtime_ns, size=size, summary=summary)

    def _index_key(self) -> tuple[int, int, int] | None:
        try:
            st = (self.folder / INDEX_NAME).stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _read_index(self) -> _Index:
        """The cached index; a missing or corrupt one is an empty index (rebuilt by list())."""
        key = self._index_key()
        if key is None:
            return _Index()
        if self._memo is not None and self._memo[0] == key:
            return self._memo[1]
        try:
            index = _Index.model_validate_json((self.folder / INDEX_NAME).read_bytes())
        except (OSError, ValueError):
            return _Index()
        self._memo = (key, index)
        return index

    def _write_index(self, index: _Index) -> None:
        try:
            _write_atomic(self.folder / INDEX_NAME, index.model_dump_json())
        except StoreError:
            return  # a read-only folder still lists; the index is only a cache
        key = self._index_key()
        self._memo = (key, index) if key else None

    # -- autosave ------------------------------------------------------------------------
    def write_autosave(self, draft: Draft) -> None:
        """Crash-recovery copy in ``.autosave/<id>.json`` (the draft need not be saved yet)."""
        _write_atomic(self._autosave_path(draft.id), draft.to_json())

    def pending_autosave(self) -> Draft | None:
        """The newest autosave that differs from its saved draft (or whose draft was never saved)."""
        folder = self.folder / AUTOSAVE_DIR
        try:
            files = [(e.stat().st_mtime_ns, Path(e.path)) for e in os.scandir(folder)
                     if e.name.endswith(".json") and e.name[0] != "." and e.is_file()]  # fmt: skip
        except OSError:
            return None
        for _, path in sorted(files, reverse=True):
            try:
                auto = _read(path, path.read_bytes())
            except OSError:
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


def export_text(draft: Draft, fmt: Literal["txt", "md", "json"]) -> str:
    """The draft as plain text, Markdown with a small front matter, or the full JSON."""
    if fmt == "txt":
        return draft.text
    if fmt == "json":
        return draft.to_json()
    if fmt == "md":
        src = draft.source
        where = src.location or src.topic or src.title or ""
        lines = [
            "---",
            f"title: {json.dumps(draft.title, ensure_ascii=False)}",
            f"template: {json.dumps(draft.template, ensure_ascii=False)}",
            f"created: {draft.created.isoformat(timespec='seconds')}",
            f"updated: {draft.updated.isoformat(timespec='seconds')}",
            f"source: {json.dumps(f'{src.kind}: {where}'.strip(), ensure_ascii=False)}",
            "---",
        ]
        return "\n".join(lines) + "\n\n" + draft.text.rstrip("\n") + "\n"
    raise InputError(f"unknown export format {fmt!r}: use txt, md or json")

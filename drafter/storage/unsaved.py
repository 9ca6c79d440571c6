"""Generated text that did not become a saved draft, kept as a plain file the user can find again.

When a generation fails after text arrived (cut off, unreadable, past its deadline, too long,
a broken stream), is interrupted, or its ``--save`` fails, the text is written to
``<workspace>/drafts/.unsaved/<UTC time>-<what>.txt``; if that folder cannot be written (the
drafts folder is a file, a full or read-only disk) to ``<user cache dir>/unsaved/`` instead.
The draft store ignores the folder (it reads only ``drafts/*.json``). Files are never
overwritten; nothing here deletes them.

Keeping is idempotent: text already kept under the same name (``<what>``), in a file that still
holds exactly that text, is not written again: :func:`keep` names that file. So a step that is
repeated (a second ``drafter batch collect`` of an unreadable answer, a retried save) says the
same place every time instead of leaving a new copy behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from ..common.atomic import write_atomic

UNSAVED_DIR = ".unsaved"
"""The folder inside ``drafts/`` that holds kept text."""
_MAX_NAME_TRIES = 100
_STAMP = r"[0-9]{8}-[0-9]{6}"
"""The ``<UTC time>`` of a kept file's name (``YYYYmmdd-HHMMSS``)."""
MAX_COMPARED = 64
"""At most this many files of the same name and size are read to find the text kept before:
finding it again costs a directory listing and a few reads, however many files the folder holds."""


@dataclass(frozen=True)
class Kept:
    """Where kept text went: ``path``, or None and why no place took it (``problems``)."""

    path: Path | None
    problems: tuple[str, ...] = ()

    def where(self) -> str:
        """For a message: "kept in <path>" or "not kept on disk (<why>)"."""
        if self.path is not None:
            return f"kept in {self.path}"
        return f"not kept on disk ({'; '.join(self.problems) or 'no place to write'})"


def places(drafts_dir: Path, cache_dir: Path) -> list[Path]:
    """The folders tried, in order: the workspace's ``drafts/.unsaved``, then the user cache."""
    return [drafts_dir / UNSAVED_DIR, cache_dir / "unsaved"]


def keep(text: str, what: str, folders: Sequence[Path], *, now: datetime | None = None) -> Kept:
    """Write ``text`` to a new file in the first of ``folders`` that accepts it, unless one of
    them already holds it under the same ``what``: then that file (see the module docstring).

    ``what`` names the file ("deadline", "truncated", "interrupted", "post"...). Never raises
    for a disk problem: the caller still has the text on screen and says where it went.
    """
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S")
    label = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-") or "text"
    data = text.encode("utf-8")
    for folder in folders:
        found = _kept_before(folder, label, data)
        if found is not None:
            return Kept(found)
    problems: list[str] = []
    for folder in folders:
        try:
            return Kept(_write_new(folder, f"{stamp}-{label}", text))
        except OSError as exc:
            problems.append(f"{folder}: {exc.strerror or exc}")
    return Kept(None, tuple(problems))


def _kept_before(folder: Path, label: str, data: bytes) -> Path | None:
    """A file in ``folder`` named for ``label`` (``<UTC time>-<label>[-n].txt``) that holds
    exactly ``data``, or None. Only files of that name and size are read (at most MAX_COMPARED)."""
    named = re.compile(rf"{_STAMP}-{re.escape(label)}(?:-[0-9]+)?\.txt")
    compared = 0
    try:
        entries = sorted(folder.iterdir())
    except OSError:  # no such folder yet, or not one: nothing was kept there
        return None
    for path in entries:
        if not named.fullmatch(path.name):
            continue
        try:
            if not path.is_file() or path.stat().st_size != len(data):
                continue
            compared += 1
            if path.read_bytes() == data:
                return path
        except OSError:
            continue
        if compared >= MAX_COMPARED:
            break
    return None


def _write_new(folder: Path, stem: str, text: str) -> Path:
    for n in range(1, _MAX_NAME_TRIES + 1):
        path = folder / (f"{stem}.txt" if n == 1 else f"{stem}-{n}.txt")
        try:
            write_atomic(path, text, overwrite=False)
            return path
        except FileExistsError:
            if not path.exists():  # the folder itself is in the way (a file where a folder should be)
                raise
    raise FileExistsError(f"{_MAX_NAME_TRIES} files named {stem}*.txt already exist")

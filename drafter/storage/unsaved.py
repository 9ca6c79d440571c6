"""Generated text that did not become a saved draft, kept as a plain file the user can find again.

When a generation fails after text arrived (cut off, unreadable, past its deadline, too long,
a broken stream), is interrupted, or its ``--save`` fails, the text is written to
``<workspace>/drafts/.unsaved/<UTC time>-<what>.txt``; if that folder cannot be written (the
drafts folder is a file, a full or read-only disk) to ``<user cache dir>/unsaved/`` instead.
The draft store ignores the folder (it reads only ``drafts/*.json``). Files are never
overwritten; nothing here deletes them.
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
    """Write ``text`` to a new file in the first of ``folders`` that accepts it.

    ``what`` names the file ("deadline", "truncated", "interrupted", "post"...). Never raises
    for a disk problem: the caller still has the text on screen and says where it went.
    """
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S")
    label = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-") or "text"
    problems: list[str] = []
    for folder in folders:
        try:
            return Kept(_write_new(folder, f"{stamp}-{label}", text))
        except OSError as exc:
            problems.append(f"{folder}: {exc.strerror or exc}")
    return Kept(None, tuple(problems))


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

"""Exclusive locks between drafter processes: an ``flock`` on a hidden lock file, held for one
change (the voice file's import) or one run (a batch in a workspace).

Where ``flock`` does not exist (Windows) nothing is locked.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..common.errors import DrafterError


@contextmanager
def exclusive(where: Path, *, what: str, error: type[DrafterError], busy: Callable[[str], str], wait: float,
              note: str = "") -> Iterator[None]:
    """Hold the lock on ``where`` (created if missing) for the ``with`` block. Waits up to
    ``wait`` seconds (0: not at all) for the process holding it, then raises ``error`` with
    ``busy(holder)``, ``holder`` being the ``note`` the holder wrote into the file ("" if none).
    The ``note`` (a pid and what runs, say) is written into the file while the lock is held. A
    lock file that cannot be opened is ``error`` too ("cannot lock ``what``")."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    try:
        fd = os.open(where, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise error(f"cannot lock {what} ({where}): {exc.strerror or exc}") from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise error(busy(_holder(fd))) from None
                time.sleep(0.05)
        if note:
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, note.encode("utf-8", "replace"), 0)
            except OSError:  # the note only words the message another process gives
                pass
        yield
    finally:
        os.close(fd)  # releases the lock


def _holder(fd: int) -> str:
    try:
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""

"""Which app owns an autosave, so two apps on one workspace never take each other's.

Next to ``.autosave/<id>.json`` the app that writes it keeps ``<id>.owner``: its process id
and a token of this app instance. Another app skips autosaves whose owner is a live process
(and never offers or deletes them); an owner that ended without releasing (a crash) is
dead, so its autosave is offered as before. An app releases its owner files when it ends.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from datetime import datetime
from pathlib import Path

from ..storage.store import AUTOSAVE_DIR, Store

SUFFIX = ".owner"


def _folder(store: Store) -> Path:
    return store.folder / AUTOSAVE_DIR


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    except OSError:
        return False
    return True


class Owner:
    """This app instance's claim on the autosaves it writes."""

    def __init__(self) -> None:
        self.token = f"{os.getpid()} {uuid.uuid4().hex}"
        self.claimed: set[Path] = set()

    def claim(self, store: Store, draft_id: str) -> None:
        """Before writing ``draft_id``'s autosave (blocking: call off the event loop)."""
        path = _folder(store) / f"{draft_id}{SUFFIX}"
        if path in self.claimed:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.token + "\n", encoding="utf-8")
        self.claimed.add(path)

    def release(self, store: Store | None = None, draft_id: str | None = None) -> None:
        """Give up one autosave (after saving it), or all of them (when the app ends)."""
        paths = [p for p in self.claimed if draft_id is None or p.stem == draft_id]
        for path in paths:
            self.claimed.discard(path)
            with contextlib.suppress(OSError):
                if path.read_text(encoding="utf-8").strip() == self.token:
                    path.unlink()

    def others(self, store: Store) -> set[str]:
        """Ids of autosaves another live app owns."""
        out: set[str] = set()
        try:
            owners = list(_folder(store).glob(f"*{SUFFIX}"))
        except OSError:
            return out
        for path in owners:
            try:
                token = path.read_text(encoding="utf-8").strip()
                pid = int(token.split()[0])
            except (OSError, ValueError, IndexError):
                continue
            if token != self.token and _alive(pid):
                out.add(path.stem)
        return out


def drop_owner(store: Store, draft_id: str, owner: Owner) -> None:
    """Remove ``draft_id``'s owner file unless another live app owns it (after its autosave was
    discarded: an app that crashed leaves one behind). Blocking: call off the event loop."""
    if draft_id in owner.others(store):
        return
    owner.release(store, draft_id)
    with contextlib.suppress(OSError):
        (_folder(store) / f"{draft_id}{SUFFIX}").unlink()


def autosave_time(store: Store, draft_id: str) -> datetime | None:
    """When the autosave was written (the file's time, not the draft's ``updated``)."""
    try:
        return datetime.fromtimestamp((_folder(store) / f"{draft_id}.json").stat().st_mtime)
    except OSError:
        return None

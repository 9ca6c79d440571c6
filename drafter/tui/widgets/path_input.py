"""An Input for file paths that completes them from the file system (Tab or →).

:class:`PathSuggester` offers, as Textual's dimmed suggestion, the rest of the one entry that
matches what was typed (a folder gets a trailing "/"), or the common start of several. It lists
a folder in a thread, never on the event loop, and looks at no more than
:data:`MAX_ENTRIES` entries, so a huge folder cannot stall typing. URLs get no suggestion.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input

MAX_ENTRIES = 2000
"""Entries of one folder looked at for a completion."""


def complete_path(value: str, base: Path) -> str | None:
    """``value`` completed from the entries of its folder (relative to ``base``), or None."""
    if not value or value.startswith(("http://", "https://")) or "\n" in value:
        return None
    if value == "~":
        return "~/"
    head, slash, prefix = value.rpartition("/")
    folder = Path(os.path.expanduser(head + slash)) if slash else Path()
    if not folder.is_absolute():
        folder = base / folder
    names: list[tuple[str, bool]] = []
    try:
        with os.scandir(folder) as entries:
            for count, entry in enumerate(entries):
                if count >= MAX_ENTRIES:
                    break
                if entry.name.startswith(prefix) and (prefix.startswith(".") or not entry.name.startswith(".")):
                    names.append((entry.name, entry.is_dir()))
    except OSError:
        return None
    if not names:
        return None
    if len(names) == 1:
        name, is_dir = names[0]
        tail = name[len(prefix):] + ("/" if is_dir else "")
    else:
        tail = os.path.commonprefix([n for n, _ in names])[len(prefix):]
    return value + tail if tail else None


class PathSuggester(Suggester):
    """Suggests the completion of a typed path (see :func:`complete_path`)."""

    def __init__(self, base: Callable[[], Path] = Path.cwd) -> None:
        super().__init__(use_cache=False, case_sensitive=True)  # the folder may change between keys
        self._base = base

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value, self._base())


class PathInput(Input):
    """An Input whose Tab accepts the path completion (and moves focus on when there is none)."""

    BINDINGS = [Binding("tab", "complete", "Complete the path", show=False,
                        tooltip="Complete the path (when a completion is shown), else the next field")]  # fmt: skip

    def action_complete(self) -> None:
        before = self.value
        if self.cursor_at_end:
            self.action_cursor_right()  # accepts the suggestion, if one is shown
        if self.value == before:
            self.screen.focus_next()

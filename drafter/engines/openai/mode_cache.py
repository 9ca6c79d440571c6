"""The output mode each server accepted, remembered in a small JSON file.

``{"http://127.0.0.1:8080/v1": "json_object", "openai": "json_schema"}``: keys are base
URLs without credentials (or ``"openai"``). The file is read once per engine and written
atomically, only when a server's mode changes. It is only a cache: a missing, unreadable or
unwritable file means starting from ``json_schema`` again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...common.atomic import write_atomic
from ...common.reading import read_bounded
from ..base import OutputMode

MAX_CACHE_BYTES = 64_000
"""A modes cache larger than this is not read (it holds one short line per server)."""

MODES: tuple[OutputMode, ...] = ("json_schema", "json_object", "text")
"""The output modes, in the order they are tried."""


class ModeCache:
    """The remembered mode of one server (``key``) in the file at ``path`` (None: memory only)."""

    def __init__(self, path: Path | None, key: str) -> None:
        self.path = path
        self.key = key
        self._mode: OutputMode | None = None

    def start(self) -> OutputMode:
        """The mode to try first: the remembered one, else ``json_schema``."""
        if self._mode is None:
            mode = self._read().get(self.key, "json_schema")
            self._mode = mode if mode in MODES else "json_schema"
        return self._mode

    def remember(self, mode: OutputMode, *, persist: bool = True) -> None:
        """Start from ``mode`` next time; the file is rewritten only if that changes it.
        ``persist=False``: for this process only (a guess the server never confirmed)."""
        if mode == self.start():
            return
        self._mode = mode
        if self.path is None or not persist:
            return
        data = self._read()  # other servers' entries, as other processes may have left them
        data[self.key] = mode
        try:
            _write_atomic(self.path, data)
        except OSError:
            pass  # only a cache: next time starts from json_schema again

    def _read(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:  # bounded and non-blocking: a FIFO or a huge file here is just an empty cache
            data = json.loads(read_bounded(self.path, MAX_CACHE_BYTES).decode("utf-8"))
        except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested too deeply
            return {}
        return data if isinstance(data, dict) else {}


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    write_atomic(path, json.dumps(data, indent=1, sort_keys=True))

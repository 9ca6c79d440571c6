"""Engines: one protocol (see base.py), two implementations, chosen by settings.

Imports are lazy so that the offline path never loads ``openai``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..settings.config import Settings
    from .base import Engine


def make_engine(settings: "Settings", *, cache_dir: Path | None = None) -> "Engine":
    """The engine the settings ask for (``auto`` resolves on key / base URL presence)."""
    if settings.resolved_engine() == "offline":
        from .offline.engine import OfflineEngine

        return OfflineEngine()
    from .openai.engine import OpenAIEngine

    mode_cache = cache_dir / "output-modes.json" if cache_dir is not None else None
    return OpenAIEngine(settings, mode_cache=mode_cache)

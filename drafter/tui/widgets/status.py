"""The top bar (engine and model in use, the voice, draft state) and the status line (progress)."""

from __future__ import annotations

import time
from typing import Callable

from rich.text import Text
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static


VOICE_OFF = "voice: off"
"""The top bar's voice label when the user turned the voice off (shift+f7)."""


class TopBar(Horizontal):
    """Always visible: which engine writes the post, the voice it writes in, and the open draft."""

    def compose(self):
        yield Static(Text.from_markup("[b]drafter[/b]"), id="app-title")
        yield Static("engine: …", id="engine-label")
        yield Static("", id="voice-label")
        yield Static("", id="draft-label")

    def set_engine(self, label: str, offline: bool) -> None:
        widget = self.query_one("#engine-label", Static)
        widget.update(f"engine: {label}")
        widget.set_class(offline, "-offline")

    def set_voice(self, label: str | None, on: bool) -> None:
        """``label`` ("voice: 48 posts"), or "voice: off" when not ``on``; hidden without a voice.

        The label's width is set once, to fit both texts: the toggle changes the text only,
        never the layout (a frame drawn before a layout pass would show it cut)."""
        widget = self.query_one("#voice-label", Static)
        if label is None:
            widget.display = False
            return
        width = max(len(label), len(VOICE_OFF)) + 2  # its padding
        if widget.styles.width is None or widget.styles.width.value != width:
            widget.styles.width = width
        widget.update(label if on else VOICE_OFF)
        widget.set_class(not on, "-off")
        widget.display = True

    def set_draft(self, title: str | None, dirty: bool) -> None:
        mark = "● " if dirty else ""
        text = f"{mark}{title}" if title else ("● unsaved" if dirty else "new draft")
        self.query_one("#draft-label", Static).update(text)


class StatusLine(Static):
    """Status message, plus tokens (streamed chunks) and chars received and elapsed seconds while a
    request runs. Servers send about one token per chunk, so the chunk count is the token count
    shown as "~N tokens"; the exact figure arrives with the finished draft's usage."""

    message: reactive[str] = reactive("Ready.")
    busy: reactive[bool] = reactive(False)
    received: reactive[int] = reactive(0)

    def __init__(self, *, id: str | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__("", id=id)
        self.clock = clock
        self._started = 0.0
        self._ticker = None
        self.chunks = 0
        """Chunks received so far; set before ``received`` so one refresh shows both."""

    def start(self, message: str) -> None:
        self._started = self.clock()
        self.chunks = 0
        self.received = 0
        self.message = message
        self.busy = True
        if self._ticker is None:
            self._ticker = self.set_interval(1.0, self._tick)

    def stop(self, message: str) -> None:
        self.busy = False
        self.message = message
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    @property
    def elapsed(self) -> float:
        return max(0.0, self.clock() - self._started)

    def _tick(self) -> None:
        self.refresh()
        self._refresh_text()

    def watch_message(self) -> None:
        self._refresh_text()

    def watch_received(self) -> None:
        self._refresh_text()

    def watch_busy(self) -> None:
        self.set_class(self.busy, "-busy")
        self._refresh_text()

    def _refresh_text(self) -> None:
        if not self.busy:
            self.update(self.message)
            return
        extra = f" · ~{self.chunks:,} tokens, {self.received:,} chars received" if self.received else ""
        self.update(f"⏳ {self.message}{extra} · {self.elapsed:.0f} s · esc: cancel")

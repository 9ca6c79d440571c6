"""Standard output that fails into one clear line.

While a command runs, :func:`guarded_stdout` puts a :class:`_Guarded` stream in front of
``sys.stdout``: a write or flush the system refuses (a full disk behind ``> /dev/full``, an I/O
error) raises :class:`OutputError`, and a closed stdout (``>&-``, where Python's ``sys.stdout``
is None and ``print`` would silently drop everything) raises it at the first write. A reader
that went away (``| head``) stays a ``BrokenPipeError``, which the CLI treats as success.
After a failure the file descriptor is pointed at the null device, so Python's flush at exit
cannot fail a second time.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING, Any, Iterator, TextIO

from ..common.errors import DrafterError

if TYPE_CHECKING:
    from ..models.voice import VoiceUse
    from ..service.drafting import Drafter


class OutputError(DrafterError):
    """What a command printed could not be written to standard output (exit 1)."""


class _Guarded:
    """A text stream in front of the real stdout (None when it is closed)."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._do(lambda s: s.write(text))

    def flush(self) -> None:
        if self._stream is not None:
            self._do(lambda s: s.flush())

    def _do(self, action: Any) -> Any:
        if self._stream is None:
            raise OutputError("cannot print: standard output is closed")
        try:
            return action(self._stream)
        except BrokenPipeError:
            self._silence()
            raise
        except OSError as exc:
            self._silence()
            raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None

    def _silence(self) -> None:
        """Send the rest (and Python's flush at exit) to the null device."""
        try:
            fd = self._stream.fileno()  # type: ignore[union-attr]
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, fd)
            os.close(null)
        except (OSError, ValueError, AttributeError):  # not a real file (a test's capture)
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def guarded_stdout() -> Iterator[None]:
    """Run a command with :class:`_Guarded` stdout; everything printed is flushed before the end,
    so a failure to write is an :class:`OutputError` here, not a message at interpreter exit."""
    before = sys.stdout
    guarded = _Guarded(before)
    sys.stdout = guarded  # type: ignore[assignment]
    try:
        yield
        guarded.flush()
    finally:
        sys.stdout = before


def print_result(text: str, payload: dict[str, Any] | None) -> None:
    """A command's result on stdout: ``text``, or ``payload`` as JSON when given, never with a raw
    control character."""
    from ..common.safe_text import safe_json, strip_controls

    print(strip_controls(text) if payload is None else safe_json(payload, ensure_ascii=False, indent=2))
    sys.stdout.flush()  # a full disk behind stdout shows here, while the caller can still keep the text


def keep_and_print(drafter: "Drafter", text: str, what: str, payload: dict[str, Any] | None) -> str:
    """Keep ``text`` on disk, then print it (or ``payload`` as JSON, with ``"kept"``: the file);
    returns "kept in <path>" (or why no place took it) for the one stderr line."""
    kept = drafter.keep_unsaved(text, what)
    if payload is not None:
        payload = {**payload, "kept": None if kept.path is None else str(kept.path)}
    try:
        print_result(text, payload)
    except OutputError as exc:
        raise OutputError(f"{exc}; the {what} text is {kept.where()}") from None
    return kept.where()


def voice_line(use: "VoiceUse", offline: bool) -> str:
    """The stderr line naming the voice a draft used: "voice: 48 posts, 4 examples (2026-05-02,
    ...)" (an undated example by its id), or the profile alone."""
    if offline:
        return f"{use.label}, no examples (the offline engine follows the profile only)"
    if not use.examples:
        return f"{use.label}, no examples (no post fits the examples' token budget)"
    which = ", ".join(f"{e.date:%Y-%m-%d}" if e.date is not None else e.id for e in use.examples)
    n = len(use.examples)
    return f"{use.label}, {n} example{'s' if n != 1 else ''} ({which})"


def voice_json(use: "VoiceUse | None") -> dict[str, Any] | None:
    """The ``"voice"`` of ``--json``: how many posts the voice has and the examples sent (id, date,
    BM25 score), or None when the draft used no voice."""
    if use is None:
        return None
    return {"posts": use.profile.posts,
            "examples": [{"id": e.id, "date": e.date.isoformat() if e.date else None, "score": e.score}
                         for e in use.examples]}

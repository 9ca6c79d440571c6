"""Domain errors. Each carries one line a user can act on.

The CLI prints ``str(error)`` on one line and exits with ``error.exit_code``;
the TUI shows it as a notification. Tracebacks only with ``--debug``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from .safe_text import one_line, strip_controls
from .urls import redact_urls

if TYPE_CHECKING:  # errors is imported on every path: pydantic is loaded only by whoever validates
    from pydantic import ValidationError


class DrafterError(Exception):
    """Base class: a failure with a one-line, actionable message."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        # One line, always: a multi-line message would break the CLI contract. Messages quote
        # paths, URLs and server replies, so control codes go too (they would reach the terminal),
        # and every URL loses its user info and query (a key there must not show, in the CLI or
        # the app).
        super().__init__(one_line(redact_urls(strip_controls(str(message)))))

    @property
    def message(self) -> str:
        return str(self)


class InputError(DrafterError):
    """The user gave us something we cannot use (exit 2)."""

    exit_code = 2


class ConfigError(InputError):
    """A setting, flag or config file is invalid."""


class SourceError(InputError):
    """The topic, text, file or URL cannot be turned into source text."""


class TemplateError(InputError):
    """A prompt template is invalid or cannot be rendered."""


class TemplateWriteError(DrafterError):
    """A template file cannot be written (disk full, read-only, a folder in the way): a
    failure (exit 1), not bad input."""


class StoreError(DrafterError):
    """A draft cannot be read or written."""


class DraftNotFound(StoreError):
    exit_code = 2


class VoiceError(DrafterError):
    """The workspace's voice file cannot be read or written (exit 1; a bad import is an InputError)."""


class TokenizerError(DrafterError):
    """No tokenizer could be built (never replaced by a character estimate)."""


class EngineError(DrafterError):
    """An engine failed. ``kind`` is a stable machine-readable tag.

    ``partial`` is the model's text that had arrived when the failure happened (an answer cut
    off, unreadable, too slow for the deadline, too long, or a stream that broke), "" if none.
    An engine never drops it: whoever shows the error must also show or keep that text
    (the CLI prints it and writes it under ``drafts/.unsaved/``, see :mod:`drafter.storage.unsaved`).
    """

    kind = "engine"

    def __init__(self, message: str, *, kind: str | None = None, partial: str = "") -> None:
        super().__init__(message)
        if kind is not None:
            self.kind = kind
        self.partial = partial
        self.usage: Any = None
        """The engine's ``Usage`` (prompt and completion tokens) of every answer of the failed
        generation, billed though no draft came of them; None when nothing was counted."""

    @property
    def tokens(self) -> int:
        """Prompt and completion tokens of :attr:`usage` (0 when none)."""
        return 0 if self.usage is None else self.usage.total


class OutputParseError(EngineError):
    """The model answered, but no parser accepted the answer (or it was cut off).

    ``raw`` (the same as ``partial``) holds the model's text so the user can still edit it.
    """

    kind = "unparseable"

    def __init__(self, message: str, *, raw: str, kind: str | None = None) -> None:
        super().__init__(message, kind=kind, partial=raw)

    @property
    def raw(self) -> str:
        return self.partial


class FirstProblem(NamedTuple):
    """The first problem of a pydantic ``ValidationError``, in the pieces callers word it from."""

    loc: tuple[str | int, ...]
    """Where, as pydantic gives it (``("layout", "bullet")``); empty for the model itself."""
    kind: str
    """pydantic's error type: "missing", "extra_forbidden", "string_too_long"..."""
    message: str
    """pydantic's message, without the "Value error, " it puts before a validator's own words."""

    @property
    def where(self) -> str:
        """The location dotted: "layout.bullet", "takeaways.0"; "" for the model itself."""
        return ".".join(str(p) for p in self.loc)

    def line(self, whole: str = "") -> str:
        """"where: message"; ``whole`` names the place when the problem is in no one field
        (without it such a line is the message alone)."""
        place = self.where or whole
        return f"{place}: {self.message}" if place else self.message


def first_problem(exc: "ValidationError") -> FirstProblem:
    """The first problem of ``exc`` (pydantic lists them in field order)."""
    err = exc.errors()[0]
    return FirstProblem(tuple(err["loc"]), err["type"], err["msg"].removeprefix("Value error, "))


def first_error(exc: "ValidationError", whole: str = "") -> str:
    """The first problem of ``exc`` as one line, "field: message" (see :meth:`FirstProblem.line`)."""
    return first_problem(exc).line(whole)

"""One state of the open draft, and the undo history of those states. Plain data, no Textual.

A :class:`DraftState` is immutable: every edit makes a new one, so the undo history, a
cancelled generation and a saved copy can never share (and corrupt) a mutable object.

Parts as the user edits them may be incomplete: a field cleared by the user is empty, and
the post is then assembled without it (what the field shows is what the post holds).
:func:`edit_parts` applies one field's value with the model's own normalisation
(:meth:`drafter.models.post.Parts.replace`) but lets a field be empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from ..engines.base import DraftResult
    from ..models.draft import PlatformVersion
    from ..models.post import Layout, Parts
    from ..service.drafting import Job


@dataclass(frozen=True)
class DraftState:
    """What the user sees in the editor: parts, the hand-typed whole post, where they came from,
    and the post's versions for the other platforms."""

    parts: "Parts | None" = None
    text: str | None = None
    """The whole post as the user typed it; it wins over the parts until re-assembled."""
    job: "Job | None" = None
    result: "DraftResult | None" = None
    versions: "Mapping[str, PlatformVersion]" = field(default_factory=dict)
    """The draft's platform versions by platform (never LinkedIn: its post is the one above).
    Replaced, never changed in place: a new mapping with each edit."""

    def with_(self, **changes: Any) -> "DraftState":
        return replace(self, **changes)


def edit_parts(parts: "Parts", part: str, value: str | list[str]) -> tuple["Parts", str | None]:
    """``parts`` with one field changed, and a line about a problem with the value (or None).

    An empty or unusable value leaves the field empty (never the previous value): the post
    then has no such block, and the linter says what is missing. (An empty extra is simply
    dropped: the model allows that.)
    """
    from pydantic import ValidationError

    from ..common.errors import first_problem
    from ..models.post import Parts

    if part == "hashtags" and isinstance(value, str):
        from .session import parse_hashtags

        value = parse_hashtags(value) if value.strip() else []
    try:
        return parts.replace(part, value), None
    except ValidationError as exc:
        blank = not any(str(v).strip() for v in value) if isinstance(value, list) else not value.strip()
        if blank:
            message = f"empty (the post has no {part} now)"
        else:
            message = first_problem(exc).message
        return parts.replace(part, Parts.blank().get(part), validate=False), f"{part}: {message}"


def problems(parts: "Parts") -> list[str]:
    """What is missing from parts the user edited (empty fields)."""
    from ..models.post import PART_NAMES

    return [f"{p} is empty" for p in PART_NAMES if not parts.get(p)]


def valid_parts(parts: "Parts | None") -> "Parts | None":
    """The parts as a validated model, or None when a field is empty (they are then saved as text only)."""
    from pydantic import ValidationError

    from ..models.post import Parts

    if parts is None:
        return None
    try:
        return Parts.model_validate(dict(parts))
    except ValidationError:
        return None


def assemble_lenient(parts: "Parts", layout: "Layout") -> str:
    """:func:`drafter.models.post.assemble`, for parts that may have empty fields."""
    from ..models.post import assemble

    if not parts.question and layout.question_prefix:
        layout = layout.model_copy(update={"question_prefix": ""})
    return assemble(parts, layout)


def replace_part(parts: "Parts", part: str, new: "Parts") -> "Parts":
    """``parts`` with ``part`` taken from ``new`` (a regenerated post), every other part kept."""
    value = new.get(part, None)
    return parts if value is None else parts.replace(part, value, validate=False)


class History:
    """Undo/redo over whole :class:`DraftState` values. Consecutive edits of one field
    (same ``key``) collapse into one step; a generation is always its own step."""

    def __init__(self, limit: int = 200) -> None:
        self.limit = limit
        self._items: list[DraftState] = []
        self._index = -1
        self._last_key: str | None = None

    def reset(self, state: DraftState | None) -> None:
        self._items = [state] if state is not None else []
        self._index = len(self._items) - 1
        self._last_key = None

    def push(self, state: DraftState, key: str | None = None) -> None:
        at_top = self._index == len(self._items) - 1
        if key is not None and key == self._last_key and at_top and len(self._items) > 1:
            self._items[self._index] = state
            return
        del self._items[self._index + 1 :]
        self._items.append(state)
        if len(self._items) > self.limit:
            del self._items[0]
        self._index = len(self._items) - 1
        self._last_key = key

    def break_group(self) -> None:
        """The next push starts a new undo step even for the same field."""
        self._last_key = None

    @property
    def can_undo(self) -> bool:
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._items) - 1

    def undo(self) -> DraftState | None:
        if not self.can_undo:
            return None
        self._index -= 1
        self._last_key = None
        return self._items[self._index]

    def redo(self) -> DraftState | None:
        if not self.can_redo:
            return None
        self._index += 1
        self._last_key = None
        return self._items[self._index]

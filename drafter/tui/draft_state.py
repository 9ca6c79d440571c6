"""One state of the open draft, and the undo history of those states. Plain data, no Textual.

A :class:`DraftState` is immutable: every edit makes a new one, so the undo history, a
cancelled generation and a saved copy can never share (and corrupt) a mutable object.

Parts as the user edits them may be incomplete: a field cleared by the user is empty, and
the post is then assembled without it (what the field shows is what the post holds).
:func:`edit_parts` applies one field's value with the model's own normalisation
(:class:`drafter.post.Parts` validators) but lets a field be empty.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..drafting import Job
    from ..engines.base import DraftResult
    from ..post import Layout, Parts

STANDARD_PARTS = ("hook", "takeaways", "question", "hashtags")
_EMPTY: dict[str, Any] = {"hook": "", "takeaways": [], "question": "", "hashtags": []}


@dataclass(frozen=True)
class DraftState:
    """What the user sees in the editor: parts, the hand-typed whole post, and where they came from."""

    parts: "Parts | None" = None
    text: str | None = None
    """The whole post as the user typed it; it wins over the parts until re-assembled."""
    job: "Job | None" = None
    result: "DraftResult | None" = None

    def with_(self, **changes: Any) -> "DraftState":
        return replace(self, **changes)


def _normalise(part: str, value: Any) -> tuple[Any, str | None]:
    """``value`` as the parts model would store it, or empty with the model's complaint."""
    from pydantic import ValidationError

    from ..errors import first_problem
    from ..post import Parts

    try:
        validated = Parts.__pydantic_validator__.validate_assignment(
            Parts.model_construct(**_EMPTY), part, value)  # fmt: skip
    except ValidationError as exc:
        return _EMPTY[part], f"{part}: {first_problem(exc).message}"
    return getattr(validated, part), None


def edit_parts(parts: "Parts", part: str, value: str | list[str]) -> tuple["Parts", str | None]:
    """``parts`` with one field changed, and a line about a problem with the value (or None).

    An empty or unusable value leaves the field empty (never the previous value): the post
    then has no such block, and the linter says what is missing.
    """
    from ..post import Parts
    from ..safe_text import one_line

    if part in STANDARD_PARTS:
        if part == "hashtags" and isinstance(value, str):
            from .session import parse_hashtags

            value = parse_hashtags(value) if value.strip() else []
        if (isinstance(value, str) and not value.strip()) or (isinstance(value, list) and not any(
                str(v).strip() for v in value)):  # fmt: skip
            normalised, problem = _EMPTY[part], f"{part}: empty (the post has no {part} now)"
        else:
            normalised, problem = _normalise(part, value)
        data = {**dict(parts), part: normalised}
    else:
        extras = dict(parts.extras)
        text = one_line(" ".join(value) if isinstance(value, list) else value)
        if text:
            extras[part] = text
        else:
            extras.pop(part, None)
        data, problem = {**dict(parts), "extras": extras}, None
    return Parts.model_construct(**data), problem


def problems(parts: "Parts") -> list[str]:
    """What is missing from parts the user edited (empty fields)."""
    return [f"{p} is empty" for p in STANDARD_PARTS if not getattr(parts, p)]


def valid_parts(parts: "Parts | None") -> "Parts | None":
    """The parts as a validated model, or None when a field is empty (they are then saved as text only)."""
    from pydantic import ValidationError

    from ..post import Parts

    if parts is None:
        return None
    try:
        return Parts.model_validate(dict(parts))
    except ValidationError:
        return None


def assemble_lenient(parts: "Parts", layout: "Layout") -> str:
    """:func:`drafter.post.assemble`, for parts that may have empty fields."""
    from ..post import assemble

    if not parts.question and layout.question_prefix:
        layout = layout.model_copy(update={"question_prefix": ""})
    return assemble(parts, layout)


def replace_part(parts: "Parts", part: str, new: "Parts") -> "Parts":
    """``parts`` with ``part`` taken from ``new`` (a regenerated post), every other part kept."""
    from ..post import Parts

    data = dict(parts)
    if part in STANDARD_PARTS:
        data[part] = getattr(new, part)
    else:
        extras = dict(parts.extras)
        if part in new.extras:
            extras[part] = new.extras[part]
        data["extras"] = extras
    return Parts.model_construct(**data)


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

"""What the app is editing, as plain data: no Textual here, so it is tested without a terminal.

A :class:`Session` holds the job, the parts, the whole-post text when the user edited it by
hand, the undo history of parts and the draft record. Widgets read it and call its methods;
the drafting itself stays in :mod:`drafter.drafting`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..drafting import Job
    from ..post import Layout, Parts, Stats
    from ..engines.base import DraftResult
    from ..sources import Source
    from ..store import Draft

TOPIC_MAX_CHARS = 300
"""A single line up to this long is a topic; anything longer or on several lines is an article."""
HASHTAGS_ADVICE = (3, 5)
"""The usual advice on hashtag count (a default, not a platform rule)."""

# drafter.post (pydantic) is imported inside the functions: this module is on the path of the
# first frame, and pydantic is not needed until there is a post.


def source_from_input(text: str, loaded: "Source | None" = None) -> "Source":
    """The source the compose box describes.

    A file or URL opened earlier is used as long as the box still holds its text; otherwise a
    short single line is a topic and anything else is a pasted article.
    """
    from .. import sources

    if loaded is not None and text.strip() == (loaded.text or loaded.topic).strip():
        return loaded
    stripped = text.strip()
    if "\n" not in stripped and len(stripped) <= TOPIC_MAX_CHARS:
        return sources.from_topic(stripped)
    return sources.from_text(text)


def describe_input(text: str) -> str:
    """One line under the source box: how the text will be used."""
    stripped = text.strip()
    if not stripped:
        return "Type a topic, paste an article, or press ctrl+o to open a file or URL."
    if "\n" not in stripped and len(stripped) <= TOPIC_MAX_CHARS:
        return f"Topic ({len(stripped)} chars)"
    return f"Article: {len(stripped.split()):,} words, {len(stripped):,} chars"


def parse_hashtags(value: str) -> list[str]:
    """Hashtags typed in one field ("#AI ml, Ethics") as normalised tags."""
    from ..post import normalise_hashtags

    pieces = [p for p in value.replace(",", " ").split() if p]
    return normalise_hashtags(pieces)


# ---- undo history ---------------------------------------------------------------------


class History:
    """Snapshots of parts. Consecutive edits of the same field collapse into one step."""

    def __init__(self, limit: int = 200) -> None:
        self.limit = limit
        self._items: list[Parts] = []
        self._index = -1
        self._last_key: str | None = None

    def reset(self, parts: Parts | None) -> None:
        self._items = [parts] if parts is not None else []
        self._index = len(self._items) - 1
        self._last_key = None

    def push(self, parts: Parts, key: str | None = None) -> None:
        at_top = self._index == len(self._items) - 1
        if key is not None and key == self._last_key and at_top and len(self._items) > 1:
            self._items[self._index] = parts
            return
        del self._items[self._index + 1 :]
        self._items.append(parts)
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

    def undo(self) -> Parts | None:
        if not self.can_undo:
            return None
        self._index -= 1
        self._last_key = None
        return self._items[self._index]

    def redo(self) -> Parts | None:
        if not self.can_redo:
            return None
        self._index += 1
        self._last_key = None
        return self._items[self._index]


# ---- the session ----------------------------------------------------------------------


@dataclass
class Snapshot:
    """What to put back after a cancelled or failed request."""

    parts: Parts | None
    text_override: str | None
    result: "DraftResult | None"
    job: "Job | None"


@dataclass
class Session:
    job: "Job | None" = None
    result: "DraftResult | None" = None
    parts: Parts | None = None
    text_override: str | None = None
    """The whole post as the user typed it; wins over the parts until re-assembled."""
    draft: "Draft | None" = None
    """The open draft (in memory; saved when :attr:`saved_state` matches)."""
    loaded: "Source | None" = None
    """A file or URL opened into the compose box."""
    history: History = field(default_factory=History)
    edited: bool = False
    """The user changed parts or text since the last generation."""
    saved_state: tuple[Any, ...] | None = None

    # -- reading ----------------------------------------------------------------------
    @property
    def layout(self) -> "Layout":
        from ..post import Layout

        return self.job.layout if self.job is not None else Layout()

    @property
    def assembled(self) -> str:
        from ..post import assemble

        return assemble(self.parts, self.layout) if self.parts is not None else ""

    @property
    def post_text(self) -> str:
        """What is saved, copied and previewed."""
        return self.text_override if self.text_override is not None else self.assembled

    @property
    def has_post(self) -> bool:
        return bool(self.post_text.strip())

    @property
    def has_user_edits(self) -> bool:
        return self.has_post and (self.edited or self.text_override is not None)

    def state(self) -> tuple[Any, ...]:
        return (self.parts.model_dump_json() if self.parts else None, self.post_text)

    @property
    def dirty(self) -> bool:
        return self.has_post and self.state() != self.saved_state

    def snapshot(self) -> Snapshot:
        return Snapshot(self.parts, self.text_override, self.result, self.job)

    def restore(self, snap: Snapshot) -> None:
        self.parts, self.text_override, self.result, self.job = (
            snap.parts, snap.text_override, snap.result, snap.job)  # fmt: skip

    # -- edits ------------------------------------------------------------------------
    def edit_part(self, part: str, value: str | list[str]) -> str | None:
        """Apply a typed change to one part. Returns an error line if the value is unusable
        (the last good value is kept), else None."""
        from pydantic import ValidationError

        from ..post import Parts

        if self.parts is None:
            return "generate a draft first"
        data = self.parts.model_dump()
        if part == "hashtags" and isinstance(value, str):
            value = parse_hashtags(value)
            if not value:
                return "hashtags: type at least one, e.g. #Leadership"
        if part in data and part != "extras":
            data[part] = value
        else:
            extras = dict(data["extras"])
            if str(value).strip():
                extras[part] = str(value)
            else:
                extras.pop(part, None)
            data["extras"] = extras
        try:
            parts = Parts.model_validate(data)
        except ValidationError as exc:
            return f"{part}: {exc.errors()[0]['msg'].removeprefix('Value error, ')}"
        if parts == self.parts:
            return None
        self.parts = parts
        self.edited = True
        self.history.push(parts, key=part)
        return None

    def set_parts(self, parts: Parts, *, record: bool = True) -> None:
        self.parts = parts
        self.edited = True
        if record:
            self.history.break_group()
            self.history.push(parts)
            self.history.break_group()

    def set_text(self, text: str) -> None:
        """The user edited the whole post."""
        if self.text_override is None and text == self.assembled:
            return
        self.text_override = text
        self.edited = True

    def reassemble(self) -> None:
        self.text_override = None

    def undo(self) -> Parts | None:
        parts = self.history.undo()
        if parts is not None:
            self.parts = parts
            self.edited = True
        return parts

    def redo(self) -> Parts | None:
        parts = self.history.redo()
        if parts is not None:
            self.parts = parts
            self.edited = True
        return parts

    # -- results ----------------------------------------------------------------------
    def apply_generation(self, job: "Job", result: "DraftResult") -> None:
        self.job, self.result, self.parts = job, result, result.parts
        self.text_override = None
        self.edited = False
        self.history.break_group()
        self.history.push(result.parts)
        self.history.break_group()

    def replace_part(self, part: str, new: Parts) -> Parts:
        """Take ``part`` from ``new`` (a regenerated post) and keep every other part as it is now."""
        assert self.parts is not None
        if part in ("hook", "takeaways", "question", "hashtags"):
            parts = self.parts.model_copy(update={part: getattr(new, part)})
        else:
            extras = dict(self.parts.extras)
            if part in new.extras:
                extras[part] = new.extras[part]
            parts = self.parts.model_copy(update={"extras": extras})
        self.set_parts(parts)
        return parts

    def load_draft(self, draft: "Draft", job: "Job | None") -> None:
        self.job, self.result, self.draft = job, None, draft
        self.parts = draft.parts
        self.text_override = None
        if draft.parts is None or (draft.text and draft.text != self.assembled):
            self.text_override = draft.text
        self.edited = False
        self.history.reset(self.parts)
        self.saved_state = self.state()

    def mark_saved(self, draft: "Draft") -> None:
        self.draft = draft
        self.saved_state = self.state()

    def draft_for(self, kind: str, note: str = "") -> "Draft":
        """The open draft with the current parts and text, as revision ``kind``."""
        assert self.draft is not None
        engine = self.result.engine if self.result and kind in ("generate", "regenerate", "variant") else None
        model = self.result.model if engine else None
        return self.draft.revise(kind, parts=self.parts, text=self.post_text,  # type: ignore[arg-type]
                                 engine=engine, model=model, note=note)  # fmt: skip

    def save_kind(self) -> str:
        """ "edit" when the text or parts differ from the draft's last revision, else "save"."""
        if self.draft is None:
            return "save"
        same = self.draft.text == self.post_text and self.draft.parts == self.parts
        return "save" if same else "edit"


# ---- what the preview shows -----------------------------------------------------------


def quick_warnings(stats: "Stats", text: str, *, mobile: bool = False) -> list[str]:
    """The checks cheap enough for every keystroke (the linter runs debounced)."""
    from ..post import FOLD_DESKTOP, FOLD_MOBILE, MAX_CHARS

    if not text.strip():
        return []
    out: list[str] = []
    fold = FOLD_MOBILE if mobile else FOLD_DESKTOP
    where = "mobile" if mobile else "desktop"
    if stats.hook_chars > fold:
        out.append(f"Hook is {stats.hook_chars} chars: it runs past the “…see more” fold ({fold} on {where}).")
    if stats.over_limit:
        out.append(f"{stats.chars:,} chars: {stats.over_limit:,} over LinkedIn's {MAX_CHARS:,} limit.")
    low, high = HASHTAGS_ADVICE
    if stats.hashtags == 0:
        out.append("No hashtags: add 3–5 specific ones.")
    elif stats.hashtags > high:
        out.append(f"{stats.hashtags} hashtags: {low}–{high} is the usual advice.")
    if "?" not in text:
        out.append("No question: end with a specific question to invite comments.")
    return out


def counters_line(stats: "Stats", usage: tuple[int, int] | None) -> str:
    from ..post import MAX_CHARS

    seconds = stats.reading_seconds
    read = f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"
    tokens = f"tokens {usage[0]:,} in · {usage[1]:,} out" if usage and any(usage) else "tokens —"
    return (f"{stats.chars:,}/{MAX_CHARS:,} chars · {stats.words:,} words · "
            f"{stats.hashtags} hashtags · {read} read · {tokens}")  # fmt: skip

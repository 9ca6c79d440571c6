"""What the app is editing, as plain data: no Textual here, so it is tested without a terminal.

A :class:`Session` is the one model of the open draft: the current :class:`DraftState`
(parts, the whole-post text when the user edited it by hand, job, result, the versions for
other platforms), the undo history of those states, a pending generation, the template and its
variables, the draft record, and which platform the preview shows.
Every change is a method call; the screen renders from it. The drafting itself stays in
:mod:`drafter.service.drafting`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from .draft_state import DraftState, History, assemble_lenient, edit_parts, problems, replace_part, valid_parts

if TYPE_CHECKING:
    from ..engines.base import DraftResult
    from ..lint import LintReport
    from ..models.draft import Draft, PlatformVersion
    from ..models.platforms import PlatformName
    from .versions import CopyStep
    from ..models.post import Layout, Parts, Stats
    from ..models.source import Source
    from ..service.drafting import Drafter, Job

__all__ = ["DraftState", "History", "Pending", "Session", "counters_line", "describe_input", "lint_post",
           "parse_hashtags", "shown_value", "source_from_input"]

TOPIC_MAX_CHARS = 300
"""A single line up to this long is a topic; anything longer or on several lines is an article."""

# drafter.models.post (pydantic) is imported inside the functions: this module is on the path of the
# first frame, and pydantic is not needed until there is a post.


def source_from_input(text: str, loaded: "Source | None" = None) -> "Source":
    """The source the compose box describes.

    A file or URL opened earlier is used as long as the box still holds its text; otherwise a
    short single line is a topic and anything else is a pasted article.
    """
    from ..sources import inputs as sources

    if loaded is not None and text.strip() == (loaded.text or loaded.topic).strip():
        return loaded
    stripped = text.strip()
    if "\n" not in stripped and len(stripped) <= TOPIC_MAX_CHARS:
        return sources.from_topic(stripped)
    return sources.from_text(text)


def source_for_post(text: str, loaded: "Source | None", post: str) -> "Source":
    """The source of a post typed by hand, never generated: the compose box's (see
    :func:`source_from_input`), else the post's first line as a topic."""
    if text.strip():
        return source_from_input(text, loaded)
    from ..sources import inputs as sources

    return sources.from_topic(post.split("\n", 1)[0][:200])


def describe_input(text: str) -> str:
    """One line under the source box: how the text will be used."""
    stripped = text.strip()
    if not stripped:
        return "Type a topic or paste an article (ctrl+o: a file or URL)."
    if "\n" not in stripped and len(stripped) <= TOPIC_MAX_CHARS:
        return f"Topic ({len(stripped)} chars)"
    return f"Article: {len(stripped.split()):,} words, {len(stripped):,} chars"


def parse_hashtags(value: str) -> list[str]:
    """Hashtags typed in one field ("#AI ml, Ethics") as normalised tags."""
    from ..models.post import normalise_hashtags

    pieces = [p for p in value.replace(",", " ").split() if p]
    return normalise_hashtags(pieces)


# ---- the session ----------------------------------------------------------------------


@dataclass
class Pending:
    """A generation streaming in: shown in the fields it writes, never in the draft until accepted."""

    kind: str
    """"generate", "regenerate" or "variants"."""
    parts: frozenset[str]
    """The parts being written (locked for editing)."""
    before: DraftState
    """The draft when the request started (what a cancel leaves on screen)."""
    values: dict[str, Any] = field(default_factory=dict)
    """What has streamed in so far, by part."""


class Session:
    """The open draft: the only truth the main screen renders from.

    Every change is a method here (a command); widgets only report what the user did.
    The post text, the counters, the lint, copy, export, save and autosave all read
    :attr:`post_text`, so they cannot disagree.
    """

    def __init__(self, *, job: "Job | None" = None, result: "DraftResult | None" = None,
                 parts: "Parts | None" = None, text_override: str | None = None) -> None:
        self.state = DraftState(parts, text_override, job, result)
        self.history = History()
        self.history.reset(self.state)
        self._base = self.state
        """The state as last generated or opened (to tell whether the user edited since)."""
        self.pending: Pending | None = None
        self.draft: "Draft | None" = None
        """The open draft record (in memory; saved when :attr:`saved_state` matches)."""
        self.loaded: "Source | None" = None
        """A file or URL opened into the compose box."""
        self.saved_state: tuple[Any, ...] | None = None
        self.on_disk = False
        """The draft has a file in the drafts folder (written or opened from it)."""
        self.disk_stamp: tuple[int, int] | None = None
        """(mtime_ns, size) of that file when this app last read or wrote it: a save over a
        file that changed since (another drafter) asks first."""
        self.template: str | None = None
        self.template_defaults: dict[str, str] = {}
        """The current template's variables, as the form shows them."""
        self.user_variables: dict[str, str] = {}
        """Variables the user typed (kept across templates that have them)."""
        self.platform: "PlatformName" = "linkedin"
        """The platform the preview shows (and the editor and copy work on)."""
        self.copy_index: dict[str, int] = {}
        """By platform: the thread's post the next copy takes (0-based)."""

    # -- reading ----------------------------------------------------------------------
    @property
    def parts(self) -> "Parts | None":
        return self.state.parts

    @property
    def text_override(self) -> str | None:
        return self.state.text

    @property
    def job(self) -> "Job | None":
        return self.state.job

    @property
    def result(self) -> "DraftResult | None":
        return self.state.result

    @property
    def layout(self) -> "Layout":
        from ..models.post import Layout

        return self.job.layout if self.job is not None else Layout()

    @property
    def assembled(self) -> str:
        return assemble_lenient(self.parts, self.layout) if self.parts is not None else ""

    @property
    def post_text(self) -> str:
        """What is previewed, counted, linted, copied, exported, saved and autosaved."""
        return self.text_override if self.text_override is not None else self.assembled

    @property
    def versions(self) -> "Mapping[str, PlatformVersion]":
        """The post's versions for the other platforms (part of the draft, undone and saved with it)."""
        return self.state.versions

    @property
    def version(self) -> "PlatformVersion | None":
        """The version of the platform shown (None on LinkedIn, or not adapted yet)."""
        return self.state.versions.get(self.platform)

    @property
    def usage(self) -> tuple[int, int] | None:
        result = self.result
        return (result.usage.prompt_tokens, result.usage.completion_tokens) if result else None

    @property
    def has_post(self) -> bool:
        return bool(self.post_text.strip())

    @property
    def busy_parts(self) -> frozenset[str]:
        return self.pending.parts if self.pending is not None else frozenset()

    @property
    def has_user_edits(self) -> bool:
        """The user changed the LinkedIn post, or edited a version by hand, since it was generated or opened."""
        state, base = self.state, self._base
        edited_versions = any(v.edited and base.versions.get(k) != v for k, v in state.versions.items())
        return self.has_post and ((state.parts, state.text) != (base.parts, base.text) or edited_versions)

    @property
    def shown_parts(self) -> "Parts | None":
        """The fields as the editor shows them: the draft, with a pending stream over its parts."""
        if self.pending is None or not self.pending.values:
            return self.parts
        from ..models.post import Parts

        parts = self.parts if self.parts is not None else Parts.blank()
        for part, value in self.pending.values.items():
            parts = parts.replace(part, value, validate=False)  # a stream's values so far, as they are
        return parts

    def problems(self) -> list[str]:
        """Empty parts (the post is assembled without them)."""
        return problems(self.parts) if self.parts is not None and self.text_override is None else []

    def state_key(self) -> tuple[Any, ...]:
        parts = self.parts
        versions = tuple((k, tuple(v.posts), v.edited, v.adapted_from) for k, v in sorted(self.versions.items()))
        return (json.dumps(dict(parts), sort_keys=True) if parts is not None else None, self.post_text, versions)

    @property
    def dirty(self) -> bool:
        """Could something be lost? The post differs from what is saved, or undo went back past
        it (an empty editor whose draft ctrl+y would bring back)."""
        return (self.has_post or self.history.can_redo) and self.state_key() != self.saved_state

    @property
    def shown_title(self) -> str | None:
        """The open draft's title as the header shows it: the user's, else the one the current
        hook gives (the same rule as the library's, so undo and a picked hook show at once)."""
        if self.draft is None:
            return None
        from ..models.titles import resolve_title

        hook = self.parts.hook if self.parts is not None else ""
        return resolve_title(self.draft.title, self.draft.title_set, self.post_text, hook, self.draft.source)[0]

    # -- edits (commands) ---------------------------------------------------------------
    def _commit(self, state: DraftState, key: str | None = None) -> bool:
        if state == self.state:
            return False
        self.state = state
        self.history.push(state, key)
        return True

    def edit_part(self, part: str, value: str | list[str], *, structural: bool = False) -> str | None:
        """Apply what the user typed in one field; the post follows it (an empty field is an
        empty block). Returns a line about a problem with the value, else None."""
        if self.parts is None:
            return "generate a draft first"
        if part in self.busy_parts:
            return f"{part}: being written by the engine"
        parts, problem = edit_parts(self.parts, part, value)
        if structural:
            self.history.break_group()
        self._commit(self.state.with_(parts=parts), key=None if structural else part)
        if structural:
            self.history.break_group()
        return problem

    def clear_part(self, part: str) -> str | None:
        return self.edit_part(part, [] if part in ("takeaways", "hashtags") else "")

    def set_text(self, text: str) -> None:
        """The user edited the whole post. Text equal to the post assembled from the parts is no
        hand edit (e.g. the Post box's own undo back to it): the post follows the parts again."""
        if self.pending is not None:
            return  # the post box is read-only while a request runs
        if text == self.assembled and (self.parts is not None or self.text_override is None):
            self._commit(self.state.with_(text=None), key="text")
            return
        self._commit(self.state.with_(text=text), key="text")

    def reassemble(self) -> None:
        """Drop the hand edits of the whole post: it follows the parts again (one undo step)."""
        self.history.break_group()
        self._commit(self.state.with_(text=None))
        self.history.break_group()

    # -- platform versions ---------------------------------------------------------------
    def _set_version(self, version: "PlatformVersion", key: str | None = None) -> bool:
        return self._commit(self.state.with_(versions={**self.versions, version.platform: version}), key=key)

    def edit_version(self, platform: "PlatformName", posts: list[str]) -> bool:
        """The user edited ``platform``'s posts by hand (consecutive edits: one undo step)."""
        from ..models.draft import PlatformVersion

        old = self.versions.get(platform)
        if old is not None and old.posts == posts:
            return False
        return self._set_version(PlatformVersion.edited_by_hand(platform, posts, old), key=f"version:{platform}")

    def accept_version(self, platform: "PlatformName", posts: list[str], text: str, *, engine: str | None,
                       model: str | None) -> None:
        """An engine adapted ``text`` (the LinkedIn post when the request started) for ``platform``:
        it replaces that version in one undo step, and copying starts again at its first post."""
        from ..models.draft import PlatformVersion

        self.history.break_group()
        self._set_version(PlatformVersion.adapted(platform, posts, text, engine=engine, model=model))
        self.history.break_group()
        self.copy_index[platform] = 0

    def next_copy(self) -> "CopyStep | None":
        """What the copy key takes on the platform shown, and the thread moves on to its next
        post; None when there is nothing to copy."""
        from .versions import CopyStep, copy_step

        if self.platform == "linkedin":
            return CopyStep(self.post_text, 0, 1) if self.has_post else None
        version = self.version
        if version is None:
            return None
        step = copy_step(version, self.copy_index.get(self.platform, 0))
        self.copy_index[self.platform] = (step.index + 1) % step.total
        return step

    @property
    def copy_position(self) -> int | None:
        """The index of the post the next copy takes on the platform shown (None: no thread)."""
        version = self.version
        if version is None or len(version.posts) < 2:
            return None
        return self.copy_index.get(self.platform, 0) % len(version.posts)

    def undo(self) -> bool:
        return self._step(self.history.undo())

    def redo(self) -> bool:
        return self._step(self.history.redo())

    def _step(self, state: DraftState | None) -> bool:
        """Go to ``state``, a step back or forward in the history; False when there is none."""
        if state is None:
            return False
        self.state = state
        return True

    # -- generations --------------------------------------------------------------------
    def begin(self, kind: str, parts: set[str] | frozenset[str]) -> None:
        self.pending = Pending(kind, frozenset(parts), self.state)

    def add_pending_parts(self, parts: set[str] | list[str]) -> None:
        if self.pending is not None:
            self.pending.parts = self.pending.parts | set(parts)

    def stream(self, part: str, value: Any) -> bool:
        """A part arrived (partly) from the engine: shown, not applied. True if it was taken."""
        if self.pending is None or part not in self.pending.parts:
            return False
        self.pending.values[part] = value
        return True

    def cancel(self) -> None:
        """Discard the pending generation: the draft is as it was."""
        self.pending = None

    def accept_generation(self, job: "Job", result: "DraftResult", *, keep_versions: bool = True) -> None:
        """A finished generation replaces the draft in one step (one undo entry). The platform
        versions stay (adapted from the post before, the preview says so) unless the generation
        starts another draft (``keep_versions`` False: ctrl+z brings them back)."""
        self.pending = None
        self.history.break_group()
        self._commit(DraftState(result.parts, None, job, result, self.versions if keep_versions else {}))
        self.history.break_group()
        self._base = self.state

    def accept_part(self, part: str, result: "DraftResult", job: "Job | None" = None) -> None:
        """A regenerated part replaces only that part (and the hand-typed text, agreed before);
        ``job``: the one it was written with, when not the draft's (the voice switched since)."""
        self.pending = None
        assert self.parts is not None
        self.history.break_group()
        parts = replace_part(self.parts, part, result.parts)
        self._commit(self.state.with_(parts=parts, text=None, result=result, job=job or self.job))
        self.history.break_group()

    def accept_hook(self, hook: str) -> str | None:
        """A picked hook variant (one undo step; the post follows the parts again)."""
        self.pending = None
        if self.parts is None:
            return "generate a draft first"
        parts, problem = edit_parts(self.parts, "hook", hook)
        if problem:
            return problem
        self.history.break_group()
        self._commit(self.state.with_(parts=parts, text=None))
        self.history.break_group()
        return None

    def use_text(self, text: str) -> None:
        """Text the user chose to edit by hand (e.g. an answer the parser could not read)."""
        self.pending = None
        self.history.break_group()
        self._commit(self.state.with_(text=text))
        self.history.break_group()

    # -- template and variables ---------------------------------------------------------
    def switch_template(self, name: str, variables: dict[str, Any]) -> dict[str, str]:
        """The template's variables as the form shows them: its defaults, except the ones the
        user typed (never the previous template's defaults)."""
        self.template = name
        self.template_defaults = {k: shown_value(v) for k, v in variables.items()}
        return self.variables

    @property
    def variables(self) -> dict[str, str]:
        return {k: self.user_variables.get(k, v) for k, v in self.template_defaults.items()}

    def set_variable(self, name: str, value: str) -> None:
        if name not in self.template_defaults:
            return
        if value.strip() == self.template_defaults[name] or not value.strip():
            self.user_variables.pop(name, None)
        else:
            self.user_variables[name] = value.strip()

    def overrides(self) -> dict[str, str]:
        """The variables that differ from the template's defaults (for Drafter.prepare)."""
        return {k: v for k, v in self.user_variables.items() if k in self.template_defaults}

    # -- drafts ---------------------------------------------------------------------------
    def load_draft(self, draft: "Draft", job: "Job | None") -> None:
        parts = draft.parts
        text = None
        if parts is None or (draft.text and draft.text != assemble_lenient(parts, job.layout if job else
                                                                          self.layout)):  # fmt: skip
            text = draft.text
        self.pending = None
        self.state = DraftState(parts, text, job, None, dict(draft.versions))
        self.history.reset(self.state)
        self._base = self.state
        self.draft = draft
        self.platform, self.copy_index = "linkedin", {}
        self.saved_state = self.state_key()
        self.on_disk = True

    def mark_saved(self, draft: "Draft", key: tuple[Any, ...] | None = None) -> None:
        """``draft`` was written; ``key`` is the :meth:`state_key` it was written from."""
        self.draft = draft
        self.saved_state = key if key is not None else self.state_key()
        self.on_disk = True

    def mark_unsaved(self) -> None:
        self.saved_state = None

    def draft_for(self, kind: str, note: str = "") -> "Draft":
        """The open draft with the current parts and text, as revision ``kind``.

        Parts with an empty field are not a valid parts record: the draft then keeps the text
        only (what the user sees), never older parts."""
        assert self.draft is not None
        engine = self.result.engine if self.result and kind in ("generate", "regenerate", "variant") else None
        model = self.result.model if engine else None
        parts = valid_parts(self.parts)
        draft = self.draft.revise(kind, parts=parts, text=self.post_text,  # type: ignore[arg-type]
                                  engine=engine, model=model, note=note)  # fmt: skip
        if parts is None and draft.parts is not None:
            draft = draft.model_copy(update={"parts": None})
        return with_versions(draft, self.versions)

    def save_kind(self) -> str:
        """ "edit" when the text or parts differ from the draft's last revision, else "save"."""
        if self.draft is None:
            return "save"
        same = self.draft.text == self.post_text and self.draft.parts == valid_parts(self.parts)
        return "save" if same else "edit"


def with_versions(draft: "Draft", versions: "Mapping[str, PlatformVersion]") -> "Draft":
    """``draft`` holding ``versions`` (the session's), each one that changed since the draft
    had it recorded as a revision: "edit" when the user edited it by hand, else "adapt"."""
    for name in sorted(set(draft.versions) | set(versions)):
        mine = versions.get(name)
        if mine is None:
            draft = draft.without_version(name)  # type: ignore[arg-type]  # undone since
        elif draft.versions.get(name) != mine:
            kind = "edit" if mine.edited else "adapt"
            draft = draft.put_version(mine, kind, engine=mine.engine if kind == "adapt" else None,
                                      model=mine.model if kind == "adapt" else None)  # fmt: skip
    return draft


def shown_value(value: Any) -> str:
    """A template variable as the form shows it (booleans as true/false)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def lint_post(drafter: "Drafter", session: Session) -> "LintReport | None":
    """The one lint of the post on screen: :meth:`Drafter.lint` with the workspace's settings and
    ``ai_tells.toml``, on every path (hand-edited posts and posts without a template too)."""
    text = session.post_text
    if not text.strip():
        return None
    parts = valid_parts(session.parts) if session.text_override is None else None
    return drafter.lint(session.job, parts, text)


# ---- what the preview shows -----------------------------------------------------------


def counters_line(stats: "Stats", usage: tuple[int, int] | None) -> str:
    from ..models.post import MAX_CHARS

    seconds = stats.reading_seconds
    read = f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"
    tokens = f"tokens {usage[0]:,} in · {usage[1]:,} out" if usage and any(usage) else "tokens —"
    return (f"{stats.chars:,}/{MAX_CHARS:,} chars · {stats.words:,} words · "
            f"{stats.hashtags} hashtags · {read} read · {tokens}")  # fmt: skip

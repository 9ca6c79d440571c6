"""Engine requests from the main screen: generate, regenerate one part, hook variants, open a
file or URL.

Each runs in an async worker on the event loop (so it may touch widgets), consumes the
engine's async generator, and only changes the session when it succeeds: a cancel or an
error leaves the source text and the user's edits exactly as they were.
"""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from textual import work
from textual.timer import Timer

from ...errors import DrafterError, EngineError, OutputParseError
from ..session import source_from_input

if TYPE_CHECKING:
    from ...drafting import Drafter, Job
    from ...engines.base import DraftResult, Event
    from ...sources import Source

F = TypeVar("F", bound=Callable[..., Any])


def when_ready(action: F) -> F:
    """Keys pressed while the screen is still building (the first ~100 ms) are not lost: the
    action runs as soon as the editor and preview are mounted."""

    @functools.wraps(action)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self.ready:
            return action(self, *args, **kwargs)
        self.deferred.append(functools.partial(action, self, *args, **kwargs))
        return None

    return wrapper  # type: ignore[return-value]


GROUP = "generate"
HOOK_VARIANTS = 5
STANDARD_PARTS = ("hook", "takeaways", "question", "hashtags")


def same_source(draft_source: Any, source: "Source") -> bool:
    """Does an open draft come from this source (then a new generation revises it)?"""
    sha = source.sha256 if source.text else None
    return draft_source.kind == source.kind and draft_source.topic == source.topic and draft_source.sha256 == sha


class RequestsMixin:
    """Mixed into MainScreen; uses its session, widgets and drafter."""

    busy_parts: set[str] = set()
    _busy: bool = False
    _pending: dict[str, Any] | None = None
    _flush_timer: Timer | None = None

    @property
    def drafter(self) -> "Drafter":
        return self.app.drafter  # type: ignore[attr-defined]

    @property
    def busy(self) -> bool:
        return self._busy

    # -- start / end --------------------------------------------------------------------
    def _begin(self, message: str, parts: set[str]) -> None:
        self._busy = True
        self.busy_parts = set(parts)
        self._pending = {}
        self.editor.set_busy(self.busy_parts or None)
        self.status.start(message)
        self.refresh_bindings()

    def _end(self, message: str) -> None:
        self._busy = False
        self.busy_parts = set()
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        self._pending = None
        self.editor.set_busy(None)
        self.status.stop(message)
        self.refresh_bindings()

    def _failed(self, exc: BaseException, what: str) -> None:
        """Show an error; the session was not changed, so the screen goes back to it."""
        self.show_session()
        if self.session.parts is None and self.session.text_override is None:
            self.action_show("compose")  # nothing to edit yet: back to the source, which is intact
        if isinstance(exc, OutputParseError):
            self._end(f"{what} failed: the answer could not be read.")
            from .modals import RawOutputModal

            self.app.push_screen(RawOutputModal(str(exc), exc.raw), self._use_raw)
        elif isinstance(exc, DrafterError):
            self._end(f"{what} failed: {exc}")
            self.notify(str(exc), title=f"{what} failed", severity="error", timeout=12)
        else:
            self._end(f"{what} failed: unexpected error.")
            self.notify(f"unexpected error: {type(exc).__name__}: {exc}", title=f"{what} failed",
                        severity="error", timeout=12)  # fmt: skip

    def _use_raw(self, text: str | None) -> None:
        if text:
            self.session.set_text(text)
            self.show_session()
            self.action_show("editor")
            self.notify("The model's answer is in the post box: edit it there.")

    def _cancelled(self) -> None:
        self.show_session()
        if self.session.parts is None and self.session.text_override is None:
            self.action_show("compose")
        self._end("Cancelled: your source and your edits are as they were.")

    def action_cancel(self) -> None:
        if not self.busy:
            return
        self.workers.cancel_group(self, GROUP)
        self.workers.cancel_group(self, "open")

    def cancel_requests(self) -> None:
        self.workers.cancel_group(self, GROUP)

    # -- events from the engine ---------------------------------------------------------
    def on_engine_event(self, event: "Event") -> None:
        from ...engines.base import Chunk, PartUpdate, Progress

        if isinstance(event, Progress):
            self.status.message = event.message
        elif isinstance(event, Chunk):
            self.status.chunks += 1
            self.status.received = event.received_chars
        elif isinstance(event, PartUpdate):
            if event.part in self.busy_parts and self._pending is not None:
                self._pending[event.part] = event.value
                if self._flush_timer is None:
                    self._flush_timer = self.set_timer(1 / 30, self._flush)

    def _flush(self) -> None:
        """Stream updates reach the fields at most 30 times a second."""
        self._flush_timer = None
        pending, self._pending = self._pending or {}, ({} if self._pending is not None else None)
        for part, value in pending.items():
            self.editor.set_field(part, value)

    async def _engine_ready(self) -> None:
        """Build the engine (imports openai the first time) off the event loop."""
        drafter = self.drafter
        if drafter.engine_name != "offline":
            self.status.message = f"Starting the engine ({drafter.settings.model})…"
        await asyncio.to_thread(lambda: drafter.engine)

    # -- generate -----------------------------------------------------------------------
    @when_ready
    def action_generate(self) -> None:
        if self.busy:
            self.notify("A request is already running: escape cancels it.", severity="warning")
            return
        text = self.compose_pane.source_text
        if not text.strip():
            self.notify("Type a topic or paste an article first (ctrl+o opens a file or URL).", severity="warning")
            self.action_show("compose")
            return
        template, overrides = self.compose_pane.template_name, self.compose_pane.overrides()
        if not self.session.has_user_edits:
            self.run_generate(text, template, overrides)
            return
        from .modals import ConfirmModal

        def answer(ok: bool | None) -> None:
            if ok:
                self.run_generate(text, template, overrides)

        self.app.push_screen(ConfirmModal(
            "You edited this post. Replace it with a new draft? (Your edits stay in the undo history "
            "of parts only; ctrl+s first to keep them.)", "Replace", "Keep editing"), answer)  # fmt: skip

    @work(exclusive=True, group=GROUP, exit_on_error=False)
    async def run_generate(self, text: str, template: str | None, overrides: dict[str, str]) -> None:
        drafter, session = self.drafter, self.session
        self._begin("Preparing the prompt…", {*STANDARD_PARTS, *self._extra_keys()})
        try:
            source = await asyncio.to_thread(source_from_input, text, session.loaded)
            job = await asyncio.to_thread(drafter.prepare, source, template, overrides)
            await self._engine_ready()
            await self.editor.configure(job.spec.extras)
            self.busy_parts |= set(job.spec.extra_keys)
            self.editor.set_busy(self.busy_parts)
            switched = self.view == "compose"
            if switched:
                self.view = "editor"
                self.editor.focus()  # watch the parts fill in; typing must not go to a hidden box
            self.status.message = "Generating…"
            result, repair = await drafter.generate(job, self.on_engine_event)
        except asyncio.CancelledError:
            self._cancelled()
            raise
        except Exception as exc:  # noqa: BLE001 - every failure keeps the user's text
            self._failed(exc, "Generate")
            return
        self._finish_generation(source, job, result, repair.note if repair else "")
        if switched and self.view == "editor":
            self.editor.scroll_home(animate=False)

    def _extra_keys(self) -> list[str]:
        return list(self.session.job.spec.extra_keys) if self.session.job else []

    def _finish_generation(self, source: "Source", job: "Job", result: "DraftResult", repair_note: str) -> None:
        session = self.session
        session.apply_generation(job, result)
        if session.draft is not None and same_source(session.draft.source, source):
            session.draft = session.draft_for("generate", note="; ".join(result.notes))
        else:
            session.draft = self.drafter.new_draft(job, result)
            session.saved_state = None
        session.loaded = source if source.kind in ("file", "url") else session.loaded
        self.show_session()
        for note in [*job.notes, *result.notes, *([repair_note] if repair_note else [])]:
            self.notify(note, title="Note", timeout=8)
        where = result.engine if result.engine == "offline" else f"{result.engine} · {result.model}"
        secs = self.status.elapsed
        scores = f" Repair pass: {repair_note.split(': ', 1)[-1]}." if repair_note else ""
        self._end(f"Draft ready in {secs:.1f} s ({where}, {result.mode}).{scores} Edit it, f5 for hooks, ctrl+s to save.")

    # -- regenerate one part ------------------------------------------------------------
    def _part_names(self) -> list[str]:
        return [*STANDARD_PARTS, *self._extra_keys()]

    @when_ready
    def action_regenerate(self, part: str = "") -> None:
        if self.busy or self.session.parts is None or self.session.job is None:
            self.notify("Generate a draft first (ctrl+g)." if not self.busy else "A request is running.",
                        severity="warning")  # fmt: skip
            return
        from ..widgets.takeaways import TakeawayInput
        from .modals import RegenerateModal

        focused = "takeaways" if isinstance(self.focused, TakeawayInput) else getattr(self.focused, "part", None)

        def chosen(answer: tuple[str, str] | None) -> None:
            if answer:
                name, instruction = answer
                self.unless_hand_edited("Regenerating a part", lambda: self.run_regenerate(name, instruction))

        self.app.push_screen(RegenerateModal(self._part_names(), part or focused or "hook"), chosen)

    def unless_hand_edited(self, doing: str, then) -> None:
        """Run ``then`` now, or once the user agrees to rebuild the post from the parts
        (dropping their hand edits of the whole text; they are dropped only on success)."""
        if self.session.text_override is None:
            then()
            return
        from .modals import ConfirmModal

        def answer(ok: bool | None) -> None:
            if ok:
                then()

        self.app.push_screen(ConfirmModal(
            f"You edited the whole post by hand. {doing} rebuilds the post from the parts and drops "
            "those hand edits. Continue?", "Continue", "Keep my text"), answer)  # fmt: skip

    @work(exclusive=True, group=GROUP, exit_on_error=False)
    async def run_regenerate(self, part: str, instruction: str) -> None:
        drafter, session = self.drafter, self.session
        assert session.job is not None and session.parts is not None
        what = f"Regenerating the {part}" + (f" ({instruction})" if instruction else "")
        self._begin(what + "…", {part})
        try:
            request = drafter.regenerate_request(session.job, session.parts, part, instruction)
            await self._engine_ready()
            result = await drafter.complete(drafter.engine.regenerate(request), self.on_engine_event)
        except asyncio.CancelledError:
            self._cancelled()
            raise
        except Exception as exc:  # noqa: BLE001
            self._failed(exc, "Regenerate")
            return
        session.result = result
        session.reassemble()  # the user agreed before the request (or had no hand edits)
        session.replace_part(part, result.parts)
        if session.draft is not None:
            session.draft = session.draft_for("regenerate", note=f"{part}: {instruction}".rstrip(": "))
        self.show_session()
        self._end(f"{part.capitalize()} regenerated. ctrl+z undoes it.")

    # -- hook variants ------------------------------------------------------------------
    @when_ready
    def action_variants(self) -> None:
        if self.busy or self.session.parts is None or self.session.job is None:
            self.notify("Generate a draft first (ctrl+g)." if not self.busy else "A request is running.",
                        severity="warning")  # fmt: skip
            return
        self.run_variants()

    @work(exclusive=True, group=GROUP, exit_on_error=False)
    async def run_variants(self) -> None:
        drafter, session = self.drafter, self.session
        assert session.job is not None
        from ...engines.base import VariantsReady

        self._begin(f"Writing {HOOK_VARIANTS} hook variants…", set())
        hooks: list[str] = []
        try:
            request = drafter.variants_request(session.job, session.parts, n=HOOK_VARIANTS)
            await self._engine_ready()
            async for event in drafter.engine.hook_variants(request):
                self.on_engine_event(event)
                if isinstance(event, VariantsReady):
                    hooks = list(event.hooks)
            if not hooks:
                raise EngineError("the engine returned no hook variants; try again", kind="empty")
        except asyncio.CancelledError:
            self._cancelled()
            raise
        except Exception as exc:  # noqa: BLE001
            self._failed(exc, "Hook variants")
            return
        self._end(f"{len(hooks)} hook variants: pick one.")
        from .modals import VariantsModal

        self.app.push_screen(VariantsModal(hooks, session.parts.hook if session.parts else None), self._use_hook)

    def _use_hook(self, hook: str | None) -> None:
        if hook and self.session.parts is not None:
            self.unless_hand_edited("Using this hook", lambda: self._apply_hook(hook))

    def _apply_hook(self, hook: str) -> None:
        session = self.session
        session.history.break_group()
        error = session.edit_part("hook", hook)
        session.history.break_group()
        if error:
            self.notify(error, severity="error")
            return
        session.reassemble()
        if session.draft is not None:
            session.draft = session.draft_for("variant", note="hook variant")
        self.show_session()
        self.notify("Hook replaced. ctrl+z undoes it.", timeout=3)

    # -- open a file or URL -------------------------------------------------------------
    @when_ready
    def action_open_source(self) -> None:
        from .modals import OpenSourceModal, load_location

        def chosen(source: "Source | None") -> None:
            if source is not None:
                self.use_source(source)

        # The dialog opens the location itself (in a thread); a failure stays in the dialog,
        # with the error and what was typed.
        self.app.push_screen(OpenSourceModal(load=load_location), chosen)

    def use_source(self, source: "Source") -> None:
        """Make an opened file or page the source in Compose."""
        self.session.loaded = source
        self.compose_pane.load_source(source)
        for note in source.notes:
            self.notify(note, title="Note", timeout=6)
        self.action_show("compose")
        self.status.stop(f"Opened {source.location or source.topic}: ctrl+g to generate.")

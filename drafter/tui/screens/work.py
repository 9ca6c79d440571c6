"""Engine requests from the main screen: generate, regenerate one part, hook variants, open a
file or URL.

:class:`Requests` runs each in one async worker. A generation streams into the session's
pending draft (shown in the fields as it arrives, never applied); the worker returns a
function that applies the finished result in one step. Every end of a request (done,
failed, cancelled) goes through :meth:`Requests.worker_changed`, the one handler of
``Worker.StateChanged``: a cancel or an error discards the pending draft, so the draft, the
source and the user's edits are exactly as they were.
"""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any, Awaitable, Callable, TypeVar

from textual.worker import Worker, WorkerState

from ...common.errors import DrafterError, EngineError
from ..session import source_from_input
from .screen_part import ScreenPart

if TYPE_CHECKING:
    from textual.timer import Timer

    from ...engines.base import DraftResult, Event
    from ...models.source import Source
    from ...service.drafting import Job
    from .main import MainScreen

F = TypeVar("F", bound=Callable[..., Any])
class Done:
    """What a finished request returns: ``apply()`` puts its result in the session and returns
    the status line. (A wrapper: Textual would call a callable result itself.)"""

    def __init__(self, apply: Callable[[], str]) -> None:
        self.apply = apply


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


def same_source(draft_source: Any, source: "Source") -> bool:
    """Does an open draft come from this source (then a new generation revises it)?"""
    sha = source.sha256 if source.text else None
    return draft_source.kind == source.kind and draft_source.topic == source.topic and draft_source.sha256 == sha


PARTIAL_TITLES = {
    "unparseable": "The model's answer could not be read",
    "truncated": "The answer was cut off",
    "deadline": "The answer ran out of time",
    "timeout": "The answer stalled",
    "oversized": "The answer was far too long",
}
"""The dialog title for text kept from a failed request, by error kind (else "broke off")."""


class Requests(ScreenPart):
    """The engine requests of one main screen: at most one runs at a time."""

    def __init__(self, screen: "MainScreen") -> None:
        super().__init__(screen)
        self.worker: Worker[Done] | None = None
        """The running request (None when idle)."""
        self.what = ""
        """Its name in messages ("Generate", "Regenerate", …)."""
        self._flush_timer: Timer | None = None
        self._message = ""
        """What the request is doing, in the status line (back after a progress note)."""
        self._progress_shown = False
        self.adapting: str | None = None
        """The platform the running request adapts the post for (None: not an adaptation)."""
        self._keep_raw: Callable[[str], None] | None = None
        """Where text kept from a failed request goes (None: the LinkedIn post box)."""

    @property
    def busy(self) -> bool:
        return self.worker is not None

    # -- start / end --------------------------------------------------------------------
    def start(self, what: str, message: str, job: Awaitable[Done], *, kind: str = "",
              parts: set[str] | None = None, group: str = GROUP, adapting: str | None = None,
              keep_raw: Callable[[str], None] | None = None) -> None:
        """Run ``job`` as the one request; ``kind`` and ``parts``: a pending draft for those parts;
        ``adapting``: the platform it adapts the post for; ``keep_raw``: what to do with the text
        of a failed answer the user chose to keep (default: edit it as the LinkedIn post)."""
        if kind:
            self.session.begin(kind, parts or set())
        self.adapting, self._keep_raw = adapting, keep_raw
        self.what, self._message, self._progress_shown = what, message, False
        self.screen_.status.start(message)
        self.worker = self.screen_.run_worker(job, name=what, group=group, exclusive=True, exit_on_error=False)
        self.screen_.render_session()

    def worker_changed(self, worker: Worker[Any], state: WorkerState) -> None:
        """The one place a request ends: applied, failed or cancelled."""
        if worker is not self.worker or state not in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                      WorkerState.CANCELLED):  # fmt: skip
            return
        self.worker = None
        self.adapting = None
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        screen = self.screen_
        if state == WorkerState.SUCCESS:
            done = worker.result
            message = done.apply() if isinstance(done, Done) else ""
            self.session.cancel()  # a request that applied nothing leaves no pending draft
            screen.status.stop(message)
        elif state == WorkerState.ERROR:
            self.session.cancel()
            self._failed(worker.error)
        else:
            self.session.cancel()
            screen.status.stop("Cancelled: your source and your draft are as they were.")
        if self.session.parts is None and self.session.text_override is None and screen.view == "editor":
            screen.action_show("compose")  # nothing to edit yet: back to the source, which is intact
        screen.render_session()

    def _failed(self, exc: BaseException | None) -> None:
        screen, what = self.screen_, self.what
        if isinstance(exc, EngineError) and exc.partial.strip():
            # Text arrived before the failure: offer it, never drop it (as the CLI prints and keeps it).
            title = PARTIAL_TITLES.get(exc.kind, "The answer broke off")
            screen.status.stop(f"{what} failed: {title.lower()}.")
            from .modals import RawOutputModal

            keep = self._keep_raw or self._use_raw
            screen.app.push_screen(RawOutputModal(str(exc), exc.partial, title=title), keep)
        elif isinstance(exc, DrafterError):
            screen.status.stop(f"{what} failed: {exc}")
            screen.notify(str(exc), title=f"{what} failed", severity="error", timeout=12)
        else:
            detail = f"{type(exc).__name__}: {exc}" if exc is not None else "no reason given"
            screen.status.stop(f"{what} failed ({detail}). Your draft is as it was.")
            screen.notify(f"{detail}. Your draft is as it was; run drafter with --debug for details.",
                          title=f"{what} failed", severity="error", timeout=12)  # fmt: skip

    def _use_raw(self, text: str | None) -> None:
        if text:
            self.session.use_text(text)
            self.screen_.render_session()
            self.screen_.action_show("editor")
            self.screen_.notify("The model's answer is in the post box: edit it there.")

    def cancel(self) -> None:
        """Escape: stop the running request (its end is handled in :meth:`worker_changed`)."""
        if self.worker is not None:
            self.worker.cancel()

    def drop(self) -> None:
        """Stop the running request and forget it (the session is being replaced)."""
        worker, self.worker = self.worker, None
        self.adapting = None
        if worker is not None:
            worker.cancel()
            self.session.cancel()
            self.screen_.status.stop("Cancelled.")

    # -- asking first (keys and the palette land here) ----------------------------------
    def ask_generate(self) -> None:
        if self.busy:
            self.screen_.notify("A request is already running: escape cancels it.", severity="warning")
            return
        text = self.screen_.compose_pane.source_text
        if not text.strip():
            self.screen_.notify("Type a topic or paste an article first (ctrl+o opens a file or URL).",
                                severity="warning")  # fmt: skip
            self.screen_.action_show("compose")
            return
        template, overrides = self.screen_.compose_pane.template_name, self.session.overrides()
        if not self.session.has_user_edits:
            self.generate(text, template, overrides)
            return
        self.screen_.confirm("You edited this post. Replace it with a new draft? (ctrl+z brings this one back; "
                             "ctrl+s first to save it.)", "Replace", "Keep editing",
                             lambda ok: ok and self.generate(text, template, overrides))  # fmt: skip

    def ask_regenerate(self, part: str = "") -> None:
        if self.busy or self.session.parts is None or self.session.job is None:
            self.screen_.notify("Generate a draft first (ctrl+g)." if not self.busy else "A request is running.",
                                severity="warning")  # fmt: skip
            return
        from ..widgets.takeaways import TakeawayInput
        from .modals import RegenerateModal

        focused = self.screen_.focused
        focused_part = "takeaways" if isinstance(focused, TakeawayInput) else getattr(focused, "part", None)

        def chosen(answer: tuple[str, str] | None) -> None:
            if answer:
                name, instruction = answer
                self.unless_hand_edited("Regenerating a part", lambda: self.regenerate(name, instruction))

        self.screen_.app.push_screen(RegenerateModal(self.screen_.part_names(), part or focused_part or "hook"),
                                     chosen)  # fmt: skip

    def unless_hand_edited(self, doing: str, then: Callable[[], object]) -> None:
        """Run ``then`` now, or once the user agrees to rebuild the post from the parts
        (dropping their hand edits of the whole text; they are dropped only on success)."""
        if self.session.text_override is None:
            then()
            return
        self.screen_.confirm(f"You edited the whole post by hand. {doing} rebuilds the post from the parts and "
                             "drops those hand edits (ctrl+z brings them back). Continue?", "Continue",
                             "Keep my text", lambda ok: ok and then())  # fmt: skip

    def ask_variants(self) -> None:
        if self.busy or self.session.parts is None or self.session.job is None:
            self.screen_.notify("Generate a draft first (ctrl+g)." if not self.busy else "A request is running.",
                                severity="warning")  # fmt: skip
            return
        self.variants()

    def use_hook(self, hook: str | None) -> None:
        """The hook variants dialog closed: a picked hook, or None (keep the current one)."""
        if not hook or self.session.parts is None:
            self.screen_.status.stop("Kept your hook.")
            return
        self.unless_hand_edited("Using this hook", lambda: self._apply_hook(hook))

    def _apply_hook(self, hook: str) -> None:
        session = self.session
        problem = session.accept_hook(hook)
        if problem:
            self.screen_.notify(problem, severity="error")
            return
        if session.draft is not None:
            session.draft = session.draft_for("variant", note="hook variant")
        self.screen_.render_session()
        self.screen_.status.stop("Hook replaced. ctrl+z undoes it.")

    def ask_open(self) -> None:
        """Ask for a file or URL. The dialog opens it itself (in a thread, within the
        ``fetch_timeout`` setting); a failure stays in the dialog with the error and the text."""
        from .modals import OpenSourceModal, load_location

        def chosen(source: "Source | None") -> None:
            if source is not None:
                self.use_source(source)

        load = functools.partial(load_location, fetch_timeout=self.drafter.settings.fetch_timeout)
        self.screen_.app.push_screen(OpenSourceModal(load=load), chosen)


    # -- events from the engine ---------------------------------------------------------
    def on_engine_event(self, event: "Event") -> None:
        from ...engines.base import Chunk, PartUpdate, Progress

        status = self.screen_.status
        if isinstance(event, Progress):
            status.message = event.message
            self._progress_shown = True
        elif isinstance(event, Chunk):
            if not status.received and self._progress_shown:
                status.message = self._message  # text arrives: no longer "connecting…"
            self._progress_shown = False
            status.chunks += 1
            status.received = event.received_chars
        elif isinstance(event, PartUpdate):
            if self.session.stream(event.part, event.value) and self._flush_timer is None:
                self._flush_timer = self.screen_.set_timer(1 / 30, self._flush)

    def _flush(self) -> None:
        """Stream updates reach the fields at most 30 times a second."""
        self._flush_timer = None
        self.screen_.render_session()

    async def engine_ready(self) -> None:
        """Build the engine (imports openai the first time) off the event loop."""
        drafter = self.drafter
        if drafter.engine_name != "offline":
            self.screen_.status.message = f"Starting the engine ({drafter.settings.model})…"
        await asyncio.to_thread(lambda: drafter.engine)

    # -- generate -----------------------------------------------------------------------
    def generate(self, text: str, template: str | None, overrides: dict[str, str]) -> None:
        from ...models.post import PART_NAMES

        names = self.session.job.spec.part_names() if self.session.job else PART_NAMES
        self.start("Generate", "Preparing the prompt…", self._generate(text, template, overrides),
                   kind="generate", parts={*names})  # fmt: skip

    async def _generate(self, text: str, template: str | None, overrides: dict[str, str]) -> Done:
        drafter, session, screen = self.drafter, self.session, self.screen_
        source = await asyncio.to_thread(source_from_input, text, session.loaded)
        job = await asyncio.to_thread(drafter.prepare, source, template, overrides)
        await self.engine_ready()
        await screen.editor.configure(job.spec.extras)
        session.add_pending_parts(job.spec.extra_keys)
        if screen.view == "compose":
            screen.view = "editor"
            screen.editor.focus()  # watch the parts fill in; typing must not go to a hidden box
        screen.status.message = self._message = "Generating…"
        screen.render_session()
        result, repair = await drafter.generate(job, self.on_engine_event)
        return Done(lambda: self._finish_generation(source, job, result, repair.note if repair else ""))

    def _finish_generation(self, source: "Source", job: "Job", result: "DraftResult", repair_note: str) -> str:
        session, screen = self.session, self.screen_
        same = session.draft is not None and same_source(session.draft.source, source)
        session.accept_generation(job, result, keep_versions=same)  # another source: another draft
        if same:
            session.draft = session.draft_for("generate", note="; ".join(result.notes))
        else:
            session.draft = self.drafter.new_draft(job, result)
            session.mark_unsaved()
            session.on_disk = False
        session.loaded = source if source.kind in ("file", "url") else session.loaded
        for note in [*job.notes, *result.notes, *([repair_note] if repair_note else [])]:
            screen.notify(note, title="Note", timeout=8)
        if screen.view == "editor":
            screen.editor.scroll_home(animate=False)
        where = result.engine if result.engine == "offline" else f"{result.engine} · {result.model}"
        scores = f" Repair pass: {repair_note.split(': ', 1)[-1]}." if repair_note else ""
        return f"Draft ready in {screen.status.elapsed:.1f} s ({where}, {result.mode}).{scores} f5: hooks · ctrl+s: save."

    # -- regenerate one part ------------------------------------------------------------
    def regenerate(self, part: str, instruction: str) -> None:
        what = f"Regenerating the {part}" + (f" ({instruction})" if instruction else "")
        self.start("Regenerate", what + "…", self._regenerate(part, instruction),
                   kind="regenerate", parts={part})  # fmt: skip

    async def _regenerate(self, part: str, instruction: str) -> Done:
        drafter, session = self.drafter, self.session
        assert session.job is not None and session.parts is not None
        job = await self.screen_.voice.fitted(session.job)
        request = drafter.regenerate_request(job, session.parts, part, instruction)
        await self.engine_ready()
        result = await drafter.complete(drafter.engine.regenerate(request), self.on_engine_event)

        def apply() -> str:
            session.accept_part(part, result, job)  # the user agreed to drop hand edits before the request
            if session.draft is not None:
                session.draft = session.draft_for("regenerate", note=f"{part}: {instruction}".rstrip(": "))
            return f"{part.capitalize()} regenerated. ctrl+z undoes it."

        return Done(apply)

    # -- hook variants ------------------------------------------------------------------
    def variants(self) -> None:
        self.start("Hook variants", f"Writing {HOOK_VARIANTS} hook variants…", self._variants(), kind="variants")

    async def _variants(self) -> Done:
        drafter, session = self.drafter, self.session
        assert session.job is not None
        from ...engines.base import VariantsReady

        hooks: list[str] = []
        job = await self.screen_.voice.fitted(session.job)
        request = drafter.variants_request(job, session.parts, n=HOOK_VARIANTS)
        await self.engine_ready()
        async for event in drafter.engine.hook_variants(request):
            self.on_engine_event(event)
            if isinstance(event, VariantsReady):
                hooks = list(event.hooks)
        if not hooks:
            raise EngineError("the engine returned no hook variants; try again", kind="empty")

        def apply() -> str:
            from .modals import VariantsModal

            current = session.parts.hook if session.parts else None
            self.screen_.app.push_screen(VariantsModal(hooks, current), self.use_hook)
            return f"{len(hooks)} hook variants: pick one (escape keeps yours)."

        return Done(apply)

    # -- open a file or URL -------------------------------------------------------------
    def use_source(self, source: "Source") -> None:
        """Make an opened file or page the source in Compose."""
        screen = self.screen_
        self.session.loaded = source
        screen.compose_pane.load_source(source)
        for note in source.notes:
            screen.notify(note, title="Note", timeout=6)
        screen.action_show("compose")
        screen.status.stop(f"Opened {source.location or source.topic}: ctrl+g to generate.")

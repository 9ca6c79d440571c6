"""The main screen: Compose, Editor and Preview.

Below 120 columns one pane shows at a time (tabs, or f2/f3/f4); from 120 columns the
preview stays on the right of Compose or the Editor. The requests themselves run in the
workers of :mod:`.work` (engine requests) and :mod:`.persist` (files and clipboard).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import MountError
from textual.widgets import Footer, Select, Tab, Tabs

from ...errors import DrafterError

from ..session import Session
from ..widgets.compose import ComposePane
from ..widgets.status import StatusLine, TopBar
from .persist import StorageMixin
from .work import RequestsMixin, when_ready

if TYPE_CHECKING:
    from ..app import DrafterApp
    from ..widgets.editor import PartsEditor
    from ..widgets.preview import PreviewPane

VIEWS = ("compose", "editor", "preview")
WIDE = 120
"""From this many columns the preview stays beside Compose or the Editor."""
LINT_DELAY = 0.15
AUTOSAVE_DELAY = 2.0


def _warm_imports() -> None:
    """Import the linter (~50 ms) in a thread, so the first lint after a draft does not stall
    the event loop. Never openai: that waits for the first request to an OpenAI server."""
    import drafter.lint  # noqa: F401


class MainScreen(RequestsMixin, StorageMixin, Screen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]
    BINDINGS = [
        Binding("ctrl+g", "generate", "Generate", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("f8", "copy_post", "Copy"),
        Binding("ctrl+r", "regenerate", "Regen"),
        Binding("f5", "variants", "Hooks"),
        Binding("ctrl+o", "open_source", "Open", show=False),
        Binding("ctrl+l", "library", "Drafts"),
        Binding("ctrl+t", "templates", "Templates", show=False),
        Binding("ctrl+n", "new_draft", "New", show=False),
        Binding("f2", "show('compose')", "Compose", show=False),
        Binding("f3", "show('editor')", "Editor", show=False),
        Binding("f4", "show('preview')", "Preview", show=False),
        Binding("ctrl+z", "undo", "Undo", show=False),
        Binding("ctrl+y", "redo", "Redo", show=False),
    ]

    view: reactive[str] = reactive("compose")

    def notify(self, message: str, *, markup: bool = False, **kwargs) -> None:  # type: ignore[override]
        """Notifications carry engine errors, notes and titles: "[placeholders]" must show as typed."""
        super().notify(message, markup=markup, **kwargs)

    def __init__(self) -> None:
        super().__init__(id="main")
        self.session = Session()
        self._lint_timer: Timer | None = None
        self._autosave_timer: Timer | None = None
        self.ready = False
        """True once the editor and preview are mounted (just after the first frame)."""
        self.deferred: list[Callable[[], object]] = []
        """Actions asked for before that; run in order once ready."""

    @property
    def drafter_app(self) -> "DrafterApp":
        return self.app  # type: ignore[return-value]

    def compose(self):
        yield TopBar(id="topbar")
        yield Tabs(Tab("Compose", id="compose"), Tab("Editor", id="editor"), Tab("Preview", id="preview"),
                   id="views")
        with Horizontal(id="panes"):
            yield ComposePane(id="compose-pane")
        yield StatusLine(id="status", clock=self.drafter_app.clock)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(TopBar).set_draft(None, False)
        self.watch_view(self.view)
        self.compose_pane.source_area.focus()
        self.call_after_refresh(self._after_first_frame)

    async def _after_first_frame(self) -> None:
        """The first frame shows Compose; settings, the editor and the preview come right after
        it (pydantic and the core are not needed to paint it)."""
        app = self.drafter_app
        try:
            drafter = app.drafter
        except DrafterError as exc:  # a bad config file or variable: quit and say why (exit 2)
            app.startup_error = exc
            app.exit(return_code=exc.exit_code)
            return
        self.query_one(TopBar).set_engine(drafter.engine_label, drafter.engine_name == "offline")
        from ..widgets.editor import PartsEditor
        from ..widgets.preview import PreviewPane

        panes = self.query_one("#panes")
        try:
            await panes.mount(PartsEditor(id="editor-pane"), PreviewPane(id="preview-pane"))
            await self.compose_pane.add_template_controls()
        except MountError:
            return  # the app is closing already (e.g. DRAFTER_EXIT_AFTER_FIRST_FRAME)
        self._layout_panes()
        self.ready = True
        self.show_session()
        self.refresh_bindings()
        for action in self.deferred:
            action()
        self.deferred.clear()
        # Templates and the autosave check read files: off the event loop.
        self.load_templates()
        self.check_autosave()
        self.run_worker(_warm_imports, thread=True, group="warm", exit_on_error=False)

    # -- widgets ------------------------------------------------------------------------
    @property
    def compose_pane(self) -> ComposePane:
        return self.query_one(ComposePane)

    @property
    def editor(self) -> "PartsEditor":
        return self.query_one("#editor-pane")  # type: ignore[return-value]

    @property
    def preview(self) -> "PreviewPane":
        return self.query_one("#preview-pane")  # type: ignore[return-value]

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    # -- views --------------------------------------------------------------------------
    def watch_view(self, view: str) -> None:
        tabs = self.query_one(Tabs)
        if tabs.active != view:
            with tabs.prevent(Tabs.TabActivated):  # only the user's tab changes come back here
                tabs.active = view
        self._layout_panes()

    def on_resize(self) -> None:
        self._layout_panes()

    def _layout_panes(self) -> None:
        """Which panes show. Toggling ``display`` on three panes is cheap; a class on the screen
        would restyle every widget."""
        view, wide = self.view, self.size.width >= WIDE
        for pane in self.query("#panes > *"):
            if pane.id == "compose-pane":
                show = view == "compose"
            elif pane.id == "editor-pane":
                show = view == "editor" or (wide and view == "preview")
            else:
                show = view == "preview" or wide
            pane.display = show

    @on(Tabs.TabActivated, "#views")
    def _tab(self, event: Tabs.TabActivated) -> None:
        if event.tab.id in VIEWS:
            self.view = event.tab.id

    def action_show(self, view: str) -> None:
        self.view = view
        if not self.ready:
            return
        target = {"compose": "#source", "editor": "#part-hook", "preview": "#preview-pane"}[view]
        widget = self.query_one(target)
        if view == "editor" and (widget.disabled or self.session.parts is None):
            widget = self.query_one("#post")
        widget.focus()

    # -- bindings that depend on state --------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        busy = self.busy
        if action == "cancel":
            return busy
        if action in ("regenerate", "variants"):
            return (self.session.parts is not None and not busy) or None
        if action in ("copy_post", "save"):
            return self.session.has_post or None
        return True

    # -- editing ------------------------------------------------------------------------
    def on_parts_editor_part_edited(self, event: "PartsEditor.PartEdited") -> None:
        if event.structural:
            self.session.history.break_group()
        error = self.session.edit_part(event.part, event.value)
        if event.structural:
            self.session.history.break_group()
        self.editor.mark_invalid(event.part, error is not None)
        if error is None:
            self.post_changed()

    def on_parts_editor_post_edited(self, event: "PartsEditor.PostEdited") -> None:
        if self.busy_parts:
            return
        self.session.set_text(event.text)
        self.editor.set_override(self.session.text_override is not None)
        self.post_changed(sync_editor=False)

    def post_changed(self, *, sync_editor: bool = True) -> None:
        """The post text may have changed: editor text, preview, counters; lint and autosave later."""
        session = self.session
        text = session.post_text
        if sync_editor and session.text_override is None:
            self.editor.show_post(text)
        usage = (session.result.usage.prompt_tokens, session.result.usage.completion_tokens) if session.result else None
        self.preview.update_text(text, usage)
        self._lint_timer = self._restart(self._lint_timer, LINT_DELAY, self.run_lint)
        if session.dirty and session.draft is not None:
            self._autosave_timer = self._restart(self._autosave_timer, AUTOSAVE_DELAY, self.autosave)
        self.query_one(TopBar).set_draft(session.draft.title if session.draft else None, session.dirty)
        self.refresh_bindings()

    def _restart(self, timer: Timer | None, delay: float, callback) -> Timer:
        if timer is not None:
            timer.stop()
        return self.set_timer(delay, callback)

    def show_session(self) -> None:
        """Put the whole session on screen (after a generation, undo, reopening a draft)."""
        session = self.session
        self.editor.show_parts(session.parts)
        self.editor.show_post(session.post_text)
        self.editor.set_override(session.text_override is not None)
        self.post_changed(sync_editor=False)

    @when_ready
    def action_undo(self) -> None:
        if self.session.undo() is None:
            self.notify("Nothing to undo.", timeout=2)
            return
        self.show_session()

    @when_ready
    def action_redo(self) -> None:
        if self.session.redo() is None:
            self.notify("Nothing to redo.", timeout=2)
            return
        self.show_session()

    @when_ready
    def action_reassemble(self) -> None:
        if self.session.parts is None:
            self.notify("There are no parts to assemble yet.", severity="warning")
            return
        if self.session.text_override is None:
            self.notify("The post already follows the parts.", timeout=2)
            return

        def done(ok: bool | None) -> None:
            if ok:
                self.session.reassemble()
                self.show_session()
                self.notify("Post re-assembled from the parts.")

        from .modals import ConfirmModal

        self.app.push_screen(ConfirmModal(
            "Replace your hand edits of the whole post with the text assembled from the parts?",
            "Re-assemble", "Keep my text"), done)  # fmt: skip

    # -- compose ------------------------------------------------------------------------
    @on(ComposePane.GenerateRequested)
    def _generate_button(self) -> None:
        self.action_generate()

    @on(ComposePane.OpenRequested)
    def _open_button(self) -> None:
        self.action_open_source()

    @on(Select.Changed, "#template")
    def _template_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.load_template(event.value)

    # -- library and templates (screens by another module; optional) --------------------
    def action_library(self) -> None:
        try:
            from .library import DraftsScreen
        except ImportError:
            self.notify("The drafts library is not available in this build.", severity="warning")
            return
        self.app.push_screen(DraftsScreen(self.drafter), self._library_closed)

    def _library_closed(self, draft_id: object) -> None:
        if isinstance(draft_id, str) and draft_id:
            self.confirm_discard(lambda: self.open_draft(draft_id), "Open another draft")

    def action_templates(self) -> None:
        try:
            from .templates import TemplatesScreen
        except ImportError:
            self.notify("The templates screen is not available in this build.", severity="warning")
            return
        self.app.push_screen(TemplatesScreen(self.drafter), self._templates_closed)

    def _templates_closed(self, name: object) -> None:
        self.load_templates(select=name if isinstance(name, str) else None)

    def confirm_discard(self, then, verb: str) -> None:
        """Run ``then`` now, or after asking when there are unsaved changes."""
        if not self.session.dirty:
            then()
            return
        from .modals import ConfirmModal

        def done(ok: bool | None) -> None:
            if ok:
                then()

        self.app.push_screen(ConfirmModal(
            f"{verb}? The open draft has unsaved changes (ctrl+s saves them; an autosave copy is kept).",
            "Continue", "Go back"), done)  # fmt: skip

    @when_ready
    def action_new_draft(self) -> None:
        def reset() -> None:
            self.cancel_requests()
            self.session = Session()
            self.compose_pane.set_source_text("")
            self.show_session()
            self.action_show("compose")
            self.status.stop("New draft.")

        self.confirm_discard(reset, "Start a new draft")

"""The main screen: Compose, Editor and Preview.

Below 120 columns one pane shows at a time (tabs, or f2/f3/f4); from 120 columns the
preview stays on the right of Compose or the Editor. The preview's switcher (f6, or a click)
chooses the platform: LinkedIn shows the post and its parts' editor; another platform shows its
version, and the Editor's place holds that version's editor.

One direction: widgets report what the user did (messages); the screen turns each into a
command on the :class:`~drafter.tui.session.Session` and calls :meth:`MainScreen.render_session`,
the one place the editor, preview, counters, top bar and timers are updated from it.
Engine requests are :class:`.work.Requests` (adaptations: :class:`.adapting.Adaptations`); files,
clipboard and lint are :class:`.persist.Storage`.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Callable

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import MountError
from textual.widgets import Footer, Select, Tab, Tabs
from textual.worker import Worker

from ...common.errors import DrafterError
from ..session import Session
from ..widgets.compose import ComposePane, VariablesForm
from ..widgets.status import StatusLine, TopBar
from .persist import Storage
from .work import Requests, when_ready

if TYPE_CHECKING:
    from ...service.drafting import Drafter
    from ..app import DrafterApp
    from ..widgets.editor import PartsEditor
    from ..widgets.preview import PreviewPane
    from ..widgets.version_editor import VersionEditor
    from .adapting import Adaptations
    from .voice import Voices

VIEWS = ("compose", "editor", "preview")
WIDE = 120
"""From this many columns the preview stays beside Compose or the Editor."""
LINT_DELAY = 0.15
AUTOSAVE_DELAY = 2.0
JUMPS = {"h": "hook", "t": "takeaways", "q": "question", "g": "hashtags", "p": "post"}
"""alt+letter puts the cursor in a part of the editor. Terminals send alt+letter as ESC and the
letter, which Textual reads as alt+letter; alt+digit arrives as "¡", "™"… (a macOS mapping), so
alt+1…alt+5 are bound too but only for terminals that report them as such. The bindings have
priority: a terminal reports alt+t with the character "t", which a focused text box would
otherwise insert before the screen saw the key."""


def _warm_imports() -> None:
    """Import the linter (~50 ms) and X's counter (~150 ms) in a thread, so the first lint after
    a draft and the first X version do not stall the event loop. Never openai: that waits for
    the first request to an OpenAI server."""
    import drafter.lint  # noqa: F401
    import drafter.lint.platform  # noqa: F401
    import twitter_text  # noqa: F401


class MainScreen(Screen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]
    BINDINGS = [
        Binding("ctrl+g", "generate", "Generate", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("f8", "copy_post", "Copy"),
        Binding("shift+f8", "copy_thread", "Copy all", show=False),
        Binding("f6", "next_platform(1)", "Platform", show=False, priority=True),
        Binding("shift+f6", "next_platform(-1)", "Platform", show=False, priority=True),
        Binding("ctrl+r", "regenerate", "Regen"),
        Binding("f5", "variants", "Hooks"),
        Binding("shift+f7", "toggle_voice", "Voice", show=False),
        Binding("ctrl+o", "open_source", "Open", show=False),
        Binding("ctrl+l", "library", "Drafts"),
        Binding("ctrl+t", "templates", "Templates", show=False),
        Binding("ctrl+n", "new_draft", "New", show=False),
        Binding("f2", "show('compose')", "Compose", show=False),
        Binding("f3", "show('editor')", "Editor", show=False),
        Binding("f4", "show('preview')", "Preview", show=False),
        Binding("ctrl+z", "undo", "Undo", show=False),
        Binding("ctrl+y", "redo", "Redo", show=False),
        *[Binding(f"alt+{key},alt+{n}", f"jump('{part}')", part.capitalize(), show=False,
                  priority=True)
          for n, (key, part) in enumerate(JUMPS.items(), start=1)],
    ]

    view: reactive[str] = reactive("compose")

    def notify(self, message: str, *, markup: bool = False, **kwargs) -> None:  # type: ignore[override]
        """Notifications carry engine errors, notes and titles: "[placeholders]" must show as typed."""
        super().notify(message, markup=markup, **kwargs)

    def __init__(self) -> None:
        super().__init__(id="main")
        self.session = Session()
        self.requests = Requests(self)
        self.storage = Storage(self)
        self._lint_timer: Timer | None = None
        self._autosave_timer: Timer | None = None
        self.ready = False
        """True once the editor and preview are mounted (just after the first frame)."""
        self.deferred: list[Callable[[], object]] = []
        """Actions asked for before that; run in order once ready."""
        self._laid_out = "linkedin"
        """The platform the panes were last laid out for (its editor in the Editor's place)."""

    @property
    def drafter_app(self) -> "DrafterApp":
        return self.app  # type: ignore[return-value]

    @property
    def drafter(self) -> "Drafter":
        return self.drafter_app.drafter

    @property
    def busy(self) -> bool:
        return self.requests.busy

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

    def on_unmount(self) -> None:
        self.storage.release()

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
        from ..widgets.version_editor import VersionEditor

        panes = self.query_one("#panes")
        try:
            await panes.mount(PartsEditor(id="editor-pane"), VersionEditor(id="version-pane"),
                              PreviewPane(id="preview-pane"))  # fmt: skip
            await self.compose_pane.add_template_controls()
        except MountError:
            return  # the app is closing already (it quit before the panes were mounted)
        self.layout_panes()
        self.ready = True
        self.render_session()
        for action in self.deferred:
            action()
        self.deferred.clear()
        # Templates and the autosave check read files: off the event loop.
        self.storage.load_templates()
        self.storage.check_autosave()
        self.voice.load()
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

    @cached_property
    def adaptations(self) -> "Adaptations":
        """The platform versions' requests (made on first use: not on the first frame's path)."""
        from .adapting import Adaptations

        return Adaptations(self)

    @cached_property
    def voice(self) -> "Voices":
        """The voice: its label in the top bar, the shift+f7 switch, the examples dialog, publishing."""
        from .voice import Voices

        return Voices(self)

    @property
    def version_editor(self) -> "VersionEditor":
        return self.query_one("#version-pane")  # type: ignore[return-value]

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def platform_label(self) -> str:
        """The label of the platform shown ("LinkedIn", "X", …)."""
        return self.adaptations.label(self.session.platform)

    # -- rendering: the one way the session reaches the screen ----------------------------
    def render_session(self, *, fields: bool = True, skip: str | None = None) -> None:
        """Show the session: editor fields (unless ``fields`` is False; ``skip``: the field the
        user is typing in), post box, preview and counters now; lint and autosave debounced."""
        if not self.ready:
            return
        session = self.session
        if fields:
            self.editor.show(session.shown_parts, session.post_text, override=session.text_override is not None,
                             busy=session.busy_parts, skip=skip)  # fmt: skip
        preview, platform = self.preview, session.platform
        if platform != self._laid_out:  # another platform (chosen, or a draft opened / started)
            self.layout_panes()
        preview.show_switcher(platform, set(session.versions))
        if platform == "linkedin":
            notes = [f"⚠ {p}: the post is assembled without it." for p in session.problems()]
            if session.pending is not None and session.pending.kind != "variants":
                notes.insert(0, "⏳ The engine is writing; this post stays until it is done (escape cancels).")
            preview.update_text(session.post_text, session.usage, notes)
        else:
            self.adaptations.render(fields=fields and skip != "version")
        self._lint_timer = self._restart(self._lint_timer, LINT_DELAY, self.run_lint)
        if session.dirty and session.has_post and session.draft is not None:  # never autosave an emptied editor
            self._autosave_timer = self._restart(self._autosave_timer, AUTOSAVE_DELAY, self.autosave)
        self.query_one(TopBar).set_draft(session.shown_title, session.dirty)
        self.refresh_bindings()

    def _restart(self, timer: Timer | None, delay: float, callback) -> Timer:
        if timer is not None:
            timer.stop()
        return self.set_timer(delay, callback)

    def run_lint(self) -> None:
        self.storage.run_lint()

    def autosave(self) -> None:
        self.storage.autosave()

    def autosave_now(self) -> None:
        self.storage.autosave_now()

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """Every request ends here (done, failed or cancelled): :meth:`Requests.worker_changed`."""
        self.requests.worker_changed(event.worker, event.state)

    # -- views --------------------------------------------------------------------------
    def watch_view(self, view: str) -> None:
        tabs = self.query_one(Tabs)
        if tabs.active != view:
            with tabs.prevent(Tabs.TabActivated):  # only the user's tab changes come back here
                tabs.active = view
        self.layout_panes()

    def on_resize(self) -> None:
        self.layout_panes()

    def layout_panes(self) -> None:
        """Which panes show. Toggling ``display`` on three panes is cheap; a class on the screen
        would restyle every widget."""
        view, wide = self.view, self.size.width >= WIDE
        linkedin = self.session.platform == "linkedin"
        self._laid_out = self.session.platform
        for pane in self.query("#panes > *"):
            if pane.id == "compose-pane":
                show = view == "compose"
            elif pane.id in ("editor-pane", "version-pane"):  # the Editor: LinkedIn's parts, or a version
                mine = (pane.id == "editor-pane") == linkedin
                show = mine and (view == "editor" or (wide and view == "preview"))
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
        if view == "editor" and self.session.platform != "linkedin":
            target = "#version-posts"
        widget = self.query_one(target)
        if target == "#part-hook" and (widget.disabled or self.session.parts is None):
            widget = self.query_one("#post")
        widget.focus()

    # -- platforms ------------------------------------------------------------------------
    @when_ready
    def action_platform(self, name: str) -> None:
        """A click on the switcher."""
        self.adaptations.choose(name)

    @when_ready
    def action_next_platform(self, step: int) -> None:
        """f6 / shift+f6: the next / previous platform."""
        from ..versions import step_platform

        self.adaptations.choose(step_platform(self.session.platform, step))

    @when_ready
    def action_adapt_again(self) -> None:
        """The palette's "Adapt again" (ctrl+r on a platform)."""
        self.adaptations.ask_again()

    @when_ready
    def action_jump(self, part: str) -> None:
        """alt+h/t/q/g/p (or alt+1…alt+5): the cursor to one part of the editor (shown first if hidden;
        the parts are LinkedIn's: the switcher goes back to it)."""
        if self.session.platform != "linkedin":
            self.adaptations.choose("linkedin")
        if self.view == "compose" or (self.view == "preview" and self.size.width < WIDE):
            self.view = "editor"
        if not self.editor.focus_part(part):
            self.notify(f"The {part} is not editable now (no draft yet, or the engine is writing it).",
                        timeout=3)  # fmt: skip

    # -- bindings that depend on state --------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        busy = self.busy
        if action == "cancel":
            return busy
        if action == "regenerate" and self.session.platform != "linkedin":  # adapts that platform's version again
            return (self.session.has_post and not busy) or None
        if action in ("regenerate", "variants"):
            return (self.session.parts is not None and not busy) or None
        if action in ("copy_post", "copy_thread"):
            return (self.session.has_post or self.session.version is not None) or None
        if action == "save":
            return self.session.has_post or None
        return True

    # -- editing: intents from the widgets ----------------------------------------------
    def on_parts_editor_part_edited(self, event: "PartsEditor.PartEdited") -> None:
        problem = self.session.edit_part(event.part, event.value, structural=event.structural)
        self.editor.mark_invalid(event.part, problem is not None and self.session.parts is not None)
        self.render_session(skip=event.part)

    def on_parts_editor_post_edited(self, event: "PartsEditor.PostEdited") -> None:
        self.session.set_text(event.text)
        self.render_session(skip="post")

    @on(VariablesForm.Edited)
    def _variable_edited(self, event: VariablesForm.Edited) -> None:
        session = self.session
        session.set_variable(event.name, event.value)
        changed = sum(1 for k, v in session.variables.items() if v != session.template_defaults[k])
        self.compose_pane.show_variables_title(changed)

    @when_ready
    def action_undo(self) -> None:
        if not self.session.undo():
            self.notify("Nothing to undo.", timeout=2)
            return
        self.render_session()
        if self.session.has_post:
            self.status.stop("Undone. ctrl+y redoes it.")
        else:
            self.status.stop("Undone: back to before the draft; ctrl+y brings it back.")

    @when_ready
    def action_redo(self) -> None:
        if not self.session.redo():
            self.notify("Nothing to redo.", timeout=2)
            return
        self.render_session()
        self.status.stop("Redone. ctrl+z undoes it.")

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
                self.render_session()
                self.notify("Post re-assembled from the parts (ctrl+z brings your text back).")

        self.confirm("Replace your hand edits of the whole post with the text assembled from the parts?",
                     "Re-assemble", "Keep my text", done)  # fmt: skip

    def confirm(self, question: str, yes: str, no: str, then: Callable[[bool | None], None], **kwargs) -> None:
        from .modals import ConfirmModal

        self.app.push_screen(ConfirmModal(question, yes, no, **kwargs), then)

    # -- requests -------------------------------------------------------------------------
    @on(ComposePane.GenerateRequested)
    def _generate_button(self) -> None:
        self.action_generate()

    @on(ComposePane.OpenRequested)
    def _open_button(self) -> None:
        self.action_open_source()

    def action_cancel(self) -> None:
        self.requests.cancel()

    @when_ready
    def action_generate(self) -> None:
        # Keys typed just before (a paste, a fast typist, tmux) may still wait in the Source box's
        # queue: ask once the box has taken them, so the draft uses the text the box shows.
        self.compose_pane.source_area.call_later(self.requests.ask_generate)

    @when_ready
    def action_regenerate(self, part: str = "") -> None:
        """ctrl+r: on LinkedIn, rewrite one part; on another platform, adapt its version again."""
        if self.session.platform != "linkedin" and not part:
            self.adaptations.ask_again()
            return
        self.requests.ask_regenerate(part)

    @when_ready
    def action_variants(self) -> None:
        self.requests.ask_variants()

    @when_ready
    def action_toggle_voice(self) -> None:
        """shift+f7: draft in the workspace's voice, or not, from the next generation on."""
        self.voice.toggle()

    @when_ready
    def action_voice(self) -> None:
        """v in the Preview (or the palette): the examples the draft on screen used, and the profile."""
        self.voice.open()

    @when_ready
    def action_publish(self) -> None:
        """The palette's "Mark as published": the saved draft's post joins the voice."""
        self.voice.ask_publish()

    @when_ready
    def action_open_source(self) -> None:
        self.requests.ask_open()

    def part_names(self) -> list[str]:
        from ...models.post import PART_NAMES

        return self.editor.part_names() if self.ready else list(PART_NAMES)

    # -- files ----------------------------------------------------------------------------
    @when_ready
    def action_save(self) -> None:
        self.storage.save()

    @when_ready
    def action_copy_post(self) -> None:
        self.storage.copy_post()

    @when_ready
    def action_copy_thread(self) -> None:
        self.storage.copy_thread()

    def on_version_editor_edited(self, event: "VersionEditor.Edited") -> None:
        if self.session.edit_version(event.platform, event.posts):  # type: ignore[arg-type]
            self.render_session(skip="version")

    @when_ready
    def action_export_post(self) -> None:
        self.storage.export_post()

    @on(Select.Changed, "#template")
    def _template_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.storage.load_template(event.value)

    # -- library and templates (screens by another module; optional) --------------------
    def action_library(self) -> None:
        self.storage.open_library()

    def action_templates(self) -> None:
        self.storage.open_templates()

    def confirm_discard(self, then: Callable[[], object], verb: str) -> None:
        """Run ``then`` now, or after asking when there are unsaved changes."""
        if not self.session.dirty:
            then()
            return
        from ...storage.store import AUTOSAVE_DIR

        self.confirm(f"{verb}? The open draft has unsaved changes (ctrl+s saves them; an autosave copy is "
                     f"kept in {self.drafter.store.folder.name}/{AUTOSAVE_DIR}).", "Continue", "Go back",
                     lambda ok: ok and self.storage.autosave_then(then))  # fmt: skip

    @when_ready
    def action_new_draft(self) -> None:
        def reset() -> None:
            self.requests.drop()
            self.session = Session()
            self.compose_pane.set_source_text("")
            self.storage.load_templates(select=self.drafter.settings.template)  # the default, its variables
            self.render_session()
            self.action_show("compose")
            self.status.stop("New draft.")

        self.confirm_discard(reset, "Start a new draft")

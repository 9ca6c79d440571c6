"""The Textual app. :func:`make_app` is the one factory used by the CLI and the tests.

Start-up stays light: the first frame needs neither pydantic nor the core. Settings are
resolved right after it (a bad setting quits the app and is raised from :meth:`run`, so the
CLI prints its one line and exits 2); templates and autosaves are read after that, off the
event loop; ``openai`` is imported on the first request only (``Drafter.engine`` is lazy).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..common.errors import DrafterError

if TYPE_CHECKING:
    from ..service.drafting import Drafter

DARK, LIGHT = "textual-dark", "textual-light"


class DrafterApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "drafter"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f9", "toggle_theme", "Theme", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False),
    ]

    def __init__(self, drafter: "Drafter | None" = None, *, workspace: str | os.PathLike[str] | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self._drafter = drafter
        self._workspace = workspace
        self.env = os.environ if env is None else env
        self.clock: Callable[[], float] = time.monotonic
        """Time source for elapsed seconds (tests freeze it for stable snapshots)."""
        self.startup_error: DrafterError | None = None

    @property
    def drafter(self) -> "Drafter":
        """The core, built on first use (after the first frame) from the workspace and settings."""
        if self._drafter is None:
            from ..service.drafting import Drafter

            self._drafter = Drafter.from_environment(self._workspace, env=self.env)
        return self._drafter

    def run(self, *args: Any, **kwargs: Any) -> Any:
        result = super().run(*args, **kwargs)
        if self.startup_error is not None:
            raise self.startup_error  # after the terminal is restored: the CLI prints one line
        return result

    async def on_unmount(self) -> None:
        engine = self._drafter.__dict__.get("engine") if self._drafter is not None else None
        close = getattr(engine, "aclose", None)
        if close is not None:
            try:
                await close()
            except Exception:  # noqa: BLE001 - closing an HTTP client must not block quitting
                pass

    def get_default_screen(self) -> Screen:
        from .screens.main import MainScreen

        return MainScreen()

    def on_mount(self) -> None:
        self.theme = DARK

    @property
    def main(self):
        from .screens.main import MainScreen

        screen = self.screen_stack[0] if self.screen_stack else None
        return screen if isinstance(screen, MainScreen) else None

    # -- app-wide actions ---------------------------------------------------------------
    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    async def action_quit(self) -> None:
        main = self.main
        if main is None or not main.session.dirty:
            self.exit()
            return
        from .screens.modals import ConfirmModal

        def answer(ok: bool | None) -> None:
            if ok:
                main.autosave_now()
                self.exit()

        from ..storage.store import AUTOSAVE_DIR

        where = main.drafter.store.folder / AUTOSAVE_DIR
        try:
            where = where.relative_to(Path.cwd())
        except ValueError:
            pass
        await self.push_screen(ConfirmModal(
            f"The draft has unsaved changes. Quit anyway? They are kept in an autosave copy in {where}/ "
            "that drafter offers to restore next time.", "Quit", "Stay", title="Quit drafter?"), answer)  # fmt: skip

    # -- command palette ----------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        main = self.main
        if main is not None and screen is main and main.ready:
            for title, help_text, callback in main_commands(main):
                yield SystemCommand(title, help_text, callback)
        yield SystemCommand("Help: keys", "Every key binding (f1)", self.action_help)
        yield SystemCommand("Toggle dark/light theme", "Switch between textual-dark and textual-light (f9)",
                            self.action_toggle_theme)  # fmt: skip
        yield from super().get_system_commands(screen)


def main_commands(main) -> list[tuple[str, str, Callable[[], object]]]:
    """Every main-screen action, by name, for the command palette."""
    from .screens.main import JUMPS
    commands: list[tuple[str, str, Callable[[], object]]] = [
        ("Generate", "Draft a post from the source (ctrl+g)", main.action_generate),
        ("Cancel", "Stop the running request (escape)", main.action_cancel),
        ("Regenerate a part…", "Rewrite one part with an optional instruction (ctrl+r)", main.action_regenerate),
        ("Hook variants", "Five alternative hooks to choose from (f5)", main.action_variants),
        ("Voice on/off", "Draft in your voice, or not, from the next generation on (shift+f7)",
         main.action_toggle_voice),
        ("Voice: examples used", "The posts the draft was written with, and your profile (v in Preview)",
         main.action_voice),
        ("Mark as published", "The saved draft's post joins your voice (drafter drafts publish)", main.action_publish),
        ("Open a file or URL", "Use an article as the source (ctrl+o)", main.action_open_source),
        ("Save", "Save the draft (ctrl+s)", main.action_save),
        ("Copy the post", "System clipboard and terminal clipboard; a thread: its next post (f8)",
         main.action_copy_post),
        ("Copy the whole thread", "The platform shown, its posts as one text (shift+f8)", main.action_copy_thread),
        ("Next platform", "The preview's switcher (f6)", lambda: main.action_next_platform(1)),
        ("Previous platform", "The preview's switcher (shift+f6)", lambda: main.action_next_platform(-1)),
        ("Adapt again", "The post adapted again for the platform shown (ctrl+r)", main.action_adapt_again),
        ("Export to a file", "Write the post as a .txt file", main.action_export_post),
        ("Drafts library", "Reopen a saved draft (ctrl+l)", main.action_library),
        ("Templates", "Browse and edit templates (ctrl+t)", main.action_templates),
        ("New draft", "Start over with an empty source (ctrl+n)", main.action_new_draft),
        ("Re-assemble the post from the parts", "Drop hand edits of the whole post", main.action_reassemble),
        ("Undo", "Edits, generations, picked hooks (ctrl+z outside a text box)", main.action_undo),
        ("Redo", "ctrl+y outside a text box", main.action_redo),
        ("Show Compose", "f2", lambda: main.action_show("compose")),
        ("Show Editor", "f3", lambda: main.action_show("editor")),
        ("Show Preview", "f4", lambda: main.action_show("preview")),
        *[(f"Go to the {part}", f"alt+{key}", lambda p=part: main.action_jump(p)) for key, part in JUMPS.items()],
        ("Preview: mobile/desktop fold", "140 or 210 characters before “…see more” (m)",
         main.preview.action_toggle_mobile),
        ("Preview: see more/less", "Expand or fold the preview (space)", main.preview.action_toggle_fold),
    ]
    from ..models.platforms import PLATFORMS

    for name, rules in PLATFORMS.items():
        commands.append((f"Show {rules.label}", f"Preview (and edit) the post as it goes on {rules.label}",
                         lambda n=name: main.action_platform(n)))  # fmt: skip
    for part in main.part_names():
        commands.append((f"Regenerate the {part.replace('_', ' ')}", f"Rewrite only the {part}",
                         lambda p=part: main.action_regenerate(p)))  # fmt: skip
    return commands


def make_app(workspace: str | os.PathLike[str] | None = None, *, drafter: "Drafter | None" = None,
             env: Mapping[str, str] | None = None) -> DrafterApp:
    """The app for a workspace, or for a ready Drafter (tests).

    Without a Drafter, settings are resolved right after the first frame; a config error
    then quits the app and :meth:`DrafterApp.run` raises it (a DrafterError).
    """
    return DrafterApp(drafter, workspace=Path(workspace) if workspace else None, env=env)

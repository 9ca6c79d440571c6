"""The platform keys: none clashes with a key of a widget they are pressed in (or, where one
does, the screen's wins on purpose and says so in F1), and F1 lists every one."""

from __future__ import annotations

from rich.console import Console
from textual.app import App
from textual.binding import Binding
from textual.widgets import Input, TextArea

from drafter.tui import keys
from drafter.tui.app import DrafterApp
from drafter.tui.screens.help import keys_table
from drafter.tui.screens.main import MainScreen
from drafter.tui.widgets.editor import PartInput
from drafter.tui.widgets.preview import PreviewPane
from drafter.tui.widgets.takeaways import TakeawayInput
from drafter.tui.widgets.textbox import TextBox

from .conftest import started, wait_for
from .test_platforms_app import drafted

ADDED = {"f6": "next_platform(1)", "shift+f6": "next_platform(-1)", "shift+f8": "copy_thread"}
"""The keys the platforms added to the main screen."""
FOCUSABLE = [TextBox, PartInput, TakeawayInput, Input, TextArea, PreviewPane]
"""What can have the focus on the main screen while these keys are pressed."""


def bindings(cls: type) -> list[Binding]:
    out = []
    for klass in cls.__mro__:
        for item in klass.__dict__.get("BINDINGS", []):
            out.append(item if isinstance(item, Binding) else Binding(*item))
    return out


def bound(cls: type, key: str) -> list[Binding]:
    return [b for b in bindings(cls) if key in b.key.split(",")]


def test_the_platform_keys_are_bound_once_on_the_main_screen_and_not_by_the_app() -> None:
    for key, action in ADDED.items():
        assert [b.action for b in bound(MainScreen, key)] == [action]
        assert not bound(DrafterApp, key) and not bound(App, key)


def test_a_widget_key_the_platform_keys_share_gives_way_on_purpose() -> None:
    for key in ADDED:
        (main,) = bound(MainScreen, key)
        for widget in FOCUSABLE:
            clash = bound(widget, key)
            assert not clash or main.priority, f"{key} is {clash[0].action} in {widget.__name__}"
    assert [b.action for b in bound(TextArea, "f6")] == ["select_line"]  # what f6 gave up (F1 says so)
    assert "select" in next(r.text for r in keys.rows() if r.action == "next_platform(1)")
    assert not bound(MainScreen, "f7")  # f7 stays the text boxes' select-all
    assert [b.action for b in bound(PreviewPane, "a")] == ["screen.copy_thread"]


def test_f1_lists_every_platform_key() -> None:
    rows = {(row.section, key): row.text for row in keys.rows() for key in row.keys}
    for key in ("f6", "shift+f6", "shift+f8", "ctrl+r", "f8"):
        assert ("Drafting", key) in rows, key
    assert "platform" in rows[("Drafting", "ctrl+r")] and "thread" in rows[("Drafting", "shift+f8")]
    assert "copied 2/4" in rows[("Drafting", "f8")]
    assert ("Preview", "a") in rows
    console = Console(width=200, record=True)
    console.print(keys_table())
    shown = console.export_text()
    for key in ("shift+f8", "shift+f6", "Previous platform", "Copy the whole thread"):
        assert key in shown


async def test_f6_switches_platform_from_inside_a_text_box(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await drafted(pilot)
        await pilot.press("alt+p")  # the cursor in the post box
        assert screen.focused is screen.editor.post_area
        await pilot.press("f6")
        assert screen.session.platform == "x"
        await wait_for(pilot, lambda: screen.session.version is not None and not screen.busy, what="the X version")
        assert screen.focused is screen.version_editor.area  # the cursor follows into X's editor
        await pilot.press("shift+f6")
        assert screen.session.platform == "linkedin" and screen.focused is screen.editor.post_area


async def test_f7_still_selects_all_in_a_text_box(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        screen.compose_pane.source_area.load_text("a topic")
        await pilot.press("f7")
        assert screen.compose_pane.source_area.selected_text == "a topic"

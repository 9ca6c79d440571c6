"""F1 and the README list the real keys: every key the footer shows is in F1, every key in F1
is bound, and the README's table is the one the bindings give."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Button

from drafter.tui import keys
from drafter.tui.screens.help import HelpScreen
from drafter.tui.screens.library import DraftsScreen
from drafter.tui.screens.templates import TemplatesScreen
from tests.tui.conftest import started, wait_for

README = Path(__file__).resolve().parents[2] / "README.md"


def bound_keys(cls: type) -> set[str]:
    """Every key label bound on ``cls`` or a base class (Textual's included)."""
    found: set[str] = set()
    for klass in cls.__mro__:
        for item in klass.__dict__.get("BINDINGS", []):
            key = item.key if hasattr(item, "key") else item[0]
            found |= {keys.key_label(k) for k in key.split(",")}
    return found


def declaring_class(node: object, key: str) -> type:
    """The class in ``node``'s MRO whose own BINDINGS hold ``key``."""
    for klass in type(node).__mro__:
        for item in klass.__dict__.get("BINDINGS", []):
            if key in (item.key if hasattr(item, "key") else item[0]).split(","):
                return klass
    raise AssertionError(f"{key} is bound on no class of {node!r}")


def footer_keys(screen: Screen) -> set[tuple[str, str]]:
    """(section, key label) of every binding the footer shows right now."""
    shown = set()
    for key, active in screen.active_bindings.items():
        if active.binding.show:
            shown.add((keys.section_of(declaring_class(active.node, key)), keys.key_label(key)))
    return shown


def help_keys() -> set[tuple[str, str]]:
    return {(row.section, key) for row in keys.rows() for key in row.keys}


def test_every_key_in_f1_is_bound_where_it_says() -> None:
    classes = {cls.__name__: cls for cls in keys._classes()}
    extra_owners = {"DrafterApp": App, "Dialog": Button}  # ctrl+p: App's palette; enter: Button's press
    for row in keys.rows():
        owner = classes[row.owner]
        available = bound_keys(owner) | bound_keys(extra_owners.get(row.owner, owner)) | bound_keys(Screen)
        if row.owner == "DrafterApp":
            available.add(App.COMMAND_PALETTE_BINDING)
        for key in row.keys:
            assert key in available, f"F1 lists {key!r} under {row.section!r} but {row.owner} does not bind it"
        assert row.text.strip(), f"{row.keys} has no words"


def test_f1_says_what_enter_does_in_dialogs() -> None:
    dialog_rows = {row.key_text: row.text for row in keys.rows() if row.section == "Dialogs"}
    assert "focused button" in dialog_rows["enter"]
    assert not any("Confirm" in text for text in dialog_rows.values())


async def test_the_footer_of_every_screen_shows_only_keys_that_f1_lists(offline_app) -> None:
    listed = help_keys()
    app = offline_app()
    seen: set[tuple[str, str]] = set()
    async with app.run_test(size=(120, 40)) as pilot:
        main = await started(pilot)
        for view in ("f2", "f3", "f4"):
            await pilot.press(view)
            await pilot.pause()
            seen |= footer_keys(main)
        library = DraftsScreen()
        app.push_screen(library)
        await wait_for(pilot, lambda: library.loaded, what="the library")
        seen |= footer_keys(library)
        await pilot.press("slash")
        seen |= footer_keys(library)
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: app.screen is main, what="back to main")
        templates = TemplatesScreen()
        app.push_screen(templates)
        await wait_for(pilot, lambda: templates.is_mounted and templates._shown is not None, what="the templates")
        seen |= footer_keys(templates)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        text = str(app.screen.query_one("#help").query(".dialog-title").first().render())
        assert "keys" in text
    missing = seen - listed
    assert not missing, f"shown in a footer but not in F1: {sorted(missing)}"
    assert ("Drafting", "ctrl+g") in seen and ("Drafts library", "/") in seen  # the walk saw the screens


def readme_table() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"^\| where \| key \| action \|\n(?:\|.*\|\n)+", text, flags=re.MULTILINE)
    assert found, "the README has no keybindings table"
    return found.group(0)


def test_the_readme_keybindings_table_is_the_one_the_bindings_give() -> None:
    # After changing a binding: python -m drafter.tui.keys, and paste its output into the README.
    assert readme_table() == keys.markdown()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_f1_fits_and_scrolls(offline_app, size: tuple[int, int]) -> None:
    app = offline_app()
    async with app.run_test(size=size) as pilot:
        await started(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        box = app.screen.query_one("#help")
        assert box.region.right <= size[0] and box.region.bottom <= size[1]
        table = box.query_one("#keys-table")
        assert table.region.width <= box.region.width and table.virtual_size.height > 40  # every row, scrollable

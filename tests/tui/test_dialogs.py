"""The app's dialogs: one of each kind, one button order, one set of keys; the open dialog keeps
what was typed when opening fails and completes paths."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.screen import ModalScreen
from textual.widgets import Button, Input

import drafter.tui
from drafter.models.source import Source
from drafter.tui.screens.dialog import Dialog
from drafter.tui.screens.modals import (
    ConfirmModal, ExportModal, OpenSourceModal, RawOutputModal, TextPrompt, load_location,
)  # fmt: skip
from drafter.tui.widgets.path_input import complete_path
from tests.tui.conftest import started, wait_for

UNSET = object()


class Answer:
    value: Any = UNSET


async def push(pilot, dialog: ModalScreen[Any]) -> Answer:
    """Show ``dialog`` over the main screen; its answer lands in the returned object."""
    answer = Answer()
    await started(pilot)
    pilot.app.push_screen(dialog, callback=lambda value: setattr(answer, "value", value))
    await wait_for(pilot, lambda: pilot.app.screen is dialog and dialog.is_mounted, what="the dialog")
    await pilot.pause()
    return answer


def tui_classes() -> list[type]:
    found = []
    for info in pkgutil.walk_packages(drafter.tui.__path__, "drafter.tui."):
        module = importlib.import_module(info.name)
        found += [obj for _, obj in inspect.getmembers(module, inspect.isclass) if obj.__module__ == info.name]
    return found


def test_one_confirm_dialog_and_one_export_dialog_in_the_whole_app() -> None:
    modals = [c for c in tui_classes() if issubclass(c, ModalScreen)]
    assert [c.__name__ for c in modals if "Confirm" in c.__name__] == ["ConfirmModal"]
    assert [c.__name__ for c in modals if "Export" in c.__name__] == ["ExportModal"]
    assert all(issubclass(c, Dialog) for c in modals), "every dialog shares Dialog (its keys, buttons, styles)"
    from drafter.tui.screens import library
    from drafter.tui.screens import templates

    assert library.ConfirmModal is ConfirmModal and templates.ConfirmModal is ConfirmModal
    assert library.ExportModal is ExportModal


DIALOGS = {
    "confirm": lambda: ConfirmModal("Sure?", "Do it", "Go back"),
    "prompt": lambda: TextPrompt("Name", "x", action="Rename"),
    "export": lambda: ExportModal("/tmp/x.txt"),
    "open": lambda: OpenSourceModal(),
    "raw": lambda: RawOutputModal("unreadable", "raw text"),
}


@pytest.mark.parametrize("kind", list(DIALOGS))
async def test_every_dialog_puts_the_way_out_first_and_the_action_last(offline_app, kind: str) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = DIALOGS[kind]()
        await push(pilot, dialog)
        buttons = list(dialog.query(".dialog-buttons Button").results(Button))
        assert len(buttons) == 2
        way_out, action = buttons
        assert action.variant in ("primary", "error") and way_out.variant == "default"
        assert way_out.region.x < action.region.x  # on screen too: left, then right
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is not dialog, what="escape to close it")


@pytest.mark.parametrize(("danger", "focused", "enter_gives"), [(False, "yes", True), (True, "no", False)])
async def test_confirm_focus_starts_on_the_answer_that_loses_nothing(offline_app, danger: bool, focused: str,
                                                                     enter_gives: bool) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = ConfirmModal("Delete it?", "Delete", "Keep", danger=danger)
        answer = await push(pilot, dialog)
        assert app.focused is dialog.query_one(f"#{focused}")
        await pilot.press("enter")  # enter presses the focused button
        await wait_for(pilot, lambda: answer.value is not UNSET)
        assert answer.value is enter_gives


@pytest.mark.parametrize(("key", "expected"), [("y", True), ("n", False), ("escape", None)])
async def test_confirm_keys_are_the_same_everywhere(offline_app, key: str, expected: bool | None) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        answer = await push(pilot, ConfirmModal("Go on?", "Continue", "Go back"))
        await pilot.press(key)
        await wait_for(pilot, lambda: answer.value is not UNSET)
        assert answer.value is expected


async def test_exporting_the_post_over_an_existing_file_asks_first(offline_app, workspace) -> None:
    from tests.tui.test_app import generate

    target = workspace.root / "out.txt"
    target.write_text("keep me", encoding="utf-8")
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        await pilot.press("f4", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportModal), what="the export dialog")
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportModal)
        assert "exists" in str(app.screen.query_one("#export-error").render())
        assert target.read_text(encoding="utf-8") == "keep me"
        await pilot.press("enter")
        await wait_for(pilot, lambda: target.read_text(encoding="utf-8") != "keep me", what="the overwrite")
        assert target.read_text(encoding="utf-8") == screen.session.post_text + "\n"


# ---- open a file or URL -----------------------------------------------------------------------


async def test_a_failed_open_keeps_the_dialog_the_text_and_says_why(offline_app, tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-article.md")
    good = tmp_path / "article.md"
    good.write_text("# Title\n\nAn article about repair cafés and what they teach.\n", encoding="utf-8")
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, OpenSourceModal), what="the open dialog")
        dialog = app.screen
        dialog.query_one("#location", Input).value = missing
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Could not open" in dialog.error, what="the error in the dialog")
        assert app.screen is dialog and dialog.query_one("#location", Input).value == missing
        assert "no-such-article.md" in dialog.error
        assert screen.session.loaded is None
        dialog.query_one("#location", Input).value = str(good)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.session.loaded is not None, what="the file to open")
        assert not isinstance(app.screen, OpenSourceModal) and screen.session.loaded.kind == "file"


async def test_the_open_dialog_loads_off_the_event_loop(offline_app, tmp_path: Path) -> None:
    threads: list[threading.Thread] = []

    def load(location: str) -> Source:
        threads.append(threading.current_thread())
        return load_location(location)

    path = tmp_path / "a.txt"
    path.write_text("Some article text about a bakery and its prices.", encoding="utf-8")
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        answer = await push(pilot, OpenSourceModal(str(path), load=load))
        await pilot.press("enter")
        await wait_for(pilot, lambda: answer.value is not UNSET, what="the source")
        assert isinstance(answer.value, Source) and threads and threads[0] is not threading.main_thread()


async def test_the_open_dialog_can_be_shown_again_with_an_error_and_the_text(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = OpenSourceModal("notes/x.md", error="file not found: notes/x.md")
        answer = await push(pilot, dialog)
        assert dialog.query_one("#location", Input).value == "notes/x.md"
        assert "file not found" in dialog.error
        await pilot.press("enter")  # without a loader: dismisses with the text
        await wait_for(pilot, lambda: answer.value is not UNSET)
        assert answer.value == "notes/x.md"


async def test_tab_completes_a_path_in_the_open_dialog(offline_app, tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "article-on-trees.md").write_text("x", encoding="utf-8")
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = OpenSourceModal(base=lambda: tmp_path)
        await push(pilot, dialog)
        field = dialog.query_one("#location", Input)
        await pilot.press(*"no")
        await wait_for(pilot, lambda: field._suggestion == "notes/", what="the folder suggestion")
        await pilot.press("tab")
        assert field.value == "notes/" and app.focused is field
        await pilot.press("a")
        await wait_for(pilot, lambda: field._suggestion.endswith(".md"), what="the file suggestion")
        await pilot.press("tab")
        assert field.value == "notes/article-on-trees.md"
        await pilot.press("tab")  # nothing left to complete: tab moves on
        assert app.focused is not field


def test_complete_path_cases(tmp_path: Path) -> None:
    tmp_path = tmp_path / "folder"  # tmp_path itself holds the test's home/ and cwd/
    (tmp_path / "drafts").mkdir(parents=True)
    (tmp_path / "draft-a.md").write_text("", encoding="utf-8")
    (tmp_path / ".hidden").write_text("", encoding="utf-8")
    assert complete_path("dr", tmp_path) == "draft"  # common start of draft-a.md and drafts/
    assert complete_path("drafts", tmp_path) == "drafts/"
    assert complete_path("draft-", tmp_path) == "draft-a.md"
    assert complete_path(f"{tmp_path}/draft-", Path("/")) == f"{tmp_path}/draft-a.md"
    assert complete_path("h", tmp_path) is None and complete_path(".h", tmp_path) == ".hidden"
    assert complete_path("https://exa", tmp_path) is None
    assert complete_path("missing/x", tmp_path) is None

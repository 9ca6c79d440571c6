"""What a tester of the app found after issue 8: jump keys that typed their letter, the Post
box's own undo leaving the post detached."""

from __future__ import annotations

import json

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from drafter.tui.screens.modals import ConfirmModal

from .conftest import wait_for
from .test_app import generate


async def press_alt(pilot: Pilot, *letters: str) -> None:
    """alt+letter as a terminal reports it: key "alt+t" with the character "t" (Pilot's own
    press sends no character, so it cannot show a letter typed into a box)."""
    for letter in letters:
        pilot.app.post_message(events.Key(f"alt+{letter}", letter))
        await pilot.pause()


async def test_alt_letter_jumps_from_a_text_box_without_typing(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await generate(pilot, app)
        hook = screen.query_one("#part-hook", Input)
        before = hook.value
        await pilot.press("f3", "end")
        await press_alt(pilot, "t")
        assert hook.value == before
        assert screen.session.parts.hook == before
        await press_alt(pilot, "p")
        post = screen.query_one("#post", TextArea)
        assert post.has_focus
        text = post.text
        await press_alt(pilot, "h")
        assert post.text == text
        assert hook.has_focus
        await press_alt(pilot, "1", "2", "5", "g", "q")
        assert hook.value == before and post.text == text
        await pilot.press("f3")  # the whole hook selected: a jump must not replace it
        await press_alt(pilot, "p")
        assert hook.value == before and post.has_focus


async def test_undo_inside_the_post_box_reattaches_the_post(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await generate(pilot, app)
        await pilot.press("alt+p", "ctrl+end", *" EDITED")
        assert screen.session.text_override is not None
        await pilot.press("ctrl+z")
        assert "EDITED" not in screen.query_one("#post", TextArea).text
        assert screen.session.text_override is None
        assert not screen.query_one("#override-notice").display
        await pilot.press("alt+h", "end", "Z")
        assert screen.session.post_text.startswith(screen.session.parts.hook)
        assert screen.session.parts.hook.endswith("Z")
        assert screen.query_one("#post", TextArea).text.split("\n")[0].endswith("Z")


async def _crashed_autosave(offline_app, workspace):
    """A draft edited after saving and autosaved, by an app that then "crashed"."""
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.session.dirty)
        screen.query_one("#part-hook", Input).value = "Edited after saving"
        await wait_for(pilot, lambda: screen.session.parts.hook == "Edited after saving")
        screen.autosave_now()
    autosaves = workspace.drafts_dir / ".autosave"
    for path in autosaves.glob("*.json"):  # a crash leaves the owner file of a process now gone
        (autosaves / f"{path.stem}.owner").write_text("999999999\n", encoding="utf-8")
    return autosaves


async def test_restore_dialog_ignores_typed_letters_and_discard_leaves_no_owner(offline_app, workspace) -> None:
    autosaves = await _crashed_autosave(offline_app, workspace)
    files = sorted(p.name for p in autosaves.iterdir())
    assert any(n.endswith(".owner") for n in files)
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the restore offer")
        await pilot.press(*"Onboarding new hires")  # typed by someone who has not seen the dialog
        assert isinstance(app.screen, ConfirmModal)
        assert sorted(p.name for p in autosaves.iterdir()) == files
        assert app.screen.focused.id == "yes"  # the safe answer: Restore
        assert "n:" not in str(app.screen.query_one(".hint").render())
        app.screen.query_one("#no").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: not any(autosaves.iterdir()), what="the discard")


async def test_a_jump_scrolls_its_target_into_view(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        await press_alt(pilot, "p")
        await pilot.press("ctrl+end", "f4")
        await press_alt(pilot, "h")
        hook = screen.query_one("#part-hook", Input)
        await wait_for(pilot, lambda: hook.has_focus, what="the jump")
        for _ in range(5):
            await pilot.pause()
        editor = screen.editor
        assert hook.region.height > 0 and editor.region.contains_region(hook.region), "the hook is out of view"


async def test_saving_over_a_draft_changed_elsewhere_asks_first(offline_app, workspace) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.session.dirty, what="the save")
        path = screen.drafter.store.path_for(screen.session.draft.id)
        # Another drafter on the same workspace saves its own version of the draft.
        data = json.loads(path.read_text(encoding="utf-8"))
        data["title"] = "Saved by the other window"
        path.write_text(json.dumps(data), encoding="utf-8")
        theirs = path.read_text(encoding="utf-8")
        screen.query_one("#part-hook", Input).value = "My own hook"
        await wait_for(pilot, lambda: screen.session.parts.hook == "My own hook")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        assert "changed on disk" in str(app.screen.query_one(".dialog-body").render())
        assert app.screen.focused.id == "no"
        await pilot.press("enter")  # Keep unsaved
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmModal))
        assert path.read_text(encoding="utf-8") == theirs and screen.session.dirty
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question again")
        app.screen.query_one("#yes").focus()
        await pilot.press("enter")  # Save over it
        await wait_for(pilot, lambda: "My own hook" in path.read_text(encoding="utf-8"), what="the save")
        await wait_for(pilot, lambda: not screen.session.dirty)


def test_open_dialog_advice_is_the_apps_not_the_command_lines(tmp_path) -> None:
    import pytest

    from drafter.common.errors import SourceError
    from drafter.tui.screens.modals import load_location

    for typed in ("-", str(tmp_path / "missing.txt")):
        with pytest.raises(SourceError) as caught:
            load_location(typed)
        assert "stdin" not in str(caught.value).replace("“-” (stdin) works only on the command line", "")
        assert "Tab completes it" in str(caught.value)


async def test_undo_back_past_the_generation_is_an_unsaved_change(offline_app) -> None:
    """ctrl+z until the generated draft is gone: it can still be lost, so the header shows ●,
    the status says what happened and quitting asks first."""
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        while screen.session.has_post:
            screen.action_undo()
            await pilot.pause()
        assert screen.session.dirty and screen.session.history.can_redo
        assert str(screen.query_one("#draft-label").render()).startswith("●")
        assert "ctrl+y" in screen.status.message
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the quit question")


async def test_the_header_title_follows_the_hook_through_undo(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        before = str(screen.query_one("#draft-label").render())
        screen.session.accept_hook("Half the loaves, double the sales")
        screen.render_session()
        await pilot.pause()
        assert "Half the loaves" in str(screen.query_one("#draft-label").render())
        screen.action_undo()
        await pilot.pause()
        after = str(screen.query_one("#draft-label").render())
        assert "Half the loaves" not in after and after.lstrip("● ") == before.lstrip("● ")

"""The app through Pilot: generate (offline and over real HTTP), cancel, edit, regenerate,
hook variants, save, reopen, autosave/restore, copy, export, errors."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, TextArea

from drafter.common.errors import StoreError
from drafter.models.post import Parts
from drafter.tui.screens.help import HelpScreen
from drafter.tui.screens.main import MainScreen
from drafter.tui.screens.modals import ConfirmModal, RawOutputModal, RegenerateModal, VariantsModal
from drafter.tui.session import DraftState, History, Session, lint_post, source_from_input
from drafter.tui.widgets.takeaways import TakeawayInput
from tests.loopback import Loopback, Reply

from .conftest import ARTICLE, TOPIC, export_to, started, wait_for

GOOD = {
    "hook": "Our team dropped the daily status meeting and shipped more",
    "takeaways": ["Written updates took five minutes, not thirty",
                  "Blockers surfaced sooner in a shared channel",
                  "The one weekly call now ends with decisions"],
    "question": "Which recurring meeting would your team miss least?",
    "hashtags": ["#Meetings", "#TeamWork", "#RemoteWork"],
}


def main(app) -> MainScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def generate(pilot, app, text: str = TOPIC) -> MainScreen:
    screen = await started(pilot)
    screen.compose_pane.source_area.load_text(text)
    await pilot.press("ctrl+g")
    await wait_for(pilot, lambda: screen.session.parts is not None and not screen.busy, what="a draft")
    return screen


# ---- generate ---------------------------------------------------------------------------


async def test_generate_topic_offline_fills_parts_and_preview(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        await pilot.press("A", "I")  # typing goes to the source box, focused at start
        assert screen.compose_pane.source_text == "AI"
        screen = await generate(pilot, app)
        parts = screen.session.parts
        assert screen.view == "editor" and screen.focused is screen.editor  # not the hidden source box
        assert screen.query_one("#part-hook", Input).value == parts.hook
        assert screen.query_one("#post", TextArea).text == screen.session.post_text
        assert parts.hook in str(screen.query_one("#card").render())
        assert "Draft ready" in screen.status.message
        assert screen.session.job.source.kind == "topic"
        assert "offline" in str(screen.query_one("#engine-label").render())


async def test_generate_article_offline(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app, ARTICLE.read_text(encoding="utf-8"))
        assert screen.session.job.source.has_article
        assert len(screen.session.parts.takeaways) == 3
        counters = str(screen.query_one("#counters").render())
        assert "/3,000 chars" in counters and "words" in counters


async def test_open_file_then_generate(offline_app, tmp_path: Path) -> None:
    app = offline_app()
    path = tmp_path / "article.md"
    path.write_text(ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: app.screen.query("#location"))
        app.screen.query_one("#location", Input).value = str(path)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.session.loaded is not None and not screen.busy, what="the file")
        assert screen.session.loaded.kind == "file"
        assert "From" in str(screen.query_one("#source-info").render())
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: screen.session.parts is not None and not screen.busy)
        assert screen.session.job.source.kind == "file"


async def test_empty_source_asks_for_a_topic(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: notices(app))
        assert "Type a topic" in notices(app)[0]
        assert main(app).session.parts is None


async def test_generate_over_http_streams_parts_and_usage(openai_app, loopback: Loopback) -> None:
    loopback.script(Reply.stream(GOOD, pieces=12, usage=(321, 87)), Reply.stream(GOOD))
    app = openai_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        assert "test-model" in str(screen.query_one("#engine-label").render())
        screen = await generate(pilot, app)
        assert screen.session.parts.hook == GOOD["hook"]
        assert screen.session.parts.takeaways == GOOD["takeaways"]
        assert "tokens 321 in" in str(screen.query_one("#counters").render())
        assert loopback.chat_requests[0].body["stream"] is True


async def test_cancel_mid_stream_keeps_source(openai_app, loopback: Loopback) -> None:
    loopback.script(Reply.stall('{"hook": "Half of a hook that never', pieces=2))
    app = openai_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        screen.compose_pane.source_area.load_text(TOPIC)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: screen.status.received > 0, what="the first chunk")
        hook = screen.query_one("#part-hook", Input)
        await wait_for(pilot, lambda: hook.value.startswith("Half"), what="the hook to stream in")
        assert screen.busy and hook.disabled  # being written by the engine
        assert "chars received" in str(screen.status.render()) and "tokens" in str(screen.status.render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.busy, what="the cancel")
        assert "Cancelled" in screen.status.message
        assert screen.compose_pane.source_text == TOPIC
        assert screen.session.parts is None
        assert screen.query_one("#part-hook", Input).value == ""


async def test_engine_error_is_shown_and_source_kept(openai_app, loopback: Loopback) -> None:
    loopback.script(Reply.error(401, "Incorrect API key provided", code="invalid_api_key"))
    app = openai_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        screen.compose_pane.source_area.load_text(TOPIC)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: not screen.busy and notices(app), what="the error")
        message = notices(app)[-1]
        assert "401" in message or "API key" in message
        assert [n.severity for n in app._notifications][-1] == "error"
        assert screen.compose_pane.source_text == TOPIC
        assert "failed" in screen.status.message


async def test_unreadable_answer_is_offered_for_editing(openai_app, loopback: Loopback) -> None:
    garbage = "Sorry, here is a poem about meetings instead."
    loopback.script(*[Reply.stream(garbage) for _ in range(4)])
    app = openai_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        screen.compose_pane.source_area.load_text(TOPIC)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, RawOutputModal), what="the raw answer")
        assert garbage in app.screen.query_one("#raw", TextArea).text
        await pilot.click("#use")
        await wait_for(pilot, lambda: screen.session.text_override is not None)
        assert garbage in screen.session.post_text
        assert screen.compose_pane.source_text == TOPIC


async def test_a_cut_off_answer_is_offered_not_lost(openai_app, loopback: Loopback) -> None:
    """finish_reason "length": the text that arrived is offered for editing, as an unreadable one is."""
    cut = '{"hook": "Our night bakery cut waste by a third once the ovens ran on'
    loopback.script(Reply.stream(cut, finish_reason="length"))
    app = openai_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        screen.compose_pane.source_area.load_text(TOPIC)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, RawOutputModal), what="the partial answer")
        assert cut in app.screen.query_one("#raw", TextArea).text
        assert "cut off" in str(app.screen.query_one(".dialog-title").render()).lower()
        await pilot.click("#use")
        await wait_for(pilot, lambda: screen.session.text_override is not None)
        assert "Our night bakery" in screen.session.post_text


async def test_an_answer_past_the_deadline_is_offered_not_lost(openai_app, loopback: Loopback) -> None:
    loopback.script(Reply.drip_forever('{"hook": "Ovens at night', piece=" and", every=0.2))
    app = openai_app(deadline=1.5)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        screen.compose_pane.source_area.load_text(TOPIC)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, RawOutputModal), what="the partial answer", timeout=20)
        assert "Ovens at night and" in app.screen.query_one("#raw", TextArea).text
        assert "time" in str(app.screen.query_one(".dialog-title").render()).lower()
        assert screen.compose_pane.source_text == TOPIC


# ---- editing ------------------------------------------------------------------------------


async def test_edit_part_updates_post_and_undo(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        original = screen.session.parts.hook
        hook = screen.query_one("#part-hook", Input)
        hook.focus()
        await pilot.press("end", *" now")
        await wait_for(pilot, lambda: screen.session.parts.hook == original + " now")
        assert screen.query_one("#post", TextArea).text.startswith(original + " now")
        assert screen.session.dirty
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: screen.session.parts.hook == original)
        assert hook.value == original
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: screen.session.parts.hook == original + " now")


async def test_edit_whole_post_wins_and_regenerate_asks(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        post = screen.query_one("#post", TextArea)
        post.focus()
        post.move_cursor((0, 0))
        await pilot.press(*"PS ")
        await wait_for(pilot, lambda: screen.session.text_override is not None)
        assert screen.session.post_text.startswith("PS ")
        assert screen.query_one("#override-notice").display
        # a part edit no longer changes the post text
        screen.query_one("#part-question", Input).value = "What now?"
        await wait_for(pilot, lambda: screen.session.parts.question == "What now?")
        assert screen.session.post_text.startswith("PS ") and "What now?" not in screen.session.post_text
        # a new generation asks first; "Keep editing" keeps everything
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.click("#no")
        await wait_for(pilot, lambda: app.screen is screen)
        assert screen.session.post_text.startswith("PS ")
        # re-assembling (confirmed) goes back to the parts
        screen.action_reassemble()
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.click("#yes")
        await wait_for(pilot, lambda: screen.session.text_override is None)
        assert "What now?" in screen.query_one("#post", TextArea).text


async def test_takeaways_add_remove_reorder_with_keys(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app, ARTICLE.read_text(encoding="utf-8"))
        first, second = screen.session.parts.takeaways[:2]
        items = list(screen.query(TakeawayInput))
        items[0].focus()
        await pilot.press("ctrl+down")
        await wait_for(pilot, lambda: screen.session.parts.takeaways[:2] == [second, first])
        await pilot.press("enter")  # new empty takeaway below, focused
        await wait_for(pilot, lambda: len(list(screen.query(TakeawayInput))) == 4)
        await pilot.press("N", "e", "w")
        await wait_for(pilot, lambda: "New" in screen.session.parts.takeaways)
        assert screen.session.parts.takeaways.index("New") == 2
        await pilot.press("backspace", "backspace", "backspace", "backspace")  # the 4th removes the item
        await wait_for(pilot, lambda: len(screen.session.parts.takeaways) == 3
                       and len(list(screen.query(TakeawayInput))) == 3)
        assert "\n• New" not in screen.session.post_text


async def test_regenerate_one_part_offline(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app, ARTICLE.read_text(encoding="utf-8"))
        before = screen.session.parts
        screen.query_one("#part-question", Input).focus()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, RegenerateModal))
        assert app.screen.part == "question"
        app.screen.query_one("#instruction", Input).value = "shorter"
        await pilot.press("enter")
        await wait_for(pilot, lambda: not screen.busy and screen.session.draft.revisions[-1].kind == "regenerate")
        after = screen.session.parts
        assert (after.hook, after.takeaways, after.hashtags) == (before.hook, before.takeaways, before.hashtags)
        assert screen.session.draft.revisions[-1].note == "question: shorter"


async def test_regenerate_one_part_over_http(openai_app, loopback: Loopback) -> None:
    loopback.script(Reply.stream(GOOD))
    app = openai_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        assert loopback.pending == 0
        loopback.script(Reply.stream({"hook": "Shorter hook, same point"}))
        screen.action_regenerate("hook")
        await wait_for(pilot, lambda: isinstance(app.screen, RegenerateModal))
        await pilot.click("Button.quick")  # the "shorter" shortcut fills the instruction and runs
        await wait_for(pilot, lambda: not screen.busy and screen.session.draft.revisions[-1].kind == "regenerate",
                       what="the regenerated hook")
        assert screen.session.parts.hook == "Shorter hook, same point"
        assert screen.session.parts.takeaways == GOOD["takeaways"]
        assert "shorter" in loopback.chat_requests[-1].body["messages"][-1]["content"]


async def test_failed_regenerate_keeps_hand_edits(openai_app, loopback: Loopback) -> None:
    loopback.script(Reply.stream(GOOD))
    app = openai_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        screen.query_one("#post", TextArea).load_text("My own words, typed by hand?")
        await wait_for(pilot, lambda: screen.session.text_override == "My own words, typed by hand?")
        loopback.script(Reply.error(500, "boom"))
        screen.action_regenerate("question")
        await wait_for(pilot, lambda: isinstance(app.screen, RegenerateModal))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the hand-edit warning")
        await pilot.click("#yes")
        await wait_for(pilot, lambda: not screen.busy and "failed" in screen.status.message, what="the error")
        assert screen.session.post_text == "My own words, typed by hand?"
        assert screen.query_one("#post", TextArea).text == "My own words, typed by hand?"
        assert screen.session.parts.question == GOOD["question"]


async def test_pick_a_hook_variant(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app, ARTICLE.read_text(encoding="utf-8"))
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, VariantsModal), what="the hook list")
        hooks = app.screen.hooks
        assert len(hooks) >= 2
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: screen.session.parts.hook == hooks[1])
        assert screen.query_one("#part-hook", Input).value == hooks[1]
        assert screen.session.draft.revisions[-1].kind == "variant"


# ---- save, reopen, autosave ---------------------------------------------------------------


async def test_save_then_reopen_in_a_new_app(offline_app, workspace) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        screen.query_one("#part-question", Input).value = "Would you cancel yours?"
        await wait_for(pilot, lambda: screen.session.parts.question == "Would you cancel yours?")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.session.dirty, what="the save")
        draft_id = screen.session.draft.id
        text = screen.session.post_text
    data = json.loads((workspace.drafts_dir / f"{draft_id}.json").read_text(encoding="utf-8"))
    assert data["text"] == text
    assert [r["kind"] for r in data["revisions"]] == ["generate", "edit"]

    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), what="the library")
        await pilot.press("enter")  # the only draft is highlighted: the library dismisses with its id
        await wait_for(pilot, lambda: screen.session.draft is not None and screen.session.draft.id == draft_id)
        assert screen.session.post_text == text
        assert screen.query_one("#part-question", Input).value == "Would you cancel yours?"
        assert screen.compose_pane.source_text == TOPIC
        assert not screen.session.dirty


async def test_failed_save_keeps_everything(offline_app, monkeypatch) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        text = screen.session.post_text

        def broken(draft, **kwargs):
            raise StoreError("cannot write drafts/x.json: No space left on device")

        monkeypatch.setattr(app.drafter.store, "save", broken)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("No space left" in n for n in notices(app)))
        assert screen.session.post_text == text and screen.session.dirty
        assert screen.compose_pane.source_text == TOPIC


async def test_autosave_is_offered_after_a_crash(offline_app, workspace) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        screen.query_one("#part-hook", Input).value = "Recovered hook line"
        await wait_for(pilot, lambda: screen.session.parts.hook == "Recovered hook line")
        screen.autosave()  # what the 2 s debounce timer calls
        await wait_for(pilot, lambda: app.drafter.store.pending_autosave() is not None, what="the autosave")
        expected = screen.session.post_text
        # "crash": leave without saving or quitting through the app

    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the restore offer")
        assert "Restore" in str(app.screen.query_one("#yes").label)
        await pilot.press("enter")
        screen = main(app)
        await wait_for(pilot, lambda: screen.session.post_text == expected, what="the restored text")
        assert screen.query_one("#part-hook", Input).value == "Recovered hook line"
        assert screen.session.dirty  # not saved yet
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.session.dirty)
        assert app.drafter.store.pending_autosave() is None


async def test_discarding_the_autosave_removes_it(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        app.drafter.store.write_autosave(screen.session.draft_for("edit"))
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.click("#no")
        await wait_for(pilot, lambda: app.drafter.store.pending_autosave() is None)
        assert main(app).session.parts is None


# ---- copy, export, help, palette, layout ---------------------------------------------------


async def test_copy_puts_the_post_on_the_clipboard(offline_app, monkeypatch) -> None:
    import pyperclip

    copied: list[str] = []  # the system clipboard, faked: the real one (the user's) is left alone
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        await pilot.press("f8")
        await wait_for(pilot, lambda: any("clipboard" in n for n in notices(app)), what="the copy notice")
        assert app.clipboard == screen.session.post_text  # the terminal (OSC 52)
        assert copied == [screen.session.post_text]  # and the system clipboard
        assert any(n.startswith("Copied the post") for n in notices(app))


async def test_copy_without_a_system_clipboard_says_so(offline_app, monkeypatch) -> None:
    import pyperclip

    def unavailable(text: str) -> None:
        raise pyperclip.PyperclipException("Pyperclip could not find a copy/paste mechanism for your system.")

    monkeypatch.setattr(pyperclip, "copy", unavailable)
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        await pilot.press("f8")
        await wait_for(pilot, lambda: any("clipboard" in n for n in notices(app)), what="the copy notice")
        assert app.clipboard == screen.session.post_text
        note = next(n for n in app._notifications if "clipboard" in str(n.message))
        assert note.severity == "warning" and "install xclip" in str(note.message)


async def test_export_writes_a_text_file(offline_app, workspace) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        await pilot.press("f4")  # preview: "e" exports
        target = workspace.root / "out" / "post.txt"
        await export_to(pilot, target)
        assert target.read_text(encoding="utf-8") == screen.session.post_text + "\n"


async def test_preview_fold_and_mobile_toggle(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app, ARTICLE.read_text(encoding="utf-8"))
        await pilot.press("f4")
        card = lambda: str(screen.query_one("#card").render())  # noqa: E731
        assert "see\u00a0more" in card()
        await pilot.press("space")
        assert "see\u00a0less" in card()
        await pilot.press("m")
        assert "Mobile" in str(screen.query_one("#fold-mode").render())


async def test_help_theme_and_palette(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("f9")
        assert app.theme == "textual-light"
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Generate", "Cancel", "Save", "Copy the post", "Hook variants", "Drafts library",
                       "Regenerate the hook", "Export to a file", "Open a file or URL", "Help: keys"):
            assert wanted in titles


async def test_wide_terminal_shows_editor_and_preview(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await generate(pilot, app)
        assert screen.has_class("-wide")
        assert screen.query_one("#editor-pane").display and screen.query_one("#preview-pane").display
        assert screen.query_one("#preview-pane").region.x > screen.query_one("#editor-pane").region.x


async def test_quit_with_unsaved_changes_asks(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await generate(pilot, app)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.click("#no")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        # "Stay" stays: the app still runs and answers keys (a dialog that always quits fails here)
        await pilot.pause()
        assert app.is_running and app.return_code is None
        await pilot.press("f9")
        await wait_for(pilot, lambda: app.theme == "textual-light", what="the app to answer a key")
        assert main(app).session.dirty


# ---- the pure session -----------------------------------------------------------------------

PARTS = Parts(**GOOD)


def test_history_groups_typing_and_undoes() -> None:
    history = History()
    start = DraftState(PARTS)
    history.reset(start)
    a = DraftState(PARTS.model_copy(update={"hook": "A"}))
    ab = DraftState(PARTS.model_copy(update={"hook": "AB"}))
    history.push(a, key="hook")
    history.push(ab, key="hook")
    assert history.undo() == start and history.redo() == ab and not history.can_redo


def test_session_empty_hook_leaves_the_post() -> None:
    """Issue 8 (bug 2) changed this: a cleared hook is no longer replaced by the last good one;
    the post has no hook, and the problem is reported."""
    session = Session(parts=PARTS)
    error = session.edit_part("hook", "   ")
    assert error is not None and error.startswith("hook:")
    assert session.parts.hook == "" and GOOD["hook"] not in session.post_text
    assert session.problems() == ["hook is empty"]
    # The hashtags field splits on commas and spaces: each word becomes one tag (parse_hashtags).
    assert session.edit_part("hashtags", "ai, machine learning") is None
    assert session.parts.hashtags == ["#Ai", "#Machine", "#Learning"]


def test_session_whole_text_wins_until_reassembled() -> None:
    session = Session(parts=PARTS)
    session.set_text("my own text?")
    session.edit_part("question", "Other?")
    assert session.post_text == "my own text?" and session.has_user_edits
    session.reassemble()
    assert "Other?" in session.post_text


def test_source_from_input_topic_or_article() -> None:
    assert source_from_input("A short topic").kind == "topic"
    assert source_from_input("line one\nline two").kind == "text"


def test_one_linter_for_the_preview(workspace) -> None:
    """Issue 8 (bug 8) replaced the session's quick checks: the preview's findings are the
    linter's, with its hashtag range (1-6), on hand-edited text too."""
    from drafter.settings.config import Settings
    from drafter.service.drafting import Drafter

    drafter = Drafter(Settings(engine="offline"), workspace)
    session = Session(parts=PARTS)
    session.set_text("x" * 250 + "\n\nno tags here #A1 #B2 #C3 #D4 #E5 #F6")
    rules = {f.rule for f in lint_post(drafter, session).findings}
    assert "question-missing" in rules and "hook-desktop-fold" in rules
    assert "hashtag-count" not in rules  # 6 tags: within the rule's range


async def test_notes_show_brackets_as_typed(offline_app) -> None:
    """A scaffold note mentions "[placeholders]": markup must not swallow it."""
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await generate(pilot, app, "heat pumps in old houses")
        await wait_for(pilot, lambda: any("[placeholders]" in n for n in notices(app)), what="the scaffold note")
        note = next(n for n in app._notifications if "[placeholders]" in str(n.message))
        assert note.markup is False

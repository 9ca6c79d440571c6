"""Issue 8: one source of truth for the open draft. One Pilot test per numbered bug, each
failing before the redesign: cancel restores, a cleared field leaves the post, switching
template resets its variables, a deleted draft is not silently recreated, autosaves belong to
one process, the restore dialog shows the autosave's time, the post box follows the cursor,
one linter everywhere."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

from textual.widgets import Input, TextArea

from drafter.tui.screens.modals import ConfirmModal
from tests.loopback import Loopback, Reply

from .conftest import started, wait_for
from .test_app import GOOD, generate


# ---- bug 1: cancel during a regeneration ---------------------------------------------------


async def test_cancel_during_a_second_generation_keeps_the_draft(openai_app, loopback: Loopback) -> None:
    # The new answer stalls inside its fourth takeaway (a slow stream, cancelled after a while).
    partial = ('{"hook": "A new hook", "takeaways": ["Written updates took five minutes, not thirty", '
               '"Blockers surfaced sooner", "Decisions", "Nob')
    loopback.script(Reply.stream(GOOD), Reply.stall(partial, pieces=1))
    app = openai_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        before_text = screen.session.post_text
        before_parts = screen.session.parts
        await pilot.press("ctrl+g")
        items = lambda: [i.value for i in screen.query("TakeawayInput")]  # noqa: E731
        await wait_for(pilot, lambda: "Nob" in items(), what="the partial takeaway to stream in")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.busy, what="the cancel")
        for _ in range(20):  # let every message the stream left behind arrive
            await pilot.pause()
        assert "Cancelled" in screen.status.message
        assert screen.session.parts == before_parts
        assert screen.session.post_text == before_text
        assert items() == GOOD["takeaways"]
        assert screen.query_one("#part-hook", Input).value == GOOD["hook"]
        assert screen.query_one("#post", TextArea).text == before_text


# ---- bug 2: a cleared field stays in the post -----------------------------------------------


async def test_a_cleared_field_leaves_the_post_and_the_copy(offline_app, monkeypatch) -> None:
    import pyperclip

    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        old_hook = screen.session.parts.hook
        hook = screen.query_one("#part-hook", Input)
        hook.focus()
        await pilot.press("end", "ctrl+u")
        await wait_for(pilot, lambda: hook.value == "")
        await pilot.pause()
        assert old_hook not in screen.session.post_text
        assert old_hook not in str(screen.query_one("#card").render())
        await pilot.press("Z", "backspace", "f8")
        await wait_for(pilot, lambda: copied, what="the copy")
        assert not copied[-1].startswith("Z") and old_hook not in copied[-1]
        assert copied[-1] == screen.session.post_text == app.clipboard
        tags = screen.query_one("#part-hashtags", Input)
        tags.focus()
        await pilot.press("end", "ctrl+u")
        await wait_for(pilot, lambda: tags.value == "")
        await pilot.pause()
        assert "#" not in screen.session.post_text
        assert " 0 hashtags" in str(screen.query_one("#counters").render())


# ---- bug 3: switching template keeps the previous template's variables -----------------------


async def test_switching_template_shows_its_own_variables(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        pane = screen.compose_pane
        await wait_for(pilot, lambda: pane.query("#var-tone"), what="the variables")
        pane.select_template("contrarian")
        contrarian = app.drafter.template("contrarian").variables
        await wait_for(pilot, lambda: pane.query_one("#var-hashtags", Input).value == "2", what="contrarian's")
        assert pane.query_one("#var-tone", Input).value == contrarian["tone"]
        assert pane.query_one("#var-audience", Input).value == contrarian["audience"]
        assert screen.session.overrides() == {}
        # a value the user typed is kept across templates that have it
        pane.query_one("#var-audience", Input).value = "bakers"
        await pilot.pause()
        pane.select_template("classic")
        await wait_for(pilot, lambda: pane.query_one("#var-hashtags", Input).value == "3", what="classic's")
        assert pane.query_one("#var-audience", Input).value == "bakers"
        assert pane.query_one("#var-tone", Input).value == app.drafter.template("classic").variables["tone"]


# ---- bug 4: a deleted draft comes back ------------------------------------------------------


async def test_saving_a_draft_deleted_meanwhile_asks(offline_app, workspace) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.session.dirty, what="the save")
        path = workspace.drafts_dir / f"{screen.session.draft.id}.json"
        assert path.exists()
        app.drafter.store.delete(screen.session.draft.id)  # e.g. from the library
        screen.storage._library_closed(None)  # back from the library: the draft shows as unsaved
        await wait_for(pilot, lambda: screen.session.dirty, what="the unsaved mark")
        assert str(screen.query_one("#draft-label").render()).startswith("●")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        assert "deleted" in str(app.screen.query_one(".dialog-body").render())
        await pilot.click("#no")
        await wait_for(pilot, lambda: app.screen is screen)
        assert not path.exists()
        assert screen.session.dirty  # shown as unsaved
        assert str(screen.query_one("#draft-label").render()).startswith("●")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.click("#yes")
        await wait_for(pilot, lambda: path.exists() and not screen.session.dirty, what="the save again")


# ---- bugs 5 and 6: autosaves of two instances; the autosave's time ---------------------------


async def test_a_second_instance_leaves_a_live_autosave_alone(offline_app, workspace) -> None:
    first = offline_app()
    async with first.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, first)
        screen.query_one("#part-hook", Input).value = "Live hook being edited"
        await wait_for(pilot, lambda: screen.session.parts.hook == "Live hook being edited")
        screen.autosave()
        autosaves = workspace.drafts_dir / ".autosave"
        await wait_for(pilot, lambda: autosaves.is_dir() and any(autosaves.iterdir()), what="the autosave")
        files = sorted(autosaves.iterdir())
        second = offline_app()
        async with second.run_test(size=(80, 24)) as pilot2:
            screen2 = await started(pilot2)
            await wait_for(pilot2, lambda: all(w.is_finished for w in second.workers
                                               if w.group == "restore"), what="the autosave check")
            assert not isinstance(second.screen, ConfirmModal)  # nothing offered
        assert sorted(autosaves.iterdir()) == files  # and nothing deleted
        assert screen2.session.parts is None


async def test_restore_dialog_shows_the_autosave_time(offline_app, workspace) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.session.dirty)
        screen.query_one("#part-hook", Input).value = "Edited after saving"
        await wait_for(pilot, lambda: screen.session.parts.hook == "Edited after saving")
        screen.autosave_now()
        draft_time = screen.session.draft.updated
    autosaves = workspace.drafts_dir / ".autosave"
    [path] = [p for p in autosaves.iterdir() if p.suffix == ".json"]
    later = (datetime.now(timezone.utc) + timedelta(hours=3)).timestamp()
    data = json.loads(path.read_text(encoding="utf-8"))
    data["updated"] = draft_time.isoformat()  # the record's own time stays the draft's
    path.write_text(json.dumps(data), encoding="utf-8")
    os.utime(path, (later, later))
    _mark_owner_gone(autosaves)
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the restore offer")
        body = str(app.screen.query_one(".dialog-body").render())
        assert datetime.fromtimestamp(later).strftime("%H:%M") in body
        assert draft_time.astimezone().strftime("%d %b %H:%M") not in body


def _mark_owner_gone(folder) -> None:
    """The first app ended inside this test process: say its autosaves' owner is gone."""
    for lock in folder.glob("*.owner"):
        lock.write_text("999999999\n", encoding="utf-8")


# ---- bug 7: the post box follows the cursor; the hand-edit banner --------------------------


async def test_post_box_follows_the_cursor_and_banner_goes_with_undo(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        post = screen.query_one("#post", TextArea)
        post.focus()
        await pilot.press("ctrl+end")
        await pilot.press("enter", *"more", "enter", *"lines", "enter", *"at the end")
        await wait_for(pilot, lambda: screen.session.text_override is not None
                       and screen.session.post_text.endswith("at the end"))
        editor = screen.query_one("#editor-pane")
        await wait_for(pilot, lambda: editor.region.y <= post.cursor_screen_offset.y < editor.region.bottom,
                       what="the cursor to be in view")
        notice = screen.query_one("#override-notice")
        assert notice.display
        text = str(notice.render())
        assert "“all”" not in text and "ctrl+r then" not in text
        for _ in range(40):
            if screen.session.text_override is None:
                break
            screen.action_undo()
            await pilot.pause()
        assert screen.session.text_override is None
        assert not notice.display


# ---- bug 8: one linter, one set of settings -------------------------------------------------


async def test_preview_uses_the_one_linter_with_workspace_phrases(offline_app, workspace) -> None:
    (workspace.root / "ai_tells.toml").write_text('[[tell]]\nphrase = "synergy sauce"\n', encoding="utf-8")
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        post = screen.query_one("#post", TextArea)
        post.load_text("Our synergy sauce worked?\n\n#Meetings #TeamWork #RemoteWork #Work #Teams #Agile")
        await wait_for(pilot, lambda: screen.session.text_override is not None)
        screen.run_lint()
        await wait_for(pilot, lambda: "Lint score" in str(screen.query_one("#lint").render()), what="the lint")
        shown = str(screen.query_one("#lint").render()) + str(screen.query_one("#warnings").render())
        assert "synergy sauce" in shown  # the workspace's ai_tells.toml, on the hand-edited path
        assert "3–5" not in shown  # no second hashtag rule: 6 tags are within hashtag-count's 1-6


async def test_new_draft_takes_the_new_default_template_and_its_variables(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        pane = screen.compose_pane
        await wait_for(pilot, lambda: pane.query("#var-tone"), what="the variables")
        app.drafter.settings.template = "contrarian"  # what "s" (set as default) in the templates screen does
        await pilot.press("ctrl+n")
        contrarian = app.drafter.template("contrarian").variables
        await wait_for(pilot, lambda: pane.template_name == "contrarian"
                       and pane.query_one("#var-tone", Input).value == contrarian["tone"], what="the new default")
        assert pane.query_one("#var-audience", Input).value == contrarian["audience"]
        assert screen.session.overrides() == {}


async def test_leaving_unsaved_changes_keeps_the_autosave_it_promises(offline_app, workspace) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        screen.query_one("#part-hook", Input).value = "A hook worth keeping"
        await wait_for(pilot, lambda: screen.session.parts.hook == "A hook worth keeping")
        draft_id = screen.session.draft.id
        await pilot.press("ctrl+n")  # before the 2 s autosave timer
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        assert ".autosave" in str(app.screen.query_one(".dialog-body").render())
        await pilot.click("#yes")
        await wait_for(pilot, lambda: screen.session.parts is None, what="the new draft")
        kept = json.loads((workspace.drafts_dir / ".autosave" / f"{draft_id}.json").read_text(encoding="utf-8"))
        assert kept["text"].startswith("A hook worth keeping")


async def test_generate_right_after_a_burst_of_keys_uses_the_whole_source(offline_app) -> None:
    """Keys that arrive in a burst (a paste, tmux, a fast typist) may still wait in the Source
    box's queue when ctrl+g is handled: the draft must use the text the box then shows."""
    from textual import events

    app = offline_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await started(pilot)
        area = screen.compose_pane.source_area
        area.focus()
        await pilot.pause()
        typed = "second topic words here"
        for ch in typed:  # queued on the box, not yet taken
            area.post_message(events.Key(ch if ch != " " else "space", ch))
        screen.action_generate()
        asked_for_a_topic = lambda: any("Type a topic" in n.message for n in app._notifications)  # noqa: E731
        await wait_for(pilot, lambda: (screen.session.parts is not None and not screen.busy) or asked_for_a_topic(),
                       what="a draft or the empty-source notice")  # fmt: skip
        assert area.text == typed and not asked_for_a_topic()
        assert typed in screen.session.parts.hook

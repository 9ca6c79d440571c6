"""Issue 8: moving around the editor (alt+1…alt+5, ctrl+home/ctrl+end) and the smaller
status and placeholder fixes (bug 9)."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from drafter.models.post import measure
from drafter.tui.screens.modals import VariantsModal
from drafter.tui.widgets.takeaways import TakeawayInput
from tests.loopback import Loopback, Reply

from .conftest import ARTICLE, TOPIC, started, wait_for
from .test_app import generate


async def test_alt_letters_jump_to_each_part(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        screen.action_show("compose")
        await pilot.press("alt+q")
        assert screen.view == "editor" and screen.focused is screen.query_one("#part-question", Input)
        await pilot.press("alt+h")
        assert screen.focused is screen.query_one("#part-hook", Input)
        await pilot.press("alt+t")
        assert isinstance(screen.focused, TakeawayInput)
        assert screen.focused.value == screen.session.parts.takeaways[0]
        await pilot.press("alt+g")
        assert screen.focused is screen.query_one("#part-hashtags", Input)
        await pilot.press("alt+5")
        assert screen.focused is screen.query_one("#post", TextArea)


async def test_ctrl_home_and_end_in_text_boxes(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app, ARTICLE.read_text(encoding="utf-8"))
        post = screen.query_one("#post", TextArea)
        post.focus()
        await pilot.press("ctrl+end")
        assert post.cursor_location == post.document.end
        await pilot.press("ctrl+home")
        assert post.cursor_location == (0, 0)
        hook = screen.query_one("#part-hook", Input)
        hook.focus()
        await pilot.press("ctrl+home")
        assert hook.cursor_position == 0
        await pilot.press("ctrl+end")
        assert hook.cursor_position == len(hook.value)
        screen.action_show("compose")
        source = screen.compose_pane.source_area
        await pilot.press("ctrl+end")
        assert source.cursor_location == source.document.end


async def test_streaming_says_text_is_arriving_and_marks_the_fields(openai_app, loopback: Loopback) -> None:
    loopback.script(Reply.stall('{"hook": "Half of a hook', pieces=1))
    app = openai_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        screen.compose_pane.source_area.load_text(TOPIC)
        await pilot.press("ctrl+g")
        hook = screen.query_one("#part-hook", Input)
        await wait_for(pilot, lambda: hook.value.startswith("Half"), what="the hook to stream in")
        assert "connecting" not in screen.status.message and "Generating" in screen.status.message
        assert "chars received" in str(screen.status.render())
        question = screen.query_one("#part-question", Input)
        assert question.disabled and question.placeholder == "writing…"
        tags = screen.query_one("#part-hashtags", Input)
        assert tags.placeholder == "writing…"  # not an example that looks like content
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.busy, what="the cancel")
        assert question.placeholder != "writing…" and not question.disabled


async def test_hook_variants_status_moves_on_after_the_pick(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app, ARTICLE.read_text(encoding="utf-8"))
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, VariantsModal), what="the hook list")
        assert "pick one" in screen.status.message
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: app.screen is screen)
        assert "pick one" not in screen.status.message and "Hook replaced" in screen.status.message
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, VariantsModal), what="the hook list again")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert "pick one" not in screen.status.message


async def test_counters_follow_every_edit(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        tags = screen.query_one("#part-hashtags", Input)
        tags.focus()
        await pilot.press("end", *" #Focus")
        await wait_for(pilot, lambda: screen.session.post_text.endswith("#Focus"))
        stats = measure(screen.session.post_text)
        counters = str(screen.query_one("#counters").render())  # no wait: updated with the same edit
        assert counters.startswith(f"{stats.chars:,}/") and f" {stats.hashtags} hashtags" in counters


async def test_a_jump_scrolls_once_without_an_animation(offline_app) -> None:
    """alt+letters scroll the editor straight to the field: no animated centring from Textual's
    focus racing the editor's own scroll (the frame drawn would depend on the animation's timing)."""
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await generate(pilot, app)
        editor = screen.editor
        for key, selector in (("alt+h", "#part-hook"), ("alt+q", "#part-question"), ("alt+g", "#part-hashtags")):
            editor.scroll_end(animate=False, immediate=True)  # the field starts out of view
            await pilot.pause()
            await pilot.press(key)
            field = screen.query_one(selector, Input)
            await wait_for(pilot, lambda: editor.region.contains_region(field.region), what=f"{selector} in view")
            assert not app.animator.is_being_animated(editor, "scroll_y"), key
            assert editor.scroll_y == editor.scroll_target_y, key

"""What a tester of the app found after issue 8: jump keys that typed their letter, the Post
box's own undo leaving the post detached."""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

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

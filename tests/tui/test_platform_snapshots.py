"""SVG snapshots of the preview showing a platform's thread (X), at 80×24 and 120×40.

Deterministic as the main screen's snapshots (offline engine, frozen clock, no focused cursor).
Update with ``pytest tests/tui/test_platform_snapshots.py --snapshot-update`` after looking at
the report.
"""

from __future__ import annotations

import pytest

from .conftest import ARTICLE, wait_for
from .test_snapshots import SIZES, colour, generate, offline, settle  # noqa: F401  (colour: an autouse fixture)

pytestmark = pytest.mark.usefixtures("lasting_notes")


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_preview_of_an_x_thread(snap_compare, workspace, size, monkeypatch) -> None:
    import pyperclip

    monkeypatch.setattr(pyperclip, "copy", lambda text: None)  # the user's clipboard is left alone

    async def run_before(pilot) -> None:
        screen = pilot.app.screen_stack[0]
        await generate(pilot, ARTICLE.read_text(encoding="utf-8"))
        await pilot.press("f4", "f6")
        await wait_for(pilot, lambda: screen.session.version is not None and not screen.busy, what="the X thread")
        assert len(screen.session.version.posts) > 1
        await pilot.press("f8")  # the first post copied: the second is marked next
        await wait_for(pilot, lambda: screen.session.copy_position == 1, what="the copy")
        await settle(pilot)
        pilot.app.clear_notifications()  # the preview itself, not the toasts over it
        screen.preview.scroll_home(animate=False)
        await pilot.pause()

    assert snap_compare(offline(workspace), terminal_size=size, run_before=run_before)

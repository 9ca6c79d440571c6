"""SVG snapshots of the drafts library and the templates screen, with fixed data.

Update with ``pytest tests/tui/test_library_snapshots.py --snapshot-update`` and look at
the report (or convert the SVGs to PNG) before accepting.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot

from drafter.settings.config import Settings
from drafter.service.drafting import Drafter
from drafter.models.post import Parts
from drafter.models.source import Source
from drafter.models.draft import Draft
from drafter.storage.store import Store
from drafter.tui.app import make_app
from drafter.tui.screens.library import DraftsScreen
from drafter.tui.screens.templates import TemplatesScreen
from drafter.settings.paths import Workspace

BASE = datetime(2025, 3, 14, 9, 30, tzinfo=timezone(timedelta(hours=1)))
SIZES = [(80, 24), (120, 40)]

DRAFTS = [
    ("Why our team stopped estimating in story points", "classic", 640),
    ("Battery recycling plant opens next to the old steelworks", "news-takeaways", 1210),
    ("Five lessons from a launch that went wrong", "story", 980),
    ("The status meeting is not the problem", "contrarian", 720),
    ("How to run a blameless postmortem in an afternoon", "how-to", 1530),
    ("What a four-day week did to our support queue", "classic", 860),
    ("An open-source database, one year in", "news-takeaways", 3240),
    ("Remote work survey: the numbers nobody quotes", "classic", 1105),
    ("Urban trees and the cost of shade", "story", 455),
    ("Hospital scheduling, explained with one spreadsheet", "how-to", 2075),
    ("Interview notes: building a data platform team", "classic", 1390),
    ("Stop writing documentation nobody reads", "contrarian", 530),
]

pytestmark = pytest.mark.usefixtures("lasting_notes")


def seed(store: Store) -> None:
    for i, (title, template, chars) in enumerate(DRAFTS):
        body = f"{title}.\n\n" + ("Words that fill the post. " * (chars // 26 + 1))
        parts = Parts(hook=title, takeaways=["First point.", "Second point."], question="What do you think?",
                      hashtags=["#Work"])
        draft = Draft.new(title, Source(kind="topic", topic=title), template, parts=parts,
                          text=body[:chars], id=f"2025-03-{10 + i:02d}-draft-{i:02d}")
        when = BASE + timedelta(days=i, hours=i, minutes=7 * i)
        store.save(draft.model_copy(update={"created": when, "updated": when}), touch=False)


@pytest.fixture(autouse=True)
def colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots in colour, as in test_snapshots.py (the suite sets NO_COLOR for everything else)."""
    monkeypatch.delenv("NO_COLOR", raising=False)


def app_for(drafter: Drafter) -> App[None]:
    """The real app (make_app); each test pushes its screen over the main screen."""
    app = make_app(drafter=drafter, env={})
    app.clock = lambda: 0.0  # type: ignore[attr-defined]  # the main screen's elapsed time: stable
    return app


@pytest.fixture
def drafter(tmp_path: Path) -> Drafter:
    ws = tmp_path / "ws"
    (ws / "prompts").mkdir(parents=True)
    d = Drafter(Settings(engine="offline"), Workspace(ws, "test"))
    seed(d.store)
    d.templates.new("my-weekly", "story")
    return d


async def _wait(pilot: Pilot, predicate, tries: int = 200) -> None:
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause()
    raise AssertionError("the screen did not get ready")


async def show(pilot: Pilot, screen: DraftsScreen | TemplatesScreen) -> DraftsScreen | TemplatesScreen:
    """Push ``screen`` over the main screen and wait until it has its data."""
    await _wait(pilot, lambda: pilot.app.screen.is_mounted)
    pilot.app.push_screen(screen)
    if isinstance(screen, DraftsScreen):
        await _wait(pilot, lambda: screen.loaded and screen.searchable)
    else:
        await _wait(pilot, lambda: screen.is_mounted and screen._shown is not None)
    await pilot.pause()
    return screen


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_drafts_library(snap_compare, drafter: Drafter, size: tuple[int, int]) -> None:
    async def ready(pilot: Pilot) -> None:
        await show(pilot, DraftsScreen())

    assert snap_compare(app_for(drafter), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_drafts_library_filtered_in_table_with_a_corrupt_file(snap_compare, drafter: Drafter,
                                                              size: tuple[int, int]) -> None:
    (drafter.store.folder / "2025-01-01-broken.json").write_text("{not json", encoding="utf-8")

    async def ready(pilot: Pilot) -> None:
        await show(pilot, DraftsScreen())
        await pilot.press("slash", "c", "l", "a", "s", "s", "i", "c", "down", "down")
        await pilot.pause()

    assert snap_compare(app_for(drafter), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_drafts_library_search_in_post_text_with_preview(snap_compare, drafter: Drafter,
                                                         size: tuple[int, int]) -> None:
    """"fill" is only in the posts' text: every draft matches, the preview highlights it."""

    async def ready(pilot: Pilot) -> None:
        await show(pilot, DraftsScreen())
        await pilot.press("slash", *"fill", "escape", "down")
        await pilot.pause()

    assert snap_compare(app_for(drafter), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_drafts_library_delete_confirmation(snap_compare, drafter: Drafter, size: tuple[int, int]) -> None:
    async def ready(pilot: Pilot) -> None:
        await show(pilot, DraftsScreen())
        await pilot.press("x")
        await _wait(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmModal")
        await pilot.pause()

    assert snap_compare(app_for(drafter), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_drafts_library_export_dialog(snap_compare, drafter: Drafter, size: tuple[int, int]) -> None:
    async def ready(pilot: Pilot) -> None:
        await show(pilot, DraftsScreen())
        await pilot.press("e")
        await _wait(pilot, lambda: type(pilot.app.screen).__name__ == "ExportModal")
        pilot.app.screen.query_one("#path").value = "exports/2025-03-21-draft-11.txt"  # not the tmp folder
        await pilot.pause()

    assert snap_compare(app_for(drafter), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_templates_screen(snap_compare, drafter: Drafter, size: tuple[int, int]) -> None:
    async def ready(pilot: Pilot) -> None:
        await show(pilot, TemplatesScreen())

    assert snap_compare(app_for(drafter), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_templates_editing_with_an_error(snap_compare, drafter: Drafter, size: tuple[int, int]) -> None:
    async def ready(pilot: Pilot) -> None:
        screen = await show(pilot, TemplatesScreen())
        assert isinstance(screen, TemplatesScreen)
        table = screen._table
        table.move_cursor(row=table.get_row_index("my-weekly"))
        await pilot.pause()
        await pilot.press("e")
        await _wait(pilot, lambda: screen.editing == "my-weekly")
        screen._view.load_text(screen._view.text.replace("{source}", "{sauce}"))
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(app_for(drafter), terminal_size=size, run_before=ready)

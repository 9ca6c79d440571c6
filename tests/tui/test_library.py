"""The drafts library screen, driven with Pilot over a real Store in a tmp workspace."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Input

from drafter.settings.config import Settings
from drafter.service.drafting import Drafter
from drafter.models.post import Parts
from drafter.models.source import Source
from drafter.models.draft import Draft
from drafter.storage.store import Store
from drafter.tui.app import make_app
from drafter.tui.screens.library import DraftsScreen, short_problem
from drafter.tui.widgets.library_table import build_rows, filter_rows
from drafter.tui.screens.modals import ConfirmModal, ExportModal, TextPrompt
from drafter.settings.paths import Workspace
from tests.tui.conftest import wait_for

BASE = datetime(2025, 3, 14, 9, 30, tzinfo=timezone(timedelta(hours=1)))
UNSET = object()


def add_draft(store: Store, title: str, *, minutes: int, template: str = "classic", text: str | None = None,
              draft_id: str | None = None) -> Draft:
    """A saved draft whose ``updated`` is BASE + minutes (fixed, so ordering is known)."""
    parts = Parts(hook=title, takeaways=["One point.", "Another point."], question="What do you think?",
                  hashtags=["#Testing"])
    draft = Draft.new(title, Source(kind="topic", topic=title), template, parts=parts, text=text,
                      id=draft_id or f"2025-03-14-{minutes:04d}")
    when = BASE + timedelta(minutes=minutes)
    return store.save(draft.model_copy(update={"created": when, "updated": when}), touch=False)


@pytest.fixture
def drafter(tmp_path: Path) -> Drafter:
    return Drafter(Settings(engine="offline"), Workspace(tmp_path / "ws", "test"))


@pytest.fixture
def seeded(drafter: Drafter) -> Drafter:
    store = drafter.store
    add_draft(store, "Why our team stopped estimating", minutes=10, template="classic")
    add_draft(store, "Battery recycling comes to town", minutes=30, template="news-takeaways")
    add_draft(store, "Five lessons from a failed launch", minutes=20, template="story")
    return drafter


class Result:
    """What the screen dismissed with (UNSET while it is open)."""

    value: Any = UNSET


def start(drafter: Drafter) -> App[Any]:
    """The real app (make_app) on a ready drafter; tests push the library over its main screen."""
    return make_app(drafter=drafter, env={})




def screen_of(app: App[Any]) -> DraftsScreen:
    screens = [s for s in app.screen_stack if isinstance(s, DraftsScreen)]
    assert screens, "the drafts screen is not open"
    return screens[-1]


async def opened(pilot, result: Result | None = None) -> DraftsScreen:
    """Push the library (recording its result in ``result``) and wait until it is listed."""
    result = result if result is not None else Result()
    await pilot.pause()
    pilot.app.push_screen(DraftsScreen(), callback=lambda value: setattr(result, "value", value))
    await wait_for(pilot, lambda: any(isinstance(s, DraftsScreen) and s.searchable for s in pilot.app.screen_stack),
                what="the library to load")
    return screen_of(pilot.app)


# ---- pure helpers ----------------------------------------------------------------------


def test_filter_rows_is_case_insensitive_over_title_template_and_id(seeded: Drafter) -> None:
    rows = build_rows(seeded.store.list()[0])
    assert [r.title for r in filter_rows(rows, "BATTERY")] == ["Battery recycling comes to town"]
    assert [r.template for r in filter_rows(rows, "story")] == ["story"]
    assert [r.id for r in filter_rows(rows, "0010")] == ["2025-03-14-0010"]
    assert len(filter_rows(rows, "   ")) == 3
    assert filter_rows(rows, "nothing like this") == []


def test_filter_rows_matches_every_word_in_any_order(seeded: Drafter) -> None:
    rows = build_rows(seeded.store.list()[0])
    assert [r.title for r in filter_rows(rows, "town battery")] == ["Battery recycling comes to town"]
    assert [r.title for r in filter_rows(rows, "  recycling   BATTERY ")] == ["Battery recycling comes to town"]
    assert filter_rows(rows, "battery nothinglikethis") == []


def listed_rows(store: Store) -> list:
    """The library's rows with their post texts, as the screen builds them."""
    summaries = store.list()[0]
    return build_rows(summaries, store.texts(summaries))


def bakery_drafts(store: Store) -> None:
    """Three drafts about a bakery whose titles and templates never say "bakery" (and one that is not)."""
    for minutes, hook, body in [
        (1, "We opened at 5 a.m. for a year", "The Bakery on Mill Street taught me pricing."),
        (2, "Flour prices doubled", "Our bakery kept its prices: here is how."),
        (3, "A queue around the block", "Every bakery wins on one thing."),
        (4, "Quarterly planning, again", "Nothing about bread here."),
    ]:
        parts = Parts(hook=hook, takeaways=[body], question="Would you?", hashtags=["#SmallBusiness"])
        draft = Draft.new(None, Source(kind="topic", topic=hook), "classic", parts=parts,
                          id=f"2025-03-14-{minutes:04d}")
        when = BASE + timedelta(minutes=minutes)
        store.save(draft.model_copy(update={"created": when, "updated": when}), touch=False)


def test_filter_searches_the_post_text_and_the_source(drafter: Drafter) -> None:
    bakery_drafts(drafter.store)
    store = drafter.store
    sourced = Draft.new(None, Source(kind="file", topic="Notes", location="notes/croissant-costs.md",
                                     title="Croissant costs", text="Butter."), "classic",
                        parts=Parts(hook="What butter costs", takeaways=["A lot."], question="Why?", hashtags=["#Baking"]),
                        id="2025-03-14-0009")  # fmt: skip
    store.save(sourced)
    rows = listed_rows(store)
    assert all(r.text for r in rows)
    assert sorted(r.id for r in filter_rows(rows, "BAKERY")) == [f"2025-03-14-{m:04d}" for m in (1, 2, 3)]
    assert [r.id for r in filter_rows(rows, "croissant-costs.md")] == ["2025-03-14-0009"]
    assert [r.id for r in filter_rows(rows, "croissant COSTS")] == ["2025-03-14-0009"]
    assert filter_rows(rows, "sourdough") == []


def test_filter_is_exact_beyond_ascii(drafter: Drafter) -> None:
    parts = Parts(hook="Le CAFÉ de la gare • ouvert", takeaways=["Crème brûlée • 3 €."], question="Et vous ?",
                  hashtags=["#Café"])
    drafter.store.save(Draft.new(None, Source(kind="topic", topic="Café"), "classic", parts=parts,
                                 id="2025-03-14-0001"))  # fmt: skip
    rows = listed_rows(drafter.store)
    assert [r.id for r in filter_rows(rows, "café de")] == ["2025-03-14-0001"]
    assert [r.id for r in filter_rows(rows, "BRÛLÉE • 3 €")] == ["2025-03-14-0001"]
    assert filter_rows(rows, "cafe") == [] and filter_rows(rows, "\u0301") == []


def test_short_problem_drops_the_folder(tmp_path: Path) -> None:
    assert short_problem(f"{tmp_path}/x.json: corrupt", tmp_path) == "x.json: corrupt"
    assert short_problem("elsewhere: bad", tmp_path) == "elsewhere: bad"


# ---- listing, filtering, opening ---------------------------------------------------------


async def test_lists_drafts_newest_first(seeded: Drafter) -> None:
    app, result = start(seeded), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        assert screen.shown_ids == ["2025-03-14-0030", "2025-03-14-0020", "2025-03-14-0010"]
        table = screen.query_one("#library-table")
        assert table.row_count == 3
        assert "3 drafts" in str(screen.query_one("#library-status").render())


async def test_filter_narrows_as_you_type(seeded: Drafter) -> None:
    app, result = start(seeded), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press("s", "t", "o")  # "stopped" in a title, "story" a template
        assert set(screen.shown_ids) == {"2025-03-14-0010", "2025-03-14-0020"}
        await pilot.press("R", "y")
        assert screen.shown_ids == ["2025-03-14-0020"]
        await pilot.press("x")
        assert screen.shown_ids == []
        assert "0 of 3" in str(screen.query_one("#library-status").render())
        await pilot.press(*["backspace"] * 6)
        assert len(screen.shown_ids) == 3


async def test_enter_opens_the_highlighted_draft(seeded: Drafter) -> None:
    app, result = start(seeded), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, result)
        await pilot.press("slash", "f", "a", "i", "l")
        await pilot.press("enter")
        await wait_for(pilot, lambda: result.value is not UNSET, what="the screen to close")
        assert result.value == "2025-03-14-0020"


async def test_list_has_focus_and_down_then_enter_opens_the_second_row(seeded: Drafter) -> None:
    app, result = start(seeded), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        assert app.focused is screen.query_one("#library-table")
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: result.value is not UNSET, what="the screen to close")
        assert result.value == "2025-03-14-0020"


async def test_escape_closes_with_none(seeded: Drafter) -> None:
    app, result = start(seeded), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, result)
        await pilot.press("escape")
        await wait_for(pilot, lambda: result.value is not UNSET, what="the screen to close")
        assert result.value is None


async def test_empty_folder_says_so_and_enter_does_nothing(drafter: Drafter) -> None:
    app, result = start(drafter), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        assert "No drafts yet" in str(screen.query_one("#library-status").render())
        await pilot.press("enter")
        await pilot.pause()
        assert result.value is UNSET


async def test_typing_bakery_finds_the_three_bakery_drafts_and_previews_them(drafter: Drafter) -> None:
    bakery_drafts(drafter.store)
    app, result = start(drafter), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        preview = lambda: str(screen.query_one("#library-preview").render())  # noqa: E731
        assert "Quarterly planning, again" in preview() and "Nothing about bread here." in preview()
        await pilot.press("slash", *"bakery")
        assert screen.shown_ids == ["2025-03-14-0003", "2025-03-14-0002", "2025-03-14-0001"]
        assert "3 of 4 match 'bakery'" in str(screen.query_one("#library-status").render())
        assert "Every bakery wins on one thing." in preview()
        assert "classic · updated 2025-03-14 09:33 ·" in preview()
        await pilot.press("escape", "down")  # the list, then the next draft: the preview follows
        assert "Our bakery kept its prices" in preview() and "Every bakery" not in preview()
        await pilot.press("slash", "z", "z")
        assert screen.shown_ids == [] and "No draft matches" in preview()


async def test_the_table_shows_before_the_post_texts_arrive(drafter: Drafter, monkeypatch: pytest.MonkeyPatch) -> None:
    bakery_drafts(drafter.store)
    release = threading.Event()
    original = drafter.store.texts

    def slow_texts(summaries: Any) -> dict[str, str]:
        release.wait(timeout=10)  # bounded: the test sets it
        return original(summaries)

    monkeypatch.setattr(drafter.store, "texts", slow_texts)
    app = start(drafter)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = DraftsScreen()
        app.push_screen(screen)
        await wait_for(pilot, lambda: screen.loaded, what="the table")
        assert len(screen.shown_ids) == 4 and not screen.searchable
        assert "(loading the post…)" in str(screen.query_one("#library-preview").render())
        await pilot.press("slash", *"bakery")
        assert "titles only" in str(screen.query_one("#library-status").render())
        release.set()
        await wait_for(pilot, lambda: screen.searchable, what="the texts")
        assert len(screen.shown_ids) == 3 and "titles only" not in str(screen.query_one("#library-status").render())


async def test_preview_fits_at_both_sizes(drafter: Drafter) -> None:
    bakery_drafts(drafter.store)
    for size in ((80, 24), (120, 40)):
        app, result = start(drafter), Result()
        async with app.run_test(size=size) as pilot:
            screen = await opened(pilot, result)
            table, preview = screen.query_one("#library-table"), screen.query_one("#library-preview")
            assert preview.region.height >= 6 and table.region.height >= 6
            assert preview.region.bottom <= size[1] - 1  # above the footer
            assert table.region.bottom <= preview.region.y


# ---- row actions ------------------------------------------------------------------------


async def test_duplicate_adds_a_copy_and_selects_it(seeded: Drafter) -> None:
    app, result = start(seeded), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        await pilot.press("d")
        await wait_for(pilot, lambda: len(screen.shown_ids) == 4, what="the copy to be listed")
        copies = [d for d in seeded.store.list()[0] if d.title.endswith("(copy)")]
        assert [c.title for c in copies] == ["Battery recycling comes to town (copy)"]
        await wait_for(pilot, lambda: screen.selected_id == copies[0].id, what="the copy to be highlighted")


async def test_rename_through_the_modal(seeded: Drafter) -> None:
    app, result = start(seeded), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt), what="the rename prompt")
        prompt = app.screen.query_one(Input)
        assert prompt.value == "Battery recycling comes to town"
        prompt.value = "Recycling, renamed"
        await pilot.press("enter")
        await wait_for(pilot, lambda: seeded.store.load("2025-03-14-0030").title == "Recycling, renamed",
                    what="the new title on disk")
        await wait_for(pilot, lambda: screen._by_id["2025-03-14-0030"].title == "Recycling, renamed",
                    what="the table to reload")


async def test_rename_cancel_changes_nothing(seeded: Drafter) -> None:
    app, result = start(seeded), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, result)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt), what="the rename prompt")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DraftsScreen), what="the prompt to close")
        assert seeded.store.load("2025-03-14-0030").title == "Battery recycling comes to town"


async def test_delete_asks_first_cancel_keeps_confirm_removes(seeded: Drafter) -> None:
    app, result = start(seeded), Result()
    path = seeded.store.path_for("2025-03-14-0030")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the confirmation")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DraftsScreen), what="the modal to close")
        assert path.exists()
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the confirmation")
        await pilot.press("enter")  # focus starts on Cancel: enter must not delete
        await wait_for(pilot, lambda: isinstance(app.screen, DraftsScreen), what="the modal to close")
        assert path.exists()
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: len(screen.shown_ids) == 2, what="the list to reload")
        assert not path.exists()
        assert "2025-03-14-0030" not in screen.shown_ids
        assert screen.selected_id == "2025-03-14-0020"


@pytest.mark.parametrize("fmt", ["txt", "md", "json"])
async def test_export_writes_a_file_beside_the_drafts(seeded: Drafter, fmt: str) -> None:
    app, result = start(seeded), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, result)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportModal), what="the export dialog")
        if fmt != "txt":
            app.screen.query_one(f"#fmt-{fmt}").value = True
        await pilot.pause()
        path_input = app.screen.query_one("#path", Input)
        target = seeded.workspace.root / "exports" / f"2025-03-14-0030.{fmt}"
        assert Path(path_input.value) == target
        path_input.focus()
        await pilot.press("enter")
        await wait_for(pilot, target.exists, what="the export file")
    text = target.read_text(encoding="utf-8")
    draft = seeded.store.load("2025-03-14-0030")
    if fmt == "json":
        assert json.loads(text)["id"] == draft.id
    elif fmt == "md":
        assert text.startswith("---\ntitle: ") and draft.text in text
    else:
        assert text == draft.text


async def test_export_to_an_existing_file_needs_a_second_press(seeded: Drafter) -> None:
    target = seeded.workspace.root / "out.txt"
    target.write_text("keep me", encoding="utf-8")
    app, result = start(seeded), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, result)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportModal), what="the export dialog")
        path_input = app.screen.query_one("#path", Input)
        path_input.value = "out.txt"  # relative: resolved against the workspace
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportModal)
        assert "exists" in str(app.screen.query_one("#export-error").render())
        assert target.read_text(encoding="utf-8") == "keep me"
        await pilot.press("enter")
        await wait_for(pilot, lambda: target.read_text(encoding="utf-8") != "keep me", what="the overwrite")
    assert target.read_text(encoding="utf-8") == seeded.store.load("2025-03-14-0030").text


async def test_every_store_call_runs_off_the_event_loop(seeded: Drafter, monkeypatch: pytest.MonkeyPatch) -> None:
    store = seeded.store
    on_loop: dict[str, set[bool]] = {}
    for name in ("list", "duplicate", "rename", "delete", "load"):
        original = getattr(store, name)

        def recorded(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            on_loop.setdefault(_name, set()).add(threading.current_thread() is threading.main_thread())
            return _original(*args, **kwargs)

        monkeypatch.setattr(store, name, recorded)
    app, result = start(seeded), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        await pilot.press("d")
        await wait_for(pilot, lambda: len(screen.shown_ids) == 4, what="the copy")
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt), what="the rename prompt")
        app.screen.query_one(Input).value = "Renamed off the loop"
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(r.title == "Renamed off the loop" for r in screen._rows), what="the rename")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportModal), what="the export dialog")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "load" in on_loop, what="the export")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: len(screen.shown_ids) == 3, what="the delete")
    assert on_loop == {name: {False} for name in ("list", "duplicate", "rename", "delete", "load")}


async def test_rename_to_empty_titles_the_draft_by_its_hook_again(seeded: Drafter) -> None:
    draft_id = "2025-03-14-0030"
    seeded.store.rename(draft_id, "A name of my own")
    app, result = start(seeded), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt), what="the rename prompt")
        app.screen.query_one(Input).value = ""
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen._by_id[draft_id].title == "Battery recycling comes to town",
                       what="the hook as title")
    assert not seeded.store.load(draft_id).title_set


# ---- corrupt files ----------------------------------------------------------------------


async def test_corrupt_file_is_a_warning_and_the_rest_still_list(seeded: Drafter) -> None:
    folder = seeded.store.folder
    (folder / "2025-01-01-broken-0000.json").write_text('{"schema_version": 1, "id": ', encoding="utf-8")
    app, result = start(seeded), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        assert len(screen.shown_ids) == 3
        problems = str(screen.query_one("#library-problems").render())
        assert "2025-01-01-broken-0000.json" in problems and "not valid JSON" in problems
        assert str(folder) not in problems
        assert screen.query_one("#library-problems").display
        notes = list(app._notifications)
        assert any(n.severity == "warning" and "skipped" in n.message for n in notes)


async def test_row_actions_hidden_while_typing_in_the_filter(seeded: Drafter) -> None:
    app, result = start(seeded), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        assert screen.check_action("duplicate", ()) is True
        await pilot.press("slash")
        assert screen.check_action("duplicate", ()) is False
        await pilot.press("d")  # typed into the filter, not a duplicate
        assert screen.query_one("#library-filter", Input).value == "d"
        assert len(seeded.store.list()[0]) == 3
        await pilot.press("escape")  # back to the list, the screen stays
        assert app.focused is screen.query_one("#library-table")
        assert result.value is UNSET and screen.check_action("duplicate", ()) is True
        await pilot.press("slash", "down")
        assert app.focused is screen.query_one("#library-table")


async def test_ctrl_l_from_the_main_screen_opens_the_chosen_draft(seeded: Drafter) -> None:
    app = start(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, DraftsScreen) and app.screen.loaded, what="the library")
        await pilot.press("down", "enter")  # a "story" draft: main switches its template too
        main = app.screen_stack[0]
        await wait_for(pilot, lambda: not isinstance(app.screen, DraftsScreen)
                    and getattr(main.session.draft, "id", None) == "2025-03-14-0020", what="the draft to open in main")


async def test_the_library_title_follows_the_hook_the_user_edits(drafter: Drafter) -> None:
    from tests.tui.test_app import generate

    app = start(drafter)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await generate(pilot, app, "Why our team stopped holding daily status meetings")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not main.session.dirty, what="the first save")
        main.query_one("#part-hook", Input).value = "Daily status meetings ate our mornings. Here is what replaced them."
        await wait_for(pilot, lambda: main.session.dirty, what="the hook edit")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not main.session.dirty, what="the second save")
        screen = await opened(pilot)
        assert [r.title for r in screen._rows] == ["Daily status meetings ate our mornings"]
        assert not drafter.store.load(screen.shown_ids[0]).title_set


async def test_long_lists_come_a_page_at_a_time(drafter: Drafter, monkeypatch: pytest.MonkeyPatch) -> None:
    import drafter.tui.widgets.library_table as library

    monkeypatch.setattr(library, "PAGE_ROWS", 4)
    monkeypatch.setattr(library, "PAGE_MARGIN", 1)
    for minute in range(10):
        add_draft(drafter.store, f"Draft number {minute}", minutes=minute)
    app, result = start(drafter), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        table = screen.query_one("#library-table")
        assert table.row_count == 4 and "10 drafts" in str(screen.query_one("#library-status").render())
        await pilot.press("ctrl+end")  # the last loaded row: the next page comes in
        await wait_for(pilot, lambda: table.row_count == 8, what="the second page")
        await pilot.press("ctrl+end")
        await wait_for(pilot, lambda: table.row_count == 10, what="the last page")
        assert screen.shown_ids == [f"2025-03-14-{m:04d}" for m in range(9, -1, -1)]
        assert screen.selected_id == "2025-03-14-0002"  # the cursor stayed where it was
        await pilot.press("ctrl+end", "enter")
        await wait_for(pilot, lambda: result.value is not UNSET, what="the screen to close")
        assert result.value == "2025-03-14-0000"


async def test_titles_that_look_like_markup_are_shown_as_typed(drafter: Drafter) -> None:
    add_draft(drafter.store, "[b]Brackets[/b] stay [/]", minutes=1)
    app, result = start(drafter), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        assert screen.query_one("#library-table").get_row("2025-03-14-0001")[0].plain.startswith("[b]Brackets")
        await pilot.press("slash", "[", "/")  # the query is shown in the status line
        assert "match '[/'" in str(screen.query_one("#library-status").render())
        await pilot.press("escape", "r")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt), what="the rename prompt")
        app.screen.query_one(Input).value = "[/]still [red]fine"
        await pilot.press("enter")
        await wait_for(pilot, lambda: drafter.store.load("2025-03-14-0001").title == "[/]still [red]fine", what="the rename")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the confirmation")
        assert "[/]still [red]fine" in str(app.screen.query_one("#confirm-message").render())
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.shown_ids == [], what="the delete")

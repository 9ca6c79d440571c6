"""Platform versions in the app, through Pilot: the switcher and each platform's counts, adapting
(offline at once; through a slow engine: a request that shows and cancels), copying a thread
post by post and whole, editing a version and saving it, adapting again over an edit (asks
first), a saved draft's versions reopening with it."""

from __future__ import annotations

import asyncio
import json
from typing import Any, AsyncIterator

import pytest

from drafter.lint.platform import check_posts
from drafter.tui.screens.main import MainScreen
from drafter.tui.screens.modals import ConfirmModal
from drafter.tui.versions import text_posts, thread_text
from drafter.tui.widgets.preview import PostCard

from .conftest import ARTICLE, started, wait_for


@pytest.fixture
def clipboard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The system clipboard, faked: the real one (the user's) is left alone."""
    import pyperclip

    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    return copied


def notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def drafted(pilot) -> MainScreen:
    screen = await started(pilot)
    screen.compose_pane.source_area.load_text(ARTICLE.read_text(encoding="utf-8"))
    await pilot.press("ctrl+g")
    await wait_for(pilot, lambda: screen.session.parts is not None and not screen.busy, what="a draft")
    return screen


async def show(pilot, screen: MainScreen, name: str) -> None:
    """f6 until ``name`` is shown, and its version adapted."""
    for _ in range(5):
        if screen.session.platform == name:
            break
        await pilot.press("f6")
    assert screen.session.platform == name
    await wait_for(pilot, lambda: screen.session.version is not None and not screen.busy, what=f"the {name} version")


def cards(screen: MainScreen) -> list[PostCard]:
    return [c for c in screen.preview.query(PostCard) if not c.has_class("-unused")]


async def test_switching_platform_shows_its_posts_each_with_its_own_count(offline_app) -> None:
    app = offline_app(mastodon_limit=200)  # the setting, not Mastodon's default 500
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await drafted(pilot)
        assert str(screen.preview.query_one("#platforms").render()).split()[:5] == \
            ["LinkedIn", "X", "Threads", "Bluesky", "Mastodon"]
        await show(pilot, screen, "x")
        x = screen.drafter.platforms(["x"])[0]
        posts = screen.session.version.posts
        assert len(posts) > 1 and screen.session.versions.keys() == {"x"}
        shown = cards(screen)
        assert [str(c.render()) for c in shown] == posts  # the posts as they are copied
        assert [c.border_subtitle for c in shown] == [f"{x.count(p)}/280" for p in posts]
        assert [c.border_title for c in shown][1:] == [f"{i}/{len(posts)}" for i in range(2, len(posts) + 1)]
        assert "next to copy" in shown[0].border_title
        assert "X" in str(screen.preview.query_one("#platform-info").render())

        await pilot.click("#platforms", offset=(36, 0))  # " Mastodon " in the switcher
        await wait_for(pilot, lambda: screen.session.platform == "mastodon" and screen.session.version is not None
                       and not screen.busy, what="the Mastodon version")  # fmt: skip
        mastodon = screen.session.version.posts
        assert all(c.border_subtitle.endswith("/200") for c in cards(screen))
        assert len(mastodon) == len(cards(screen)) > 1  # 200 is too short for the post: a thread
        screen.run_lint()  # what the debounce timer does
        await pilot.pause()
        assert len(check_posts(mastodon, screen.drafter.platforms(["mastodon"])[0])) == len(mastodon)

        await pilot.press("shift+f6", "shift+f6", "shift+f6", "shift+f6")
        assert screen.session.platform == "linkedin"
        assert screen.preview.query_one("#linkedin-view").display and not screen.preview.query_one("#platform-view").display
        assert "/3,000 chars" in str(screen.preview.query_one("#counters").render())


async def test_copy_takes_a_thread_post_by_post_then_the_whole_thread(offline_app, clipboard) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await drafted(pilot)
        await pilot.press("f4")
        await show(pilot, screen, "x")
        posts = screen.session.version.posts
        n = len(posts)
        assert n > 1
        for i in range(n):
            card = cards(screen)[i]
            assert "next to copy" in card.border_title
            await pilot.press("f8")
            await wait_for(pilot, lambda: len(clipboard) == i + 1, what=f"copy {i + 1}")
            assert app.clipboard == posts[i] == clipboard[-1] == str(card.render())  # what the preview shows
            assert f"Copied {i + 1}/{n}" in screen.status.message  # said there, not in a toast over it
            assert not any(f"X post {i + 1}/{n}" in m for m in notices(app))
        assert "every post of the thread is copied" in screen.status.message
        assert "next to copy" in cards(screen)[0].border_title  # round again from the first

        await pilot.press("shift+f8")
        await wait_for(pilot, lambda: len(clipboard) == n + 1, what="the whole thread")
        assert app.clipboard == clipboard[-1] == "\n\n".join(posts) == thread_text(posts)
        assert screen.status.message.startswith(f"Copied the whole X thread ({n} posts")

        await pilot.press("a")  # the Preview's own key for the whole thread
        await wait_for(pilot, lambda: len(clipboard) == n + 2, what="the whole thread again")
        assert clipboard[-1] == thread_text(posts)


async def test_editing_a_version_marks_it_edited_and_saves_and_autosaves_it(offline_app, workspace) -> None:
    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await drafted(pilot)
        await show(pilot, screen, "x")
        adapted = list(screen.session.version.posts)
        await pilot.press("f3")
        area = screen.version_editor.area
        assert screen.focused is area and text_posts(area.text) == adapted
        area.move_cursor((0, 0))
        await pilot.press("N", "o", "w", ":", "space")
        await wait_for(pilot, lambda: screen.session.version.posts[0].startswith("Now: "), what="the edit")
        version = screen.session.version
        assert version.edited and version.posts[1:] == adapted[1:]
        assert str(cards(screen)[0].render()).startswith("Now: ")  # the preview follows the edit
        assert screen.session.dirty

        screen.autosave()  # what the 2 s debounce timer calls
        await wait_for(pilot, lambda: app.drafter.store.pending_autosave() is not None, what="the autosave")
        assert app.drafter.store.pending_autosave().versions["x"].posts == version.posts

        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.session.dirty, what="the save")
        draft_id = screen.session.draft.id
    data = json.loads((workspace.drafts_dir / f"{draft_id}.json").read_text(encoding="utf-8"))
    assert data["versions"]["x"]["posts"] == version.posts and data["versions"]["x"]["edited"] is True
    steps = [(r["kind"], r.get("platform")) for r in data["revisions"]]
    assert ("edit", "x") in steps


async def test_adapting_again_asks_before_replacing_an_edited_version(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await drafted(pilot)
        await show(pilot, screen, "x")
        adapted = list(screen.session.version.posts)
        await pilot.press("ctrl+r")  # not edited: adapts again at once
        await wait_for(pilot, lambda: not screen.busy and "X version ready" in screen.status.message)
        assert not isinstance(app.screen, ConfirmModal)

        await pilot.press("f3")
        await pilot.press("end", "!")
        await wait_for(pilot, lambda: screen.session.version.edited, what="the edit")
        mine = list(screen.session.version.posts)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        assert "You edited the X version" in str(app.screen.query_one("#confirm-message").render())
        await pilot.press("n")  # keep my edits
        await wait_for(pilot, lambda: app.screen is screen)
        assert screen.session.version.posts == mine and screen.session.version.edited

        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: not screen.session.version.edited and not screen.busy, what="the new version")
        assert screen.session.version.posts == adapted
        assert text_posts(screen.version_editor.area.text) == adapted  # the box shows it

        screen.set_focus(None)
        await pilot.press("ctrl+z")  # outside a text box: the session's undo brings the edit back
        assert screen.session.version.posts == mine and screen.session.version.edited


async def test_a_draft_saved_with_versions_reopens_with_them(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await drafted(pilot)
        await show(pilot, screen, "x")
        await show(pilot, screen, "threads")
        await pilot.press("shift+f6")  # back to X, then edit it
        await pilot.press("f3", "end", "!")
        await wait_for(pilot, lambda: screen.session.version.edited, what="the edit")
        saved = dict(screen.session.versions)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.session.dirty, what="the save")
        draft_id = screen.session.draft.id

    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), what="the library")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.session.draft is not None and screen.session.draft.id == draft_id)
        assert screen.session.versions == saved and not screen.session.dirty
        assert screen.session.platform == "linkedin"
        await pilot.press("f6")
        assert not screen.busy  # a version is there: nothing is adapted
        assert [str(c.render()) for c in cards(screen)] == saved["x"].posts
        assert "Edited by you" in str(screen.preview.query_one("#platform-notes").render())


async def test_a_version_says_when_the_linkedin_post_changed_since(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await drafted(pilot)
        await show(pilot, screen, "bluesky")
        notes = screen.preview.query_one("#platform-notes")
        assert not notes.display
        await pilot.press("alt+q")  # the question: the switcher goes back to LinkedIn's parts
        assert screen.session.platform == "linkedin"
        await pilot.press("home", "S", "o", ",", "space")
        await wait_for(pilot, lambda: screen.session.parts.question.startswith("So, "), what="the edit")
        await pilot.press("f6", "f6", "f6")
        assert screen.session.platform == "bluesky" and not screen.busy  # kept, not adapted again
        assert notes.display and "changed since" in str(notes.render())


class SlowAdapter:
    """An engine whose adapt waits until the test lets it answer (a slow LLM)."""

    name = "openai"
    model = "test-model"

    def __init__(self) -> None:
        self.go = asyncio.Event()
        self.started = 0

    async def adapt(self, request) -> AsyncIterator[Any]:
        from drafter.engines.base import PostsReady, Progress

        self.started += 1
        yield Progress("connecting")
        await self.go.wait()
        yield PostsReady(posts=[f"From the model for {request.platform}."], engine=self.name, model=self.model,
                         mode="json_schema")


async def test_an_llm_adaptation_runs_as_a_request_that_shows_and_cancels(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await drafted(pilot)
        engine = SlowAdapter()
        screen.drafter.__dict__["engine"] = engine  # the cached engine: no network
        await pilot.press("f6")
        await wait_for(pilot, lambda: screen.busy and engine.started == 1, what="the request")
        assert screen.status.busy and "esc: cancel" in str(screen.status.render())  # the engine's progress
        assert "Adapting the post for X" in str(screen.preview.query_one("#platform-notes").render())
        assert screen.version_editor.area.read_only
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.busy, what="the cancel")
        assert screen.session.version is None and "Cancelled" in screen.status.message

        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.busy and engine.started == 2, what="the second request")
        engine.go.set()
        await wait_for(pilot, lambda: not screen.busy and screen.session.version is not None, what="the version")
        version = screen.session.version
        assert version.posts == ["From the model for x."] and version.engine == "openai"
        assert "X version ready: one post (openai · test-model)" in screen.status.message
        assert not screen.version_editor.area.read_only

        engine.go.clear()
        await pilot.press("ctrl+r")  # again, over a version: its box is read-only while the request runs
        await wait_for(pilot, lambda: screen.busy and engine.started == 3, what="the third request")
        assert screen.version_editor.area.read_only
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.busy, what="the cancel")
        assert screen.session.version == version and not screen.version_editor.area.read_only


class BrokenAdapter(SlowAdapter):
    """An engine whose answer breaks off after some text arrived."""

    async def adapt(self, request) -> AsyncIterator[Any]:
        from drafter.common.errors import EngineError
        from drafter.engines.base import Progress

        yield Progress("connecting")
        raise EngineError("the answer was cut off", kind="truncated", partial="First post kept\n---\nSecond")


async def test_the_text_of_a_broken_adaptation_is_offered_and_becomes_the_version(offline_app) -> None:
    from textual.widgets import TextArea

    from drafter.tui.screens.modals import RawOutputModal

    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await drafted(pilot)
        before = screen.session.post_text
        screen.drafter.__dict__["engine"] = BrokenAdapter()
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, RawOutputModal), what="the partial answer")
        assert "First post kept" in app.screen.query_one("#raw", TextArea).text
        await pilot.click("#use")
        await wait_for(pilot, lambda: screen.session.version is not None, what="the kept text")
        assert screen.session.version.posts == ["First post kept", "Second"] and screen.session.version.edited
        assert screen.session.post_text == before  # the LinkedIn post is untouched
        assert screen.focused is screen.version_editor.area

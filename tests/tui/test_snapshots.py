"""SVG snapshots of the main screen: compose, editor with preview, an error; at 80×24 and 120×40.

Deterministic: offline engine (or a fake failing engine), frozen clock, no focused cursor.
Update with ``pytest tests/tui/test_snapshots.py --snapshot-update`` after looking at the
report.
"""

from __future__ import annotations

from typing import AsyncIterator

import pytest

from drafter.settings.config import Settings
from drafter.service.drafting import Drafter
from drafter.common.errors import EngineError
from drafter.tui.app import make_app
from drafter.tui.screens.main import MainScreen

from .conftest import ARTICLE, TOPIC, wait_for

SIZES = [(80, 24), (120, 40)]
pytestmark = pytest.mark.usefixtures("lasting_notes")


@pytest.fixture(autouse=True)
def colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots in colour (the suite sets NO_COLOR for everything else)."""
    monkeypatch.delenv("NO_COLOR", raising=False)


class FailingEngine:
    """Fails like a server that rejects the key, after a progress event."""

    name = "openai"
    model = "test-model"

    async def draft(self, request) -> AsyncIterator[object]:
        from drafter.engines.base import Progress

        yield Progress("connecting")
        raise EngineError("the server rejected the API key (401): check OPENAI_API_KEY", kind="auth")

    regenerate = hook_variants = draft


def offline(workspace):
    app = make_app(drafter=Drafter(Settings(engine="offline"), workspace), env={})
    app.clock = lambda: 0.0
    return app


async def settle(pilot) -> None:
    """Templates loaded, no worker running, no blinking cursor."""
    app = pilot.app
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    await wait_for(pilot, lambda: screen.compose_pane.template_name is not None, what="templates")
    await wait_for(pilot, lambda: all(w.is_finished for w in app.workers), what="workers")
    for timer in (screen._lint_timer, screen._autosave_timer):
        if timer is not None:
            timer.stop()
    screen.run_lint()  # what the debounce timer would do
    app.screen.set_focus(None)
    await pilot.pause()


async def generate(pilot, text: str) -> None:
    screen = pilot.app.screen_stack[0]
    await wait_for(pilot, lambda: screen.compose_pane.template_name is not None)
    screen.compose_pane.source_area.load_text(text)
    await pilot.press("ctrl+g")
    await wait_for(pilot, lambda: screen.session.parts is not None and not screen.busy, what="a draft")


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_compose(snap_compare, workspace, size) -> None:
    async def run_before(pilot) -> None:
        screen = pilot.app.screen_stack[0]
        await wait_for(pilot, lambda: screen.compose_pane.template_name is not None)
        screen.compose_pane.source_area.load_text(TOPIC)
        await settle(pilot)

    assert snap_compare(offline(workspace), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_editor_with_preview(snap_compare, workspace, size) -> None:
    async def run_before(pilot) -> None:
        await generate(pilot, ARTICLE.read_text(encoding="utf-8"))
        await settle(pilot)

    assert snap_compare(offline(workspace), terminal_size=size, run_before=run_before)


def test_preview_narrow(snap_compare, workspace) -> None:
    async def run_before(pilot) -> None:
        await generate(pilot, ARTICLE.read_text(encoding="utf-8"))
        await pilot.press("f4")
        await settle(pilot)

    assert snap_compare(offline(workspace), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_engine_error(snap_compare, workspace, size) -> None:
    settings = Settings(engine="openai", base_url="http://127.0.0.1:9/v1", api_key="sk-test", model="test-model")
    drafter = Drafter(settings, workspace)
    drafter.__dict__["engine"] = FailingEngine()  # the cached engine: no network, no openai import
    app = make_app(drafter=drafter, env={})
    app.clock = lambda: 0.0

    async def run_before(pilot) -> None:
        screen = pilot.app.screen_stack[0]
        await wait_for(pilot, lambda: screen.compose_pane.template_name is not None)
        screen.compose_pane.source_area.load_text(TOPIC)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: not screen.busy and "failed" in screen.status.message, what="the error")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"], ids=["dark", "light"])
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_navigation_focus(snap_compare, workspace, size, theme) -> None:
    """alt+q puts the cursor in the question: the focused field is plain to see in both themes."""

    async def run_before(pilot) -> None:
        await generate(pilot, ARTICLE.read_text(encoding="utf-8"))
        pilot.app.theme = theme
        await settle(pilot)
        await pilot.press("alt+q")
        screen = pilot.app.screen_stack[0]
        question = screen.query_one("#part-question")
        # The jump scrolls after layout: wait until the field is on screen, not for a fixed time.
        await wait_for(pilot, lambda: screen.focused is question and question.region.height > 0
                       and screen.editor.region.contains_region(question.region), what="the question in view")
        question.cursor_blink = False
        await pilot.wait_for_scheduled_animations()

    assert snap_compare(offline(workspace), terminal_size=size, run_before=run_before)

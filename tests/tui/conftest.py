"""Fixtures for the app tests: an isolated workspace, the app factory, waiting on conditions."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import pytest
from textual.pilot import Pilot

from drafter.settings.config import Settings
from drafter.service.drafting import Drafter
from drafter.tui.app import DrafterApp, make_app
from drafter.settings.paths import Workspace
from tests.loopback import Loopback, loopback  # noqa: F401  (fixture)

if TYPE_CHECKING:
    from drafter.tui.screens.main import MainScreen

TOPIC = "Why our team stopped holding daily status meetings"
ARTICLE = (Path(__file__).parent.parent / "corpus" / "opinion-status-meetings.txt")


@pytest.fixture
def lasting_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Toasts stay until the snapshot is taken: their timeouts run on the wall clock, so on a
    loaded machine a note could expire before the frame is drawn (CI caught one missing)."""
    from textual.app import App

    def notify(self, message: str, **kwargs: Any) -> None:
        kwargs["timeout"] = 3600.0
        App.notify(self, message, **kwargs)

    monkeypatch.setattr(DrafterApp, "notify", notify)


async def wait_for(pilot: Pilot, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "") -> None:
    """Let the app run until ``predicate()`` is true; fail after ``timeout`` seconds.

    No fixed sleeps: each round processes pending messages, then yields briefly
    (bounded: at most 2,000 rounds and ``timeout`` seconds).
    """
    deadline = time.monotonic() + timeout
    for _ in range(2000):
        await pilot.pause()
        if predicate():
            return
        if time.monotonic() > deadline:
            break
        await pilot.pause(0.005)
    raise AssertionError(f"timed out waiting for {what or predicate}")


async def started(pilot: Pilot) -> "MainScreen":
    """The main screen once it is ready (editor, preview, templates loaded)."""
    from drafter.tui.screens.main import MainScreen

    app = pilot.app
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    await wait_for(pilot, lambda: screen.ready and screen.compose_pane.template_name is not None,
                   what="the app to start")  # fmt: skip
    return screen


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "ws", "--workspace").ensure()


@pytest.fixture
def offline_app(workspace: Workspace) -> Callable[..., DrafterApp]:
    """Build an app on the offline engine (same workspace each call: a "restart")."""

    def build(**settings: Any) -> DrafterApp:
        drafter = Drafter(Settings(engine="offline", **settings), workspace)
        app = make_app(drafter=drafter, env={})
        app.clock = lambda: 0.0  # elapsed seconds stay at 0: stable snapshots
        return app

    return build


@pytest.fixture
def openai_app(workspace: Workspace, loopback: Loopback) -> Callable[..., DrafterApp]:  # noqa: F811
    def build(**settings: Any) -> DrafterApp:
        values: dict[str, Any] = {"engine": "openai", "base_url": loopback.base_url, "api_key": "sk-test",
                                  "timeout": 5, "retries": 0, "model": "test-model"}
        values.update(settings)
        app = make_app(drafter=Drafter(Settings(**values), workspace), env={})
        app.clock = lambda: 0.0
        return app

    return build


async def export_to(pilot: Pilot, target: Path) -> None:
    """The export key ("e" in Preview) answered with ``target``; returns once the file is written."""
    from textual.widgets import Input

    await pilot.press("e")
    await wait_for(pilot, lambda: pilot.app.screen.query("#path"), what="the export dialog")
    pilot.app.screen.query_one("#path", Input).value = str(target)
    await pilot.press("enter")
    await wait_for(pilot, lambda: target.exists(), what="the export")

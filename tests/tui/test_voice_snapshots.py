"""An SVG snapshot of the voice in the app: the top bar's "voice: 10 posts" and the dialog of the
examples a draft used (80×24, where it has the least room: it scrolls as one). Update with
``pytest tests/tui/test_voice_snapshots.py --snapshot-update`` after looking at the report."""

from __future__ import annotations

from dataclasses import replace

import pytest

from drafter.models.voice import Example, VoiceUse
from drafter.tui.screens.voice_dialog import VoiceModal

from .conftest import TOPIC, wait_for
from .test_snapshots import generate, offline, settle
from .test_voice_app import voiced  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_voice_dialog_with_examples(snap_compare, workspace, voiced, monkeypatch) -> None:  # noqa: F811
    monkeypatch.chdir(workspace.root.parent)  # the dialog says where the voice is: "ws/voice.json"
    async def run_before(pilot) -> None:
        app = pilot.app
        screen = app.screen_stack[0]
        await generate(pilot, TOPIC)
        await settle(pilot)
        examples = [Example(id=p.id, text=p.text, date=p.date, score=score)
                    for p, score in zip(voiced.posts, (4.3, 3.1, 0.0))]  # fmt: skip
        screen.session.state = screen.session.state.with_(
            job=replace(screen.session.job, voice=VoiceUse(profile=voiced.profile, examples=examples)))
        await wait_for(pilot, lambda: screen.query_one("#voice-label").display, what="the voice label")
        app.clear_notifications()
        screen.action_voice()
        await wait_for(pilot, lambda: isinstance(app.screen, VoiceModal), what="the voice dialog")
        await pilot.pause()

    assert snap_compare(offline(workspace), terminal_size=(80, 24), run_before=run_before)

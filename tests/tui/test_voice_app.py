"""The voice in the app: the top bar says which voice drafts, shift+f7 turns it off and on for the next
generation (a draft or a part), v in the Preview shows the examples the draft used and the profile."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from drafter.models.voice import Example, Voice, VoiceUse
from drafter.settings.paths import Workspace
from drafter.tui.screens.modals import RegenerateModal
from drafter.tui.screens.voice import NO_VOICE
from drafter.tui.screens.voice_dialog import VoiceModal
from tests import voice_fixture as vf
from tests.loopback import Reply

from .conftest import TOPIC, started, wait_for

ARTICLE = (Path(__file__).parents[1] / "corpus" / "opinion-status-meetings.txt").read_text(encoding="utf-8")

@pytest.fixture
def voiced(workspace: Workspace) -> Voice:
    """The workspace has the tests' hand-built voice of ten posts (tests/voice_fixture.py), saved
    as `drafter voice import` saves one."""
    return vf.write_voice(workspace.root)


def voice_label(screen) -> Static:
    return screen.query_one("#voice-label", Static)


def shown(widget: Static) -> str:
    return str(widget.render()).strip()


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def generate(pilot, screen, text: str = TOPIC) -> None:
    from drafter.tui.screens.modals import ConfirmModal

    screen.compose_pane.source_area.load_text(text)
    runs = len(screen.session.history._items)
    edited = screen.session.has_user_edits
    await pilot.press("ctrl+g")
    if edited:  # "Replace it with a new draft?"
        await wait_for(pilot, lambda: isinstance(screen.app.screen, ConfirmModal), what="the question")
        await pilot.press("y")
    await wait_for(pilot, lambda: not screen.busy and len(screen.session.history._items) > runs
                   and screen.session.parts is not None, what="a draft")  # fmt: skip


async def regenerate(pilot, app, screen, part: str = "question") -> None:
    runs = len(screen.session.draft.revisions)
    screen.action_regenerate(part)
    await wait_for(pilot, lambda: isinstance(app.screen, RegenerateModal), what="the regenerate dialog")
    await pilot.press("enter")
    await wait_for(pilot, lambda: not screen.busy and len(screen.session.draft.revisions) > runs,
                   what="the regenerated part")  # fmt: skip


async def test_the_top_bar_shows_the_voice(offline_app, voiced: Voice) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        label = voice_label(screen)
        await wait_for(pilot, lambda: label.display, what="the voice label")
        assert shown(label) == "voice: 10 posts"
        assert "offline" in str(screen.query_one("#engine-label").render())  # beside the engine, not over it


async def test_no_voice_no_label(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        await wait_for(pilot, lambda: screen.voice.loaded, what="the voice file to be looked for")
        assert not voice_label(screen).display
        await pilot.press("shift+f7")
        await wait_for(pilot, lambda: NO_VOICE in notices(app), what="the note that there is no voice")
        assert app.drafter.settings.voice is True and not voice_label(screen).display
        await pilot.press("f4", "v")  # the Preview's v
        await wait_for(pilot, lambda: notices(app).count(NO_VOICE) == 2, what="the note again")
        assert not isinstance(app.screen, VoiceModal)


async def test_an_unreadable_voice_file_is_said_once_and_drafting_goes_on(offline_app, workspace: Workspace) -> None:
    workspace.voice_file.write_text("{not json", encoding="utf-8")
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        await wait_for(pilot, lambda: any("is not JSON" in n for n in notices(app)), what="the problem")
        assert any(n.endswith("; drafting without the voice.") for n in notices(app))
        assert not voice_label(screen).display
        await generate(pilot, screen)
        assert screen.session.job.voice is None
        assert workspace.voice_file.read_text(encoding="utf-8") == "{not json"  # never overwritten


async def test_the_palette_has_the_voice_commands(offline_app, voiced: Voice) -> None:
    from drafter.tui.app import main_commands

    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        commands = {title: run for title, _, run in main_commands(screen)}
        commands["Voice on/off"]()
        await wait_for(pilot, lambda: shown(voice_label(screen)) == "voice: off", what="voice: off")
        commands["Voice: examples used"]()
        await wait_for(pilot, lambda: isinstance(app.screen, VoiceModal), what="the voice dialog")


async def test_the_voice_setting_off_shows_off(offline_app, voiced: Voice) -> None:
    app = offline_app(voice=False)  # DRAFTER_VOICE=0 or voice = false in drafter.toml
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        await wait_for(pilot, lambda: voice_label(screen).display, what="the voice label")
        assert shown(voice_label(screen)) == "voice: off"


async def test_shift_f7_turns_the_voice_off_for_the_next_generation(offline_app, voiced: Voice) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        await generate(pilot, screen)
        job = screen.session.job
        assert job.voice is not None and job.voice.profile == voiced.profile
        assert job.request(app.drafter.settings).voice == voiced.profile
        assert job.layout.bullet == "→" and "\n→ " in screen.session.post_text  # the voice's marker
        post = screen.session.post_text

        await pilot.press("shift+f7")
        await wait_for(pilot, lambda: shown(voice_label(screen)) == "voice: off", what="voice: off")
        assert app.drafter.settings.voice is False
        assert any(n.startswith("Voice off: the next generation") for n in notices(app))
        assert screen.session.post_text == post  # the post on screen stays as it is

        await regenerate(pilot, app, screen)  # a part: drafted without the voice
        assert screen.session.job.voice is None
        assert screen.session.job.spec == job.spec and screen.session.job.layout == job.layout
        assert "\n→ " in screen.session.post_text  # the draft on screen keeps the shape it was written in
        await pilot.press("ctrl+z")  # back to the draft written with the voice...
        await wait_for(pilot, lambda: screen.session.job is job, what="the undo")
        await regenerate(pilot, app, screen)  # ...its next part is still drafted without it
        assert screen.session.job.voice is None

        await generate(pilot, screen, TOPIC + " again")  # a new draft: without it
        assert screen.session.job.voice is None
        assert screen.session.job.request(app.drafter.settings).voice is None
        assert "\n• " in screen.session.post_text and "\n→ " not in screen.session.post_text  # the template's

        await pilot.press("shift+f7")
        await wait_for(pilot, lambda: shown(voice_label(screen)) == "voice: 10 posts", what="the voice back on")
        assert any(n.startswith("Voice on: the next generation follows your 10 posts") for n in notices(app))
        await regenerate(pilot, app, screen, "hook")
        assert screen.session.job.voice is not None


def profile_text(dialog) -> str:
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(dialog.query_one("#voice-profile", Static).content)
    return "\n".join(" ".join(line.split()) for line in console.export_text().splitlines())


async def test_the_voice_dialog_lists_the_examples_used(offline_app, workspace: Workspace, voiced: Voice) -> None:
    app = offline_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await started(pilot)
        await pilot.press("f4", "v")  # no draft yet: why there are no examples, and the profile
        await wait_for(pilot, lambda: isinstance(app.screen, VoiceModal), what="the voice dialog")
        assert "No draft yet" in shown(app.screen.query_one("#voice-none", Static))
        profile = profile_text(app.screen)  # as `drafter voice show` prints it
        assert "posts 10 (10 from files)" in profile
        assert "lists in 100% of posts, marker →, usually 3 items" in profile
        assert 'closing a question in 100% of posts, usually starting "Curious:"' in profile
        assert "emoji none" in profile and f"file {workspace.voice_file}" in profile
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, VoiceModal), what="the dialog to close")

        await generate(pilot, screen)  # offline: the profile only
        await pilot.press("f4", "v")
        await wait_for(pilot, lambda: isinstance(app.screen, VoiceModal), what="the voice dialog")
        assert "the offline engine follows the profile only" in shown(app.screen.query_one("#voice-none", Static))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, VoiceModal), what="the dialog to close")

        # A job that sent examples (as an LLM's does): the dialog lists each one.
        examples = [Example(id=p.id, text=p.text, date=p.date, score=score)
                    for p, score in zip(voiced.posts[:2], (4.3, 3.06))]
        job = screen.session.job
        screen.session.state = screen.session.state.with_(
            job=replace(job, voice=VoiceUse(profile=voiced.profile, examples=examples)))
        await pilot.press("shift+f7")  # and the voice is off now: the dialog says so
        await wait_for(pilot, lambda: shown(voice_label(screen)) == "voice: off", what="voice: off")
        await pilot.press("f4", "v")
        await wait_for(pilot, lambda: isinstance(app.screen, VoiceModal), what="the voice dialog")
        dialog = app.screen
        headings = [shown(w) for w in dialog.query(".example-heading").results(Static)]
        sizes = [len(p.text) for p in voiced.posts[:2]]
        assert headings == [f"1 · 10 Oct 2026 · score 4.3 · {sizes[0]} chars",
                            f"2 · 09 Oct 2026 · score 3.1 · {sizes[1]} chars"]
        texts = [str(w.render()) for w in dialog.query(".example-text").results(Static)]
        assert texts == [voiced.posts[0].text, voiced.posts[1].text]
        assert dialog.focused is dialog.query_one("#voice-dialog")  # ↑/↓ scroll it
        assert "The voice is off" in shown(dialog.query_one("#voice-off", Static))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, VoiceModal), what="the dialog to close")
        assert isinstance(screen.query_one("#part-hook", Input), Input)


def test_the_voice_keys_clash_with_no_key_of_what_has_the_focus() -> None:
    from .test_platform_keys import FOCUSABLE, bound

    from drafter.tui import keys
    from drafter.tui.screens.main import MainScreen
    from drafter.tui.widgets.preview import PreviewPane

    assert [b.action for b in bound(MainScreen, "shift+f7")] == ["toggle_voice"]
    assert all(not bound(widget, "shift+f7") for widget in FOCUSABLE)  # works from inside a text box
    assert [b.action for b in bound(PreviewPane, "v")] == ["screen.voice"]
    rows = {(row.section, key): row.text for row in keys.rows() for key in row.keys}
    assert "Voice on / off" in rows[("Drafting", "shift+f7")] and "examples" in rows[("Preview", "v")]


async def test_over_http_the_switch_decides_the_next_request_and_the_dialog_lists_what_was_sent(
        openai_app, workspace: Workspace, loopback) -> None:  # fmt: skip
    """With an LLM: the draft's request carries the voice block and its examples, the dialog lists
    those examples; off, a part's request has no voice block; on again, it has the block again."""
    from drafter.templates.voice_block import VOICE_HEADING

    from .test_app import GOOD

    vf.write_voice(workspace.root)
    loopback.script(Reply.stream(GOOD), Reply.stream({"hook": "Restore drills beat hopes"}),
                    Reply.stream({"hook": "A key nobody could find"}))  # fmt: skip
    app = openai_app(repair=False)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await started(pilot)
        await wait_for(pilot, lambda: shown(voice_label(screen)) == "voice: 10 posts", what="the voice label")
        await generate(pilot, screen, vf.ARTICLE)
        sent = screen.session.job.voice.examples
        system = system_message(loopback.chat_requests[0])
        assert VOICE_HEADING in system and sent and all(e.text in system for e in sent)
        assert sent[0].text == vf.POSTS["backups-restore"]  # the post most like the article first

        await pilot.press("f4", "v")
        await wait_for(pilot, lambda: isinstance(app.screen, VoiceModal), what="the voice dialog")
        texts = [str(w.render()) for w in app.screen.query(".example-text").results(Static)]
        assert texts == [e.text for e in sent]
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, VoiceModal), what="the dialog to close")

        await pilot.press("shift+f7")
        await wait_for(pilot, lambda: shown(voice_label(screen)) == "voice: off", what="voice: off")
        await regenerate(pilot, app, screen, "hook")
        assert VOICE_HEADING not in system_message(loopback.chat_requests[1])

        await pilot.press("shift+f7")
        await wait_for(pilot, lambda: shown(voice_label(screen)) == "voice: 10 posts", what="the voice back on")
        await regenerate(pilot, app, screen, "hook")
        system = system_message(loopback.chat_requests[2])
        assert VOICE_HEADING in system and all(e.text in system for e in sent)
        assert screen.session.parts.hook == "A key nobody could find"


def system_message(request) -> str:
    return next(m["content"] for m in request.body["messages"] if m["role"] == "system")


async def save(pilot, screen) -> None:
    saves = len(screen.session.draft.revisions) if screen.session.on_disk else -1
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: screen.session.on_disk and not screen.session.dirty
                   and len(screen.session.draft.revisions) > saves, what="the save")  # fmt: skip


async def test_mark_as_published_adds_the_saved_post_to_the_voice(offline_app, workspace: Workspace,
                                                                  voiced: Voice) -> None:  # fmt: skip
    from drafter.storage.voice import load_voice
    from drafter.tui.screens.modals import ConfirmModal

    app = offline_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await started(pilot)
        await generate(pilot, screen, ARTICLE)  # an article: a topic's scaffold has placeholders, which publish refuses
        screen.action_publish()  # not saved yet
        await wait_for(pilot, lambda: any(n.startswith("Save the draft first") for n in notices(app)),
                       what="save first")  # fmt: skip
        await save(pilot, screen)
        screen.query_one("#part-hook", Input).value = "A hook typed after the save"
        await wait_for(pilot, lambda: screen.session.dirty, what="the edit")
        screen.action_publish()  # unsaved changes: what joins the voice must be what is shown
        await wait_for(pilot, lambda: any("unsaved changes: save them first" in n for n in notices(app)),
                       what="save the changes first")  # fmt: skip
        await save(pilot, screen)

        screen.action_publish()
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: shown(voice_label(screen)) == "voice: 11 posts", what="the voice to grow")
        draft_id = screen.session.draft.id
        assert any(n.startswith(f"Draft {draft_id} marked published") and "it has 11 posts" in n
                   for n in notices(app))  # fmt: skip
        stored = load_voice(workspace.voice_file)
        (post,) = [p for p in stored.posts if p.origin == "published"]
        assert post.text == screen.session.post_text.strip() and post.location == draft_id
        published = app.drafter.store.load(draft_id).published
        assert published is not None and screen.session.draft.published == published

        # The next save keeps the date, and does not take the file for one another drafter changed.
        screen.query_one("#part-hook", Input).value = "Another hook, after publishing"
        await wait_for(pilot, lambda: screen.session.dirty, what="the edit")
        await save(pilot, screen)
        assert not isinstance(app.screen, ConfirmModal)
        assert app.drafter.store.load(draft_id).published == published


async def test_mark_as_published_makes_a_voice_where_there_was_none(offline_app, workspace: Workspace) -> None:
    from drafter.tui.screens.modals import ConfirmModal

    app = offline_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await started(pilot)
        await generate(pilot, screen, ARTICLE)
        await save(pilot, screen)
        assert not voice_label(screen).display
        screen.action_publish()
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: voice_label(screen).display, what="the voice label")
        assert shown(voice_label(screen)) == "voice: 1 post"
        assert workspace.voice_file.is_file()


async def test_mark_as_published_with_an_unreadable_voice_marks_the_draft_and_says_why(
        offline_app, workspace: Workspace) -> None:  # fmt: skip
    from drafter.tui.screens.modals import ConfirmModal

    workspace.voice_file.write_text("{not json", encoding="utf-8")
    app = offline_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await started(pilot)
        await generate(pilot, screen, ARTICLE)
        await save(pilot, screen)
        screen.action_publish()
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.press("y")
        draft_id = screen.session.draft.id
        await wait_for(pilot, lambda: any(n.startswith(f"draft {draft_id} is marked published, but") for n in
                                          notices(app)), what="the error")  # fmt: skip
        await wait_for(pilot, lambda: screen.session.draft.published is not None, what="the date")
        assert screen.session.draft.published == app.drafter.store.load(draft_id).published
        assert workspace.voice_file.read_text(encoding="utf-8") == "{not json"  # never overwritten

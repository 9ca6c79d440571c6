"""The creator's voice on the main screen: the top bar says which voice drafts (or that it is
off), shift+f7 turns it off and on, v in the Preview shows the examples the draft on screen
used and the profile, and "Mark as published" (the palette) adds the saved draft's post to the
voice (:func:`drafter.service.voice_import.publish`, as ``drafter drafts publish ID`` does).

The voice is the service's (:attr:`Drafter.voice`: the workspace's ``voice.json``, read once,
off the event loop); the ``voice`` setting is the one switch (changed here for this run of the
app, never written to ``drafter.toml``). The switch applies to the next generation: ctrl+g
prepares a new job with it, and a request for the draft on screen (a part, hook variants, a
platform version) uses the draft's job fitted to it (:meth:`Voices.fitted`), so an undo back to
an older draft cannot bring an older switch back. The post on screen never changes with it.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ...common.errors import DrafterError, InputError
from ..widgets.status import TopBar
from .screen_part import ScreenPart

if TYPE_CHECKING:
    from ...models.draft import Draft
    from ...models.voice import Voice
    from ...service.drafting import Job

NO_VOICE = ("This workspace has no voice yet: `drafter voice import PATH` builds one from your published "
            "posts (LinkedIn's data export, or a folder of posts).")  # fmt: skip


class Voices(ScreenPart):
    """The voice of one main screen: its label in the top bar, the switch, the examples dialog,
    marking the saved draft as published."""

    def __init__(self, screen) -> None:
        super().__init__(screen)
        self.loaded = False
        """The voice file has been read (the top bar shows its label from then on)."""

    def run(self, job) -> None:
        """Not exclusive: shift+f7 pressed twice quickly switches twice, as pressed."""
        self.screen_.run_worker(job, group="voice", exit_on_error=False)

    async def _voice(self) -> "Voice | None":
        """The workspace's voice, whatever the switch (read once, in a thread; then cached)."""
        drafter = self.drafter
        voice, problem = await asyncio.to_thread(lambda: drafter.voice_file)
        if not self.loaded:
            self.loaded = True
            self.show()
            if problem:
                self.screen_.notify(f"{problem}; drafting without the voice.", title="Voice", severity="warning",
                                    timeout=10)  # fmt: skip
        return voice

    def load(self) -> None:
        """Read the voice file after the first frame, then show its label."""
        self.run(self._voice())

    def show(self) -> None:
        """The top bar's voice label: "voice: 48 posts", "voice: off", or nothing without a voice."""
        voice = self.drafter.voice_file[0] if self.loaded else None
        label = None
        if voice is not None:
            from ...models.voice import VoiceUse

            label = VoiceUse(profile=voice.profile).label
        self.screen_.query_one(TopBar).set_voice(label, self.drafter.settings.voice)

    # -- the switch -----------------------------------------------------------------------
    def toggle(self) -> None:
        self.run(self._toggle())

    async def _toggle(self) -> None:
        screen, drafter = self.screen_, self.drafter
        voice = await self._voice()
        if voice is None:
            problem = drafter.voice_file[1]
            screen.notify(f"{problem}." if problem else NO_VOICE, title="Voice", severity="warning", timeout=8)
            return
        settings = drafter.settings
        settings.voice = not settings.voice  # validated (the model checks every assignment)
        self.show()
        if settings.voice:
            examples = "" if drafter.engine_name == "offline" else " and the posts most like its source as examples"
            said = (f"Voice on: the next generation follows your {voice.profile.posts} posts (their profile"
                    f"{examples}). shift+f7 turns it off.")  # fmt: skip
        else:
            said = ("Voice off: the next generation (ctrl+g, a part, hook variants, a platform version) is "
                    "drafted without it; the post on screen stays as it is. shift+f7 turns it back on.")  # fmt: skip
        screen.notify(said, title="Voice", timeout=8)

    async def fitted(self, job: "Job") -> "Job":
        """``job`` with the voice as the switch is now: the same job when it agrees, else one
        prepared again with it (its voice and prompt; the spec, layout and variables stay the
        draft's, so a regenerated part still fits the post on screen)."""
        wanted = self.drafter.settings.voice and await self._voice() is not None
        if (job.voice is not None) == wanted:
            return job
        return await asyncio.to_thread(self._refit, job)

    def _refit(self, job: "Job") -> "Job":
        drafter = self.drafter
        try:
            prepared = drafter.prepare(job.source, job.template.name, job.variables)
        except InputError:  # the template changed since: its defaults (only the voice is taken)
            prepared = drafter.prepare(job.source, job.template.name)
        return replace(job, voice=prepared.voice, prompt=prepared.prompt)

    # -- the examples dialog ----------------------------------------------------------------
    def open(self) -> None:
        self.run(self._open())

    async def _open(self) -> None:
        screen = self.screen_
        voice = await self._voice()
        if voice is None:
            problem = self.drafter.voice_file[1]
            screen.notify(f"{problem}." if problem else NO_VOICE, title="Voice", severity="warning", timeout=8)
            return
        from .voice_dialog import VoiceModal

        job = self.session.job
        where = self.drafter.workspace.voice_file
        try:
            where = where.relative_to(Path.cwd())
        except ValueError:
            pass
        await screen.app.push_screen(VoiceModal(
            voice, str(where), job.voice if job is not None else None, drafted=job is not None,
            on=self.drafter.settings.voice, offline=self.drafter.engine_name == "offline"))  # fmt: skip

    # -- mark as published ----------------------------------------------------------------
    def ask_publish(self) -> None:
        """The saved draft on screen, marked as published and its post added to the voice (asks
        first). Only a saved draft without unsaved changes: what joins the voice is what is shown."""
        session, screen = self.session, self.screen_
        draft, title = session.draft, "Mark as published"
        if draft is None or not session.on_disk or not session.has_post:
            screen.notify("Save the draft first (ctrl+s): a saved draft is what is marked as published.",
                          title=title, severity="warning")  # fmt: skip
            return
        if session.dirty:
            screen.notify("The draft has unsaved changes: save them first (ctrl+s), so that the post added to "
                          "your voice is the one on screen.", title=title, severity="warning", timeout=8)  # fmt: skip
            return
        again = " (it was marked before: its first date stays)" if draft.published is not None else ""
        screen.confirm(f"Mark “{session.shown_title or draft.id}” as published{again}? Its post joins your voice "
                       f"({self.drafter.workspace.voice_file.name} in the workspace): later drafts follow it, and "
                       "an LLM may be sent it as an example.", title, "Cancel",
                       lambda ok: ok and self.run(self._publish(draft.id)), title=title)  # fmt: skip

    async def _publish(self, draft_id: str) -> None:
        from ...service.voice_import import publish

        screen, drafter = self.screen_, self.drafter
        result = None
        try:
            result = await asyncio.to_thread(publish, drafter, draft_id)
        except DrafterError as exc:  # the draft may be marked all the same (only the voice failed)
            screen.notify(str(exc), title="Mark as published failed", severity="error", timeout=12)
        await self._follow_file(result.draft if result is not None else None, draft_id)
        await asyncio.to_thread(lambda: drafter.voice_file)  # read again: publish made the service forget it
        self.show()
        if result is not None:
            line = result.line()
            screen.notify(f"{line[0].upper()}{line[1:]}.", title="Marked as published", timeout=8)

    async def _follow_file(self, record: "Draft | None", draft_id: str) -> None:
        """The draft's file was written again (``published`` set): the open draft takes that date,
        so its next save keeps it and does not take the file for one another drafter changed."""
        from .persist import file_stamp

        session, store = self.session, self.drafter.store
        if record is None:
            try:
                record = await asyncio.to_thread(store.load, draft_id)
            except DrafterError:
                return
        if session.draft is not None and session.draft.id == record.id:
            session.draft = session.draft.model_copy(update={"published": record.published})
            session.disk_stamp = await asyncio.to_thread(file_stamp, store.path_for(record.id))

"""Adapting the post for the other platforms, from the main screen.

Choosing a platform that has no version yet adapts the post for it; ctrl+r adapts it again, and
asks first when the user edited that version by hand (as a new generation asks before replacing
an edited post). Each adaptation is one request of :class:`.work.Requests`: one at a time,
escape cancels it, and its end (done, failed, cancelled) goes through the same handler as a
generation's. Offline it takes milliseconds; with an LLM the status line shows it running.

The result goes into the session (:meth:`~drafter.tui.session.Session.accept_version`) as
adapted from the LinkedIn post as it was when the request started (so a post edited meanwhile
shows the version as stale).
"""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING

from .screen_part import ScreenPart
from .work import Done

if TYPE_CHECKING:
    from ...models.platforms import Platform, PlatformName
    from ...service.drafting import Job


class Adaptations(ScreenPart):
    """The platform versions' requests of one main screen."""

    def platform(self, name: str) -> "Platform":
        """``name``'s rules, Mastodon with the ``mastodon_limit`` setting (:meth:`Drafter.platforms`)."""
        return self.drafter.platforms([name])[0]

    def label(self, name: str) -> str:
        from ...models.platforms import PLATFORMS

        return PLATFORMS[name].label  # type: ignore[index]

    # -- the platform shown ---------------------------------------------------------------
    def choose(self, name: str) -> None:
        """Show ``name``: the preview, the Editor's place and copy follow it; a platform without
        a version yet is adapted (:meth:`ensure`)."""
        from ...models.platforms import PLATFORM_NAMES

        screen, session = self.screen_, self.session
        if name not in PLATFORM_NAMES:
            return
        focused, editor, versions = screen.focused, screen.editor, screen.version_editor
        editing = focused is not None and (focused in (editor.post_area, versions.area)
                                           or focused in editor.query("Input"))  # fmt: skip
        session.platform = name  # type: ignore[assignment]
        self.ensure()
        screen.render_session()
        if editing:  # the cursor follows into the editor shown now
            (versions.area if name != "linkedin" else editor.post_area).focus()
        if not screen.busy:
            again = " · ctrl+r adapt again" if name != "linkedin" else ""
            screen.status.stop(f"{self.label(name)}: f6 next platform · f8 copy{again}")

    def render(self, *, fields: bool) -> None:
        """The platform shown (not LinkedIn): its version in the preview and, unless ``fields`` is
        False (the user is typing in it), in its editor."""
        from ..versions import version_notes

        screen, session = self.screen_, self.session
        label, version = self.label(session.platform), session.version
        adapting = screen.requests.adapting == session.platform
        notes = version_notes(version, session.post_text, label=label, adapting=adapting, busy=screen.busy)
        screen.preview.update_platform(self.platform(session.platform), version, notes, session.copy_position)
        screen.version_editor.show(session.platform, label, version, locked=adapting, skip=not fields)

    # -- adapting ---------------------------------------------------------------------------
    def ensure(self) -> None:
        """Adapt the post for the platform shown if it has no version yet (there is a post, and
        no request runs: then the preview says ctrl+r adapts it once the request ends)."""
        session = self.session
        if session.platform != "linkedin" and session.version is None and session.has_post \
                and not self.screen_.busy:  # fmt: skip
            self.adapt(session.platform)

    def ask_again(self) -> None:
        """ctrl+r on a platform: adapt the post again for the platform shown (asks first over hand edits)."""
        session, screen = self.session, self.screen_
        name = session.platform
        if name == "linkedin":
            screen.notify("The LinkedIn post is the draft itself: f6 chooses a platform to adapt it for.",
                          timeout=4)  # fmt: skip
            return
        if not session.has_post:
            screen.notify("Nothing to adapt yet: generate a draft first (ctrl+g).", severity="warning")
            return
        if screen.busy:
            screen.notify("A request is already running: escape cancels it.", severity="warning")
            return
        version, label = session.version, self.label(name)
        if version is None or not version.edited:
            self.adapt(name)
            return
        screen.confirm(f"You edited the {label} version by hand. Adapt it again from the LinkedIn post and "
                       "replace your edits? (ctrl+z brings them back.)", "Replace", "Keep my edits",
                       lambda ok: ok and self.adapt(name))  # fmt: skip

    def adapt(self, name: "PlatformName") -> None:
        label = self.label(name)
        text = self.session.post_text
        box = self.screen_.compose_pane.source_text
        self.screen_.requests.start(f"Adapt for {label}", f"Adapting the post for {label}…",
                                    self._adapt(name, text, box), adapting=name,
                                    keep_raw=functools.partial(self._keep_raw, name))  # fmt: skip

    async def _adapt(self, name: "PlatformName", text: str, box: str) -> Done:
        drafter, session, requests = self.drafter, self.session, self.screen_.requests
        if session.job is not None:  # the draft's job, with the voice as the switch is now
            job = await self.screen_.voice.fitted(session.job)
        else:
            job = await asyncio.to_thread(self._job_for_post, box, text)
        await requests.engine_ready()
        version = await drafter.adapt(job, text, self.platform(name), requests.on_engine_event)

        def apply() -> str:
            session.accept_version(name, version.posts, text, engine=version.engine, model=version.model)
            for note in version.notes:
                self.screen_.notify(note, title="Note", timeout=8)
            label, n = self.label(name), len(version.posts)
            shape = f"a thread of {n} posts" if n > 1 else "one post"
            where = version.engine if version.engine == "offline" else f"{version.engine} · {version.model}"
            fits = "" if version.fits else " Some posts do not fit: see the preview."
            return f"{label} version ready: {shape} ({where}).{fits} f8 copies."

        return Done(apply)

    def _job_for_post(self, box: str, text: str) -> "Job":
        """A post typed by hand has no job: one from the compose box (or the post's first line) and
        the template chosen, for the platform prompt (blocking: call off the event loop)."""
        from ..session import source_for_post

        session = self.session
        source = source_for_post(box, session.loaded, text)
        return self.drafter.prepare(source, session.template or self.drafter.settings.template, session.overrides())

    def _keep_raw(self, name: "PlatformName", text: str | None) -> None:
        """The user kept the text of a failed answer: it becomes the version, edited by hand."""
        if not text:
            return
        from ..versions import text_posts

        session, screen = self.session, self.screen_
        session.edit_version(name, text_posts(text))
        self.choose(name)
        screen.action_show("editor")
        screen.notify(f"The model's answer is the {self.label(name)} version now: edit it in the Editor.")

"""Files and clipboard for the main screen: templates, save, reopen, autosave and restore,
copy, export, and the debounced linter.

:class:`Storage` does the disk work off the event loop (``asyncio.to_thread``); a failure is
a notification and never drops what is on screen. Everything written or copied is the
session's :attr:`~drafter.tui.session.Session.post_text`, the text the preview shows.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from ...common.errors import DrafterError
from ...common.safe_text import one_line
from ..session import lint_post, shown_value
from .screen_part import ScreenPart

if TYPE_CHECKING:
    from ...models.draft import Draft
    from ...service.drafting import Job
    from ..autosaves import Owner
    from .main import MainScreen


def _clipboard_copy(text: str) -> str | None:
    """Copy with pyperclip; None when it worked, else why not (one line)."""
    try:
        import pyperclip
    except ImportError:
        return "pyperclip is not installed"
    try:
        pyperclip.copy(text)
    except Exception as exc:  # noqa: BLE001 - PyperclipException and the OS errors below it
        message = one_line(str(exc))
        if "copy/paste mechanism" in message:
            return "no clipboard tool found: install xclip, xsel or wl-clipboard"
        return message.split(". ")[0][:120] or type(exc).__name__
    return None


def file_stamp(path: Path) -> tuple[int, int] | None:
    """(mtime_ns, size) of a file, or None when it is missing (blocking: call off the event loop)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _relative(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


class Storage(ScreenPart):
    """Templates, drafts, autosaves, clipboard, export and lint of one main screen."""

    def __init__(self, screen: "MainScreen") -> None:
        super().__init__(screen)
        self._owner: Owner | None = None

    def run(self, job: Awaitable[Any], group: str) -> None:
        self.screen_.run_worker(job, group=group, exclusive=True, exit_on_error=False)

    # -- templates ----------------------------------------------------------------------
    def load_templates(self, select: str | None = None) -> None:
        self.run(self._load_templates(select), "templates")

    async def _load_templates(self, select: str | None) -> None:
        drafter, pane = self.drafter, self.screen_.compose_pane
        try:
            infos, problems = await asyncio.to_thread(drafter.templates.list)
        except DrafterError as exc:
            self.screen_.notify(str(exc), title="Templates", severity="error")
            return
        names = [i.name for i in infos]
        current = select or pane.template_name or drafter.settings.template
        if current not in names and names:
            current = names[0]
        pane.set_templates(names, current)
        for problem in problems[:3]:
            self.screen_.notify(problem, title="Template skipped", severity="warning", timeout=8)
        if current:
            self.load_template(current)

    def load_template(self, name: str) -> None:
        self.run(self._load_template(name), "template")

    async def _load_template(self, name: str) -> None:
        try:
            template = await asyncio.to_thread(self.drafter.template, name)
        except DrafterError as exc:
            self.screen_.notify(str(exc), title="Template", severity="error")
            return
        values = self.session.switch_template(template.name, template.variables)
        await self.screen_.compose_pane.show_template(template, values)

    # -- autosave and restore -----------------------------------------------------------
    @property
    def owner(self) -> "Owner":
        if self._owner is None:
            from ..autosaves import Owner

            self._owner = Owner()
        return self._owner

    def check_autosave(self) -> None:
        self.run(self._check_autosave(), "restore")

    async def _check_autosave(self) -> None:
        from ..autosaves import autosave_time

        store, owner = self.drafter.store, self.owner

        def find() -> tuple["Draft | None", Any]:
            auto = store.pending_autosave(ignore=owner.others(store))
            return auto, (autosave_time(store, auto.id) if auto is not None else None)

        try:
            auto, when = await asyncio.to_thread(find)
        except DrafterError:
            return
        if auto is None:
            return
        from .modals import ConfirmModal

        stamp = when.strftime("%d %b %H:%M") if when is not None else "at an unknown time"

        def answer(ok: bool | None) -> None:
            if ok:
                self.show_draft(auto, restored=True)
            elif ok is False:
                self.run(self._discard_autosave(auto.id), "restore")

        self.screen_.app.push_screen(ConfirmModal(
            f"drafter closed before “{auto.title}” was saved (autosaved {stamp}). Restore it?",
            "Restore", "Discard", title="Unsaved draft found", letters=False), answer)  # fmt: skip

    async def _discard_autosave(self, draft_id: str) -> None:
        try:
            await asyncio.to_thread(self._clear_autosave, draft_id)
        except DrafterError as exc:
            self.screen_.notify(str(exc), severity="error")

    def _clear_autosave(self, draft_id: str) -> None:
        """Delete an autosave and the owner file its (ended) app left (blocking)."""
        from ..autosaves import drop_owner

        self.drafter.store.clear_autosave(draft_id)
        drop_owner(self.drafter.store, draft_id, self.owner)

    def autosave(self) -> None:
        session = self.session
        if session.draft is None or not session.dirty:
            return
        draft = session.draft_for("edit", note="autosave")
        self.screen_.run_worker(lambda: self._write_autosave(draft), group="autosave", exclusive=True,
                                thread=True, exit_on_error=False)  # fmt: skip

    def _write_autosave(self, draft: "Draft") -> None:
        # A thread worker that touches no widget: notifications go through call_from_thread.
        try:
            self.owner.claim(self.drafter.store, draft.id)
            self.drafter.store.write_autosave(draft)
        except (DrafterError, OSError) as exc:
            self.screen_.app.call_from_thread(self.screen_.notify, f"autosave failed: {exc}", severity="warning")

    def autosave_now(self) -> None:
        """Synchronous, for quitting with unsaved changes."""
        session = self.session
        if session.draft is not None and session.dirty:
            try:
                self.owner.claim(self.drafter.store, session.draft.id)
                self.drafter.store.write_autosave(session.draft_for("edit", note="autosave"))
            except (DrafterError, OSError):
                pass

    def autosave_then(self, then: Callable[[], object]) -> None:
        """Write the autosave copy (off the event loop), then run ``then`` (leaving the draft)."""
        self.run(self._autosave_then(then), "autosave-then")

    async def _autosave_then(self, then: Callable[[], object]) -> None:
        await asyncio.to_thread(self.autosave_now)
        then()

    def release(self) -> None:
        """The app ends: its autosaves (kept) may be offered by the next app."""
        if self._owner is not None:
            self._owner.release()

    # -- reopen ---------------------------------------------------------------------------
    def open_draft(self, draft_id: str) -> None:
        self.run(self._open_draft(draft_id), "open-draft")

    async def _open_draft(self, draft_id: str) -> None:
        try:
            draft = await asyncio.to_thread(self.drafter.store.load, draft_id)
        except DrafterError as exc:
            self.screen_.notify(str(exc), title="Open draft", severity="error")
            return
        await self._show_draft(draft, False)

    def show_draft(self, draft: "Draft", restored: bool = False) -> None:
        self.run(self._show_draft(draft, restored), "open-draft")

    async def _show_draft(self, draft: "Draft", restored: bool) -> None:
        screen, drafter = self.screen_, self.drafter
        job: Job | None = None
        try:
            job = await asyncio.to_thread(drafter.job_from_draft, draft)
        except DrafterError as exc:
            screen.notify(f"{exc} (the text is open; regenerating parts needs the template)",
                          title="Draft opened without its template", severity="warning")  # fmt: skip
        stamp = await asyncio.to_thread(file_stamp, drafter.store.path_for(draft.id))
        on_disk = stamp is not None
        screen.requests.drop()
        if job is not None:
            await screen.editor.configure(job.spec.extras)
        session = screen.session
        session.load_draft(draft, job)
        session.on_disk = on_disk
        session.disk_stamp = stamp
        session.loaded = job.source if job is not None and job.source.kind in ("file", "url") else None
        if job is not None:  # the draft's own variables count as typed (a new generation keeps them)
            defaults = {k: shown_value(v) for k, v in job.template.variables.items()}
            session.user_variables = {k: shown_value(v) for k, v in job.variables.items()
                                      if k in defaults and shown_value(v) != defaults[k]}  # fmt: skip
        if restored:
            session.mark_unsaved()  # the saved file (if any) is older than this copy
        source = draft.source
        screen.compose_pane.set_source_text(source.text or source.topic or "")
        if job is not None:  # its template and variables in the form
            self.load_templates(select=job.template.name)
        screen.render_session()
        screen.action_show("editor")
        verb = "Restored" if restored else "Opened"
        screen.status.stop(f"{verb} “{draft.title}”.")

    def check_still_on_disk(self) -> None:
        """After the library: a draft deleted there shows as unsaved (ctrl+s then asks)."""
        if self.session.on_disk and self.session.draft is not None:
            self.run(self._check_on_disk(), "on-disk")

    async def _check_on_disk(self) -> None:
        draft = self.session.draft
        if draft is None or await asyncio.to_thread(self.drafter.store.path_for(draft.id).exists):
            return
        self.session.mark_unsaved()
        self.screen_.render_session()

    # -- the library and templates screens -----------------------------------------------
    def open_library(self) -> None:
        from .library import DraftsScreen

        self.screen_.app.push_screen(DraftsScreen(self.drafter), self._library_closed)

    def _library_closed(self, draft_id: object) -> None:
        if isinstance(draft_id, str) and draft_id:
            self.screen_.confirm_discard(lambda: self.open_draft(draft_id), "Open another draft")
        else:
            self.check_still_on_disk()

    def open_templates(self) -> None:
        from .templates import TemplatesScreen

        self.screen_.app.push_screen(TemplatesScreen(self.drafter), self._templates_closed)

    def _templates_closed(self, name: object) -> None:
        self.load_templates(select=name if isinstance(name, str) else None)

    # -- save -----------------------------------------------------------------------------
    def save(self) -> None:
        session = self.session
        if not session.has_post:
            self.screen_.notify("Nothing to save yet: generate a draft first (ctrl+g).", severity="warning")
            return
        if session.draft is None:
            session.draft = self._draft_from_text()
            if session.draft is None:
                return
        self.run(self._save(), "save")

    def _draft_from_text(self) -> "Draft | None":
        """A post typed by hand, never generated: a draft from the text and the source box."""
        from ...models.draft import Draft
        from ..session import source_for_post

        text, session = self.screen_.compose_pane.source_text, self.session
        try:
            source = source_for_post(text, session.loaded, session.post_text)
            title = source.topic or session.post_text.split("\n", 1)[0]
            template = session.template or self.drafter.settings.template
            return Draft.new(title, source, template, text=session.post_text, id=self.drafter.store.new_id(title))
        except DrafterError as exc:
            self.screen_.notify(str(exc), title="Save failed", severity="error")
            return None

    async def _save(self, *, again: bool = False) -> None:
        session, store, screen = self.session, self.drafter.store, self.screen_
        assert session.draft is not None
        path = store.path_for(session.draft.id)
        stamp = await asyncio.to_thread(file_stamp, path)
        if session.on_disk and not again and stamp is None:
            session.mark_unsaved()
            screen.render_session()
            self._ask_save_again(path)
            return
        if not again and stamp is not None and session.disk_stamp is not None and stamp != session.disk_stamp:
            self._ask_save_over(path)
            return
        key, draft = session.state_key(), session.draft_for(session.save_kind())
        try:
            saved = await asyncio.to_thread(store.save, draft)
        except Exception as exc:  # noqa: BLE001 - StoreError, and anything else: keep the draft open
            screen.notify(f"{exc}. Your draft is still open: fix the problem and save again, or export it "
                          "(command palette: Export).", title="Save failed", severity="error", timeout=15)  # fmt: skip
            return
        try:
            await asyncio.to_thread(store.clear_autosave, saved.id)
            await asyncio.to_thread(self.owner.release, store, saved.id)
        except DrafterError:
            pass
        session.mark_saved(saved, key)
        session.disk_stamp = await asyncio.to_thread(file_stamp, store.path_for(saved.id))
        screen.render_session(fields=False)
        screen.notify(f"Saved “{saved.title}” ({_relative(store.path_for(saved.id))}).", title="Saved", timeout=4)
        screen.status.stop(f"Saved {saved.id}.")

    def _ask_save_again(self, path: Path) -> None:
        from .modals import ConfirmModal

        def answer(ok: bool | None) -> None:
            if ok:
                self.run(self._save(again=True), "save")
            else:
                self.screen_.notify("Not saved: the draft stays open, unsaved (ctrl+s asks again).",
                                    severity="warning", timeout=6)  # fmt: skip

        self.screen_.app.push_screen(ConfirmModal(
            f"This draft was deleted from the drafts folder ({_relative(path)}) since it was opened. "
            "Save it there again?", "Save again", "Keep unsaved", title="Draft deleted"), answer)  # fmt: skip

    def _ask_save_over(self, path: Path) -> None:
        from .modals import ConfirmModal

        def answer(ok: bool | None) -> None:
            if ok:
                self.run(self._save(again=True), "save")
            else:
                self.screen_.notify("Not saved: your version stays open here, unsaved (ctrl+s asks again; "
                                    "command palette: Export writes it to another file).", severity="warning",
                                    timeout=8)  # fmt: skip

        self.screen_.app.push_screen(ConfirmModal(
            f"{_relative(path)} was changed on disk (another drafter window?) since this app opened or "
            "saved it. Saving replaces that version with yours.", "Save over it", "Keep unsaved",
            title="Draft changed elsewhere", danger=True), answer)  # fmt: skip

    # -- copy and export -------------------------------------------------------------------
    def copy_post(self) -> None:
        """f8: the post of the platform shown; on a thread, its current post (what the preview
        marks), and the thread moves on to the next one. A thread's copy is said on the status
        line, not in a toast (at 80x24 a toast covers the status line)."""
        session, screen = self.session, self.screen_
        step = session.next_copy()
        if step is None or not step.text.strip():
            self._nothing_to_copy()
            return
        label = screen.platform_label
        if session.platform == "linkedin":
            what = "the post"
        elif step.total == 1:
            what = f"the {label} post"
        else:
            if step.index + 1 < step.total:
                said = f"Copied {step.label}: f8 copies {step.index + 2}/{step.total} next (shift+f8: the whole thread)."
            else:
                said = f"Copied {step.label}: every post of the thread is copied (f8 starts again at 1/{step.total})."
            screen.status.stop(said)
            screen.render_session(fields=False)  # the preview marks the next post
            screen.preview.scroll_to_post(session.copy_position or 0)
            self._copy(step.text, f"{label} post {step.label}", said=True)
            return
        self._copy(step.text, what)

    def copy_thread(self) -> None:
        """shift+f8: the whole version of the platform shown as one text (its posts in order),
        said on the status line."""
        from ..versions import thread_text

        session, screen = self.session, self.screen_
        if session.platform == "linkedin" or session.version is None:
            if session.platform == "linkedin":
                self.copy_post()
            else:
                self._nothing_to_copy()
            return
        posts = session.version.posts
        if len(posts) == 1:
            self._copy(posts[0], f"the {screen.platform_label} post")
            return
        text = thread_text(posts)
        at = session.copy_position
        screen.status.stop(f"Copied the whole {screen.platform_label} thread ({len(posts)} posts, {len(text):,} "
                           f"chars, a blank line between posts) · f8 copies {(at or 0) + 1}/{len(posts)} next.")
        self._copy(text, f"the whole {screen.platform_label} thread ({len(posts)} posts)", said=True)

    def _nothing_to_copy(self) -> None:
        session = self.session
        if session.platform != "linkedin" and session.has_post:
            self.screen_.notify(f"No {self.screen_.platform_label} version yet: ctrl+r adapts the post.",
                                severity="warning")  # fmt: skip
        else:
            self.screen_.notify("Nothing to copy yet: generate a draft first (ctrl+g).", severity="warning")

    def _copy(self, text: str, what: str, *, said: bool = False) -> None:
        """``text`` to the terminal's and the system's clipboards; ``said``: the status line says
        the copy, so only a problem with the system clipboard is a toast."""
        self.screen_.app.copy_to_clipboard(text)
        self.run(self._copy_to_system(text, what, said=said), "copy")

    async def _copy_to_system(self, text: str, what: str = "the post", *, said: bool = False) -> None:
        problem = await asyncio.to_thread(_clipboard_copy, text)
        size = f"{len(text):,} chars"
        if problem is None and said:
            return
        if problem is None:
            self.screen_.notify(f"Copied {what} ({size}) to the system clipboard and the terminal (OSC 52).",
                                title="Copied", timeout=4)  # fmt: skip
        else:
            self.screen_.notify(f"Sent {what} ({size}) to the terminal clipboard (OSC 52); the system "
                                f"clipboard is not available ({problem}). If pasting fails, export it to a "
                                "file (e in Preview).", title="Copied to the terminal", severity="warning",
                                timeout=10)  # fmt: skip

    def export_post(self) -> None:
        """The post of the platform shown to a text file; a thread as ``drafter drafts export
        --format txt`` writes it (each post under its ``--- post i/n · count/limit ---`` line)."""
        from ...models.draft import export_version
        from ..session import with_versions

        session = self.session
        if session.platform == "linkedin":
            text = session.post_text
        elif session.version is None:
            text = ""
        else:
            if session.draft is not None:
                draft = session.draft_for("save")
            else:  # a post typed by hand, never saved: a draft of it, with its versions
                typed = self._draft_from_text()
                if typed is None:
                    return
                draft = with_versions(typed, session.versions)
            text = export_version(draft, self.screen_.adaptations.platform(session.platform), "txt")
        if not text.strip():
            self.screen_.notify("Nothing to export yet.", severity="warning")
            return
        from .modals import ExportModal

        name = session.draft.id if session.draft else "post"
        suffix = "" if session.platform == "linkedin" else f"-{session.platform}"
        default = self.drafter.workspace.root / "exports" / f"{name}{suffix}.txt"  # as the drafts library does

        def chosen(path: str | None) -> None:
            if path:
                self.run(self._export_to(Path(path).expanduser(), text), "export")

        self.screen_.app.push_screen(ExportModal(str(default)), chosen)

    async def _export_to(self, path: Path, text: str) -> None:
        from ...common.atomic import write_or_raise
        from ...common.errors import StoreError

        try:
            await asyncio.to_thread(write_or_raise, path, text.rstrip("\n") + "\n", StoreError)
        except StoreError as exc:
            self.screen_.notify(str(exc), title="Export failed", severity="error")
            return
        self.screen_.notify(f"Wrote the post to {path}.", title="Exported", timeout=5)

    # -- lint (debounced) -------------------------------------------------------------------
    def run_lint(self) -> None:
        """LinkedIn: the whole linter on the post. Another platform: its checks, post by post."""
        preview, session = self.screen_.preview, self.session
        if session.platform != "linkedin":
            from ...lint.platform import check_posts

            version = session.version
            platform = self.screen_.adaptations.platform(session.platform)
            preview.set_post_findings(check_posts(list(version.posts), platform) if version is not None else [])
            return
        try:
            report = lint_post(self.drafter, self.session)
        except DrafterError as exc:
            preview.set_lint(None, f"lint: {exc}")
            return
        preview.set_lint(report)

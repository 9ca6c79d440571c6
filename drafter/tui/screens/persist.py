"""Files and clipboard from the main screen: templates, save, reopen, autosave and restore,
copy, export, and the debounced linter.

Disk work runs off the event loop (``asyncio.to_thread``); a failure is a notification and
never drops what is on screen.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from ...errors import DrafterError
from .work import when_ready

if TYPE_CHECKING:
    from ...drafting import Job
    from ...store import Draft


def _clipboard_copy(text: str) -> str | None:
    """Copy with pyperclip; None when it worked, else why not (one line)."""
    try:
        import pyperclip
    except ImportError:
        return "pyperclip is not installed"
    try:
        pyperclip.copy(text)
    except Exception as exc:  # noqa: BLE001 - PyperclipException and the OS errors below it
        message = " ".join(str(exc).split())
        if "copy/paste mechanism" in message:
            return "no clipboard tool found: install xclip, xsel or wl-clipboard"
        return message.split(". ")[0][:120] or type(exc).__name__
    return None


class StorageMixin:
    """Mixed into MainScreen; uses its session, widgets and drafter."""

    # -- templates ----------------------------------------------------------------------
    @work(exclusive=True, group="templates", exit_on_error=False)
    async def load_templates(self, select: str | None = None) -> None:
        drafter = self.drafter
        try:
            infos, problems = await asyncio.to_thread(drafter.templates.list)
        except DrafterError as exc:
            self.notify(str(exc), title="Templates", severity="error")
            return
        names = [i.name for i in infos]
        current = select or self.compose_pane.template_name or drafter.settings.template
        if current not in names and names:
            current = names[0]
        self.compose_pane.set_templates(names, current)
        for problem in problems[:3]:
            self.notify(problem, title="Template skipped", severity="warning", timeout=8)
        if current:
            self.load_template(current)

    @work(exclusive=True, group="template", exit_on_error=False)
    async def load_template(self, name: str) -> None:
        try:
            template = await asyncio.to_thread(self.drafter.template, name)
        except DrafterError as exc:
            self.notify(str(exc), title="Template", severity="error")
            return
        await self.compose_pane.show_template(template)

    # -- autosave and restore -----------------------------------------------------------
    @work(exclusive=True, group="restore", exit_on_error=False)
    async def check_autosave(self) -> None:
        store = self.drafter.store
        try:
            auto = await asyncio.to_thread(store.pending_autosave)
        except DrafterError:
            return
        if auto is None:
            return
        from .modals import ConfirmModal

        when = auto.updated.strftime("%d %b %H:%M")

        def answer(ok: bool | None) -> None:
            if ok:
                self.show_draft(auto, restored=True)
            elif ok is False:
                try:
                    store.clear_autosave(auto.id)
                except DrafterError as exc:
                    self.notify(str(exc), severity="error")

        self.app.push_screen(ConfirmModal(
            f"drafter closed before “{auto.title}” was saved (autosaved {when}). Restore it?",
            "Restore", "Discard", title="Unsaved draft found"), answer)  # fmt: skip

    def autosave(self) -> None:
        session = self.session
        if session.draft is None or not session.dirty:
            return
        self.write_autosave(session.draft_for("edit", note="autosave"))

    @work(exclusive=True, group="autosave", exit_on_error=False, thread=True)
    def write_autosave(self, draft: "Draft") -> None:
        # A thread worker that touches no widget: notifications go through call_from_thread.
        try:
            self.drafter.store.write_autosave(draft)
        except DrafterError as exc:
            self.app.call_from_thread(self.notify, f"autosave failed: {exc}", severity="warning")

    def autosave_now(self) -> None:
        """Synchronous, for quitting with unsaved changes."""
        session = self.session
        if session.draft is not None and session.dirty:
            try:
                self.drafter.store.write_autosave(session.draft_for("edit", note="autosave"))
            except DrafterError:
                pass

    # -- reopen ---------------------------------------------------------------------------
    @work(exclusive=True, group="open-draft", exit_on_error=False)
    async def open_draft(self, draft_id: str) -> None:
        try:
            draft = await asyncio.to_thread(self.drafter.store.load, draft_id)
        except DrafterError as exc:
            self.notify(str(exc), title="Open draft", severity="error")
            return
        self.show_draft(draft)

    @when_ready
    @work(exclusive=True, group="open-draft", exit_on_error=False)
    async def show_draft(self, draft: "Draft", restored: bool = False) -> None:
        job: Job | None = None
        try:
            job = await asyncio.to_thread(self.drafter.job_from_draft, draft)
        except DrafterError as exc:
            self.notify(f"{exc} (the text is open; regenerating parts needs the template)",
                        title="Draft opened without its template", severity="warning")  # fmt: skip
        self.cancel_requests()
        if job is not None:
            await self.editor.configure(job.spec.extras)
        session = self.session
        session.load_draft(draft, job)
        session.loaded = job.source if job is not None and job.source.kind in ("file", "url") else None
        if restored:
            session.saved_state = None  # the saved file (if any) is older than this copy
        source = draft.source
        self.compose_pane.set_source_text(source.text or source.topic or "")
        if job is not None and self.compose_pane.template_name != job.template.name:
            self.load_templates(select=job.template.name)
        self.show_session()
        self.action_show("editor")
        verb = "Restored" if restored else "Opened"
        self.status.stop(f"{verb} “{draft.title}”.")

    # -- save -----------------------------------------------------------------------------
    @when_ready
    def action_save(self) -> None:
        session = self.session
        if not session.has_post:
            self.notify("Nothing to save yet: generate a draft first (ctrl+g).", severity="warning")
            return
        if session.draft is None:
            session.draft = self._draft_from_text()
            if session.draft is None:
                return
        self.write_draft(session.draft_for(session.save_kind()))

    def _draft_from_text(self) -> "Draft | None":
        """A post typed by hand, never generated: a draft from the text and the source box."""
        from ...store import Draft
        from ..session import source_from_input

        text = self.compose_pane.source_text
        try:
            source = source_from_input(text, self.session.loaded) if text.strip() else None
            if source is None:
                from ... import sources

                source = sources.from_topic(self.session.post_text.split("\n", 1)[0][:200])
            store = self.drafter.store
            title = source.topic or self.session.post_text.split("\n", 1)[0]
            template = self.compose_pane.template_name or self.drafter.settings.template
            return Draft.new(title, source, template, text=self.session.post_text, id=store.new_id(title))
        except DrafterError as exc:
            self.notify(str(exc), title="Save failed", severity="error")
            return None

    @work(exclusive=True, group="save", exit_on_error=False)
    async def write_draft(self, draft: "Draft") -> None:
        store = self.drafter.store
        try:
            saved = await asyncio.to_thread(store.save, draft)
        except Exception as exc:  # noqa: BLE001 - StoreError, and anything else: keep the draft open
            self.notify(f"{exc}. Your draft is still open: fix the problem and save again, or export it "
                        "(command palette: Export).", title="Save failed", severity="error", timeout=15)  # fmt: skip
            return
        try:
            await asyncio.to_thread(store.clear_autosave, saved.id)
        except DrafterError:
            pass
        self.session.mark_saved(saved)
        self.post_changed(sync_editor=False)
        where = store.path_for(saved.id)
        try:
            where = where.relative_to(Path.cwd())
        except ValueError:
            pass
        self.notify(f"Saved “{saved.title}” ({where}).", title="Saved", timeout=4)
        self.status.stop(f"Saved {saved.id}.")

    # -- copy and export -------------------------------------------------------------------
    @when_ready
    def action_copy_post(self) -> None:
        text = self.session.post_text
        if not text.strip():
            self.notify("Nothing to copy yet: generate a draft first (ctrl+g).", severity="warning")
            return
        self.app.copy_to_clipboard(text)
        self.copy_to_system(text)

    @work(exclusive=True, group="copy", exit_on_error=False)
    async def copy_to_system(self, text: str) -> None:
        problem = await asyncio.to_thread(_clipboard_copy, text)
        size = f"{len(text):,} chars"
        if problem is None:
            self.notify(f"Copied the post ({size}) to the system clipboard and the terminal (OSC 52).",
                        title="Copied", timeout=4)  # fmt: skip
        else:
            self.notify(f"Sent the post ({size}) to the terminal clipboard (OSC 52); the system clipboard "
                        f"is not available ({problem}). If pasting fails, export it to a file (e in Preview).",
                        title="Copied to the terminal", severity="warning", timeout=10)  # fmt: skip

    @when_ready
    def action_export_post(self) -> None:
        text = self.session.post_text
        if not text.strip():
            self.notify("Nothing to export yet.", severity="warning")
            return
        from .modals import ExportModal

        name = self.session.draft.id if self.session.draft else "post"
        default = self.drafter.workspace.root / "exports" / f"{name}.txt"  # as the drafts library does

        def chosen(path: str | None) -> None:
            if path:
                self.export_to(Path(path).expanduser(), self.session.post_text)

        self.app.push_screen(ExportModal(str(default)), chosen)

    @work(exclusive=True, group="export", exit_on_error=False)
    async def export_to(self, path: Path, text: str) -> None:
        from ...atomic import write_atomic

        def write() -> None:
            write_atomic(path, text.rstrip("\n") + "\n")

        try:
            await asyncio.to_thread(write)
        except OSError as exc:
            self.notify(f"cannot write {path}: {exc.strerror or exc}", title="Export failed", severity="error")
            return
        self.notify(f"Wrote the post to {path}.", title="Exported", timeout=5)

    # -- lint (debounced) -------------------------------------------------------------------
    def run_lint(self) -> None:
        session = self.session
        text = session.post_text
        if not text.strip():
            self.preview.set_lint(None)
            return
        try:
            if session.job is not None and session.parts is not None and session.text_override is None:
                report = self.drafter.lint(session.job, session.parts, text)
            else:
                from ...lint import lint

                spec = session.job.spec if session.job is not None else None
                source = session.job.source.text if session.job is not None else None
                report = lint(text, spec=spec, source_text=source or None, settings=self.drafter.settings.lint)
        except ImportError:
            self.preview.set_lint(None, "(the linter is not available in this build)")
            return
        except DrafterError as exc:
            self.preview.set_lint(None, f"lint: {exc}")
            return
        self.preview.set_lint(report)

"""The drafts library: a filterable table of saved drafts; open, duplicate, rename, delete, export.

The list loads in a worker (``Store.list()`` reads a cached index), so the screen shows at
once; the table (:mod:`..widgets.library_table`) filters (title, template, id, source and post
text) and pages over the rows; the preview under it shows the highlighted draft's post.
Files the store cannot read are reported as a warning line and a notification, never a crash.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from ...common.errors import DrafterError, StoreError
from ..widgets.library_preview import LibraryPreview
from ..widgets.library_table import LibraryRow, LibraryTable, build_rows, filter_rows
from ..widgets.problems import show_problems
from .modals import EXPORT_FORMATS, ConfirmModal, ExportFormat, ExportModal, TextPrompt

if TYPE_CHECKING:
    from ...service.drafting import Drafter
    from ...storage.store import DraftSummary

EXPORTS_DIR = "exports"
"""Default export folder, beside drafts/ in the workspace."""


def short_problem(problem: str, folder: Path) -> str:
    """A store problem line with the drafts folder left out: ``name.json: what is wrong``."""
    prefix = f"{folder}{os.sep}"
    return problem[len(prefix):] if problem.startswith(prefix) else problem


class DraftsScreen(Screen[str | None]):
    """Saved drafts, newest first. Dismisses with the id of the draft to open, or None."""

    DEFAULT_CSS = """
    DraftsScreen {
        layout: vertical;
        background: $background;
    }
    DraftsScreen #library-title {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text;
        text-style: bold;
    }
    DraftsScreen #library-filter {
        margin: 0 1;
        background: $boost;
    }
    DraftsScreen #library-status {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    DraftsScreen #library-problems {
        height: auto;
        max-height: 4;
        padding: 0 1;
        color: $warning;
        display: none;
    }
    DraftsScreen #library-problems.-shown {
        display: block;
    }
    DraftsScreen LibraryTable {
        width: 100%;  /* the columns are fitted to the screen's width (a scrollbar included) */
        height: 1fr;
    }
    """

    AUTO_FOCUS = "#library-table"
    BINDINGS = [
        Binding("enter", "open", "Open", priority=True),
        Binding("escape,down", "to_table", "List"),
        Binding("slash", "focus_filter", "Search"),
        Binding("d", "duplicate", "Duplicate"),
        Binding("r", "rename", "Rename"),
        Binding("x,delete", "delete", "Delete"),
        Binding("e", "export", "Export"),
        Binding("escape", "close", "Close", show=False),  # as on every screen; F1 lists it (80 columns: room for f1)
    ]
    _ROW_ACTIONS = frozenset({"duplicate", "rename", "delete", "export"})

    def __init__(self, drafter: "Drafter | None" = None, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self._drafter = drafter
        self._rows: list[LibraryRow] = []
        self._by_id: dict[str, LibraryRow] = {}
        self._problems: list[str] = []
        self._had_rows = False
        self._texts: dict[str, str] | None = None
        """Draft id -> post text, from the last listing."""
        self.loaded = False
        """True once the first listing is in the table (tests and the bench wait on it)."""
        self.searchable = False
        """True once the rows carry their post texts (the search covers them, the preview shows them)."""

    @property
    def drafter(self) -> "Drafter":
        return self._drafter if self._drafter is not None else self.app.drafter  # type: ignore[attr-defined]

    def _say(self, message: str, **kwargs: object) -> None:
        """A notification; never markup (titles, names and paths may hold "[")."""
        self.notify(message, markup=False, **kwargs)  # type: ignore[arg-type]

    # ---- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("Drafts", id="library-title")
        yield Input(placeholder="/ search titles, post text, sources, templates", id="library-filter", compact=True)
        yield Static("Loading drafts…", id="library-status")
        yield Static("", id="library-problems")
        yield LibraryTable(id="library-table")
        yield LibraryPreview(id="library-preview")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._fit(self.size.width, self.size.height)
        self.load()

    def on_resize(self) -> None:
        if self.is_mounted:
            self._fit(self.size.width, self.size.height)

    def _fit(self, width: int, height: int) -> None:
        """Columns for the width; the preview takes about a third of the height (6 to 14 rows)."""
        self._table.fit_width(width)
        self.query_one(LibraryPreview).styles.height = max(6, min(14, height // 3))

    @property
    def _table(self) -> LibraryTable:
        return self.query_one(LibraryTable)

    @property
    def _filter(self) -> Input:
        return self.query_one("#library-filter", Input)

    # ---- loading ---------------------------------------------------------------------

    @work(exclusive=True, group="drafts-load", exit_on_error=False)
    async def load(self, select: str | None = None) -> None:
        """List the drafts folder off the event loop, fill the table, then fetch the post texts
        (the search and the preview need them; the table does not wait for them)."""
        store, known = self.drafter.store, self._texts
        try:
            def read() -> tuple[list["DraftSummary"], list[LibraryRow], list[str]]:
                summaries, problems = store.list()
                return summaries, build_rows(summaries, known), problems  # texts we had: no flicker

            summaries, rows, problems = await asyncio.to_thread(read)
        except Exception as exc:  # noqa: BLE001 - the screen stays usable (escape closes it)
            self.query_one("#library-status", Static).update(Text(f"Cannot list the drafts: {exc}"))
            self._say(str(exc), title="Drafts library", severity="error")
            self.loaded = self.searchable = True
            return
        self._set_rows(rows)
        self.searchable = False
        self._show_problems(problems)
        self._apply_filter(self._filter.value, select=select)
        self.loaded = True
        painted = asyncio.Event()  # the table shows before the texts are fetched (they hold the GIL a while)
        self.call_after_refresh(painted.set)
        await painted.wait()
        try:
            texts = await asyncio.to_thread(store.texts, summaries)
            rows = await asyncio.to_thread(build_rows, summaries, texts)
        except Exception as exc:  # noqa: BLE001 - titles still list and filter
            self._say(f"The post texts could not be read: {exc}", title="Drafts library", severity="warning")
            self.searchable = True
            return
        self._texts = texts
        self._set_rows(rows)
        self.searchable = True
        self._apply_filter(self._filter.value)

    def _set_rows(self, rows: list[LibraryRow]) -> None:
        self._rows = rows
        self._by_id = {r.id: r for r in rows}

    def _show_problems(self, problems: list[str]) -> None:
        folder = self.drafter.store.folder
        short = [short_problem(p, folder) for p in problems]
        count = f"{len(short)} file{'s' if len(short) != 1 else ''} in drafts/ skipped"
        show_problems(self.query_one("#library-problems", Static), count, short)
        if short and short != self._problems:
            self._say(f"{count}: {short[0]}" + (" …" if len(short) > 1 else ""),
                        title="Some drafts could not be read", severity="warning", timeout=8)
        self._problems = short

    # ---- filtering -------------------------------------------------------------------

    @on(Input.Changed, "#library-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self.loaded:
            self._apply_filter(event.value)

    def _apply_filter(self, query: str, select: str | None = None) -> None:
        table = self._table
        matches = filter_rows(self._rows, query)
        table.show(matches, select or table.selected_id)
        if bool(matches) != self._had_rows:  # row actions enable/disable: the footer changes
            self._had_rows = bool(matches)
            self.refresh_bindings()
        self._update_status(query, len(matches))
        self._show_preview()

    @on(DataTable.RowHighlighted, "#library-table")
    def _row_highlighted(self) -> None:
        self._show_preview()

    def _show_preview(self) -> None:
        empty = "No draft matches the filter." if self._rows else ""
        self.query_one(LibraryPreview).show(self._selected_row(), self._filter.value, empty=empty)

    def _update_status(self, query: str, matched: int) -> None:
        total = len(self._rows)
        if total == 0:
            text = f"No drafts yet in {self.drafter.store.folder}."
        elif not query.strip():
            text = f"{total:,} draft{'s' if total != 1 else ''}, newest first"
        else:
            text = f"{matched:,} of {total:,} match {query.strip()!r}"
            if not self.searchable:
                text += " (titles only: the post texts are loading)"
        self.query_one("#library-status", Static).update(Text(text), layout=False)  # fixed height: repaint only

    # ---- selection -------------------------------------------------------------------

    @property
    def selected_id(self) -> str | None:
        """Id of the highlighted row (None when the table is empty)."""
        return self._table.selected_id

    @property
    def shown_ids(self) -> list[str]:
        """Ids in the table, top to bottom (what a test or the bench checks)."""
        return [r.id for r in self._table.shown]

    def _selected_row(self) -> LibraryRow | None:
        draft_id = self.selected_id
        return self._by_id.get(draft_id) if draft_id else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        filtering = self.focused is not None and self.focused.id == "library-filter"
        if action in self._ROW_ACTIONS:
            if filtering:
                return False  # typed letters go to the filter; act from the table
            return True if self._table.row_count else None
        if action in ("focus_filter", "close"):
            return not filtering
        if action == "to_table":
            return filtering
        if action == "open":
            return True if self._table.row_count else None
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#library-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    # ---- actions ---------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_focus_filter(self) -> None:
        self._filter.focus()

    def action_to_table(self) -> None:
        self._table.focus()

    def action_open(self) -> None:
        draft_id = self.selected_id
        if draft_id is None:
            self._say("No draft to open", severity="warning")
            return
        self.dismiss(draft_id)

    # Every store call below runs in a thread (asyncio.to_thread) inside a worker: the screen
    # keeps painting and taking keys while a slow disk answers. Errors become notifications.

    def action_duplicate(self) -> None:
        row = self._selected_row()
        if row is not None:
            self.duplicate(row.id)

    @work(exclusive=True, group="drafts-write", exit_on_error=False)
    async def duplicate(self, draft_id: str) -> None:
        try:
            copy = await asyncio.to_thread(self.drafter.store.duplicate, draft_id)
        except DrafterError as exc:
            self._say(str(exc), title="Duplicate failed", severity="error")
            return
        self._say(f"Duplicated as {copy.title!r}")
        self.load(select=copy.id)

    def action_rename(self) -> None:
        row = self._selected_row()
        if row is None:
            return

        def done(title: str | None) -> None:
            if title is not None and title != row.title:
                self.rename(row.id, title or None)

        self.app.push_screen(TextPrompt("Rename draft", row.title, placeholder="New title (empty: follow the hook)",
                                        action="Rename", allow_empty=True,
                                        hint="Leave it empty to title the draft by its hook again."), done)  # fmt: skip

    @work(exclusive=True, group="drafts-write", exit_on_error=False)
    async def rename(self, draft_id: str, title: str | None) -> None:
        """Name the draft ``title``; None: its title follows the hook again."""
        try:
            saved = await asyncio.to_thread(self.drafter.store.rename, draft_id, title)
        except DrafterError as exc:
            self._say(str(exc), title="Rename failed", severity="error")
            return
        self._say(f"Renamed to {saved.title!r}" if title is not None else f"Titled by its hook: {saved.title!r}")
        self.load(select=draft_id)

    def action_delete(self) -> None:
        row = self._selected_row()
        if row is None:
            return

        def done(yes: bool | None) -> None:
            if yes:
                index = self._table.cursor_row
                neighbours = [r.id for r in self._table.shown if r.id != row.id]
                after = neighbours[min(index, len(neighbours) - 1)] if neighbours else None
                self.delete(row.id, row.title, select=after)

        message = f"{row.title}\n{row.id}.json will be removed from the drafts folder."
        self.app.push_screen(ConfirmModal(message, "Delete", "Cancel", title="Delete this draft?", danger=True), done)

    @work(exclusive=True, group="drafts-write", exit_on_error=False)
    async def delete(self, draft_id: str, title: str, *, select: str | None = None) -> None:
        try:
            await asyncio.to_thread(self.drafter.store.delete, draft_id)
        except DrafterError as exc:
            self._say(str(exc), title="Delete failed", severity="error")
            return
        self._say(f"Deleted {title!r}")
        self.load(select=select)

    def action_export(self) -> None:
        row = self._selected_row()
        if row is None:
            return
        root = self.drafter.workspace.root
        modal = ExportModal(root / EXPORTS_DIR / f"{row.id}.txt", title=f"Export {row.title!r}",
                            formats=EXPORT_FORMATS, base=root)

        def done(path: Path | None) -> None:
            if path is not None:
                self.export(row.id, modal.fmt, path)

        self.app.push_screen(modal, done)

    @work(exclusive=True, group="drafts-export", exit_on_error=False)
    async def export(self, draft_id: str, fmt: ExportFormat, path: Path) -> Path | None:
        """Write one draft as txt/md/json to ``path``; errors become a notification."""
        from ...common.atomic import write_or_raise
        from ...models.draft import export_text

        def write() -> None:
            write_or_raise(path, export_text(self.drafter.store.load(draft_id), fmt), StoreError)

        try:
            await asyncio.to_thread(write)
        except DrafterError as exc:
            self._say(str(exc), title="Export failed", severity="error")
            return None
        self._say(f"Exported to {path}", title="Export")
        return path

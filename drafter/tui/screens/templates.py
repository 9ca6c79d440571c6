"""The templates screen: list built-in and user templates, view, duplicate, edit, set the default.

Built-in templates are read-only: editing one offers to duplicate it into the workspace's
``prompts/`` first. A user template is edited in place in a TextArea; saving validates the
text (``TemplateLibrary.save_text`` writes nothing unless it parses) and an error is shown
under the editor with its line number, with the cursor moved to that line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TextArea

from ...common.errors import DrafterError
from ..widgets.library_table import highlighted_key
from ..widgets.problems import show_problems
from ..widgets.template_editor import TemplateEditor, locate_error
from .modals import ConfirmModal, TextPrompt

if TYPE_CHECKING:
    from ...service.drafting import Drafter
    from ...templates import TemplateInfo, TemplateLibrary

__all__ = ["TemplatesScreen", "locate_error"]
_STICKY = ("environment", "flags")
"""Setting origins that override drafter.toml when drafter starts."""
_ORIGIN_WIDTH = 14


class TemplatesScreen(Screen[str | None]):
    """Templates, with the highlighted one's TOML below the list.

    Dismisses with the name made the default during this visit (None if it did not change).
    """

    DEFAULT_CSS = """
    TemplatesScreen {
        layout: vertical;
        background: $background;
    }
    TemplatesScreen #templates-title {
        height: 1;
        padding: 0 1;
        background: $panel;
        text-style: bold;
    }
    TemplatesScreen #templates-problems {
        height: auto;
        max-height: 4;
        padding: 0 1;
        color: $warning;
        display: none;
    }
    TemplatesScreen #templates-problems.-shown {
        display: block;
    }
    TemplatesScreen #templates-table {
        height: auto;
        max-height: 40%;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("escape", "cancel_edit", "Cancel edit"),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("enter,v", "view", "View"),
        Binding("e", "edit", "Edit"),
        Binding("d", "duplicate", "Duplicate"),
        Binding("s", "set_default", "Set default"),
    ]
    _LIST_ACTIONS = frozenset({"view", "edit", "duplicate", "set_default"})

    def __init__(self, drafter: "Drafter | None" = None, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self._drafter = drafter
        self._infos: dict[str, "TemplateInfo"] = {}
        self._shown: str | None = None
        self.editing: str | None = None
        """Name of the user template open for editing, or None."""
        self._width = 0
        self.new_default: str | None = None
        """The template made the default while the screen was open."""

    @property
    def drafter(self) -> "Drafter":
        return self._drafter if self._drafter is not None else self.app.drafter  # type: ignore[attr-defined]

    def _say(self, message: str, **kwargs: object) -> None:
        """A notification; never markup (titles, names and paths may hold "[")."""
        self.notify(message, markup=False, **kwargs)  # type: ignore[arg-type]

    @property
    def library(self) -> "TemplateLibrary":
        return self.drafter.templates

    # ---- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("Templates", id="templates-title")
        yield Static("", id="templates-problems")
        table: DataTable[str | Text] = DataTable(id="templates-table", cursor_type="row")
        yield table
        yield TemplateEditor(id="templates-editor")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._width = self.size.width
        self.reload(select=self.drafter.settings.template)
        self._table.focus()

    def on_resize(self) -> None:
        if self.is_mounted and self.size.width != self._width:
            self._width = self.size.width
            self.reload()

    @property
    def _table(self) -> DataTable[str | Text]:
        return self.query_one("#templates-table", DataTable)

    @property
    def _editor(self) -> TemplateEditor:
        return self.query_one(TemplateEditor)

    @property
    def _view(self) -> TextArea:
        return self._editor.view

    def reload(self, select: str | None = None) -> None:
        """Re-read the library (cheap: a handful of small files) and refill the table."""
        infos, problems = self.library.list()
        self._infos = {i.name: i for i in infos}
        default = self.drafter.settings.template
        table = self._table
        keep = select or self.selected_name
        table.clear(columns=True)
        name_width = min(max((len(i.name) for i in infos), default=8) + 2, 30)
        described = max(10, (self._width or 80) - name_width - _ORIGIN_WIDTH - 3 * 2 - 2)
        table.add_column("Name", key="name", width=name_width)
        table.add_column("Origin", key="origin", width=_ORIGIN_WIDTH)
        table.add_column("Description", key="description", width=described)
        for info in infos:
            origin = "user, replaces" if info.overrides_builtin else info.origin
            mark = Text("★ ", style="bold") if info.name == default else Text("  ")
            description = Text(info.description, no_wrap=True, overflow="ellipsis")
            description.truncate(described, overflow="ellipsis")
            table.add_row(mark + Text(info.name), origin, description, key=info.name)
        if keep in self._infos:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        self._show_problems(problems)
        self._update_title()
        self._show(self.selected_name)

    def _update_title(self) -> None:
        default = self.drafter.settings.template
        users = sum(1 for i in self._infos.values() if i.origin == "user")
        text = f"Templates · {len(self._infos) - users} built-in, {users} yours · default: {default}"
        self.query_one("#templates-title", Static).update(Text(text))

    def _show_problems(self, problems: list[str]) -> None:
        count = f"{len(problems)} template file{'s' if len(problems) != 1 else ''} skipped"
        show_problems(self.query_one("#templates-problems", Static), count, problems)
        if not problems:
            return
        self._say(f"{count}: {problems[0]}", title="Some templates could not be read", severity="warning",
                    timeout=8)

    # ---- viewing ---------------------------------------------------------------------

    @property
    def selected_name(self) -> str | None:
        return highlighted_key(self._table)

    @on(DataTable.RowHighlighted, "#templates-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.editing is None and event.row_key.value is not None:
            self._show(event.row_key.value)

    @on(DataTable.RowSelected, "#templates-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_view()

    def _show(self, name: str | None) -> None:
        """Put template ``name``'s TOML, read-only, in the viewer."""
        if self.editing is not None:
            return
        self._shown = name
        if name is None or name not in self._infos:
            self._editor.show("", "No template selected")
            return
        info = self._infos[name]
        try:
            text = self.library.read_text(name)
        except DrafterError as exc:
            text = ""
            self._say(str(exc), severity="error")
        hint = "read-only: d duplicates it" if info.origin == "built-in" else "e edits it"
        self._editor.show(text, f"{name}.toml · {info.origin} · {hint}")

    def action_view(self) -> None:
        if self.editing is None and self.selected_name is not None:
            self._show(self.selected_name)
            self._view.focus()

    # ---- editing ---------------------------------------------------------------------

    def action_edit(self) -> None:
        name = self.selected_name if self.focused is not self._view or self._shown is None else self._shown
        if self.editing is not None or name is None:
            return
        info = self._infos[name]
        if info.origin == "built-in":
            def answer(yes: bool | None) -> None:
                if yes:
                    self.action_duplicate(then_edit=True)

            self.app.push_screen(ConfirmModal(
                "Built-in templates cannot be edited in place. Duplicate it into your prompts/ folder "
                "and edit the copy?", "Duplicate", "Cancel", title=f"'{name}' is a built-in template"), answer)  # fmt: skip
            return
        self.start_editing(name)

    def start_editing(self, name: str) -> None:
        """Open user template ``name`` for editing (its text re-read from disk)."""
        self._show(name)
        self.editing = name
        self._table.disabled = True
        self._editor.begin_edit(f"Editing {name}.toml · ctrl+s saves (checked first) · escape cancels")
        self.refresh_bindings()

    def _stop_editing(self, select: str | None = None) -> None:
        self.editing = None
        self._editor.end_edit()
        self._table.disabled = False
        self._table.focus()
        self.reload(select=select)
        self.refresh_bindings()

    def action_save(self) -> None:
        """Validate and write the edited template; on an error nothing is written."""
        name = self.editing
        if name is None:
            return
        try:
            self.library.save_text(name, self._editor.text)
        except DrafterError as exc:
            self._editor.show_save_error(str(exc))
            return
        self._say(f"Saved {name}.toml")
        self._stop_editing(select=name)

    def action_cancel_edit(self) -> None:
        name = self.editing
        if name is None:
            return
        if not self._editor.changed:
            self._stop_editing(select=name)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._stop_editing(select=name)

        self.app.push_screen(ConfirmModal("The file on disk stays as it was.", "Discard", "Keep editing",
                                          title=f"Discard your changes to {name}?", danger=True), answer)

    # ---- duplicate / default ---------------------------------------------------------

    def _check_new_name(self, value: str) -> str | None:
        from ...templates import check_name

        try:
            check_name(value)
        except DrafterError as exc:
            return str(exc)
        if value in self._infos:
            return f"a template named {value!r} exists; choose another name"
        return None

    def action_duplicate(self, then_edit: bool = False) -> None:
        source = self.selected_name
        if source is None or self.editing is not None:
            return
        suggestion = next(n for n in (f"{source}-mine", *(f"{source}-{i}" for i in range(2, 1000)))
                          if n not in self._infos)

        def done(new: str | None) -> None:
            if new is None:
                return
            try:
                path = self.library.new(new, source)
            except DrafterError as exc:
                self._say(str(exc), title="Duplicate failed", severity="error")
                return
            self._say(f"Created {path.name} from {source}")
            self.reload(select=new)
            if then_edit:
                self.start_editing(new)

        self.app.push_screen(TextPrompt(f"Duplicate '{source}' as a user template named", suggestion,
                                        action="Duplicate", check=self._check_new_name), done)

    def action_set_default(self) -> None:
        from ...settings.edit import set_default_template

        name = self.selected_name
        if name is None or self.editing is not None:
            return
        self.drafter.settings.template = name
        self.new_default = name
        try:
            path = set_default_template(self.drafter.workspace, name)
        except DrafterError as exc:
            self._say(f"{name} is the default for this session only: {exc}", severity="warning")
        else:
            sticky = self.drafter.origins.get("template", "")
            note = f" ({sticky} still wins at start-up)" if sticky in _STICKY else ""
            self._say(f"Default template: {name} (saved in {path.name}){note}")
        self.reload(select=name)

    # ---- bindings --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        if action in ("save", "cancel_edit"):
            return self.editing is not None
        if action == "close":
            return self.editing is None
        if action in self._LIST_ACTIONS:
            if self.editing is not None:
                return False
            return True if self._table.row_count else None
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_close(self) -> None:
        if self.editing is not None:
            return
        if self.focused is self._view:
            self._table.focus()
            return
        self.dismiss(self.new_default)

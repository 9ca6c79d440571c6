"""Small modal dialogs shared by the drafts library and the templates screen.

Each dialog carries its own styles (``DEFAULT_CSS``) and dismisses with a value the
caller handles; none of them touches the store or the template library itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

ExportFormat = Literal["txt", "md", "json"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("txt", "md", "json")

_MODAL_CSS = """
{name} {{
    align: center middle;
    background: $background 60%;
}}
{name} > Vertical {{
    width: 64;
    max-width: 95%;
    height: auto;
    max-height: 90%;
    padding: 1 2;
    border: thick $primary;
    background: $surface;
}}
{name} .modal-title {{
    text-style: bold;
    width: 1fr;
    margin-bottom: 1;
}}
{name} .modal-error {{
    color: $error;
    height: auto;
}}
{name} .modal-buttons {{
    height: auto;
    margin-top: 1;
    align-horizontal: right;
}}
{name} .modal-buttons Button {{
    margin-left: 1;
    min-width: 10;
}}
"""


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text. ``check`` returns an error to show (the dialog stays open)."""

    DEFAULT_CSS = _MODAL_CSS.format(name="TextPrompt")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", *, placeholder: str = "", action: str = "OK",
                 check: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._placeholder = placeholder
        self._action = action
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title), classes="modal-title")
            yield Input(self._value, placeholder=self._placeholder, id="prompt-input", select_on_focus=True)
            yield Static("", id="prompt-error", classes="modal-error")
            with Horizontal(classes="modal-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self._action, id="ok", variant="primary")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        value = self.query_one("#prompt-input", Input).value.strip()
        problem = "type something first" if not value else (self._check(value) if self._check else None)
        if problem:
            self.query_one("#prompt-error", Static).update(Text(problem))
            return
        self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmModal(ModalScreen[bool]):
    """Yes or no. The safe answer (``no_label``) has the focus; ``y`` confirms, escape/``n`` cancel."""

    DEFAULT_CSS = _MODAL_CSS.format(name="ConfirmModal")
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, message: str = "", *, yes_label: str = "Yes", no_label: str = "Cancel",
                 danger: bool = False) -> None:
        super().__init__()
        self._title = title
        self._message = message
        self._yes = yes_label
        self._no = no_label
        self._danger = danger

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title), classes="modal-title")
            if self._message:
                yield Static(Text(self._message), id="confirm-message")
            with Horizontal(classes="modal-buttons"):
                yield Button(self._no, id="no")
                yield Button(self._yes, id="yes", variant="error" if self._danger else "primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ExportModal(ModalScreen[tuple[ExportFormat, str] | None]):
    """Pick txt / md / json and a path. Dismisses with ``(format, path text)`` or None.

    The path's extension follows the format until the user edits the path. A path that
    already exists needs a second confirmation (the dialog says so).
    """

    DEFAULT_CSS = _MODAL_CSS.format(name="ExportModal") + """
    ExportModal RadioSet { layout: horizontal; width: 1fr; height: auto; margin-bottom: 1; }
    ExportModal RadioButton { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, default_stem: Path, *, base: Path | None = None,
                 fmt: ExportFormat = "txt") -> None:
        super().__init__()
        self._title = title
        self._stem = default_stem
        self._base = base
        self._fmt: ExportFormat = fmt
        self._auto_path = True
        self._confirm_overwrite: str | None = None

    def _default_path(self) -> str:
        return str(self._stem.with_name(f"{self._stem.name}.{self._fmt}"))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title), classes="modal-title")
            with RadioSet(id="export-format"):
                for fmt in EXPORT_FORMATS:
                    yield RadioButton(fmt, value=fmt == self._fmt, id=f"fmt-{fmt}")
            yield Label("Write to:")
            yield Input(self._default_path(), id="export-path")
            yield Static("", id="export-error", classes="modal-error")
            with Horizontal(classes="modal-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Export", id="export", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(RadioSet.Changed)
    def _format_changed(self, event: RadioSet.Changed) -> None:
        self._fmt = EXPORT_FORMATS[event.index]
        if self._auto_path:
            path_input = self.query_one("#export-path", Input)
            with path_input.prevent(Input.Changed):
                path_input.value = self._default_path()
        self._confirm_overwrite = None
        self.query_one("#export-error", Static).update("")

    @on(Input.Changed, "#export-path")
    def _path_edited(self, event: Input.Changed) -> None:
        self._auto_path = event.value == self._default_path()
        self._confirm_overwrite = None
        self.query_one("#export-error", Static).update("")

    def resolve(self, text: str) -> Path:
        path = Path(text).expanduser()
        if not path.is_absolute() and self._base is not None:
            path = self._base / path
        return path

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export")
    def _submit(self) -> None:
        text = self.query_one("#export-path", Input).value.strip()
        error = self.query_one("#export-error", Static)
        if not text:
            error.update("type a file path")
            return
        path = self.resolve(text)
        if path.is_dir():
            error.update(Text(f"{path} is a folder: add a file name"))
            return
        if path.exists() and self._confirm_overwrite != text:
            self._confirm_overwrite = text
            error.update(Text(f"{path.name} exists: press Export again to overwrite it"))
            return
        self.dismiss((self._fmt, text))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

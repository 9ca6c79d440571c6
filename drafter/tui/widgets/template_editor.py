"""A template's TOML: shown read-only, or edited, with a save error shown under it.

The editor knows nothing about the template library: the screen loads text into it and
hands it the error a failed save raised; :func:`locate_error` reads the line (and column)
out of that message so the cursor can go there.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, TextArea

_WHERE = re.compile(r"^(?:.*?: )?line (?P<line>\d+)(?:(?:, |: )column (?P<col>\d+))?: (?P<msg>.*)$")
_PLACEHOLDER = re.compile(r"\{\w+\}")


def locate_error(message: str) -> tuple[int | None, int | None, str]:
    """``(line, column, message)`` from a TemplateError: "<file>: line 7, column 3: what".

    Line and column are 1-based, None when the message has none; the file name is dropped.
    """
    m = _WHERE.match(message)
    if m is None:
        _head, sep, rest = message.partition(".toml: ")
        return None, None, rest if sep else message
    col = int(m["col"]) if m["col"] else None
    return int(m["line"]), col, m["msg"]


class TemplateEditor(Vertical):
    """A mode line, the TOML in a TextArea (TOML highlighting when available), an error line."""

    DEFAULT_CSS = """
    TemplateEditor {
        height: 1fr;
    }
    TemplateEditor #templates-mode {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    TemplateEditor.-editing #templates-mode {
        background: $accent 40%;
        color: $text;
        text-style: bold;
    }
    TemplateEditor #templates-view {
        height: 1fr;
        border: none;
        padding: 0;
    }
    TemplateEditor #templates-error {
        height: auto;
        max-height: 3;
        padding: 0 1;
        background: $error 25%;
        color: $text;
        display: none;
    }
    TemplateEditor #templates-error.-shown {
        display: block;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.original = ""
        """The text as loaded (to tell whether an edit changed anything)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="templates-mode")
        view = TextArea("", id="templates-view", read_only=True, show_line_numbers=True, soft_wrap=True)
        if "toml" in view.available_languages:
            view.language = "toml"  # highlighted only when tree-sitter is installed (textual[syntax])
        yield view
        yield Static("", id="templates-error")

    @property
    def view(self) -> TextArea:
        return self.query_one("#templates-view", TextArea)

    @property
    def text(self) -> str:
        return self.view.text

    @property
    def changed(self) -> bool:
        return self.view.text != self.original

    def show(self, text: str, mode: str) -> None:
        """Read-only ``text`` with ``mode`` on the line above it."""
        self.remove_class("-editing")
        self.set_error(None)
        self.original = text
        view = self.view
        view.read_only = True
        view.load_text(text)
        self.query_one("#templates-mode", Static).update(Text(mode))

    def begin_edit(self, mode: str) -> None:
        """Make the shown text editable and focus it."""
        self.add_class("-editing")
        self.query_one("#templates-mode", Static).update(Text(mode))
        view = self.view
        view.read_only = False
        view.focus()

    def end_edit(self) -> None:
        self.remove_class("-editing")
        self.view.read_only = True
        self.set_error(None)

    def set_error(self, message: str | None) -> None:
        label = self.query_one("#templates-error", Static)
        label.set_class(bool(message), "-shown")
        label.update(Text(message or ""))

    def show_save_error(self, message: str) -> int | None:
        """Show why a save failed ("Not saved. line 7: …") and put the cursor on that line.

        Returns the 1-based line, or None when the message names none.
        """
        line, col, what = locate_error(message)
        where = f"line {line}" + (f", column {col}" if col else "") + ": " if line else ""
        self.set_error(f"Not saved. {where}{what}")
        view = self.view
        if line is not None:
            row = min(max(line - 1, 0), view.document.line_count - 1)
            text = view.document.get_line(row)
            placeholder = _PLACEHOLDER.search(what)
            if col is None and placeholder and placeholder[0] in text:
                col = text.index(placeholder[0]) + 1
            view.move_cursor((row, min(max((col or 1) - 1, 0), len(text))))
            # the error line just shrank the editor: centre once the layout has settled
            self.call_after_refresh(view.scroll_cursor_visible, center=True, animate=False)
        view.focus()
        return line

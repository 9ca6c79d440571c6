"""A multi-line text box with ctrl+home / ctrl+end (start / end of the text), as editors have."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import TextArea


class TextBox(TextArea):
    BINDINGS = [Binding("ctrl+home", "go('start')", "Start", show=False),
                Binding("ctrl+end", "go('end')", "End", show=False)]  # fmt: skip

    def action_go(self, where: str) -> None:
        self.move_cursor((0, 0) if where == "start" else self.document.end)

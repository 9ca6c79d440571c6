"""What every dialog of the app shares: its frame, its keys and its buttons.

One rule for all of them, so a user learns it once:

- buttons sit bottom right, the way out first and the action last: ``[Cancel] [Export]``;
- enter presses the focused button (Tab moves between them); escape cancels (dismisses None);
- a dialog that asks a question focuses the answer that loses nothing (see :class:`ConfirmModal`).

The styles live here (``DEFAULT_CSS``), so a dialog looks the same on any screen.
"""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button

T = TypeVar("T")

DIALOG_KEYS: list[tuple[str, str]] = [
    ("enter", "press the focused button (in a text field: the dialog's action)"),
    ("tab / shift+tab", "next / previous field or button"),
    ("escape", "cancel: close the dialog, nothing changes"),
]
"""The keys every dialog has (F1 lists them; a dialog's own keys come from its BINDINGS)."""


class Dialog(ModalScreen[T]):
    """A modal dialog: escape cancels (dismisses None)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close the dialog; nothing changes")]
    DEFAULT_CLASSES = "modal"
    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        background: $background 60%;
    }
    Dialog .dialog {
        width: 72;
        max-width: 96%;
        height: auto;
        max-height: 92%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    Dialog .dialog.wide {
        width: 100;
    }
    Dialog .dialog.tall {
        height: 92%;
    }
    Dialog .dialog-title {
        text-style: bold;
        width: 1fr;
        margin-bottom: 1;
    }
    Dialog .dialog-body {
        width: 1fr;
        margin-bottom: 1;
    }
    Dialog .dialog-error {
        width: 1fr;
        height: auto;
        color: $text-error;
    }
    Dialog .dialog-buttons {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    Dialog .dialog-buttons Button {
        margin-left: 1;
        min-width: 10;
    }
    Dialog .hint {
        width: 1fr;
        color: $text-muted;
    }
    """

    def action_cancel(self) -> None:
        self.dismiss(None)


def button_row(action: str, action_id: str, *, way_out: str = "Cancel", way_out_id: str = "cancel",
               variant: str = "primary") -> Horizontal:
    """The buttons of a dialog, in the app's one order: the way out, then the action."""
    return Horizontal(
        Button(way_out, id=way_out_id),
        Button(action, id=action_id, variant=variant),  # type: ignore[arg-type]
        classes="dialog-buttons",
    )

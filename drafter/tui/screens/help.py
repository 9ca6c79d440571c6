"""The help screen (F1 or ?): every key, grouped, and how the app works in five lines."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

KEYS: list[tuple[str, str, str]] = [
    ("Anywhere", "ctrl+g", "Generate a draft from the source"),
    ("Anywhere", "escape", "Cancel the running request"),
    ("Anywhere", "ctrl+r", "Regenerate one part (with an optional instruction)"),
    ("Anywhere", "f5", "Hook variants: pick one of five hooks"),
    ("Anywhere", "ctrl+o", "Open a file or URL as the source"),
    ("Anywhere", "ctrl+s", "Save the draft"),
    ("Anywhere", "f8", "Copy the post (system clipboard and terminal)"),
    ("Anywhere", "ctrl+l", "Drafts library: reopen a saved draft"),
    ("Anywhere", "ctrl+t", "Templates"),
    ("Anywhere", "ctrl+n", "New draft"),
    ("Anywhere", "f2 / f3 / f4", "Show Compose / Editor / Preview"),
    ("Anywhere", "ctrl+z / ctrl+y", "Undo / redo part edits (in a text box: its own undo/redo)"),
    ("Anywhere", "f9", "Dark / light theme"),
    ("Anywhere", "ctrl+p", "Command palette: every action by name"),
    ("Anywhere", "f1 or ?", "This help"),
    ("Anywhere", "ctrl+q", "Quit"),
    ("Takeaways", "enter", "Add a takeaway below"),
    ("Takeaways", "backspace (empty)", "Remove the takeaway"),
    ("Takeaways", "ctrl+↑ / ctrl+↓", "Move the takeaway up / down (alt+↑/↓ too)"),
    ("Preview", "m", "Mobile / desktop fold (140 / 210 chars)"),
    ("Preview", "space or enter", "Expand / fold “…see more”"),
    ("Preview", "c", "Copy the post"),
    ("Preview", "e", "Export the post to a text file"),
    ("Dialogs", "enter / escape", "Confirm / cancel"),
]

INTRO = (
    "1. Compose: type a topic or paste an article (ctrl+o opens a file or URL), pick a template.\n"
    "2. ctrl+g generates; the parts fill in as they arrive (escape cancels).\n"
    "3. Edit any part, or the whole post; ctrl+r rewrites one part, f5 offers hook variants.\n"
    "4. Preview shows the post as LinkedIn will, with the “…see more” fold and the counters.\n"
    "5. ctrl+s saves (autosave keeps a copy meanwhile), f8 copies, ctrl+l reopens drafts."
)


def keys_table() -> Table:
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, expand=True)
    table.add_column("Where", style="dim", no_wrap=True)
    table.add_column("Key", style="bold", no_wrap=True)
    table.add_column("Action")
    for where, key, action in KEYS:
        table.add_row(where, key, action)
    return table


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q,question_mark", "dismiss_help", "Close")]
    DEFAULT_CLASSES = "modal"

    def compose(self):
        with VerticalScroll(classes="dialog wide tall", id="help"):
            yield Label("drafter: keys", classes="dialog-title")
            yield Static(Text(INTRO), classes="dialog-body")
            yield Static(keys_table())
            yield Static("escape, q or f1 closes this help.", classes="hint")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)

"""The help screen (F1 or ?): every key, grouped, and how the app works in five lines.

The keys are the real bindings (:mod:`drafter.tui.keys`), so the help cannot drift from them.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from .dialog import Dialog

INTRO = (
    "1. Compose: type a topic or paste an article (ctrl+o opens a file or URL), pick a template.\n"
    "2. ctrl+g generates; the parts fill in as they arrive (escape cancels).\n"
    "3. Edit any part, or the whole post; ctrl+r rewrites one part, f5 offers hook variants.\n"
    "4. Preview shows the post as LinkedIn will, with the “…see more” fold and the counters.\n"
    "5. f6 switches platform (X, Threads, Bluesky, Mastodon): the post is adapted for it, each post counted\n"
    "   as that platform counts; the Editor (f3) edits that version, ctrl+r adapts it again.\n"
    "6. ctrl+s saves (autosave keeps a copy meanwhile), f8 copies (a thread: post by post), ctrl+l reopens drafts."
)


def keys_table() -> Table:
    """Where, key, action for every binding of the app (cells are plain text, never markup)."""
    from ..keys import rows

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, expand=True)
    table.add_column("Where", style="dim", no_wrap=True)
    table.add_column("Key", style="bold", no_wrap=True)
    table.add_column("Action")
    for row in rows():
        table.add_row(Text(row.section), Text(row.key_text), Text(row.text))
    return table


class HelpScreen(Dialog[None]):
    """Every key (read from the bindings), and how the app works."""

    BINDINGS = [Binding("escape,f1,q,question_mark", "dismiss_help", "Close")]

    def compose(self):
        with VerticalScroll(classes="dialog wide tall", id="help"):
            yield Label("drafter: keys", classes="dialog-title")
            yield Static(Text(INTRO), classes="dialog-body")
            yield Static(keys_table(), id="keys-table")
            yield Static("escape, q or f1 closes this help.", classes="hint")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)

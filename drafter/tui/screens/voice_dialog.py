"""The voice dialog (v in the Preview, or the palette): the examples the draft on screen was
written with (each one's date, score and text, scrollable), or why there are none, and the
profile in a few lines (as ``drafter voice show`` prints it).

Every text here is the user's own (their posts) or built from it: shown as plain text, never
markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from .dialog import Dialog

if TYPE_CHECKING:
    from ...models.voice import Example, Voice, VoiceUse


def profile_table(voice: "Voice", where: str) -> Table:
    """The voice as ``drafter voice show`` prints it (:func:`drafter.models.voice_summary.summary`),
    label and value; cells are plain text, never markup."""
    from ...models.voice_summary import summary

    table = Table(show_header=False, box=None, pad_edge=False, expand=True)
    table.add_column("what", style="dim", no_wrap=True)
    table.add_column("value", ratio=1)
    for label, value in summary(voice, where):
        table.add_row(Text(label), Text(value))
    return table


def example_heading(index: int, example: "Example") -> str:
    """ "2 · 14 Mar 2025 · score 3.1 · 1,204 chars" (a post without a date says so)."""
    when = f"{example.date:%d %b %Y}" if example.date else "no date"
    return f"{index} · {when} · score {example.score:.1f} · {len(example.text):,} chars"


def why_none(use: "VoiceUse | None", *, drafted: bool, offline: bool) -> str:
    """Why the dialog lists no examples."""
    if not drafted:
        return ("No draft yet. Each draft sent to an LLM gets 3–5 of your posts as examples, the ones most like "
                "its article or topic; the offline engine follows the profile only.")  # fmt: skip
    if use is None:
        return "The draft on screen was written without the voice."
    if offline:
        return "No examples were used: the offline engine follows the profile only (below)."
    return "No examples were used for the draft on screen: it follows the profile (below)."


class VoiceModal(Dialog[None]):
    """The examples the draft on screen used, and the voice's profile, in one scrolling dialog
    (as the help is): ↑/↓ scroll it, escape closes it (dismisses None)."""

    DEFAULT_CSS = """
    VoiceModal .example-heading {
        text-style: bold;
        color: $text-secondary;
    }
    VoiceModal .example-text {
        padding-left: 2;
        margin-bottom: 1;
    }
    VoiceModal .voice-heading {
        text-style: bold;
    }
    """

    def __init__(self, voice: "Voice", where: str, use: "VoiceUse | None", *, drafted: bool, on: bool,
                 offline: bool) -> None:
        super().__init__()
        self.voice, self.where, self.use = voice, where, use
        self.drafted, self.on, self.offline = drafted, on, offline

    @property
    def examples(self) -> "list[Example]":
        return list(self.use.examples) if self.use is not None else []

    def compose(self):
        examples = self.examples
        with VerticalScroll(classes="dialog wide tall" if examples else "dialog wide", id="voice-dialog"):
            yield Label(Text(f"Your voice ({self.voice.profile.posts:,} posts)"), classes="dialog-title")
            if not self.on:
                yield Static(Text("The voice is off: the next generation drafts without it (shift+f7 turns it "
                                  "on)."), id="voice-off", classes="dialog-body")  # fmt: skip
            if examples:
                n = len(examples)
                yield Static(Text(f"The draft on screen was written with {n} example{'s' if n != 1 else ''}, "
                                  "your posts most like its source:"), classes="dialog-body")  # fmt: skip
                for i, example in enumerate(examples, start=1):
                    yield Static(Text(example_heading(i, example)), classes="example-heading")
                    yield Static(Text(example.text), classes="example-text")
            else:
                yield Static(Text(why_none(self.use, drafted=self.drafted, offline=self.offline)),
                             id="voice-none", classes="dialog-body")  # fmt: skip
            yield Static("Your profile", classes="voice-heading")
            yield Static(profile_table(self.voice, self.where), id="voice-profile", classes="dialog-body")
            yield Static("↑/↓ scroll · escape closes this.", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#voice-dialog").focus()

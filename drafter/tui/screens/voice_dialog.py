"""The voice dialog (v in the Preview, or the palette): the examples the draft on screen was
written with (each one's date, score and text, scrollable), or why there are none, and the
profile in a few lines.

Every text here is the user's own (their posts) or built from it: shown as plain text, never
markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from .dialog import Dialog

if TYPE_CHECKING:
    from ...models.voice import Example, Profile, Spread, VoiceUse


def _n(value: float) -> str:
    return f"{round(value):,}"


def _range(spread: "Spread") -> str:
    low, high = _n(spread.low), _n(spread.high)
    return low if low == high else f"{low}–{high}"


def profile_lines(profile: "Profile") -> list[str]:
    """The profile as a few lines a person reads (the numbers the prompts and the linter use)."""
    when = ""
    if profile.first_date and profile.last_date:
        first, last = f"{profile.first_date:%b %Y}", f"{profile.last_date:%b %Y}"
        when = f", {first}" if first == last else f", {first} – {last}"
    lines = [
        f"{profile.posts:,} post{'s' if profile.posts != 1 else ''}{when}.",
        f"Length: {_range(profile.chars)} characters (median {_n(profile.chars.median)}), {_range(profile.lines)} "
        f"lines; a hook of about {_n(profile.hook_chars.median)} characters; sentences of about "
        f"{_n(profile.sentence_words.median)} words.",
    ]
    if profile.bullet_marker:
        items = f", usually {profile.takeaways} items" if profile.takeaways else ""
        lines.append(f"Lists in {profile.bullets:.0%} of posts, marked “{profile.bullet_marker}”{items}.")
    else:
        lines.append("No lists.")
    if profile.hashtags.high <= 0:
        tags = "No hashtags"
    else:
        case = {"camel": "CamelCase", "lower": "lower case", "upper": "upper case", "mixed": "mixed case"}
        how = [case[profile.hashtag_case]] if profile.hashtag_case else []
        how += {"end": ["at the end"], "inline": ["inside sentences"]}.get(profile.hashtag_place, [])
        tags = f"Hashtags: {_range(profile.hashtags)} a post" + (f" ({', '.join(how)})" if how else "")
    emoji = "no emoji" if profile.emoji.high <= 0 else f"{_range(profile.emoji)} emoji a post"
    lines.append(f"{tags}; {emoji}.")
    closing = f", often “{profile.closing}…”" if profile.closing else ""
    lines.append(f"Closes with a question in {profile.question_close:.0%} of posts{closing}.")
    if profile.openers:
        lines.append("Opens with: " + ", ".join(f"“{o}”" for o in profile.openers[:5]) + ".")
    if profile.phrases:
        lines.append("Your phrases: " + ", ".join(f"“{p}”" for p in profile.phrases[:6]) + ".")
    return lines


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

    def __init__(self, profile: "Profile", use: "VoiceUse | None", *, drafted: bool, on: bool,
                 offline: bool) -> None:
        super().__init__()
        self.profile, self.use, self.drafted, self.on, self.offline = profile, use, drafted, on, offline

    @property
    def examples(self) -> "list[Example]":
        return list(self.use.examples) if self.use is not None else []

    def compose(self):
        examples = self.examples
        with VerticalScroll(classes="dialog wide tall" if examples else "dialog wide", id="voice-dialog"):
            yield Label(f"Your voice ({self.profile.posts:,} posts)", classes="dialog-title")
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
            yield Static(Text("\n".join(profile_lines(self.profile))), id="voice-profile", classes="dialog-body")
            yield Static("↑/↓ scroll · escape closes this.", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#voice-dialog").focus()

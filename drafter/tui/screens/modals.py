"""Small modal screens: confirm, open a file or URL, regenerate a part, pick a hook, raw output,
export. Each dismisses with the user's answer (None when cancelled with escape)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

QUICK_INSTRUCTIONS = ("shorter", "more concrete", "less formal")


class _Modal(ModalScreen):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CLASSES = "modal"

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmModal(_Modal):
    """A yes/no question. Dismisses True (yes), False (no) or None (escape)."""

    def __init__(self, question: str, yes: str = "Yes", no: str = "No", *, title: str = "Please confirm") -> None:
        super().__init__()
        self.question, self.yes, self.no, self.title_text = question, yes, no, title

    def compose(self):
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(Text(self.question), classes="dialog-body")  # plain text, never markup
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="primary")
                yield Button(self.no, id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class OpenSourceModal(_Modal):
    """Ask for a file path or a URL."""

    def compose(self):
        with Vertical(classes="dialog"):
            yield Label("Open a file or a URL", classes="dialog-title")
            yield Static("A .txt, .md or .html file (relative to the current folder), or an http(s) URL.",
                         classes="dialog-body")
            yield Input(placeholder="~/notes/article.md or https://example.com/post", id="location")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Open", id="open", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#open")
    def _open(self) -> None:
        value = self.query_one("#location", Input).value.strip()
        if not value:
            self.notify("Type a path or a URL first.", severity="warning")
            return
        self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class RegenerateModal(_Modal):
    """Pick a part and an optional instruction. Dismisses (part, instruction)."""

    def __init__(self, parts: list[str], selected: str = "hook") -> None:
        super().__init__()
        self.parts = parts
        self.selected = selected if selected in parts else parts[0]

    def compose(self):
        with Vertical(classes="dialog"):
            yield Label("Regenerate one part", classes="dialog-title")
            yield OptionList(*[Option(p.replace("_", " "), id=p) for p in self.parts], id="part-list")
            yield Input(placeholder="Optional instruction, e.g. shorter, more concrete, less formal",
                        id="instruction")
            with Horizontal(classes="dialog-buttons"):
                for text in QUICK_INSTRUCTIONS:
                    yield Button(text, classes="quick", compact=True)
            yield Static("↑/↓ part · type an instruction · enter: regenerate · esc: cancel", classes="hint")

    def on_mount(self) -> None:
        options = self.query_one("#part-list", OptionList)
        options.highlighted = self.parts.index(self.selected)
        self.query_one("#instruction", Input).focus()

    def key_up(self) -> None:
        self.query_one("#part-list", OptionList).action_cursor_up()

    def key_down(self) -> None:
        self.query_one("#part-list", OptionList).action_cursor_down()

    @property
    def part(self) -> str:
        options = self.query_one("#part-list", OptionList)
        index = options.highlighted if options.highlighted is not None else 0
        return self.parts[index]

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.query_one("#instruction", Input).focus()

    @on(Button.Pressed, ".quick")
    def _quick(self, event: Button.Pressed) -> None:
        self.query_one("#instruction", Input).value = str(event.button.label)
        self._go()

    @on(Input.Submitted)
    def _go(self) -> None:
        self.dismiss((self.part, self.query_one("#instruction", Input).value.strip()))


class VariantsModal(_Modal):
    """Choose one of several hooks with the keyboard. Dismisses the hook text."""

    def __init__(self, hooks: list[str], current: str | None = None) -> None:
        super().__init__()
        self.hooks = hooks
        self.current = current

    def compose(self):
        with Vertical(classes="dialog wide"):
            yield Label("Pick a hook", classes="dialog-title")
            options = []
            for i, hook in enumerate(self.hooks):
                options.append(Option(f"{i + 1}. {hook}  [dim]({len(hook)} chars)[/]", id=str(i)))
            yield OptionList(*options, id="hooks")
            yield Static("↑/↓ or 1–9 · enter: use this hook · esc: keep the current one", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#hooks", OptionList).focus()

    def on_key(self, event) -> None:
        if event.character and event.character.isdigit():
            index = int(event.character) - 1
            if 0 <= index < len(self.hooks):
                event.stop()
                self.dismiss(self.hooks[index])

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hooks[int(event.option.id or 0)])


class RawOutputModal(_Modal):
    """The model answered something no parser accepted: let the user keep and edit it."""

    def __init__(self, message: str, raw: str) -> None:
        super().__init__()
        self.message, self.raw = message, raw

    def compose(self):
        with Vertical(classes="dialog wide tall"):
            yield Label("The model's answer could not be read", classes="dialog-title")
            yield Static(Text(self.message), classes="dialog-body error-line")
            yield TextArea(self.raw, id="raw", soft_wrap=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Use as post text", id="use", variant="primary")
                yield Button("Discard", id="discard")

    @on(Button.Pressed, "#use")
    def _use(self) -> None:
        self.dismiss(self.query_one("#raw", TextArea).text)

    @on(Button.Pressed, "#discard")
    def _discard(self) -> None:
        self.dismiss(None)


class ExportModal(_Modal):
    """Where to write the post as a text file."""

    def __init__(self, default_path: str) -> None:
        super().__init__()
        self.default_path = default_path

    def compose(self):
        with Vertical(classes="dialog wide"):
            yield Label("Export the post to a text file", classes="dialog-title")
            yield Static("An existing file at that path is replaced.", classes="dialog-body")
            yield Input(self.default_path, id="path")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", id="export", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#export")
    def _export(self) -> None:
        value = self.query_one("#path", Input).value.strip()
        if value:
            self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

"""Dialogs of the editing screen: regenerate a part, pick a hook, keep an unreadable answer.

Built on :class:`.dialog.Dialog` (escape cancels, one button order); each dismisses with the
user's answer, or None when cancelled.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from .dialog import Dialog, button_row

QUICK_INSTRUCTIONS = ("shorter", "more concrete", "less formal")


class RegenerateModal(Dialog):
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


class VariantsModal(Dialog):
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
                label = Text(f"{i + 1}. {hook}  ")  # as written: a "[" in a hook is not markup
                label.append(f"({len(hook)} chars)", style="dim")
                options.append(Option(label, id=str(i)))
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


class RawOutputModal(Dialog):
    """Text the model sent that did not become a draft (unreadable, cut off, out of time, a
    broken stream): let the user keep and edit it rather than lose it."""

    def __init__(self, message: str, raw: str, *, title: str = "The model's answer could not be read") -> None:
        super().__init__()
        self.message, self.raw, self.title_text = message, raw, title

    def compose(self):
        with Vertical(classes="dialog wide tall"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(Text(self.message), classes="dialog-body error-line")
            yield TextArea(self.raw, id="raw", soft_wrap=True)
            yield button_row("Use as post text", "use", way_out="Discard", way_out_id="discard")

    @on(Button.Pressed, "#use")
    def _use(self) -> None:
        self.dismiss(self.query_one("#raw", TextArea).text)

    @on(Button.Pressed, "#discard")
    def _discard(self) -> None:
        self.dismiss(None)

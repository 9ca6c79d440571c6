"""The parts editor: hook, takeaways, extras, question, hashtags, and the whole post.

It only shows values and reports edits (messages); the screen applies them to the session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Static, TextArea

from .takeaways import TakeawayList

if TYPE_CHECKING:
    from ...post import Extra, Parts

STANDARD = ("hook", "takeaways", "question", "hashtags")


class PartInput(Input):
    """An Input that knows which part it edits."""

    def __init__(self, part: str, **kwargs: object) -> None:
        super().__init__(id=f"part-{part}", compact=True, **kwargs)  # type: ignore[arg-type]
        self.part = part


class PartsEditor(VerticalScroll):
    class PartEdited(Message):
        def __init__(self, part: str, value: str | list[str], structural: bool = False) -> None:
            super().__init__()
            self.part = part
            self.value = value
            self.structural = structural

    class PostEdited(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self):
        yield Static("No draft yet: write a topic in Compose and press ctrl+g to generate.", id="editor-empty")
        with Vertical(id="parts"):
            yield Label("Hook  [dim](the line before “…see more”)[/]", classes="field-label")
            yield PartInput("hook", placeholder="One line that stops the scroll")
            yield Label("Takeaways", classes="field-label")
            yield TakeawayList(id="takeaways")
            yield Vertical(id="extras")
            yield Label("Question", classes="field-label")
            yield PartInput("question", placeholder="A specific question for the comments")
            yield Label("Hashtags", classes="field-label")
            yield PartInput("hashtags", placeholder="#ThreeToFive #Specific #Tags")
        yield Static("", id="override-notice")
        yield Label("Post  [dim](edit the whole text; it then wins over the parts)[/]", classes="field-label")
        yield TextArea("", id="post", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")

    def on_mount(self) -> None:
        self.query_one("#override-notice").display = False
        self.show_parts(None)

    # -- showing ------------------------------------------------------------------------
    def _input(self, part: str) -> PartInput | None:
        found = self.query(f"#part-{part}")
        return found.first(PartInput) if found else None

    async def configure(self, extras: "list[Extra]") -> None:
        """Fields for the template's extra parts (rebuilt when the template changes).

        Awaited: removing and mounting in one go without waiting races in Textual."""
        box = self.query_one("#extras", Vertical)
        have = [w.part for w in box.query(PartInput)]
        if have == [e.key for e in extras]:
            return
        await box.remove_children()
        widgets = []
        for extra in extras:
            widgets.append(Label(extra.label.rstrip(":") or extra.key, classes="field-label"))
            widgets.append(PartInput(extra.key, placeholder=extra.description or extra.key))
        if widgets:
            await box.mount_all(widgets)

    def show_parts(self, parts: "Parts | None") -> None:
        self.query_one("#editor-empty").display = parts is None
        self.query_one("#parts").disabled = parts is None
        if parts is None:
            for part in ("hook", "question", "hashtags"):
                self.set_field(part, "")
            self.query_one(TakeawayList).set_values([])
            return
        self.set_field("hook", parts.hook)
        self.set_field("takeaways", parts.takeaways)
        self.set_field("question", parts.question)
        self.set_field("hashtags", parts.hashtags)
        for field in self.query_one("#extras").query(PartInput):
            self.set_field(field.part, parts.extras.get(field.part, ""))

    def set_field(self, part: str, value: str | list[str]) -> None:
        """Show one part's value (used while streaming too); posts no edit message."""
        if part == "takeaways":
            self.query_one(TakeawayList).set_values(list(value) if isinstance(value, list) else value.splitlines())
            return
        field = self._input(part)
        if field is None:
            return
        text = " ".join(value) if isinstance(value, list) else value
        if field.value != text:
            with field.prevent(Input.Changed):
                field.value = text
                field.cursor_position = 0 if not field.has_focus else len(text)  # show the start

    def show_post(self, text: str) -> None:
        area = self.query_one("#post", TextArea)
        if area.text != text:
            with area.prevent(TextArea.Changed):
                area.load_text(text)

    def set_override(self, active: bool) -> None:
        notice = self.query_one("#override-notice", Static)
        notice.display = active
        if active:
            notice.update("✎ You edited the whole post: parts edits no longer change it. "
                          "Re-assemble from parts: ctrl+r then “all”, or the command palette.")

    def set_busy(self, parts: set[str] | None) -> None:
        """Lock the fields being written by the engine (None: unlock all)."""
        locked = parts or set()
        if locked:
            self.query_one("#editor-empty").display = False
            self.query_one("#parts").disabled = False
        for part in ("hook", "question", "hashtags"):
            field = self._input(part)
            if field is not None:
                field.disabled = part in locked
        self.query_one(TakeawayList).disabled = "takeaways" in locked
        for field in self.query_one("#extras").query(PartInput):
            field.disabled = field.part in locked
        self.query_one("#post", TextArea).read_only = bool(locked)

    def mark_invalid(self, part: str, invalid: bool) -> None:
        field = self._input(part)
        if field is not None:
            field.set_class(invalid, "-invalid")

    # -- reporting edits ----------------------------------------------------------------
    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, PartInput):
            event.stop()
            self.post_message(self.PartEdited(event.input.part, event.value))

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        if isinstance(event.input, PartInput):
            event.stop()
            self.screen.focus_next()

    @on(TakeawayList.Changed)
    def _takeaways_changed(self, event: TakeawayList.Changed) -> None:
        event.stop()
        self.post_message(self.PartEdited("takeaways", event.values, event.structural))

    @on(TextArea.Changed, "#post")
    def _post_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.post_message(self.PostEdited(event.text_area.text))

"""The compose pane: the source box, the template picker with its variables, Generate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Collapsible, Input, Label, Select, Static, TextArea

from ..session import describe_input, shown_value
from .textbox import TextBox

if TYPE_CHECKING:
    from ...models.source import Source
    from ...templates import Template

COUNT_VARIABLES = ("takeaways", "hashtags")


class VariablesForm(Grid):
    """One field per template variable. Shows the values it is given (the session's) and
    reports what the user types (:class:`VariablesForm.Edited`); it keeps no state of its own."""

    class Edited(Message):
        def __init__(self, name: str, value: str) -> None:
            super().__init__()
            self.name = name
            self.value = value

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: dict[str, str] = {}

    async def set_template(self, template: "Template", values: dict[str, str]) -> None:
        self._shown = dict(values)
        await self.remove_children()  # awaited: remove-then-mount without waiting races
        widgets = []
        for name, default in template.variables.items():
            widgets.append(Label(name.replace("_", " "), classes="var-label"))
            value = values.get(name, str(default))
            if isinstance(default, bool):
                widgets.append(Checkbox("", value == "true", id=f"var-{name}", compact=True))
            else:
                kind = "integer" if isinstance(default, int) else "number" if isinstance(default, float) else "text"
                widgets.append(Input(value, id=f"var-{name}", type=kind, compact=True))
        if widgets:
            await self.mount_all(widgets)

    def _fields(self) -> dict[str, Input | Checkbox]:
        return {w.id.removeprefix("var-"): w for w in self.query("Input, Checkbox") if w.id}  # type: ignore[misc]

    @staticmethod
    def _value(field: Input | Checkbox) -> str:
        return ("true" if field.value else "false") if isinstance(field, Checkbox) else field.value.strip()

    def changed_count(self, defaults: dict[str, str]) -> int:
        return sum(1 for n, f in self._fields().items() if self._value(f) != defaults.get(n))

    def focus_variable(self, name: str) -> None:
        field = self._fields().get(name)
        if field is not None:
            field.focus()

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event: Input.Changed | Checkbox.Changed) -> None:
        widget = event.input if isinstance(event, Input.Changed) else event.checkbox
        name = (widget.id or "").removeprefix("var-")
        value = self._value(widget)
        if name and self._shown.get(name) != value:  # not the echo of a value shown here
            self._shown[name] = value
            self.post_message(self.Edited(name, value))


class ComposePane(Vertical):
    class GenerateRequested(Message):
        pass

    class OpenRequested(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._info_timer: Timer | None = None

    def compose(self):
        yield Label("Source  [dim]a topic, or paste an article[/]", classes="field-label")
        yield TextBox("", id="source", soft_wrap=True, show_line_numbers=False, tab_behavior="focus",
                       placeholder="e.g. “Why our team stopped doing status meetings” — or paste a whole article")
        yield Static(describe_input(""), id="source-info")
        with Horizontal(id="compose-controls"):
            yield Button("Open file/URL", id="open-source", compact=True)
            yield Button("Generate", id="generate", variant="primary", compact=True)

    async def add_template_controls(self) -> None:
        """The template picker and its variables: mounted after the first frame (templates are
        read then anyway)."""
        controls = self.query_one("#compose-controls")
        await controls.mount(Select([], prompt="Template", allow_blank=True, id="template", compact=True),
                             before="#generate")  # fmt: skip
        box = Collapsible(VariablesForm(id="variables"), title="Template variables", id="variables-box",
                          collapsed=self.app.size.height < 32)  # open when there is room  # fmt: skip
        await self.mount(box)

    @property
    def source_area(self) -> TextArea:
        return self.query_one("#source", TextArea)

    @property
    def source_text(self) -> str:
        return self.source_area.text

    def set_templates(self, names: list[str], selected: str | None) -> None:
        select = self.query_one("#template", Select)
        with select.prevent(Select.Changed):
            select.set_options([(n, n) for n in names])
            if selected in names:
                select.value = selected

    @property
    def template_name(self) -> str | None:
        found = self.query("#template")
        value = found.first(Select).value if found else None
        return value if isinstance(value, str) else None

    def select_template(self, name: str) -> None:
        self.query_one("#template", Select).value = name

    async def show_template(self, template: "Template", values: dict[str, str]) -> None:
        """The template's variables with the values the session gives (its defaults unless typed)."""
        await self.query_one(VariablesForm).set_template(template, values)
        self.show_variables_title(sum(1 for k, v in values.items() if v != shown_value(template.variables[k])))

    def show_variables_title(self, changed: int) -> None:
        box = self.query_one("#variables-box", Collapsible)
        box.title = "Template variables" + (f" · {changed} changed" if changed else "")

    def load_source(self, source: "Source") -> None:
        """Show an opened file or URL in the box (the caller keeps the Source)."""
        with self.source_area.prevent(TextArea.Changed):
            self.source_area.load_text(source.text or source.topic)
        where = source.location or source.title or source.kind
        self.query_one("#source-info", Static).update(
            f"From {where}: {len(source.text.split()):,} words" + (f" · “{source.title}”" if source.title else ""))

    def set_source_text(self, text: str) -> None:
        self.source_area.load_text(text)

    @on(TextArea.Changed, "#source")
    def _source_changed(self, event: TextArea.Changed) -> None:
        # Debounced: reading the text of a big paste on every keystroke is wasted work.
        if self._info_timer is not None:
            self._info_timer.stop()
        self._info_timer = self.set_timer(0.2, self._describe)

    def _describe(self) -> None:
        self._info_timer = None
        self.query_one("#source-info", Static).update(describe_input(self.source_text))

    @on(Button.Pressed, "#generate")
    def _generate(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.GenerateRequested())

    @on(Button.Pressed, "#open-source")
    def _open(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.OpenRequested())

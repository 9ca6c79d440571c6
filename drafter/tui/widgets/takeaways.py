"""An editable list of takeaways: enter adds one below, backspace on an empty one removes it,
ctrl+up / ctrl+down move it.

Like the other fields, it reports only what the user did: values it was given to show (and
inputs mounted with a value, which Textual reports as changed) are never sent back.
"""

from __future__ import annotations

from textual import events, on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Static


class TakeawayInput(Input):
    BINDINGS = [
        Binding("ctrl+up,alt+up", "move(-1)", "Move up", show=False),
        Binding("ctrl+down,alt+down", "move(1)", "Move down", show=False),
        Binding("ctrl+home", "home", show=False),
        Binding("ctrl+end", "end", show=False),
    ]

    def __init__(self, value: str = "", **kwargs: object) -> None:
        super().__init__(value=value, **kwargs)  # type: ignore[arg-type]
        self.shown = value
        """The value this list last showed (a Changed with it is an echo, not an edit)."""

    class Action(Message):
        def __init__(self, item: "TakeawayInput", action: str, delta: int = 0) -> None:
            super().__init__()
            self.item = item
            self.action = action
            self.delta = delta

    def action_move(self, delta: int) -> None:
        self.post_message(self.Action(self, "move", delta))

    def action_delete_left(self) -> None:
        if not self.value:
            self.post_message(self.Action(self, "remove"))
        else:
            super().action_delete_left()


class TakeawayList(Vertical):
    """The takeaways, one Input each, plus buttons for mouse users."""

    class Changed(Message):
        """The list changed: ``structural`` for add/remove/move (a separate undo step)."""

        def __init__(self, values: list[str], structural: bool) -> None:
            super().__init__()
            self.values = values
            self.structural = structural

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._last_index = 0
        self._items: list[TakeawayInput] = []
        """The inputs in order, kept here: a query would still see removed ones (removal is async)."""

    def compose(self):
        yield Vertical(id="takeaway-items")
        with Horizontal(id="takeaway-buttons"):
            yield Button("+ Add", id="takeaway-add", compact=True)
            yield Button("− Remove", id="takeaway-remove", compact=True)
            yield Button("↑", id="takeaway-up", compact=True)
            yield Button("↓", id="takeaway-down", compact=True)
            yield Static("enter: new · ⌫ empty: remove · ctrl+↑↓: move", classes="hint")

    @property
    def items(self) -> list[TakeawayInput]:
        return list(self._items)

    @property
    def values(self) -> list[str]:
        return [i.value for i in self._items]

    def set_values(self, values: list[str]) -> None:
        """Show ``values`` (reuses the inputs; reports nothing back)."""
        box = self.query_one("#takeaway-items")
        items = self._items
        for item, value in zip(items, values):
            item.shown = value
            if item.value != value:
                with item.prevent(Input.Changed):
                    item.value = value
                    item.cursor_position = 0 if not item.has_focus else len(value)
        for item in items[len(values):]:
            item.remove()
        del items[len(values):]
        new = [self._new_item(v) for v in values[len(items):]]
        if new:
            items.extend(new)
            box.mount_all(new)

    def set_busy(self, busy: bool) -> None:
        """Locked while the engine writes the takeaways (placeholders say so)."""
        self.disabled = busy
        for item in self._items:
            item.placeholder = "writing…" if busy else "A takeaway"

    def focus_first(self, *, scroll_visible: bool = True) -> bool:
        if not self._items or self.disabled:
            return False
        self._items[0].focus(scroll_visible=scroll_visible)
        return True

    def _new_item(self, value: str) -> TakeawayInput:
        item = TakeawayInput(value=value, placeholder="A takeaway", compact=True)
        item.border_title = None
        return item

    def _focused_index(self) -> int:
        items = self.items
        for i, item in enumerate(items):
            if item.has_focus:
                return i
        return min(self._last_index, len(items) - 1)

    @on(events.DescendantFocus)
    def _remember(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, TakeawayInput) and event.widget in self.items:
            self._last_index = self.items.index(event.widget)

    def _emit(self, structural: bool) -> None:
        self.post_message(self.Changed(self.values, structural))

    # -- operations (keyboard and buttons) ----------------------------------------------
    def add_after(self, index: int) -> None:
        values = self.values
        index = max(-1, min(index, len(values) - 1))
        item = self._new_item("")
        box = self.query_one("#takeaway-items")
        if index < 0 or not self._items:
            box.mount(item, before=0) if self._items else box.mount(item)
            self._items.insert(0, item)
        else:
            box.mount(item, after=self._items[index])
            self._items.insert(index + 1, item)
        item.focus()
        # An empty takeaway is dropped by the parts model: nothing changes until it is typed.

    def remove_at(self, index: int) -> None:
        items = self.items
        if not items or len(items) <= 1:
            self.app.bell()
            self.notify("A post keeps at least one takeaway.", severity="warning")
            return
        index = max(0, min(index, len(items) - 1))
        items[index].remove()
        del self._items[index]
        rest = self._items
        rest[max(0, index - 1)].focus()
        self.post_message(self.Changed([i.value for i in rest], True))

    def move(self, index: int, delta: int) -> None:
        values = self.values
        target = index + delta
        if not 0 <= index < len(values) or not 0 <= target < len(values):
            self.app.bell()
            return
        values[index], values[target] = values[target], values[index]
        self.set_values(values)
        self.items[target].focus()
        self._emit(True)

    @on(TakeawayInput.Action)
    def _item_action(self, event: TakeawayInput.Action) -> None:
        event.stop()
        index = self.items.index(event.item)
        if event.action == "remove":
            self.remove_at(index)
        elif event.action == "move":
            self.move(index, event.delta)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if isinstance(event.input, TakeawayInput):
            self.add_after(self.items.index(event.input))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        item = event.input
        if not isinstance(item, TakeawayInput) or item not in self._items or event.value == item.shown:
            return  # an echo of a value shown here, or an input being removed
        item.shown = event.value
        self._emit(False)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        index = self._focused_index()
        if event.button.id == "takeaway-add":
            self.add_after(index)
        elif event.button.id == "takeaway-remove":
            self.remove_at(index)
        elif event.button.id == "takeaway-up":
            self.move(index, -1)
        elif event.button.id == "takeaway-down":
            self.move(index, 1)

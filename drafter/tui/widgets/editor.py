"""The parts editor: hook, takeaways, extras, question, hashtags, and the whole post.

One direction: it shows what :meth:`show` is given (the session's draft, or a pending stream)
and reports what the user typed as messages; the screen applies them to the session and
calls :meth:`show` again. A value it rendered itself is never reported back (Textual posts
``Changed`` for programmatic changes too, and for inputs mounted with a value), so a stream
shown in the fields can never leak into the draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Input, Label, Static, TextArea

from .takeaways import TakeawayList
from .textbox import TextBox

if TYPE_CHECKING:
    from ...models.post import Extra, Parts

PLACEHOLDERS = {"hook": "One line that stops the scroll", "question": "A specific question for the comments",
                "hashtags": "e.g. #Leadership #RemoteWork"}  # fmt: skip
WRITING = "writing…"
OVERRIDE_NOTICE = ("✎ You edited the whole post: edits of the parts above no longer change it. "
                   "ctrl+z undoes the hand edits; to rebuild the post from the parts, ctrl+p → “Re-assemble”.")  # fmt: skip


class PartInput(Input):
    """An Input that knows which part it edits, and the value the editor last showed in it."""

    BINDINGS = [Binding("ctrl+home", "home", show=False), Binding("ctrl+end", "end", show=False)]

    def __init__(self, part: str, **kwargs: object) -> None:
        super().__init__(id=f"part-{part}", compact=True, **kwargs)  # type: ignore[arg-type]
        self.part = part
        self.shown = ""
        self.placeholder_idle = self.placeholder

    def show(self, text: str) -> None:
        self.shown = text
        if self.value != text:
            with self.prevent(Input.Changed):
                self.value = text
                self.cursor_position = 0 if not self.has_focus else len(text)  # show the start


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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._post_shown = ""

    def compose(self):
        yield Static("No draft yet: write a topic in Compose and press ctrl+g to generate.", id="editor-empty")
        with Vertical(id="parts"):
            yield Label("Hook  [dim](alt+h · the line before “…see more”)[/]", classes="field-label")
            yield PartInput("hook", placeholder=PLACEHOLDERS["hook"])
            yield Label("Takeaways  [dim](alt+t)[/]", classes="field-label")
            yield TakeawayList(id="takeaways")
            yield Vertical(id="extras")
            yield Label("Question  [dim](alt+q)[/]", classes="field-label")
            yield PartInput("question", placeholder=PLACEHOLDERS["question"])
            yield Label("Hashtags  [dim](alt+g)[/]", classes="field-label")
            yield PartInput("hashtags", placeholder=PLACEHOLDERS["hashtags"])
        yield Static("", id="override-notice")
        yield Label("Post  [dim](alt+p · typing here wins over the parts)[/]", classes="field-label")
        yield TextBox("", id="post", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")

    def on_mount(self) -> None:
        self.query_one("#override-notice").display = False
        self.show(None, "", override=False, busy=frozenset())

    # -- showing ------------------------------------------------------------------------
    def _input(self, part: str) -> PartInput | None:
        found = self.query(f"#part-{part}")
        return found.first(PartInput) if found else None

    @property
    def post_area(self) -> TextBox:
        return self.query_one("#post", TextBox)

    def part_names(self) -> list[str]:
        """The parts in the order they appear (standard ones and the template's extras)."""
        from ...models.post import ordered_part_names

        return ordered_part_names(w.part for w in self.query_one("#extras").query(PartInput))

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

    def show(self, parts: "Parts | None", post: str, *, override: bool, busy: frozenset[str],
             skip: str | None = None) -> None:
        """Render the draft: the fields, the post box, the hand-edit notice, and which fields
        the engine is writing (locked, marked "writing…"). ``skip`` is the field the user is
        typing in: it already shows what they typed (the draft holds its normalised value)."""
        self.query_one("#editor-empty").display = parts is None and not busy
        self.query_one("#parts").disabled = parts is None and not busy
        takeaways = self.query_one(TakeawayList)
        for field in self.query(PartInput):  # hook, question, hashtags and the extras
            if field.part != skip:
                value = parts.get(field.part, "") if parts is not None else ""
                field.show(" ".join(value) if isinstance(value, list) else value)
        if skip != "takeaways":
            takeaways.set_values(list(parts.takeaways) if parts is not None else [])
        for field in self.query(PartInput):
            locked = field.part in busy
            field.disabled = locked
            field.placeholder = WRITING if locked else field.placeholder_idle
            field.set_class(locked, "-writing")
        takeaways.set_busy("takeaways" in busy)
        area = self.post_area
        area.read_only = bool(busy)
        if skip != "post":
            self._post_shown = post
            if area.text != post:
                with area.prevent(TextArea.Changed):
                    area.load_text(post)
        notice = self.query_one("#override-notice", Static)
        notice.display = override
        if override:
            notice.update(OVERRIDE_NOTICE)

    def mark_invalid(self, part: str, invalid: bool) -> None:
        field = self._input(part)
        if field is not None:
            field.set_class(invalid, "-invalid")

    def focus_part(self, part: str) -> bool:
        """Put the cursor in one part's field (alt+h/t/q/g/p) and scroll it into view. False if
        there is no such field."""
        # Focus without Textual's own scroll (an animated centring that raced the one below and
        # left the field wherever the animation was when the frame was drawn).
        if part == "post":
            self.post_area.focus(scroll_visible=False)
        elif part == "takeaways":
            if not self.query_one(TakeawayList).focus_first(scroll_visible=False):
                return False
        else:
            field = self._input(part)
            if field is None or field.disabled:
                return False
            field.focus(scroll_visible=False)
        # After the next refresh: the editor may have just been shown (a hidden pane has no
        # size to scroll in), so focus alone leaves the field where the scroll was.
        self.call_after_refresh(self._reveal_focused)
        return True

    def _reveal_focused(self, tries: int = 3) -> None:
        """Scroll the focused field (and the label above it) into view; the post box: its cursor.
        A pane shown a moment ago may not be laid out yet: then again after the next refresh."""
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            return
        if not self.region or not focused.region:
            if tries > 0:
                self.call_after_refresh(self._reveal_focused, tries - 1)
            return
        if focused is self.post_area:
            self._follow_cursor()
            return
        top, bottom = self.region.y, self.region.bottom
        y = focused.region.y
        if top <= y and focused.region.bottom <= bottom:
            return
        inside = y - top + int(self.scroll_y)
        self.scroll_to_region(Region(0, max(0, inside - 1), 1, focused.region.height + 1), animate=False,
                              immediate=True)  # fmt: skip

    # -- reporting edits ----------------------------------------------------------------
    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, PartInput):
            event.stop()
            if event.value != event.input.shown:  # not an echo of what was shown
                event.input.shown = event.value
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
        if event.text_area.text != self._post_shown:
            self._post_shown = event.text_area.text
            self.post_message(self.PostEdited(event.text_area.text))

    @on(TextArea.SelectionChanged, "#post")
    def _cursor_moved(self) -> None:
        self.call_after_refresh(self._follow_cursor)

    def on_resize(self) -> None:
        self.call_after_refresh(self._follow_cursor)

    def _follow_cursor(self) -> None:
        """Keep the post box's cursor in view: the box grows with its text inside this scroll."""
        area = self.post_area
        if not area.has_focus:
            return
        y = area.cursor_screen_offset.y
        top, bottom = self.region.y, self.region.bottom
        if top <= y < bottom - 1:
            return
        inside = y - top + int(self.scroll_y)
        self.scroll_to_region(Region(0, max(0, inside - 1), 1, 3), animate=False, immediate=True)

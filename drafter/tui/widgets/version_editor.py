"""The editor of a platform's version: its posts in one text box, one post per block, a line of
``---`` between posts, a post's own ``---`` line written ``\\---`` (:mod:`drafter.tui.versions`).

Shown in the Editor's place while another platform than LinkedIn is chosen. One direction, as
the parts editor: it shows what :meth:`show` is given (the session's version) and reports the
posts the user typed (:class:`VersionEditor.Edited`); a text it loaded itself, or a change that
leaves the posts as they were (white space around a separator), is never reported. An edit that
merges or splits posts of a numbered thread is reported renumbered, and the box shows the new
labels (:func:`~drafter.tui.versions.renumber_edit`; one edit: ctrl+z in the box undoes it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Label, Static, TextArea

from ..versions import ESCAPE, SEPARATOR, moved_location, posts_text, renumber_edit, text_posts
from .textbox import TextBox

if TYPE_CHECKING:
    from ...models.draft import PlatformVersion


class VersionEditor(VerticalScroll):
    class Edited(Message):
        def __init__(self, platform: str, posts: list[str]) -> None:
            super().__init__()
            self.platform = platform
            self.posts = posts

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.platform = ""
        self._posts: list[str] | None = None
        """The posts the box shows (as the session has them)."""

    def compose(self):
        yield Label("", id="version-title", classes="field-label")
        yield Static(f"One post per block, {SEPARATOR} between posts (a post's own {SEPARATOR} shows as "
                     f"{ESCAPE}{SEPARATOR}) · f6: next platform · ctrl+r: adapt again", id="version-hint")
        yield TextBox("", id="version-posts", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        yield Static("", id="version-notes")

    @property
    def area(self) -> TextBox:
        return self.query_one("#version-posts", TextBox)

    def show(self, platform: str, label: str, version: "PlatformVersion | None", *, locked: bool,
             skip: bool = False) -> None:
        """Show ``platform``'s version (read-only while it is being adapted, or not adapted yet);
        ``skip``: the user is typing in the box (it already shows what they typed)."""
        self.platform = platform
        self.query_one("#version-title", Label).update(Text(f"{label} version", style="bold"))
        area = self.area
        area.read_only = locked or version is None
        posts = list(version.posts) if version is not None else None
        if not skip and posts != self._posts and (posts is None or text_posts(area.text) != posts):
            with area.prevent(TextArea.Changed):
                area.load_text(posts_text(posts) if posts is not None else "")
        self._posts = posts
        notes = self.query_one("#version-notes", Static)
        if version is None:
            notes.update(f"No {label} version yet: ctrl+r adapts the post (it is adapted when you choose {label}).")
        elif locked:
            notes.update(f"⏳ Adapting for {label}: the box is read-only until it is done (escape cancels).")
        elif version.edited:
            notes.update("✎ Edited by you: ctrl+r asks before replacing it; ctrl+z outside the box undoes.")
        else:
            notes.update("")

    @on(TextArea.Changed, "#version-posts")
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._posts is None:
            return
        posts = text_posts(event.text_area.text)
        if posts == self._posts:
            return
        renumbered = renumber_edit(self._posts, posts)
        if renumbered != posts:
            self._rewrite(renumbered)
        self._posts = renumbered
        self.post_message(self.Edited(self.platform, renumbered))

    def _rewrite(self, posts: list[str]) -> None:
        """The box shows ``posts`` (its labels renumbered), the cursor by the text it was next to."""
        area = self.area
        old, new = area.text, posts_text(posts)
        at = moved_location(old, new, area.cursor_location)
        with area.prevent(TextArea.Changed):
            area.replace(new, (0, 0), area.document.end)
        area.move_cursor(at)

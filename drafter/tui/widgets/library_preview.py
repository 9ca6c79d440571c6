"""The preview under the drafts table: the highlighted draft's post text and its facts.

It renders from a :class:`~.library_table.LibraryRow` (the listing already carries the post
text), so moving the cursor reads no file. The words of the filter are highlighted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from ...models.post import MAX_CHARS
from .library_table import OVER_STYLE, TIME_FORMAT

if TYPE_CHECKING:
    from .library_table import LibraryRow


def preview_text(row: "LibraryRow | None", query: str = "", *, empty: str = "") -> Text:
    """Title, "template · updated · chars", the source, then the post (``query`` highlighted)."""
    if row is None:
        return Text(empty, style="italic")
    text = Text(no_wrap=False, overflow="fold")
    text.append(row.title, style="bold")
    over = row.chars > MAX_CHARS
    facts = f"\n{row.template} · updated {row.updated.strftime(TIME_FORMAT)} · {row.chars:,} chars"
    text.append(facts + (f" (over {MAX_CHARS:,})" if over else ""), style=OVER_STYLE if over else "dim")
    if row.source and row.source != row.title:
        text.append(f"\nfrom: {row.source}", style="dim")
    body = "(loading the post…)" if row.text is None else (row.text.strip("\n") or "(no post text yet)")
    start = len(text) + 2
    text.append("\n\n" + body)
    needle = query.strip()
    if needle:
        lowered = text.plain.lower()
        found = lowered.find(needle.lower(), start)
        while found != -1:  # each match in the post (case-insensitive), bounded by the text's length
            text.stylize("reverse", found, found + len(needle))
            found = lowered.find(needle.lower(), found + len(needle))
    return text


class LibraryPreview(Static):
    """What the highlighted draft says; :meth:`show` replaces it."""

    DEFAULT_CSS = """
    LibraryPreview {
        height: 8;
        padding: 0 1;
        border-top: solid $panel-lighten-2;
        overflow: hidden hidden;
    }
    """

    def show(self, row: "LibraryRow | None", query: str = "", *, empty: str = "") -> None:
        self.update(preview_text(row, query, empty=empty))

"""The drafts table of the library: rows, filtering, and paging over many drafts.

Filtering tests each word of the query (all must occur, in any order) against one lowercase
haystack per draft (title, template, id, source title/topic/location and the post text), computed once per listing and kept as UTF-8 bytes: a post with one
"•" is stored by Python at 2 bytes a character, its UTF-8 at about 1 (10,000 posts: ~14 MB
less), and a UTF-8 needle matches only at character boundaries, so the test stays exact.
The table gets the matches a page (:data:`PAGE_ROWS`) at a time and the next page when the
cursor nears the last row, so a keystroke costs about the same for 100 or 10,000
drafts (DataTable measures every cell it is given).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from rich.text import Text
from textual.widgets import DataTable

from ...models.post import MAX_CHARS

if TYPE_CHECKING:
    from ...storage.store import DraftSummary

PAGE_ROWS = 100
"""Matches put in the table at once; more are added as the cursor nears the last row."""
PAGE_MARGIN = 10
TIME_FORMAT = "%Y-%m-%d %H:%M"
OVER_STYLE = "bold #e0474c"
"""Lengths over LinkedIn's limit: a true colour (the ANSI "red" renders near-invisible in the dark theme)."""
_FIXED = {"updated": 16, "template": 16, "chars": 7}
_CELL_PADDING = 2  # DataTable pads each cell by one column on both sides
_SCROLLBAR = 2


def highlighted_key(table: DataTable) -> str | None:
    """The key of ``table``'s highlighted row (None when the table is empty)."""
    if table.row_count == 0:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:
        return None


@dataclass(frozen=True, slots=True)
class LibraryRow:
    """One draft as the table and the preview show it, with the lowercase text the filter searches."""

    id: str
    title: str
    updated: datetime
    template: str
    chars: int
    text: str | None
    """The post text (the preview shows it); None until the texts are loaded."""
    source: str
    """The source's title, topic and location on one line."""
    haystack: bytes
    """Lowercase title, template, id, source and text, UTF-8 encoded."""


def build_rows(summaries: Iterable["DraftSummary"], texts: Mapping[str, str] | None = None) -> list[LibraryRow]:
    """Rows in the store's order (newest first), each with its filter haystack; ``texts`` (id ->
    post text, from :meth:`Store.texts`) None: not loaded yet, the haystack has no post text."""
    rows = []
    for s in summaries:
        text = texts.get(s.id, "") if texts is not None else None
        haystack = f"{s.title}\n{s.template}\n{s.id}\n{s.source}\n{text or ''}".lower().encode()
        rows.append(LibraryRow(s.id, s.title, s.updated, s.template, s.chars, text, s.source, haystack))
    return rows


def filter_rows(rows: Sequence[LibraryRow], query: str) -> list[LibraryRow]:
    """Rows whose title, template, id, source (its title, topic or location, never the article
    text) or post text contains every word of ``query``, in any order (case-insensitive; blank = all)."""
    needles = [word.encode() for word in query.lower().split()]
    if not needles:
        return list(rows)
    if len(needles) == 1:
        needle = needles[0]
        return [r for r in rows if needle in r.haystack]
    return [r for r in rows if all(n in r.haystack for n in needles)]


class LibraryTable(DataTable[Text]):
    """Title, updated, template and length of each matching draft; row key = draft id."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.matches: list[LibraryRow] = []
        """Every row that matches the filter, in order."""
        self.shown: list[LibraryRow] = []
        """The rows in the table (a prefix of :attr:`matches`)."""
        self._columns_for = -1

    # ---- columns -----------------------------------------------------------------------

    def _title_width(self, width: int) -> int:
        fixed = sum(_FIXED.values()) + _CELL_PADDING * (len(_FIXED) + 1) + _SCROLLBAR
        return max(12, width - fixed)

    def fit_width(self, width: int) -> None:
        """(Re)build the columns for ``width`` cells; the title takes what the others leave."""
        if width == self._columns_for:
            return
        selected = self.selected_id
        self.clear(columns=True)
        self._columns_for = width
        self.add_column("Title", width=self._title_width(width), key="title")
        self.add_column("Updated", width=_FIXED["updated"], key="updated")
        self.add_column("Template", width=_FIXED["template"], key="template")
        self.add_column(Text("Chars", justify="right"), width=_FIXED["chars"], key="chars")
        self._add(self.shown)
        self.select(selected)

    # ---- rows --------------------------------------------------------------------------

    def show(self, matches: list[LibraryRow], select: str | None = None) -> None:
        """Put the first page of ``matches`` in the table, keeping ``select`` highlighted."""
        self.matches = matches
        count = PAGE_ROWS
        if select is not None:  # keep the selected draft in the table, even deep in the list
            index = next((i for i, r in enumerate(matches) if r.id == select), -1)
            count = max(count, index + PAGE_MARGIN)
        page = matches[:count]
        same = len(page) == len(self.shown) == self.row_count and all(a is b for a, b in zip(page, self.shown))
        if same:  # "recy" -> "recyc" often matches the same drafts: nothing to redraw
            return
        self.shown = page
        self.clear()
        self._add(page)
        self.select(select)

    def select(self, draft_id: str | None) -> None:
        if draft_id is not None and draft_id in self.rows:
            with contextlib.suppress(Exception):
                self.move_cursor(row=self.get_row_index(draft_id), animate=False)

    def _add(self, rows: Sequence[LibraryRow]) -> None:
        width = self._title_width(self._columns_for)
        for r in rows:  # Text cells: no markup parsing (a "[" in a title stays a "[")
            over = r.chars > MAX_CHARS  # "!" too, so it shows without colour
            chars = Text(f"{r.chars:,}{'!' if over else ''}", justify="right", style=OVER_STYLE if over else "")
            title = Text(r.title, no_wrap=True, overflow="ellipsis")
            title.truncate(width, overflow="ellipsis")
            updated = Text(r.updated.strftime(TIME_FORMAT))  # as saved, with the offset it was saved in
            self.add_row(title, updated, Text(r.template), chars, key=r.id)

    def _on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Add the next page of matches when the cursor gets near the last row."""
        shown = len(self.shown)
        if shown < len(self.matches) and event.cursor_row >= shown - PAGE_MARGIN:
            page = self.matches[shown : shown + PAGE_ROWS]
            self.shown.extend(page)
            self._add(page)

    @property
    def selected_id(self) -> str | None:
        """Id of the highlighted row (None when the table is empty)."""
        return highlighted_key(self)

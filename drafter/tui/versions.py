r"""The platform versions as the app shows, edits and copies them. Plain data, no Textual.

The versions themselves are the draft's (:class:`drafter.models.draft.PlatformVersion`, held in
the session's :class:`~drafter.tui.draft_state.DraftState`); this module only says how they
read: the text of the box that edits a version (one post per block, a line of ``---`` between
posts; a post's own ``---`` line written ``\---``), the "i/n" labels after an edit merged or split
posts, what one copy takes, and each post's count by the platform's own function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..models.platforms import PLATFORM_NAMES, PlatformName

if TYPE_CHECKING:
    from ..models.draft import PlatformVersion
    from ..models.platforms import Platform

SEPARATOR = "---"
"""The line between two posts in the box that edits a version."""
ESCAPE = "\\"
"""Before a post's own line that reads as a separator (a LinkedIn divider ``---``), in the box."""
_SEPARATOR_LINE = re.compile(r"^[ \t]*-{3,}[ \t]*$", re.MULTILINE)
_LOOKS_LIKE_SEPARATOR = re.compile(r"^([ \t]*)(\\*-{3,}[ \t]*)$", re.MULTILINE)
r"""A post's line that the box writes with one more backslash (``---`` as ``\---``, ``\---`` as ``\\---``)."""
_ESCAPED = re.compile(r"^([ \t]*)\\(\\*-{3,}[ \t]*)$", re.MULTILINE)
THREAD_JOIN = "\n\n"
"""Between two posts when a whole thread is copied as one text."""


def posts_text(posts: list[str]) -> str:
    """The text of the edit box for ``posts``: a post's own lines that would read as a separator
    get one more backslash, so :func:`text_posts` gives ``posts`` back whatever they hold."""
    return f"\n\n{SEPARATOR}\n\n".join(_LOOKS_LIKE_SEPARATOR.sub(lambda m: m[1] + ESCAPE + m[2], p) for p in posts)


def text_posts(text: str) -> list[str]:
    """The posts the edit box holds: the blocks between separator lines, one backslash less on
    an escaped line, without the white space around them (never no post: an emptied box is one
    empty post, which the checks flag)."""
    return [_ESCAPED.sub(r"\1\2", block).strip() for block in _SEPARATOR_LINE.split(text)] or [""]


def renumber_edit(before: list[str] | None, after: list[str]) -> list[str]:
    """The posts an edit in the box leaves, their "i/n" labels renumbered when the edit merged or
    split posts of a thread that was numbered (every post ending with its label, as the adapter
    writes them: :func:`~drafter.engines.offline.adapt.numbered`): the old labels' lines go and
    each post gets its new label. A thread the user unnumbered, or an edit that keeps the number
    of posts, is left as typed."""
    from ..engines.offline.adapt import numbered, renumbered

    if before is None or len(after) == len(before) or not numbered(before):
        return after
    old = re.compile(rf"\s*^[ \t]*\(?\d{{1,3}}[ \t]*/[ \t]*{len(before)}\)?[ \t]*$", re.MULTILINE)
    return renumbered([old.sub("", post).strip() for post in after], numbering=True)


def moved_location(old: str, new: str, location: tuple[int, int]) -> tuple[int, int]:
    """Where the cursor at ``location`` (row, column) in ``old`` goes in ``new``, a few label lines
    rewritten: on a line kept, the same place on it; on a line rewritten, the start of its new text."""
    from difflib import SequenceMatcher

    row, column = location
    old_lines, new_lines = old.split("\n"), new.split("\n")
    matcher = SequenceMatcher(lambda line: not line.strip(), old_lines, new_lines, autojunk=False)  # blank lines
    for tag, i1, i2, j1, _ in matcher.get_opcodes():  # match no text on their own
        if i1 <= row < i2:
            return (j1 + row - i1, column) if tag == "equal" else (min(j1, len(new_lines) - 1), 0)
    return len(new_lines) - 1, len(new_lines[-1])


def thread_text(posts: list[str]) -> str:
    """A whole thread as one text (what the copy-all key copies)."""
    return THREAD_JOIN.join(posts)


def step_platform(current: str, step: int) -> PlatformName:
    """The platform ``step`` places after ``current`` in the switcher (it wraps around)."""
    at = PLATFORM_NAMES.index(current) if current in PLATFORM_NAMES else 0  # type: ignore[arg-type]
    return PLATFORM_NAMES[(at + step) % len(PLATFORM_NAMES)]


@lru_cache(maxsize=512)
def post_count(platform: "Platform", text: str) -> int:
    """``platform``'s own count of one post (cached: while one post of a thread is edited, the
    others are not counted again; X's weighted count takes about a millisecond)."""
    return platform.count(text)


@dataclass(frozen=True)
class CopyStep:
    """What one press of the copy key copies on a platform."""

    text: str
    index: int
    """0-based index of the post copied (0 for a single post)."""
    total: int
    """How many posts the version has."""

    @property
    def label(self) -> str:
        """ "2/4" for a thread's post, "" for a single post."""
        return f"{self.index + 1}/{self.total}" if self.total > 1 else ""


def copy_step(version: "PlatformVersion", index: int) -> CopyStep:
    """The post of ``version`` at ``index`` (wrapped into range): the thread's current post."""
    posts = version.posts
    at = index % len(posts)
    return CopyStep(posts[at], at, len(posts))


def version_notes(version: "PlatformVersion | None", text: str, *, label: str, adapting: bool,
                  busy: bool) -> list[str]:
    """What the preview says above a platform's posts: adapting now, not adapted yet, edited by
    hand, adapted from an older LinkedIn post."""
    if adapting:
        return [f"⏳ Adapting the post for {label}… (escape cancels)"]
    if version is None:
        if not text.strip():
            return [f"Nothing to adapt for {label} yet: generate a draft (ctrl+g) or write the LinkedIn post."]
        if busy:
            return [f"No {label} version yet: ctrl+r adapts the post once the running request ends."]
        return [f"No {label} version yet: ctrl+r adapts the post."]
    notes = []
    if version.stale(text):
        again = "ctrl+r adapts it again (asks first: you edited it)" if version.edited else "ctrl+r adapts it again"
        notes.append(f"⚠ The LinkedIn post changed since this version was adapted: {again}.")
    if version.edited:
        notes.append("✎ Edited by you (Editor, f3): ctrl+r asks before replacing it.")
    return notes

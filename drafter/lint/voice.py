"""The creator's voice as the linter sees it: their profile, and which AI tells are their habit.

A tell the author uses in their own posts is how they write, not a sign of a machine: the
``ai-phrase`` rule asks :meth:`VoiceHabits.posts_with` how many of their posts contain it.
The answer is computed per tell, only for tells found in the post being linted, and kept for
as long as the same :class:`~drafter.models.voice.Voice` object is in use (the app lints on
every keystroke: the author's posts are scanned once per tell, not once per keystroke).
"""

from __future__ import annotations

import bisect
import weakref
from typing import TYPE_CHECKING

from .phrases import find_tell

if TYPE_CHECKING:
    from ..models.voice import Profile, Voice
    from .phrases import Tell

_SEPARATOR = "\n\x00\n"
"""Between two posts in the scanned text: no tell matches across it (no pattern takes a NUL)."""


class VoiceHabits:
    """One voice's profile and, per tell, how many of its posts contain it (computed lazily)."""

    def __init__(self, voice: "Voice") -> None:
        self.profile: "Profile" = voice.profile
        texts = [p.text for p in voice.posts]
        self._all, self._starts = _joined(texts)
        self._hooks, self._hook_starts = _joined([_first_line(t) for t in texts])
        self._lowered = {"anywhere": self._all.lower(), "hook": self._hooks.lower()}
        self._counts: dict[tuple[str, str, str], int] = {}
        self.notes: list[str] = []
        """Tells that could not be checked against the posts in time (said once)."""

    def posts_with(self, tell: "Tell") -> int:
        """How many of the author's posts contain ``tell`` (a hook tell: in their first line)."""
        key = (tell.name, tell.regex, tell.where)
        found = self._counts.get(key)
        if found is None:
            text, starts = (self._hooks, self._hook_starts) if tell.where == "hook" else (self._all, self._starts)
            found = 0
            if tell.may_match(self._lowered["hook" if tell.where == "hook" else "anywhere"]):
                matches, note = find_tell(tell, text)
                if note:
                    self.notes.append(note.replace("on this post", "on your voice's posts"))
                found = len({bisect.bisect_right(starts, start) - 1 for start, end, _ in matches if end > start})
            self._counts[key] = found
        return found


def _first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.split("\n", 1)[0] if stripped else ""


def _joined(texts: list[str]) -> tuple[str, list[int]]:
    """The texts in one string (separated so nothing matches across two), and where each starts."""
    starts, pos = [], 0
    for text in texts:
        starts.append(pos)
        pos += len(text) + len(_SEPARATOR)
    return _SEPARATOR.join(texts), starts


_CACHE: dict[int, tuple["weakref.ref[Voice]", VoiceHabits]] = {}
_CACHE_SIZE = 4


def habits(voice: "Voice") -> VoiceHabits:
    """The habits of ``voice``, kept while that voice object lives (a new import or a reload
    is a new object, so its posts are scanned afresh)."""
    entry = _CACHE.get(id(voice))
    if entry is not None and entry[0]() is voice:
        return entry[1]
    for key in [k for k, (ref, _) in _CACHE.items() if ref() is None]:
        del _CACHE[key]
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    found = VoiceHabits(voice)
    _CACHE[id(voice)] = (weakref.ref(voice), found)
    return found

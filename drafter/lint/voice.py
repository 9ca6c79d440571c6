"""The creator's voice as the linter sees it: their profile, and which AI tells are their habit.

A tell the author uses in their own posts is how they write, not a sign of a machine: the
``ai-phrase`` rule asks :meth:`VoiceHabits.posts_with` how many of their posts contain it.
The answer is computed per tell, only for tells found in the post being linted, and kept for
as long as the same :class:`~drafter.models.voice.Voice` object is in use (the app lints on
every keystroke: the author's posts are scanned once per tell, not once per keystroke).
"""

from __future__ import annotations

import functools
import weakref
from typing import TYPE_CHECKING

from .phrases import MATCH_TIMEOUT

if TYPE_CHECKING:
    from ..models.voice import Profile, Voice
    from .phrases import Tell


class VoiceHabits:
    """One voice's profile and, per tell, how many of its posts contain it (computed lazily)."""

    def __init__(self, voice: "Voice") -> None:
        self.profile: "Profile" = voice.profile
        texts = [p.text for p in voice.posts]
        hooks = [_first_line(t) for t in texts]
        self._texts = {"anywhere": [(t, t.lower()) for t in texts], "hook": [(h, h.lower()) for h in hooks]}
        self._counts: dict[tuple[str, str, str], int] = {}
        self.notes: list[str] = []
        """Tells that could not be checked against the posts in time (said once each)."""

    @functools.cached_property
    def body_tags_share(self) -> float:
        """The share of the author's posts with a hashtag in the body (as ``hashtag-placement``
        sees it: outside the last lines of tags)."""
        from .rules import body_tags
        from .text import PostView

        texts = self._texts["anywhere"]
        return sum(bool(body_tags(PostView(t))) for t, _ in texts) / len(texts) if texts else 0.0

    def posts_with(self, tell: "Tell") -> int:
        """How many of the author's posts contain ``tell`` (a hook tell: in their first line).

        Each post is searched on its own (a match never spans two posts), after the tell's
        literal prefilter; a pattern that runs past :data:`~.phrases.MATCH_TIMEOUT` on one post
        stops the count (0: not a habit) with a note."""
        key = (tell.name, tell.regex, tell.where)
        found = self._counts.get(key)
        if found is None:
            found = 0
            for text, lowered in self._texts["hook" if tell.where == "hook" else "anywhere"]:
                if not tell.may_match(lowered):
                    continue
                try:
                    found += tell.pattern.search(text, timeout=MATCH_TIMEOUT) is not None
                except TimeoutError:
                    where = f"{tell.source}: " if tell.source else ""
                    self.notes.append(f"{where}AI-tell pattern {tell.regex or tell.name!r} took over "
                                      f"{MATCH_TIMEOUT:g} s on one of your voice's posts; not checked against them")
                    found = 0
                    break
            self._counts[key] = found
        return found


def _first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.split("\n", 1)[0] if stripped else ""


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

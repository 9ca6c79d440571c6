"""Draft titles: the user's name for a draft, or its hook as the post shows it.

A draft the user has not named is titled by its hook, derived again on every read and save
(:func:`auto_title`), never cut inside a word; a copy is named "<title> (copy)" (:func:`copy_title`).
Files written before drafters recorded who set the title are worked out by :func:`resolve_title`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

from ..common.safe_text import one_line
from .post import Parts
from .text_rules import SENTENCE_END

if TYPE_CHECKING:
    from .draft import SourceRecord
    from .source import Source

TITLE_CHARS = 60
"""Longest title drafter makes by itself (and longest slug in an id)."""


class _Named(Protocol):
    """What a title is made from, of a source: its title and topic."""

    @property
    def title(self) -> str | None: ...

    @property
    def topic(self) -> str: ...


def clean_title(title: str) -> str:
    """One line, at most 200 characters, never empty."""
    return one_line(title)[:200] or "Untitled draft"


def short_title(text: str, limit: int = TITLE_CHARS) -> str:
    """The first ``limit`` characters of ``text`` on one line, cut at a word boundary."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else text[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"


_FIRST_SENTENCE = re.compile(SENTENCE_END + r"(?=\s)")
_MIN_SENTENCE = 20
"""A first sentence shorter than this ("Hi.") is not a title on its own."""


def auto_title(text: str, hook: str = "", source: "_Named | None" = None,
               limit: int = TITLE_CHARS) -> str:
    """The title of a draft the user has not named: its hook, as the post shows it.

    The hook is the post's first paragraph (else ``hook``, else the source's title or topic). Its
    first sentence when that fits in ``limit`` characters (a final "." dropped), else its first
    whole words with "…". Never cut inside a word, never empty.
    """
    first = next((block for block in text.split("\n\n") if block.strip()), "")
    candidates = [first, hook]
    if source is not None:
        candidates += [source.title or "", source.topic]
    line = next((one_line(c) for c in candidates if c and c.strip()), "")
    if not line:
        return "Untitled draft"
    end = _FIRST_SENTENCE.search(line)
    sentence = line[: end.end()] if end else line
    if _MIN_SENTENCE <= len(sentence) <= limit:
        return sentence[:-1] if sentence.endswith(".") else sentence
    return short_title(line, limit)


def _legacy_auto_titles(hook: str, source: _Named) -> set[str]:
    """The titles drafter gave by itself before ``title_set`` (the topic, or the hook, title or topic cut)."""
    found = {clean_title(source.topic)} if source.topic.strip() else set()
    found |= {short_title(c) for c in (hook, source.title or "", source.topic) if c and c.strip()}
    return found


def resolve_title(title: str, title_set: bool | None, text: str, hook: str,
                  source: _Named) -> tuple[str, bool]:
    """(title to show, whether the user set it). ``title_set`` None is a file from before the field:
    a title drafter would have given by itself is taken as not set, so it follows the hook from now on."""
    if title_set is None:
        title_set = clean_title(title) not in _legacy_auto_titles(hook, source)
    return (clean_title(title) if title_set else auto_title(text, hook, source)), title_set


def copy_title(title: str, limit: int = TITLE_CHARS) -> str:
    """The title of a duplicate: "<title> (copy)", then "(copy 2)", "(copy 3)"… for a copy of a
    copy; a long title is cut at a whole word first, and never ends in "…" before the suffix."""
    base, number = title, 0
    found = re.fullmatch(r"(.*?)\s*\(copy(?: (\d+))?\)", title)
    if found:
        base, number = found[1], int(found[2] or 1)
    suffix = " (copy)" if number == 0 else f" (copy {number + 1})"
    base = one_line(base).rstrip("…").rstrip(" ,;:.-–—")
    if len(base) + len(suffix) > limit:
        head = base[: limit - len(suffix) + 1]
        base = (head.rsplit(" ", 1)[0] if " " in head else head[:-1]).rstrip(" ,;:.-–—")
    return (base or "Untitled draft") + suffix


def default_title(source: "Source | SourceRecord | None", parts: Parts | None = None) -> str:
    """From the hook, else the source's title or topic, else its first line; ~60 chars."""
    candidates = [parts.hook if parts else ""]
    if source is not None:
        first_line = next((ln for ln in (source.text or "").splitlines() if ln.strip()), "")
        candidates += [source.title or "", source.topic, first_line]
    return next((short_title(c) for c in candidates if c and c.strip()), "Untitled draft")

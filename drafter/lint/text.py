"""A parsed view of a post: lines, hook, hashtags, takeaways, question, sentence starts.

Everything is an offset into the original text (so findings can point at it) and is
computed lazily, once per lint call. When :class:`~drafter.models.post.Parts` are given, their
hook, takeaways and question are located in the text; anything not found is inferred:
hook = first non-blank line; takeaways = lines starting with a list marker; question = the
last sentence ending in "?" after the takeaways (or the hook), before the hashtag lines.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Literal, NamedTuple

from ..models.text_rules import LIST_MARKER, SENTENCE_END, WELL_FORMED_TAG

if TYPE_CHECKING:
    from ..models.post import Parts

_BREAK = re.compile(r"\r\n|\r|\n")
# "#" tokens: not inside a word, a URL path, an HTML entity or a "##" run.
_TAG = re.compile(r"(?<![\w&/#])#+[^\s#]*")
_TAG_TRAIL = re.compile(r"[.,;:!?)\]}\"'”’…]+$")
_SPACED_TAG = re.compile(r"#[ \t]+([^\W\d_][^\s#]*)")
_TAG_LINE_REST = re.compile(r"[\s,;|·•/.]*")
_SENTENCE_END = re.compile(SENTENCE_END + r"\s+")
_FIRST_WORD = re.compile(r"[^\w\n]{0,4}?([^\W\d_][\w'’-]*)")

TagKind = Literal["ok", "malformed", "spaced", "bare"]


class Span(NamedTuple):
    start: int
    end: int


@dataclass(slots=True)
class Line:
    index: int
    start: int
    """Offset of the line's first character."""
    end: int
    """Offset just past the line's last non-space character."""
    body: int
    """Offset of the first non-space character (== end when blank)."""
    term: int | None
    """Offset of the line break after it (None for the last line)."""

    @property
    def blank(self) -> bool:
        return self.body >= self.end


@dataclass(slots=True)
class Tag:
    start: int
    end: int
    raw: str
    kind: TagKind
    line: int

    @property
    def key(self) -> str:
        return self.raw.lstrip("#").lower()


def split_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    start = 0
    breaks = [(m.start(), m.end()) for m in _BREAK.finditer(text)] + [(len(text), None)]
    for index, (term, after) in enumerate(breaks):
        raw = text[start:term]
        end = start + len(raw.rstrip())
        body = start + (len(raw) - len(raw.lstrip())) if end > start else end
        lines.append(Line(index, start, end, min(body, end), term if after is not None else None))
        if after is not None:
            start = after
    return lines


class PostView:
    """The post as the rules see it."""

    def __init__(self, text: str, parts: "Parts | None" = None) -> None:
        self.text = text
        self.parts = parts
        self.lines = split_lines(text)
        self._starts = [line.start for line in self.lines]

    # ---- positions -------------------------------------------------------------------
    def line_at(self, offset: int) -> Line:
        return self.lines[max(0, bisect.bisect_right(self._starts, offset) - 1)]

    def line_col(self, offset: int) -> tuple[int, int]:
        line = self.line_at(offset)
        return line.index + 1, offset - line.start + 1

    @cached_property
    def content(self) -> list[Line]:
        return [line for line in self.lines if not line.blank]

    @cached_property
    def lowered(self) -> str:
        return self.text.lower()

    @cached_property
    def shown(self) -> tuple[str, list[int]]:
        """What LinkedIn shows (== ``post.collapse_blank_lines``) and, per shown character,
        its offset in the text."""
        emitted: list[Line] = []
        for line in self.lines:
            if line.blank and emitted and emitted[-1].blank:
                continue
            emitted.append(line)
        positions: list[int] = []
        pieces: list[str] = []
        for i, line in enumerate(emitted):
            if i:
                positions.append(emitted[i - 1].term or 0)
                pieces.append("\n")
            positions.extend(range(line.start, line.end))
            pieces.append(self.text[line.start : line.end])
        shown = "".join(pieces)
        lead = len(shown) - len(shown.lstrip("\n"))
        trail = len(shown) - len(shown.rstrip("\n"))
        return shown[lead : len(shown) - trail], positions[lead : len(positions) - trail]

    def shown_offset(self, count: int) -> int:
        """Offset in the text of the ``count``-th shown character (0-based)."""
        positions = self.shown[1]
        return positions[count] if count < len(positions) else len(self.text)

    def shown_length(self, end: int) -> int:
        """How many shown characters come before text offset ``end``."""
        if end <= 0:
            return 0
        positions = self.shown[1]
        return bisect.bisect_left(positions, end)

    # ---- hashtags --------------------------------------------------------------------
    @cached_property
    def tags(self) -> list[Tag]:
        """Every "#" token, classified; "#1"-style ranks are not tags and are left out."""
        tags: list[Tag] = []
        text = self.text
        for m in _TAG.finditer(text):
            raw = _TAG_TRAIL.sub("", m.group())
            start, end = m.start(), m.start() + len(raw)
            line = self.line_at(start).index
            if raw.strip("#") == "":
                spaced = _SPACED_TAG.match(text, start)
                if raw == "#" and spaced and "\n" not in spaced.group():
                    word = _TAG_TRAIL.sub("", spaced.group())
                    tags.append(Tag(start, start + len(word), word, "spaced", line))
                else:
                    tags.append(Tag(start, end, raw, "bare", line))
                continue
            if raw.lstrip("#").isdigit():
                continue
            kind: TagKind = "ok" if WELL_FORMED_TAG.fullmatch(raw) else "malformed"
            tags.append(Tag(start, end, raw, kind, line))
        return tags

    @cached_property
    def tag_lines(self) -> frozenset[int]:
        """Indexes of the trailing block of lines that hold nothing but hashtags."""
        by_line: dict[int, list[Tag]] = {}
        for tag in self.tags:
            by_line.setdefault(tag.line, []).append(tag)
        block: set[int] = set()
        for line in reversed(self.content):
            tags = by_line.get(line.index)
            if not tags:
                break
            rest, pos = [], line.start
            for tag in tags:
                rest.append(self.text[pos : tag.start])
                pos = tag.end
            rest.append(self.text[pos : line.end])
            if not _TAG_LINE_REST.fullmatch("".join(rest)):
                break
            block.add(line.index)
        return frozenset(block)

    # ---- hook, takeaways, question ---------------------------------------------------
    @cached_property
    def hook(self) -> Span | None:
        if self.parts is not None:
            found = self._find(self.parts.hook)
            if found is not None:
                return found
        first = self.content[0] if self.content else None
        return Span(first.body, first.end) if first else None

    @cached_property
    def takeaways(self) -> list[Span]:
        if self.parts is not None and self.parts.takeaways:
            spans, pos = [], 0
            for item in self.parts.takeaways:
                found = self._find(item, pos)
                if found is None:
                    break
                spans.append(found)
                pos = found.end
            else:
                return spans
        hook_line = self.line_at(self.hook.start).index if self.hook else -1
        spans = []
        for line in self.content:
            if line.index == hook_line or line.index in self.tag_lines:
                continue
            m = LIST_MARKER.match(self.text, line.start, line.end)
            if m and m.end() < line.end:
                spans.append(Span(m.end(), line.end))
        return spans

    @cached_property
    def question(self) -> Span | None:
        if self.parts is not None:
            q = self.parts.question
            found = self._find(q) or self._find(q[:1].lower() + q[1:])
            if found is not None:
                return found
        after = self.takeaways[-1].end if self.takeaways else (self.hook.end if self.hook else 0)
        for line in reversed(self.content):
            if line.end <= after:
                break
            if line.index in self.tag_lines:
                continue
            mark = self.text.rfind("?", max(line.body, after), line.end)
            if mark < 0:
                continue
            start = max(line.body, after)
            for m in _SENTENCE_END.finditer(self.text, start, mark):
                if m.end() <= mark:
                    start = m.end()
            return Span(start, mark + 1)
        return None

    def _find(self, needle: str, pos: int = 0) -> Span | None:
        needle = needle.strip()
        if not needle:
            return None
        at = self.text.find(needle, pos)
        return Span(at, at + len(needle)) if at >= 0 else None

    # ---- sentences -------------------------------------------------------------------
    @cached_property
    def openers(self) -> list[tuple[str, Span]]:
        """The first word of each sentence and each bullet, lowercased, with its span."""
        out: list[tuple[str, Span]] = []
        text = self.text
        for line in self.content:
            if line.index in self.tag_lines:
                continue
            m = LIST_MARKER.match(text, line.start, line.end)
            starts = [m.end() if m else line.body]
            starts += [s.end() for s in _SENTENCE_END.finditer(text, starts[0], line.end)]
            for start in starts:
                w = _FIRST_WORD.match(text, start, line.end)
                if w and not text.startswith("://", w.end(1)) and w.group(1).lower() != "www":
                    out.append((w.group(1).lower().replace("’", "'"), Span(w.start(1), w.end(1))))
        return out

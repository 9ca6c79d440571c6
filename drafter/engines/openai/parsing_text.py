"""The ``text`` output mode: labelled sections to ask for, and a tolerant reader of them.

``HOOK:``, ``TAKEAWAYS:`` with ``- `` lines, the extras' labels (``WHY_IT_MATTERS:``),
``QUESTION:``, ``HASHTAGS:``. The reader takes any case, bold or ``#`` headings, other
label names, bulleted or numbered items, and an answer with no labels at all.
"""

from __future__ import annotations

import re

from ...common.safe_text import one_line
from ...models.post import Parts, PartValue, PostSpec, strip_bullet
from ...models.text_rules import HASHTAG
from .parsing_values import build, describe_extra, lookup, norm, split_tags, strip_fences

ITEM = re.compile(r"^\s*(?:[-*•·‣◦▪●–—]|\(?\d{1,2}[.)])(?:\s+|$)")
"""A list item's marker: a bullet, or a number such as ``1.`` or ``(2)``."""
_LABEL = re.compile(  # "HOOK: x", "**Hook:** x", "**Hook**: x", "## Hook: x"
    r"^\s*(?:#{1,6}\s*)?(?P<b>\*\*|__)?\s*(?P<label>[A-Za-z][A-Za-z0-9 _'-]{0,40}?)\s*(?(b)(?:\*\*|__)?)\s*"
    r"[:：]\s*(?(b)(?:\*\*|__)?)\s*(?P<rest>.*?)\s*$"
)
_HEADING = re.compile(r"^\s*(?:#{1,6}\s*|\*\*|__)(?P<label>[A-Za-z][A-Za-z0-9 _'-]{0,40}?)(?:\*\*|__)?\s*$")
_QUOTES = "\"'“”‘’«»`"


# ---- what to ask for ------------------------------------------------------------------


def label_for(key: str) -> str:
    """The text-mode label of a part: ``hook`` -> ``HOOK``, ``why_it_matters`` -> ``WHY_IT_MATTERS``."""
    return key.upper()


def text_instructions(spec: PostSpec) -> str:
    """Output instructions for text mode: labelled sections :func:`parse_text_parts` reads."""
    lines = [
        "Answer in plain text with exactly these labelled sections, in this order, each label at the "
        "start of a line, and nothing else (no markdown, no bold, no code fences):",
        "HOOK: <one line that makes a reader stop scrolling>",
        "TAKEAWAYS:",
        *(f"- <takeaway {i}>" for i in range(1, spec.takeaways + 1)),
    ]
    for extra in spec.extras:
        lines.append(f"{label_for(extra.key)}: <{describe_extra(extra)}>")
    lines += [
        "QUESTION: <one specific discussion question ending with ?>",
        f"HASHTAGS: <exactly {spec.hashtags} hashtags on this line, like #CodeReview #Teams>",
    ]
    return "\n".join(lines)


def part_text_instructions(part: str) -> str:
    """Text-mode instructions when regenerating one part: the whole answer is the part."""
    shape = {
        "takeaways": 'the takeaways, one per line, each starting with "- "',
        "hashtags": "the hashtags on one line, like #OneTag #AnotherTag",
    }.get(part, f"the new {part} as one line")
    return f"Answer with {shape}, and nothing else: no label, no quotes, no commentary."


def hooks_text_instructions(n: int) -> str:
    return f"Answer with exactly {n} different hook lines, one per line, numbered 1. to {n}., and nothing else."


def render_sections(parts: Parts, spec: PostSpec) -> str:
    """Parts in the labelled text form :func:`text_instructions` asks for."""
    lines = [f"HOOK: {parts.hook}", "TAKEAWAYS:", *(f"- {t}" for t in parts.takeaways)]
    lines += [f"{label_for(k)}: {v}" for k, v in parts.extras.items()]
    lines += [f"QUESTION: {parts.question}", "HASHTAGS: " + " ".join(parts.hashtags)]
    return "\n".join(lines)


# ---- reading labelled text -----------------------------------------------------------


def label_of(line: str, table: dict[str, str]) -> tuple[str, str] | None:
    """(part, rest of the line) when ``line`` opens a labelled section, else None."""
    match = _LABEL.match(line) or _HEADING.match(line)
    if match is None:
        return None
    part = table.get(norm(match.group("label")))
    if part is None:
        return None
    rest = match.groupdict().get("rest") or ""
    return part, rest


def _sections(text: str, spec: PostSpec) -> list[tuple[str, list[str]]]:
    table = lookup(spec)
    sections: list[tuple[str, list[str]]] = []
    for line in strip_fences(text).splitlines():
        found = label_of(line, table)
        if found is not None:
            part, rest = found
            sections.append((part, [rest] if rest else []))
        elif sections:
            sections[-1][1].append(line)
    return sections


def _items(lines: list[str]) -> list[str]:
    """List items: marked lines start items and unmarked ones continue them; else one per line."""
    lines = [line.strip() for line in lines if line.strip()]
    if not any(ITEM.match(line) for line in lines):
        return lines
    first = next(i for i, line in enumerate(lines) if ITEM.match(line))
    items: list[str] = []
    for line in lines[first:]:  # an unmarked line before the first item is chatter
        if ITEM.match(line):
            items.append(line)
        else:
            items[-1] += " " + line
    return items


def section_value(part: str, lines: list[str]) -> PartValue:
    """A section's lines as its part's value: list items, hashtags, or one line of text."""
    if part == "takeaways":
        return _items(lines)
    if part == "hashtags":
        return split_tags(" ".join(lines))
    return " ".join(line.strip() for line in lines if line.strip())


def partial_text_parts(text: str, spec: PostSpec) -> dict[str, PartValue]:
    """The labelled sections so far in a streamed text-mode answer."""
    out: dict[str, PartValue] = {}
    for part, lines in _sections(text, spec):
        value = section_value(part, lines)
        out.setdefault(part, [strip_bullet(v) for v in value] if part == "takeaways" else value)
    return out


def parse_text_parts(text: str, spec: PostSpec) -> Parts:
    """A post from labelled sections (any case, bold or # headings, bulleted or numbered items).

    An answer without any label is read as a post: first line the hook, list lines the
    takeaways, a line ending in "?" the question, ``#tags`` the hashtags.
    """
    values: dict[str, PartValue] = {}
    for part, lines in _sections(text, spec):
        value = section_value(part, lines)
        if value and not values.get(part):
            values[part] = value
    if not values:
        values = _unlabelled(text)
        if not values:
            raise ValueError("no HOOK:, TAKEAWAYS:, QUESTION: or HASHTAGS: section in the answer")
    return build(values, spec)


def _unlabelled(text: str) -> dict[str, PartValue]:
    lines = [line.strip() for line in strip_fences(text).splitlines() if line.strip()]
    tags = [line for line in lines if all(HASHTAG.fullmatch(w.strip(",")) for w in line.split())]
    body = [line for line in lines if line not in tags]
    if body and body[0].endswith(":") and not ITEM.match(body[0]):
        body = body[1:]  # "Here is your post:"
    if len(body) < 3 or not tags:
        return {}
    items = [line for line in body[1:] if ITEM.match(line)]
    questions = [line for line in body[1:] if line.endswith("?") and not ITEM.match(line)]
    if not (items and questions):
        return {}
    return {"hook": body[0], "takeaways": items, "question": questions[-1], "hashtags": split_tags(" ".join(tags))}


def clean_hook(text: str) -> str:
    """One line, without list markers, markdown bold or surrounding quotes."""
    line = one_line(ITEM.sub("", one_line(text), count=1)).replace("**", "")
    while len(line) >= 2 and line[0] in _QUOTES and line[-1] in _QUOTES:
        line = line[1:-1].strip()
    return line

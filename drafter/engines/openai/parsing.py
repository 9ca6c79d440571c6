"""How to ask a model for a post's parts, and how to read what it answers.

Pure functions, no ``openai`` import. Three output modes, in the order the OpenAI engine
tries them: ``json_schema`` (the server enforces :func:`json_schema_for`), ``json_object``
(the schema travels in the prompt) and ``text`` (labelled sections: ``HOOK:``,
``TAKEAWAYS:`` with ``- `` lines, ``QUESTION:``, ``HASHTAGS:``, ``WHY_IT_MATTERS:``...).
The readers are tolerant: code fences, chatter around the answer, other key names,
lists given as strings. They return validated :class:`Parts` or raise ``ValueError``
with the reason.

This module is the one to import: the JSON readers live in :mod:`.parsing_json`, the
labelled-text ones in :mod:`.parsing_text`, what they share in :mod:`.parsing_values`.
Here are the readers that take either form: a whole post in a given mode, one part,
hook variants. A post's version for another platform (``{"posts": [...]}`` or ``POST 1:``
labels) is read by :mod:`.parsing_posts`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from ...common.errors import first_error
from ...models.post import LIST_PARTS, Parts, PartValue, PostSpec, strip_bullet
from .parsing_json import (
    hooks_schema, json_instructions, json_schema_for, load_object, matches_schema, parse_json_parts,
    part_schema, partial_parts,
)
from .parsing_text import (
    clean_hook, hooks_text_instructions, label_for, label_of, parse_text_parts, part_text_instructions,
    partial_text_parts, render_sections, section_value, text_instructions,
)
from .parsing_posts import (
    matches_posts_schema, parse_posts, parse_text_posts, posts_json_instructions, posts_of, posts_schema,
    posts_text_instructions,
)
from .parsing_values import (
    TOLERANT_NOTE, as_text, coerce, lookup, norm, part_values, split_tags, strip_fences,
)

__all__ = [
    "TOLERANT_NOTE", "PartValue", "clean_hook", "hooks_schema", "hooks_text_instructions", "json_instructions",
    "json_schema_for", "label_for", "load_object", "matches_schema", "parse_hooks", "parse_json_parts",
    "parse_part", "parse_post", "parse_text_parts", "part_schema", "part_text_instructions", "part_values",
    "partial_part", "partial_parts", "partial_post", "partial_text_parts", "render_sections", "replace_part",
    "split_tags", "strip_fences", "text_instructions",
    # adapting a post for another platform (parsing_posts)
    "matches_posts_schema", "parse_posts", "parse_text_posts", "posts_json_instructions", "posts_of",
    "posts_schema", "posts_text_instructions",
]

_HOOK_LIST_KEYS = ("hooks", "hook_variants", "variants", "options", "headlines", "hook_options")


# ---- a whole post, in the mode it was asked for -----------------------------------------


def parse_post(text: str, mode: str, spec: PostSpec, notes: list[str]) -> Parts:
    """A post from an answer in ``mode``, trying the other form second; notes a loose JSON read."""
    readers = [parse_json_parts, parse_text_parts]
    if mode == "text":
        readers.reverse()
    try:
        parts = readers[0](text, spec)
    except ValueError as first:
        try:
            parts = readers[1](text, spec)
        except ValueError:
            raise first from None
    if mode != "text" and not matches_schema(text, spec):
        notes.append(TOLERANT_NOTE)
    return parts


def partial_post(text: str, mode: str, spec: PostSpec) -> dict[str, PartValue]:
    """The parts so far in a streamed answer in ``mode``."""
    if mode == "text":
        return partial_text_parts(text, spec)
    return part_values(partial_parts(text), spec)


# ---- one part, hook variants ----------------------------------------------------------


def parse_part(text: str, part: str, spec: PostSpec) -> PartValue:
    """A regenerated part: ``{"<part>": ...}`` JSON, or the whole answer as the part."""
    body = strip_fences(text).strip()
    if body.startswith("{"):
        obj = load_object(body)
        values = part_values(obj, spec)
        if part in values:
            return values[part]
        if len(obj) == 1:
            return coerce(part, next(iter(obj.values())))
        raise ValueError(f"the JSON has no {part}")
    lines = body.splitlines()
    found = label_of(lines[0], lookup(spec)) if lines else None
    if found is not None and found[0] == part:
        lines = [found[1], *lines[1:]]
    value = section_value(part, lines)
    if part not in LIST_PARTS:  # drop "Here is a new hook:" and quotes around the text
        kept = [line for line in lines if line.strip() and not line.rstrip().endswith(":")]
        value = clean_hook(" ".join(kept or lines))
    if not value:
        raise ValueError(f"the answer holds no {part}")
    return value


def partial_part(text: str, mode: str, part: str, spec: PostSpec) -> dict[str, PartValue]:
    """``{part: value}`` so far in a streamed answer that regenerates ``part`` (``{}`` before it)."""
    if mode != "text":
        return {k: v for k, v in part_values(partial_parts(text), spec).items() if k == part}
    try:
        value = parse_part(text, part, spec)
    except ValueError:
        return {}
    return {part: [strip_bullet(v) for v in value] if part == "takeaways" else value}


def replace_part(current: Parts, part: str, value: PartValue, spec: PostSpec) -> Parts:
    """``current`` with ``part`` replaced by ``value``, validated and fitted; else ``ValueError``."""
    try:
        return current.replace(part, value).fit(spec)
    except ValidationError as exc:
        raise ValueError(first_error(exc)) from None


def parse_hooks(text: str, n: int) -> list[str]:
    """Up to ``n`` distinct hook lines from ``{"hooks": [...]}`` JSON or one-per-line text."""
    body = strip_fences(text).strip()
    value: Any = None
    for opener in ("{", "["):
        start = body.find(opener)
        if start >= 0:
            try:
                value = json.JSONDecoder().raw_decode(body, start)[0]
                break
            except ValueError:
                continue
    if isinstance(value, dict):
        lists = [v for k, v in value.items() if norm(k) in _HOOK_LIST_KEYS and isinstance(v, list)]
        lists = lists or [v for v in value.values() if isinstance(v, list)]
        value = lists[0] if lists else [v for v in value.values() if isinstance(v, str)]
    items: list[Any] = value if isinstance(value, list) else [
        line for line in body.splitlines() if not line.rstrip().endswith(":")
    ]
    hooks: list[str] = []
    seen: set[str] = set()
    for item in items:
        hook = clean_hook(as_text(item))
        if hook and hook.casefold() not in seen:
            seen.add(hook.casefold())
            hooks.append(hook)
    if not hooks:
        raise ValueError("the answer holds no hook lines")
    return hooks[:n]

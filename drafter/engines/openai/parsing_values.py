"""What the JSON and the labelled-text readers share: part names and their synonyms, values
coerced to ``str`` / ``list[str]``, and validated :class:`Parts` built from them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from ...common.errors import first_error
from ...models.post import LIST_PARTS, PART_NAMES, Extra, PartName, Parts, PartValue, PostSpec

SYNONYMS: dict[PartName, tuple[str, ...]] = {
    "hook": ("hook", "hook_line", "title", "headline", "opener", "opening", "opening_line", "first_line"),
    "takeaways": (
        "takeaways", "key_takeaways", "takeaway", "points", "key_points", "bullets",
        "bullet_points", "insights", "lessons", "highlights", "main_points",
    ),
    "question": (
        "question", "discussion_question", "closing_question", "engagement_question",
        "cta", "call_to_action", "discussion_prompt",
    ),
    "hashtags": ("hashtags", "hashtag", "tags", "tag", "hash_tags"),
}
TOLERANT_NOTE = "the model's JSON did not follow the schema exactly; it was read tolerantly"
"""The note on a result read from JSON that did not follow the schema asked for."""
_FENCE = re.compile(r"```[A-Za-z]*")


def strip_fences(text: str) -> str:
    """Remove markdown code fences (```json ... ```) wherever they are."""
    return _FENCE.sub("", text)


def describe_extra(extra: Extra) -> str:
    return extra.description or extra.label.rstrip(": ") or extra.key


@lru_cache(maxsize=1024)
def norm(key: object) -> str:
    """A key or label compared loosely: lower case, runs of other characters as one ``_``."""
    return re.sub(r"[^a-z0-9]+", "_", str(key).lower()).strip("_")


def lookup(spec: PostSpec) -> dict[str, str]:
    """Normalised key or label -> part name, for the four parts and the spec's extras."""
    # Called on every streamed chunk: the table depends only on the extras, so it is cached.
    return _lookup_for(tuple((e.key, e.label) for e in spec.extras))


@lru_cache(maxsize=64)
def _lookup_for(extras: tuple[tuple[str, str], ...]) -> dict[str, str]:
    table = {norm(s): part for part, names in SYNONYMS.items() for s in names}
    for key, label in extras:
        table.setdefault(key, key)
        if label:
            table.setdefault(norm(label), key)
    return table


def as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " ".join(as_text(v) for v in value)
    if isinstance(value, dict):
        return " ".join(as_text(v) for v in value.values())
    return "" if value is None else str(value)


def split_tags(text: str) -> list[str]:
    """Hashtags given as one string: "#A #B" (other words are chatter), "A, B", or "A B"."""
    if "#" in text:
        return [t for t in re.split(r"[\s,;]+", text) if t.startswith("#") and t.strip("#")]
    sep = r"[,;\n]+" if re.search(r"[,;\n]", text) else r"\s+"
    return [t.strip() for t in re.split(sep, text) if t.strip()]


def coerce(part: str, value: Any) -> PartValue:
    """A value as its part wants it: a list for takeaways and hashtags, else a string."""
    if part not in LIST_PARTS:
        return as_text(value)
    if isinstance(value, str):
        return split_tags(value) if part == "hashtags" else [v for v in value.splitlines() if v.strip()]
    if isinstance(value, list):
        return [as_text(v) for v in value]
    return [as_text(value)]


def part_values(raw: dict[str, Any], spec: PostSpec) -> dict[str, PartValue]:
    """Map a model's keys to part names (synonyms, any case) and values to str / list[str]."""
    table = lookup(spec)
    flat = dict(raw)
    nested = flat.pop("extras", None)
    if isinstance(nested, dict):
        flat = {**nested, **flat}
    out: dict[str, PartValue] = {}
    for key, value in flat.items():
        part = table.get(norm(key))
        if part is not None and part not in out and value is not None:
            out[part] = coerce(part, value)
    return out


def build(values: dict[str, PartValue], spec: PostSpec) -> Parts:
    """Validated parts, fitted to the spec; ``ValueError`` names what is missing or wrong."""
    missing = [p for p in PART_NAMES if not values.get(p)]
    if missing:
        raise ValueError(f"no {' or '.join(missing)} in the answer")
    extras = {k: str(values[k]) for k in spec.extra_keys if values.get(k)}
    try:
        parts = Parts(**{p: values[p] for p in PART_NAMES}, extras=extras)
    except ValidationError as exc:
        raise ValueError(first_error(exc)) from None
    return parts.fit(spec)

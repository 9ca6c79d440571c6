"""How to ask a model for a post's parts, and how to read what it answers.

Pure functions, no ``openai`` import. Three output modes, in the order the OpenAI engine
tries them: ``json_schema`` (the server enforces :func:`json_schema_for`), ``json_object``
(the schema travels in the prompt) and ``text`` (labelled sections: ``HOOK:``,
``TAKEAWAYS:`` with ``- `` lines, ``QUESTION:``, ``HASHTAGS:``, ``WHY_IT_MATTERS:``...).
The readers are tolerant: code fences, chatter around the answer, other key names,
lists given as strings. They return validated :class:`Parts` or raise ``ValueError``
with the reason.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from ..post import PART_NAMES, Extra, Parts, PostSpec, one_line, strip_bullet

PartValue = str | list[str]

_SYNONYMS: dict[str, tuple[str, ...]] = {
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
_LIST_PARTS = ("takeaways", "hashtags")
_HOOK_LIST_KEYS = ("hooks", "hook_variants", "variants", "options", "headlines", "hook_options")
_FENCE = re.compile(r"```[A-Za-z]*")
_ITEM = re.compile(r"^\s*(?:[-*•·‣◦▪●–—]|\(?\d{1,2}[.)])(?:\s+|$)")
_LABEL = re.compile(  # "HOOK: x", "**Hook:** x", "**Hook**: x", "## Hook: x"
    r"^\s*(?:#{1,6}\s*)?(?P<b>\*\*|__)?\s*(?P<label>[A-Za-z][A-Za-z0-9 _'-]{0,40}?)\s*(?(b)(?:\*\*|__)?)\s*"
    r"[:：]\s*(?(b)(?:\*\*|__)?)\s*(?P<rest>.*?)\s*$"
)
_HEADING = re.compile(r"^\s*(?:#{1,6}\s*|\*\*|__)(?P<label>[A-Za-z][A-Za-z0-9 _'-]{0,40}?)(?:\*\*|__)?\s*$")
_TAG = re.compile(r"#\w+")
_QUOTES = "\"'“”‘’«»`"


# ---- what to ask for ------------------------------------------------------------------


def label_for(key: str) -> str:
    """The text-mode label of a part: ``hook`` -> ``HOOK``, ``why_it_matters`` -> ``WHY_IT_MATTERS``."""
    return key.upper()


def json_schema_for(spec: PostSpec) -> dict[str, Any]:
    """A strict JSON schema (all keys required, nothing else allowed) for a whole post."""
    base = Parts.model_json_schema()["properties"]
    props: dict[str, Any] = {}
    for name in PART_NAMES:
        prop = {k: v for k, v in base[name].items() if k != "title"}
        if name in _LIST_PARTS:
            count = spec.takeaways if name == "takeaways" else spec.hashtags
            prop.update(items={"type": "string"}, minItems=count, maxItems=count)
        props[name] = prop
    for extra in spec.extras:
        if extra.key not in props:
            props[extra.key] = {"type": "string", "description": _describe_extra(extra)}
    return _object_schema(props)


def _describe_extra(extra: Extra) -> str:
    return extra.description or extra.label.rstrip(": ") or extra.key


def part_schema(part: str, spec: PostSpec) -> dict[str, Any]:
    """A schema for ``{"<part>": ...}``: one part of a post, for regenerating it."""
    return _object_schema({part: json_schema_for(spec)["properties"][part]})


def hooks_schema(n: int) -> dict[str, Any]:
    """A schema for ``{"hooks": [n strings]}``."""
    hooks = {"type": "array", "items": {"type": "string"}, "minItems": n, "maxItems": n,
             "description": "Alternative hook lines, each one line, all different."}
    return _object_schema({"hooks": hooks})


def _object_schema(props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}


def json_instructions(schema: dict[str, Any], *, in_prompt: bool) -> str:
    """Output instructions for the JSON modes; ``in_prompt`` spells the schema out (json_object)."""
    keys = ", ".join(_describe_key(k, p) for k, p in schema["properties"].items())
    text = f"Answer with one JSON object only, with exactly these keys: {keys}. No code fences, no text before or after it."
    if in_prompt:
        text += "\nThe object must match this JSON schema:\n" + json.dumps(schema, ensure_ascii=False)
    return text


def _describe_key(key: str, prop: dict[str, Any]) -> str:
    if prop.get("type") == "array":
        return f'"{key}" (a list of exactly {prop.get("maxItems", "some")} strings)'
    return f'"{key}" (a string)'


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
        lines.append(f"{label_for(extra.key)}: <{_describe_extra(extra)}>")
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


# ---- reading JSON ---------------------------------------------------------------------


def strip_fences(text: str) -> str:
    """Remove markdown code fences (```json ... ```) wherever they are."""
    return _FENCE.sub("", text)


def partial_parts(text: str) -> dict[str, Any]:
    """The JSON object so far in a streamed answer (``{}`` until one starts)."""
    body = strip_fences(text)
    line_start = re.search(r"(?m)^[ \t]*\{", body)  # past chatter such as "Here it is (as {json}):"
    start = line_start.end() - 1 if line_start else body.find("{")
    if start < 0:
        return {}
    import jiter

    try:
        value = jiter.from_json(body[start:].encode("utf-8"), partial_mode="trailing-strings")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def load_object(text: str) -> dict[str, Any]:
    """The first JSON object in ``text``, past fences and chatter; ``{"post": {...}}`` is unwrapped."""
    body = strip_fences(text)
    first = body.find("{")
    if first < 0:
        raise ValueError("the answer holds no JSON object")
    # The first brace, then braces that open a line (after chatter that had a brace in it).
    starts = [first] + [m.end() - 1 for m in re.finditer(r"(?m)^[ \t]*\{", body) if m.end() - 1 > first][:4]
    decoder = json.JSONDecoder()
    for start in starts:
        try:
            value, _ = decoder.raw_decode(body, start)
        except ValueError:
            continue
        if isinstance(value, dict):
            if len(value) == 1 and isinstance(next(iter(value.values())), dict):
                value = next(iter(value.values()))
            return value
    raise ValueError("the JSON in the answer is malformed or incomplete")


@lru_cache(maxsize=1024)
def _norm(key: object) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(key).lower()).strip("_")


def _lookup(spec: PostSpec) -> dict[str, str]:
    # Called on every streamed chunk: the table depends only on the extras, so it is cached.
    return _lookup_for(tuple((e.key, e.label) for e in spec.extras))


@lru_cache(maxsize=64)
def _lookup_for(extras: tuple[tuple[str, str], ...]) -> dict[str, str]:
    table = {_norm(s): part for part, names in _SYNONYMS.items() for s in names}
    for key, label in extras:
        table.setdefault(key, key)
        if label:
            table.setdefault(_norm(label), key)
    return table


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " ".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return " ".join(_as_text(v) for v in value.values())
    return "" if value is None else str(value)


def split_tags(text: str) -> list[str]:
    """Hashtags given as one string: "#A #B" (other words are chatter), "A, B", or "A B"."""
    if "#" in text:
        return [t for t in re.split(r"[\s,;]+", text) if t.startswith("#") and t.strip("#")]
    sep = r"[,;\n]+" if re.search(r"[,;\n]", text) else r"\s+"
    return [t.strip() for t in re.split(sep, text) if t.strip()]


def _coerce(part: str, value: Any) -> PartValue:
    if part not in _LIST_PARTS:
        return _as_text(value)
    if isinstance(value, str):
        return split_tags(value) if part == "hashtags" else [v for v in value.splitlines() if v.strip()]
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    return [_as_text(value)]


def part_values(raw: dict[str, Any], spec: PostSpec) -> dict[str, PartValue]:
    """Map a model's keys to part names (synonyms, any case) and values to str / list[str]."""
    table = _lookup(spec)
    flat = dict(raw)
    nested = flat.pop("extras", None)
    if isinstance(nested, dict):
        flat = {**nested, **flat}
    out: dict[str, PartValue] = {}
    for key, value in flat.items():
        part = table.get(_norm(key))
        if part is not None and part not in out and value is not None:
            out[part] = _coerce(part, value)
    return out


def _build(values: dict[str, PartValue], spec: PostSpec) -> Parts:
    missing = [p for p in PART_NAMES if not values.get(p)]
    if missing:
        raise ValueError(f"no {' or '.join(missing)} in the answer")
    extras = {k: str(values[k]) for k in spec.extra_keys if values.get(k)}
    try:
        parts = Parts(**{p: values[p] for p in PART_NAMES}, extras=extras)
    except ValidationError as exc:
        raise ValueError(validation_reason(exc)) from None
    return parts.fit(spec)


def validation_reason(exc: ValidationError) -> str:
    """The first problem of a validation error, as "field: reason"."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg'].removeprefix('Value error, ')}"


def parse_json_parts(text: str, spec: PostSpec) -> Parts:
    """A post from a JSON answer, tolerating fences, chatter, other key names and shapes."""
    obj = load_object(text)
    values = part_values(obj, spec)
    if not any(p in values for p in PART_NAMES):
        keys = ", ".join(list(map(str, obj))[:6]) or "none"
        raise ValueError(f"the JSON has none of the post's keys (it has: {keys})")
    return _build(values, spec)


def matches_schema(text: str, spec: PostSpec) -> bool:
    """True when the answer is exactly the JSON object :func:`json_schema_for` describes."""
    try:
        obj = json.loads(text)
    except ValueError:
        return False
    if not isinstance(obj, dict) or set(obj) != set(json_schema_for(spec)["properties"]):
        return False
    lists = (obj["takeaways"], obj["hashtags"])
    return all(isinstance(v, list) for v in lists) and len(lists[0]) == spec.takeaways and len(lists[1]) == spec.hashtags


# ---- reading labelled text -----------------------------------------------------------


def _label_of(line: str, table: dict[str, str]) -> tuple[str, str] | None:
    match = _LABEL.match(line) or _HEADING.match(line)
    if match is None:
        return None
    part = table.get(_norm(match.group("label")))
    if part is None:
        return None
    rest = match.groupdict().get("rest") or ""
    return part, rest


def _sections(text: str, spec: PostSpec) -> list[tuple[str, list[str]]]:
    table = _lookup(spec)
    sections: list[tuple[str, list[str]]] = []
    for line in strip_fences(text).splitlines():
        found = _label_of(line, table)
        if found is not None:
            part, rest = found
            sections.append((part, [rest] if rest else []))
        elif sections:
            sections[-1][1].append(line)
    return sections


def _items(lines: list[str]) -> list[str]:
    """List items: marked lines start items and unmarked ones continue them; else one per line."""
    lines = [line.strip() for line in lines if line.strip()]
    if not any(_ITEM.match(line) for line in lines):
        return lines
    first = next(i for i, line in enumerate(lines) if _ITEM.match(line))
    items: list[str] = []
    for line in lines[first:]:  # an unmarked line before the first item is chatter
        if _ITEM.match(line):
            items.append(line)
        else:
            items[-1] += " " + line
    return items


def _section_value(part: str, lines: list[str]) -> PartValue:
    if part == "takeaways":
        return _items(lines)
    if part == "hashtags":
        return split_tags(" ".join(lines))
    return " ".join(line.strip() for line in lines if line.strip())


def partial_text_parts(text: str, spec: PostSpec) -> dict[str, PartValue]:
    """The labelled sections so far in a streamed text-mode answer."""
    out: dict[str, PartValue] = {}
    for part, lines in _sections(text, spec):
        value = _section_value(part, lines)
        out.setdefault(part, [strip_bullet(v) for v in value] if part == "takeaways" else value)
    return out


def parse_text_parts(text: str, spec: PostSpec) -> Parts:
    """A post from labelled sections (any case, bold or # headings, bulleted or numbered items).

    An answer without any label is read as a post: first line the hook, list lines the
    takeaways, a line ending in "?" the question, ``#tags`` the hashtags.
    """
    values: dict[str, PartValue] = {}
    for part, lines in _sections(text, spec):
        value = _section_value(part, lines)
        if value and not values.get(part):
            values[part] = value
    if not values:
        values = _unlabelled(text)
        if not values:
            raise ValueError("no HOOK:, TAKEAWAYS:, QUESTION: or HASHTAGS: section in the answer")
    return _build(values, spec)


def _unlabelled(text: str) -> dict[str, PartValue]:
    lines = [line.strip() for line in strip_fences(text).splitlines() if line.strip()]
    tags = [line for line in lines if all(_TAG.fullmatch(w.strip(",")) for w in line.split())]
    body = [line for line in lines if line not in tags]
    if body and body[0].endswith(":") and not _ITEM.match(body[0]):
        body = body[1:]  # "Here is your post:"
    if len(body) < 3 or not tags:
        return {}
    items = [line for line in body[1:] if _ITEM.match(line)]
    questions = [line for line in body[1:] if line.endswith("?") and not _ITEM.match(line)]
    if not (items and questions):
        return {}
    return {"hook": body[0], "takeaways": items, "question": questions[-1], "hashtags": split_tags(" ".join(tags))}


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
            return _coerce(part, next(iter(obj.values())))
        raise ValueError(f"the JSON has no {part}")
    lines = body.splitlines()
    found = _label_of(lines[0], _lookup(spec)) if lines else None
    if found is not None and found[0] == part:
        lines = [found[1], *lines[1:]]
    value = _section_value(part, lines)
    if part not in _LIST_PARTS:  # drop "Here is a new hook:" and quotes around the text
        kept = [line for line in lines if line.strip() and not line.rstrip().endswith(":")]
        value = clean_hook(" ".join(kept or lines))
    if not value:
        raise ValueError(f"the answer holds no {part}")
    return value


def clean_hook(text: str) -> str:
    """One line, without list markers, markdown bold or surrounding quotes."""
    line = one_line(_ITEM.sub("", one_line(text), count=1)).replace("**", "")
    while len(line) >= 2 and line[0] in _QUOTES and line[-1] in _QUOTES:
        line = line[1:-1].strip()
    return line


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
        lists = [v for k, v in value.items() if _norm(k) in _HOOK_LIST_KEYS and isinstance(v, list)]
        lists = lists or [v for v in value.values() if isinstance(v, list)]
        value = lists[0] if lists else [v for v in value.values() if isinstance(v, str)]
    items: list[Any] = value if isinstance(value, list) else [
        line for line in body.splitlines() if not line.rstrip().endswith(":")
    ]
    hooks: list[str] = []
    seen: set[str] = set()
    for item in items:
        hook = clean_hook(_as_text(item))
        if hook and hook.casefold() not in seen:
            seen.add(hook.casefold())
            hooks.append(hook)
    if not hooks:
        raise ValueError("the answer holds no hook lines")
    return hooks[:n]

"""The JSON output modes: the schema to ask for, and tolerant readers of what comes back.

``json_schema`` sends :func:`json_schema_for` for the server to enforce; ``json_object``
spells it out in the prompt (:func:`json_instructions`). The readers tolerate code fences,
chatter around the object, other key names and lists given as strings.
"""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from typing import Any

from ...models.post import LIST_PARTS, PART_NAMES, Parts, PostSpec
from .parsing_values import build, describe_extra, part_values, strip_fences

# ---- what to ask for ------------------------------------------------------------------


@lru_cache(maxsize=1)
def _parts_properties() -> dict[str, Any]:
    # Generating a pydantic model's schema costs ~0.2 ms: once per process is enough.
    return Parts.model_json_schema()["properties"]


def json_schema_for(spec: PostSpec) -> dict[str, Any]:
    """A strict JSON schema (all keys required, nothing else allowed) for a whole post."""
    base = _parts_properties()
    props: dict[str, Any] = {}
    for name in PART_NAMES:
        prop = {k: copy.deepcopy(v) for k, v in base[name].items() if k != "title"}
        if name in LIST_PARTS:
            count = spec.takeaways if name == "takeaways" else spec.hashtags
            prop.update(items={"type": "string"}, minItems=count, maxItems=count)
        props[name] = prop
    for extra in spec.extras:
        if extra.key not in props:
            props[extra.key] = {"type": "string", "description": describe_extra(extra)}
    return _object_schema(props)


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
        if "maxItems" in prop and prop.get("minItems") == prop["maxItems"]:
            return f'"{key}" (a list of exactly {prop["maxItems"]} strings)'
        return f'"{key}" (a list of strings)'
    return f'"{key}" (a string)'


# ---- reading JSON ---------------------------------------------------------------------


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


def parse_json_parts(text: str, spec: PostSpec) -> Parts:
    """A post from a JSON answer, tolerating fences, chatter, other key names and shapes."""
    obj = load_object(text)
    values = part_values(obj, spec)
    if not any(p in values for p in PART_NAMES):
        keys = ", ".join(list(map(str, obj))[:6]) or "none"
        raise ValueError(f"the JSON has none of the post's keys (it has: {keys})")
    return build(values, spec)


def matches_schema(text: str, spec: PostSpec) -> bool:
    """True when the answer is exactly the JSON object :func:`json_schema_for` describes."""
    try:
        obj = json.loads(text)
    except ValueError:
        return False
    if not isinstance(obj, dict) or set(obj) != set(spec.part_names()):
        return False  # (the keys of json_schema_for(spec), without building the schema)
    lists = (obj["takeaways"], obj["hashtags"])
    return all(isinstance(v, list) for v in lists) and len(lists[0]) == spec.takeaways and len(lists[1]) == spec.hashtags

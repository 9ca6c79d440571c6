"""A post adapted for another platform: how to ask for its posts, and tolerant readers of them.

``json_schema`` and ``json_object`` ask for ``{"posts": ["...", ...]}`` (:func:`posts_schema`);
``text`` asks for posts under ``POST 1:``, ``POST 2:`` label lines (:func:`posts_text_instructions`).
The readers take what models answer instead: a bare list of strings, other keys (``thread``,
``tweets``, ``post``...), items that are objects with a ``text`` field, code fences, chatter
around the answer; labels in any case, bold or as headings, ``Tweet 2/5:``; posts between
``---`` lines; and an answer with no labels at all, read as one post (the service splits it
if it does not fit).
"""

from __future__ import annotations

import json
import re
from typing import Any

from .parsing_json import json_instructions
from .parsing_values import TOLERANT_NOTE, norm, strip_fences

_LIST_KEYS = ("posts", "thread", "tweets", "toots", "skeets", "items", "messages", "parts", "texts", "chunks",
              "thread_posts", "post_list")
"""Keys whose list is the posts (compared by :func:`norm`)."""
_ONE_KEYS = ("post", "text", "content", "body", "tweet", "toot", "skeet", "message", "status")
"""Keys of one post's text, in a post object or as the whole answer."""
_POST_LABEL = re.compile(  # "POST 1:", "**Post 2/5:**", "## Tweet 3", "Post #4 -"
    r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?:post|tweet|toot|skeet|part|thread\s+post)\s*#?\s*\d{1,3}"
    r"(?:\s*(?:/|of)\s*\d{1,3})?\s*(?:\*\*|__)?\s*(?:[:：)]|[-–—](?=\s)|$)\s*(?:\*\*|__)?\s*(?P<rest>.*?)\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|={3,})\s*$")
"""A line between posts: ``---``, ``***``, ``___`` or ``===``."""
_CHATTER = re.compile(r"^\s*(?:here(?:'s| is| are)|sure|okay|ok|certainly|of course)\b[^\n]{0,120}:\s*$",
                      re.IGNORECASE)
"""A line that introduces the answer ("Here is the X version:"), not part of a post."""
_NUMBER_END = re.compile(r"\(?\b(\d{1,3})\s*/\s*(\d{1,3})\)?\s*$")
"""A thread post's number at its end: ``2/4`` or ``(2/4)``."""
_JSON_START = re.compile(r"(?m)^[ \t]*[\[{]")


# ---- what to ask for ------------------------------------------------------------------


def posts_schema() -> dict[str, Any]:
    """A strict schema for ``{"posts": [strings]}``: one item per post, in order."""
    posts = {"type": "array", "items": {"type": "string"}, "minItems": 1,
             "description": "The posts in order: one item when it fits in one post, else the thread's posts."}
    return {"type": "object", "properties": {"posts": posts}, "required": ["posts"], "additionalProperties": False}


def posts_json_instructions(schema: dict[str, Any], *, in_prompt: bool) -> str:
    """Output instructions for the JSON modes (``in_prompt``: json_object, the schema spelt out)."""
    return (json_instructions(schema, in_prompt=in_prompt)
            + "\nEach string is one whole post, in order, exactly as it is to be published.")


def posts_text_instructions() -> str:
    """Output instructions for text mode: the label lines :func:`parse_posts` reads."""
    return ("Answer in plain text: each post after its own label line, POST 1:, POST 2: and so on, in order, "
            "and nothing else (no markdown, no code fences, no commentary). A single post is POST 1: and "
            "the post.")


# ---- reading --------------------------------------------------------------------------


def parse_posts(text: str, mode: str, notes: list[str]) -> list[str]:
    """The posts in an answer given in ``mode``; ``ValueError`` with the reason when there are none.

    In the JSON modes a JSON answer is read tolerantly (``notes`` says so when it did not follow
    the schema); JSON that does not parse raises (the engine then asks again for labelled text);
    an answer with no JSON at all is read as labelled text. In text mode a JSON answer is read
    too, and anything else is labelled text: an answer without labels is one post.
    """
    body = strip_fences(text).strip()
    found, value = _first_json(body)
    if found and value is not _NOTHING:
        posts = posts_of(value)
        if posts:
            if mode != "text" and not matches_posts_schema(text):
                notes.append(TOLERANT_NOTE)
            return posts
        if mode != "text" or body.startswith(("{", "[")):
            raise ValueError(f"the JSON holds no posts ({_shape(value)})")
    elif found and mode != "text":
        raise ValueError("the JSON in the answer is malformed or incomplete")
    posts = parse_text_posts(body)
    if not posts:
        raise ValueError("the answer holds no post")
    if mode != "text":
        notes.append("the model answered in plain text, not JSON; it was read as labelled posts")
    return posts


def parse_text_posts(text: str) -> list[str]:
    """Posts from labelled text: ``POST n:`` label lines, else ``---`` lines between posts, else
    paragraphs that end ``1/3``, ``2/3``... in turn, else the whole answer as one post (without a
    line that only introduces it, such as "Here is the thread:")."""
    lines = strip_fences(text).strip().splitlines()
    posts: list[list[str]] = []
    labelled = False
    for line in lines:
        match = _POST_LABEL.match(line)
        if match is not None:
            if not labelled:  # what came before the first label is chatter
                labelled, posts = True, []
            posts.append([match.group("rest")] if match.group("rest") else [])
        elif _RULE.match(line):
            if not labelled:
                posts.append([])
        elif posts:
            posts[-1].append(line)
        else:
            posts.append([line])
    out = [p for p in (_clean("\n".join(chunk)) for chunk in posts) if p]
    if len(out) == 1 and not labelled:
        return _numbered_paragraphs(out[0]) or out
    return out


def _numbered_paragraphs(text: str) -> list[str] | None:
    """A thread written as paragraphs, each post's last one ending with its number ("2/4"),
    as its posts; None unless the numbers run 1/n to n/n (n at least 2) and end the text."""
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
    posts: list[str] = []
    current: list[str] = []
    total = None
    for para in paragraphs:
        current.append(para)
        found = _NUMBER_END.search(para)
        if found is None:
            continue
        index, of = int(found.group(1)), int(found.group(2))
        if index != len(posts) + 1 or (total is not None and of != total):
            return None
        total = of
        posts.append("\n\n".join(current))
        current = []
    if current or total is None or total < 2 or len(posts) != total:
        return None
    return posts


def _clean(post: str) -> str:
    lines = post.strip().splitlines()
    if lines and _CHATTER.match(lines[0]):
        lines = lines[1:]
    return "\n".join(lines).strip()


_NOTHING = object()


def _first_json(body: str) -> tuple[bool, Any]:
    """(whether a JSON value seems to start, the first one that parses or ``_NOTHING``): at the
    start of a line, or at the first ``{`` after chatter ("Here it is: {...}")."""
    starts = [m.end() - 1 for m in _JSON_START.finditer(body)][:6]
    brace = body.find("{")
    if brace >= 0 and brace not in starts:
        starts.insert(0, brace)
    decoder = json.JSONDecoder()
    for start in sorted(starts):
        try:
            value, _ = decoder.raw_decode(body, start)
        except ValueError:
            continue
        if isinstance(value, (dict, list)):
            return True, value
    return bool(starts), _NOTHING


def posts_of(value: Any) -> list[str]:
    """The posts in a JSON value, whatever its shape: ``{"posts": [...]}`` and other list keys, a
    bare list, ``{"post": "..."}``, items that are objects with a ``text`` field, one level of
    wrapping (``{"x": {"posts": [...]}}``). Empty items are dropped."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [p for item in value for p in [_one_text(item)] if p]
    if not isinstance(value, dict):
        return []
    keyed = {norm(k): v for k, v in value.items()}
    for key in _LIST_KEYS:
        if key in keyed and isinstance(keyed[key], (list, str, dict)):
            found = posts_of(keyed[key])
            if found:
                return found
    for key in _ONE_KEYS:
        if key in keyed and isinstance(keyed[key], (str, list)):
            found = posts_of(keyed[key])
            if found:
                return found
    nested = [v for v in value.values() if isinstance(v, (dict, list))]
    if len(nested) == 1:
        return posts_of(nested[0])
    strings = [v for v in value.values() if isinstance(v, str) and v.strip()]
    return [strings[0].strip()] if len(strings) == 1 else []


def _one_text(item: Any) -> str:
    if isinstance(item, str):
        return item.strip()
    if isinstance(item, dict):
        keyed = {norm(k): v for k, v in item.items()}
        for key in _ONE_KEYS:
            if isinstance(keyed.get(key), str):
                return keyed[key].strip()
        strings = [v for v in item.values() if isinstance(v, str) and v.strip()]
        return max(strings, key=len).strip() if strings else ""
    return ""


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return "its keys: " + (", ".join(list(map(str, value))[:6]) or "none")
    return f"a list of {len(value)} items" if isinstance(value, list) else type(value).__name__


def matches_posts_schema(text: str) -> bool:
    """True when the answer is exactly ``{"posts": [strings]}`` with at least one."""
    try:
        obj = json.loads(text)
    except ValueError:
        return False
    posts = obj.get("posts") if isinstance(obj, dict) and set(obj) == {"posts"} else None
    return isinstance(posts, list) and bool(posts) and all(isinstance(p, str) for p in posts)

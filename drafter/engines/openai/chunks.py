"""One attempt's answer, read from the stream chunk by chunk (the OpenAI engine's hot path).

:class:`Attempt` gathers text, refusal, finish reason and usage from each
``ChatCompletionChunk`` and checks the parts it reads: the SDK builds chunks without
validating them, so a server that sends a number where text belongs would otherwise crash
drafter with a ``TypeError``. Here it is a ``ValueError`` naming the part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ..base import PartUpdate, Usage
from . import parsing


@dataclass
class Attempt:
    """The answer of one request, as read so far (each request reads into a new one)."""

    text: str = ""
    refusal: str = ""
    finish_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    shown: dict[str, tuple[Any, bool]] = field(default_factory=dict)
    parsed_at: float = float("-inf")
    """Loop time of the last partial parse (parses are throttled to PARTIAL_INTERVAL)."""
    parsed_len: int = 0
    """How much of ``text`` the last partial parse saw."""
    chunks: int = 0
    """Chunks received (0 with an answer that is not an event stream)."""
    content_type: str = ""
    """The content-type the server answered with."""

    def take(self, chunk: Any) -> str | None:
        """Record a streamed ``ChatCompletionChunk``; its new answer text, if any.

        The SDK builds chunks without validating them: a part of the wrong type raises a
        ``ValueError`` that says which (a few ``isinstance`` checks, well under a µs a chunk).
        """
        self.chunks += 1
        if not isinstance(chunk, BaseModel):
            raise ValueError(f"the event is {_type_name(chunk)}, not a chunk object")
        usage = getattr(chunk, "usage", None)
        if usage is not None:
            self.usage = Usage(prompt_tokens=_count(usage, "prompt_tokens"),
                               completion_tokens=_count(usage, "completion_tokens"))
        choices = getattr(chunk, "choices", None)
        if not choices:  # a usage-only chunk: [] from OpenAI, null or absent from some servers
            return None
        if not isinstance(choices, list):
            raise ValueError(f"choices is {_type_name(choices)}, not a list")
        choice = choices[0]
        delta = getattr(choice, "delta", None)
        if not isinstance(choice, BaseModel) or not isinstance(delta, BaseModel):
            bad, name = (choice, "choices[0]") if not isinstance(choice, BaseModel) else (delta, "delta")
            raise ValueError(f"{name} is {_type_name(bad)}, not an object")
        refusal, content, finish = getattr(delta, "refusal", None), delta.content, choice.finish_reason
        for name, value in (("refusal", refusal), ("content", content), ("finish_reason", finish)):
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{name} is {_type_name(value)}, not a string")
        if refusal:
            self.refusal += refusal
        if finish:
            self.finish_reason = finish
        if content:
            self.text += content
        return content

    def updates(self, values: dict[str, parsing.PartValue], now: float) -> list[PartUpdate]:
        """PartUpdates for parts that appeared or grew; every part but the last so far is complete."""
        self.parsed_at, self.parsed_len = now, len(self.text)
        out: list[PartUpdate] = []
        names = list(values)
        for i, name in enumerate(names):
            state = (values[name], i < len(names) - 1)
            if self.shown.get(name) != state and values[name]:
                self.shown[name] = state
                out.append(PartUpdate(name, values[name], complete=state[1]))
        return out


def _count(usage: Any, name: str) -> int:
    """A token count from a chunk's ``usage`` (0 when absent); ValueError if it is not a number."""
    if not isinstance(usage, BaseModel):
        raise ValueError(f"usage is {_type_name(usage)}, not an object")
    value = getattr(usage, name, None)
    if value is None:
        return 0
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"usage.{name} is {_type_name(value)}, not a number")
    return value


def _type_name(value: Any) -> str:
    """The JSON name of a value's type, as a server author would say it: "a number", "an object"."""
    if value is None:
        return "null"
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string", dict: "an object", list: "a list"}
    return names.get(type(value), f"a {type(value).__name__}")

"""The engine protocol, its requests, and the events it yields.

Every engine is an object with ``draft``, ``regenerate``, ``hook_variants`` and ``adapt``, each an
async generator of events. The UI renders events as they come and cancels by cancelling
the task that iterates; engines clean up in ``finally`` and never write anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import AsyncIterator, Literal, Protocol, Union, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from ..models.platforms import PlatformName
from ..models.post import Layout, Parts, PostSpec
from ..models.source import Source
from ..models.voice import Profile

OutputMode = Literal["json_schema", "json_object", "text", "extractive"]


class Prompt(BaseModel):
    """Rendered chat messages, before the engine adds its output-format instructions."""

    model_config = ConfigDict(extra="forbid")

    system: str
    user: str


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(prompt_tokens=self.prompt_tokens + other.prompt_tokens,
                     completion_tokens=self.completion_tokens + other.completion_tokens)

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class _Request(BaseModel):
    """What every request carries: the source, the post's shape, the rendered prompt, the limits."""

    model_config = ConfigDict(extra="forbid")

    source: Source
    spec: PostSpec
    prompt: Prompt
    temperature: float | None = None
    """None: the engine's or server's default."""
    max_tokens: int | None = None
    deadline: float | None = Field(default=None, gt=0)
    """Seconds this whole generation may take (retries and fallbacks included); None: the ``deadline`` setting."""
    voice: Profile | None = None
    """The creator's voice profile when drafting in it (the offline engine follows it; for an LLM
    it is already in ``prompt`` as instructions and examples)."""
    layout: Layout | None = None
    """How the post is laid out (the markers, the closing lead-in): the offline engine measures
    the post it fits to the voice's length as it will be shown. None: the default layout."""


class DraftRequest(_Request):
    """Everything an engine needs to draft a whole post."""


class RegenerateRequest(_Request):
    """Rewrite one part ("hook", "takeaways", "question", "hashtags" or an extra key).

    ``prompt`` is the template's per-part prompt, rendered with the instruction and current post.
    """

    part: str
    current: Parts
    instruction: str = ""


class HookVariantsRequest(_Request):
    n: int = Field(default=5, ge=1, le=10)
    current: Parts | None = None


class AdaptRequest(_Request):
    """The finished LinkedIn post rewritten for another platform: one post, or a thread.

    ``prompt`` is the template's prompt for the platform (:meth:`Template.render_platform`),
    rendered with the post and the platform's limit; ``text`` is that post as it is now.
    """

    platform: PlatformName
    limit: int = Field(gt=0)
    """The most one post may count on the platform (Mastodon's is the server's setting)."""
    text: str
    """The LinkedIn post as the user left it (what is adapted)."""
    numbering: bool = True
    """Number a thread's posts ("1/4"); the label counts in the limit."""


class DraftResult(BaseModel):
    """A finished generation."""

    parts: Parts
    engine: str
    model: str
    mode: OutputMode
    """Which output path produced it: json_schema, json_object, text (labelled sections) or extractive."""
    usage: Usage = Field(default_factory=Usage)
    finish_reason: str | None = None
    raw: str = ""
    """The model's text as received (empty for the offline engine)."""
    notes: list[str] = Field(default_factory=list)
    """Things the user should know: fallbacks taken, article trimmed, placeholders left."""


# ---- events -------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """A status line: "connecting", "retrying in 2 s (rate limited)", "falling back to json_object"."""

    message: str


@dataclass(frozen=True)
class Chunk:
    """Raw text received from the model (for live token/char counters)."""

    text: str
    received_chars: int
    """The answer's length so far in this attempt (``len(text)`` on an attempt's first chunk)."""


@dataclass(frozen=True)
class PartUpdate:
    """A part as far as it has arrived. ``value`` is a str, or a list for takeaways/hashtags."""

    part: str
    value: str | list[str]
    complete: bool = False


@dataclass(frozen=True)
class Completed:
    """The last event of ``draft`` and ``regenerate``: validated parts.

    For ``regenerate``, ``result.parts`` is the whole post with that one part replaced.
    """

    result: DraftResult


@dataclass(frozen=True)
class VariantsReady:
    """The last event of ``hook_variants``."""

    hooks: list[str]
    usage: Usage = field(default_factory=Usage)


@dataclass(frozen=True)
class PostsReady:
    """The last event of ``adapt``: the platform's posts in order (a thread when more than one),
    as the engine wrote them; counting and fitting them is the service's (:mod:`drafter.service.adapting`)."""

    posts: list[str]
    engine: str
    model: str
    mode: OutputMode
    usage: Usage = field(default_factory=Usage)
    raw: str = ""
    """The model's text as received (empty for the offline engine)."""
    notes: list[str] = field(default_factory=list)


Event = Union[Progress, Chunk, PartUpdate, Completed, VariantsReady, PostsReady]


@runtime_checkable
class Engine(Protocol):
    name: str
    """"openai" or "offline"."""
    model: str
    """What to show the user: a model name, or "extractive" for the offline engine."""

    def draft(self, request: DraftRequest) -> AsyncIterator[Event]: ...

    def regenerate(self, request: RegenerateRequest) -> AsyncIterator[Event]: ...

    def hook_variants(self, request: HookVariantsRequest) -> AsyncIterator[Event]: ...

    def adapt(self, request: AdaptRequest) -> AsyncIterator[Event]: ...


def every_answer(latest: str, earlier: list[tuple[str, str]]) -> str:
    """All the answer text one generation received, for keeping when it fails: ``latest`` (the
    attempt in progress) first and unlabelled, then each earlier attempt's answer (``(label,
    text)``, newest first) under a line naming it, so an answer that an earlier output mode
    could not use is never dropped when a later one fails too. Empty answers are left out; a
    lone answer is returned as it is."""
    answers = [(label, text) for label, text in [("", latest), *reversed(earlier)] if text.strip()]
    if not answers:
        return latest
    first, rest = answers[0][1], answers[1:]
    return "".join([first, *(f"\n\n----- an earlier answer ({label}) -----\n{text}" for label, text in rest)])

"""The template model: variables and their types, the post spec and layout, rendering prompts.

:class:`Template` has the shape of a template file and is its one validator: every rule of
the file is here, as a field type or a validator. An error a rule raises says where in the
file it is (its location, or a more precise ``loc`` in the error's context) so that
:func:`.parse.parse_template` can name the line.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping, Union

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, StrictBool, StrictFloat, StrictInt,
                      StrictStr, ValidationInfo, field_validator)
from pydantic_core import PydanticCustomError

from ..common.errors import TemplateError
from ..common.safe_text import one_line
from ..engines.base import Prompt
from ..models.post import HASHTAGS_MAX, HASHTAGS_MIN, PART_NAMES, TAKEAWAYS_MAX, TAKEAWAYS_MIN, Extra, Layout, LayoutStyle
from ..models.platforms import PLATFORM_NAMES, Platform
from ..models.post import Parts, PostSpec, assemble
from ..models.source import Source
from .part_prompts import DEFAULT_PART_PROMPTS, DEFAULT_VARIANTS_PROMPT, extra_part_prompt
from .platform_prompts import (DEFAULT_PLATFORM_PROMPTS, NO_NUMBERING, NO_THREAD, NUMBERING,
                               PLATFORM_PROMPT_PLACEHOLDERS_EXTRA, THREAD_ALLOWED)
from .render import IDENT_RE, fence_source, render_string

Value = Union[StrictBool, StrictInt, StrictFloat, StrictStr]
Origin = Literal["built-in", "user"]

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
COUNT_RANGES = {"takeaways": (TAKEAWAYS_MIN, TAKEAWAYS_MAX), "hashtags": (HASHTAGS_MIN, HASHTAGS_MAX)}
DEFAULT_VARIABLES: dict[str, Any] = {
    "tone": "clear, concrete and conversational",
    "audience": "professionals who follow this field",
    "takeaways": 3,
    "hashtags": 3,
}
DRAFT_PROMPT_PLACEHOLDERS = frozenset(
    {"topic", "article", "source", "takeaways", "hashtags", "tone", "audience", "extras"})
"""The ``{names}`` drafter supplies to the draft prompts (``[prompts]`` system and user)."""
PART_PROMPT_PLACEHOLDERS = DRAFT_PROMPT_PLACEHOLDERS | {"part", "instruction", "current", "post"}
"""... and to the prompts that rewrite one part (``[parts]``)."""
VARIANTS_PROMPT_PLACEHOLDERS = PART_PROMPT_PLACEHOLDERS | {"n"}
"""... and to the hook-variants prompt (``parts.variants``): every name drafter supplies."""
PLATFORM_PROMPT_PLACEHOLDERS = DRAFT_PROMPT_PLACEHOLDERS | PLATFORM_PROMPT_PLACEHOLDERS_EXTRA
"""... and to the prompts that adapt the post for another platform (``[platforms]``)."""
RESERVED = (VARIANTS_PROMPT_PLACEHOLDERS | PLATFORM_PROMPT_PLACEHOLDERS) - set(DEFAULT_VARIABLES)
"""Supplied names a template may not declare in [variables]."""
ADAPTED_PLATFORMS = tuple(name for name in PLATFORM_NAMES if name != "linkedin")
"""The platforms a ``[platforms]`` table may give a prompt for."""
VARIANTS_PART = "variants"
"""The ``[parts]`` key of the hook-variants prompt (not a part of the post)."""
_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}


def invalid(message: str, *loc: str | int) -> PydanticCustomError:
    """A validation error with its final ``message``, about the value at ``loc`` in the file."""
    return PydanticCustomError("template", "{message}", {"message": message, "loc": loc})


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "is empty")
    return value


PromptText = Annotated[StrictStr, AfterValidator(_not_blank)]
"""A prompt: a string with something in it."""


class TemplatePrompts(BaseModel):
    """The ``[prompts]`` table."""

    model_config = ConfigDict(extra="forbid")

    system: PromptText
    """Style rules sent with every request."""
    user: PromptText
    """The prompt that asks for a whole post."""


class Template(BaseModel):
    """A validated prompt template, field for field a template file (see :mod:`drafter.templates`).

    Build it with :func:`parse_template` for errors that name the file and line."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[StrictStr, Field(pattern=NAME_RE.pattern)]
    """Equals the file name without ``.toml``."""
    description: StrictStr = ""
    """One line shown in template lists."""
    model: StrictStr | None = None
    """Model to use instead of the configured one."""
    temperature: Annotated[float, Field(strict=True, ge=0, le=2)] | None = None
    """Sampling temperature instead of the configured one."""
    variables: dict[str, Value] = Field(default_factory=lambda: dict(DEFAULT_VARIABLES))
    """Defaults for every variable; always has tone, audience, takeaways and hashtags."""
    layout_table: LayoutStyle = Field(default_factory=LayoutStyle, alias="layout")
    """The ``[layout]`` table (named so because :meth:`layout` builds a post Layout)."""
    extras: list[Extra] = Field(default_factory=list)
    """Optional parts after the takeaways (``[[extras]]``)."""
    prompts: TemplatePrompts
    """The ``[prompts]`` table: the system and user prompts."""
    parts: dict[str, PromptText] = Field(default_factory=dict)
    """Per-part prompts by part name; defaults are used for the ones missing."""
    platforms: dict[str, PromptText] = Field(default_factory=dict)
    """Per-platform adaptation prompts (``[platforms]``, e.g. ``x = "..."``); built-ins for the rest.
    Keys are the platforms a post is adapted for (LinkedIn's post is the draft itself)."""
    _path: Path | None = PrivateAttr(default=None)
    _origin: Origin = PrivateAttr(default="user")

    @field_validator("description")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return one_line(value)

    @field_validator("model")
    @classmethod
    def _model(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("variables")
    @classmethod
    def _variables(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key, item in value.items():
            bad = f"variable '{key}'"
            if not IDENT_RE.match(key):
                raise invalid(f"{bad}: names are letters, digits and _ (not starting with a digit)", "variables", key)
            if key in RESERVED:
                raise invalid(f"{bad} is supplied by drafter; pick another name", "variables", key)
            if key in COUNT_RANGES:
                low, high = COUNT_RANGES[key]
                if type(item) is not int or not low <= item <= high:
                    raise invalid(f"{bad} must be {count_rule(key)}, not {item!r}", "variables", key)
            elif key in DEFAULT_VARIABLES and not isinstance(item, str):
                raise invalid(f"{bad} must be a string, not {item!r}", "variables", key)
            elif isinstance(item, float) and not math.isfinite(item):
                raise invalid(f"{bad} {VARIABLE_RULE}", "variables", key)
        return {**DEFAULT_VARIABLES, **value}

    @field_validator("extras")
    @classmethod
    def _extra_keys(cls, value: list[Extra]) -> list[Extra]:
        used = {*PART_NAMES, VARIANTS_PART}
        for i, extra in enumerate(value):
            if extra.key in used:
                raise invalid(f"extras.key '{extra.key}' is already used by another part", "extras", i, "key")
            used.add(extra.key)
        return value

    @field_validator("parts")
    @classmethod
    def _part_keys(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        if "extras" not in info.data:  # the extras are wrong: that error is the one to show
            return value
        allowed = [*PART_NAMES, VARIANTS_PART, *(e.key for e in info.data["extras"])]
        for key in value:
            if key not in allowed:
                raise invalid(f"unknown field 'parts.{key}' (allowed: {', '.join(allowed)})", "parts", key)
        return value

    @field_validator("platforms")
    @classmethod
    def _platform_keys(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if key == "linkedin":
                raise invalid("platforms.linkedin is not needed: the LinkedIn post is the draft ([prompts])",
                              "platforms", "linkedin")
            if key not in ADAPTED_PLATFORMS:
                raise invalid(f"unknown platform 'platforms.{key}' (platforms: {', '.join(ADAPTED_PLATFORMS)})",
                              "platforms", key)
        return value

    @property
    def system(self) -> str:
        """The system prompt (``[prompts].system``): style rules sent with every request."""
        return self.prompts.system

    @property
    def user(self) -> str:
        """The prompt that asks for a whole post (``[prompts].user``)."""
        return self.prompts.user

    @property
    def path(self) -> Path | None:
        """The file it was read from."""
        return self._path

    @property
    def origin(self) -> Origin:
        """"built-in" (shipped with drafter) or "user" (the workspace's prompts/)."""
        return self._origin

    def located(self, path: Path | str, origin: Origin) -> "Template":
        """This template, noted as read from ``path`` (not fields: a file cannot set them)."""
        self._path, self._origin = Path(path), origin
        return self

    def _where(self, field: str) -> str:
        return f"template '{self.name}' ({field})"

    def part_names(self) -> list[str]:
        """Parts that can be regenerated: the standard four and every extra's key."""
        return PostSpec(extras=self.extras).part_names()

    def _no_part(self, part: str) -> TemplateError:
        return TemplateError(f"template '{self.name}' has no part '{part}' (parts: {', '.join(self.part_names())})")

    def resolve_variables(self, overrides: Mapping[str, object] | None = None) -> dict[str, Any]:
        """Defaults updated with ``overrides`` ("--var key=value" strings, or typed values),
        each coerced to its default's type; unknown names and bad values are TemplateErrors."""
        values = dict(self.variables)
        for key, raw in (overrides or {}).items():
            if key not in self.variables:
                known = ", ".join(sorted(self.variables))
                raise TemplateError(f"template '{self.name}' has no variable '{key}' (known: {known})")
            values[key] = _coerce(self.name, key, raw, self.variables[key])
        return values

    def spec(self, variables: Mapping[str, object] | None = None) -> PostSpec:
        values = self.resolve_variables(variables)
        return PostSpec(takeaways=values["takeaways"], hashtags=values["hashtags"], extras=list(self.extras))

    def layout(self, spec: PostSpec | None = None, bullet_override: str | None = None) -> Layout:
        """The :class:`drafter.models.post.Layout` for assembling this template's posts."""
        spec = spec or self.spec()
        style = self.layout_table.model_dump()
        if bullet_override is not None:
            style["bullet"] = bullet_override
        return Layout(**style, extra_labels={e.key: e.label for e in spec.extras if e.label})

    def _context(self, source: Source, variables: Mapping[str, object] | None) -> dict[str, Any]:
        values = self.resolve_variables(variables)
        values.update(
            topic=one_line(source.topic or source.title or ""),
            article=source.text,
            source=fence_source(source),
            extras=_extras_text(self.extras),
        )
        return values

    def _assembled(self, current: Parts, variables: Mapping[str, object] | None) -> str:
        """``current`` as the post would be published (the ``{post}`` value)."""
        return assemble(current, self.layout(self.spec(variables)))

    def _prompt(self, values: Mapping[str, object], user: str, field: str) -> Prompt:
        """The system prompt and ``user`` (the template's ``field``), both rendered with ``values``."""
        return Prompt(
            system=render_string(self.system, values, self._where("prompts.system")).strip(),
            user=render_string(user, values, self._where(field)).strip(),
        )

    def render_draft(self, source: Source, variables: Mapping[str, object] | None = None) -> Prompt:
        return self._prompt(self._context(source, variables), self.user, "prompts.user")

    def part_prompt(self, part: str) -> str:
        """The raw prompt text that rewrites ``part``: the template's, or the default."""
        if part in self.parts:
            return self.parts[part]
        if part == VARIANTS_PART:
            return DEFAULT_VARIANTS_PROMPT
        if part in DEFAULT_PART_PROMPTS:
            return DEFAULT_PART_PROMPTS[part]
        for extra in self.extras:
            if extra.key == part:
                return extra_part_prompt(extra.label or extra.key, extra.description)
        raise self._no_part(part)

    def render_part(
        self,
        part: str,
        source: Source,
        variables: Mapping[str, object] | None,
        current: Parts,
        instruction: str = "",
    ) -> Prompt:
        """Prompt that rewrites one part of ``current`` following ``instruction``."""
        if part not in self.part_names():
            raise self._no_part(part)
        values = self._context(source, variables)
        value = current.get(part, "")
        if isinstance(value, list):  # takeaways one a line, hashtags on one line
            value = ("\n" if part == "takeaways" else " ").join(value)
        values.update(
            part=part,
            current=value or "(empty)",
            post=self._assembled(current, variables),
            instruction=one_line(instruction) or "none",
        )
        return self._prompt(values, self.part_prompt(part), f"parts.{part}")

    def platform_prompt(self, name: str) -> str:
        """The raw prompt text that adapts the post for platform ``name``: the template's, or the built-in."""
        if name in self.platforms:
            return self.platforms[name]
        if name in DEFAULT_PLATFORM_PROMPTS:
            return DEFAULT_PLATFORM_PROMPTS[name]
        raise TemplateError(f"no prompt adapts a post for {name!r}: LinkedIn's post is the draft itself")

    def render_platform(self, platform: Platform, source: Source, variables: Mapping[str, object] | None,
                        post: str, *, numbering: bool = True) -> Prompt:
        """Prompt that adapts the finished LinkedIn ``post`` for ``platform`` (its limit as given)."""
        from .render import fence

        values = self._context(source, variables)
        thread = (THREAD_ALLOWED.format(numbering=NUMBERING if numbering else NO_NUMBERING) if platform.threads
                  else NO_THREAD)
        values.update(
            platform=platform.label, limit=platform.limit, counts=platform.counts,
            hashtag_advice=platform.hashtag_advice, max_hashtags=platform.hashtags_max, thread=thread,
            post=fence(post, "POST"),
        )  # fmt: skip
        return self._prompt(values, self.platform_prompt(platform.name), f"platforms.{platform.name}")

    def render_variants(
        self, source: Source, variables: Mapping[str, object] | None, current: Parts | None, n: int = 5
    ) -> Prompt:
        """Prompt that asks for ``n`` alternative hooks."""
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10:
            raise TemplateError(f"number of hook variants must be from 1 to 10, not {n!r}")
        values = self._context(source, variables)
        values.update(
            part="hook",
            n=n,
            current=current.hook if current else "(no hook yet)",
            post=self._assembled(current, variables) if current else "(no draft yet)",
            instruction="none",
        )
        return self._prompt(values, self.part_prompt(VARIANTS_PART), f"parts.{VARIANTS_PART}")


def _extras_text(extras: list[Extra]) -> str:
    if not extras:
        return "(none)"
    return "\n".join(f"- {e.key}: {e.description or e.label or e.key}" for e in extras)


VARIABLE_RULE = "must be a string, number or true/false"
"""What a template's own variable must be."""


def count_rule(key: str) -> str:
    """What a count variable (takeaways, hashtags) must be, for error messages."""
    low, high = COUNT_RANGES[key]
    return f"a whole number from {low} to {high}"


def _coerce(template: str, key: str, raw: object, default: object) -> Any:
    kind = type(default)
    bad = f"template '{template}': variable '{key}' must be "
    value: Any = raw
    if isinstance(raw, str) and kind is not str:
        text = raw.strip()
        try:
            if kind is bool:
                if text.lower() not in _TRUE | _FALSE:
                    raise ValueError
                value = text.lower() in _TRUE
            elif kind is int:
                value = int(text)
            else:
                value = float(text)
                if not math.isfinite(value):
                    raise ValueError
        except ValueError:
            what = {bool: "true or false", int: "a whole number", float: "a number"}[kind]
            if key in COUNT_RANGES:
                what = count_rule(key)
            raise TemplateError(f"{bad}{what}, not {raw!r}") from None
    elif kind is float and type(raw) is int:
        value = float(raw)
    if type(value) is not kind:
        raise TemplateError(f"{bad}{'text' if kind is str else kind.__name__}, not {raw!r}")
    if key in COUNT_RANGES and not COUNT_RANGES[key][0] <= value <= COUNT_RANGES[key][1]:
        raise TemplateError(f"{bad}{count_rule(key)}, not {raw!r}")
    return value

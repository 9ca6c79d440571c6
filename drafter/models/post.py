"""A post and its parts: pydantic models, normalisation, assembly, LinkedIn limits.

Data flows one way: an engine produces :class:`Parts`; :func:`assemble` turns them,
with a :class:`Layout`, into the plain text a user pastes into LinkedIn;
:func:`measure` reports what LinkedIn will do with that text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, Iterable, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from ..common.safe_text import one_line
from .platforms import LINKEDIN_FOLD_DESKTOP, LINKEDIN_FOLD_MOBILE, LINKEDIN_LIMIT
from .text_rules import HASHTAG, HASHTAG_STOPWORDS

MAX_CHARS = LINKEDIN_LIMIT
"""LinkedIn's limit (defined with the platform, :mod:`drafter.models.platforms`)."""
FOLD_DESKTOP = LINKEDIN_FOLD_DESKTOP
"""Estimate: characters shown before "…see more" on desktop (LinkedIn's platform definition)."""
FOLD_MOBILE = LINKEDIN_FOLD_MOBILE
"""Estimate: characters shown before "…see more" on a phone (LinkedIn's platform definition)."""
MAX_TAKEAWAY_CHARS = 200

TAKEAWAYS_DEFAULT, TAKEAWAYS_MIN, TAKEAWAYS_MAX = 3, 2, 6
HASHTAGS_DEFAULT, HASHTAGS_MIN, HASHTAGS_MAX = 3, 1, 6

PartName = Literal["hook", "takeaways", "question", "hashtags"]
"""A standard part: every post has these four. A template may add extras (any :data:`EXTRA_KEY`)."""
PART_NAMES: tuple[PartName, ...] = get_args(PartName)
"""The standard parts, in the order a template asks for them."""
LIST_PARTS: tuple[PartName, ...] = ("takeaways", "hashtags")
"""The parts whose value is a list of strings; every other part (extras too) is one string."""
PartValue = str | list[str]
EXTRA_KEY = r"^[a-z][a-z0-9_]{0,39}$"
"""What an extra part's key looks like (``why_it_matters``)."""

_BULLET_PREFIX = re.compile(r"^\s*(?:[-*•·‣◦▪●–—]+|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)](?=\s))\s*")


_NUMBERED = re.compile(r"^(\d{1,2})([.)])$")


def bullet_for(marker: str, index: int) -> str:
    """The marker of the ``index``-th takeaway (0-based): ``marker`` itself, or for a numbered
    marker ("1.", "1)") the item's number in that form ("2.", "3)")."""
    numbered = _NUMBERED.match(marker.strip())
    return f"{int(numbered.group(1)) + index}{numbered.group(2)}" if numbered else marker


def strip_bullet(text: str) -> str:
    """Remove a leading list marker ("- ", "• ", "1. ", "a) ") from a line."""
    return _BULLET_PREFIX.sub("", text, count=1).strip()


def normalise_hashtag(raw: str) -> str | None:
    """Turn user or model input into ``#CamelCase`` letters/digits, or None if nothing is left.

    The first letter of each word is raised and the rest kept, so
    "machine learning" -> "#MachineLearning", "#openAI" -> "#OpenAI", "##AI" -> "#AI".
    A lone stopword ("#the") gives None.
    """
    text = unicodedata.normalize("NFKC", raw).strip().lstrip("#")
    words = re.split(r"[^\w]+|_", text)
    words = [w for w in words if w]
    if not words:
        return None
    tag = "".join(w[:1].upper() + w[1:] for w in words)
    if not tag or tag.lower() in HASHTAG_STOPWORDS:
        return None
    if tag.isdigit():
        return None
    return "#" + tag


def normalise_hashtags(values: list[str] | str) -> list[str]:
    """Normalise, and drop empty, stopword and case-insensitive duplicate tags (first wins)."""
    if isinstance(values, str):
        values = re.split(r"[,;\n]", values)
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        # "#AI #Ethics" in one list item is two tags.
        pieces = [p for p in re.split(r"\s+(?=#)", str(value).strip()) if p] or [str(value)]
        for piece in pieces:
            tag = normalise_hashtag(piece)
            if tag is None or tag.lower() in seen:
                continue
            seen.add(tag.lower())
            out.append(tag)
    return out


_STANDARD = frozenset(PART_NAMES)
_EXTRA_KEY_RE = re.compile(EXTRA_KEY)
_MISSING: Any = object()


class UnknownPart(LookupError):
    """A part name that the parts do not have (or that cannot name a part at all)."""


def ordered_part_names(extra_keys: Iterable[str]) -> list[str]:
    """Part names in the order they appear in a post: hook, takeaways, the extras, question, hashtags."""
    return [*PART_NAMES[:2], *extra_keys, *PART_NAMES[2:]]


class Parts(BaseModel):
    """The generated parts of a post. Validation normalises what can be fixed.

    The four standard parts are fields and the extras a dict; read and replace any part by
    name with :meth:`get` and :meth:`replace`, list them with :meth:`names`.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    hook: str = Field(description="One line that makes a reader stop scrolling; fits before the fold.")
    takeaways: list[str] = Field(description="Bullet takeaways, each self-contained, no list markers.")
    question: str = Field(description="One specific discussion question ending with '?'.")
    hashtags: list[str] = Field(description="Hashtags as #CamelCase letters and digits.")
    extras: dict[str, str] = Field(
        default_factory=dict,
        description="Optional parts a template asks for, by key (e.g. why_it_matters).",
    )

    @field_validator("hook", "question")
    @classmethod
    def _line(cls, value: str, info: ValidationInfo) -> str:
        value = one_line(value)
        if not value:
            raise ValueError(f"{info.field_name} is empty")
        if info.field_name == "question" and not value.endswith("?"):
            value = value.rstrip(".!:;, ") + "?"
        return value

    @field_validator("takeaways", mode="before")
    @classmethod
    def _takeaways(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.splitlines()
        if not isinstance(value, list):
            return value
        items = [strip_bullet(one_line(str(v))) for v in value]
        items = [i for i in items if i]
        if not items:
            raise ValueError("takeaways are empty")
        return items

    @field_validator("hashtags", mode="before")
    @classmethod
    def _hashtags(cls, value: object) -> object:
        if isinstance(value, (str, list)):
            tags = normalise_hashtags(value)  # type: ignore[arg-type]
            if not tags:
                raise ValueError("no usable hashtag (need # + letters/digits, not a stopword)")
            return tags
        return value

    @field_validator("extras", mode="before")
    @classmethod
    def _extras(cls, value: object) -> object:
        if isinstance(value, dict):
            return {str(k): one_line(str(v)) for k, v in value.items() if one_line(str(v))}
        return value

    @classmethod
    def blank(cls) -> "Parts":
        """Every part empty, not validated (a valid post has no empty part): the editor's lenient start."""
        return cls.model_construct(hook="", takeaways=[], question="", hashtags=[], extras={})

    def names(self) -> list[str]:
        """The names of the parts, in the order they appear in the post."""
        return ordered_part_names(self.extras)

    def get(self, name: str, default: Any = _MISSING) -> PartValue:
        """The value of part ``name`` (standard or extra); ``default`` if it has no such part,
        or :class:`UnknownPart` without a default."""
        if name in _STANDARD:
            return getattr(self, name)
        try:
            return self.extras[name]
        except KeyError:
            if default is _MISSING:
                raise UnknownPart(f"no part {name!r} (parts: {', '.join(self.names())})") from None
            return default

    def replace(self, name: str, value: PartValue, *, validate: bool = True) -> "Parts":
        """A copy with part ``name`` set to ``value``; any other name than the standard four
        is an extra (added if absent; a list is joined into one line).

        Validated like construction (``ValidationError``; an empty extra is dropped), only the
        changed part is checked, so lenient parts (:meth:`blank`) stay lenient elsewhere.
        ``validate=False`` stores the value as given (a stream's partial values).
        """
        if name in _STANDARD:
            field, new = name, value
        elif _EXTRA_KEY_RE.match(name):
            field, new = "extras", {**self.extras, name: value if isinstance(value, str) else " ".join(value)}
        else:
            raise UnknownPart(f"{name!r} cannot name a part (a standard part, or an extra key: a-z, 0-9, _)")
        if not validate:
            return self.model_copy(update={field: new})
        copy = self.model_copy()
        setattr(copy, field, new)  # validate_assignment: the field's validators, as at construction
        return copy

    def fit(self, spec: "PostSpec") -> "Parts":
        """Trim lists longer than the template asks for (a model that gives 5 of 3)."""
        return self.model_copy(
            update={
                "takeaways": self.takeaways[: spec.takeaways],
                "hashtags": self.hashtags[: spec.hashtags],
                "extras": {k: v for k, v in self.extras.items() if k in spec.extra_keys},
            }
        )


class Extra(BaseModel):
    """An optional part a template asks for, such as "Why it matters"."""

    model_config = ConfigDict(extra="forbid")

    key: Annotated[str, Field(pattern=EXTRA_KEY)]
    """Identifier used in JSON output and per-part prompts."""
    label: str = ""
    """Printed before the text in the assembled post, e.g. "Why it matters:"."""
    description: str = ""
    """What the model should write for this part."""


class PostSpec(BaseModel):
    """What a template asks for: counts and optional parts. Counts are within LinkedIn-sane bounds."""

    model_config = ConfigDict(extra="forbid")

    takeaways: Annotated[int, Field(ge=TAKEAWAYS_MIN, le=TAKEAWAYS_MAX)] = TAKEAWAYS_DEFAULT
    """How many bullet takeaways."""
    hashtags: Annotated[int, Field(ge=HASHTAGS_MIN, le=HASHTAGS_MAX)] = HASHTAGS_DEFAULT
    """How many hashtags."""
    extras: list[Extra] = Field(default_factory=list)
    """Optional parts, in the order they appear after the takeaways."""

    @property
    def extra_keys(self) -> list[str]:
        return [e.key for e in self.extras]

    def part_names(self) -> list[str]:
        """The parts asked for: the standard four, then the extras' keys."""
        return [*PART_NAMES, *self.extra_keys]


class LayoutStyle(BaseModel):
    """How the parts are printed, as a template writes it (its ``[layout]`` table)."""

    model_config = ConfigDict(extra="forbid")

    bullet: str = "•"
    """Marker before each takeaway; a number ("1.", "1)") numbers them in that form."""
    takeaways_heading: str = ""
    """A line above the bullets, e.g. "Key takeaways:"; empty for none."""
    question_prefix: str = ""
    """Text before the question, e.g. "What do you think: "; empty for none."""


class Layout(LayoutStyle):
    """How parts become text: the template's :class:`LayoutStyle` and its extras' labels."""

    extra_labels: dict[str, str] = Field(default_factory=dict)
    """Label per extra key; filled from the template's extras."""
    hashtag_case: Literal["camel", "lower"] = "camel"
    """How the hashtags are printed: as the parts hold them (``#DataScience``), or lower case
    (``#datascience``, the creator's voice when they write them so)."""

    def cased(self, parts: "Parts") -> "Parts":
        """``parts`` with the hashtags as :func:`assemble` prints them (lower case when
        ``hashtag_case`` is "lower"): what a caller keeps or prints as parts (``--json``) says
        what the text says."""
        if self.hashtag_case != "lower" or all(t == t.lower() for t in parts.hashtags):
            return parts
        return parts.model_copy(update={"hashtags": [t.lower() for t in parts.hashtags]})


def assemble(parts: Parts, layout: Layout | None = None) -> str:
    """Plain text as LinkedIn accepts it: blocks separated by one blank line, tags last.

    Never truncates: a post over :data:`MAX_CHARS` is reported by :func:`measure`.
    """
    layout = layout or Layout()
    blocks: list[str] = [parts.hook]
    bullets = "\n".join(f"{bullet_for(layout.bullet, i)} {t}".strip() for i, t in enumerate(parts.takeaways))
    if bullets:
        blocks.append(f"{layout.takeaways_heading}\n{bullets}" if layout.takeaways_heading else bullets)
    for key, text in parts.extras.items():
        label = layout.extra_labels.get(key, "")
        blocks.append(f"{label} {text}".strip())
    question = parts.question
    if layout.question_prefix and not question.lower().startswith(layout.question_prefix.strip().lower()):
        prefix = layout.question_prefix
        question = prefix + (question[:1].lower() + question[1:] if prefix.rstrip().endswith(":") else question)
    blocks.append(question)
    if parts.hashtags:
        tags = " ".join(parts.hashtags)
        blocks.append(tags.lower() if layout.hashtag_case == "lower" else tags)
    return "\n\n".join(b for b in blocks if b.strip())


def collapse_blank_lines(text: str) -> str:
    """What LinkedIn shows: runs of blank lines become one, trailing spaces go."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out).strip("\n")


def fold_index(text: str, limit: int) -> int:
    """Index in ``text`` (already collapsed) where "…see more" cuts: ``limit`` characters,
    line breaks included, or the whole text if it is shorter."""
    return min(len(text), limit)


class Stats(BaseModel):
    """What LinkedIn will make of an assembled post."""

    chars: int
    """Characters (Unicode code points) after blank-line collapsing."""
    words: int
    hashtags: int
    over_limit: int
    """Characters past :data:`MAX_CHARS` (0 when it fits)."""
    hook_chars: int
    hook_fits_desktop: bool
    hook_fits_mobile: bool
    reading_seconds: int
    """At 230 words a minute, rounded up to 5 seconds."""


def measure(text: str) -> Stats:
    shown = collapse_blank_lines(text)
    words = len(shown.split())
    hook = shown.split("\n", 1)[0] if shown else ""
    seconds = 0 if words == 0 else max(5, -(-round(words / 230 * 60) // 5) * 5)
    return Stats(
        chars=len(shown),
        words=words,
        hashtags=len(HASHTAG.findall(shown)),
        over_limit=max(0, len(shown) - MAX_CHARS),
        hook_chars=len(hook),
        hook_fits_desktop=len(hook) <= FOLD_DESKTOP,
        hook_fits_mobile=len(hook) <= FOLD_MOBILE,
        reading_seconds=seconds,
    )

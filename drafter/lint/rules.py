"""Structure rules: LinkedIn's limits, the fold, hashtags, the closing question, links.

Each check gets the :class:`~.registry.Context` and its validated options and yields
:class:`~.registry.Hit` spans. Defaults and the ``why`` lines are in
``drafter/data/lint_defaults.toml``; style rules (AI tells, emoji, numbers) are in
:mod:`.rules_style`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator, Literal

from pydantic import Field, field_validator

from ..models.platforms import LINKEDIN_FOLD_DESKTOP, LINKEDIN_FOLD_MOBILE, LINKEDIN_LIMIT
from ..models.post import normalise_hashtag
from ..models.text_rules import HASHTAG_STOPWORDS, LINKED_TAG, link_spans
from .registry import Context, Hit, RuleSettings, rule
from .report import Severity
from .text import PostView, Tag


class MaxChars(RuleSettings):
    max: int = Field(ge=1)
    """Characters allowed."""


class LinkedInMax(RuleSettings):
    max: int | None = Field(default=None, ge=1)
    """Characters allowed; None: the number in LinkedIn's platform definition
    (:mod:`drafter.models.platforms`: its limit, or where its fold falls)."""


class HashtagCount(RuleSettings):
    min: int = Field(ge=0, le=30)
    """Fewer hashtags than this is a finding (at the rule's severity)."""
    max: int = Field(ge=1, le=30)
    """More hashtags than this is a finding (at the rule's severity)."""
    mismatch_severity: Severity | Literal["off"]
    """Severity when the count differs from what the template asks for; "off" to skip."""


class GenericQuestion(RuleSettings):
    patterns: list[str]
    """Regexes; a question that matches one in full (lowercase, without the final "?") is generic."""

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
        return value


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


# ---- length and the fold ---------------------------------------------------------------
@rule("too-long", LinkedInMax)
def too_long(ctx: Context, opts: LinkedInMax) -> Iterator[Hit]:
    post, limit = ctx.post, opts.max or LINKEDIN_LIMIT
    if len(post.text) <= limit:
        return
    shown = len(post.shown[0])
    if shown > limit:
        yield Hit(post.shown_offset(limit), len(post.text),
                  f"post is {shown:,} characters; LinkedIn allows {limit:,} (cut {shown - limit:,})")


def _hook_over(ctx: Context, limit: int) -> tuple[int, int] | None:
    """(shown characters up to the hook's end, offset where ``limit`` falls) when past it."""
    hook = ctx.post.hook
    if hook is None or hook.end <= limit:
        return None
    shown = ctx.post.shown_length(hook.end)
    if shown <= limit:
        return None
    return shown, max(hook.start, ctx.post.shown_offset(limit))


def _fold(ctx: Context, limit: int, where: str) -> Iterator[Hit]:
    over = _hook_over(ctx, limit)
    if over is None:
        return
    shown, cut = over
    hook = ctx.post.hook
    assert hook is not None
    what = f"hook is {shown} characters" if ctx.post.shown_length(hook.start) == 0 else f"hook ends {shown} characters in"
    yield Hit(cut, hook.end,
              f'{what}; {where} shows about {limit} before "…see more" ({shown - limit} hidden)')


@rule("hook-desktop-fold", LinkedInMax)
def hook_desktop_fold(ctx: Context, opts: LinkedInMax) -> Iterator[Hit]:
    yield from _fold(ctx, opts.max or LINKEDIN_FOLD_DESKTOP, "desktop")


@rule("hook-mobile-fold", LinkedInMax)
def hook_mobile_fold(ctx: Context, opts: LinkedInMax) -> Iterator[Hit]:
    desktop = ctx.settings.rules.get("hook-desktop-fold")
    if desktop is not None and desktop.enabled and _hook_over(ctx, desktop.max or LINKEDIN_FOLD_DESKTOP) is not None:
        return  # the desktop finding already says it; one cause, one finding
    yield from _fold(ctx, opts.max or LINKEDIN_FOLD_MOBILE, "a phone")


@rule("long-line", MaxChars)
def long_line(ctx: Context, opts: MaxChars) -> Iterator[Hit]:
    post = ctx.post
    hook_line = post.line_at(post.hook.start).index if post.hook else -1
    for line in post.content:
        length = line.end - line.body
        if length > opts.max and line.index != hook_line:
            yield Hit(line.body, line.end,
                      f"line is {length} characters (limit {opts.max}); split it into shorter lines")


# ---- hashtags ----------------------------------------------------------------------------
def _counted(tags: list[Tag]) -> list[Tag]:
    return [t for t in tags if t.kind != "bare"]


@rule("hashtag-count", HashtagCount)
def hashtag_count(ctx: Context, opts: HashtagCount) -> Iterator[Hit]:
    from .rules_voice import voice_hashtag_range

    tags = _counted(ctx.post.tags)
    n = len(tags)
    wanted = ctx.spec.hashtags if ctx.spec is not None else None
    habit = voice_hashtag_range(ctx)  # with a voice, "how many" is the author's (voice-hashtags)
    least = opts.min if habit is None else min(opts.min, habit[0])
    if habit is not None and habit[0] <= n <= habit[1]:
        wanted = None
    if n < least:
        if n == 0:
            ask = f"add {wanted}" if wanted else f"add at least {least}"
            yield Hit(0, len(ctx.post.text), f"no hashtags; {ask} on the last line")
        else:
            yield Hit(tags[0].start, tags[-1].end, f"{_plural(n, 'hashtag')}; use at least {least}")
    elif n > (most := opts.max if habit is None else max(opts.max, habit[1])):  # or the author's usual most
        yield Hit(tags[most].start, tags[-1].end,
                  f"{_plural(n, 'hashtag')}; keep it to {most} or fewer")
    elif wanted is not None and n != wanted and opts.mismatch_severity != "off":
        yield Hit(tags[0].start, tags[-1].end,
                  f"{_plural(n, 'hashtag')}; the template asks for {wanted}", severity=opts.mismatch_severity)


@rule("hashtag-malformed")
def hashtag_malformed(ctx: Context, opts: RuleSettings) -> Iterator[Hit]:
    for tag in ctx.post.tags:
        if tag.kind == "ok":
            continue
        fix = normalise_hashtag(tag.raw)
        instead = f'; write "{fix}"' if fix else ""
        if tag.kind == "spaced":
            message = f'"{tag.raw}": the space after "#" breaks the tag{instead}'
        elif tag.kind == "bare":
            message = f'"{tag.raw}" with no tag after it'
        elif tag.raw.startswith("##"):
            message = f'"{tag.raw}" has more than one "#"{instead}'
        else:
            linked = LINKED_TAG.match(tag.raw)
            if linked and linked.group() != "#":
                message = f'"{tag.raw}": LinkedIn links only "{linked.group()}"{instead}'
            else:
                message = f'"{tag.raw}" is not a hashtag (# + letters and digits){instead}'
        yield Hit(tag.start, tag.end, message, fix=fix)


@rule("hashtag-duplicate")
def hashtag_duplicate(ctx: Context, opts: RuleSettings) -> Iterator[Hit]:
    seen: dict[str, Tag] = {}
    for tag in ctx.post.tags:
        if tag.kind != "ok":
            continue
        first = seen.setdefault(tag.key, tag)
        if first is not tag:
            note = "" if first.raw == tag.raw else " (case does not matter)"
            yield Hit(tag.start, tag.end, f'"{tag.raw}" repeats "{first.raw}"{note}')


@rule("hashtag-stopword")
def hashtag_stopword(ctx: Context, opts: RuleSettings) -> Iterator[Hit]:
    for tag in ctx.post.tags:
        if tag.kind == "ok" and tag.key in HASHTAG_STOPWORDS:
            yield Hit(tag.start, tag.end, f'"{tag.raw}" is a common word, not a topic anyone follows')


@rule("hashtag-placement")
def hashtag_placement(ctx: Context, opts: RuleSettings) -> Iterator[Hit]:
    from .rules_voice import tags_inline_habit

    if tags_inline_habit(ctx):
        return  # most of the author's posts have tags inside their sentences
    for tag in body_tags(ctx.post):
        yield Hit(tag.start, tag.end, f'"{tag.raw}" sits in the body; keep hashtags together at the end')


def body_tags(post: PostView) -> list[Tag]:
    """The post's tags outside its last lines of tags (or, without those, its last line)."""
    body = [line.index for line in post.content if line.index not in post.tag_lines]
    allowed = set(post.tag_lines) | ({body[-1]} if body and not post.tag_lines else set())
    return [tag for tag in _counted(post.tags) if tag.line not in allowed]


# ---- the closing question ------------------------------------------------------------------
@rule("question-missing")
def question_missing(ctx: Context, opts: RuleSettings) -> Iterator[Hit]:
    from .rules_voice import question_optional

    post = ctx.post
    if post.question is not None or question_optional(ctx):  # most of the author's posts close without one
        return
    body = [line for line in post.content if line.index not in post.tag_lines]
    start, end = (body[-1].body, body[-1].end) if body else (0, len(post.text))
    yield Hit(start, end, "no closing question; end with one specific question readers can answer")


_Q_STRIP = re.compile(r"^[\W_]+|[\s?!.…\W_]+$")
_Q_LEAD = re.compile(r"^(?:so|and|but|anyway|ok|okay|well|now)\b,?\s*")
_FILLER = frozenset(
    "drop share let me know your them it below comments comment in the a and or thoughts "
    "would love to hear from you all please".split()
)


@lru_cache(maxsize=16)
def _generic(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)", re.IGNORECASE)


@rule("question-generic", GenericQuestion)
def question_generic(ctx: Context, opts: GenericQuestion) -> Iterator[Hit]:
    post = ctx.post
    q = post.question
    if q is None:
        return
    sentence = post.text[q.start : q.end]
    core = " ".join(_Q_STRIP.sub("", sentence.replace("’", "'")).lower().split())
    core = _Q_LEAD.sub("", core)
    if not _generic(tuple(opts.patterns)).fullmatch(core):
        return
    line = post.line_at(q.end - 1)
    after = re.sub(r"#\S+", " ", post.text[q.end : line.end])
    words = [w for w in re.findall(r"[^\W\d_]{2,}", after.lower()) if w not in _FILLER]
    if len(words) >= 2:
        return  # "Thoughts? Especially on the pricing change." says what to discuss
    yield Hit(q.start, q.end, f'"{sentence.strip()}" is a generic question; ask about something specific in the post')


# ---- links (what a link is: drafter.models.text_rules.link_spans) -------------------------

@rule("url-in-body")
def url_in_body(ctx: Context, opts: RuleSettings) -> Iterator[Hit]:
    text = ctx.post.text
    for start, end in link_spans(text):
        url = text[start:end]
        shown = url if len(url) <= 60 else url[:57] + "…"
        yield Hit(start, end, f'link "{shown}" in the post; put it in the first comment instead')


# ---- markdown ----------------------------------------------------------------------------
_MARKDOWN = re.compile(
    r"(?P<bold>\*\*(?=\S)(?P<b>[^*\n]+?)(?<=\S)\*\*|__(?=\S)(?P<u>[^_\n]+?)(?<=\S)__)"
    r"|(?P<link>\[(?P<label>[^\[\]\n]+)\]\((?P<url>[^()\[\]\s]+)\))"
)
"""Bold runs stop at the next ``*``/``_`` or line end; a link's label at the next bracket and its
URL at the next bracket, parenthesis or space, so a run of unclosed ``[`` (or ``[x](``) is
scanned once, not once per bracket (linear, not quadratic)."""


@rule("markdown")
def markdown(ctx: Context, opts: RuleSettings) -> Iterator[Hit]:
    for m in _MARKDOWN.finditer(ctx.post.text):
        if m.group("bold"):
            inner = m.group("b") or m.group("u") or ""
            yield Hit(m.start(), m.end(), f'"{m.group()[:60]}": LinkedIn shows the asterisks as typed', fix=inner)
        else:
            yield Hit(m.start(), m.end(),
                      f'"{m.group()[:60]}": LinkedIn does not render Markdown links; write the URL itself')

"""Voice rules: the post against the creator's own habits (their voice's profile).

They run only when linting with a voice (``lint(..., voice=...)``) that has at least
``min_posts`` posts, and compare with the author's usual range: the 10th to the 90th
percentile of their posts (:class:`~drafter.models.voice.Spread`). Defaults and the ``why``
lines are in ``drafter/data/lint_defaults.toml``.
"""

from __future__ import annotations

import math
from typing import Iterator

from pydantic import Field

from ..models.post import HASHTAGS_MAX
from ..models.voice import Profile
from ..models.voice_shape import HABIT_POSTS, USUAL_SHARE, usual
from .registry import Context, Hit, RuleSettings, rule
from .rules import _counted, _plural
from .rules_style import EMOJI


class VoiceOptions(RuleSettings):
    min_posts: int = Field(ge=1)
    """The rule speaks only when the voice has at least this many posts (fewer show no habit)."""


class VoiceLength(VoiceOptions):
    slack: float = Field(ge=0, le=1)
    """How far past the author's usual range a post may go: 0.1 = 10 % longer or shorter."""


class VoiceHook(VoiceOptions):
    ratio: float = Field(ge=1)
    """A hook longer than this times the author's usual longest hook is a finding."""


def voice_profile(ctx: Context, opts: VoiceOptions) -> Profile | None:
    """The voice's profile when the rule may speak (a voice with enough posts), else None."""
    if ctx.voice is None or ctx.voice.profile.posts < opts.min_posts:
        return None
    return ctx.voice.profile


@rule("voice-length", VoiceLength)
def voice_length(ctx: Context, opts: VoiceLength) -> Iterator[Hit]:
    profile = voice_profile(ctx, opts)
    post = ctx.post
    size = len(post.shown[0])
    if profile is None or size == 0:
        return
    low, high = usual(profile.chars)
    usual_range = f"your posts usually run {low:,}-{high:,}"
    if size > high * (1 + opts.slack):
        yield Hit(post.shown_offset(high), len(post.text),
                  f"post is {size:,} characters; {usual_range} (about {size - high:,} over)")
    elif size < low * (1 - opts.slack):
        yield Hit(0, len(post.text), f"post is {size:,} characters; {usual_range} (about {low - size:,} short)")


@rule("voice-emoji", VoiceOptions)
def voice_emoji(ctx: Context, opts: VoiceOptions) -> Iterator[Hit]:
    profile = voice_profile(ctx, opts)
    if profile is None:
        return
    found = list(EMOJI.finditer(ctx.post.text))
    low, high = usual(profile.emoji)
    if len(found) > high:
        first = found[high]
        yield Hit(first.start(), first.end(),
                  f"{len(found)} emoji; your posts have "
                  f"{'none' if high == 0 else f'at most {high}'}")
    elif len(found) < low:
        yield Hit(0, len(ctx.post.text),
                  f"{len(found) or 'no'} emoji; "
                  f"your posts usually have at least {low}")


@rule("voice-hashtags", VoiceOptions)
def voice_hashtags(ctx: Context, opts: VoiceOptions) -> Iterator[Hit]:
    profile = voice_profile(ctx, opts)
    if profile is None:
        return
    tags = _counted(ctx.post.tags)
    low, high = hashtag_habit(ctx, profile)
    if len(tags) > high:
        yield Hit(tags[high].start, tags[-1].end,
                  f"{_plural(len(tags), 'hashtag')}; your posts have {'none' if high == 0 else f'at most {high}'}")
    elif len(tags) < low:
        yield Hit(0, len(ctx.post.text),
                  f"{_plural(len(tags), 'hashtag') if tags else 'no hashtags'}; your posts usually have at least {low}")


@rule("voice-hook", VoiceHook)
def voice_hook(ctx: Context, opts: VoiceHook) -> Iterator[Hit]:
    profile = voice_profile(ctx, opts)
    hook = ctx.post.hook
    if profile is None or hook is None or profile.hook_chars.high <= 0:
        return
    size = ctx.post.shown_length(hook.end) - ctx.post.shown_length(hook.start)
    high = usual(profile.hook_chars)[1]
    if size > high * opts.ratio:
        yield Hit(hook.start, hook.end,
                  f"hook is {size} characters; yours are usually at most {high} "
                  f"(median {int(profile.hook_chars.median)})")


def hashtag_habit(ctx: Context, profile: Profile) -> tuple[int, int]:
    """The author's usual hashtag count, its lower end capped at what a draft may have: the
    count the spec asks for when there is one (drafter asked for 6 of an author's usual 14:
    the count asked for wins), else the most a draft may have (:data:`HASHTAGS_MAX`)."""
    low, high = usual(profile.hashtags)
    cap = ctx.spec.hashtags if ctx.spec is not None else HASHTAGS_MAX
    return min(low, cap), high


def voice_hashtag_range(ctx: Context) -> tuple[int, int] | None:
    """The author's usual hashtag count when the ``voice-hashtags`` rule is on and may speak:
    the ``hashtag-count`` rule leaves "how many" to it (their habit, not a generic number)."""
    profile = rule_profile(ctx, "voice-hashtags")
    return hashtag_habit(ctx, profile) if profile is not None else None


def rule_profile(ctx: Context, rule_id: str) -> Profile | None:
    """The voice's profile when the voice rule ``rule_id`` is on and may speak, else None."""
    opts = ctx.settings.rules.get(rule_id)
    if opts is None or not opts.enabled or not isinstance(opts, VoiceOptions):
        return None
    return voice_profile(ctx, opts)


def emoji_habit(ctx: Context) -> int | None:
    """The most emoji the author's posts usually have (their p90) when ``voice-emoji`` is on and
    may speak: the ``emoji`` rule's limit rises to it (a limit below their habit fights their voice)."""
    profile = rule_profile(ctx, "voice-emoji")
    return usual(profile.emoji)[1] if profile is not None else None


def habit_profile(ctx: Context) -> Profile | None:
    """The voice's profile when it has enough posts to show habits (:data:`HABIT_POSTS`)."""
    if ctx.voice is None or ctx.voice.profile.posts < HABIT_POSTS:
        return None
    return ctx.voice.profile


def tags_inline_habit(ctx: Context) -> bool:
    """Most of the author's posts have tags inside their sentences (most of their tags there, or
    some besides a last block: "Big news from the #DevOps world"): ``hashtag-placement`` is quiet."""
    profile = habit_profile(ctx)
    if profile is None or ctx.voice is None:
        return False
    return profile.hashtag_place == "inline" or ctx.voice.body_tags_share > USUAL_SHARE


def question_optional(ctx: Context) -> bool:
    """Most of the author's posts do not close with a question: ``question-missing`` is quiet."""
    profile = habit_profile(ctx)
    return profile is not None and profile.question_close < USUAL_SHARE

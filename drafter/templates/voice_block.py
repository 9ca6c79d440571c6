"""The voice block of a prompt: the author's profile as concrete instructions, then the past
posts chosen as examples, each fenced as data (:func:`drafter.templates.render.fence`, label
``EXAMPLE``, a random marker per example).

The one place that words the voice for an LLM (:func:`drafter.service.voice.with_voice` puts
the block at the end of the system message). A platform prompt (X, Threads, Bluesky, Mastodon)
gets the habits that do not fight the platform: the LinkedIn lengths, hook length and
hashtag habits are left out (the platform's limit and hashtag advice rule there), the style stays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..common.safe_text import one_line
from ..models.post import HASHTAGS_MAX
from ..models.voice import Example, Profile, Spread
from ..models.voice_shape import HABIT_POSTS, USUAL_SHARE
from .render import Marker, fence, new_marker

if TYPE_CHECKING:
    from ..models.platforms import Platform

VOICE_HEADING = "The author's voice."
"""The first line of the block (what a reader or a test looks for)."""
MAX_OPENERS, MAX_PHRASES = 5, 8
"""How many favoured openers and distinctive phrases the instructions name."""
_QUOTED_CHARS = 40
"""The longest opener or phrase quoted (longer ones are cut with "…")."""
_CASES = {"lower": "in lower case (#datascience)", "camel": "in CamelCase (#DataScience)",
          "upper": "in capitals (#AI)"}
_PLACES = {"end": "most of them together at the end", "inline": "most of them inside the sentences"}


def voice_block(profile: Profile, examples: list[Example], platform: "Platform | None" = None,
                *, marker: Marker = new_marker) -> str:
    """The whole block: heading, how the habits rank against the other rules, the habits as a
    list, then the examples (when there are any)."""
    if platform is None:
        intro = ("This post goes out under the name of an author whose published posts have the habits below: "
                 "write the way they do. Where a habit differs from the style rules above (length, emoji, "
                 "hashtags, lists, the closing), follow the habit. The rules about facts still hold, and so do "
                 "the counts this prompt asks for (how many takeaways and hashtags).")
    else:
        intro = (f"The author whose post this is writes with the habits below: keep them where {platform.label} "
                 f"allows. {platform.label}'s limit and its hashtag advice come first, and the rules about facts "
                 "still hold.")
    lines = [VOICE_HEADING, intro, *(f"- {habit}" for habit in habits(profile, platform))]
    if examples:
        lines += ["", _examples_intro(len(examples), platform)]
        for n, example in enumerate(examples, 1):
            lines += ["", _example_label(n, example), fence(example.text, "EXAMPLE", marker=marker)]
    return "\n".join(lines)


def habits(profile: Profile, platform: "Platform | None" = None) -> list[str]:
    """The profile as instructions, one sentence each ("Posts of 900–1,300 characters ..."). A
    profile of fewer than :data:`~drafter.models.voice_shape.HABIT_POSTS` posts states no habit:
    one line says there are too few posts to tell one, and to take only their tone from the examples."""
    if profile.posts < HABIT_POSTS:
        n = profile.posts
        posts = "one of their posts is" if n == 1 else f"only {n} of their posts are"
        return [f"Only {posts} known: too few to tell their habits from one-offs. Take their tone from the "
                "examples, if any; for length, lists, emoji, hashtags and the closing, follow the rules above."]
    out: list[str] = []
    if platform is None:
        chars = _range(profile.chars, 10)
        about = f"{chars} characters (about {_num(profile.chars.median, 10)})" if "–" in chars \
            else f"about {chars} characters"
        out.append(f"Posts of {about}, {_range(profile.lines)} lines in {_range(profile.paragraphs)} paragraphs.")
        out.append(f"A first line of {_range(profile.hook_chars, 5)} characters.")
    if profile.sentence_words.high > 0:  # CJK text has no words to count
        out.append(f"Sentences of {_range(profile.sentence_words)} words.")
    out.append(_lists(profile, platform))
    out.append(_emoji(profile.emoji))
    if platform is None:
        out.append(_hashtags(profile))
    out.append(_closing(profile))
    if profile.openers:
        out.append(f"Openers they favour: {_quoted(profile.openers[:MAX_OPENERS])}.")
    if profile.phrases:
        out.append(f"Phrases they often use, whatever the subject (their style, not a subject to write about): "
                   f"{_quoted(profile.phrases[:MAX_PHRASES])}.")
    return [habit for habit in out if habit]


def _lists(profile: Profile, platform: "Platform | None") -> str:
    if not profile.bullet_marker or profile.bullets <= 0:
        return "They seldom write lists."
    how = "Most of their posts have a list" if profile.bullets >= USUAL_SHARE else "Some of their posts have a list"
    marker = f'"{profile.bullet_marker}"'
    if platform is not None:
        return f"{how}, with {marker} as the marker of each item."
    # A draft's takeaways come back without markers: drafter lays them out with the template's.
    return f"{how}, with {marker} as the marker (drafter adds the marker: write each takeaway without one)."


def _emoji(emoji: Spread) -> str:
    if emoji.high <= 0:
        return "No emoji."
    if emoji.median <= 0:
        return f"Emoji are rare (at most {_num(emoji.high)} in a post)."
    usual = _range(emoji)
    return f"About {_num(emoji.median)} emoji a post" + (f" (usually {usual})." if "–" in usual else ".")


def _hashtags(profile: Profile) -> str:
    if profile.hashtags.high <= 0:
        return "No hashtags."
    n = _num(profile.hashtags.median) if profile.hashtags.median > 0 else f"at most {_num(profile.hashtags.high)}"
    details = [d for d in (_CASES.get(profile.hashtag_case or ""), _PLACES.get(profile.hashtag_place)) if d]
    how = f", {', '.join(details)}" if details else ""
    if profile.hashtags.median > HASHTAGS_MAX:  # more than a draft may have: the count asked for wins
        return (f"Many hashtags (about {n} a post; this post has room for fewer: use the number this prompt "
                f"asks for){how}.")
    plural = "" if n == "1" else "s"
    return f"{n} hashtag{plural} a post{how}."


def _closing(profile: Profile) -> str:
    how = ("Most of their posts close with a question" if profile.question_close >= USUAL_SHARE
           else "Few of their posts close with a question")
    closing = one_line(profile.closing, _QUOTED_CHARS).replace('"', "")
    return f'{how}, often starting "{closing}".' if closing and profile.question_close > 0 else f"{how}."


def _examples_intro(n: int, platform: "Platform | None") -> str:
    which = "one of their published posts" if n == 1 else f"{n} of their published posts, the most similar first"
    length = " They are LinkedIn posts: take their style, not their length." if platform is not None else ""
    return (f"Examples: {which}. They show how the author writes, nothing more: take no facts, numbers, names "
            f"or sentences from them (the facts come from the source only), and do not copy them.{length}")


def _example_label(n: int, example: Example) -> str:
    when = f", published {example.date:%Y-%m-%d}" if example.date is not None else ""
    return f"Example {n}{when}:"


def _quoted(items: list[str]) -> str:
    return ", ".join(f'"{one_line(item, _QUOTED_CHARS).replace(chr(34), "")}"' for item in items)


def _num(value: float, step: int = 1) -> str:
    """``value`` rounded to ``step``, with a thousands comma: 1,300."""
    return f"{int(round(value / step) * step):,}"


def _range(spread: Spread, step: int = 1) -> str:
    """The usual range, "900–1,300" (one number when both ends round alike)."""
    low, high = _num(spread.low, step), _num(spread.high, step)
    return low if low == high else f"{low}–{high}"

"""What the creator's voice changes in a post's shape: the spec's counts and the layout's
markers, closing and hashtag casing, for every engine (an explicit ``--var`` or setting wins).

Each change follows one measure of the :class:`~drafter.models.voice.Profile`:

- ``bullet``: the marker they use most (``profile.bullet_marker``). A numbered marker ("1.",
  "1)") numbers the takeaways 1., 2., 3. (:func:`drafter.models.post.bullet_for`); an author
  who writes no lists keeps the template's marker (a post always has its takeaways).
- ``takeaways``: their usual number of list items, clamped to the spec's bounds.
- ``hashtags``: their median, rounded, clamped to the spec's bounds. An author who writes no
  hashtags gets the spec's minimum (1): a post has a hashtags part, so one tag is the closest
  drafter can come, and the ``voice-hashtags`` lint rule says that the author's posts have none.
- ``hashtag_case``: "lower" when they write tags in lower case; otherwise the template's.
- nothing at all with fewer than :data:`HABIT_POSTS` posts.
- ``question_prefix``: their usual lead-in ("Curious:"), only when most of their posts close
  with a question and the lead-in ends with a colon (a lead-in like "Have you ever" is the
  start of a question, not a prefix: it cannot be put before another one). Otherwise the
  template's.
"""

from __future__ import annotations

import math
from typing import Collection

from .post import HASHTAGS_MAX, HASHTAGS_MIN, TAKEAWAYS_MAX, TAKEAWAYS_MIN, Layout, PostSpec
from .voice import Profile, Spread

USUAL_SHARE = 0.5
"""A habit is what more than half of the author's posts do (closing with a question)."""
HABIT_POSTS = 5
"""The fewest posts that show habits: below it, one post's length or hashtags are no habit. The
shape and the habits in the LLM instructions are left alone (the examples still show the posts),
and the generic lint rules do not bend to the voice (as the voice rules' ``min_posts`` 5)."""


def usual(spread: Spread) -> tuple[int, int]:
    """The author's usual range as whole counts: p10 rounded down, p90 rounded up (what the linter
    and the offline engine's notes both say: "your posts usually run 138-262")."""
    return math.floor(spread.low), math.ceil(spread.high)


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, int(value + 0.5)))


def closing_prefix(profile: Profile) -> str | None:
    """The lead-in put before the closing question ("Curious: "), None when the author has no
    usual one that can stand before a question."""
    closing = " ".join(profile.closing.split())
    if profile.question_close <= USUAL_SHARE or not closing.endswith(":") or len(closing) < 2:
        return None
    return closing + " "


def shape(spec: PostSpec, layout: Layout, profile: Profile, explicit: Collection[str] = ()) -> tuple[PostSpec, Layout]:
    """``spec`` and ``layout`` as the voice would have them; names in ``explicit`` ("takeaways",
    "hashtags", "bullet") were set by the user for this draft and are kept. A profile of fewer
    than :data:`HABIT_POSTS` posts shows no habit: ``spec`` and ``layout`` as they are."""
    if profile.posts < HABIT_POSTS:
        return spec, layout
    counts: dict[str, int] = {}
    if "takeaways" not in explicit and profile.takeaways is not None:
        counts["takeaways"] = _clamp(profile.takeaways, TAKEAWAYS_MIN, TAKEAWAYS_MAX)
    if "hashtags" not in explicit:
        counts["hashtags"] = _clamp(profile.hashtags.median, HASHTAGS_MIN, HASHTAGS_MAX)
    style: dict[str, str] = {}
    if "bullet" not in explicit and profile.bullet_marker and profile.bullet_marker.strip():
        style["bullet"] = profile.bullet_marker.strip()
    if profile.hashtag_case == "lower":
        style["hashtag_case"] = "lower"
    prefix = closing_prefix(profile)
    if prefix is not None:
        style["question_prefix"] = prefix
    return spec.model_copy(update=counts), layout.model_copy(update=style)

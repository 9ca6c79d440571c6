"""What the offline engine follows of the creator's voice beyond the post's shape.

The shape (bullet marker, how many takeaways and hashtags, hashtag casing, the closing lead-in)
is set before the engine runs (:func:`drafter.models.voice_shape.shape`). Here, with the
article's sentences, the engine follows what only it can choose:

- the hook's length: of the best hook candidates, the best one as long as the author's hooks
  usually are, else the best one cut to their usual longest (whole clauses only), else the one
  nearest their median;
- the post's length: when the post would run past the author's usual longest, the takeaways
  are chosen again favouring shorter sentences, within a share of the characters the rest of
  the post leaves, then cut by whole clauses until the post fits (or nothing more can go);
  a post shorter than their usual shortest is said in a note (the engine adds no words).

Everything is deterministic: the same article and profile give the same post.
"""

from __future__ import annotations

from ...models.post import Parts, assemble
from ...models.voice import Profile
from .selection import pick_takeaways
from .text import Analysis, compress

HOOK_CHOICES = 4
"""How many of the best hook candidates may be passed over for one of the author's length."""
MIN_ITEM_CHARS = 60
"""A takeaway is never cut shorter than this to reach the author's length."""
CUT_FROM = 180
"""The first (gentlest) length takeaways are cut to; then 20 characters less each round."""
_MIN_HOOK_WORDS = 6


def voiced_hook(options: list[str], profile: Profile) -> str:
    """Of ``options`` (best first, not empty), the hook nearest the author's hook length."""
    low, high = profile.hook_chars.low, profile.hook_chars.high
    best = options[:HOOK_CHOICES]
    fitting = next((o for o in best if low <= len(o) <= high), None)
    if fitting is not None:
        return fitting
    if len(best[0]) > high:
        cut = compress(best[0], max(1, int(high)))
        if cut and len(cut.split()) >= _MIN_HOOK_WORDS:
            return cut
    return min(best, key=lambda o: abs(len(o) - profile.hook_chars.median))


def fit_voice_length(parts: Parts, a: Analysis, profile: Profile) -> tuple[Parts, list[str]]:
    """``parts`` brought within the author's usual length where the article allows; notes say
    where it could not be."""
    low, median, high = profile.chars.low, profile.chars.median, profile.chars.high
    size = len(assemble(parts))
    if size > high and parts.takeaways:
        rest = size - sum(len(t) for t in parts.takeaways)
        share = max(MIN_ITEM_CHARS, int((median - rest) / len(parts.takeaways)))
        fresh = pick_takeaways(a, len(parts.takeaways), [parts.hook], limit=share, prefer_short=True)
        if len(fresh) == len(parts.takeaways) and len(assemble(parts.model_copy(update={"takeaways": fresh}))) < size:
            parts = parts.model_copy(update={"takeaways": fresh})
        for limit in range(CUT_FROM, MIN_ITEM_CHARS - 1, -20):  # the gentlest cut that fits
            if len(assemble(parts)) <= high:
                break
            parts = parts.model_copy(update={
                "takeaways": [compress(t, limit) or t for t in parts.takeaways],
                "extras": {k: compress(v, limit) or v for k, v in parts.extras.items()},
            })
    size = len(assemble(parts))
    if size > high:
        return parts, [f"the post is about {size:,} characters, your posts usually {int(low):,}-{int(high):,}: "
                       "the article's sentences could not be cut further; shorten it by hand"]
    if size < low:
        return parts, [f"the post is about {size:,} characters, your posts usually {int(low):,}-{int(high):,}: "
                       "the offline engine adds no words; add your own"]
    return parts, []

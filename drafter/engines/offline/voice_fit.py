"""What the offline engine follows of the creator's voice beyond the post's shape.

The shape (bullet marker, how many takeaways and hashtags, hashtag casing, the closing lead-in)
is set before the engine runs (:func:`drafter.models.voice_shape.shape`). Here, with the
article's sentences, the engine follows what only it can choose:

- the hook's length: of the best hook candidates, the best one as long as the author's hooks
  usually are, else the best one cut to their usual longest (whole clauses only), else the one
  nearest their median;
- the post's length: when the post would run past the author's usual longest, its takeaways
  (the article's best sentences, as ranked) are cut by whole clauses until the post fits; when
  cutting is not enough, the shortest of the article's best ``POOL × count`` sentences (the
  ranking's substance, never a short but empty one further down) take the longest ones' place,
  and are cut again. A post still over is said in a note, as is one shorter than their usual shortest (the engine
  adds no words). The post is measured as it will be shown (its layout's markers and closing
  lead-in, blank-line runs collapsed), as the ``voice-length`` lint rule measures it.

Everything is deterministic: the same article and profile give the same post.
"""

from __future__ import annotations

import re

from ...models.post import Layout, Parts, assemble, measure
from ...models.voice import Profile
from ...models.voice_shape import usual
from .selection import pick_takeaways
from .text import Analysis, compress

HOOK_CHOICES = 4
"""How many of the best hook candidates may be passed over for one of the author's length."""
MIN_ITEM_CHARS = 60
"""A takeaway is never cut shorter than this to reach the author's length."""
CUT_FROM = 180
"""The first (gentlest) length takeaways are cut to; then 20 characters less each round."""
POOL = 3
"""When cutting clauses is not enough, the shortest takeaways are chosen among the article's
best ``POOL`` times as many sentences as the post has takeaways (as the ranking orders them: a
short sentence further down, "Here is a process that works for teams of any size.", is never one)."""
_MIN_HOOK_WORDS = 6
_ARTICLE_WORD = re.compile(r"[^\W_]+")


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


def voiced_tags(article_tags: list[str], profile: Profile, a: Analysis, count: int) -> list[str]:
    """``count`` hashtags: first the author's recurring tags (``profile.tags``) that the article is
    about (the tag, written as one word, is one to three words of the article in a row, give or take
    an ending: #engineering for an article about engineers, #BlamelessPostmortem or
    #blamelesspostmortem for one on blameless postmortems), then the article's own tags."""
    words = [w.lower() for w in _ARTICLE_WORD.findall(f"{a.title or ''} {' '.join(s.text for s in a.sentences)}")]
    runs = {"".join(words[i:i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
    theirs = [t for t in profile.tags if _about(t[1:].lower(), runs)]
    chosen: list[str] = []
    for tag in [*theirs, *article_tags]:
        if tag.lower() not in {c.lower() for c in chosen} and len(chosen) < count:
            chosen.append(tag)
    return chosen


_ENDINGS = ("s", "es", "ed", "er", "ers", "ing")


def _about(key: str, runs: set[str]) -> bool:
    """``key`` (a tag without "#", lower case) is in ``runs``, or is with an ending more or less
    ("engineering" and "engineer", "postmortem" and "postmortems")."""
    if len(key) < 4:
        return key in runs
    return (key in runs or any(key + e in runs for e in _ENDINGS)
            or any(key.endswith(e) and len(key) - len(e) >= 4 and key[:-len(e)] in runs for e in _ENDINGS))


def fit_voice_length(parts: Parts, a: Analysis, profile: Profile,
                     layout: Layout | None = None) -> tuple[Parts, list[str]]:
    """``parts`` brought within the author's usual length where the article allows; notes say
    where it could not be."""
    low, high = usual(profile.chars)

    def size(p: Parts) -> int:
        return measure(assemble(p, layout)).chars

    def cut(p: Parts) -> Parts:
        for limit in range(CUT_FROM, MIN_ITEM_CHARS - 1, -20):  # the gentlest cut that fits
            if size(p) <= high:
                break
            p = p.model_copy(update={
                "takeaways": [compress(t, limit) or t for t in p.takeaways],
                "extras": {k: compress(v, limit) or v for k, v in p.extras.items()},
            })
        return p

    n = len(parts.takeaways)
    if size(parts) > high and n:
        parts = cut(parts)
        best = pick_takeaways(a, POOL * n, [parts.hook], limit=CUT_FROM)  # the ranking's best, article order
        if size(parts) > high and len(best) > n:
            keep = sorted(sorted(range(len(best)), key=lambda i: (len(best[i]), i))[:n])
            shorter = cut(parts.model_copy(update={"takeaways": [best[i] for i in keep]}))
            if size(shorter) < size(parts):
                parts = shorter
    now = size(parts)
    if now > high:
        return parts, [f"the post is about {now:,} characters, your posts usually {low:,}-{high:,}: "
                       "the article's sentences could not be cut further; shorten it by hand"]
    if now < low:
        return parts, [f"the post is about {now:,} characters, your posts usually {low:,}-{high:,}: "
                       "the offline engine adds no words; add your own"]
    return parts, []

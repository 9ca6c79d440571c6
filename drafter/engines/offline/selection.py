"""The sentences the offline engine takes from an article: hooks, takeaways and extras.

Each is a sentence of the article, shortened only by cutting whole clauses
(:func:`drafter.engines.offline.text.compress`), never a near-duplicate of a part already chosen.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...models.post import FOLD_DESKTOP, FOLD_MOBILE, MAX_TAKEAWAY_CHARS
from .text import PRONOUN_START, Analysis, Sentence, compress, content_stems, jaccard, near_duplicate, quote_fragment

EXTRA_CHARS = 240

_IMPACT = re.compile(
    r"\b(?:because|means?|meant|impact\w*|matters?|important|so that|therefore|risks?|saves?|helps?|(?:could|will|"
    r"would|can) (?:\w+ )?(?:help|change|save|cut|reduce|improve|mean|prevent|make|lower|raise|double|shape|affect))\b",
    re.I,
)
_IMPACT_STRONG = re.compile(r"\b(?:because|means|meant|impacts?|matters?|so that|therefore)\b", re.I)
_QUOTE_CUE = re.compile(r"[\"“]")
_EXTRA_CUES = {  # words in an extra's key -> what a fitting sentence contains
    ("context", "background", "history"): re.compile(r"\b(?:since|before|previously|last year|ago|in (?:19|20)\d\d|until)\b", re.I),
    ("lesson", "learn", "advice", "tip"): re.compile(r"\b(?:should|lessons?|learn\w*|advice|start|avoid|first|never|always)\b", re.I),
    ("next", "future", "outlook"): re.compile(r"\b(?:will|plans?|next|by (?:19|20)\d\d|future|expects?)\b", re.I),
    ("stat", "number", "data", "figure"): re.compile(r"\d"),
    ("pitfall", "mistake", "avoid", "risk", "warning"): re.compile(
        r"\b(?:avoid|mistakes?|don't|never|fail\w*|risks?|problems?|wrong|pitfalls?|too (?:many|much|late))\b", re.I),
    ("fair_point", "counter", "caveat", "limit", "other_side", "concession"): re.compile(
        r"\b(?:however|critics?|concerns?|limitations?|limits|caveats?|not everyone|although|argued|warned|cautions?)\b", re.I),
    ("quote",): _QUOTE_CUE,
}


def _usable(s: Sentence, *, pronouns: bool = True) -> bool:
    """A sentence that can stand in a post: not a question, quote fragment, URL or stub."""
    usable, pronoun = _flags(s.text)
    return usable and (pronouns or not pronoun)


@lru_cache(maxsize=8192)
def _flags(text: str) -> tuple[bool, bool]:
    usable = (
        len(text.split()) >= 6
        and not text.rstrip("\"'”’)").endswith(("?", ":"))
        and not quote_fragment(text)
        and not re.search(r"https?://|www\.|@\w", text)
    )
    return usable, bool(PRONOUN_START.match(text))


def hook_options(a: Analysis, limit: int = 12) -> list[str]:
    """Up to ``limit`` distinct hooks, best first: salient sentences (favouring those close to the
    title) cut to the mobile fold when possible, else the desktop fold; the headline third."""
    options: list[str] = []
    seen: list[set[str]] = []

    def fresh(hook: str) -> bool:
        stems = set(content_stems(hook))
        if any(jaccard(stems, other) >= 0.7 for other in seen):
            return False
        seen.append(stems)
        return True

    title = set(content_stems(a.title or ""))
    order = sorted(a.sentences, key=lambda s: (-s.score * (1.0 + 0.5 * len(s.stems & title) / max(1, len(title))), s.index))
    for s in [s for s in order if _usable(s, pronouns=False)] + [s for s in order if _usable(s) and _flags(s.text)[1]]:
        if len(options) >= limit:
            break
        hook = compress(s.text, FOLD_MOBILE) or compress(s.text, FOLD_DESKTOP)
        if hook and len(hook.split()) >= 6 and fresh(hook):
            options.append(hook)
    headline = (a.title or "").strip()
    if len(headline.split()) >= 5 and not headline.endswith("?"):
        hook = compress(headline, FOLD_DESKTOP)
        if hook and fresh(hook):
            options.insert(min(2, len(options)), hook)
    return options


def pick_takeaways(a: Analysis, count: int, used: list[str], *, limit: int = MAX_TAKEAWAY_CHARS,
               prefer_short: bool = False, avoid: list[str] | None = None) -> list[str]:
    """Up to ``count`` distinct sentences, best first, given in article order.

    Later passes relax the rules: pronoun openings ("It", "They"), quotations, and sentences
    close to ``avoid`` (the takeaways being replaced) come only when nothing better is left."""
    chosen: list[tuple[int, str]] = []
    taken = [set(content_stems(u)) for u in used]
    avoided = [set(content_stems(u)) for u in avoid or []]
    ranked = sorted(a.sentences, key=lambda s: (-(s.score / (1.0 + len(s.text) / 90.0) if prefer_short else s.score), s.index))
    min_words = 8 if len(a.sentences) >= 15 else 5
    for pronouns, avoiding, quotes in ((False, True, False), (True, True, False), (True, True, True),
                                       (False, False, True), (True, False, True)):
        for s in ranked:
            if len(chosen) >= count:
                break
            if not _usable(s, pronouns=pronouns) or any(s.index == i for i, _ in chosen):
                continue
            if not quotes and _QUOTE_CUE.search(s.text):
                continue
            text = compress(s.text, limit)
            if not text or len(text.split()) < min_words:
                continue
            stems = set(content_stems(text))
            if any(near_duplicate(stems, t) for t in taken) or (avoiding and any(near_duplicate(stems, t) for t in avoided)):
                continue
            chosen.append((s.index, text))
            taken.append(stems)
    return [t for _, t in sorted(chosen)]


def pick_extra(a: Analysis, key: str, used: list[str], skip: int = 0) -> str | None:
    """The ``skip``-th best unused sentence for an extra part, ranked by the cue words for its key
    (for "why_it_matters": because, means, could change...)."""
    cue = next((p for names, p in _EXTRA_CUES.items() if any(n in key.lower() for n in names)), _IMPACT)
    quote = cue is _QUOTE_CUE
    ranked: list[tuple[float, int, Sentence]] = []
    for s in a.ranked()[:80]:
        if not _usable(s, pronouns=quote) or (not quote and _QUOTE_CUE.search(s.text)):
            continue
        hits = len(cue.findall(s.text))
        strong = len(_IMPACT_STRONG.findall(s.text)) if cue is _IMPACT else 0
        ranked.append((-(s.score * (1.0 + 0.3 * min(hits, 3) + 0.8 * min(strong, 2)) + (1.0 if hits else 0.0)), s.index, s))
    ranked.sort(key=lambda r: (r[0], r[1]))
    taken = [set(content_stems(u)) for u in used]
    found: list[str] = []
    for _, _, s in ranked:
        text = compress(s.text, EXTRA_CHARS)
        stems = set(content_stems(text or ""))
        if not text or any(near_duplicate(stems, t) for t in taken):
            continue
        found.append(text)
        taken.append(stems)
        if len(found) > skip:
            return found[skip]
    return found[skip % len(found)] if found else None



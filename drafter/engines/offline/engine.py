"""The offline engine: an extractive, deterministic draft built from the article's own sentences.

No network, no model, no randomness. The hook and takeaways are sentences of the article,
shortened only by cutting whole clauses (see :mod:`drafter.engines.offline.text`); the question and the
hashtags are built from the article's keyphrases; no number is ever added. A bare topic gets
an honest scaffold with [placeholders] instead of invented facts.

This module drafts and regenerates whole posts and holds the engine; the parts come from
:mod:`.offline_sentences` (hook, takeaways, extras), :mod:`.offline_topics` (kind, question,
hashtags) and :mod:`.offline_scaffold` (a bare topic). With the creator's voice
(``request.voice``), the hook and the post's length follow theirs (:mod:`.voice_fit`).
"""

from __future__ import annotations

import re
from typing import AsyncIterator

from ...models.post import MAX_CHARS, Layout, Parts, PartValue, PostSpec, assemble
from ...models.source import Source
from ...models.voice import Profile
from .text import Analysis, analyse, compress
from ..base import (
    AdaptRequest,
    Completed,
    DraftRequest,
    DraftResult,
    Event,
    HookVariantsRequest,
    PartUpdate,
    PostsReady,
    Progress,
    RegenerateRequest,
    VariantsReady,
)
from .scaffold import SCAFFOLD_WHAT, next_option, regenerate_scaffold, scaffold, scaffold_hooks, topic_hashtags
from .selection import hook_options, pick_extra, pick_takeaways
from .topics import article_kind, hashtag_pool, question_for, rotate
from .voice_fit import HOOK_CHOICES, fit_voice_length, voiced_hook, voiced_tags

__all__ = ["NOTE_EXTRACTIVE", "OfflineEngine", "article_kind", "extract_post", "hook_candidates", "regenerate_part"]

NOTE_EXTRACTIVE = ("offline engine: the hook and takeaways are sentences of the article, shortened only by "
                   "cutting clauses; edit the wording before posting")

_FILLERS = ("[Another takeaway from the article, in your own words]", "[A takeaway from your own experience]",
            "[What you would add to the article]", "[A point the article leaves open]",
            "[A lesson your readers can use this week]", "[What your readers should try first]")


def _analysis(source: Source) -> Analysis:
    return analyse(source.text, source.title or None)


# ---- public functions ------------------------------------------------------------------------------------


def extract_post(source: Source, spec: PostSpec, voice: Profile | None = None,
                 layout: Layout | None = None) -> tuple[Parts, list[str]]:
    """Draft every part from the article, or a scaffold for a bare topic. Returns (parts, notes).

    With the creator's ``voice``, the hook and the post's length follow theirs
    (:mod:`.voice_fit`); the counts in ``spec`` are already theirs."""
    if not source.has_article:
        return scaffold(source, spec)
    a = _analysis(source)
    if not a.sentences:
        parts, notes = scaffold(source.model_copy(update={"topic": source.topic or a.title or "your topic"}), spec)
        return parts, ["the article has no English prose left after removing page furniture: " + SCAFFOLD_WHAT, *notes[1:]]
    notes = [NOTE_EXTRACTIVE]
    hooks = hook_options(a, limit=1 if voice is None else HOOK_CHOICES)
    if hooks:
        hook = hooks[0] if voice is None else voiced_hook(hooks, voice)
    else:
        hook = "[Your hook: the one sentence from the article that matters most, in your words]"
    if not hooks:
        notes.append("no sentence of the article fits before the fold; the hook is a [placeholder]")
    takeaways = pick_takeaways(a, spec.takeaways, [hook])
    if len(takeaways) < spec.takeaways:
        found = len(takeaways)
        takeaways += list(_FILLERS[: spec.takeaways - found])
        notes.append(f"the article gave only {found} distinct takeaway(s); the rest are [placeholders] to fill in")
    extras: dict[str, str] = {}
    for e in spec.extras:
        text = pick_extra(a, e.key, [hook, *takeaways, *extras.values()])
        extras[e.key] = text or f"[{e.description.rstrip('.') or 'Why this matters to your readers'}, in your own words]"
    tags = rotate(hashtag_pool(a), [], spec.hashtags)
    if voice is not None and voice.tags:  # the author's own tags first, where the article is about them
        tags = voiced_tags(tags, voice, a, spec.hashtags)
    if len(tags) < spec.hashtags:
        tags += [t for t in topic_hashtags(a.title or source.topic, 12) if t.lower() not in {x.lower() for x in tags}]
        tags = tags[: spec.hashtags]
        if len(tags) < spec.hashtags:
            notes.append(f"only {len(tags)} hashtag(s) could be found in the article; add your own")
    parts = _fit_length(Parts(hook=hook, takeaways=takeaways, question=question_for(a), hashtags=tags or ["#Reading"],
                              extras=extras))
    if voice is not None:
        parts, voice_notes = fit_voice_length(parts, a, voice, layout)
        notes += voice_notes
    return parts, notes


def _fit_length(parts: Parts) -> Parts:
    """Keep the assembled post well under LinkedIn's limit by cutting clauses from long items."""
    for limit in (160, 120, 80):
        if len(assemble(parts)) <= MAX_CHARS - 200:
            break
        parts = parts.model_copy(update={
            "takeaways": [compress(t, limit) or t for t in parts.takeaways],
            "extras": {k: compress(v, limit) or v for k, v in parts.extras.items()},
        })
    return parts


def hook_candidates(source: Source, n: int) -> list[str]:
    """Up to ``n`` distinct hooks, best first, each within the desktop fold."""
    if not source.has_article:
        return scaffold_hooks(source, n)
    return hook_options(_analysis(source), limit=max(n, 1))[:n]


def _pick(options: list[str], current: str, instruction: str) -> str | None:
    """The next option after ``current``, or one that follows the instruction (shorter, longer, a number)."""
    instruction = instruction.lower()
    others = [o for o in options if o != current]
    if not others:
        return None
    if re.search(r"short|concise|tight|brief", instruction):
        return next((o for o in others if len(o) < len(current)), min(others, key=len))
    if re.search(r"long|detail", instruction):
        return next((o for o in others if len(o) > len(current)), others[0])
    if re.search(r"number|stat|figure|data", instruction):
        numeric = [o for o in others if re.search(r"\d", o)]
        if numeric:
            return numeric[0]
    return next_option(options, current)


def _shorter_takeaways(a: Analysis, current: Parts) -> list[str]:
    """The same points with a clause cut off where possible, else a shorter sentence."""
    pool = pick_takeaways(a, len(current.takeaways) + 6, [current.hook, *current.takeaways], limit=120, prefer_short=True)
    out: list[str] = []
    for item in current.takeaways:
        cut = compress(item, max(60, int(len(item) * 0.8)))
        if not cut or len(cut) >= len(item):
            cut = next((p for p in pool if len(p) < len(item) and p not in out), item)
        out.append(cut)
    return out


def regenerate_part(source: Source, spec: PostSpec, current: Parts, part: str, instruction: str = "") -> tuple[Parts, list[str]]:
    """Another candidate for one part, deterministic given (part, instruction, current); the rest is kept."""
    notes: list[str] = []
    if instruction.strip() and not re.search(r"short|concise|tight|brief|long|detail|number|stat|figure|data|"
                                             r"different|another|again|new|other", instruction, re.I):
        notes.append("the offline engine cannot rewrite in a new style; it picked another candidate from the article instead")
    if not source.has_article:
        parts = current.replace(part, regenerate_scaffold(source, spec, current, part))
        return parts, notes + ["no article: still a scaffold with [placeholders]"]
    a = _analysis(source)
    value: PartValue
    if part == "hook":
        value = _pick(hook_options(a), current.hook, instruction) or current.hook
    elif part == "takeaways":
        if re.search(r"short|concise|tight|brief", instruction, re.I):
            value = _shorter_takeaways(a, current)
        else:
            fresh = pick_takeaways(a, spec.takeaways, [current.hook], avoid=current.takeaways)
            value = fresh + [c for c in current.takeaways if c not in fresh][: spec.takeaways - len(fresh)]
    elif part == "question":
        value = next_option(list(dict.fromkeys(question_for(a, v) for v in range(9))), current.question)
    elif part == "hashtags":
        value = rotate(hashtag_pool(a), current.hashtags, spec.hashtags) or current.hashtags
    else:
        used = [current.hook, *current.takeaways, *(v for k, v in current.extras.items() if k != part)]
        options = list(dict.fromkeys(x for x in (pick_extra(a, part, used, i) for i in range(4)) if x))
        value = _pick(options, current.get(part, ""), instruction) or current.get(part, "")
    parts = current.replace(part, value)
    if parts.get(part, "") == current.get(part, ""):
        notes.append(f"no other {part} candidate in the article; kept the current one")
    return parts, notes


# ---- the engine --------------------------------------------------------------------------------------------


class OfflineEngine:
    """Extractive engine: no network, no key, no model; the same input always gives the same draft."""

    name = "offline"
    model = "extractive"

    def _result(self, parts: Parts, notes: list[str]) -> DraftResult:
        return DraftResult(parts=parts, engine=self.name, model=self.model, mode="extractive", notes=notes)

    async def draft(self, request: DraftRequest) -> AsyncIterator[Event]:
        yield Progress("offline engine: reading the article" if request.source.has_article else "offline engine: building a scaffold")
        parts, notes = extract_post(request.source, request.spec, request.voice, request.layout)
        for name in parts.names():
            value = parts.get(name)
            yield PartUpdate(name, list(value) if isinstance(value, list) else value, complete=True)
        yield Completed(self._result(parts, notes))

    async def regenerate(self, request: RegenerateRequest) -> AsyncIterator[Event]:
        yield Progress(f"offline engine: choosing another {request.part}")
        parts, notes = regenerate_part(request.source, request.spec, request.current, request.part, request.instruction)
        value = parts.get(request.part, "")
        yield PartUpdate(request.part, list(value) if isinstance(value, list) else value, complete=True)
        yield Completed(self._result(parts, notes))

    async def hook_variants(self, request: HookVariantsRequest) -> AsyncIterator[Event]:
        yield Progress("offline engine: ranking hook candidates")
        current = request.current.hook if request.current else None
        hooks = [h for h in hook_candidates(request.source, request.n + 1) if h != current][: request.n]
        yield VariantsReady(hooks)

    async def adapt(self, request: AdaptRequest) -> AsyncIterator[Event]:
        """The post laid out for the platform by :func:`.adapt.adapt_text` (no rewording)."""
        from dataclasses import replace

        from ...models.platforms import platform
        from .adapt import adapt_text

        target = replace(platform(request.platform), limit=request.limit)
        posts = adapt_text(request.text, target, numbering=request.numbering)
        yield PostsReady(posts=posts, engine=self.name, model=self.model, mode="extractive")

"""The offline engine: an extractive, deterministic draft built from the article's own sentences.

No network, no model, no randomness. The hook and takeaways are sentences of the article,
shortened only by cutting whole clauses (see :mod:`drafter.text`); the question and the
hashtags are built from the article's keyphrases; no number is ever added. A bare topic gets
an honest scaffold with [placeholders] instead of invented facts.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from typing import AsyncIterator

from ..post import FOLD_DESKTOP, FOLD_MOBILE, MAX_CHARS, MAX_TAKEAWAY_CHARS, Parts, PostSpec, assemble, normalise_hashtag
from ..sources import Source
from ..text import (
    GENERIC,
    PRONOUN_START,
    STOPWORDS,
    Analysis,
    Keyphrase,
    Sentence,
    analyse,
    compress,
    content_stems,
    jaccard,
    near_duplicate,
    quote_fragment,
)
from .base import (
    Completed,
    DraftRequest,
    DraftResult,
    Event,
    HookVariantsRequest,
    PartUpdate,
    Progress,
    RegenerateRequest,
    VariantsReady,
)

NOTE_EXTRACTIVE = ("offline engine: the hook and takeaways are sentences of the article, shortened only by "
                   "cutting clauses; edit the wording before posting")
_SCAFFOLD_WHAT = "the offline engine wrote a scaffold with [placeholders]; replace each one with your own facts and experience"
NOTE_SCAFFOLD = "no article: " + _SCAFFOLD_WHAT
PARTS = ("hook", "takeaways", "question", "hashtags")
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


# ---- the article: kind, subject, question, hashtags ------------------------------------------------


def _analysis(source: Source) -> Analysis:
    return analyse(source.text, source.title or None)


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


def article_kind(a: Analysis) -> str:
    """news, study, launch, howto, opinion, case, announcement or interview (title first, then body cues)."""
    title = (a.title or "").lower()
    body = " ".join(s.text for s in a.sentences)
    per_k = 1000.0 / max(1, a.words)
    questions = sum(1 for s in a.sentences if s.text.endswith("?") and s.first_in_para)
    if re.match(r"(?:how to|a guide to)\b", title) or re.search(r"\b\d+ (?:ways|steps|tips)\b|\bguide\b", title):
        return "howto"
    if "case study" in title:
        return "case"
    if (questions >= 3 and questions >= 0.1 * len(a.sentences)) or "interview" in title:
        return "interview"
    if re.search(r"\b(?:released?|launch\w*|introduc\w+|unveil\w*|now available|version \d|v\d+\.\d)", title):
        return "launch"
    if re.search(r"\b(?:study|survey|research|report|review|finds|analysis|paper)\b", title):
        return "study"
    if re.search(r"\b(?:announc\w*|moves to|joins|acquires|appoints|partners with|hiring)\b", title):
        return "announcement"
    if len(re.findall(r"\b(?:I|my|me)\b", body)) * per_k > 8 or re.search(r"\bI (?:think|believe|argue)\b", body):
        return "opinion"
    cues = {
        "study": len(re.findall(r"\b(?:study|survey|researchers?|respondents|findings?)\b", body, re.I)),
        "launch": len(re.findall(r"\b(?:release[sd]?|launch\w*|version|available today|features?)\b", body, re.I)),
        "howto": sum(1 for s in a.sentences if re.match(r"(?:Start|Ask|Write|Use|Make|Keep|Avoid|Don't|Try|Pick|Choose|Set|Add)\b", s.text)),
    }
    kind, best = max(cues.items(), key=lambda kv: kv[1])
    return kind if best * per_k >= 6 else "news"


def _topics(a: Analysis) -> list[Keyphrase]:
    """Subjects, best first: 2-3 word phrases of the title, then phrases and names by weight."""
    if "topics" not in a.memo:
        title = set(content_stems(a.title or ""))
        top = a.keyphrases[0].score if a.keyphrases else 1.0

        def in_title(k: Keyphrase) -> bool:
            return len(k.key) > 1 and bool(title) and all(x in title for x in k.key)

        def weight(k: Keyphrase) -> float:
            if k.kind != "phrase":
                return 1.3 * k.score / top
            return k.score / top * (2.5 if len(k.key) > 1 else 1.0)

        pool = [k for k in a.keyphrases if not all(x in GENERIC for x in k.key)]
        a.memo["topics"] = sorted(pool, key=lambda k: (not in_title(k), -weight(k), k.text))
    return a.memo["topics"]  # type: ignore[return-value]


_MASS = frozenset("""work data research software energy health care safety heat water traffic storage
    infrastructure time money education housing transport information security privacy funding feedback""".split())
_COUNT_ING = frozenset("""meeting building setting hearing painting finding ending ceiling wedding offering listing
    opening warning briefing saving recording drawing booking ranking rating reading""".split())


def _noun_phrase(k: Keyphrase) -> str:
    """The keyphrase with an article when English needs one: "the four-day week", "heat pumps"."""
    last = k.text.split()[-1].lower()
    plural = last.endswith("s") and not last.endswith(("ss", "us", "is"))
    gerund = last.endswith("ing") and last not in _COUNT_ING
    bare = k.kind != "phrase" or last in _MASS or plural or gerund
    return k.text if bare else "the " + k.text


def _gerund(verb: str) -> str:
    v = verb.lower()
    if v.endswith("ie"):
        return v[:-2] + "ying"
    if v.endswith("e") and not v.endswith(("ee", "ye", "oe")):
        return v[:-1] + "ing"
    if re.fullmatch(r"[^aeiou]*[aeiou][^aeiouwxy]", v):
        return v + v[-1] + "ing"
    return v + "ing"


def _subject(a: Analysis, kind: str, offset: int = 0) -> str:
    """What the question is about: "running a blameless postmortem", "heat pumps", "Quillstore"."""
    title = a.title or ""
    if offset == 0:
        m = re.match(r"(?i)how to (\w+)\s+(.{3,60}?)[.?!]?$", title)
        if m:
            return f"{_gerund(m.group(1))} {m.group(2)}"
        m = re.search(r"\b(?:on|about)\s+(\w+ing\b[^:;,.?!]{3,50})$", title)
        if m:
            return m.group(1)
    topics = _topics(a)
    if kind == "launch":  # the product's name first
        topics = [k for k in topics if k.kind == "entity"] + [k for k in topics if k.kind != "entity"]
    return _noun_phrase(topics[offset % len(topics)]) if topics else "this topic"


_QUESTIONS = {
    "study": ("Does what this research found about {t} match what you have seen yourself?",
              "If these findings on {t} hold up elsewhere, what should change first?",
              "Which finding on {t} surprised you, and which did you expect?"),
    "news": ("What would it take for {t} to work where you are?",
             "Who stands to gain or lose the most from {t}?",
             "What is the one question you would ask the people behind {t}?"),
    "launch": ("Would {t} fit into the tools your team already runs, or what would hold you back?",
               "What would you need to see before using {t} in production?",
               "Which part of {t} would make the biggest difference for your team?"),
    "howto": ("Which step of {t} does your team find hardest to keep doing?",
              "What has worked for your team when it comes to {t}?",
              "What would you add to this approach to {t}?"),
    "opinion": ("Do you agree with this view of {t}, or has your experience been different?",
                "Where would you push back on this take on {t}?",
                "What has your team tried with {t}, and did it stick?"),
    "case": ("Has your organisation tackled {t} in a similar way, and what did you learn?",
             "Which of these changes around {t} would be hardest to make where you work?",
             "What would you measure first before changing how your organisation handles {t}?"),
    "announcement": ("Would a move like this on {t} work in your organisation?",
                     "What would your team need to make {t} work?",
                     "What would you want to know about {t} before trying it yourself?"),
    "interview": ("Which of these lessons on {t} matches your own experience?",
                  "What would you have asked about {t} in this interview?",
                  "Where would you disagree with this view of {t}?"),
}


def _question(a: Analysis, variant: int = 0) -> str:
    """A question about the article's subject, in a template chosen by the article's kind."""
    kind = article_kind(a)
    templates = _QUESTIONS[kind]
    seed = zlib.crc32((a.title or a.sentences[0].text).encode())
    return templates[(seed + variant) % len(templates)].format(t=_subject(a, kind, variant // len(templates)))


def _hashtag_pool(a: Analysis) -> list[str]:
    """Hashtags from topics and names, best first: 1-3 words, no stopwords, no tag inside
    another, the best name second, tags repeating a word of an earlier tag last."""
    first: list[str] = []
    later: list[str] = []
    name: str | None = None
    seen_words: set[str] = set()
    title = set(content_stems(a.title or ""))
    for k in _topics(a):
        if len(first) >= 12:
            break
        words = k.text.replace("'s", "s").replace("’s", "s").split()
        if (k.kind == "acronym" and k.count < 2) or len(words) > 3 or any(w.lower() in STOPWORDS for w in words):
            continue
        if len(words) == 3 and words[0][:1].islower():
            words = words[1:]  # "serious cyclist injuries" -> #CyclistInjuries
        tag = normalise_hashtag(" ".join(words))
        if not tag or len(tag) > 25 or not re.search(r"[A-Za-z]{3}", tag):
            continue
        low = tag[1:].lower()
        if any(low in t[1:].lower() or t[1:].lower() in low for t in first + later):
            continue
        stems = {x for w in words for x in content_stems(w)}
        (later if stems & seen_words else first).append(tag)
        seen_words |= stems
        if name is None and k.kind == "entity" and (len(k.key) > 1 or k.key[0] in title):
            name = tag
    if name in first[2:]:
        first.remove(name)
        first.insert(1, name)
    return first + later


def _rotate(pool: list[str], current: list[str], count: int) -> list[str]:
    """``count`` tags from ``pool``, those not in ``current`` first."""
    skipped = {t.lower() for t in current}
    return ([t for t in pool if t.lower() not in skipped] + [t for t in pool if t.lower() in skipped])[:count]


# ---- hooks, takeaways, extras -----------------------------------------------------------------------


def _hook_options(a: Analysis, limit: int = 12) -> list[str]:
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


def _takeaways(a: Analysis, count: int, used: list[str], *, limit: int = MAX_TAKEAWAY_CHARS,
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


def _extra(a: Analysis, key: str, used: list[str], skip: int = 0) -> str | None:
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


# ---- a bare topic: the scaffold ------------------------------------------------------------------------

_HOOK_ANGLES = (
    "[Your hook about {t}: a surprising fact or a personal moment]",
    "[A short story: the moment {t} mattered in your work]",
    "[A figure about {t} that you can cite, with its source]",
    "[A common belief about {t} that you disagree with]",
    "[A question your team keeps asking about {t}]",
    "[What changed your mind about {t}]",
    "[A mistake you made with {t} and what it taught you]",
    "[Advice you wish you had heard earlier about {t}]",
    "[Who should care about {t}, and why now]",
    "[One result from your own work with {t}]",
)
_TAKEAWAY_SLOTS = (
    ("[First takeaway about {t}: a specific point you can back up]", "[First point about {t}: what you saw happen]"),
    ("[Second takeaway: an example from your own experience]", "[Second point: a concrete example with names and places]"),
    ("[Third takeaway: what you would do differently next time]", "[Third point: the trade-off nobody mentions]"),
    ("[Fourth takeaway: a mistake to avoid]", "[Fourth point: what surprised you]"),
    ("[Fifth takeaway: a resource or person worth following]", "[Fifth point: what you would tell a newcomer]"),
    ("[Sixth takeaway: what you are still unsure about]", "[Sixth point: an open question]"),
)
_SCAFFOLD_QUESTIONS = (
    "What has your experience been with {t}?",
    "What do most people get wrong about {t}?",
    "What is one thing you would change about how your team handles {t}?",
)
_FILLERS = ("[Another takeaway from the article, in your own words]", "[A takeaway from your own experience]",
            "[What you would add to the article]", "[A point the article leaves open]",
            "[A lesson your readers can use this week]", "[What your readers should try first]")


def _scaffold_topic(source: Source) -> str:
    topic = " ".join((source.topic or source.title or "your topic").split())
    if len(topic) > 80:
        topic = topic[:80].rsplit(" ", 1)[0]
    return topic.rstrip(".?!:;,")


def _topic_hashtags(topic: str, count: int) -> list[str]:
    words = [w for w in re.findall(r"[^\W_][\w'-]*", topic) if w.lower() not in STOPWORDS]
    cands = [" ".join(words)] if 1 < len(words) <= 3 else []
    cands += [" ".join(words[i : i + 2]) for i in range(len(words) - 1)] if len(words) > 3 else []
    cands += [w for w in words if len(w) >= 3 or w.isupper()]
    tags: list[str] = []
    for c in cands:
        tag = normalise_hashtag(c)
        if tag and len(tag) <= 25 and not tag[1:].isdigit() and tag.lower() not in {t.lower() for t in tags}:
            tags.append(tag)
    return tags[:count]


def _scaffold_extra(key: str, label: str, description: str, topic: str, variant: int) -> str:
    label = (label or key.replace("_", " ")).rstrip(": ").strip().capitalize()
    if variant % 2:
        return f"[{label}: what {topic} changes for the people who read your posts]"
    return f"[{label}: {description.rstrip('.') or 'why this matters to your readers'}]"


def _scaffold(source: Source, spec: PostSpec) -> tuple[Parts, list[str]]:
    t = _scaffold_topic(source)
    tags = _topic_hashtags(t, spec.hashtags) or ["#Draft"]
    notes = [NOTE_SCAFFOLD]
    if len(tags) < spec.hashtags:
        notes.append(f"only {len(tags)} hashtag(s) could be made from the topic words; add your own")
    parts = Parts(
        hook=_HOOK_ANGLES[0].format(t=t),
        takeaways=[slot[0].format(t=t) for slot in _TAKEAWAY_SLOTS[: spec.takeaways]],
        question=_SCAFFOLD_QUESTIONS[0].format(t=t),
        hashtags=tags,
        extras={e.key: _scaffold_extra(e.key, e.label, e.description, t, 0) for e in spec.extras},
    )
    return parts, notes


def _next(options: list[str], current: str) -> str:
    return options[(options.index(current) + 1) % len(options)] if current in options else options[0]


def _regenerate_scaffold(source: Source, spec: PostSpec, current: Parts, part: str) -> dict[str, object]:
    t = _scaffold_topic(source)
    if part == "hook":
        return {"hook": _next([h.format(t=t) for h in _HOOK_ANGLES], current.hook)}
    if part == "takeaways":
        sets = [[slot[v].format(t=t) for slot in _TAKEAWAY_SLOTS[: spec.takeaways]] for v in (0, 1)]
        return {"takeaways": sets[1] if current.takeaways == sets[0] else sets[0]}
    if part == "question":
        return {"question": _next([q.format(t=t) for q in _SCAFFOLD_QUESTIONS], current.question)}
    if part == "hashtags":
        return {"hashtags": _rotate(_topic_hashtags(t, 12), current.hashtags, spec.hashtags) or current.hashtags}
    extra = next((e for e in spec.extras if e.key == part), None)
    label, description = (extra.label, extra.description) if extra else ("", "")
    variant = 1 if current.extras.get(part) == _scaffold_extra(part, label, description, t, 0) else 0
    return {"extras": {**current.extras, part: _scaffold_extra(part, label, description, t, variant)}}


# ---- public functions ------------------------------------------------------------------------------------


def extract_post(source: Source, spec: PostSpec) -> tuple[Parts, list[str]]:
    """Draft every part from the article, or a scaffold for a bare topic. Returns (parts, notes)."""
    if not source.has_article:
        return _scaffold(source, spec)
    a = _analysis(source)
    if not a.sentences:
        parts, notes = _scaffold(source.model_copy(update={"topic": source.topic or a.title or "your topic"}), spec)
        return parts, ["the article has no English prose left after removing page furniture: " + _SCAFFOLD_WHAT, *notes[1:]]
    notes = [NOTE_EXTRACTIVE]
    hooks = _hook_options(a, limit=1)
    hook = hooks[0] if hooks else "[Your hook: the one sentence from the article that matters most, in your words]"
    if not hooks:
        notes.append("no sentence of the article fits before the fold; the hook is a [placeholder]")
    takeaways = _takeaways(a, spec.takeaways, [hook])
    if len(takeaways) < spec.takeaways:
        found = len(takeaways)
        takeaways += list(_FILLERS[: spec.takeaways - found])
        notes.append(f"the article gave only {found} distinct takeaway(s); the rest are [placeholders] to fill in")
    extras: dict[str, str] = {}
    for e in spec.extras:
        text = _extra(a, e.key, [hook, *takeaways, *extras.values()])
        extras[e.key] = text or f"[{e.description.rstrip('.') or 'Why this matters to your readers'}, in your own words]"
    tags = _rotate(_hashtag_pool(a), [], spec.hashtags)
    if len(tags) < spec.hashtags:
        tags += [t for t in _topic_hashtags(a.title or source.topic, 12) if t.lower() not in {x.lower() for x in tags}]
        tags = tags[: spec.hashtags]
        if len(tags) < spec.hashtags:
            notes.append(f"only {len(tags)} hashtag(s) could be found in the article; add your own")
    parts = Parts(hook=hook, takeaways=takeaways, question=_question(a), hashtags=tags or ["#Reading"], extras=extras)
    return _fit_length(parts), notes


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
        t = _scaffold_topic(source)
        return [angle.format(t=t) for angle in _HOOK_ANGLES[:n]]
    return _hook_options(_analysis(source), limit=max(n, 1))[:n]


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
    return _next(options, current)


def _shorter_takeaways(a: Analysis, current: Parts) -> list[str]:
    """The same points with a clause cut off where possible, else a shorter sentence."""
    pool = _takeaways(a, len(current.takeaways) + 6, [current.hook, *current.takeaways], limit=120, prefer_short=True)
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
        parts = Parts(**{**current.model_dump(), **_regenerate_scaffold(source, spec, current, part)})
        return parts, notes + ["no article: still a scaffold with [placeholders]"]
    a = _analysis(source)
    update: dict[str, object] = {}
    if part == "hook":
        update["hook"] = _pick(_hook_options(a), current.hook, instruction) or current.hook
    elif part == "takeaways":
        if re.search(r"short|concise|tight|brief", instruction, re.I):
            update["takeaways"] = _shorter_takeaways(a, current)
        else:
            fresh = _takeaways(a, spec.takeaways, [current.hook], avoid=current.takeaways)
            update["takeaways"] = fresh + [c for c in current.takeaways if c not in fresh][: spec.takeaways - len(fresh)]
    elif part == "question":
        update["question"] = _next(list(dict.fromkeys(_question(a, v) for v in range(9))), current.question)
    elif part == "hashtags":
        update["hashtags"] = _rotate(_hashtag_pool(a), current.hashtags, spec.hashtags) or current.hashtags
    else:
        used = [current.hook, *current.takeaways, *(v for k, v in current.extras.items() if k != part)]
        options = list(dict.fromkeys(x for x in (_extra(a, part, used, i) for i in range(4)) if x))
        chosen = _pick(options, current.extras.get(part, ""), instruction)
        update["extras"] = {**current.extras, part: chosen or current.extras.get(part, "")}
    parts = Parts(**{**current.model_dump(), **update})
    if part in PARTS and getattr(parts, part) == getattr(current, part):
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
        parts, notes = extract_post(request.source, request.spec)
        yield PartUpdate("hook", parts.hook, complete=True)
        yield PartUpdate("takeaways", list(parts.takeaways), complete=True)
        for key, value in parts.extras.items():
            yield PartUpdate(key, value, complete=True)
        yield PartUpdate("question", parts.question, complete=True)
        yield PartUpdate("hashtags", list(parts.hashtags), complete=True)
        yield Completed(self._result(parts, notes))

    async def regenerate(self, request: RegenerateRequest) -> AsyncIterator[Event]:
        yield Progress(f"offline engine: choosing another {request.part}")
        parts, notes = regenerate_part(request.source, request.spec, request.current, request.part, request.instruction)
        value = getattr(parts, request.part) if request.part in PARTS else parts.extras.get(request.part, "")
        yield PartUpdate(request.part, list(value) if isinstance(value, list) else value, complete=True)
        yield Completed(self._result(parts, notes))

    async def hook_variants(self, request: HookVariantsRequest) -> AsyncIterator[Event]:
        yield Progress("offline engine: ranking hook candidates")
        current = request.current.hook if request.current else None
        hooks = [h for h in hook_candidates(request.source, request.n + 1) if h != current][: request.n]
        yield VariantsReady(hooks)

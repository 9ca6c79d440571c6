"""The offline engine's scaffold for a bare topic: no article, so no facts; every part is an
honest [placeholder] naming what to write, and regenerating one cycles through the angles."""

from __future__ import annotations

import re

from ...models.post import Parts, PartValue, PostSpec, normalise_hashtag
from ...models.source import Source
from ...models.text_rules import STOPWORDS
from .topics import rotate

SCAFFOLD_WHAT = "the offline engine wrote a scaffold with [placeholders]; replace each one with your own facts and experience"
NOTE_SCAFFOLD = "no article: " + SCAFFOLD_WHAT

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
_SCAFFOLD_QUESTIONS_FOR_QUESTIONS = (  # the topic is itself a question: "why our team stopped…"
    "How would you answer it for your own team: {t}?",
    "Has your team asked itself the same question: {t}?",
    "What would change your answer to this: {t}?",
)


def _question(t: str, i: int) -> str:
    forms = _SCAFFOLD_QUESTIONS_FOR_QUESTIONS if _is_question(t) else _SCAFFOLD_QUESTIONS
    return forms[i % len(forms)].format(t=t)


_QUESTION_WORDS = frozenset("why how what when where who which should is are can do does did will would".split())


def _scaffold_topic(source: Source) -> str:
    topic = " ".join((source.topic or source.title or "your topic").split())
    if len(topic) > 80:
        topic = topic[:80].rsplit(" ", 1)[0]
    topic = topic.rstrip(".?!:;,")
    first = topic.split(" ", 1)[0]
    # Mid-sentence, "Why our team…" reads as "why our team…"; names and acronyms keep their case.
    if first.lower() in STOPWORDS | _QUESTION_WORDS and not first.isupper():
        topic = topic[:1].lower() + topic[1:]
    return topic


def _is_question(topic: str) -> bool:
    return topic.split(" ", 1)[0].lower() in _QUESTION_WORDS


def scaffold_hooks(source: Source, n: int) -> list[str]:
    """Up to ``n`` hook placeholders, each a different angle on the topic."""
    t = _scaffold_topic(source)
    return [angle.format(t=t) for angle in _HOOK_ANGLES[:n]]


def _topic_chunks(topic: str) -> list[list[str]]:
    """Runs of content words between stopwords and past-tense verbs ("stopped", "changed")."""
    chunks: list[list[str]] = [[]]
    for word in re.findall(r"[^\W_][\w'-]*", topic):
        low = word.lower()
        if low in STOPWORDS or low in _QUESTION_WORDS or (len(low) > 4 and low.endswith("ed") and not word[0].isupper()):
            chunks.append([])
        else:
            chunks[-1].append(word)
    return [c[-3:] for c in chunks if c]


def topic_hashtags(topic: str, count: int) -> list[str]:
    """Up to ``count`` hashtags from the topic's own phrases: "heat pumps in old houses" gives
    #HeatPumps #OldHouses, then single words, head nouns (the last word of a phrase) first."""
    chunks = _topic_chunks(topic)
    cands = [" ".join(c) for c in chunks if len(c) > 1]
    cands += [w for c in chunks for w in (c[-1], *c[:-1]) if len(w) >= 3 or w.isupper()]
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


def scaffold(source: Source, spec: PostSpec) -> tuple[Parts, list[str]]:
    """Every part a [placeholder] about the topic. Returns (parts, notes)."""
    t = _scaffold_topic(source)
    tags = topic_hashtags(t, spec.hashtags) or ["#Draft"]
    notes = [NOTE_SCAFFOLD]
    if len(tags) < spec.hashtags:
        notes.append(f"only {len(tags)} hashtag(s) could be made from the topic words; add your own")
    parts = Parts(
        hook=_HOOK_ANGLES[0].format(t=t),
        takeaways=[slot[0].format(t=t) for slot in _TAKEAWAY_SLOTS[: spec.takeaways]],
        question=_question(t, 0),
        hashtags=tags,
        extras={e.key: _scaffold_extra(e.key, e.label, e.description, t, 0) for e in spec.extras},
    )
    return parts, notes


def next_option(options: list[str], current: str) -> str:
    """The option after ``current``, round the end; the first when ``current`` is not one of them."""
    return options[(options.index(current) + 1) % len(options)] if current in options else options[0]


def regenerate_scaffold(source: Source, spec: PostSpec, current: Parts, part: str) -> PartValue:
    """The next placeholder for one part (the value to replace ``current``'s with)."""
    t = _scaffold_topic(source)
    if part == "hook":
        return next_option([h.format(t=t) for h in _HOOK_ANGLES], current.hook)
    if part == "takeaways":
        sets = [[slot[v].format(t=t) for slot in _TAKEAWAY_SLOTS[: spec.takeaways]] for v in (0, 1)]
        return sets[1] if current.takeaways == sets[0] else sets[0]
    if part == "question":
        return next_option([_question(t, i) for i in range(len(_SCAFFOLD_QUESTIONS))], current.question)
    if part == "hashtags":
        return rotate(topic_hashtags(t, 12), current.hashtags, spec.hashtags) or current.hashtags
    extra = next((e for e in spec.extras if e.key == part), None)
    label, description = (extra.label, extra.description) if extra else ("", "")
    variant = 1 if current.get(part, None) == _scaffold_extra(part, label, description, t, 0) else 0
    return _scaffold_extra(part, label, description, t, variant)


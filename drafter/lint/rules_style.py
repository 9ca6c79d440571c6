"""Style rules: AI tells, em dashes, emoji, repeated openers, symmetric takeaways,
invented numbers, Unicode bold."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterator, Literal

from pydantic import Field

from .numbers import backed, post_numbers, source_values
from .phrases import Tell, find_tell
from .registry import Context, Hit, RuleSettings, rule
from ..models.text_rules import EMOJI, link_spans


class PhraseOptions(RuleSettings):
    ignore: list[str] = Field(default_factory=list)
    """Tells not to report: a tell's label/phrase, or the exact matched words (any case)."""
    habit_posts: int = Field(ge=1)
    """With the creator's voice: a tell found in at least this many of their own posts is their
    habit, not reported (a note says so)."""


class Limit(RuleSettings):
    max: int = Field(ge=0)
    """How many are fine; one more is a finding."""


class OpenerOptions(RuleSettings):
    min: int = Field(ge=2)
    """How many sentences/bullets starting with the same word make a finding..."""
    window: int = Field(ge=2)
    """...within this many consecutive sentences/bullets."""
    ignore: list[str] = Field(default_factory=list)
    """Opening words never reported (lowercase)."""


Shape = Literal["word-class", "word-count", "colon"]


class SymmetryOptions(RuleSettings):
    min_items: int = Field(ge=2)
    """Only look at posts with at least this many takeaways."""
    word_count_tolerance: int = Field(ge=0)
    """Takeaways whose word counts all lie within this range count as the same length."""
    checks: list[Shape]
    """Which shapes to look for: word-class, word-count, colon."""


class NumberOptions(RuleSettings):
    ignore_up_to: int = Field(ge=-1)
    """Plain counts up to this ("3 lessons") are not checked; -1 checks every number."""
    check_years: bool
    """Also check years (2019, the 1990s)."""


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---- AI tells ----------------------------------------------------------------------------
@rule("ai-phrase", PhraseOptions)
def ai_phrase(ctx: Context, opts: PhraseOptions) -> Iterator[Hit]:
    post = ctx.post
    text, low, hook = post.text, post.lowered, post.hook
    ignore = {" ".join(i.lower().split()) for i in opts.ignore}
    found: list[tuple[int, int, Tell]] = []
    for tell in ctx.tells:
        if tell.name.lower() in ignore or not tell.may_match(low):
            continue
        if tell.where == "hook":
            if hook is None:
                continue
            base, scanned = hook.start, text[hook.start : hook.end]
        else:
            base, scanned = 0, text
        matches, note = find_tell(tell, scanned)
        if note:
            ctx.notes.append(note)
        for start, end, matched in matches:
            if end > start and " ".join(matched.lower().split()) not in ignore:
                found.append((base + start, base + end, tell))
    if found and ("http" in low or "www." in low):
        links = link_spans(text)
        found = [f for f in found if not any(s <= f[0] < e for s, e in links)]
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    last_end = -1
    for start, end, tell in found:
        if start < last_end:
            continue  # "unlock the power of" already covers "unlock"
        last_end = end
        label = tell.label
        matched = _quote(text[start:end])
        if ctx.voice is not None and _habit(ctx, tell, opts, tell.name if label or not tell.regex else matched):
            continue
        named = f" ({label})" if label and label.lower() != matched.lower() else ""
        suggestion = tell.suggestion
        advice = ""
        if suggestion:
            advice = f"; try {suggestion}" if suggestion[:1] in "\"“'" else f"; instead, {suggestion}"
        yield Hit(start, end, f'"{matched}"{named} reads as AI-written{advice}')


def _habit(ctx: Context, tell: Tell, opts: PhraseOptions, name: str) -> bool:
    """Whether ``tell`` is the author's habit (in ``habit_posts`` of their posts); says so in a note."""
    assert ctx.voice is not None
    posts = ctx.voice.posts_with(tell)
    ctx.notes.extend(ctx.voice.notes)
    if posts < opts.habit_posts:
        return False
    ctx.notes.append(f"{name!r} is in {posts:,} of your posts: not flagged as an AI tell (your voice)")
    return True


# ---- punctuation and symbols -------------------------------------------------------------
_DASH = re.compile(r"—|(?<=\s)(?:--|–)(?=\s)")


def _over_limit(found: list[re.Match[str]], limit: int, what: str, advice: str) -> Iterator[Hit]:
    """One finding at the first match past ``limit``."""
    if len(found) > limit:
        first = found[limit]
        yield Hit(first.start(), first.end(), f"{len(found)} {what} (limit {limit}); {advice}")


@rule("em-dash", Limit)
def em_dash(ctx: Context, opts: Limit) -> Iterator[Hit]:
    yield from _over_limit(list(_DASH.finditer(ctx.post.text)), opts.max,
                           "em dashes", "use a full stop or a comma for some")


@rule("emoji", Limit)
def emoji(ctx: Context, opts: Limit) -> Iterator[Hit]:
    from .rules_voice import emoji_habit

    habit = emoji_habit(ctx)  # with a voice, the limit rises to the author's usual most
    yield from _over_limit(list(EMOJI.finditer(ctx.post.text)), opts.max if habit is None else max(opts.max, habit),
                           "emoji", "keep the ones that carry meaning")


_STYLED = re.compile(r"[\U0001D400-\U0001D7FF](?:[ '’,.!?:-]*[\U0001D400-\U0001D7FF])*")


@rule("unicode-bold")
def unicode_bold(ctx: Context, opts: RuleSettings) -> Iterator[Hit]:
    for m in _STYLED.finditer(ctx.post.text):
        plain = unicodedata.normalize("NFKC", m.group())
        yield Hit(m.start(), m.end(),
                  f'"{_quote(m.group(), 40)}" is Unicode-styled text ("{_quote(plain, 40)}"); '
                  "screen readers and search do not read it as words", fix=plain)


# ---- rhythm ------------------------------------------------------------------------------
@rule("repeated-opener", OpenerOptions)
def repeated_opener(ctx: Context, opts: OpenerOptions) -> Iterator[Hit]:
    openers = ctx.post.openers
    ignore = {w.lower() for w in opts.ignore}
    by_word: dict[str, list[int]] = {}
    for i, (word, _) in enumerate(openers):
        if word not in ignore:
            by_word.setdefault(word, []).append(i)
    text = ctx.post.text
    hits = []
    for idxs in by_word.values():
        for k in range(len(idxs) - opts.min + 1):
            if idxs[k + opts.min - 1] - idxs[k] < opts.window:
                group = [i for i in idxs[k:] if i - idxs[k] < opts.window]
                first, last = openers[group[0]][1], openers[group[-1]][1]
                spread = group[-1] - group[0] + 1
                count = f"{len(group)}" if spread == len(group) else f"{len(group)} of {spread}"
                hits.append(Hit(first.start, last.end,
                                f'"{text[first.start:first.end]}" starts {count} sentences in a row; '
                                "vary the openings"))
                break
    yield from sorted(hits)


_VERBS = frozenset(
    """add align answer ask audit automate avoid be begin benchmark block break bring budget build buy
    celebrate challenge change check choose clarify coach collect communicate compare consider create
    cut decide define delegate delete deliver deploy design document do drop embrace empower ensure
    expect experiment explain fail find fix focus follow forget get give go grow hire ignore improve
    invest iterate keep kill know launch lead learn leave let limit listen log look make map measure
    meet monitor move name own pair pay pick plan practice practise prioritise prioritize protect prototype
    publish put question read reduce refuse remember remove replace review reward run save say schedule
    see sell ship show simplify skip slow speak spend split start stay stop streamline talk teach
    tell test think track treat trust try turn understand unlock use validate verify wait watch write""".split()
)
_NOT_GERUND = frozenset("thing things nothing something everything anything king ring sing bring spring string swing wing during morning evening ceiling".split())
_NOT_PAST = frozenset("need speed seed feed red bed indeed embed shed hundred".split())
_LEAD = re.compile(r"[^\w]*([\w'’%$.,-]+)")
_LABEL = re.compile(r"[^:—–\n]{1,40}?(?::|\s[—–-]\s)\s*\S")


def _word_class(item: str) -> str | None:
    m = _LEAD.match(item)
    if not m:
        return None
    word = m.group(1).lower().strip(".,")
    if word[:1].isdigit() or word[:1] == "$":
        return "a number"
    if word.endswith("ing") and len(word) > 4 and word not in _NOT_GERUND:
        return 'a verb ending in "-ing"'
    if word.endswith("ed") and len(word) > 3 and word not in _NOT_PAST:
        return 'a verb ending in "-ed"'
    if word in _VERBS:
        return "an instruction verb"
    return None


@rule("symmetric-takeaways", SymmetryOptions)
def symmetric_takeaways(ctx: Context, opts: SymmetryOptions) -> Iterator[Hit]:
    spans = ctx.post.takeaways
    if len(spans) < opts.min_items:
        return
    items = [ctx.post.text[s:e] for s, e in spans]
    shapes: list[str] = []
    if "word-class" in opts.checks:
        classes = {_word_class(i) for i in items}
        if len(classes) == 1 and None not in classes:
            firsts = ", ".join(_LEAD.match(i).group(1) for i in items[:3])  # type: ignore[union-attr]
            shapes.append(f"start with {classes.pop()} ({firsts})")
    if "word-count" in opts.checks:
        counts = [len(i.split()) for i in items]
        if max(counts) - min(counts) <= opts.word_count_tolerance:
            size = f"{min(counts)}" if min(counts) == max(counts) else f"{min(counts)}-{max(counts)}"
            shapes.append(f"have {size} words")
    if "colon" in opts.checks and all(_LABEL.match(i) for i in items):
        shapes.append('follow the "Label: explanation" pattern')
    if shapes:
        yield Hit(spans[0].start, spans[-1].end,
                  f"all {len(items)} takeaways {' and '.join(shapes)}; vary their shape")


# ---- facts -------------------------------------------------------------------------------
@rule("invented-number", NumberOptions)
def invented_number(ctx: Context, opts: NumberOptions) -> Iterator[Hit]:
    if not ctx.source_text:
        return
    text = ctx.post.text
    values = source_values(ctx.source_text)
    links = link_spans(text) if ("http" in text or "www." in text) else []
    reported: set[str] = set()
    for number in post_numbers(text):
        if number.year and not opts.check_years:
            continue
        if number.bare and not number.year and number.value <= opts.ignore_up_to:
            continue
        if any(s <= number.start < e for s, e in links) or number.text in reported:
            continue
        if not backed(number, values):
            reported.add(number.text)
            yield Hit(number.start, number.end, f'"{number.text}" is not in the source article; check it or cut it')



# ---- unfinished drafts ---------------------------------------------------------------------
PLACEHOLDER = re.compile(r"\[[^\[\]\n]{3,200}\]")
"""A [bracketed placeholder] left to fill in (the post's rule and each platform version's)."""


@rule("placeholder")
def placeholder(ctx: Context, opts: RuleSettings) -> Iterator[Hit]:
    """A [bracketed placeholder] the writer still has to fill in (scaffolds and story templates)."""
    for m in PLACEHOLDER.finditer(ctx.post.text):
        yield Hit(m.start(), m.end(), f'placeholder left to fill in: "{_quote(m.group(), 60)}"')

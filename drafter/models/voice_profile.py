"""The profile of the author's posts (:class:`~drafter.models.voice.Profile`): plain measures that
the LLM instructions, the offline engine and the linter all read.

It counts with the rules every layer shares (:mod:`drafter.models.text_rules`: list markers,
hashtags, emoji, sentence ends, function words), so the profile and the linter never disagree
about what a bullet or a hashtag is. Distinctive words and phrases are the author's words that
general English uses much less (word frequencies from the ``wordfreq`` package, whose data ships
in its wheel: nothing is downloaded); it is imported only here, while a profile is built on
import, never on the draft path.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable, Sequence

from .post import measure
from .text_rules import (EMOJI, HAS_CJK, HASHTAG, LINK, LIST_MARKER, QUESTION_END, SENTENCE_CUT, STOPWORDS,
                         marker_kind)
from .voice import HashtagCase, HashtagPlace, Profile, Spread, VoicePost

BASELINE_LANGUAGE = "en"
"""The general language the author's words are compared with."""
MAX_OPENERS = 5
MAX_PHRASES = 12
_BLANK = re.compile(r"\n[ \t]*\n")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_TAG_LINE = re.compile(rf"(?:{HASHTAG.pattern}[\s,;·|]*)+")
_ACRONYM = 4
"""An all-capitals tag this short (#AI, #SEO) is an acronym: it says nothing of the author's casing."""
_RATIO = math.log(100)
"""A distinctive word is used at least a hundred times more often than general English uses it
(on a small set of posts ordinary words pass twenty times easily)."""
_SHARE = 0.75
"""The share of tags one casing needs to be the author's (else "mixed")."""


def build_profile(posts: Sequence[VoicePost]) -> Profile:
    """What ``posts`` have in common (see each :class:`Profile` field). An empty list gives a
    profile of zeros."""
    texts = [p.text for p in posts]
    shapes = [_shape(t) for t in texts]
    dates = [p.date for p in posts if p.date is not None]
    listed = [s for s in shapes if s.items >= 2]
    markers = Counter(m for s in listed for m in s.markers)
    tagged = [s for s in shapes if s.tags]
    questions = [s.closing for s in shapes if s.closing is not None]
    return Profile(
        posts=len(posts),
        first_date=min(dates) if dates else None,
        last_date=max(dates) if dates else None,
        chars=spread(measure(t).chars for t in texts),
        lines=spread(s.lines for s in shapes),
        paragraphs=spread(s.paragraphs for s in shapes),
        hook_chars=spread(s.hook for s in shapes),
        sentence_words=spread(n for s in shapes for n in s.sentence_words),
        bullets=_share(len(listed), len(shapes)),
        bullet_marker=markers.most_common(1)[0][0] if markers else None,
        takeaways=round(_median([s.items for s in listed])) if listed else None,
        emoji=spread(s.emoji for s in shapes),
        hashtags=spread(len(s.tags) for s in shapes),
        hashtag_case=hashtag_case([t for s in shapes for t in s.tags]),
        hashtag_place=_place(tagged),
        question_close=_share(len(questions), len(shapes)),
        closing=closing_words(questions),
        openers=_openers(shapes),
        phrases=distinctive(texts),
    )


# ---- one post's shape -------------------------------------------------------------------------


class _Shape:
    """The measures of one post."""

    def __init__(self, text: str) -> None:
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        self.lines = len(lines)
        self.paragraphs = len([p for p in _BLANK.split(text) if p.strip()])
        self.hook = len(lines[0]) if lines else 0
        self.first_word = next((m.group() for m in _WORD.finditer(lines[0])), "") if lines else ""
        self.tags = HASHTAG.findall(text)
        tail = 0  # the last lines that hold only hashtags
        while tail < len(lines) and _TAG_LINE.fullmatch(lines[-1 - tail]):
            tail += 1
        self.tags_at_end = bool(self.tags) and sum(len(HASHTAG.findall(line)) for line in lines[len(lines) - tail:]) \
            == len(self.tags)
        body = lines[: len(lines) - tail]
        found = [LIST_MARKER.match(line) for line in body]
        self.markers = [marker_kind(m.group("marker")) for m in found if m and m.end() < len(m.string)]
        self.items = len(self.markers)
        self.emoji = len(EMOJI.findall(text))
        sentences = [s for line, m in zip(body, found) for s in _sentences(line[m.end():] if m else line)]
        # Words are told apart by spaces: a CJK sentence has none to count.
        self.sentence_words = [n for n in (len(_WORD.findall(s)) for s in sentences if not HAS_CJK.search(s)) if n]
        worded = [s for s in sentences if any(c.isalnum() for c in s)]  # "🤔" after "?" is no sentence
        last = worded[-1] if worded else ""
        self.closing = last if is_question(last) else None


def _shape(text: str) -> _Shape:
    return _Shape(text)


def is_question(sentence: str) -> bool:
    """Whether ``sentence`` asks: it ends with "?", "?!" or "？", then maybe closing quotes or
    brackets, emoji and white space ("...template? 🤔", "どうですか？")."""
    return bool(QUESTION_END.search(EMOJI.sub("", sentence).rstrip()))


def _sentences(line: str) -> list[str]:
    out, start = [], 0
    for m in SENTENCE_CUT.finditer(line):
        out.append(line[start:m.end()].strip())
        start = m.end()
    if line[start:].strip():
        out.append(line[start:].strip())
    return out


# ---- over all posts ---------------------------------------------------------------------------


def spread(values: Iterable[float]) -> Spread:
    """The 10th percentile, the median and the 90th percentile of ``values`` (linear
    interpolation between ranks); zeros when there are none."""
    ordered = sorted(values)
    if not ordered:
        return Spread(low=0, median=0, high=0)
    return Spread(low=_percentile(ordered, 0.1), median=_percentile(ordered, 0.5), high=_percentile(ordered, 0.9))


def _percentile(ordered: list[float], q: float) -> float:
    at = (len(ordered) - 1) * q
    below = math.floor(at)
    above = min(below + 1, len(ordered) - 1)
    return round(ordered[below] + (ordered[above] - ordered[below]) * (at - below), 2)


def _median(values: list[int]) -> float:
    return _percentile(sorted(values), 0.5)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def hashtag_case(tags: list[str]) -> HashtagCase | None:
    """How the author writes tags: "lower" (#datascience), "camel" (#DataScience, #Leadership),
    "upper" (#AI); short all-capital acronyms count only when every tag is one; "mixed" when no
    way holds three tags in four; None without tags."""
    if not tags:
        return None
    kinds = Counter(_tag_case(t[1:]) for t in tags)
    kinds.pop("other", None)  # no letters (#2024): no casing
    acronyms = kinds.pop("acronym", 0)
    if not kinds:
        return "upper" if acronyms else None
    kind, n = kinds.most_common(1)[0]
    return kind if n / sum(kinds.values()) >= _SHARE else "mixed"  # type: ignore[return-value]


def _tag_case(word: str) -> str:
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return "other"
    if all(c.isupper() for c in letters):
        return "acronym" if len(letters) <= _ACRONYM else "upper"
    if all(c.islower() for c in letters):
        return "lower"
    return "camel" if letters[0].isupper() else "mixed"


def _place(tagged: list[_Shape]) -> HashtagPlace:
    if not tagged:
        return "none"
    at_end = sum(s.tags_at_end for s in tagged)
    return "end" if at_end * 2 >= len(tagged) else "inline"


def closing_words(questions: list[str]) -> str:
    """The opening words the closing questions share: the longest start (up to four words, or up
    to a colon) that at least two questions and two in five begin with; "" when none recurs."""
    if len(questions) < 2:
        return ""
    need = max(2, math.ceil(len(questions) * 0.4))
    for n in (4, 3, 2, 1):
        starts: Counter[str] = Counter()
        shown: dict[str, str] = {}
        for q in questions:
            start = _start(q, n)
            if start:
                key = start.lower()
                starts[key] += 1
                shown.setdefault(key, start)
        if starts:
            key, count = starts.most_common(1)[0]
            if count >= need:
                return shown[key]
    return ""


def _start(question: str, n: int) -> str:
    """The first ``n`` words of ``question`` (fewer when one ends with a colon), a trailing "?"
    or comma aside; "" for CJK text (written without spaces, its words cannot be told apart)."""
    if HAS_CJK.search(question):
        return ""
    out = []
    for word in question.split()[:n]:
        out.append(word)
        if word.endswith(":"):
            break
    return " ".join(out).rstrip(",;?")


def _openers(shapes: list[_Shape]) -> list[str]:
    """The first words that start at least two posts and one in ten, most used first."""
    counts = Counter(s.first_word.lower() for s in shapes if s.first_word)
    shown: dict[str, str] = {}
    for s in shapes:
        shown.setdefault(s.first_word.lower(), s.first_word)
    need = max(2, math.ceil(len(shapes) * 0.1))
    return [shown[w] for w, n in counts.most_common() if n >= need][:MAX_OPENERS]


# ---- distinctive words ------------------------------------------------------------------------


def distinctive(texts: list[str], language: str = BASELINE_LANGUAGE) -> list[str]:
    """The words and two-word phrases the author uses in at least two posts (and one in ten) far
    more than general English does (a hundred times their general frequency in ``language``,
    from ``wordfreq``), most distinctive first: that ratio on a log scale, weighed by how many
    posts use it."""
    if len(texts) < 2:
        return []
    docs = [_words(t) for t in texts]
    total = sum(len(d) for d in docs) or 1
    need = max(2, math.ceil(len(texts) * 0.1))
    in_posts: Counter[str] = Counter()
    uses: Counter[str] = Counter()
    for words in docs:
        terms = [w for w in words if _content(w)]
        terms += [f"{a} {b}" for a, b in zip(words, words[1:]) if _content(a) and _content(b)]
        uses.update(terms)
        in_posts.update(set(terms))
    candidates = [t for t, n in in_posts.items() if n >= need]
    if not candidates:
        return []
    from wordfreq import word_frequency  # only while a profile is built: it loads a word list

    scored = []
    for term in candidates:
        general = word_frequency(term, language, minimum=1e-9)
        ratio = math.log(uses[term] / total) - math.log(general)
        if ratio >= _RATIO:
            scored.append((ratio * math.log1p(in_posts[term]) + 0.5 * (" " in term), term))
    scored.sort(key=lambda x: (-x[0], x[1]))
    chosen: list[str] = []
    for _, term in scored:
        if any(term in c.split(" ") for c in chosen if " " in c):
            continue  # a word already inside a chosen phrase
        chosen.append(term)
        if len(chosen) == MAX_PHRASES:
            break
    return chosen


def _words(text: str) -> list[str]:
    """The post's words, lower case, without links, hashtags and list markers."""
    text = HASHTAG.sub(" ", LINK.sub(" ", text))
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def _content(word: str) -> bool:
    """A word that may be distinctive. CJK text has no spaces, so a "word" there is a whole
    phrase or line: without a word segmenter there is no sound way to find its words, so it is
    never one (a CJK voice has no distinctive phrases)."""
    return len(word) >= 3 and word not in STOPWORDS and "'" not in word and not HAS_CJK.search(word)

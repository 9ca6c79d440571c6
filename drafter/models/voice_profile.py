"""The profile of the author's posts (:class:`~drafter.models.voice.Profile`): plain measures that
the LLM instructions, the offline engine and the linter all read.

It counts with the rules every layer shares (:mod:`drafter.models.text_rules`: list markers,
hashtags, emoji, sentence ends, function words), so the profile and the linter never disagree
about what a bullet or a hashtag is. The author's phrases are their style, not their subjects
(phrases of common words used in a quarter of their
posts, whatever the subject; word frequencies from the ``wordfreq`` package, whose data ships in
its wheel: nothing is downloaded); it is imported only here, while a profile is built on import,
never on the draft path.
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
_BREAK = re.compile(f"{HASHTAG.pattern}|{LINK.pattern.removeprefix('(?i)')}" + r"|\S*\d\S*", re.IGNORECASE)
_TAG_LINE = re.compile(rf"(?:{HASHTAG.pattern}[\s,;·|]*)+")
_ACRONYM = 4
"""An all-capitals tag this short (#AI, #SEO) is an acronym: it says nothing of the author's casing."""
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
        tags=recurring_tags([s.tags for s in shapes]),
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
        # Where most of its tags are: 10 of 14 in a last block is "at the end".
        self.tags_at_end = bool(self.tags) and 2 * sum(len(HASHTAG.findall(line)) for line in lines[len(lines) - tail:]) \
            > len(self.tags)
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


MAX_TAGS = 12


def recurring_tags(per_post: list[list[str]]) -> list[str]:
    """The tags used in at least two posts and one in ten (case aside), each as the author writes
    it most often, most used first."""
    need = max(2, math.ceil(len(per_post) * 0.1))
    in_posts: Counter[str] = Counter()
    spelled: dict[str, Counter[str]] = {}
    for tags in per_post:
        in_posts.update({t.lower() for t in tags})
        for t in tags:
            spelled.setdefault(t.lower(), Counter())[t] += 1
    ranked = sorted((k for k, n in in_posts.items() if n >= need), key=lambda k: (-in_posts[k], k))
    return [spelled[k].most_common(1)[0][0] for k in ranked[:MAX_TAGS]]


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


# ---- the author's phrases ---------------------------------------------------------------------


PHRASE_WORDS = (2, 4)
"""A phrase is two to four words in a row, within one sentence."""
PHRASE_SHARE = 0.25
"""A phrase is the author's style when at least this share of their posts use it (and three posts):
a habit across posts on different subjects, not the words of the few posts about one subject."""
PHRASE_POSTS = 3
_COMMON_ZIPF = 3.0
"""Every word of a style phrase is common English (a Zipf frequency of at least 3: once per
million words or more, from ``wordfreq``): "here's the thing", not "kubernetes cluster"."""


def distinctive(texts: list[str], language: str = BASELINE_LANGUAGE) -> list[str]:
    """The phrases that are the author's style rather than their subjects, most used first: two
    to four words in a row within a sentence, at least one a function word ("the", "my", "here's")
    and one not, every one common in general English (``language``, from ``wordfreq``: a rare word
    is a subject, "autoscaling"), used in at least :data:`PHRASE_SHARE` of the posts (and
    :data:`PHRASE_POSTS` of them). A phrase inside a longer chosen one is left out unless it is
    used in many more posts. Words alone are subjects, never style; CJK text has no spaces to
    tell words apart and gives none (see :func:`_content`)."""
    need = max(PHRASE_POSTS, math.ceil(len(texts) * PHRASE_SHARE))
    if len(texts) < need:
        return []
    in_posts: Counter[str] = Counter()
    for text in texts:
        found: set[str] = set()
        for sentence in _clauses(text):
            words = _words(sentence)
            for n in range(PHRASE_WORDS[0], PHRASE_WORDS[1] + 1):
                for i in range(len(words) - n + 1):
                    gram = words[i:i + n]
                    if _phrase_shape(gram):
                        found.add(" ".join(gram))
        in_posts.update(found)
    candidates = [t for t, n in in_posts.items() if n >= need]
    if not candidates:
        return []
    from wordfreq import zipf_frequency  # only while a profile is built: it loads a word list

    common: dict[str, bool] = {}

    def is_common(word: str) -> bool:
        if word not in common:
            common[word] = zipf_frequency(word, language) >= _COMMON_ZIPF
        return common[word]

    style = [t for t in candidates if all(is_common(w) for w in t.split(" "))]
    chosen: list[str] = []
    for term in sorted(style, key=lambda t: (-len(t.split(" ")), -in_posts[t], t)):  # longest first
        inside = [c for c in chosen if f" {term} " in f" {c} "]
        if any(in_posts[term] < in_posts[c] * 1.5 for c in inside):
            continue  # "the thing" inside "here's the thing", used by about as many posts
        chosen.append(term)
    chosen.sort(key=lambda t: (-in_posts[t], -len(t.split(" ")), t))
    return chosen[:MAX_PHRASES]


def _clauses(text: str) -> list[str]:
    """The text's sentences, line by line, cut at hashtags, links and numbers (a phrase never spans them:
    "news from the #DevOps world" gives no "the world")."""
    return [part for line in text.split("\n") for s in _sentences(line)
            for part in _BREAK.split(s) if part.strip()]


def _phrase_shape(words: list[str]) -> bool:
    """Two to four words with a function word and a word that is not one, no digits, no CJK."""
    if any(HAS_CJK.search(w) or "-" in w for w in words):
        return False
    function = sum(w in STOPWORDS for w in words)
    return 0 < function < len(words) and words[0] not in _JOINERS and words[-1] not in STOPWORDS


_JOINERS = frozenset("and or but so".split())
"""A phrase does not start with a joining word ("and the team")."""


def _words(text: str) -> list[str]:
    """The post's words, lower case, without links, hashtags and list markers."""
    text = HASHTAG.sub(" ", LINK.sub(" ", text))
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]




"""A post adapted for another platform, offline and deterministically: the same parts, laid out
in that platform's posts.

The hook opens the first post, the takeaways follow in order, the question closes; hashtags are
cut to the platform's habit (``Platform.hashtags_max``; one topic tag on Threads) and keep their
CamelCase. A post that does not fit becomes a thread where the platform has them: posts break
between parts first, then at sentence ends, then at clause boundaries (``,`` ``;`` ``:`` dashes),
then between words; never inside a word, a URL or a hashtag, since every cut falls on white space.
Numbering (``1/4``) is optional and counted in the limit. Counts are the platform's own
(:mod:`drafter.models.platforms`).
"""

from __future__ import annotations

import re

from ...models.platforms import Platform
from ...models.post import collapse_blank_lines
from ...models.text_rules import CJK as _CJK
from ...models.text_rules import HASHTAG, LIST_MARKER, SENTENCE_CUT as _SENTENCE_CUT
_CLAUSE_CUT = re.compile(r"[,;:]\s+|\s[\u2013\u2014-]\s|[、，；：]\s*")
_SPACE = re.compile(r"\s+")
_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])(?=[{_CJK}])")
"""The last resort for Japanese and Chinese text, which has no spaces: between two characters."""
_BLANK_LINES = re.compile(r"\n\s*\n")
_NUMBERING = re.compile(r"\s*\(?\b\d{1,3}\s*/\s*\d{1,3}\)?\s*$")
_MAX_NUMBERING_ROUNDS = 4
_PARAGRAPH, _LINE = "\n\n", "\n"


Block = tuple[str, str]
"""A block of text and the separator that joins it to the block before it in the same post:
a line break between the lines of one paragraph (bullets stay a list), a blank line otherwise."""


def blocks(text: str, platform: Platform) -> list[Block]:
    """The post's blocks for ``platform``, in order: each paragraph, each line of a bulleted
    paragraph on its own (a thread may break between takeaways), and the hashtags line cut to
    the platform's habit (the first ones: the template lists the most specific first)."""
    paragraphs = [p.strip() for p in _BLANK_LINES.split(collapse_blank_lines(text)) if p.strip()]
    out: list[Block] = []
    for i, para in enumerate(paragraphs):
        lines = [line.strip() for line in para.split("\n") if line.strip()]
        if i == len(paragraphs) - 1 and _only_hashtags(para):
            tags = para.split()[: platform.hashtags_max]
            if tags:
                out.append((" ".join(tags), _PARAGRAPH))
        elif len(lines) > 1 and sum(bool(LIST_MARKER.match(line)) for line in lines) >= len(lines) - 1:
            out += [(line, _PARAGRAPH if j == 0 else _LINE) for j, line in enumerate(lines)]  # a heading stays on top
        else:
            out.append((para, _PARAGRAPH))
    return out


def _join(items: list[Block]) -> str:
    return "".join(text if i == 0 else sep + text for i, (text, sep) in enumerate(items))


def _only_hashtags(paragraph: str) -> bool:
    tokens = paragraph.split()
    return bool(tokens) and all(HASHTAG.fullmatch(t) for t in tokens)


def adapt_text(text: str, platform: Platform, *, numbering: bool = True) -> list[str]:
    """The posts the post ``text`` becomes on ``platform``: one when it fits (or the platform has
    no threads; its linter then reports the length), else a thread whose every post fits."""
    items = blocks(text, platform)
    whole = _join(items)
    if platform.fits(whole) or not platform.threads:
        return [whole]
    total = 1
    for _ in range(_MAX_NUMBERING_ROUNDS):  # the numbering's width depends on how many posts there are
        posts = _pack(items, platform, reserve=_label(total, total) if numbering else "")
        if not numbering or len(posts) == total:
            break
        total = len(posts)
    if numbering:
        return [f"{post}\n\n{_label(i, len(posts))}" for i, post in enumerate(posts, 1)]
    return posts


def split_posts(posts: list[str], platform: Platform, *, numbering: bool = True) -> list[str]:
    """Posts (an LLM's) made to fit: the ones over the limit cut as :func:`adapt_text` cuts,
    then the thread numbered again when it was numbered. Posts that fit are kept as written."""
    if all(platform.fits(p) for p in posts) or not platform.threads:
        return posts
    was_numbered = numbered(posts)
    stripped = [_NUMBERING.sub("", p).strip() for p in posts] if was_numbered else posts
    reserve = _label(99, 99) if numbering else ""
    pieces: list[str] = []
    for post in stripped:
        pieces += [post] if _fits(post, platform, reserve) else [piece for piece, _ in _cut(post, platform, reserve)]
    if numbering and (was_numbered or len(pieces) > 1):
        return [f"{post}\n\n{_label(i, len(pieces))}" for i, post in enumerate(pieces, 1)]
    return pieces


def numbered(posts: list[str]) -> bool:
    """Whether ``posts`` are a thread numbered in turn: post i of n ends with ``i/n`` (so a
    post that ends with "24/7" keeps it)."""
    found = [_NUMBERING.search(p) for p in posts]
    labels = [re.findall(r"\d+", m.group()) if m else [] for m in found]
    return len(posts) > 1 and labels == [[str(i), str(len(posts))] for i in range(1, len(posts) + 1)]


def renumbered(posts: list[str], *, numbering: bool) -> list[str]:
    """A thread's posts numbered as ``numbering`` says: ``i/n`` added at the end of each post of
    an unnumbered thread (numbering on), a thread's own numbers removed (off). One post, or a
    thread already as wanted, is returned as it is."""
    if len(posts) < 2 or numbered(posts) == numbering:
        return posts
    if numbering:
        return [f"{post}\n\n{_label(i, len(posts))}" for i, post in enumerate(posts, 1)]
    return [_NUMBERING.sub("", p).strip() for p in posts]


def _label(i: int, n: int) -> str:
    return f"{i}/{n}"


def _fits(text: str, platform: Platform, reserve: str) -> bool:
    return platform.fits(f"{text}\n\n{reserve}" if reserve else text)


def _pack(items: list[Block], platform: Platform, reserve: str) -> list[str]:
    """Blocks packed greedily into posts; a block too long for one post is cut into pieces first
    (pieces of one block that share a post are joined as they were written, not as paragraphs)."""
    pieces: list[Block] = []
    for text, sep in items:
        if _fits(text, platform, reserve):
            pieces.append((text, sep))
        else:
            cut = _cut(text, platform, reserve)
            pieces += [(cut[0][0], sep), *cut[1:]]
    return [text for text, _ in _greedy(pieces, platform, reserve)]


def _cut(text: str, platform: Platform, reserve: str) -> list[Block]:
    """``text`` in pieces that each fit, each with the white space it followed: at sentence ends,
    then clause boundaries, then words (between characters for Japanese and Chinese, which have
    no spaces). A single word longer than a post (a very long URL) stays whole, over the limit."""
    for pattern in (_SENTENCE_CUT, _CLAUSE_CUT, _SPACE, _BETWEEN_CJK):
        units = _split_keeping(text, pattern)
        if len(units) > 1:
            pieces: list[Block] = []
            for unit, sep in _greedy(units, platform, reserve):
                if _fits(unit, platform, reserve):
                    pieces.append((unit, sep))
                else:
                    cut = _cut(unit, platform, reserve)
                    pieces += [(cut[0][0], sep), *cut[1:]]
            return pieces
    return [(text, "")]


def _split_keeping(text: str, pattern: re.Pattern[str]) -> list[Block]:
    """``text`` cut after each match of ``pattern`` (the punctuation stays with the left part),
    each unit with the white space before it: a line break, a space, or nothing (CJK)."""
    ends = sorted({m.end() for m in pattern.finditer(text)} - {0, len(text)})
    units: list[Block] = []
    gap = ""
    for start, end in zip([0, *ends], [*ends, len(text)]):
        segment = text[start:end]
        body = segment.strip()
        if not body:
            gap += segment
            continue
        lead = segment[: len(segment) - len(segment.lstrip())]
        gap += lead
        units.append((body, "\n" if "\n" in gap else " " if gap else ""))
        gap = segment[len(segment.rstrip()):]
    return units


def _greedy(units: list[Block], platform: Platform, reserve: str) -> list[Block]:
    """``units`` joined, each by its separator, into as few pieces as fit, in order (a unit that
    fits no piece on its own stays alone); each piece keeps the separator of its first unit."""
    out: list[Block] = []
    current, first_sep = "", ""
    for unit, sep in units:
        candidate = f"{current}{sep}{unit}" if current else unit
        if current and not _fits(candidate, platform, reserve):
            out.append((current, first_sep))
            current, first_sep = unit, sep
        else:
            if not current:
                first_sep = sep
            current = candidate
    if current:
        out.append((current, first_sep))
    return out

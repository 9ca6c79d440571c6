"""Sentences and words: English function words, sentence splitting, word tokens and stems,
and word-set similarity between two texts."""

from __future__ import annotations

import re
from functools import lru_cache

from ....models.text_rules import SENTENCE_END, STOPWORDS

GENERIC = frozenset(
    """time times day days week weeks month months year years people way ways part parts number lot
    thing things city cities company companies team teams case cases group result results end start
    place world level kind type area areas side point points question questions example examples fact
    work study report article news story researchers respondents sample figure figures findings finding
    survey research analysis share rate process change changes version project projects data information
    plan plans programme program system systems approach issue issues problem problems answer answers
    reason reasons measure measures minutes minute hours hour seconds second percent kilometres
    kilometers miles metres meters tonnes litres degrees""".split()
)
"""Words too vague to be a keyphrase, hashtag or question subject on their own."""


_NEVER_SPLIT = frozenset("dr prof mr mrs ms sr st mt sen rep gen gov capt lt col sgt rev fr e.g i.e cf vs viz al approx ca fig figs".split())
_AMBIGUOUS = frozenset("etc jr inc ltd co corp no a.m p.m u.s u.k u.n e.u jan feb mar apr jun jul aug sep sept oct nov dec".split())
_BOUNDARY = re.compile(SENTENCE_END + r"\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def split_sentences(paragraph: str) -> list[str]:
    """Split on . ! ? followed by a capital or digit, not after abbreviations or initials."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(paragraph):
        punct = paragraph[m.start()]
        if punct == ".":
            before = paragraph[start : m.start()].split()
            token = before[-1].lstrip("(\"'“‘[").lower() if before else ""
            nxt = paragraph[m.end() :].split(None, 1)[0].strip("\"'“‘([").lower() if paragraph[m.end() :].strip() else ""
            if token in _NEVER_SPLIT or (token == "no" and nxt[:1].isdigit()):
                continue
            single = len(token) == 1 and token.isalpha()
            if (token in _AMBIGUOUS or single or re.fullmatch(r"(?:[a-z]\.)+[a-z]", token)) and nxt not in STOPWORDS:
                continue
        out.append(paragraph[start : m.end()].strip())
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out


_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?|\d+(?:[.,]\d+)*")


def words(text: str) -> list[str]:
    """Word and number tokens, possessive "'s" removed."""
    return [w[:-2] if w.endswith(("'s", "’s")) else w for w in _WORD.findall(text)]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English stem: lower case, plural -s/-ies folded."""
    w = word.lower().replace("’", "'")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


GENERIC = GENERIC | frozenset(stem(w) for w in GENERIC)


def content_stems(text: str) -> list[str]:
    """Stems of the content words (no stopwords, no numbers), in order."""
    return [stem(w) for w in words(text) if not w[0].isdigit() and w.lower() not in STOPWORDS]


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:[.,:]\d+)*", text)


def jaccard(a: str | set[str], b: str | set[str]) -> float:
    """Word-set overlap of two texts (content-word stems), 0..1."""
    sa = set(content_stems(a)) if isinstance(a, str) else a
    sb = set(content_stems(b)) if isinstance(b, str) else b
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def near_duplicate(a: str | set[str], b: str | set[str]) -> bool:
    """Jaccard >= 0.5, or one text's words mostly inside the other's (a shortened copy)."""
    sa = set(content_stems(a)) if isinstance(a, str) else a
    sb = set(content_stems(b)) if isinstance(b, str) else b
    if not sa or not sb:
        return False
    return jaccard(sa, sb) >= 0.5 or len(sa & sb) / min(len(sa), len(sb)) >= 0.75


def quote_fragment(text: str) -> bool:
    """A sentence that is part of a multi-sentence quotation (unbalanced quote marks)."""
    straight = text.count('"')
    return straight % 2 == 1 or text.count("“") != text.count("”")

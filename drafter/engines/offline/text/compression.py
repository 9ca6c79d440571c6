"""Compression that keeps sentences grammatical: :func:`tidy` cleans a sentence without
changing its meaning, :func:`compress` shortens it by cutting whole clauses only."""

from __future__ import annotations

import re

from ....models.text_rules import ENDS_SENTENCE
from .sentences import quote_fragment

_LEAD_COMMA = re.compile(
    r"^(?:however|in addition|additionally|moreover|furthermore|meanwhile|still|also|finally|first|second|"
    r"third|in short|in fact|indeed|as a result|at the same time|for example|for instance|on the other hand|"
    r"instead|of course|in other words|overall|today|now|then|similarly|likewise|by contrast|in contrast|"
    r"crucially|importantly|notably|again|after all|in the end|even so|of these|besides|thus|therefore|"
    r"put simply|simply put|in practice|in the meantime),\s+",
    re.I,
)
_LEAD_CONJ = re.compile(r"^(?:and|but|so|yet|or)\s+(?=[a-z])", re.I)
_DANGLING = frozenset(
    """a an the and or but nor of to with for in on at by from into onto as than that which who whom whose
    while because so such its their his her our your my this these those very also including""".split()
)
_CUT = re.compile(
    r"(?:[,;:]\s+(?=(?:which|while|whereas|although|though|where|when|who|whose|as|after|before|including|"
    r"with|without|compared|up from|down from|an increase|a decrease|a rise|a fall|a drop|so that|because|"
    r"since|even|rather|but|mostly|most of|far|from|despite|making|leaving|bringing|giving|according|"
    r"following|helped|in|at|on|by|for|until|unless|if|than|such as|\w+ing|and (?:the|a|an|it|they|we|he|"
    r"she|its|their|this|that|these|those|most|many|some|no|nobody|everyone|people)\b)\b)"
    r"|;\s+|\s+(?=(?:because|so that|whereas|although|even though|while|such as)\b))",
)
_ATTRIBUTION_TAIL = (
    re.compile(r",\s*according to\b.*$", re.I),
    re.compile(r",\s*(?:said|says|told|reports?|reported)\b[^,]*(?:,[^,]*)?$", re.I),
    re.compile(r",\s*(?:[\w.'’-]+\s+){1,6}(?:said|says|added|explained|wrote|told \w+)(?:\s+on \w+)?\s*$"),
)


def _end(text: str) -> str:
    """Strip dangling words and stray punctuation at the end, then close with a full stop."""
    text = text.strip()
    while True:
        text = re.sub(r"[\s,;:–—-]+$", "", text)
        parts = text.rsplit(None, 1)
        if len(parts) == 2 and parts[1].lower().strip("\"'“”") in _DANGLING:
            text = parts[0]
            continue
        break
    text = re.sub(r",([\"”’'])$", r".\1", text)
    if not ENDS_SENTENCE.search(text):
        text += "."
    return text


def _dangling_end(text: str) -> bool:
    words = re.sub(r"[.!?…\"'”’)\]]+$", "", text).split()
    return bool(words) and words[-1].lower() in _DANGLING


def tidy(sentence: str) -> str:
    """Meaning-preserving clean-up: spaced dashes become commas, leading connectives go,
    white space is normalised, the first letter is raised, the end is punctuated."""
    s = re.sub(r"\s+", " ", sentence).strip()
    s = re.sub(r"\s+(?:—|–|--)\s+|(?<=[^\W\d])—(?=[^\W\d])", ", ", s)
    s = re.sub(r"(?<=\d)—(?=\d)", "–", s)  # a range keeps its meaning, without an em dash
    for _ in range(2):
        s = _LEAD_COMMA.sub("", s)
        s = _LEAD_CONJ.sub("", s)
    s = re.sub(r"\s+([,.;:!?])", r"\1", s)
    s = re.sub(r",\s*,", ",", s)
    s = s[:1].upper() + s[1:]
    return _end(s)


def _balanced(s: str) -> bool:
    return s.count("(") == s.count(")") and not quote_fragment(s)


_INTRO = re.compile(
    r"(?:on|in|at|when|if|while|although|though|because|after|before|since|as|for|with|without|among|during|"
    r"under|over|by|despite|unless|until|where|once|whether|given|following|according|like|unlike|from|"
    r"through|across|within|between|beyond|along|to|even|so|which|who|including|compared|up|down|\w+ing|\w+ed)\b",
    re.I,
)


def _has_main_clause(prefix: str) -> bool:
    """A cut must keep the main clause: "On streets where X, without Y, injuries fell" may only
    be cut after "injuries fell", because every comma chunk before it is an introduction."""
    chunks = [c.strip() for c in re.split(r"[,;:]\s+", prefix)]
    if not _INTRO.match(chunks[0]):
        return True
    return any(c and not _INTRO.match(c) for c in chunks[1:])


def compress(sentence: str, limit: int, min_words: int = 5) -> str | None:
    """Shorten ``sentence`` to at most ``limit`` characters by cutting whole clauses:
    parenthetical asides, attributions ("..., said X"), then trailing subordinate clauses.
    Returns None when no grammatical cut fits."""
    s = tidy(sentence)
    if len(s) <= limit:
        return s if _balanced(s) else None
    steps = [
        lambda t: re.sub(r"\s*\([^()]*\)", "", t),
        lambda t: re.sub(r"^according to [^,]+,\s*", "", t, flags=re.I),
    ]
    for step in steps:
        cut = tidy(step(s))
        if _dangling_end(cut) and not _dangling_end(s):
            return None
        s = cut
        if len(s) <= limit:
            return s if _balanced(s) else None
    body = s[:-1] if s.endswith(".") else s
    for pattern in _ATTRIBUTION_TAIL:
        cut = pattern.sub("", body)
        if cut != body and len(cut.split()) >= min_words:
            body = cut
            if len(body) + 1 <= limit:
                out = _end(body)
                return out if _balanced(out) else None
    for m in sorted(_CUT.finditer(body), key=lambda m: -m.start()):
        prefix = body[: m.start()]
        if len(prefix) + 1 <= limit and len(prefix.split()) >= min_words and _has_main_clause(prefix):
            out = _end(prefix)  # may drop dangling words, so check the length again
            if len(out) <= limit and len(out.split()) >= min_words and _balanced(out):
                return out
    return None

"""Small text rules that several layers apply: written once here, imported everywhere.

The post model, the linter, the engines and the app must agree on what a hashtag is, where a
sentence ends and which words are too plain to mean anything; a second copy of a rule drifts
and the user sees two answers. Pure ``re``: safe to import from any layer.
"""

from __future__ import annotations

import re

HASHTAG = re.compile(r"(?<![\w#])#\w+")
"""A hashtag as the post counts it and the preview highlights it: ``#`` and word characters,
not inside a word and not after another ``#``."""

_TAG_CHAR = r"[^\W_]"
LINKED_TAG = re.compile(rf"#{_TAG_CHAR}+")
"""What LinkedIn turns into a link: ``#`` and the letters and digits after it."""
WELL_FORMED_TAG = re.compile(rf"#{_TAG_CHAR}*[^\W\d_]{_TAG_CHAR}*")
"""A tag LinkedIn links whole (with :meth:`re.Pattern.fullmatch`): letters and digits, one letter at least."""

SENTENCE_END = r"[.!?…]+[\"'”’)\]]*"
"""The end of a sentence (a pattern to build on): a full stop, "!", "?" or "…", then any closing
quotes or brackets. Followed by white space it splits sentences; at the end it closes a text."""
ENDS_SENTENCE = re.compile(SENTENCE_END + "$")
"""Search: the text ends like a sentence."""

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
"""Kana and Han ideographs (a character class's inside): Japanese and Chinese write no spaces between words."""
HAS_CJK = re.compile(f"[{CJK}]")
"""Search: the text has CJK letters (its words cannot be told apart by spaces)."""
SENTENCE_CUT = re.compile(SENTENCE_END + r"\s+|[。！？]+[」』）”’]*\s*")
"""Where one sentence ends and the next begins: an end (:data:`SENTENCE_END`) and white space,
or a CJK full stop, "！" or "？" (with its closing brackets), which needs no space after it."""
QUESTION_END = re.compile(r"[?？][?？!！]*[\"'”’)\]」』）]*$")
"""Search: the sentence ends with a question mark ("?", "?!", the full-width "？"), closing quotes
or brackets aside (strip the emoji and white space after it first)."""

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does doesn't
    doing don't down during each either few for from further had hadn't has hasn't have haven't having
    he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in
    into is isn't it it's its itself let's me more most mustn't my myself no nor not of off on once only
    or other ought our ours ourselves out over own same shan't she she'd she'll she's should shouldn't so
    some such than that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've this those through to too under until up upon very was wasn't we we'd we'll
    we're we've were weren't what what's when when's where where's which while who who's whom why why's
    will with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves
    may might must shall just also yet s t re ve ll d don didn doesn isn wasn via vs among across along
    around behind beyond despite inside outside toward towards within without onto per unless whether
    though although else""".split()
)
"""English function words: never a keyphrase, never a hashtag."""

HASHTAG_STOPWORDS = STOPWORDS | frozenset("new now get got one two three".split())
"""Words no one follows as a hashtag: the function words and a few words too plain to be a topic."""


LIST_MARKER = re.compile(
    r"[ \t]*(?P<marker>(?:[-–—*•·‣◦▪▫●○■□►▸▹➤➜→⇒✓✔☑✅👉🔹🔸🔷🔶📌➡▶]\ufe0f?|\(?\d{1,2}[.)]|[a-zA-Z][.)])(?=[ \t])|・)[ \t]*"
)
"""A list marker at the start of a line (match at the line's start), followed by white space: a
symbol ("-", "–", "•", "→", "✅"), a number ("1.", "(2)") or a letter ("a)"); or the Japanese "・",
which needs no space after it (Japanese lists are written "・項目"). Group ``marker`` is the
marker itself. The linter finds takeaways with it and the voice profile counts the author's lists."""


def marker_kind(marker: str) -> str:
    """A list marker as the profile names it: the symbol itself ("→", "-"), "1." or "1)" for any
    number, "a." or "a)" for any letter (so "2." and "7." are one habit)."""
    marker = marker.removesuffix("\ufe0f").lstrip("(")
    if marker[:1].isdigit():
        return "1" + marker[-1]
    if marker[:1].isalpha():
        return "a" + marker[-1]
    return marker


_PICTO = "\U0001F000-\U0001F1E5\U0001F200-\U0001F3FA\U0001F400-\U0001FAFF"
_EMOJI_DEFAULT = (
    "\u231A\u231B\u23E9-\u23EC\u23F0\u23F3\u25FD\u25FE\u2614\u2615\u2648-\u2653\u267F\u2693"
    "\u26A1\u26AA\u26AB\u26BD\u26BE\u26C4\u26C5\u26CE\u26D4\u26EA\u26F2\u26F3\u26F5\u26FA\u26FD"
    "\u2705\u270A\u270B\u2728\u274C\u274E\u2753-\u2755\u2757\u2764\u2795-\u2797\u27B0\u27BF"
    "\u2B1B\u2B1C\u2B50\u2B55"
)
_TEXT_SYMBOL = "\u00A9\u00AE\u203C\u2049\u2122\u2139\u2194-\u21AA\u2300-\u23FF\u24C2\u25AA-\u25FE\u2600-\u27BF\u2934\u2935\u2B05-\u2B55\u3030\u303D\u3297\u3299"
_ONE = (
    f"(?:[{_PICTO}][\U0001F3FB-\U0001F3FF]?\uFE0F?|[{_EMOJI_DEFAULT}][\U0001F3FB-\U0001F3FF]?\uFE0F?"
    f"|[{_TEXT_SYMBOL}]\uFE0F)"
)
EMOJI = re.compile(
    f"[\U0001F1E6-\U0001F1FF]{{2}}|[0-9#*]\uFE0F?\u20E3|{_ONE}(?:\u200D{_ONE}|\u200D[{_TEXT_SYMBOL}])*"
)
"""One emoji as a reader sees it: a pictograph (skin tone and variation selector included), a flag,
a keycap, or a ZWJ sequence (a family, a profession) counted once."""


LINK = re.compile(r"(?i)\b(?:https?://|www\.|lnkd\.in/)[^\s<>\"'”’]+")
"""A link as a reader sees one in a post: a URL with its scheme, or starting ``www.``."""
_LINK_TRAIL = re.compile(r"[.,;:!?)\]}]+$")


def link_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each link in ``text``, without the punctuation that ends its sentence."""
    spans = []
    for m in LINK.finditer(text):
        url = _LINK_TRAIL.sub("", m.group())
        spans.append((m.start(), m.start() + len(url)))
    return spans

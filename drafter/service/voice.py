"""The creator's voice in a drafting job: which past posts are its examples, and the voice
block added to every prompt (draft, part, hook variants, platform).

Examples are chosen by BM25 (the ``bm25s`` library) between the article (or the topic) and the
author's posts: the most similar first, at most :data:`MAX_EXAMPLES`, within
:data:`EXAMPLE_TOKENS` tokens in all; when fewer than :data:`MIN_EXAMPLES` posts share any word
with the article, the newest posts fill up to that. Only an LLM job chooses examples: the offline
engine follows the profile alone, and ``bm25s`` (with numpy) and the tokenizer are imported only
here, inside :func:`choose_examples`, so the offline start-up never pays for them.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from ..engines.base import Prompt
from ..models.source import Source
from ..models.text_rules import SENTENCE_END
from ..models.voice import Example, Voice, VoicePost, VoiceUse

if TYPE_CHECKING:
    import bm25s

    from ..models.platforms import Platform

EXAMPLE_TOKENS = 2_000
"""The most tokens the examples of one prompt take together (about five posts of 1,300
characters). One example never takes more than a :data:`MIN_EXAMPLES`-th of it, so the minimum
always fits: a longer post is cut at a sentence boundary, or skipped when it has none in reach."""
MIN_EXAMPLES, MAX_EXAMPLES = 3, 5
"""How many past posts a prompt shows as examples (fewer when the voice has fewer posts)."""
QUERY_CHARS = 20_000
"""The start of the article that is compared with the posts (the rest adds cost, not signal)."""
_ENDS_SENTENCE = re.compile(SENTENCE_END + r"$")


def voice_use(voice: Voice, source: Source, *, examples: bool, model: str | None = None) -> VoiceUse:
    """What a job for ``source`` uses of ``voice``: its profile and, when ``examples`` (an LLM
    drafts), the 3-5 past posts most like the article or topic within the token budget."""
    chosen = choose_examples(voice.posts, query_text(source), model or "") if examples and voice.posts else []
    return VoiceUse(profile=voice.profile, examples=chosen)


def query_text(source: Source) -> str:
    """What the posts are compared with: the title or topic and the start of the article."""
    head = " ".join(x for x in (source.title or "", source.topic) if x)
    return f"{head}\n{source.text[:QUERY_CHARS]}".strip()


def choose_examples(posts: list[VoicePost], query: str, model: str) -> list[Example]:
    """The posts most like ``query``, best first: up to :data:`MAX_EXAMPLES` that share words with
    it, then the newest others until :data:`MIN_EXAMPLES`; all within :data:`EXAMPLE_TOKENS` (see
    :func:`_fit`)."""
    from . import tokens

    scores = _bm25_scores([p.text for p in posts], query)
    matching = sorted((i for i, s in enumerate(scores) if s > 0), key=lambda i: (-scores[i], i))
    others = sorted((i for i in range(len(posts)) if scores[i] <= 0), key=lambda i: _newest_first(posts[i], i))
    chosen: list[Example] = []
    used = 0
    for i, wanted in [*((i, MAX_EXAMPLES) for i in matching), *((i, MIN_EXAMPLES) for i in others)]:
        if len(chosen) >= wanted:
            continue
        text = _fit(posts[i].text.strip(), min(EXAMPLE_TOKENS // MIN_EXAMPLES, EXAMPLE_TOKENS - used), model)
        if text is None:
            continue
        used += tokens.count(text, model)
        chosen.append(Example(id=posts[i].id, text=text, date=posts[i].date, score=round(float(scores[i]), 3)))
    return chosen


def _newest_first(post: VoicePost, index: int) -> tuple[bool, float, int]:
    """Sort key: dated posts newest first, then undated ones in the voice's order."""
    return (post.date is None, -post.date.timestamp() if post.date else 0.0, index)


def _bm25_scores(texts: list[str], query: str) -> list[float]:
    """Okapi BM25 of every text against ``query`` (English stop words left out; 0 for a text that
    shares no word with it)."""
    import bm25s

    index = _index(tuple(texts))
    words = bm25s.tokenize([query], stopwords="en", return_ids=False, show_progress=False)[0]
    known = [w for w in words if w and index is not None and w in index.vocab_dict]
    if index is None or not known:
        return [0.0] * len(texts)
    return [float(s) for s in index.get_scores(known)]


@functools.lru_cache(maxsize=1)
def _index(texts: tuple[str, ...]) -> "bm25s.BM25 | None":
    """The BM25 index of ``texts``, kept for the next job with the same voice (the app drafts
    many); None when they have no word but stop words (bm25s cannot index that)."""
    import bm25s

    corpus = bm25s.tokenize(list(texts), stopwords="en", show_progress=False)
    if not corpus.vocab:
        return None
    index = bm25s.BM25()
    index.index(corpus, show_progress=False)
    return index


def _fit(text: str, budget: int, model: str) -> str | None:
    """``text`` within ``budget`` tokens: whole, or cut after its last sentence (or line) that
    fits; None when not even its first sentence does."""
    from . import tokens

    if not text or budget <= 0:
        return None
    cut, before, after = tokens.trim_to_budget(text, budget, model)
    if after == before:
        return text
    at_boundary = bool(_ENDS_SENTENCE.search(cut)) or text[len(cut):].lstrip(" \t").startswith("\n")
    return cut if cut and at_boundary else None


def with_voice(prompt: Prompt, use: VoiceUse, platform: "Platform | None" = None) -> Prompt:
    """``prompt`` with the voice block (the profile as instructions, the examples fenced as data)
    at the end of its system message; for a ``platform`` prompt, the instructions that do not
    fight the platform's limits (see :mod:`drafter.templates.voice_block`)."""
    from ..templates.voice_block import voice_block

    block = voice_block(use.profile, use.examples, platform)
    system = f"{prompt.system.rstrip()}\n\n{block}" if prompt.system.strip() else block
    return Prompt(system=system, user=prompt.user)


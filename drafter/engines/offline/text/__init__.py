"""Plain-text analysis for the offline engine, pure Python (``re``, ``collections``, ``math``).

The pipeline, one module a step:

- :mod:`.clean`: markup and boilerplate lines out, body paragraphs and title kept
- :mod:`.sentences`: sentence splitting, word tokens and stems, word-set similarity
- :mod:`.phrases`: keyphrases, names and acronyms, people's names
- :mod:`.analysis`: :func:`analyse`, the cached analysis with every sentence scored
- :mod:`.compression`: :func:`tidy` and :func:`compress`, clause cuts that keep sentences grammatical

Every public name is re-exported here, the cached functions (``stem``, ``analyse``) included,
so ``from drafter.engines.offline.text import ...`` is the one way in.
"""

from __future__ import annotations

from .analysis import PRONOUN_START, Analysis, Sentence, analyse
from .clean import Cleaned, clean_text, is_boilerplate
from .compression import compress, tidy
from .phrases import WEAK, Keyphrase, keyphrases
from .sentences import (
    GENERIC,
    content_stems,
    jaccard,
    near_duplicate,
    numbers,
    quote_fragment,
    split_sentences,
    stem,
    words,
)

__all__ = [
    "GENERIC",
    "PRONOUN_START",
    "WEAK",
    "Analysis",
    "Cleaned",
    "Keyphrase",
    "Sentence",
    "analyse",
    "clean_text",
    "compress",
    "content_stems",
    "is_boilerplate",
    "jaccard",
    "keyphrases",
    "near_duplicate",
    "numbers",
    "quote_fragment",
    "split_sentences",
    "stem",
    "tidy",
    "words",
]

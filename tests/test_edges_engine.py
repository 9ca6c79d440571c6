"""The edges an adversarial tester found on the engine and CLI side (issue 7, second pass)."""

from __future__ import annotations

import os

from drafter.engines.mode_cache import ModeCache


def test_mode_cache_nested_too_deep_is_an_empty_cache(tmp_path):
    path = tmp_path / "output-modes.json"
    path.write_text("[" * 100_000)
    cache = ModeCache(path, "http://127.0.0.1:1/v1")
    assert cache.start() == "json_schema"
    cache.remember("text")
    assert "text" in path.read_text()


def test_mode_cache_fifo_does_not_hang(tmp_path):
    path = tmp_path / "output-modes.json"
    os.mkfifo(path)
    assert ModeCache(path, "k").start() == "json_schema"

"""Every test runs isolated from the real home, config, drafts, templates and network keys."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_CLEARED_PREFIXES = ("DRAFTER_", "OPENAI_", "TIKTOKEN_", "DATA_GYM_")
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@pytest.fixture(scope="session")
def tiktoken_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One tiktoken cache folder for the session (drafter never writes there: see tests/test_tokens.py)."""
    return tmp_path_factory.mktemp("tiktoken-cache")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiktoken_cache: Path) -> Path:
    """Point HOME, XDG folders and the working directory at a tmp dir; clear drafter/OpenAI/proxy env."""
    home = tmp_path / "home"
    home.mkdir()
    for name in list(os.environ):
        if name.startswith(_CLEARED_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    # A proxy from the environment would carry "127.0.0.1" requests (the loopback server, the
    # doctor probe, connection-refused checks) off the machine: both urllib and httpx use it.
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tiktoken_cache))
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    return home


@pytest.fixture
def workspace_dir(tmp_path: Path) -> Path:
    """An empty workspace folder (with a drafter.toml, so it is found from inside)."""
    ws = tmp_path / "ws"
    (ws / "drafts").mkdir(parents=True)
    (ws / "prompts").mkdir()
    (ws / "drafter.toml").write_text("", encoding="utf-8")
    return ws

"""Where drafts/, prompts/ and drafter.toml live.

A workspace is a folder holding ``drafts/`` and ``prompts/`` (and optionally
``drafter.toml``). The one in use is, in order: ``--workspace``, ``DRAFTER_WORKSPACE``,
the nearest enclosing folder of the current directory that has a ``drafter.toml``,
else the per-user data folder (``$XDG_DATA_HOME/drafter`` on Linux).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ..common.errors import ConfigError

CONFIG_NAME = "drafter.toml"
APP_NAME = "drafter"


VOICE_NAME = "voice.json"
"""The voice file's name in the workspace folder."""


@dataclass(frozen=True)
class Workspace:
    root: Path
    origin: str
    """Why this folder: "--workspace", "DRAFTER_WORKSPACE", "drafter.toml", or "user data folder"."""

    @property
    def drafts_dir(self) -> Path:
        return self.root / "drafts"

    @property
    def prompts_dir(self) -> Path:
        return self.root / "prompts"

    @property
    def voice_file(self) -> Path:
        """The creator's imported posts and their profile (see :mod:`drafter.storage.voice`)."""
        return self.root / VOICE_NAME

    @property
    def batches_dir(self) -> Path:
        """Records of batches sent to the OpenAI Batch API (``<id>.json``), for ``drafter batch status/collect``."""
        return self.root / "batches"

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_NAME

    def ensure(self) -> "Workspace":
        """Create drafts/ and prompts/ if missing (never at import time; only when writing)."""
        try:
            self.drafts_dir.mkdir(parents=True, exist_ok=True)
            self.prompts_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create workspace folders in {self.root}: {exc.strerror}") from exc
        return self


def _user_data_dir(env: Mapping[str, str]) -> Path:
    xdg = env.get("XDG_DATA_HOME")
    if xdg:
        return Path(xdg) / APP_NAME
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_file(env: Mapping[str, str] | None = None) -> Path:
    """The per-user config file: ``$XDG_CONFIG_HOME/drafter/config.toml`` on Linux."""
    env = os.environ if env is None else env
    xdg = env.get("XDG_CONFIG_HOME")
    if xdg:
        return Path(xdg) / APP_NAME / "config.toml"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def user_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    xdg = env.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / APP_NAME
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def find_enclosing(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding a drafter.toml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def resolve_workspace(
    flag: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Workspace:
    env = os.environ if env is None else env
    if flag:
        return _checked(Path(flag).expanduser(), "--workspace")
    if env.get("DRAFTER_WORKSPACE"):
        return _checked(Path(env["DRAFTER_WORKSPACE"]).expanduser(), "DRAFTER_WORKSPACE")
    found = find_enclosing(cwd or Path.cwd())
    if found is not None:
        return Workspace(found, CONFIG_NAME)
    return Workspace(_user_data_dir(env), "user data folder")


def _limit(name: str, fallback: int) -> int:
    try:
        return os.pathconf("/", name)
    except (OSError, ValueError, AttributeError):  # not POSIX, or the system does not say
        return fallback


def path_problem(path: str | os.PathLike[str]) -> str | None:
    """Why the system would refuse ``path`` before even looking for it (a name in it or the
    whole path too long, a NUL byte), in a few words; None when it is acceptable.

    Every path the user gives (``--workspace``, ``DRAFTER_WORKSPACE``, a folder or file
    argument) is checked here once, so "File name too long" is bad input, never a crash.
    """
    text = os.fspath(path)
    if "\0" in text:
        return "contains a NUL character"
    name_max, path_max = _limit("PC_NAME_MAX", 255), _limit("PC_PATH_MAX", 4096)
    for part in Path(text).parts:
        if len(os.fsencode(part)) > name_max:
            return f"a name in it is longer than {name_max} bytes"
    if len(os.fsencode(os.path.abspath(text))) >= path_max:
        return f"longer than {path_max} bytes"
    return None


def _checked(path: Path, origin: str) -> Workspace:
    problem = path_problem(path)
    if problem:
        raise ConfigError(f"{origin}: the path is not usable: {problem}")
    try:
        if path.exists() and not path.is_dir():
            raise ConfigError(f"{origin}: {path} is not a folder")
        return Workspace(path.resolve(), origin)
    except OSError as exc:  # a loop of links, a folder we may not look into
        raise ConfigError(f"{origin}: cannot use {path}: {exc.strerror}") from exc


def builtin_prompts_dir() -> Path:
    """Built-in templates: inside the installed package (wheel), or the repo's prompts/."""
    here = Path(__file__).resolve().parents[1]  # the drafter package
    packaged = here / "prompts"
    if packaged.is_dir():
        return packaged
    return here.parent / "prompts"

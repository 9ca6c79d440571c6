"""Small, careful edits to a workspace's ``drafter.toml`` (the TUI's "set default template").

The file is edited with tomlkit, which keeps what it does not touch as it was: comments, other
settings, tables and line endings stay byte for byte. The result is parsed back before it
replaces the file (atomically), so a write can never leave a config drafter cannot read.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from ..common.atomic import write_or_raise
from ..common.errors import ConfigError
from ..common.reading import MAX_TOML_BYTES, TomlTooDeep, parse_toml, read_bounded
from .paths import Workspace

if TYPE_CHECKING:
    import tomlkit


def with_top_level(text: str, key: str, value: str) -> str:
    """``text`` (valid TOML) with the top-level ``key`` set to the string ``value``.

    A key already there (bare or quoted) gets the value in place and is written ``key = "value"``,
    keeping its inline comment and line ending. A new key goes after the file's opening comments,
    before any setting or table, with the file's line ending."""
    import tomlkit
    from tomlkit.items import Comment

    doc = tomlkit.parse(text)
    if key in doc:
        doc[tomlkit.key(key)] = value
        return tomlkit.dumps(doc)
    comments = ""
    for name, item in doc.body:
        if name is not None or not isinstance(item, Comment):
            break
        comments += item.as_string()
    if not text.startswith(comments):  # tomlkit renders what it parsed as it was: never expected
        raise ValueError("the opening comments did not read back as they were")
    head = tomlkit.parse(comments)
    head[tomlkit.key(key)] = _string(value, newline="\r\n" if text.partition("\n")[0].endswith("\r") else "\n")
    return tomlkit.dumps(head) + text[len(comments):]


def _string(value: str, newline: str) -> "tomlkit.items.Item":
    import tomlkit

    item = tomlkit.item(value)
    item.trivia.trail = newline
    return item


def set_default_template(workspace: Workspace | Path, name: str) -> Path:
    """Write ``template = "<name>"`` into the workspace's drafter.toml; returns the file.

    Replaces an existing top-level ``template`` or adds one near the top; creates the file if
    missing. A config that is not valid TOML is left alone (ConfigError).
    """
    path = workspace.config_file if isinstance(workspace, Workspace) else Path(workspace) / "drafter.toml"
    if not name or "\n" in name or "\r" in name:
        raise ConfigError(f"invalid template name {name!r} for {path}")
    try:
        raw = read_bounded(path, MAX_TOML_BYTES)
    except FileNotFoundError:
        raw = b""
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        old = raw.decode("utf-8")
        parse_toml(old)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, TomlTooDeep) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix it before setting the default template") from None
    by_hand = f"set {with_top_level('', 'template', name).strip()} by hand"
    from tomlkit.exceptions import TOMLKitError

    try:
        new = with_top_level(old, "template", name)
        parsed = parse_toml(new)
    except (ValueError, TOMLKitError, RecursionError) as exc:  # tomllib's and tomlkit's parse errors are ValueErrors
        raise ConfigError(f"cannot safely edit {path} ({str(exc) or type(exc).__name__}); {by_hand}") from None
    if parsed.get("template") != name:
        raise ConfigError(f"cannot safely edit {path}; {by_hand}")
    write_or_raise(path, new, ConfigError, keep_mode=True)
    return path

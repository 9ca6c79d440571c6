"""Small, careful edits to a workspace's ``drafter.toml`` (the TUI's "set default template").

Only the one top-level line is touched: comments, other settings, tables and line endings
are kept byte for byte. The result is parsed back before it replaces the file (atomically),
so a write can never leave a config drafter cannot read.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from .atomic import write_or_raise
from .errors import ConfigError
from .reading import MAX_TOML_BYTES, TomlTooDeep, parse_toml, read_bounded
from .workspace import Workspace

_KEY_LINE = re.compile(r"""^[ \t]*(?:template|"template"|'template')[ \t]*=""")
_TABLE_LINE = re.compile(r"^[ \t]*\[")


def toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML ones for these characters)."""
    return json.dumps(value, ensure_ascii=False)


def with_top_level(text: str, key_line: re.Pattern[str], new_line: str) -> str:
    """``text`` with its top-level line matching ``key_line`` replaced by ``new_line``, or
    ``new_line`` inserted after the file's opening comment block (before any setting or table)."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    for i, line in enumerate(lines):
        if _TABLE_LINE.match(line):
            break
        if key_line.match(line):
            ending = line[len(line.rstrip("\r\n")):] or ("" if i == len(lines) - 1 else newline)
            lines[i] = new_line + ending
            return "".join(lines)
    at = 0
    while at < len(lines) and lines[at].strip().startswith("#"):
        at += 1
    if lines and at == len(lines) and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline  # a file of comments with no final newline
    lines.insert(at, new_line + newline)
    return "".join(lines)


def set_default_template(workspace: Workspace | Path, name: str) -> Path:
    """Write ``template = "<name>"`` into the workspace's drafter.toml; returns the file.

    Replaces an existing top-level ``template = ...`` line or adds one near the top; creates
    the file if missing. A config that is not valid TOML is left alone (ConfigError).
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
    new = with_top_level(old, _KEY_LINE, f"template = {toml_string(name)}")
    try:
        parsed = parse_toml(new)
    except (tomllib.TOMLDecodeError, TomlTooDeep) as exc:  # e.g. the key sat inside a multi-line string
        raise ConfigError(f"cannot safely edit {path} ({exc}); set template = {toml_string(name)} by hand") from None
    if parsed.get("template") != name:
        raise ConfigError(f"cannot safely edit {path}; set template = {toml_string(name)} by hand")
    write_or_raise(path, new, ConfigError, keep_mode=True)
    return path

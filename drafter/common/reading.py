"""One way to read a file of record (a draft, the index, a template, a config): bounded, never blocking.

:func:`read_bounded` opens without blocking (a FIFO named ``x.json`` cannot hang a listing),
refuses anything that is not a regular file, and never reads more than a limit (a 3 GB file
named like a draft cannot exhaust memory). Every refusal is an :class:`OSError` with a short
``strerror``, so callers keep one ``except OSError`` that turns it into their own one-line
error. :func:`parse_toml` is ``tomllib.loads`` with nesting too deep for the parser reported
as a :class:`TomlTooDeep` (a ``ValueError``) instead of a ``RecursionError``.
"""

from __future__ import annotations

import errno
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from .errors import ConfigError

_CHUNK = 1 << 20
MAX_TOML_BYTES = 1_000_000
"""A settings file (drafter.toml, the user config, a phrase list) larger than this is refused."""
MAX_CACHE_BYTES = 256_000_000
"""A cache file in drafts/ (.index.json, .texts.json) larger than this is not read: it is rebuilt."""


class TomlTooDeep(ValueError):
    """TOML nested deeper than the parser can follow."""


def _size(limit: int) -> str:
    return f"{limit // 1_000_000} MB" if limit >= 1_000_000 else f"{limit:,} bytes"


def read_bounded(path: Path | str, limit: int) -> bytes:
    """The bytes of ``path``, at most ``limit`` of them.

    Raises ``FileNotFoundError`` when it is missing, and another ``OSError`` (its ``strerror``
    says why in a few words) when it cannot be read, is a folder, a FIFO, a device or a socket,
    or holds more than ``limit`` bytes. Never blocks on a FIFO.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "is a FIFO, device or socket, not a file", str(path))
        if st.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than {_size(limit)}", str(path))
        chunks: list[bytes] = []
        total = 0
        while total <= limit:  # the file may grow while it is read: never past limit + 1 bytes
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise OSError(errno.EFBIG, f"larger than {_size(limit)}", str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)


def parse_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads``; raises ``tomllib.TOMLDecodeError`` for a syntax error and
    :class:`TomlTooDeep` for arrays or tables nested too deeply to parse."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise TomlTooDeep("nested too deeply (arrays or inline tables inside one another)") from None


def read_toml(path: Path | str, *, required: bool = True, limit: int = MAX_TOML_BYTES) -> dict[str, Any]:
    """A settings file's table; a missing file is ``{}`` unless it is ``required``. Anything that
    stops it being read (missing when required, too large, a folder, a FIFO, not UTF-8, bad
    syntax, nested too deeply) is a one-line :class:`~drafter.common.errors.ConfigError` naming the file."""
    try:
        raw = read_bounded(path, limit)
    except FileNotFoundError:
        if required:
            raise ConfigError(f"{path}: cannot read: no such file") from None
        return {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return parse_toml(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except (tomllib.TOMLDecodeError, TomlTooDeep) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None

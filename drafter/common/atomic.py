"""One way to write a file so that a crash never leaves it half-written.

Temporary file in the same folder, write, flush, fsync, then ``os.replace`` (or a hard link when
the target must not be overwritten), then fsync the folder. :func:`write_atomic` raises ``OSError``; :func:`write_or_raise` turns
it into the caller's one-line domain error, worded the same everywhere ("cannot write PATH: why").
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Callable


def write_atomic(path: Path, text: str, *, overwrite: bool = True, keep_mode: bool = False) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically; create missing folders.

    ``overwrite=False`` raises ``FileExistsError`` instead of replacing an existing file, even if
    one appears while writing. ``keep_mode`` keeps an existing file's permission bits.
    Raises ``OSError``; the temporary file never survives a failure.
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    mode = None
    if keep_mode:
        with contextlib.suppress(OSError):
            mode = path.stat().st_mode & 0o777
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    _sync_folder(folder)


def write_or_raise(path: Path, text: str, error: Callable[[str], Exception], *, shown: object = None,
                   overwrite: bool = True, keep_mode: bool = False) -> None:
    """:func:`write_atomic`, a failure raised as ``error("cannot write SHOWN: why")``; ``shown``
    is how the message names the file (the path itself by default).

    With ``overwrite=False`` a ``FileExistsError`` (the file is there already) stays as it is:
    that is the caller's answer to give, not a failed write.
    """
    try:
        write_atomic(path, text, overwrite=overwrite, keep_mode=keep_mode)
    except OSError as exc:
        if isinstance(exc, FileExistsError) and not overwrite:
            raise
        raise error(f"cannot write {path if shown is None else shown}: {exc.strerror or exc}") from exc


def _link_new(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)  # fails if path exists: never overwrites
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(tmp, path)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not supported everywhere (Windows)
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

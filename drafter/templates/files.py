"""Template files on disk: listing a folder, reading with limits, atomic writes, paths in messages."""

from __future__ import annotations

from pathlib import Path

from ..common import atomic
from ..common.errors import TemplateError, TemplateWriteError
from ..common.reading import read_bounded

MAX_TEMPLATE_BYTES = 1_000_000


def display_path(path: Path | str) -> str:
    """The path as shown in messages: relative to the working folder when inside it."""
    p = Path(path)
    if p.is_absolute():
        try:
            return str(p.relative_to(Path.cwd()))
        except (ValueError, OSError):
            pass
    return str(path)


def already_exists(target: Path) -> TemplateError:
    return TemplateError(f"{display_path(target)} already exists; edit it or choose another name")


def same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def toml_files(folder: Path) -> list[Path]:
    """The folder's ``*.toml`` files, sorted, hidden ones left out; none if it cannot be read."""
    try:
        return sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))
    except OSError:
        return []


def read_file(path: Path) -> str:
    """A template file's text; TemplateError naming the file if it is too large, not UTF-8, or
    cannot be read for any reason (missing, a folder, a FIFO: never blocks)."""
    try:
        return read_bounded(path, MAX_TEMPLATE_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateError(f"{display_path(path)}: not UTF-8 text") from None
    except OSError as exc:
        raise TemplateError(f"{display_path(path)}: cannot read ({exc.strerror or exc})") from None


def write_atomic(target: Path, text: str, *, overwrite: bool) -> None:
    """Atomic write (see :mod:`drafter.common.atomic`); ``overwrite=False`` never replaces a file."""
    try:
        atomic.write_or_raise(target, text, TemplateWriteError, shown=display_path(target), overwrite=overwrite)
    except FileExistsError:
        raise already_exists(target) from None

"""The sources of a batch: what ``drafter batch`` was given, expanded into :class:`BatchItem`s,
and each item read into a :class:`Source`.

SOURCE arguments are files, folders (every ``.txt``, ``.md``, ``.html`` inside) and URLs;
``--list`` is a file of paths and URLs, one a line (``#`` comments); ``--feed`` an RSS or Atom
feed whose entries are fetched (or their own full content used).

Foundation: files, folders and URLs given as arguments; ``--list`` and ``--feed`` are filled in
by the batch-sources work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..common.errors import SourceError
from ..common.urls import display_url
from ..models.batch import BatchItem
from ..models.source import Source
from . import inputs

ARTICLE_SUFFIXES = (".txt", ".md", ".html")
"""What a folder given to a batch contributes (``.htm`` and ``.markdown`` too)."""
_FOLDER_SUFFIXES = frozenset((*ARTICLE_SUFFIXES, ".htm", ".markdown"))


def _folder_items(folder: Path) -> list[BatchItem]:
    found = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in _FOLDER_SUFFIXES
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    return [BatchItem(kind="file", location=str(p), label=str(p)) for p in found]


def expand(sources: Iterable[str]) -> list[BatchItem]:
    """The items of the SOURCE arguments, in order (a folder's files sorted by path). A path that
    does not exist is bad input (SourceError, exit 2): nothing has run yet."""
    items: list[BatchItem] = []
    for raw in sources:
        if inputs.is_url(raw):
            items.append(BatchItem(kind="url", location=raw.strip(), label=display_url(raw.strip())))
            continue
        path = Path(raw).expanduser()
        if path.is_dir():
            items.extend(_folder_items(path))
        elif path.exists():
            items.append(BatchItem(kind="file", location=str(path), label=str(path)))
        else:
            raise SourceError(f"{raw}: no such file or folder")
    return items


def load_item(item: BatchItem, *, fetch_timeout: float = inputs.FETCH_TIMEOUT) -> Source:
    """Read one item (blocking: files, or a URL fetched under ``fetch_timeout``). SourceError
    (one line) when it cannot be used: that item fails, the batch goes on."""
    if item.kind == "file":
        return inputs.from_file(item.location)
    if item.content is not None:
        return inputs.from_text(item.content, item.location, "url", title=item.title)
    return inputs.from_url(item.location, timeout=fetch_timeout)

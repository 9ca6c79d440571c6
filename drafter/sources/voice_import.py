"""Read the creator's published posts: LinkedIn's member data export, or a folder of posts.

- The export: the zip LinkedIn sends (``Basic_LinkedInDataExport_MM-DD-YYYY.zip`` or the
  "Complete" archive) or the ``Shares.csv`` inside it (``Shares_<id>.csv`` in some exports, in a
  subfolder in others). Its columns are found by header name (``ShareCommentary`` is the post;
  ``Date``, ``ShareLink`` are used when there; ``SharedUrl``, ``MediaUrl``, ``Visibility`` may be
  missing). It is read with :mod:`csv` (quoted fields span lines, quotes doubled, a BOM may lead);
  a row with an empty ``ShareCommentary`` is a repost and is skipped (and counted). The zip's
  members are read in memory, never extracted, within :data:`MAX_MEMBERS` and :data:`MAX_CSV_BYTES`
  (a member whose header says more is refused before it inflates; one whose header lies fails its
  CRC check); a member whose path
  climbs out (``..``) or is absolute is never read.
- A folder: every ``.txt`` and ``.md`` file in it (subfolders too, hidden ones aside) is one
  post; its date is the file's modification time (the folder has nothing better). A Markdown
  front matter (``---`` lines, as ``drafter drafts export --format md`` writes) is not part of the
  post. Empty files and files that are not UTF-8 are skipped and counted; hidden files are not read.

Anything that gives no post is an :class:`~drafter.common.errors.SourceError` (one line, exit 2).
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from ..common.errors import SourceError
from ..common.reading import read_bounded
from ..common.safe_text import strip_controls
from ..models.voice import PostOrigin, VoicePost, post_hash

MAX_CSV_BYTES = 64_000_000
"""The largest Shares.csv read (a file, or a zip member once inflated, all of them together)."""
MAX_MEMBERS = 100_000
"""A zip with more members than this is refused (the export has a few dozen)."""
MAX_POST_BYTES = 1_000_000
"""A post file in a folder larger than this is skipped (LinkedIn posts stop at 3,000 characters)."""
MAX_FOLDER_FILES = 20_000
"""At most this many post files are read from a folder."""
POST_COLUMN = "ShareCommentary"
SUFFIXES = (".txt", ".md")
_SHARES = re.compile(r"(?i)shares(?:_[\w-]+)?\.csv")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*(?:\n|\Z)", re.S)
_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass
class PostsRead:
    """What one path gave: the posts, and what was skipped and why."""

    posts: list[VoicePost]
    where: str
    """What was read, for a message ("Shares.csv in Basic_LinkedInDataExport_01-02-2026.zip")."""
    origin: PostOrigin
    skipped: dict[str, int] = field(default_factory=dict)
    """Reason -> how many: "reposts" (empty ShareCommentary), "empty files", "not UTF-8", "too large"."""

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def read_posts(path: str | Path) -> PostsRead:
    """The posts at ``path``: LinkedIn's export zip, its Shares.csv, or a folder of ``.txt``/``.md``
    files (see the module docstring). SourceError, one line, when it gives none."""
    where = Path(path)
    try:
        st = os.stat(where)
    except FileNotFoundError:
        raise SourceError(f"voice import: no such file or folder: {where}") from None
    except OSError as exc:
        raise SourceError(f"voice import: cannot read {where}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        return _from_folder(where)
    if not stat.S_ISREG(st.st_mode):
        raise SourceError(f"voice import: {where} is not a file or a folder (a FIFO, device or socket?)")
    if where.suffix.lower() == ".zip" or _starts_like_zip(where):
        return _from_zip(where)
    if where.suffix.lower() != ".csv":
        raise SourceError(f"voice import: {where} is not LinkedIn's export (a .zip or its Shares.csv) "
                          f"nor a folder of {' or '.join(SUFFIXES)} posts")
    try:
        raw = read_bounded(where, MAX_CSV_BYTES)
    except OSError as exc:
        raise SourceError(f"voice import: cannot read {where}: {exc.strerror or exc}") from None
    return _from_csv(raw, str(where), link_name=where.name)


def _starts_like_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


# ---- LinkedIn's export ------------------------------------------------------------------------


def _from_zip(path: Path) -> PostsRead:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise SourceError(f"voice import: {path} holds more than {MAX_MEMBERS:,} files: not LinkedIn's export")
            shares = [i for i in infos if not i.is_dir() and _SHARES.fullmatch(PurePosixPath(i.filename).name)
                      and _safe_member(i.filename)]
            if not shares:
                raise SourceError(f"voice import: {path} has no Shares.csv: is it LinkedIn's data export? "
                                  "(Settings > Data privacy > Get a copy of your data, with Posts)")
            result = PostsRead([], f"{', '.join(i.filename for i in shares)} in {path.name}", "linkedin")
            budget = MAX_CSV_BYTES
            for info in shares:
                raw = _member_bytes(archive, info, budget, path)
                budget -= len(raw)
                one = _from_csv(raw, f"{info.filename} in {path}", link_name=info.filename)
                result.posts += one.posts
                for reason, n in one.skipped.items():
                    result.skipped[reason] = result.skipped.get(reason, 0) + n
            return result
    except zipfile.BadZipFile as exc:
        raise SourceError(f"voice import: {path} is not a readable zip ({exc})") from None
    except OSError as exc:
        raise SourceError(f"voice import: cannot read {path}: {exc.strerror or exc}") from None


def _safe_member(name: str) -> bool:
    """A member path that stays inside the archive: not absolute, no ``..``, no drive letter."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return bool(parts) and not name.startswith(("/", "\\")) and ".." not in parts and ":" not in parts[0]


def _member_bytes(archive, info, budget: int, path: Path) -> bytes:
    """The member's bytes, inflated in memory, when its header says at most ``budget`` (a zip bomb
    is refused before it inflates; zipfile stops at the size its header says)."""
    import zipfile

    if info.file_size > budget:
        raise SourceError(f"voice import: {info.filename} in {path} is larger than {MAX_CSV_BYTES // 1_000_000} MB")
    try:
        with archive.open(info) as member:  # never inflates past the size the header says (then the CRC fails)
            return member.read()
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        # RuntimeError: encrypted; NotImplementedError: a compression zipfile lacks; BadZipFile: a bad CRC
        raise SourceError(f"voice import: cannot read {info.filename} in {path}: {exc}") from None


def _from_csv(raw: bytes, where: str, *, link_name: str) -> PostsRead:
    """The posts of a Shares.csv's bytes (``where`` names it in messages)."""
    if not raw.strip():
        raise SourceError(f"voice import: {where} is empty")
    if b"\x00" in raw[:65536]:
        raise SourceError(f"voice import: {where} is not a CSV (binary data)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(f"voice import: {where} is not a CSV in UTF-8 (LinkedIn writes UTF-8)") from None
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows, None)
        if header is None:
            raise SourceError(f"voice import: {where} is empty")
        columns = {name.strip().lower(): i for i, name in enumerate(header)}
        if POST_COLUMN.lower() not in columns:
            found = ", ".join(h.strip() for h in header[:8] if h.strip())[:120] or "none"
            raise SourceError(f"voice import: {where} has no {POST_COLUMN} column (found: {found}): "
                              "is it LinkedIn's Shares.csv?")
        result = PostsRead([], where, "linkedin")
        post_at, date_at, link_at = (columns.get(k.lower()) for k in (POST_COLUMN, "Date", "ShareLink"))
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue  # a blank line between records
            body = _cell(row, post_at)
            if not body.strip():
                result.skip("reposts")
                continue
            result.posts.append(_post(body, "linkedin", link_name, date=_date(_cell(row, date_at)),
                                      link=_cell(row, link_at).strip()))
    except csv.Error as exc:
        raise SourceError(f"voice import: {where} is not a CSV we can read (line {rows.line_num}: {exc})") from None
    if not result.posts:
        raise SourceError(f"voice import: {where} has no posts with text"
                          + (f" ({result.skipped['reposts']} reposts skipped)" if result.skipped else ""))
    return result


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def _date(value: str) -> datetime | None:
    """LinkedIn's ``YYYY-MM-DD HH:MM:SS`` (UTC); an ISO date too; None for anything else."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, _DATE_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


def _post(text: str, origin: PostOrigin, location: str, *, date: datetime | None, link: str = "") -> VoicePost:
    """A post as stored: line breaks made ``\\n``, terminal control codes gone, ends trimmed."""
    clean = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return VoicePost(id=post_hash(clean), text=clean, date=date, origin=origin, location=location, link=link)


# ---- a folder of posts ------------------------------------------------------------------------


def _from_folder(root: Path) -> PostsRead:
    result = PostsRead([], str(root), "folder")
    files = _post_files(root)
    if not files:
        raise SourceError(f"voice import: no {' or '.join(SUFFIXES)} files in {root}")
    for path in files:
        try:
            raw = read_bounded(path, MAX_POST_BYTES)
            mtime = os.stat(path).st_mtime
        except OSError as exc:
            result.skip("too large" if exc.errno == errno.EFBIG else "unreadable")
            continue
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            result.skip("not UTF-8")
            continue
        text = _FRONT_MATTER.sub("", text.replace("\r\n", "\n"), count=1) if path.suffix.lower() == ".md" else text
        if not text.strip():
            result.skip("empty files")
            continue
        result.posts.append(_post(text, "folder", str(path.relative_to(root)),
                                  date=datetime.fromtimestamp(mtime, timezone.utc)))
    if not result.posts:
        why = ", ".join(f"{n} {reason.removesuffix('s') if n == 1 else reason}" for reason, n in result.skipped.items())
        raise SourceError(f"voice import: no post in {root} could be read ({why})")
    return result


def _post_files(root: Path) -> list[Path]:
    """The ``.txt``/``.md`` files under ``root``, hidden files and folders aside, sorted, at most
    :data:`MAX_FOLDER_FILES`."""
    found: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            found.append(Path(folder, name))
            if len(found) >= MAX_FOLDER_FILES:
                return found
    return found

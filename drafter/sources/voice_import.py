"""Read the creator's published posts: LinkedIn's member data export, or a folder of posts.

- The export: the zip LinkedIn sends (``Basic_LinkedInDataExport_MM-DD-YYYY.zip`` or the
  "Complete" archive) or the ``Shares.csv`` inside it (``Shares_<id>.csv`` in some exports, in a
  subfolder in others). Its columns are found by header name (``ShareCommentary`` is the post;
  ``Date``, ``ShareLink`` are used when there; ``SharedUrl``, ``MediaUrl``, ``Visibility`` may be
  missing). It is read with :mod:`csv` (quoted fields span lines, quotes doubled, a BOM may lead);
  a row with an empty ``ShareCommentary`` is a repost and is skipped (and counted). The zip's
  members are read in memory, never extracted, within :data:`MAX_MEMBERS` and :data:`MAX_CSV_BYTES`
  (a member whose header says more is refused before it inflates; every member is inflated in
  bounded chunks that stop at the budget, whatever its header says); a member whose path
  climbs out (``..``) or is absolute is never read. A date that is not a date is counted
  (:attr:`PostsRead.undated`) and the post kept without one.
- The unzipped export: a folder holding a ``Shares*.csv`` (at its top or one folder down) is
  read as the export, its other files aside.
- A folder: every ``.txt`` and ``.md`` file in it (subfolders too, hidden ones aside) is one
  post; its date is the file's modification time (the folder has nothing better). A Markdown
  front matter (``---`` lines, as ``drafter drafts export --format md`` writes) is not part of the
  post. Empty files, files that are not UTF-8, files longer than :data:`MAX_POST_CHARS` (a README,
  a licence: not a post) and links (to a file or a folder) that lead out of the folder are
  skipped and counted; hidden files are not read, links to folders are not followed.

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
MAX_POST_CHARS = 9_000
"""A post file in a folder longer than this is skipped: LinkedIn posts stop at 3,000 characters,
and three times that leaves room for a long post written elsewhere (not for a README or a licence)."""
MAX_POST_BYTES = 4 * MAX_POST_CHARS + 4_000
"""A post file larger than this is not read at all (the characters, front matter aside, could not fit)."""
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
    """Reason -> how many: "reposts" (empty ShareCommentary), "empty files", "not UTF-8",
    "longer than 9,000 characters", "links out of the folder" (:func:`reason_text` says one)."""
    undated: int = 0
    """Posts whose date could not be read (kept without a date)."""
    bad_date: str = ""
    """The first such date, for the message."""

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def add(self, other: "PostsRead") -> None:
        """Take ``other``'s posts and counts (one Shares file of several)."""
        self.posts += other.posts
        for reason, n in other.skipped.items():
            self.skipped[reason] = self.skipped.get(reason, 0) + n
        self.undated += other.undated
        self.bad_date = self.bad_date or other.bad_date


_ONE = {"reposts": "repost", "empty files": "empty file", "links out of the folder": "link out of the folder"}
TOO_LONG = f"longer than {MAX_POST_CHARS:,} characters"
LINKED_OUT = "links out of the folder"


def reason_text(reason: str, n: int) -> str:
    """How many were skipped and why, in words: "1 repost", "3 empty files"."""
    return f"{n} {_ONE.get(reason, reason) if n == 1 else reason}"


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
                result.add(_from_csv(raw, f"{info.filename} in {path}", link_name=info.filename))
            return result
    except zipfile.BadZipFile as exc:
        raise SourceError(f"voice import: {path} is not a readable zip ({exc})") from None
    except OSError as exc:
        raise SourceError(f"voice import: cannot read {path}: {exc.strerror or exc}") from None


def _safe_member(name: str) -> bool:
    """A member path that stays inside the archive: not absolute, no ``..``, no drive letter."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return bool(parts) and not name.startswith(("/", "\\")) and ".." not in parts and ":" not in parts[0]


_CHUNK = 1 << 20


def _member_bytes(archive, info, budget: int, path: Path) -> bytes:
    """The member's bytes, inflated in memory in chunks of at most 1 MB, stopping once they pass
    ``budget`` whatever the header says (a member whose header says more is refused before it
    inflates; one whose header lies is never inflated whole: ``read()`` would, in one piece)."""
    import zipfile

    too_large = SourceError(f"voice import: {info.filename} in {path} is larger than {MAX_CSV_BYTES // 1_000_000} MB")
    if info.file_size > budget:
        raise too_large
    if info.flag_bits & 0x1:
        raise SourceError(f"voice import: {info.filename} in {path} is encrypted (a password-protected zip): "
                          "LinkedIn's export is not; unzip it and import its Shares.csv")
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(min(_CHUNK, budget + 1 - total)):
                chunks.append(chunk)
                total += len(chunk)
                if total > budget:
                    raise too_large
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        # NotImplementedError: a compression zipfile lacks; BadZipFile: a bad CRC (a header that lies)
        raise SourceError(f"voice import: cannot read {info.filename} in {path}: {exc}") from None
    return b"".join(chunks)


def _from_csv(raw: bytes, where: str, *, link_name: str) -> PostsRead:
    """The posts of a Shares.csv's bytes (``where`` names it in messages)."""
    if not raw.strip():
        raise SourceError(f"voice import: {where} is empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_like(raw[:65536]):
        raise SourceError(f"voice import: {where} is in UTF-16: save it as UTF-8 (LinkedIn writes UTF-8)")
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
            written = _cell(row, date_at).strip()
            date = _date(written)
            if written and date is None:
                result.undated += 1
                result.bad_date = result.bad_date or written[:40]
            result.posts.append(_post(body, "linkedin", link_name, date=date, link=_cell(row, link_at).strip()))
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise SourceError(f"voice import: {where} has a field longer than {csv.field_size_limit():,} characters "
                              f"(line {rows.line_num}): not a post LinkedIn wrote") from None
        raise SourceError(f"voice import: {where} is not a CSV we can read (line {rows.line_num}: {exc})") from None
    if not result.posts:
        raise SourceError(f"voice import: {where} has no posts with text"
                          + (f" ({result.skipped['reposts']} reposts skipped)" if result.skipped else ""))
    return result


def _utf16_like(head: bytes) -> bool:
    """UTF-16 without a BOM: every other byte of ASCII text is a NUL."""
    pairs = head[: len(head) // 2 * 2]
    return len(pairs) >= 8 and (pairs[1::2].count(0) > len(pairs) * 0.4 or pairs[0::2].count(0) > len(pairs) * 0.4)


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
    shares = _shares_files(root)
    if shares:
        return _from_unzipped(root, shares)
    result = PostsRead([], str(root), "folder")
    files, linked_out = _post_files(root)
    for _ in range(linked_out):
        result.skip(LINKED_OUT)
    if not files and not linked_out:
        raise SourceError(f"voice import: no {' or '.join(SUFFIXES)} files in {root}")
    for path in files:
        try:
            raw = read_bounded(path, MAX_POST_BYTES)
            mtime = os.stat(path).st_mtime
        except OSError as exc:
            result.skip(TOO_LONG if exc.errno == errno.EFBIG else "unreadable")
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
        if len(text.strip()) > MAX_POST_CHARS:
            result.skip(TOO_LONG)
            continue
        result.posts.append(_post(text, "folder", str(path.relative_to(root)),
                                  date=datetime.fromtimestamp(mtime, timezone.utc)))
    if not result.posts:
        why = ", ".join(reason_text(reason, n) for reason, n in result.skipped.items())
        raise SourceError(f"voice import: no post in {root} could be read ({why})")
    return result


def _post_files(root: Path) -> tuple[list[Path], int]:
    """The ``.txt``/``.md`` files under ``root``, hidden files and folders aside, sorted, at most
    :data:`MAX_FOLDER_FILES`; and how many links leading out of ``root`` were passed over (a link
    to a file is read when it stays inside, a link to a folder is never followed: os.walk)."""
    top = root.resolve()
    found: list[Path] = []
    linked_out = 0
    for folder, dirs, names in os.walk(root):
        linked_out += sum(1 for d in dirs if not d.startswith(".") and os.path.islink(os.path.join(folder, d))
                          and not _inside(Path(folder, d), top))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            path = Path(folder, name)
            if path.is_symlink() and not _inside(path, top):
                linked_out += 1
                continue
            found.append(path)
            if len(found) >= MAX_FOLDER_FILES:
                return found, linked_out
    return found, linked_out


def _inside(path: Path, top: Path) -> bool:
    """``path``, its links followed, is ``top`` or under it."""
    try:
        return path.resolve().is_relative_to(top)
    except (OSError, RuntimeError):  # a loop of links
        return False


def _shares_files(root: Path) -> list[Path]:
    """The Shares*.csv files of an unzipped export: at ``root``'s top, else one folder down."""
    def shares_in(folder: Path) -> list[Path]:
        try:
            return sorted(p for p in folder.iterdir() if _SHARES.fullmatch(p.name) and p.is_file())
        except OSError:
            return []

    found = shares_in(root)
    if not found:
        try:
            subs = sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))
        except OSError:
            subs = []
        found = [f for sub in subs for f in shares_in(sub)]
    return [f for f in found if not f.is_symlink() or _inside(f, root.resolve())]


def _from_unzipped(root: Path, shares: list[Path]) -> PostsRead:
    """The posts of an unzipped export's Shares*.csv files (within :data:`MAX_CSV_BYTES` together)."""
    names = [str(f.relative_to(root)) for f in shares]
    result = PostsRead([], f"{', '.join(names)} in {root}", "linkedin")
    budget = MAX_CSV_BYTES
    for path, name in zip(shares, names):
        try:
            raw = read_bounded(path, budget)
        except OSError as exc:
            raise SourceError(f"voice import: cannot read {path}: {exc.strerror or exc}") from None
        budget -= len(raw)
        result.add(_from_csv(raw, str(path), link_name=name))
    return result

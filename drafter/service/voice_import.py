"""Building the creator's voice: importing their posts, marking a draft as published, clearing.

Every change goes the same way: the posts are merged with the stored ones (no duplicates, by
text hash: :func:`drafter.storage.voice.merged`), the profile is rebuilt from all of them
(:func:`drafter.models.voice_profile.build_profile`), ``<workspace>/voice.json`` is written whole
and atomically, and the :class:`~drafter.service.drafting.Drafter` forgets the voice it had read.
The file is read again, merged and written holding its lock (:func:`drafter.storage.voice.voice_lock`),
so two imports (or an import and a publish) at once keep both's posts.
A voice file that cannot be read is never overwritten: the import stops with a
:class:`~drafter.common.errors.VoiceError` saying so (``drafter voice clear`` removes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ..common.errors import InputError, VoiceError
from ..models.voice import Voice, VoicePost, post_hash

if TYPE_CHECKING:
    from ..models.draft import Draft
    from .drafting import Drafter


@dataclass
class ImportReport:
    """What one import did."""

    read: list[str]
    """What was read: "Shares.csv in Basic_LinkedInDataExport_01-02-2026.zip", "3 drafts marked published"."""
    found: int
    """Posts read (before merging)."""
    added: int
    """Posts new to the voice."""
    total: int
    """Posts in the voice now."""
    file: Path
    """Where the voice is stored."""
    skipped: dict[str, int] = field(default_factory=dict)
    """Reason -> how many were not read: "reposts", "empty files", "not UTF-8"..."""
    notes: list[str] = field(default_factory=list)

    @property
    def already(self) -> int:
        """Posts read that the voice already had (or that came twice in this import)."""
        return self.found - self.added

    def line(self) -> str:
        """The report on one line, for the CLI and the app."""
        from ..sources.voice_import import reason_text

        skipped = "".join(f"; {reason_text(reason, n)} skipped" for reason, n in self.skipped.items() if n)
        return (f"{self.found} post{_s(self.found)} read from {' and '.join(self.read)}: {self.added} added, "
                f"{self.already} already there{skipped}; the voice has {self.total} post{_s(self.total)} "
                f"({self.file})")


@dataclass
class PublishResult:
    """What :func:`publish` did."""

    draft: "Draft"
    """The draft as saved, ``published`` set."""
    added: bool
    """False when the voice already had that text."""
    total: int
    file: Path
    already_published: bool = False
    """The draft was marked before (its first date is kept)."""
    replaced: bool = False
    """The draft's earlier text (published before an edit) was in the voice: this text replaced it."""

    def line(self) -> str:
        when = self.draft.published.strftime("%Y-%m-%d %H:%M") if self.draft.published else ""
        marked = f"already marked published on {when}" if self.already_published else f"marked published ({when})"
        added = ("its new text replaced the earlier one in the voice" if self.replaced
                 else "added to the voice" if self.added else "the voice already had its text")
        return f"draft {self.draft.id} {marked}; {added}: it has {self.total} post{_s(self.total)} ({self.file})"


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def import_voice(drafter: "Drafter", path: str | Path | None = None, *, published: bool = False) -> ImportReport:
    """Import the posts at ``path`` (LinkedIn's export zip or its Shares.csv, or a folder of
    ``.txt``/``.md`` posts: :func:`drafter.sources.voice_import.read_posts`) and, with
    ``published``, the saved drafts marked as published; merge them into the workspace's voice,
    rebuild its profile and save it. SourceError/InputError (exit 2) when there is nothing to
    import; VoiceError (exit 1) when the voice file cannot be read or written."""
    if path is None and not published:
        raise InputError("voice import: give a PATH (LinkedIn's export zip, its Shares.csv, or a folder of posts) "
                         "or --published")
    old = _stored(drafter, "nothing imported")
    posts: list[VoicePost] = []
    read: list[str] = []
    skipped: dict[str, int] = {}
    notes: list[str] = []
    if path is not None:
        from ..sources.voice_import import read_posts

        got = read_posts(path)
        posts += got.posts
        read.append(got.where)
        skipped.update(got.skipped)
        if got.undated:
            notes.append(f"{got.undated} post{_s(got.undated)} with a date drafter cannot read "
                         f"(\"{got.bad_date}\"): kept without a date")
        if got.origin == "folder":
            notes.append("a post's date is its file's modification time")
    if published:
        marked, problems = _published_posts(drafter)
        posts += marked
        read.append(f"{len(marked)} draft{_s(len(marked))} marked published")
        notes += problems
        if not marked and path is None:
            raise InputError(f"voice import --published: no draft in {drafter.store.folder} is marked published "
                             "(drafter drafts publish ID marks one)")
    voice, added, _ = _save(drafter, posts, "nothing imported")
    return ImportReport(read=read, found=len(posts), added=added, total=len(voice.posts),
                        file=drafter.workspace.voice_file, skipped=skipped, notes=notes)


def publish(drafter: "Drafter", draft_id: str) -> PublishResult:
    """Mark the saved draft ``draft_id`` as published (now; a draft marked before keeps its first
    date) and add its LinkedIn text (``Draft.text``) to the voice, creating the voice if there is
    none. For the CLI (``drafter drafts publish ID``) and the app; blocking, a fraction of a second.

    InputError when the id is not valid or the draft is empty, DraftNotFound/StoreError when it
    cannot be read or saved, VoiceError when the voice file cannot be read or written (the draft
    is marked all the same, and the message says so)."""
    from ..lint.rules_style import PLACEHOLDER
    from ..models.draft import now, validate_id

    store = drafter.store
    record = store.load(validate_id(draft_id))
    if not record.text.strip():
        raise InputError(f"draft {record.id} is empty: nothing to mark as published")
    left = PLACEHOLDER.search(record.text)
    if left:  # the linter's placeholder rule: a scaffold's [bracket] is not what was published
        from ..common.safe_text import one_line

        raise InputError(f"draft {record.id} still has a placeholder to fill in: {one_line(left.group())[:60]}: "
                         f"not marked published (fill it in first, in the app or in {store.path_for(record.id)})")
    already = record.published is not None
    if not already:
        record = store.save(record.model_copy(update={"published": now()}))
    assert record.published is not None
    post = _draft_post(record)
    try:
        voice, added, old = _save(drafter, [post], "its text is not in the voice")
    except VoiceError as exc:
        raise VoiceError(f"draft {record.id} is marked published, but {exc}") from None
    replaced = bool(old) and any(p.origin == "published" and p.location == record.id and p.id != post.id
                                 for p in old.posts)  # type: ignore[union-attr]
    return PublishResult(draft=record, added=bool(added), total=len(voice.posts), file=drafter.workspace.voice_file,
                         already_published=already, replaced=replaced)


def _draft_post(record: "Draft") -> VoicePost:
    text = record.text.replace("\r\n", "\n").strip()
    when = record.published.astimezone(timezone.utc) if record.published else None
    return VoicePost(id=post_hash(text), text=text, date=when, origin="published", location=record.id)


def _published_posts(drafter: "Drafter") -> tuple[list[VoicePost], list[str]]:
    """The saved drafts marked as published, as posts; and a line for each draft that could not be read."""
    from ..common.errors import StoreError

    summaries, problems = drafter.store.list()
    posts, notes = [], [f"skipped: {p}" for p in problems]
    for summary in summaries:
        try:
            record = drafter.store.load(summary.id)
        except StoreError as exc:
            notes.append(f"skipped: {exc}")
            continue
        if record.published is not None and record.text.strip():
            posts.append(_draft_post(record))
    return posts, notes


def _stored(drafter: "Drafter", consequence: str) -> Voice | None:
    """The voice on disk now (read again, not the cached one); VoiceError when it cannot be read."""
    from ..storage.voice import load_voice

    try:
        return load_voice(drafter.workspace.voice_file)
    except VoiceError as exc:
        hint = "" if "voice clear" in str(exc) else "; `drafter voice clear` removes it"
        raise VoiceError(f"{exc}{hint}; {consequence}") from None


def _save(drafter: "Drafter", posts: list[VoicePost], consequence: str) -> tuple[Voice, int, Voice | None]:
    """Merge ``posts`` into the voice on disk and write it, holding the voice's lock from the read
    to the write (another import that finished meanwhile is kept): the voice written, how many
    posts were new, and the voice it replaced."""
    from ..models.voice_profile import build_profile
    from ..storage.voice import merged, save_voice, voice_lock

    where = drafter.workspace.voice_file
    try:
        with voice_lock(where):
            old = _stored(drafter, consequence)
            voice, added = merged(old, posts, build_profile)
            save_voice(where, voice)
    except VoiceError as exc:
        if consequence in str(exc):
            raise
        raise VoiceError(f"{exc}; {consequence}") from None
    finally:
        drafter.forget_voice()
    return voice, added, old


def clear(drafter: "Drafter") -> tuple[bool, int | None]:
    """Remove the workspace's voice file, readable or not: whether there was one, and how many
    posts it held (None when it could not be read)."""
    from ..storage.voice import clear_voice, load_voice, voice_lock

    with voice_lock(drafter.workspace.voice_file):
        try:
            voice = load_voice(drafter.workspace.voice_file)
        except VoiceError:
            voice = None
            count = None
        else:
            count = len(voice.posts) if voice else None
        removed = clear_voice(drafter.workspace.voice_file)
    drafter.forget_voice()
    return removed, count

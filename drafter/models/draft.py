"""A draft and its parts of record: the models stored in ``<id>.json``, ids, export (titles:
:mod:`drafter.models.titles`).

Everything here works on values and bytes; :mod:`drafter.storage.store` does the disk I/O, the listing
index and autosave. ``drafter.storage.store`` re-exports these names, so older imports keep working.
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..common.errors import InputError, StoreError, first_error
from ..common.safe_text import one_line
from .batch import BatchTag
from .platforms import PLATFORMS, Platform, PlatformName
from .post import Parts, assemble, measure
from .titles import (  # noqa: F401 - the title names are re-exported (older imports from here keep working)
    TITLE_CHARS, auto_title, clean_title, copy_title, default_title, resolve_title, short_title,
)
from ..common.urls import display_url, redact_urls

if TYPE_CHECKING:
    from .source import Source

SCHEMA_VERSION = 2
"""Bumped when a draft file changes incompatibly; newer files are refused, never overwritten.
Fields added since have defaults (``title_set``: a file without it is worked out from its title;
``published``: None).
2: ``versions``, the post adapted for other platforms (a version 1 file reads as having none)."""
MAX_SOURCE_TEXT = 100_000
"""Article text longer than this many characters is not copied into the draft (sha256 is kept)."""
MAX_DRAFT_BYTES = 16_000_000
"""A draft file larger than this is not read (reported instead) and never written."""
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
"""A draft id, which is also its file stem."""

RevisionKind = Literal["generate", "regenerate", "variant", "save", "edit", "adapt"]
Variables = dict[str, str | int | float | bool]


def now() -> datetime:
    """Local time with its UTC offset (readable in the file, comparable across zones)."""
    return datetime.now().astimezone()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.astimezone()


Moment = Annotated[datetime, AfterValidator(_aware)]
"""A time read from a draft file, with its UTC offset (a naive time is taken as local)."""


def slugify(text: str, limit: int = TITLE_CHARS) -> str:
    """ASCII lowercase words joined by '-', at most ``limit`` chars; "draft" if nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        head = slug[: limit + 1]
        slug = head.rsplit("-", 1)[0] if "-" in head else slug[:limit]
    return slug.strip("-") or "draft"


def make_id(title: str) -> str:
    """``<date>-<slug of title>-<4 hex>``; :meth:`Store.new_id` also makes it unique in a folder."""
    return f"{now().date().isoformat()}-{slugify(title)}-{secrets.token_hex(2)}"


def validate_id(draft_id: object) -> str:
    """Return ``draft_id`` if it is a safe file stem; anything that could escape the folder
    (``/``, ``\\``, ``..``, NUL, upper case, spaces, > 100 chars) raises InputError."""
    if not isinstance(draft_id, str) or not ID_RE.fullmatch(draft_id):
        shown = repr(draft_id)[:60]
        raise InputError(f"invalid draft id {shown}: use lowercase letters, digits and '-' (1-100 chars)")
    return draft_id


class SourceRecord(BaseModel):
    """What a draft was made from, as recorded in the draft file."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["topic", "text", "file", "url"]
    """Where the source came from."""
    topic: str = ""
    """The topic typed, or the article's title."""
    location: str | None = None
    """File name, or URL as :func:`drafter.common.urls.display_url` shows it (no user info, no query)."""
    title: str | None = None
    """Title found in the page or file."""
    sha256: str | None = None
    """SHA-256 of the article text (None for a bare topic): tells if the article changed."""
    chars: int = 0
    """Length of the article text in characters."""
    text: str | None = None
    """The article text itself when it is at most MAX_SOURCE_TEXT (100,000) characters, else None."""

    @model_validator(mode="after")
    def _no_credentials(self) -> "SourceRecord":
        """A URL location is kept as :func:`display_url` shows it, whatever the file says (a
        hand-edited draft or one from an older version may hold ``user:key@`` or a query)."""
        if self.location and self.kind == "url":
            self.location = display_url(self.location)
        return self

    @classmethod
    def from_source(cls, source: "Source") -> "SourceRecord":
        text = source.text
        location = source.location
        return cls(
            kind=source.kind,
            topic=source.topic,
            location=location,
            title=source.title,
            sha256=source.sha256 if text else None,
            chars=len(text),
            text=text if text and len(text) <= MAX_SOURCE_TEXT else None,
        )


class Revision(BaseModel):
    """One step in a draft's history."""

    model_config = ConfigDict(extra="forbid")

    at: Moment
    """When it happened."""
    kind: RevisionKind
    """What happened: generate, regenerate (one part), variant (hook picked), save, edit."""
    engine: str | None = None
    """Engine that produced it (None for a hand edit)."""
    model: str | None = None
    """Model that produced it."""
    parts: Parts | None = None
    """The parts after this step, if known."""
    text: str | None = None
    """The post text after this step, if known."""
    note: str = ""
    """Free text, e.g. the instruction given for a regenerate."""
    platform: PlatformName | None = None
    """The platform version this step changed ("adapt", or "edit" of a version); None: the LinkedIn post."""
    posts: list[str] | None = None
    """That platform version's posts after this step."""


def text_sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class PlatformVersion(BaseModel):
    """The post as it goes on another platform: one post, or a thread's posts in order."""

    model_config = ConfigDict(extra="forbid")

    platform: PlatformName
    posts: list[str] = Field(min_length=1)
    """What is copied, post by post (one item when it fits in one post)."""
    engine: str | None = None
    """Engine that adapted it ("offline" or "openai"); None once only hand edits made it."""
    model: str | None = None
    edited: bool = False
    """True once the user changed it by hand: adapting again asks before replacing it."""
    adapted_from: str | None = None
    """SHA-256 of the LinkedIn text it was adapted from (another hash: that post changed since)."""
    updated: Moment

    @field_validator("platform")
    @classmethod
    def _not_linkedin(cls, value: str) -> str:
        if value == "linkedin":
            raise ValueError("the LinkedIn post is the draft's text, not a version")
        return value

    @property
    def label(self) -> str:
        return PLATFORMS[self.platform].label

    def stale(self, text: str) -> bool:
        """Whether the LinkedIn post changed since this version was adapted from it."""
        return self.adapted_from is not None and self.adapted_from != text_sha256(text)

    @classmethod
    def adapted(cls, platform: PlatformName, posts: list[str], text: str, *, engine: str | None = None,
                model: str | None = None) -> "PlatformVersion":
        """Posts an engine adapted from the LinkedIn post ``text``."""
        return cls(platform=platform, posts=posts, engine=engine, model=model, adapted_from=text_sha256(text),
                   updated=now())

    @classmethod
    def edited_by_hand(cls, platform: PlatformName, posts: list[str],
                       old: "PlatformVersion | None") -> "PlatformVersion":
        """``old`` (if any) with the posts the user wrote: where it came from is kept."""
        return cls(platform=platform, posts=posts, edited=True, updated=now(),
                   engine=old.engine if old else None, model=old.model if old else None,
                   adapted_from=old.adapted_from if old else None)


class Draft(BaseModel):
    """A draft as stored in ``<id>.json``. Field order is the order in the file."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = Field(default=SCHEMA_VERSION, ge=1, le=SCHEMA_VERSION)
    """File format version; files from a newer drafter are refused."""
    id: str
    """File stem: lowercase letters, digits and '-'."""
    title: str
    """Shown in the library: the user's name for it, else follows the hook (see ``title_set``)."""
    created: Moment
    """When the draft was first made."""
    updated: Moment
    """When it was last saved."""
    template: str
    """Template name used to generate it."""
    chars: int = 0
    """Characters in ``text`` as LinkedIn counts them (derived from text on every read/save)."""
    title_set: bool = False
    """True once the user named the draft; until then ``title`` follows the hook (derived on every
    read/save). Absent in older files: see :func:`resolve_title`."""
    engine: str | None = None
    """Engine of the last generation."""
    model: str | None = None
    """Model of the last generation."""
    published: Moment | None = None
    """When the user marked it as published (``drafter drafts publish``, the app); None until then.
    Absent in older files (read as None)."""
    batch: BatchTag | None = None
    """The batch that drafted it (``drafter batch``) and the key a later run skips it by; None
    for a draft made one at a time. Absent in older files."""
    text: str = ""
    """The post as the user last edited it (or as assembled from the parts)."""
    parts: Parts | None = None
    """The structured parts of the last generation, if any."""
    variables: Variables = Field(default_factory=dict)
    """Template variables used (tone, audience, counts...)."""
    source: SourceRecord
    """What it was drafted from."""
    revisions: list[Revision] = Field(default_factory=list)
    """History, oldest first."""
    versions: dict[PlatformName, PlatformVersion] = Field(default_factory=dict)
    """The post adapted for other platforms, by platform (schema 2; LinkedIn's is ``text``)."""
    unreadable_versions: dict[str, Any] = Field(default_factory=dict)
    """Entries of ``versions`` in the file that are not a version this drafter can read (edited by
    hand, say), kept exactly as they were and written back on save: one broken version never
    locks the draft, and is never dropped. :attr:`version_problems` says what is wrong."""

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_RE.fullmatch(value):
            raise ValueError("must be lowercase letters, digits and '-'")
        return value

    _title = field_validator("title")(lambda value: clean_title(value))

    @model_validator(mode="before")
    @classmethod
    def _set_aside_unreadable_versions(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("versions"), dict):
            return data
        good: dict[str, Any] = {}
        bad = dict(data["unreadable_versions"]) if isinstance(data.get("unreadable_versions"), dict) else {}
        for key, entry in data["versions"].items():
            if isinstance(entry, PlatformVersion):
                good[key] = entry
                continue
            try:
                version = PlatformVersion.model_validate(entry)
            except ValidationError:
                bad[key] = entry
                continue
            (good if version.platform == key else bad)[key] = entry
        return {**data, "versions": good, "unreadable_versions": bad}

    @property
    def version_problems(self) -> list[str]:
        """One line for each unreadable version entry, saying what is wrong and that it is kept."""
        out = []
        for key, entry in self.unreadable_versions.items():
            try:
                version = PlatformVersion.model_validate(entry)
            except ValidationError as exc:
                why = f"versions.{key}: {first_error(exc, 'not a version')}"
            else:
                why = f"versions.{key}: holds the {version.platform!r} version"
            out.append(f"{one_line(why, 160)} (left as it is in the file, not used)")
        return out

    @model_validator(mode="after")
    def _versions_keyed(self) -> "Draft":
        for key, version in self.versions.items():
            if version.platform != key:
                raise ValueError(f"versions[{key!r}] holds the {version.platform!r} version")
        return self

    @model_validator(mode="after")
    def _derived(self) -> "Draft":
        self.schema_version = SCHEMA_VERSION  # an older file is read as the current schema, and saved so
        self.chars = measure(self.text).chars  # derived: a hand edit of text is counted right
        given = self.title_set if "title_set" in self.model_fields_set else None  # None: an older file
        hook = self.parts.hook if self.parts is not None else ""
        self.title, self.title_set = resolve_title(self.title, given, self.text, hook, self.source)
        return self

    @classmethod
    def new(
        cls,
        title: str | None,
        source: "Source | SourceRecord",
        template: str,
        variables: Variables | None = None,
        *,
        parts: Parts | None = None,
        text: str | None = None,
        engine: str | None = None,
        model: str | None = None,
        id: str | None = None,
        note: str = "",
    ) -> "Draft":
        """A fresh draft; with parts or text it gets a first "generate" revision.

        ``title`` None: the title follows the hook until the user renames the draft; a title
        given is the user's. Pass ``id=store.new_id(...)`` for an id guaranteed unique in a folder.
        """
        record = source if isinstance(source, SourceRecord) else SourceRecord.from_source(source)
        title_set = bool(title and one_line(title))
        title = title if title_set else default_title(record, parts)
        if text is None:
            text = assemble(parts) if parts is not None else ""
        when = now()
        revisions = []
        if parts is not None or text:
            revisions.append(Revision(at=when, kind="generate", engine=engine, model=model, parts=parts, text=text,
                                      note=redact_urls(note)))  # engine notes may name a server URL
        return cls(
            id=validate_id(id) if id is not None else make_id(title),
            title=title, title_set=title_set, created=when, updated=when, template=template,
            engine=engine, model=model, text=text, parts=parts, variables=dict(variables or {}),
            source=record, revisions=revisions,
        )  # fmt: skip

    def revise(
        self, kind: RevisionKind, *, parts: Parts | None = None, text: str | None = None,
        engine: str | None = None, model: str | None = None, note: str = "",
    ) -> "Draft":  # fmt: skip
        """A copy with new parts and/or text and the step appended to ``revisions``."""
        parts = parts if parts is not None else self.parts
        text = text if text is not None else self.text
        rev = Revision(at=now(), kind=kind, engine=engine, model=model, parts=parts, text=text, note=note)
        update: dict[str, object] = {"parts": parts, "text": text, "chars": measure(text).chars,
                                     "revisions": [*self.revisions, rev]}  # fmt: skip
        if not self.title_set:  # model_copy runs no validator: follow the new hook here
            update["title"] = auto_title(text, parts.hook if parts is not None else "", self.source)
        if engine is not None:
            update.update(engine=engine, model=model)
        return self.model_copy(update=update)

    def with_version(self, platform: PlatformName, posts: list[str], *, kind: Literal["adapt", "edit"] = "adapt",
                     engine: str | None = None, model: str | None = None, note: str = "") -> "Draft":
        """A copy with ``platform``'s version set to ``posts`` and the step in ``revisions``:
        "adapt" (made by an engine from the LinkedIn text as it is now) or "edit" (by hand)."""
        if kind == "adapt":
            version = PlatformVersion.adapted(platform, posts, self.text, engine=engine, model=model)
        else:
            version = PlatformVersion.edited_by_hand(platform, posts, self.versions.get(platform))
        return self.put_version(version, kind, engine=engine, model=model, note=note)

    def put_version(self, version: PlatformVersion, kind: Literal["adapt", "edit"], *, engine: str | None = None,
                    model: str | None = None, note: str = "") -> "Draft":
        """A copy with ``version`` (made before, e.g. by the app as it happened) and the step in
        ``revisions``."""
        rev = Revision(at=version.updated, kind=kind, engine=engine, model=model, platform=version.platform,
                       posts=list(version.posts), note=note)
        kept = self._unrecorded(version.platform)
        return self.model_copy(update={"versions": {**self.versions, version.platform: version},
                                       "revisions": [*self.revisions, *kept, rev]})

    def _unrecorded(self, platform: PlatformName) -> list[Revision]:
        """The version about to be replaced, as a revision, when no revision holds its posts (a
        change to the file by hand, say): nothing a step replaces is lost from the file."""
        old = self.versions.get(platform)
        if old is None:
            return []
        last = next((r for r in reversed(self.revisions) if r.platform == platform and r.posts is not None), None)
        if last is not None and last.posts == old.posts:
            return []
        return [Revision(at=old.updated, kind="edit", engine=None, model=None, platform=platform,
                         posts=list(old.posts), note="the version as it was before the next step")]

    def redrafted(self, fresh: "Draft", note: str = "") -> "Draft":
        """``fresh`` (a new generation from the same source, ``drafter batch --force``) in place
        of this draft: this draft's id, creation time, title if the user set one, and whole history
        kept, with its text and each platform version as they are now recorded in the history
        when no revision holds them yet (nothing the user wrote is lost); ``fresh``'s text,
        parts, versions, source and tag become the draft's."""
        kept: list[Revision] = []
        last_text = next((r.text for r in reversed(self.revisions) if r.platform is None and r.text is not None), None)
        if self.text and last_text != self.text:
            kept.append(Revision(at=self.updated, kind="edit", parts=self.parts, text=self.text,
                                 note="the post as it was before it was drafted again"))
        for platform in self.versions:
            kept += self._unrecorded(platform)
        title = {} if not self.title_set else {"title": self.title, "title_set": True}
        return fresh.model_copy(update={
            "id": self.id, "created": self.created, **title,  # not published: the new text never was
            "revisions": [*self.revisions, *kept, *[r.model_copy(update={"note": "; ".join(filter(None, (r.note, note)))})
                                                     for r in fresh.revisions]],
        })

    def without_version(self, platform: PlatformName) -> "Draft":
        return self.model_copy(update={"versions": {k: v for k, v in self.versions.items() if k != platform}})

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def _problem(raw: bytes, exc: ValidationError) -> str:
    """Why a file that failed validation is not a draft we can read, in a few words."""
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        return "corrupt: not UTF-8 text"
    except json.JSONDecodeError as err:
        return f"corrupt: not valid JSON (line {err.lineno} column {err.colno})"
    except RecursionError:
        return "corrupt: JSON nested too deeply to be a draft"
    if not isinstance(data, dict) or "schema_version" not in data or "id" not in data:
        return "not a drafter draft (foreign JSON without schema_version/id)"
    version = data["schema_version"]
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        return f"written by a newer drafter (schema {version}); upgrade drafter"
    return f"corrupt draft: {first_error(exc, 'draft')}"


class _SourceHeader(BaseModel):
    """The source fields the library shows and searches."""

    model_config = ConfigDict(extra="ignore")

    topic: str = ""
    title: str | None = None
    location: str | None = None


class _BatchHeader(BaseModel):
    """The batch tag (the store's index keeps it): the batch's id, and the keys a later
    ``drafter batch`` skips or replaces the draft by."""

    model_config = ConfigDict(extra="ignore")

    id: str = ""
    key: str = ""
    place: str = ""


class _PartsHeader(BaseModel):
    model_config = ConfigDict(extra="ignore")

    hook: str = ""


class DraftHeader(BaseModel):
    """What list() validates of a draft file (whole-file JSON syntax included); load() checks all."""

    model_config = ConfigDict(extra="ignore")

    schema_version: int = Field(ge=1, le=SCHEMA_VERSION)
    id: str
    title: str
    title_set: bool | None = None
    """None in a file from before the field (see :func:`resolve_title`)."""
    updated: Moment
    template: str
    text: str
    source: _SourceHeader = Field(default_factory=_SourceHeader)
    parts: _PartsHeader | None = None
    published: Moment | None = None
    batch: _BatchHeader | None = None

    @property
    def shown_title(self) -> str:
        """The title as :class:`Draft` resolves it (the same rule, so list and load agree)."""
        return resolve_title(self.title, self.title_set, self.text, self.parts.hook if self.parts else "",
                             self.source)[0]  # fmt: skip

    @property
    def source_label(self) -> str:
        """The source's title, topic and location on one line (what the library searches and
        ``drafts list`` shows), every URL in it without user info or query."""
        src = self.source
        seen: list[str] = []
        for item in (src.title, src.topic, src.location):
            shown = redact_urls(one_line(item)) if item else ""
            if shown and shown not in seen:
                seen.append(shown)
        return " · ".join(seen)


_M = TypeVar("_M", Draft, DraftHeader)


def read_draft(path: Path, raw: bytes, model: type[_M] = Draft) -> _M | str:  # type: ignore[assignment]
    """The draft in a file's bytes, or why it is not one we can read (a few words). Never raises."""
    try:
        try:
            draft = model.model_validate_json(raw)
        except ValidationError as exc:
            return _problem(raw, exc)
    except (RecursionError, MemoryError, ValueError, TypeError) as exc:  # whatever bytes a file holds
        return f"corrupt: cannot be read as a draft ({type(exc).__name__})"
    if draft.id != path.stem:
        return f"holds id {draft.id!r}, not {path.stem!r}; rename the file or fix the id"
    return draft


def parse_draft(path: Path, raw: bytes) -> Draft:
    """Validate a draft file's bytes; StoreError names the file and says what is wrong."""
    result = read_draft(path, raw)
    if isinstance(result, str):
        raise StoreError(f"{path}: {result}")
    return result


def export_text(draft: Draft, fmt: Literal["txt", "md", "json"]) -> str:
    """The draft as plain text, Markdown with a small front matter, or the full JSON."""
    if fmt == "txt":
        return draft.text
    if fmt == "json":
        return draft.to_json()
    if fmt == "md":
        src = draft.source
        location = display_url(src.location) if src.location and src.kind == "url" else src.location
        where = location or src.topic or src.title or ""
        lines = [
            "---",
            f"title: {json.dumps(draft.title, ensure_ascii=False)}",
            f"template: {json.dumps(draft.template, ensure_ascii=False)}",
            f"created: {draft.created.isoformat(timespec='seconds')}",
            f"updated: {draft.updated.isoformat(timespec='seconds')}",
            f"source: {json.dumps(f'{src.kind}: {where}'.strip(), ensure_ascii=False)}",
            "---",
        ]
        return "\n".join(lines) + "\n\n" + draft.text.rstrip("\n") + "\n"
    raise InputError(f"unknown export format {fmt!r}: use txt, md or json")


def header_line(platform: Platform, posts: int) -> str:
    """The line drafter prints above a platform's posts: label, how many posts, how it counts, the limit."""
    how_many = "1 post" if posts == 1 else f"a thread of {posts} posts"
    return f"=== {platform.label} · {how_many} · {platform.counts}, limit {platform.limit:,} ==="


def post_line(platform: Platform, index: int, total: int, post: str) -> str:
    """The line above one post: which post of how many, and its count against the limit."""
    count, extra = platform.count(post), platform.over_bytes(post)
    over = f" (over by {count - platform.limit:,})" if count > platform.limit else ""
    if extra:
        over += f" ({extra:,} bytes over {platform.label}'s {platform.byte_limit:,})"
    return f"--- post {index}/{total} · {count:,}/{platform.limit:,}{over} ---"


def posts_text(platform: Platform, posts: list[str]) -> str:
    """The posts, each under its :func:`post_line`, a blank line between them: every line drafter
    adds is a line of its own, so a post is exactly what lies between its line and the blank line
    before the next."""
    return "\n\n".join(f"{post_line(platform, i, len(posts), p)}\n{p}" for i, p in enumerate(posts, 1))


def version_posts(draft: Draft, platform: Platform) -> list[str]:
    """What is copied to ``platform``: LinkedIn's is the post itself, another's its version's posts
    (InputError when the draft has none)."""
    if platform.name == "linkedin":
        return [draft.text]
    version = draft.versions.get(platform.name)
    if version is None:
        raise InputError(f"draft {draft.id!r} has no {platform.label} version")
    return list(version.posts)


def export_version(draft: Draft, platform: Platform, fmt: Literal["txt", "md", "json"]) -> str:
    """``platform``'s version of the draft (``platform`` carries the limit in use: Mastodon's is a setting).

    txt: one post as it is; a thread's posts each under a :func:`post_line`, a blank line between.
    md: a front matter (title, platform, posts, counts, limit, ...), then the posts with a ``---``
    line (a thematic break) between them. json: the version with each post's count and the limit.
    """
    posts = version_posts(draft, platform)
    version = draft.versions.get(platform.name) if platform.name != "linkedin" else None
    counts = [platform.count(p) for p in posts]
    edited = version.edited if version else False
    stale = version.stale(draft.text) if version else False
    updated = version.updated if version else draft.updated
    if fmt == "txt":
        return posts[0] if len(posts) == 1 else posts_text(platform, posts)
    if fmt == "json":
        data = {
            "draft_id": draft.id, "title": draft.title, "platform": platform.name, "label": platform.label,
            "posts": posts, "counts": counts, "limit": platform.limit, "counted": platform.counts,
            "fits": all(platform.fits(p) for p in posts),
            "engine": version.engine if version else draft.engine, "model": version.model if version else draft.model,
            "edited": edited, "stale": stale, "updated": updated.isoformat(timespec="seconds"),
        }  # fmt: skip
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        lines = [
            "---",
            f"title: {json.dumps(draft.title, ensure_ascii=False)}",
            f"platform: {platform.name}",
            f"posts: {len(posts)}",
            f"counts: {json.dumps(counts)}",
            f"limit: {platform.limit}",
            f"counted: {json.dumps(platform.counts, ensure_ascii=False)}",
            f"edited: {json.dumps(edited)}",
            f"stale: {json.dumps(stale)}",
            f"updated: {updated.isoformat(timespec='seconds')}",
            "---",
        ]
        return "\n".join(lines) + "\n\n" + "\n\n---\n\n".join(p.rstrip("\n") for p in posts) + "\n"
    raise InputError(f"unknown export format {fmt!r}: use txt, md or json")

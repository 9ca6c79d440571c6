"""The creator's voice: the posts they published, the profile computed from them, and what one
draft uses of it.

A :class:`Voice` is stored in the workspace (``<workspace>/voice.json``, see
:mod:`drafter.storage.voice`); its :class:`Profile` is rebuilt from the posts on every import
(:func:`drafter.models.voice_profile.build_profile`). A job that drafts with the voice carries a
:class:`VoiceUse`: the profile, and the past posts chosen as examples for this article.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

VOICE_SCHEMA = 1
"""The voice file's schema version."""

PostOrigin = Literal["linkedin", "folder", "published"]
"""Where an imported post came from: LinkedIn's data export (Shares.csv), a folder of text files,
or a draft the user marked as published."""

HashtagCase = Literal["camel", "lower", "upper", "mixed"]
"""How the author writes hashtags: ``#DataScience``, ``#datascience``, ``#AI``, or no one way."""
HashtagPlace = Literal["end", "inline", "none"]
"""Where the author's hashtags stand: a last block of tags, inside sentences, or none at all."""


def post_hash(text: str) -> str:
    """The identity of a post for merging imports: sha256 of its text with line endings,
    Unicode form and surrounding white space normalised (12 hex digits)."""
    norm = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:12]


class VoicePost(BaseModel):
    """One post the author published, as imported."""

    model_config = ConfigDict(extra="forbid")

    id: str
    """:func:`post_hash` of the text: repeated imports merge on it."""
    text: str
    date: datetime | None = None
    """When it was published (UTC), if the source says."""
    origin: PostOrigin
    location: str = ""
    """Where it was read: the export's file, the post's file, or the draft's id."""
    link: str = ""
    """The post's address on the platform (the export's ShareLink), if known."""

    @field_validator("date")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        """A date without a zone is UTC (LinkedIn's export writes them so)."""
        return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


class Spread(BaseModel):
    """A measure over the author's posts: the usual range (10th to 90th percentile) and the median."""

    model_config = ConfigDict(extra="forbid")

    low: float
    median: float
    high: float


class Profile(BaseModel):
    """What the author's posts have in common, computed from them (never edited by hand).

    Every field is a plain measure so that the LLM instructions, the offline engine and the
    linter read the same numbers.
    """

    model_config = ConfigDict(extra="forbid")

    posts: int
    first_date: datetime | None = None
    last_date: datetime | None = None
    chars: Spread
    """Characters a post."""
    lines: Spread
    """Non-empty lines a post."""
    paragraphs: Spread
    """Blocks separated by blank lines, a post."""
    hook_chars: Spread
    """Characters of the first line."""
    sentence_words: Spread
    """Words a sentence."""
    bullets: float = Field(ge=0, le=1)
    """Share of posts with a list (two or more lines starting with a marker)."""
    bullet_marker: str | None = None
    """The marker they use most ("→", "-", "•", "1."), None when they do not write lists."""
    takeaways: int | None = None
    """The usual number of list items in a post with a list."""
    emoji: Spread
    """Emoji a post."""
    hashtags: Spread
    """Hashtags a post."""
    hashtag_case: HashtagCase | None = None
    hashtag_place: HashtagPlace = "none"
    tags: list[str] = Field(default_factory=list)
    """The hashtags the author comes back to (in at least two posts and one in ten), as they
    write them most often, most used first: the offline engine uses those the article is about."""
    question_close: float = Field(ge=0, le=1)
    """Share of posts whose last sentence (hashtags aside) is a question."""
    closing: str = ""
    """The usual opening words of that closing question ("Curious:", "What do you think"), empty if none recurs."""
    openers: list[str] = Field(default_factory=list)
    """First words the author favours for a post, most used first."""
    phrases: list[str] = Field(default_factory=list)
    """Phrases that are the author's style, not their subjects: common words they use in a quarter of
    their posts whatever the subject (:func:`drafter.models.voice_profile.distinctive`), most used first."""


class Voice(BaseModel):
    """The stored voice: schema, the imported posts (newest first), and their profile."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = VOICE_SCHEMA
    updated: datetime
    posts: list[VoicePost]
    profile: Profile
    posts_digest: str = ""
    """:func:`posts_digest` of the posts when the file was written: a file whose posts no longer
    match it was edited by hand, and its profile is rebuilt when read. Empty before it is written."""


def posts_digest(posts: list[VoicePost]) -> str:
    """What the profile is built from (each post's text and date), hashed: sha256, 16 hex digits."""
    digest = hashlib.sha256()
    for post in posts:
        digest.update(post.text.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00" + (post.date.isoformat() if post.date else "").encode() + b"\x00")
    return digest.hexdigest()[:16]


class Example(BaseModel):
    """A past post chosen as an example for one draft (sent to the LLM, fenced as data)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    text: str
    """As sent (trimmed to the token budget when the post was longer)."""
    date: datetime | None = None
    score: float = 0.0
    """How similar to the article or topic (BM25); 0 for a post added to reach the minimum."""


class VoiceUse(BaseModel):
    """What one job uses of the voice: the profile, and the examples chosen for its source
    (empty for the offline engine, which follows the profile only)."""

    model_config = ConfigDict(extra="forbid")

    profile: Profile
    examples: list[Example] = Field(default_factory=list)

    @property
    def label(self) -> str:
        """For a header or a line: "voice: 48 posts"."""
        n = self.profile.posts
        return f"voice: {n} post{'s' if n != 1 else ''}"

"""The source of a post: a topic, or an article with where it came from."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..common.safe_text import unicode_name


class Source(BaseModel):
    """What a post is drafted from."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["topic", "text", "file", "url"]
    """Where it came from."""
    topic: str = ""
    """The topic the user typed, or the article's title when there is one."""
    text: str = ""
    """The article's main text; empty for a bare topic."""
    location: str | None = None
    """File name or URL, for the record."""
    title: str | None = None
    """Title found in the page or file, if any."""
    notes: list[str] = Field(default_factory=list)
    """Things the loader did that the user should know (e.g. trimmed, extracted)."""

    @field_validator("topic", "location", "title")
    @classmethod
    def _unicode(cls, value: str | None) -> str | None:
        """A file name that is not UTF-8 is recorded (and shown, saved) with U+FFFD for its bad bytes."""
        return unicode_name(value) if value is not None else None

    @property
    def has_article(self) -> bool:
        return bool(self.text.strip())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

"""The record of a batch sent to the OpenAI Batch API (``drafter batch --batch-api``), kept in
``<workspace>/batches/<id>.json`` (:class:`RemoteBatch`), and its platform versions.

When a batch that asks for platforms is collected, its drafts are saved and one adapt request per
draft and platform goes to the server as a second batch (:class:`VersionBatch`, recorded in the
same record); a later collect saves each answer into its draft (:class:`VersionOutcome`).
Only the Batch API commands import this (never ``drafter draft``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .platforms import PlatformName

REMOTE_SCHEMA = 2
"""The schema version of a Batch API record. 2: ``versions`` (a version 1 record reads as having none)."""

VersionStatus = Literal["saved", "skipped", "failed"]


class RemoteVersion(BaseModel):
    """One adapt request of a versions batch: which draft, which platform."""

    model_config = ConfigDict(extra="forbid")

    custom_id: str
    item: str
    """The ``custom_id`` of the source whose draft it adapts (in the drafts batch)."""
    label: str
    """The source's label, as the outcomes name it."""
    draft: str
    """The id of the draft it adapts, and saves into."""
    platform: PlatformName
    adapted_from: str
    """SHA-256 of the LinkedIn text sent: a draft edited since shows the version as stale."""


class VersionBatch(BaseModel):
    """The second batch of a recorded batch: the platform versions of its drafts."""

    model_config = ConfigDict(extra="forbid")

    id: str
    """The server's batch id."""
    input_file_id: str
    created: datetime
    status: str = "validating"
    """The server's last known status (as :attr:`RemoteBatch.status`)."""
    items: list[RemoteVersion] = Field(default_factory=list)
    saved: dict[str, str] = Field(default_factory=dict)
    """custom_id -> the draft its version was saved into, or set aside for (the draft had one made
    since; the answer kept in ``drafts/.unsaved``): written as each is saved, so never twice. A
    failed one is not here: the next collect lists it again."""
    collected: datetime | None = None
    """When a collect first saved its versions."""

    @property
    def drafts(self) -> int:
        return len({v.draft for v in self.items})

    def as_json(self, counts: dict[str, int] | None = None) -> dict[str, Any]:
        """This phase in ``drafter batch status --json``."""
        return {"id": self.id, "status": self.status, "requests": len(self.items), "drafts": self.drafts,
                "saved": len(self.saved), "counts": counts,
                "collected": self.collected.isoformat() if self.collected else None}


class VersionOutcome(BaseModel):
    """What became of one platform version: saved into its draft, skipped (saved before, or the
    draft has a version made since), or failed (one line why, its answer kept)."""

    model_config = ConfigDict(extra="forbid")

    source: str
    platform: PlatformName
    draft_id: str
    status: VersionStatus
    error: str | None = None
    kind: str | None = None
    tokens: int = 0
    posts: int = 0

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class RemoteItem(BaseModel):
    """One request of a Batch API batch: its ``custom_id`` and what is needed to rebuild the job
    when the results are collected (possibly by another process, days later)."""

    model_config = ConfigDict(extra="forbid")

    custom_id: str
    label: str
    key: str
    place: str = ""
    """The :func:`~drafter.models.batch.place_key` of the source ("" in records from before it existed)."""
    replaces: str | None = None
    """Sent with ``--force``: the id of the earlier draft of this source, drafted again in place when collected."""
    source: dict[str, Any]
    """The read source (``Source.model_dump()``: kind, topic, text, location, title)."""


class RemoteBatch(BaseModel):
    """A batch sent to the OpenAI Batch API, recorded in ``<workspace>/batches/<id>.json``."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = REMOTE_SCHEMA
    id: str
    """The server's batch id."""
    batch: str
    """drafter's batch id (:func:`drafter.models.batch.new_batch_id`), the tag of the drafts it makes."""
    created: datetime
    server: str
    """The base URL as shown (no user info, no query), or "api.openai.com"."""
    model: str
    template: str
    variables: dict[str, Any] = Field(default_factory=dict)
    platforms: list[str] = Field(default_factory=list)
    input_file_id: str
    status: str = "validating"
    """The server's last known status: validating, in_progress, finalizing, completed, failed,
    expired, cancelling, cancelled."""
    items: list[RemoteItem] = Field(default_factory=list)
    drafts: dict[str, str] = Field(default_factory=dict)
    """custom_id -> the id of the draft saved from its answer (written as each is saved, so a
    collect that was cut short, or run twice, never saves one twice)."""
    collected: datetime | None = None
    """When ``drafter batch collect`` saved its drafts."""
    versions: list[VersionBatch] = Field(default_factory=list)
    """The batches that make the drafts' platform versions (sent by collect), oldest first."""

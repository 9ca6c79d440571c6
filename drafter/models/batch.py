"""Batch drafting: the items of a batch, the key that makes a batch resumable, what became of
each item. (The record of a batch sent to the OpenAI Batch API: :mod:`drafter.models.remote_batch`.)

A batch drafts many sources with one template and one set of variables; every draft is saved in
the workspace, tagged with the batch (:class:`BatchTag`). A source already drafted with the same
template and variables (the same :func:`batch_key`) is skipped on the next run unless forced.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import datetime, timezone
from typing import Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..common.safe_text import unicode_name

ItemKind = Literal["file", "url", "feed"]
"""A file (given, or found in a folder), a URL (given, or in a ``--list`` file), or a feed's entry."""

ItemStatus = Literal["drafted", "skipped", "failed", "left"]
""""left": not drafted in this run (interrupted, or the batch stopped): the next run drafts it."""

DEFAULT_CONCURRENCY = 4
"""Generations in flight at once with an LLM engine (``drafter batch --concurrency``)."""

_WORD = re.compile(r"\w+")


def new_batch_id(now: datetime | None = None) -> str:
    """A batch run's id: ``b-YYYYMMDD-HHMMSS-xxxx`` (UTC, then 4 random hex digits)."""
    now = now or datetime.now(timezone.utc)
    return f"b-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def batch_key(source: str, template: str, variables: Mapping[str, Any]) -> str:
    """What makes two batch drafts the same: the source (the article's sha256, or the topic),
    the template's name and the variables given (16 hex digits)."""
    canonical = json.dumps({"source": source, "template": template, "variables": dict(sorted(variables.items()))},
                           sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]  # a file name need not be UTF-8


class BatchItem(BaseModel):
    """One source of a batch, before it is read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ItemKind
    location: str
    """The file's path or the URL (for a feed entry: the entry's link, or ``feed:<the feed>#<the entry's id>`` for one without a link: never a URL to fetch)."""
    label: str
    """How progress lines and the summary name it (a URL as ``display_url`` shows it)."""
    title: str | None = None
    """The feed entry's title, if any."""
    content: str | None = None
    """The feed entry's own content (HTML), whatever its length (its summary when it has no link and no content)."""
    feed: str | None = None
    """The feed it came from (as shown), for a feed entry."""

    @field_validator("label", "title", "feed")
    @classmethod
    def _unicode(cls, value: str | None) -> str | None:
        """What is shown has no lone surrogates (a file name that is not UTF-8); ``location``
        keeps the name as the system gave it, to open the file."""
        return unicode_name(value) if value is not None else None


SAME_TEXT = 0.9
"""How much of its wording (:func:`text_overlap`) a source must share with the one a saved draft
was made from, at the same place, to count as the same article: a page that gained a comment
count or a fixed typo is not drafted again; a rewritten one is."""


def place_key(identity: str, template: str, variables: Mapping[str, Any]) -> str:
    """The :func:`batch_key` of where a source lives (its file's real path, its URL) rather than
    of its text: how a later run finds the draft of a page whose text has changed since."""
    return batch_key(f"place:{identity}", template, variables)


def text_overlap(a: str, b: str) -> float:
    """How alike two texts are, 0 to 1: the share of three-word runs (lowercased) they have in
    common (Jaccard), 1.0 for two texts with the same words."""
    def runs(text: str) -> set[tuple[str, ...]]:
        words = _WORD.findall(text.lower())
        return {tuple(words[i:i + 3]) for i in range(max(1, len(words) - 2))} if words else set()

    left, right = runs(a), runs(b)
    if not left and not right:
        return 1.0
    return len(left & right) / len(left | right)


class BatchTag(BaseModel):
    """Stored in a draft made by a batch: which batch, its :func:`batch_key` (the source's text),
    and its :func:`place_key` (where the source lives; "" in drafts from before it existed)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    key: str
    place: str = ""


class ItemOutcome(BaseModel):
    """What became of one item: drafted (the draft's id and score), skipped (already drafted:
    the draft's id), or failed (one line why)."""

    model_config = ConfigDict(extra="forbid")

    source: str
    """The item's label."""
    status: ItemStatus
    draft_id: str | None = None
    score: int | None = None
    error: str | None = None
    kind: str | None = None
    """The failure's kind ("fetch", "rate_limited", "parse" …), or None."""
    tokens: int = 0
    """Prompt and completion tokens this item used."""
    note: str | None = None
    """What else the user should know of it: why a source was skipped though its text changed,
    that a draft was drafted again in place of an earlier one (``--force``)."""

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` line for this item."""
        return self.model_dump(mode="json")


class BatchSummary(BaseModel):
    """The end of a batch run: every item's outcome, in the order of the items."""

    model_config = ConfigDict(extra="forbid")

    id: str
    outcomes: list[ItemOutcome] = Field(default_factory=list)
    interrupted: bool = False

    def of(self, status: ItemStatus) -> list[ItemOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def mean_score(self) -> float | None:
        scores = [o.score for o in self.outcomes if o.status == "drafted" and o.score is not None]
        return sum(scores) / len(scores) if scores else None

    @property
    def tokens(self) -> int:
        return sum(o.tokens for o in self.outcomes)

"""Batch drafting on the drafting service: many sources, one template and one set of variables,
each draft saved in the workspace and tagged with the batch.

The pieces every way of running a batch shares (the concurrent runner here, and the OpenAI Batch
API in :mod:`drafter.service.batch_api`): the key a source is skipped by, and the draft record a
finished generation becomes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from ..models.batch import BatchTag, batch_key

if TYPE_CHECKING:
    from ..engines.base import DraftResult
    from ..models.draft import Draft
    from ..models.source import Source
    from .drafting import Drafter, Job


def source_key(source: "Source", template: str, overrides: Mapping[str, str]) -> str:
    """The :func:`~drafter.models.batch.batch_key` of ``source`` drafted with ``template`` and
    the variables the user gave (``--var``): the article's sha256, or the topic for a bare topic."""
    return batch_key(source.sha256 if source.has_article else source.topic, template, overrides)


def batch_draft(drafter: "Drafter", job: "Job", result: "DraftResult", tag: BatchTag) -> "Draft":
    """The draft record (not yet saved) of a batch item's finished generation, tagged with the batch."""
    return drafter.new_draft(job, result).model_copy(update={"batch": tag})

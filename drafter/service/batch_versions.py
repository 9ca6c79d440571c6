"""The platform versions of a Batch API batch (``drafter batch --batch-api --platform …``), made
through the Batch API too: at half the price, not one interactive request per draft and platform.

Once :func:`drafter.service.batch_api.collect` has saved a batch's drafts, :func:`send` builds
one adapt request per draft and platform, the body an interactive ``drafter adapt`` sends for
that draft (:meth:`Drafter.adapt_request` read by the engine's :meth:`batch_body`), and sends
them as a second batch, recorded in the same record (:class:`VersionBatch`). :func:`collect`
saves each answer of a finished versions batch into its draft: read as a streamed answer is,
counted and fitted (:func:`drafter.service.adapting.version_of`), and added to the draft as it
is on disk then, so an edit made meanwhile stays (the version is marked as adapted from the text
sent). Each saved version is written into the record at once: never saved twice.
:func:`adapt_now` is the escape hatch: the versions still missing, adapted interactively (full
price) as ``drafter adapt`` does.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterator

from pydantic import Field

from ..common.errors import DrafterError, StoreError
from ..models.batch import BatchSummary
from ..models.remote_batch import RemoteBatch, RemoteItem, RemoteVersion, VersionBatch, VersionOutcome, VersionStatus

if TYPE_CHECKING:
    from ..engines.openai.engine import OpenAIEngine
    from ..models.draft import Draft
    from ..models.platforms import Platform
    from .adapting import Version
    from .drafting import Drafter

OnVersion = Callable[[VersionOutcome], None]


class Collected(BatchSummary):
    """A collect: the drafts' outcomes (:class:`BatchSummary`), then the platform versions'."""

    versions: list[VersionOutcome] = Field(default_factory=list)
    sent: VersionBatch | None = None
    """The versions batch this collect sent, for the drafts that need their versions."""
    running: list[VersionBatch] = Field(default_factory=list)
    """Versions batches sent before and not done yet: nothing of theirs to save now."""
    problem: str | None = None
    """Why the versions could not be sent (one line), if so: the drafts are saved all the same."""

    def versions_of(self, status: VersionStatus) -> list[VersionOutcome]:
        return [v for v in self.versions if v.status == status]


def _needed(drafter: "Drafter", record: RemoteBatch, *, unasked: bool) -> Iterator[
        tuple[RemoteItem, "Draft", list["Platform"]]]:
    """Each saved draft of ``record`` with the platforms it still has no version for (``unasked``:
    nor a request in a versions batch). A draft that cannot be read (deleted since) is left out."""
    asked = {(v.draft, v.platform) for phase in record.versions for v in phase.items} if unasked else set()
    platforms = [p for p in drafter.platforms(record.platforms) if p.name != "linkedin"]
    for item in record.items:
        draft_id = record.drafts.get(item.custom_id)
        if draft_id is None or not platforms:
            continue
        try:
            draft = drafter.store.load(draft_id)
        except DrafterError:
            continue
        missing = [p for p in platforms if p.name not in draft.versions and (draft.id, p.name) not in asked]
        if missing and draft.text.strip():
            yield item, draft, missing


async def send(drafter: "Drafter", engine: "OpenAIEngine", record: RemoteBatch,
               save: Callable[[], None]) -> VersionBatch | None:
    """Send the versions the record's drafts still need as one batch and record it (None: none needed)."""
    from ..engines.openai.batches import request_line
    from ..models.draft import text_sha256

    lines: list[str] = []
    items: list[RemoteVersion] = []
    for item, draft, platforms in _needed(drafter, record, unasked=True):
        job = drafter.job_from_draft(draft)
        for platform in platforms:
            custom_id = f"{item.custom_id}-{platform.name}"
            lines.append(request_line(custom_id, engine.batch_body(drafter.adapt_request(job, draft.text, platform))))
            items.append(RemoteVersion(custom_id=custom_id, item=item.custom_id, label=item.label, draft=draft.id,
                                       platform=platform.name, adapted_from=text_sha256(draft.text)))
    if not items:
        return None
    file_id, state = await engine.batch_api().send(
        f"drafter-{record.batch}-versions-{len(record.versions) + 1}.jsonl", lines,
        {"drafter_batch": record.batch, "drafter_phase": "versions"})
    phase = VersionBatch(id=state.id, input_file_id=file_id, created=datetime.now(timezone.utc), status=state.status,
                         items=items)
    record.versions.append(phase)
    try:
        save()
    except StoreError as exc:
        raise StoreError(f"{exc}; the versions batch {state.id} was created at {drafter.server} all the same") from None
    return phase


async def collect(drafter: "Drafter", engine: "OpenAIEngine", record: RemoteBatch, out: Collected, *,
                  repair: bool, save: Callable[[], None], on_version: OnVersion | None = None) -> None:
    """Save the answers of every finished versions batch of ``record`` into their drafts (each
    outcome into ``out`` and to ``on_version``); one still running goes to ``out.running``."""
    from ..engines.openai.batches import by_custom_id

    api = engine.batch_api()
    for phase in record.versions:
        answers: dict[str, dict[str, Any]] = {}
        status = phase.status
        if any(v.custom_id not in phase.saved for v in phase.items):
            state = await api.retrieve(phase.id)
            if phase.status != state.status:
                phase.status = status = state.status
                save()
            if not state.done:
                out.running.append(phase)
                continue
            for file_id in (state.error_file_id, state.output_file_id):  # an answer wins over an error entry
                answers.update(by_custom_id(await api.content(file_id)) if file_id else {})
            if status == "failed":
                answers = {v.custom_id: {"error": {"code": "batch_failed", "message": state.errors or "no reason given"}}
                           for v in phase.items}
        for v in phase.items:
            if v.custom_id in phase.saved:
                outcome = VersionOutcome(source=v.label, platform=v.platform, draft_id=v.draft, status="skipped")
            else:
                outcome = await _save_one(drafter, engine, record, phase, v, answers.get(v.custom_id), status, repair)
                if outcome.status != "failed":
                    phase.saved[v.custom_id] = v.draft
                    save()
            out.versions.append(outcome)
            if on_version is not None:
                on_version(outcome)
        if phase.collected is None:
            phase.collected = datetime.now(timezone.utc)
            save()


def _adapt_now_hint(record: RemoteBatch, v: RemoteVersion) -> str:
    return (f"drafter batch collect {record.id} --adapt-now makes it interactively (full price), "
            f"or drafter adapt {v.draft} --platform {v.platform}")


async def _save_one(drafter: "Drafter", engine: "OpenAIEngine", record: RemoteBatch, phase: VersionBatch,
                    v: RemoteVersion, line: dict[str, Any] | None, status: str, repair: bool) -> VersionOutcome:
    from ..engines.openai.batches import line_failure
    from .adapting import version_of
    from .batch_api import unusable

    def failed(error: str, kind: str) -> VersionOutcome:
        return VersionOutcome(source=v.label, platform=v.platform, draft_id=v.draft, status="failed", error=error,
                              kind=kind)

    what = f"{v.platform} version"
    if line is None:
        if status in ("expired", "cancelled"):
            return failed(f"the versions batch {phase.id} {status} before this version was made: "
                          f"{_adapt_now_hint(record, v)}", status)
        return failed("the versions batch's output has no answer for it", "batch")
    problem = line_failure(line)
    if problem is not None:
        why, kind = problem
        return failed(f"{why}: {_adapt_now_hint(record, v)}", kind)
    body = line["response"]["body"]
    try:
        draft = drafter.store.load(v.draft)
        [platform] = drafter.platforms([v.platform])
        request = drafter.adapt_request(drafter.job_from_draft(draft), draft.text, platform)
        version = await version_of(drafter, request, engine.batch_posts(request, body), platform, repair=repair)
    except DrafterError as exc:
        return failed(*unusable(drafter, exc, body, what))
    return _into_draft(drafter, v, version, what)


def _into_draft(drafter: "Drafter", v: RemoteVersion, version: "Version", what: str) -> VersionOutcome:
    """``version`` added to its draft as the draft is on disk now (its edits kept)."""
    from ..models.draft import text_sha256

    tokens = version.usage.prompt_tokens + version.usage.completion_tokens
    done = VersionOutcome(source=v.label, platform=v.platform, draft_id=v.draft, status="saved", tokens=tokens,
                          posts=len(version.posts))
    posts = "\n\n".join(version.posts)
    try:
        draft = drafter.store.load(v.draft)
        there = draft.versions.get(v.platform)
        if there is not None and there.posts == version.posts:  # saved by a collect cut short before recording it
            return done.model_copy(update={"status": "skipped"})
        if there is not None:  # made since the request was sent (drafter adapt, the app): the newer one stays
            return done.model_copy(update={"status": "skipped", "error": (
                f"the draft has a {version.platform.label} version made since, left as it is; this batch's is "
                f"{drafter.keep_unsaved(posts, what).where()}")})
        drafter.store.save(version.into(draft, adapted_from=v.adapted_from))
    except DrafterError as exc:
        return done.model_copy(update={"status": "failed", "kind": "store", "error": (
            f"{exc}; the version is {drafter.keep_unsaved(posts, what).where()}")})
    if v.adapted_from != text_sha256(draft.text):
        return done.model_copy(update={"error": "the draft was edited since it was sent: the version is from the "
                                                "text before (drafter adapt makes it again from the text now)"})
    return done


async def adapt_now(drafter: "Drafter", record: RemoteBatch, out: Collected, *,
                    on_version: OnVersion | None = None) -> None:
    """Adapt interactively (full price) every version the record's drafts still have not,
    as ``drafter adapt`` does, and save each into its draft."""
    from ..models.draft import text_sha256
    from .adapting import not_adapted

    for item, draft, platforms in _needed(drafter, record, unasked=False):
        job = drafter.job_from_draft(draft)
        for platform in platforms:
            v = RemoteVersion(custom_id="", item=item.custom_id, label=item.label, draft=draft.id,
                              platform=platform.name, adapted_from=text_sha256(draft.text))
            try:
                version = await drafter.adapt(job, draft.text, platform)
            except DrafterError as exc:
                outcome = VersionOutcome(source=item.label, platform=platform.name, draft_id=draft.id,
                                         status="failed", error=not_adapted(drafter, platform, exc),
                                         kind=getattr(exc, "kind", None))
            else:
                outcome = _into_draft(drafter, v, version, f"{platform.name} version")
            out.versions.append(outcome)
            if on_version is not None:
                on_version(outcome)

"""Large batches through the OpenAI Batch API: half the price of interactive requests, answered
within 24 hours.

:func:`submit` reads every source, builds one request per source (the body an interactive draft
sends, from the OpenAI engine's own request building), uploads them as a JSONL file, creates the
batch and records it in ``<workspace>/batches/<id>.json`` (:class:`RemoteBatch`; never the key).
From then on any process can follow it: :func:`wait` polls until it ends, :func:`status` asks the
server about one or every recorded batch, and :func:`collect` downloads the answers, matches them
to their sources by ``custom_id``, reads each as a streamed answer is read, and saves the drafts
tagged with the batch. Each saved draft is written into the record at once, so collecting again
(or after an interrupt) never saves one twice. When the batch asks for platform versions,
:func:`collect` then sends them as a second batch and a later collect saves them
(:mod:`drafter.service.batch_versions`).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from ..common.errors import DrafterError, EngineError, InputError, StoreError
from ..models.batch import BatchItem, BatchTag, ItemOutcome, new_batch_id
from ..models.remote_batch import REMOTE_SCHEMA, RemoteBatch, RemoteItem, VersionOutcome
from ..models.source import Source
from .batch import batch_draft, batch_lock, batch_tag, earlier_draft, writable

if TYPE_CHECKING:
    from ..engines.openai.batches import RemoteState
    from ..engines.openai.engine import OpenAIEngine
    from ..models.remote_batch import VersionBatch
    from ..storage.store import BatchIndex
    from .batch_versions import Collected
    from .drafting import Drafter

POLL_FIRST = 5.0
"""Seconds before :func:`wait` asks the server again the first time; each wait is longer."""
POLL_GROWTH = 1.5
POLL_LONGEST = 120.0
"""The longest wait between two polls."""
WAIT_BOUND = 25 * 3600.0
"""The longest :func:`wait` waits: the 24 h completion window, and an hour for the server to finish."""
_RECORD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


class BatchNotDone(DrafterError):
    """The batch cannot be collected: still running at the server, or failed there (exit 1)."""


@dataclass(frozen=True)
class Followed:
    """A recorded batch and what the server said about it now (``problem``: why it could not say)."""

    record: RemoteBatch
    state: "RemoteState | None" = None
    problem: str = ""
    phases: "tuple[tuple[VersionBatch, RemoteState | None], ...]" = ()
    """Its versions batches, each with what the server said about it now (None: not asked)."""

    def as_json(self) -> dict[str, Any]:
        """The ``drafter batch status --json`` line."""
        return {
            "id": self.record.id, "batch": self.record.batch, "created": self.record.created.isoformat(),
            "server": self.record.server, "model": self.record.model, "template": self.record.template,
            "status": self.record.status, "items": len(self.record.items), "counts": _counts(self.state),
            "collected": self.record.collected.isoformat() if self.record.collected else None,
            "drafts": len(self.record.drafts), "platforms": list(self.record.platforms),
            "versions": [phase.as_json(_counts(state)) for phase, state in self.phases],
            "error": self.problem or None,
        }


def _counts(state: "RemoteState | None") -> dict[str, int] | None:
    return None if state is None else {"total": state.total, "completed": state.completed, "failed": state.failed}


# ---- the records in <workspace>/batches/ -----------------------------------------------------


def record_path(drafter: "Drafter", batch_id: str) -> Path:
    """Where batch ``batch_id`` is recorded. InputError for an id that is not one."""
    if not _RECORD_ID.fullmatch(batch_id):
        raise InputError(f"{batch_id!r} is not a batch id (see drafter batch status)")
    return drafter.workspace.batches_dir / f"{batch_id}.json"


def load_record(drafter: "Drafter", batch_id: str) -> RemoteBatch:
    """The record of batch ``batch_id``: InputError when there is none, StoreError when unreadable."""
    path = record_path(drafter, batch_id)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"no batch {batch_id} is recorded in {path.parent} (see drafter batch status)") from None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    from pydantic import ValidationError

    try:
        return RemoteBatch.model_validate_json(raw)
    except ValidationError as exc:
        from ..common.errors import first_error

        raise StoreError(f"{path} is not a batch record ({first_error(exc)}); it is left as it is") from None


def save_record(drafter: "Drafter", record: RemoteBatch) -> None:
    from ..common.atomic import write_or_raise

    record.schema_version = REMOTE_SCHEMA
    write_or_raise(record_path(drafter, record.id), record.model_dump_json(indent=2) + "\n", StoreError)


def records(drafter: "Drafter") -> tuple[list[RemoteBatch], list[str]]:
    """Every recorded batch (oldest first), and one line for each file that could not be read."""
    found, problems = [], []
    folder = drafter.workspace.batches_dir
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            found.append(load_record(drafter, path.stem))
        except DrafterError as exc:
            problems.append(str(exc))
    return sorted(found, key=lambda r: r.created), problems


# ---- sending -------------------------------------------------------------------------------------


def _engine(drafter: "Drafter") -> "OpenAIEngine":
    if drafter.engine_name != "openai":
        raise InputError("the Batch API needs the openai engine: set OPENAI_API_KEY (or --base-url), "
                         "or run drafter batch without --batch-api")
    return drafter.engine  # type: ignore[return-value]


def submit(drafter: "Drafter", items: Iterable[BatchItem], **options: Any) -> RemoteBatch | None:
    """:func:`send` holding the workspace's batch lock (:func:`~drafter.service.batch.batch_lock`):
    a concurrent run of the same sources is refused rather than paid for twice."""
    writable(drafter.store.folder)
    with batch_lock(drafter.store.folder, "a Batch API send"):
        return send(drafter, items, **options)


def send(drafter: "Drafter", items: Iterable[BatchItem], *, template: str | None = None,
         overrides: Mapping[str, str] | None = None, platforms: Sequence[str] = (), force: bool = False,
         on_outcome: Callable[[ItemOutcome], None] | None = None) -> RemoteBatch | None:
    """Send one request per source as a Batch API batch and record it (see the module docstring).

    A source already drafted by a batch (:func:`~drafter.service.batch.earlier_draft`) is a
    skipped :class:`ItemOutcome` and not sent, unless ``force``: then it is sent, and its answer
    drafted again in place of that draft when collected. An item that cannot be read or prepared
    is a failed outcome, not sent. None when every source was skipped; none sent otherwise is a
    DrafterError. A server without the Batch API is
    :class:`~drafter.engines.openai.batches.NoBatchAPI` (exit 2)."""
    from ..engines.openai.batches import request_line
    from ..sources.batch import load_item

    engine = _engine(drafter)
    overrides = dict(overrides or {})
    drafter.platforms(list(platforms))  # an unknown name is bad input before anything is sent
    name = drafter.template(template).name
    lines: list[str] = []
    sent: list[RemoteItem] = []
    known, pending, skipped = drafter.store.batch_index(), waiting(drafter), 0
    for item in items:
        try:
            source = load_item(item, fetch_timeout=drafter.settings.fetch_timeout)
            job = drafter.prepare(source, template, overrides)
        except DrafterError as exc:
            if on_outcome is not None:
                on_outcome(ItemOutcome(source=item.label, status="failed", error=str(exc), kind="source"))
            continue
        tag = batch_tag("", item, source, name, overrides)
        earlier, changed = earlier_draft(drafter, known, tag, source)
        sent_in = pending.get(tag.key) or pending.get(tag.place)
        if sent_in is not None and not force:
            skipped += 1
            if on_outcome is not None:
                on_outcome(ItemOutcome(source=item.label, status="skipped", note=f"waiting in Batch API batch "
                                       f"{sent_in}: drafter batch collect {sent_in} (--force sends it again)"))
            continue
        if earlier is not None and not force:
            skipped += 1
            if on_outcome is not None:
                on_outcome(ItemOutcome(source=item.label, status="skipped", draft_id=earlier,
                                       note="its text has changed a little since" if changed else None))
            continue
        key = tag.key
        custom_id = f"{len(sent) + 1}-{key}"
        lines.append(request_line(custom_id, engine.batch_body(job.request(drafter.settings))))
        sent.append(RemoteItem(custom_id=custom_id, label=item.label, key=key, place=tag.place, replaces=earlier,
                               source=source.model_dump(mode="json")))
    if not sent and skipped:
        return None
    if not sent:
        raise DrafterError("nothing to send to the Batch API: no source could be read")
    batch = new_batch_id()
    file_id, state = drafter.run(lambda: engine.batch_api().send(f"drafter-{batch}.jsonl", lines,
                                                                 {"drafter_batch": batch}))
    record = RemoteBatch(id=state.id, batch=batch, created=datetime.now(timezone.utc), server=drafter.server,
                         model=engine.model, template=name, variables=overrides, platforms=list(platforms),
                         input_file_id=file_id, status=state.status, items=sent)
    try:
        save_record(drafter, record)
    except StoreError as exc:
        raise StoreError(f"{exc}; the batch {state.id} was created at {drafter.server} all the same") from None
    return record


# ---- following -------------------------------------------------------------------------------


def _following(drafter: "Drafter", record: RemoteBatch) -> "Drafter":
    """The drafter to follow ``record`` with: the server it was sent to, the model it asked for."""
    if record.server != drafter.server:
        raise InputError(f"batch {record.id} was sent to {record.server}, not {drafter.server}: "
                         "follow it with that --base-url (or OPENAI_BASE_URL)")
    return drafter if record.model == drafter.settings.model else drafter.with_model(record.model)


def _refreshed(drafter: "Drafter", record: RemoteBatch, state: "RemoteState") -> RemoteBatch:
    """``record`` with the status the server gave now to its batch, or to one of its versions batches."""
    phase = next((p for p in record.versions if p.id == state.id), None) if state.id != record.id else None
    seen = record if phase is None else phase
    if seen.status != state.status:
        seen.status = state.status
        save_record(drafter, record)
    return record


def status(drafter: "Drafter", batch_id: str | None = None) -> tuple[list[Followed], list[str]]:
    """Batch ``batch_id`` (None: every recorded one), each asked about at the server now (the
    record keeps the status); a batch the server cannot be asked about carries the one line why.
    Second: a line for each record file that could not be read."""
    found, problems = ([load_record(drafter, batch_id)], []) if batch_id else records(drafter)

    async def ask() -> list[Followed]:
        out = []
        for record in found:
            follower = drafter
            try:
                follower = _following(drafter, record)
                api = _engine(follower).batch_api()
                state = await api.retrieve(record.id)
                phases = [(phase, await api.retrieve(phase.id)) for phase in record.versions]
                for _, seen in phases:
                    _refreshed(drafter, record, seen)
                out.append(Followed(_refreshed(drafter, record, state), state, phases=tuple(phases)))
            except DrafterError as exc:
                if batch_id:
                    raise
                out.append(Followed(record, None, str(exc), phases=tuple((p, None) for p in record.versions)))
            finally:
                if follower is not drafter:  # another model's engine: its connections close here
                    await follower.aclose()
        return out

    return (drafter.run(ask) if found else []), problems


def wait(drafter: "Drafter", batch_id: str, on_progress: Callable[["RemoteState"], None] | None = None, *,
         versions: bool = False, first: float = POLL_FIRST, longest: float = POLL_LONGEST,
         bound: float = WAIT_BOUND) -> RemoteBatch:
    """Poll batch ``batch_id`` (``versions``: its versions batches not known to be over) until it
    ends (each answer to ``on_progress``): the waits between polls grow from ``first`` to
    ``longest``; after ``bound`` seconds it stops (DrafterError saying how to follow it). Ctrl+C
    raises KeyboardInterrupt; the batch goes on at the server."""
    import asyncio

    from ..engines.openai.batches import TERMINAL

    record = load_record(drafter, batch_id)
    follower = _following(drafter, record)
    ids = [p.id for p in record.versions if p.status not in TERMINAL] if versions else [batch_id]

    async def poll() -> RemoteBatch:
        api = _engine(follower).batch_api()
        started, interval = time.monotonic(), first
        while ids:
            state = await api.retrieve(ids[0])
            _refreshed(drafter, record, state)
            if on_progress is not None:
                on_progress(state)
            if state.done:
                ids.pop(0)
                continue
            if time.monotonic() - started + interval > bound:
                raise BatchNotDone(f"batch {state.id} is still {state.status} ({state.counts}) after "
                                   f"{bound / 3600:g} h of waiting: follow it with drafter batch status {batch_id}")
            await asyncio.sleep(interval)
            interval = min(interval * POLL_GROWTH, longest)
        return record

    return follower.run(poll)


# ---- collecting ------------------------------------------------------------------------------


def _again(status: str) -> str:
    return (f"the batch {status} before this source was answered: draft it again with drafter batch "
            "(the sources saved from it are skipped)")


def collect(drafter: "Drafter", batch_id: str, *, repair: bool = False, adapt_now: bool = False,
            on_outcome: Callable[[ItemOutcome], None] | None = None,
            on_version: Callable[[VersionOutcome], None] | None = None) -> "Collected":
    """Save the drafts of a finished batch (see the module docstring), each outcome given to
    ``on_outcome`` as it is known. An expired or cancelled batch gives what was answered, the rest
    are failures; one still running, or failed at the server, is :class:`BatchNotDone`. With
    ``repair`` a low-scoring answer gets the interactive repair round (and an over-limit version
    its own).

    Then the platform versions, when the batch asks for them (each to ``on_version``): those of
    finished versions batches are saved into their drafts; those the drafts still need are sent
    as a new versions batch (``sent``), or with ``adapt_now`` adapted interactively, at full price.
    A versions batch that could not be sent is ``problem``: the drafts are saved all the same."""
    from . import batch_versions

    record = load_record(drafter, batch_id)
    follower = _following(drafter, record)
    engine = _engine(follower)

    def save() -> None:
        save_record(drafter, record)

    async def run() -> "Collected":
        from ..engines.openai.batches import by_custom_id

        api = engine.batch_api()
        state = await api.retrieve(record.id)
        _refreshed(drafter, record, state)
        if state.status == "failed":
            raise BatchNotDone(f"batch {record.id} failed at the server ({state.errors or 'no reason given'}): "
                               "nothing to collect; draft its sources with drafter batch (without --batch-api)")
        if not state.done:
            raise BatchNotDone(f"batch {record.id} is {state.status} ({state.counts}): nothing to collect yet; "
                               f"follow it with drafter batch status {record.id}")
        answers = by_custom_id(await api.content(state.output_file_id)) if state.output_file_id else {}
        errors = by_custom_id(await api.content(state.error_file_id)) if state.error_file_id else {}
        summary = batch_versions.Collected(id=record.batch)
        known = drafter.store.batch_index()  # drafts made since it was sent, by another run, are not made twice
        for item in record.items:
            if item.custom_id in record.drafts:
                outcome = ItemOutcome(source=item.label, status="skipped", draft_id=record.drafts[item.custom_id])
            elif (since := _drafted_since(follower, known, record, item)) is not None:
                outcome = since
            else:
                line = answers.get(item.custom_id) or errors.get(item.custom_id)
                outcome = await _collect_one(follower, engine, record, item, line, state.status, repair)
                if outcome.draft_id is not None:
                    record.drafts[item.custom_id] = outcome.draft_id
                    save()
            summary.outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
        record.collected = record.collected or datetime.now(timezone.utc)
        save()
        await batch_versions.collect(follower, engine, record, summary, repair=repair, save=save,
                                     on_version=on_version)
        if adapt_now:
            await batch_versions.adapt_now(follower, record, summary, on_version=on_version)
            return summary
        try:
            summary.sent = await batch_versions.send(follower, engine, record, save)
        except DrafterError as exc:
            summary.problem = (f"the platform versions were not sent ({exc}): the drafts are saved; drafter batch "
                               f"collect {record.id} sends them again, or --adapt-now makes them interactively")
        return summary

    with batch_lock(drafter.store.folder, f"collecting {record.id}"):
        return follower.run(run)


def collect_versions(drafter: "Drafter", batch_id: str, *, repair: bool = False,
                     on_version: Callable[[VersionOutcome], None] | None = None) -> "Collected":
    """Only the platform versions of :func:`collect`: save those of every finished versions batch
    of ``batch_id`` into their drafts (after :func:`wait` with ``versions``)."""
    from . import batch_versions

    record = load_record(drafter, batch_id)
    follower = _following(drafter, record)

    async def run() -> "Collected":
        summary = batch_versions.Collected(id=record.batch)
        await batch_versions.collect(follower, _engine(follower), record, summary, repair=repair,
                                     save=lambda: save_record(drafter, record), on_version=on_version)
        return summary

    with batch_lock(drafter.store.folder, f"collecting {record.id}"):
        return follower.run(run)


def unusable(drafter: "Drafter", exc: DrafterError, body: dict[str, Any], what: str | None = None) -> tuple[str, str]:
    """(the line, the kind) of a Batch API answer that could not be used: the answer is kept
    whatever went wrong, the text read (or the whole body) under ``what`` (None: the kind), since
    it is the only copy here, and the line says where."""
    kind = exc.kind if isinstance(exc, EngineError) else "input"
    text = exc.partial if isinstance(exc, EngineError) else json.dumps(body, ensure_ascii=False, indent=2)
    if not text.strip():
        return str(exc), kind
    return f"{exc}; the answer is {drafter.keep_unsaved(text, what or kind).where()}", kind


def _drafted_since(drafter: "Drafter", known: "BatchIndex", record: RemoteBatch, item: RemoteItem) -> ItemOutcome | None:
    """A skipped outcome when another run drafted this source after the batch was sent (another
    batch, a concurrent run, another collect): its answer is not saved as a second draft. None
    for a source sent with ``--force`` (it replaces its draft) or not drafted since."""
    if item.replaces is not None:
        return None
    source = Source.model_validate(item.source)
    earlier, _ = earlier_draft(drafter, known, BatchTag(id=record.batch, key=item.key, place=item.place), source)
    if earlier is None:
        return None
    return ItemOutcome(source=item.label, status="skipped", draft_id=earlier,
                       note="drafted by another run since it was sent: its answer is not saved twice")


def waiting(drafter: "Drafter") -> dict[str, str]:
    """The batch and place keys of the sources in Batch API batches sent and not collected yet
    (nor ended at the server without answers) -> the server's batch id: a later run leaves them
    to ``drafter batch collect`` rather than pay for them twice."""
    found: dict[str, str] = {}
    for record in records(drafter)[0]:
        if record.collected is None and record.status not in ("failed", "cancelled", "expired"):
            for item in record.items:
                found.update({k: record.id for k in (item.key, item.place) if k})
    return found


async def _collect_one(drafter: "Drafter", engine: "OpenAIEngine", record: RemoteBatch, item: RemoteItem,
                       line: dict[str, Any] | None, status: str, repair: bool) -> ItemOutcome:
    from ..engines.openai.batches import line_failure

    def failed(error: str, kind: str) -> ItemOutcome:
        return ItemOutcome(source=item.label, status="failed", error=error, kind=kind)

    if line is None:
        if status in ("expired", "cancelled"):
            return failed(_again(status), status)
        return failed("the batch's output has no answer for it", "batch")
    problem = line_failure(line)
    if problem is not None:
        why, kind = problem
        return failed(f"{why}: draft it again with drafter batch (the sources saved from it are skipped)"
                      if kind == "expired" else why, kind)
    body = line["response"]["body"]
    try:
        job = drafter.prepare(Source.model_validate(item.source), record.template, record.variables)
        result = engine.batch_result(job.request(drafter.settings), body)
    except DrafterError as exc:
        return failed(*unusable(drafter, exc, body))
    if repair:
        result, _ = await drafter.repair(job, result, None)
    result = drafter.cased(job, result)
    draft = batch_draft(drafter, job, result, BatchTag(id=record.batch, key=item.key, place=item.place))
    note = None
    if item.replaces is not None:  # sent with --force: drafted again in place of the earlier draft
        try:
            draft = drafter.store.load(item.replaces).redrafted(draft, note=f"drafted again by batch {record.batch}")
            note = "drafted again in place of the earlier draft (its text is in the draft's history)"
        except DrafterError as exc:
            note = f"saved as a new draft: the earlier one, {item.replaces}, cannot be read ({exc})"
    try:
        saved = drafter.store.save(draft)
    except StoreError as exc:
        return failed(f"{exc}; the post is {drafter.keep_unsaved(draft.text, 'post').where()}", "store")
    return ItemOutcome(source=item.label, status="drafted", draft_id=saved.id, score=drafter.lint(job, result.parts).score,
                       tokens=result.usage.total, note=note)

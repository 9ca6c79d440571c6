"""Large batches through the OpenAI Batch API: half the price of interactive requests, answered
within 24 hours.

:func:`submit` reads every source, builds one request per source (the body an interactive draft
sends, from the OpenAI engine's own request building), uploads them as a JSONL file, creates the
batch and records it in ``<workspace>/batches/<id>.json`` (:class:`RemoteBatch`; never the key).
From then on any process can follow it: :func:`wait` polls until it ends, :func:`status` asks the
server about one or every recorded batch, and :func:`collect` downloads the answers, matches them
to their sources by ``custom_id``, reads each as a streamed answer is read, and saves the drafts
tagged with the batch. Each saved draft is written into the record at once, so collecting again
(or after an interrupt) never saves one twice.
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
from ..models.batch import BatchItem, BatchSummary, BatchTag, ItemOutcome, RemoteBatch, RemoteItem, new_batch_id
from ..models.source import Source
from .batch import batch_draft, batch_tag

if TYPE_CHECKING:
    from ..engines.openai.batches import RemoteState
    from ..engines.openai.engine import OpenAIEngine
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

    def as_json(self) -> dict[str, Any]:
        """The ``drafter batch status --json`` line."""
        state = self.state
        return {
            "id": self.record.id, "batch": self.record.batch, "created": self.record.created.isoformat(),
            "server": self.record.server, "model": self.record.model, "template": self.record.template,
            "status": self.record.status, "items": len(self.record.items),
            "counts": None if state is None else {"total": state.total, "completed": state.completed,
                                                  "failed": state.failed},
            "collected": self.record.collected.isoformat() if self.record.collected else None,
            "drafts": len(self.record.drafts), "error": self.problem or None,
        }


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


def submit(drafter: "Drafter", items: Iterable[BatchItem], *, template: str | None = None,
           overrides: Mapping[str, str] | None = None, platforms: Sequence[str] = (),
           on_outcome: Callable[[ItemOutcome], None] | None = None) -> RemoteBatch:
    """Send one request per source as a Batch API batch and record it (see the module docstring).

    An item that cannot be read or prepared is a failed :class:`ItemOutcome` given to
    ``on_outcome`` and not sent; none left is a DrafterError. A server without the Batch API is
    :class:`~drafter.engines.openai.batches.NoBatchAPI` (exit 2)."""
    from ..engines.openai.batches import ENDPOINT
    from ..sources.batch import load_item

    engine = _engine(drafter)
    overrides = dict(overrides or {})
    drafter.platforms(list(platforms))  # an unknown name is bad input before anything is sent
    name = drafter.template(template).name
    lines: list[str] = []
    sent: list[RemoteItem] = []
    for item in items:
        try:
            source = load_item(item, fetch_timeout=drafter.settings.fetch_timeout)
            job = drafter.prepare(source, template, overrides)
        except DrafterError as exc:
            if on_outcome is not None:
                on_outcome(ItemOutcome(source=item.label, status="failed", error=str(exc), kind="source"))
            continue
        tag = batch_tag("", item, source, name, overrides)
        key = tag.key
        custom_id = f"{len(sent) + 1}-{key}"
        body = engine.batch_body(job.request(drafter.settings))
        lines.append(json.dumps({"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body},
                                ensure_ascii=False))
        sent.append(RemoteItem(custom_id=custom_id, label=item.label, key=key, place=tag.place,
                               source=source.model_dump(mode="json")))
    if not sent:
        raise DrafterError("nothing to send to the Batch API: no source could be read")
    batch = new_batch_id()
    data = ("\n".join(lines) + "\n").encode("utf-8")

    async def send() -> tuple[str, "RemoteState"]:
        api = engine.batch_api()
        file_id = await api.upload(f"drafter-{batch}.jsonl", data)
        return file_id, await api.create(file_id, {"drafter_batch": batch})

    file_id, state = drafter.run(send)
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
    if record.status != state.status:
        record.status = state.status
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
                state = await _engine(follower).batch_api().retrieve(record.id)
                out.append(Followed(_refreshed(drafter, record, state), state))
            except DrafterError as exc:
                if batch_id:
                    raise
                out.append(Followed(record, None, str(exc)))
            finally:
                if follower is not drafter:  # another model's engine: its connections close here
                    await follower.aclose()
        return out

    return (drafter.run(ask) if found else []), problems


def wait(drafter: "Drafter", batch_id: str, on_progress: Callable[["RemoteState"], None] | None = None, *,
         first: float = POLL_FIRST, longest: float = POLL_LONGEST, bound: float = WAIT_BOUND) -> RemoteBatch:
    """Poll batch ``batch_id`` until it ends (each answer to ``on_progress``): the waits between
    polls grow from ``first`` to ``longest``; after ``bound`` seconds it stops (DrafterError
    saying how to follow it). Ctrl+C raises KeyboardInterrupt; the batch goes on at the server."""
    import asyncio

    record = load_record(drafter, batch_id)
    follower = _following(drafter, record)

    async def poll() -> RemoteBatch:
        api = _engine(follower).batch_api()
        started, interval = time.monotonic(), first
        while True:
            state = await api.retrieve(batch_id)
            _refreshed(drafter, record, state)
            if on_progress is not None:
                on_progress(state)
            if state.done:
                return record
            if time.monotonic() - started + interval > bound:
                raise BatchNotDone(f"batch {batch_id} is still {state.status} ({state.counts}) after "
                                   f"{bound / 3600:g} h of waiting: follow it with drafter batch status {batch_id}")
            await asyncio.sleep(interval)
            interval = min(interval * POLL_GROWTH, longest)

    return follower.run(poll)


# ---- collecting ------------------------------------------------------------------------------


def collect(drafter: "Drafter", batch_id: str, *, repair: bool = False,
            on_outcome: Callable[[ItemOutcome], None] | None = None) -> BatchSummary:
    """Save the drafts of a finished batch (see the module docstring), each outcome given to
    ``on_outcome`` as it is known. An expired or cancelled batch gives what was answered, the rest
    are failures; one still running, or failed at the server, is :class:`BatchNotDone`. With
    ``repair`` a low-scoring answer gets the interactive repair round."""
    record = load_record(drafter, batch_id)
    follower = _following(drafter, record)
    engine = _engine(follower)

    async def run() -> BatchSummary:
        api = engine.batch_api()
        state = await api.retrieve(record.id)
        _refreshed(drafter, record, state)
        if state.status == "failed":
            raise BatchNotDone(f"batch {record.id} failed at the server ({state.errors or 'no reason given'}): "
                               "nothing to collect; draft its sources with drafter batch (without --batch-api)")
        if not state.done:
            raise BatchNotDone(f"batch {record.id} is {state.status} ({state.counts}): nothing to collect yet; "
                               f"follow it with drafter batch status {record.id}")
        answers = _lines(await api.content(state.output_file_id)) if state.output_file_id else {}
        errors = _lines(await api.content(state.error_file_id)) if state.error_file_id else {}
        summary = BatchSummary(id=record.batch)
        for item in record.items:
            if item.custom_id in record.drafts:
                outcome = ItemOutcome(source=item.label, status="skipped", draft_id=record.drafts[item.custom_id])
            else:
                line = answers.get(item.custom_id) or errors.get(item.custom_id)
                outcome = await _collect_one(follower, engine, record, item, line, state.status, repair)
                if outcome.draft_id is not None:
                    record.drafts[item.custom_id] = outcome.draft_id
                    save_record(drafter, record)
            summary.outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
        record.collected = record.collected or datetime.now(timezone.utc)
        save_record(drafter, record)
        return summary

    return follower.run(run)


def _lines(text: str) -> dict[str, dict[str, Any]]:
    """An output or error file's lines by ``custom_id`` (lines that are not such an object are ignored)."""
    out: dict[str, dict[str, Any]] = {}
    for raw in text.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict) and isinstance(line.get("custom_id"), str):
            out[line["custom_id"]] = line
    return out


def _line_failure(line: dict[str, Any]) -> tuple[str, str] | None:
    """(why, kind) when a result line is not an answer: an error entry, or a status other than 200."""
    from ..common.safe_text import one_line

    error, response = line.get("error"), line.get("response")
    if isinstance(error, dict) and error:
        code = str(error.get("code") or "error")
        kind = "expired" if code == "batch_expired" else "batch"
        return f"the Batch API answered {code}: {one_line(str(error.get('message') or ''), 160)}", kind
    if not isinstance(response, dict) or not isinstance(response.get("body"), dict):
        return "the batch's result line holds no response", "batch"
    if response.get("status_code") != 200:
        body_error = response["body"].get("error")
        said = body_error.get("message") if isinstance(body_error, dict) else ""
        return f"the server answered {response.get('status_code')}: {one_line(str(said or ''), 160)}", "batch"
    return None


async def _collect_one(drafter: "Drafter", engine: "OpenAIEngine", record: RemoteBatch, item: RemoteItem,
                       line: dict[str, Any] | None, status: str, repair: bool) -> ItemOutcome:
    def failed(error: str, kind: str) -> ItemOutcome:
        return ItemOutcome(source=item.label, status="failed", error=error, kind=kind)

    if line is None:
        if status in ("expired", "cancelled"):
            return failed(f"the batch {status} before this source was answered: draft it again with drafter batch",
                          status)
        return failed("the batch's output has no answer for it", "batch")
    problem = _line_failure(line)
    if problem is not None:
        return failed(*problem)
    body = line["response"]["body"]
    try:
        job = drafter.prepare(Source.model_validate(item.source), record.template, record.variables)
        result = engine.batch_result(job.request(drafter.settings), body)
    except DrafterError as exc:  # the answer is kept whatever went wrong (it is the only copy here)
        kind = exc.kind if isinstance(exc, EngineError) else "input"
        text = exc.partial if isinstance(exc, EngineError) else json.dumps(body, ensure_ascii=False, indent=2)
        if not text.strip():
            return failed(str(exc), kind)
        return failed(f"{exc}; the answer is {drafter.keep_unsaved(text, kind).where()}", kind)
    if repair:
        result, _ = await drafter.repair(job, result, None)
    result = drafter.cased(job, result)
    draft = batch_draft(drafter, job, result, BatchTag(id=record.batch, key=item.key, place=item.place))
    tokens = result.usage.prompt_tokens + result.usage.completion_tokens
    problems = []
    for platform in drafter.platforms(record.platforms):  # the versions: interactive requests
        try:
            version = await drafter.adapt(job, draft.text, platform)
        except DrafterError as exc:
            partial = getattr(exc, "partial", "")
            kept = f"; the text received is {drafter.keep_unsaved(partial, platform.name).where()}" if partial.strip() else ""
            problems.append(f"not adapted for {platform.label}: {exc}{kept}")
            continue
        draft = version.into(draft)
        tokens += version.usage.prompt_tokens + version.usage.completion_tokens
    try:
        saved = drafter.store.save(draft)
    except StoreError as exc:
        return failed(f"{exc}; the post is {drafter.keep_unsaved(draft.text, 'post').where()}", "store")
    return ItemOutcome(source=item.label, status="drafted", draft_id=saved.id, score=drafter.lint(job, result.parts).score,
                       tokens=tokens, error="; ".join(problems) or None)

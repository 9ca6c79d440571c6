"""Batch drafting on the drafting service: many sources, one template and one set of variables,
each draft saved in the workspace and tagged with the batch.

The pieces every way of running a batch shares (the concurrent runner here, and the OpenAI Batch
API in :mod:`drafter.service.batch_api`): the key a source is skipped by, and the draft record a
finished generation becomes.

The runner (:class:`BatchRun`, :func:`run_batch`): each item is read (a thread: files, or a URL
fetched), skipped when a saved draft carries its key (unless ``force``), prepared, generated with
the repair pass, adapted for the platforms asked for, saved tagged ``BatchTag(id, key)`` and, with
``out_dir``, exported as text. An item's failure is its :class:`ItemOutcome` (one line; the text
that had arrived kept with :meth:`Drafter.keep_unsaved`), never the batch's. With an LLM at most
``concurrency`` items are in flight (the engine's shared limiter pauses them all after a 429); the
offline engine drafts in a pool of processes (:mod:`.batch_pool`), one per core.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, ContextManager, Mapping, Sequence

from ..common.errors import DrafterError, EngineError, InputError, StoreError
from ..common.safe_text import one_line
from ..models.batch import (DEFAULT_CONCURRENCY, SAME_TEXT, BatchItem, BatchSummary, BatchTag, ItemOutcome, batch_key,
                            new_batch_id, place_key, text_overlap)

if TYPE_CHECKING:
    from ..engines.base import DraftResult, Event
    from ..models.draft import Draft
    from ..models.platforms import Platform
    from ..models.source import Source
    from ..storage.store import BatchIndex
    from .adapting import Version
    from .drafting import Drafter, Job


def source_key(source: "Source", template: str, overrides: Mapping[str, str]) -> str:
    """The :func:`~drafter.models.batch.batch_key` of ``source`` drafted with ``template`` and
    the variables the user gave (``--var``): the article's sha256, or the topic for a bare topic."""
    return batch_key(source.sha256 if source.has_article else source.topic, template, overrides)


def batch_tag(batch_id: str, item: BatchItem, source: "Source", template: str, overrides: Mapping[str, str]) -> BatchTag:
    """The tag of the draft a batch makes of ``item`` (read into ``source``): the batch's id, the
    source's :func:`source_key` and the :func:`~drafter.models.batch.place_key` of where it lives."""
    from ..sources.batch import identity

    return BatchTag(id=batch_id, key=source_key(source, template, overrides),
                    place=place_key(identity(item), template, overrides))


def earlier_draft(drafter: "Drafter", known: "BatchIndex", tag: BatchTag, source: "Source") -> tuple[str | None, bool]:
    """The draft an earlier batch made of this source, if any, and whether the source's text has
    changed since: the same text (its batch key), or at the same place a text that shares
    :data:`~drafter.models.batch.SAME_TEXT` of its wording (a page that gained a comment count).
    A rewritten article at the same place is a new source: (None, False)."""
    if tag.key in known.keys:
        return known.keys[tag.key], False
    draft_id = known.places.get(tag.place)
    if draft_id is None or not source.text:
        return None, False
    try:
        before = drafter.store.load(draft_id).source.text or ""
    except DrafterError:  # unreadable now: draft it again rather than skip it
        return None, False
    return (draft_id, True) if text_overlap(before, source.text) >= SAME_TEXT else (None, False)


def batch_draft(drafter: "Drafter", job: "Job", result: "DraftResult", tag: BatchTag) -> "Draft":
    """The draft record (not yet saved) of a batch item's finished generation, tagged with the batch."""
    return drafter.new_draft(job, result).model_copy(update={"batch": tag})


def export_paths(out_dir: Path, record: "Draft", platforms: "Sequence[Platform]") -> dict[Path, str]:
    """What ``--out DIR`` writes for a saved draft: ``<id>.txt`` (the post, as ``drafts export``
    prints it) and ``<id>.<platform>.txt`` for each platform version it holds (as ``drafts export
    --platform``)."""
    from ..models.draft import export_text, export_version

    files = {out_dir / f"{record.id}.txt": export_text(record, "txt")}
    for platform in platforms:
        if platform.name != "linkedin" and platform.name in record.versions:
            files[out_dir / f"{record.id}.{platform.name}.txt"] = export_version(record, platform, "txt")
    return files


def export_draft(out_dir: Path, record: "Draft", platforms: "Sequence[Platform]") -> None:
    """Write :func:`export_paths` (each file ending in a newline); StoreError when one cannot be."""
    from ..common.atomic import write_or_raise

    for path, text in export_paths(out_dir, record, platforms).items():
        write_or_raise(path, text if text.endswith("\n") else text + "\n", StoreError)


@dataclass
class Drafted:
    """A batch item's finished work before it is saved: the record, its score and tokens, and
    why a platform version is missing (one line each)."""

    record: "Draft"
    score: int
    tokens: int
    problems: list[str] = field(default_factory=list)


SCAFFOLD_WORDS = 100
"""Below this many words, a post that came out a scaffold is put down to too little text."""

STOPPING = frozenset({"auth", "model"})
"""Failure kinds that every other source would meet too (the server refused the key, or has no
such model): the first one stops the batch, the sources not started are left for the next run."""

SERVER_DOWN = frozenset({"server", "connection", "timeout", "deadline", "rate_limit"})
"""Failure kinds of a server that is down, failing or out of quota rather than of one source."""
DOWN_STREAK = 3
"""Sources failing one after another with a :data:`SERVER_DOWN` kind (each after its retries)
that stop the batch: a dead server would otherwise be asked again for every source left."""

OnOutcome = Callable[[ItemOutcome], None]
OnProgress = Callable[[str, str], None]
"""(item label, message): a retry, a wait after a 429, a repair round."""


class BatchRun:
    """One batch run: its settings, and the outcomes as items finish (kept when it is cancelled,
    so an interrupted run can still report and :meth:`summary` lists what was done)."""

    def __init__(self, drafter: "Drafter", *, template: str | None = None, overrides: Mapping[str, str] | None = None,
                 platforms: "Sequence[Platform]" = (), concurrency: int | None = None, force: bool = False,
                 out_dir: Path | None = None, repair: bool | None = None, batch_id: str | None = None,
                 processes: int | None = None, on_outcome: OnOutcome | None = None,
                 on_progress: OnProgress | None = None) -> None:
        """``concurrency``: items in flight with an LLM (None: :data:`DEFAULT_CONCURRENCY`).
        ``processes``: for the offline engine, how many processes draft (None: one per core;
        1: in this process). Bad input (an unknown template, a bad variable, concurrency below 1)
        is an InputError now, before any item runs."""
        concurrency = DEFAULT_CONCURRENCY if concurrency is None else concurrency
        if concurrency < 1:
            raise InputError(f"--concurrency must be 1 or more, got {concurrency}")
        self.drafter = drafter
        self.template = drafter.template(template)
        self.template.resolve_variables(dict(overrides or {}))  # a bad --var fails the batch, once
        self.overrides = dict(overrides or {})
        self.platforms = list(platforms)
        self.concurrency = concurrency
        self.force = force
        self.out_dir = out_dir
        self.repair = repair
        self.id = batch_id or new_batch_id()
        self.processes = processes if processes is not None else (os.cpu_count() or 1)
        self.on_outcome = on_outcome
        self.on_progress = on_progress
        self.total = 0
        self._outcomes: dict[int, ItemOutcome] = {}
        self._known: "BatchIndex | None" = None
        """The drafts of earlier runs by their batch and place keys."""
        self._waiting: dict[str, str] = {}
        """Batch and place keys of sources sent to the Batch API and not collected -> its batch id."""
        self._done: dict[str, str] = {}
        """Batch and place keys of this run's drafts -> the draft's id (skipped even with ``force``)."""
        self._pending: dict[str, asyncio.Event] = {}
        """Batch and place keys being drafted now: a duplicate waits, then is skipped."""
        self._items: Sequence[BatchItem] = ()
        self._kept: dict[int, str] = {}
        """Items interrupted in flight whose text had begun to arrive: where it is kept."""
        self._streak = 0
        """Items finished one after another with a :data:`SERVER_DOWN` failure."""
        self.stopped: str | None = None
        """Why the batch stopped before every source was tried (a refused API key), or None."""

    # ---- the whole batch ---------------------------------------------------------------

    async def run(self, items: Sequence[BatchItem]) -> BatchSummary:
        """Draft every item; the summary in the order of the items. Cancelled (ctrl+c), the items
        in flight are left like those not started (their text kept: :meth:`left_outcomes`) and the
        cancel goes on."""
        self.total, self._items = len(items), items
        writable(self.drafter.store.folder)
        with batch_lock(self.drafter.store.folder, f"batch {self.id}"):
            return await self._run(items)

    async def _run(self, items: Sequence[BatchItem]) -> BatchSummary:
        from .batch_api import waiting

        self._known = self.drafter.store.batch_index()
        self._waiting = waiting(self.drafter)
        pool = None
        if self.drafter.engine_name == "offline" and self.processes > 1 and len(items) > 1:
            from .batch_pool import OfflinePool

            pool = OfflinePool(self.drafter, min(self.processes, len(items)))  # forks before any thread starts
        slots = asyncio.Semaphore(pool.size * 2 if pool else self.concurrency)
        try:
            async with asyncio.TaskGroup() as group:
                if pool is None and items:  # the linter loads while the first requests wait on the server
                    group.create_task(asyncio.to_thread(importlib.import_module, "drafter.lint"))
                for index, item in enumerate(items):
                    group.create_task(self._item(index, item, slots, pool))
        finally:
            if pool is not None:
                pool.close()
        return self.summary()

    def summary(self, interrupted: bool = False) -> BatchSummary:
        """The outcomes so far, in the order of the items."""
        return BatchSummary(id=self.id, outcomes=[self._outcomes[i] for i in sorted(self._outcomes)],
                            interrupted=interrupted)

    def left_outcomes(self) -> list[ItemOutcome]:
        """An outcome "left" for each item with none (not started, or in flight, when the run was
        interrupted or stopped), saying where the text of one cut short is kept."""
        return [ItemOutcome(source=item.label, status="left", note=self._kept.get(index))
                for index, item in enumerate(self._items) if index not in self._outcomes]

    @property
    def left(self) -> int:
        """Items with no outcome yet (not started, or in flight, when the run was interrupted or stopped)."""
        return self.total - len(self._outcomes)

    def _finish(self, index: int, outcome: ItemOutcome) -> None:
        self._outcomes[index] = outcome
        if self.on_outcome is not None:
            self.on_outcome(outcome)

    # ---- one item ------------------------------------------------------------------------

    async def _item(self, index: int, item: BatchItem, slots: asyncio.Semaphore, pool: object) -> None:
        async with slots:
            if self.stopped:  # left: the next run drafts it
                return
            try:
                outcome = await self._draft_item(index, item, pool)
            except Exception as exc:  # noqa: BLE001 - one source never stops the batch, even on a bug
                outcome = _failer(item)(f"unexpected error: {type(exc).__name__}: {exc}", "unexpected")
            self._streak = self._streak + 1 if outcome.kind in SERVER_DOWN else 0
            if not self.stopped and outcome.kind in STOPPING:
                self.stopped = f"{outcome.error}: the batch stopped, every other source would fail the same way"
            elif not self.stopped and self._streak >= DOWN_STREAK:
                self.stopped = (f"{self._streak} sources in a row failed at the server (the last: {outcome.error}): "
                                "the batch stopped rather than ask it for every source left")
            self._finish(index, outcome)

    async def _draft_item(self, index: int, item: BatchItem, pool: object) -> ItemOutcome:
        from ..sources.batch import load_item

        fail = _failer(item)
        try:
            source = await asyncio.to_thread(load_item, item, fetch_timeout=self.drafter.settings.fetch_timeout)
        except DrafterError as exc:
            return fail(str(exc), "source")
        tag = batch_tag(self.id, item, source, self.template.name, self.overrides)
        keys = (tag.key, tag.place)
        while any(k in self._pending for k in keys):  # the same source given twice in this run: drafted once
            await next(self._pending[k] for k in keys if k in self._pending).wait()
        done = next((self._done[k] for k in keys if k in self._done), None)
        if done is not None:
            return ItemOutcome(source=item.label, status="skipped", draft_id=done, note="drafted earlier in this run")
        assert self._known is not None
        earlier, changed = earlier_draft(self.drafter, self._known, tag, source)
        if earlier is not None and not self.force:
            return await self._skip(item, source, earlier, changed)
        sent_in = self._waiting.get(tag.key) or self._waiting.get(tag.place)
        if sent_in is not None and not self.force:  # its answer is on its way: not paid for twice
            return ItemOutcome(source=item.label, status="skipped", note=f"waiting in Batch API batch {sent_in}: "
                               f"drafter batch collect {sent_in} (--force drafts it now)")
        event = asyncio.Event()
        for k in keys:
            self._pending[k] = event
        try:
            outcome = await self._draft_new(index, item, source, tag, earlier, pool)
            if source.notes and outcome.status == "drafted":  # what reading it said (a feed entry's page failed …)
                outcome = outcome.model_copy(update={"note": "; ".join(filter(None, (*source.notes, outcome.note)))})
            return outcome
        finally:
            for k in keys:
                self._pending.pop(k, None)
            event.set()

    async def _skip(self, item: BatchItem, source: "Source", draft_id: str, changed: bool) -> ItemOutcome:
        """A source drafted by an earlier run: skipped, but its draft given the platform versions
        this run asks for that it lacks (adapted from its post as it is now, your edits
        included), and exported with ``out_dir`` like this run's drafts."""
        notes = ["its text has changed a little since"] if changed else []
        if not self.platforms and self.out_dir is None:
            return ItemOutcome(source=item.label, status="skipped", draft_id=draft_id, note="; ".join(notes) or None)
        problems: list[str] = []
        tokens = 0
        while f"draft:{draft_id}" in self._pending:  # the same draft reached from two sources
            await self._pending[f"draft:{draft_id}"].wait()
        self._pending[f"draft:{draft_id}"] = asyncio.Event()
        try:
            record = self.drafter.store.load(draft_id)
            missing = [p for p in self.platforms if p.name != "linkedin" and p.name not in record.versions]
            if missing:
                job = self.drafter.prepare(source, self.template.name, self.overrides)
                on_event = functools.partial(_progress, self.on_progress, item.label)
                adapted, added, problems, tokens = await self._adapt(job, record.text, record, missing, on_event)
                if problems:
                    problems[-1] += f" (drafter adapt {draft_id} --platform NAME)"
                if added:
                    record = self.drafter.store.save(adapted)
                    notes.append(f"its {', '.join(added)} version{'s' if len(added) > 1 else ''} added")
            exported = self._export(record)  # --out holds every source's draft, this run's or not
            if exported:
                problems.append(exported)
        except DrafterError as exc:  # the draft cannot be read or saved now
            problems.append(f"not completed as this run asks: {one_line(str(exc), 160)}")
        finally:
            self._pending.pop(f"draft:{draft_id}").set()
        if problems:
            return ItemOutcome(source=item.label, status="failed", draft_id=draft_id, kind="platform", tokens=tokens,
                               error=one_line("; ".join([*problems, f"the draft {draft_id} is saved"])),
                               note="; ".join(notes) or None)
        return ItemOutcome(source=item.label, status="skipped", draft_id=draft_id, tokens=tokens,
                           note="; ".join(notes) or None)

    async def _adapt(self, job: "Job", text: str, record: "Draft", platforms: "Sequence[Platform]",
                     on_event: Callable[["Event"], None]) -> tuple["Draft", list[str], list[str], int]:
        """``text`` adapted for each of ``platforms`` into ``record``: (the record with the
        versions made, their platforms' labels, one line per version not made, the tokens used)."""
        from .adapting import not_adapted

        added, problems, tokens = [], [], 0
        for platform in platforms:
            try:
                version: "Version" = await self.drafter.adapt(job, text, platform, on_event, repair=self.repair)
            except DrafterError as exc:
                problems.append(not_adapted(self.drafter, platform, exc))
                tokens += exc.tokens if isinstance(exc, EngineError) else 0
                continue
            record = version.into(record)
            tokens += version.usage.total
            added.append(platform.label)
        return record, added, problems, tokens

    async def _draft_new(self, index: int, item: BatchItem, source: "Source", tag: BatchTag, replaces: str | None,
                         pool: object) -> ItemOutcome:
        """Draft the source; ``replaces``: with ``force``, the earlier draft of it, redrafted in place."""
        fail = _failer(item)
        if pool is not None:
            try:
                drafted = await pool.draft(source, self.template.name, self.overrides,  # type: ignore[attr-defined]
                                           [p.name for p in self.platforms], tag)
            except DrafterError as exc:
                return fail(str(exc), getattr(exc, "kind", "failed"))
        else:
            drafted_or_failure = await self._generate(index, item, source, tag)
            if isinstance(drafted_or_failure, ItemOutcome):
                return drafted_or_failure
            drafted = drafted_or_failure
        return self._save(item, tag, drafted, replaces)

    async def _generate(self, index: int, item: BatchItem, source: "Source", tag: BatchTag) -> "Drafted | ItemOutcome":
        """Prepare, generate (with repair) and adapt one source in this process."""
        from ..models.post import assemble
        from .drafting import Transcript

        drafter, fail = self.drafter, _failer(item)
        seen = Transcript()

        def on_event(event: "Event") -> None:
            seen.add(event)
            _progress(self.on_progress, item.label, event)

        job = None
        try:
            job = drafter.prepare(source, self.template.name, self.overrides)
            result, _repair = await drafter.generate(job, on_event, repair=self.repair)
        except EngineError as exc:  # its answers' tokens were billed all the same
            return fail(str(exc), exc.kind, drafter, exc.partial or seen.text, tokens=exc.tokens)
        except DrafterError as exc:
            return fail(str(exc), getattr(exc, "kind", "failed"))
        except asyncio.CancelledError:
            text = seen.text if seen.result is None or job is None else assemble(seen.result.parts, job.layout)
            self._interrupted(index, item, text)
            raise
        text = assemble(result.parts, job.layout)
        try:
            record, _, problems, tokens = await self._adapt(job, text, batch_draft(drafter, job, result, tag),
                                                            self.platforms, on_event)
        except asyncio.CancelledError:
            self._interrupted(index, item, text, "the post (interrupted while adapting it)")
            raise
        return Drafted(record, drafter.lint(job, result.parts, text).score, result.usage.total + tokens, problems)

    def _save(self, item: BatchItem, tag: BatchTag, drafted: Drafted, replaces: str | None = None) -> ItemOutcome:
        """Save the draft (in place of draft ``replaces``, its history kept, when given) and
        export it with ``out_dir``: the item's outcome. A post whose hook
        is a ``[placeholder]`` is a scaffold (the article had too little text to draft from), not
        a draft: it fails, its text kept. (A draft with one placeholder takeaway is a draft: the
        linter's placeholder rule flags the gap.)"""
        from ..lint.rules_style import PLACEHOLDER

        store, record = self.drafter.store, drafted.record
        if record.parts is not None and PLACEHOLDER.fullmatch(record.parts.hook.strip()):  # a scaffold, not a draft
            text = record.source.text or ""
            words, paragraphs = len(text.split()), len([p for p in text.split("\n\n") if p.strip()])
            why = (f"too little article text to draft from ({words} words)" if words < SCAFFOLD_WORDS else
                   f"nothing the engine could draft a post from in the article's {words} words"
                   + (" (one paragraph, no breaks between paragraphs)" if paragraphs < 2 else ""))
            kept = self.drafter.keep_unsaved(record.text, "scaffold").where()
            return _failer(item)(f"{why}: the post would be a scaffold of [placeholders], not saved as a draft; "
                                 f"it is {kept}", "too-short", tokens=drafted.tokens)
        note = None
        if replaces is not None:
            try:
                record = store.load(replaces).redrafted(record, note=f"drafted again by batch {self.id} (--force)")
                note = "drafted again in place of the earlier draft (its text is in the draft's history)"
            except DrafterError as exc:  # unreadable now: a new draft rather than none
                note = f"saved as a new draft: the earlier one, {replaces}, cannot be read ({one_line(str(exc), 120)})"
        if record.id != replaces and store.path_for(record.id).exists():  # made in another process: id taken
            record = record.model_copy(update={"id": store.new_id(record.title)})
        try:
            saved = store.save(record)
        except StoreError as exc:
            kept = self.drafter.keep_unsaved(record.text, "post").where()
            return _failer(item)(f"{exc}; the post is {kept}", "store", tokens=drafted.tokens)
        self._done[tag.key] = self._done[tag.place] = saved.id
        problems = list(drafted.problems)
        exported = self._export(saved)
        if exported:
            problems.append(exported)
        if problems:
            fix = f" (drafter adapt {saved.id} --platform NAME)" if drafted.problems else ""
            return ItemOutcome(source=item.label, status="failed", draft_id=saved.id, score=drafted.score,
                               error=one_line(f"{'; '.join(problems)}; the post is saved as draft {saved.id}{fix}"),
                               kind="platform" if drafted.problems else "export", tokens=drafted.tokens)
        return ItemOutcome(source=item.label, status="drafted", draft_id=saved.id, score=drafted.score,
                           tokens=drafted.tokens, note=note)

    def _export(self, record: "Draft") -> str | None:
        """With ``out_dir``, write the draft's files there (:func:`export_draft`): None when done
        (or no ``out_dir``), else one line why not."""
        if self.out_dir is None:
            return None
        try:
            export_draft(self.out_dir, record, self.platforms)
        except StoreError as exc:
            return f"not exported: {exc}"
        return None

    def _interrupted(self, index: int, item: BatchItem, text: str, what: str = "") -> None:
        """An item cancelled in flight is left (no outcome: the next run drafts it); what had
        arrived is kept (the file named for the source), and :meth:`left_outcomes` says where."""
        if text.strip():
            kept = self.drafter.keep_unsaved(text, f"interrupted {Path(item.label).stem[:40]}").where()
            self._kept[index] = one_line(f"{what or 'the text received'} is {kept}")


def batch_lock(folder: Path, doing: str) -> "ContextManager[None]":
    """Held while a batch drafts into the drafts ``folder``, or sends or collects a Batch API
    batch (an ``flock`` on its ``.batch.lock``; ``doing`` names it to the others, "batch ID"): a
    second one in the same workspace at the same time is refused at once (StoreError, one line),
    since both would draft, or pay for, the same sources."""
    import time

    from ..storage.locks import exclusive

    def busy(holder: str) -> str:
        return (f"another drafter batch is running in this workspace ({holder or 'its lock is ' + str(folder)}): "
                "run this one once it has finished (the sources it drafted are then skipped)")

    return exclusive(folder / ".batch.lock", what="the workspace's drafts for a batch", error=StoreError, wait=0,
                     busy=busy, note=f"{doing}, pid {os.getpid()}, since {time.strftime('%H:%M:%S')}")


def writable(folder: Path) -> None:
    """Check, before any source is drafted, that drafts can be saved in ``folder`` (created if
    missing): a batch in a workspace it cannot write would draft everything for nothing. Bad
    input (InputError, exit 2) when it cannot."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise InputError(f"cannot save drafts in {folder} ({exc.strerror or exc}): nothing was drafted") from None


def _failer(item: BatchItem) -> Callable[..., ItemOutcome]:
    def fail(reason: str, kind: str, drafter: "Drafter | None" = None, partial: str = "", *,
             tokens: int = 0) -> ItemOutcome:
        if drafter is not None and partial.strip():
            reason = f"{reason}; the text received is {drafter.keep_unsaved(partial, f'batch {kind}').where()}"
        return ItemOutcome(source=item.label, status="failed", error=one_line(reason), kind=kind, tokens=tokens)

    return fail


def _progress(on_progress: OnProgress | None, label: str, event: "Event") -> None:
    from ..engines.base import Progress

    if on_progress is not None and isinstance(event, Progress) and not event.message.startswith("connecting to "):
        on_progress(label, event.message)


async def run_batch(drafter: "Drafter", items: Sequence[BatchItem], **options: object) -> BatchSummary:
    """Run a batch to its end (see :class:`BatchRun` for the options): its summary."""
    return await BatchRun(drafter, **options).run(items)  # type: ignore[arg-type]

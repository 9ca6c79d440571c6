"""The offline engine's batch on every core: a pool of processes, each drafting with its own
:class:`~drafter.service.drafting.Drafter` (same settings, same workspace), the parent saving.

The offline engine is pure computation (extractive, deterministic), so threads would share one
core; processes use them all. Each worker gets a read source and returns the finished draft
record (not saved), its score and tokens: the parent alone writes the library, so ids and the
index stay its own. Workers are forked (warm: drafter is imported already), all of them when the
pool is made, before the run starts any thread; each forgets the parent's running event loop and
makes its own. They ignore ctrl+c (the parent cancels and stops them). Never imports openai.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Mapping

from ..common.errors import DrafterError, EngineError

if TYPE_CHECKING:
    from ..models.batch import BatchTag
    from ..models.source import Source
    from ..settings.config import Settings
    from ..settings.paths import Workspace
    from .batch import Drafted
    from .drafting import Drafter

_worker: "tuple[Drafter, asyncio.AbstractEventLoop] | None" = None
"""In a worker process: its Drafter and its event loop (one each, for every item it drafts)."""


class OfflinePool:
    """``size`` worker processes drafting offline for one batch run."""

    def __init__(self, drafter: "Drafter", size: int) -> None:
        self.size = size
        self._pool = ProcessPoolExecutor(size, mp_context=multiprocessing.get_context("fork"), initializer=_start,
                                         initargs=(drafter.settings, drafter.workspace))
        for started in [self._pool.submit(_ready) for _ in range(size)]:  # every worker forked now
            started.result()

    async def draft(self, source: "Source", template: str, overrides: Mapping[str, str], platforms: list[str],
                    tag: "BatchTag") -> "Drafted":
        """The source drafted in a worker; DrafterError (its one line and kind) when it failed."""
        loop = asyncio.get_running_loop()
        done = await loop.run_in_executor(self._pool, _draft, source, template, dict(overrides), platforms, tag)
        if isinstance(done, tuple):  # (message, kind): exceptions are not sent back whole
            raise EngineError(done[0], kind=done[1])
        return done

    def close(self) -> None:
        """Stop the workers (items not started are dropped; an item in flight finishes first)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _start(settings: "Settings", workspace: "Workspace") -> None:
    global _worker
    from .drafting import Drafter

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl+c reaches the whole process group: the parent handles it
    for name in ("SIGTERM", "SIGHUP"):  # the parent's handlers (turning them into ctrl+c) are not ours
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    asyncio.events._set_running_loop(None)  # forked inside the parent's loop: that loop is not running here
    _worker = (Drafter(settings, workspace), asyncio.new_event_loop())


def _ready() -> bool:
    return True


def _draft(source: "Source", template: str, overrides: dict[str, str], platforms: list[str],
           tag: "BatchTag") -> "Drafted | tuple[str, str]":
    from ..models.post import assemble
    from .batch import Drafted, batch_draft

    assert _worker is not None, "the pool's initializer sets up the worker"
    drafter, loop = _worker
    try:
        job = drafter.prepare(source, template, overrides)
        result, _ = loop.run_until_complete(drafter.generate(job, None, repair=False))
        text = assemble(result.parts, job.layout)
        drafted = Drafted(batch_draft(drafter, job, result, tag), drafter.lint(job, result.parts, text).score,
                          result.usage.prompt_tokens + result.usage.completion_tokens)
        for platform in drafter.platforms(platforms):
            try:
                version = loop.run_until_complete(drafter.adapt(job, text, platform, None, repair=False))
            except DrafterError as exc:
                drafted.problems.append(f"{platform.label} not adapted: {exc}")
                continue
            drafted.record = version.into(drafted.record)
        return drafted
    except DrafterError as exc:
        return str(exc), getattr(exc, "kind", "failed")

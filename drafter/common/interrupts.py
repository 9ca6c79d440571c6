"""A signal that ends a run of async work (``Drafter.run``) arrives as a cancel of that run's
main task, between two steps of the event loop, never as an exception raised in the middle of
whatever code was running (a draft being saved, a file being written).

asyncio.run does this for Ctrl-C by itself, but only when SIGINT has its default handler; a
command started in the background of a script (``drafter batch … &``) inherits SIGINT ignored,
and a SIGTERM raised synchronously there could cut a save in two. :func:`run` registers its main
task; :func:`cancel_running` (called by the CLI's signal handler) cancels it; :func:`run` then
raises :class:`Interrupted` with the signal, which the CLI turns into exit 128 + signal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Callable

if TYPE_CHECKING:  # asyncio is imported by run(): the CLI imports this module at start-up
    import asyncio


class Interrupted(KeyboardInterrupt):
    """A signal (SIGTERM, SIGHUP, or SIGINT) turned into the interrupt Ctrl-C raises, so every
    signal that ends drafter takes one path: what arrived is printed and kept, then exit 128 +
    signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _Run:
    def __init__(self, loop: "asyncio.AbstractEventLoop", task: "asyncio.Task[Any]") -> None:
        self.loop = loop
        self.task = task
        self.signum: int | None = None


_runs: list[_Run] = []
"""The runs of :func:`run` in progress (one in practice), newest last."""


def run(main: Callable[[], Awaitable[Any]]) -> Any:
    """``asyncio.run(main())``, cancelled cleanly by :func:`cancel_running`: then
    :class:`Interrupted` with the signal is raised once the cancel has run its course (every
    ``except CancelledError`` and ``finally`` in the work has run)."""
    import asyncio

    entry: list[_Run] = []

    async def wrapper() -> Any:
        task = asyncio.current_task()
        assert task is not None
        entry.append(_Run(asyncio.get_running_loop(), task))
        _runs.append(entry[0])
        try:
            return await main()
        finally:
            _runs.remove(entry[0])

    try:
        return asyncio.run(wrapper())
    except asyncio.CancelledError:
        if entry and entry[0].signum is not None:
            raise Interrupted(entry[0].signum) from None
        raise


def cancel_running(signum: int) -> bool:
    """Cancel the run in progress, if any (safe from a signal handler): True when there was one.
    A second signal while the first cancel is still running its course raises
    :class:`Interrupted` at once (the user insists)."""
    if not _runs:
        return False
    current = _runs[-1]
    if current.signum is not None:
        raise Interrupted(signum)
    current.signum = signum
    current.loop.call_soon_threadsafe(current.task.cancel)
    return True

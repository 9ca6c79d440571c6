"""A signal that ends a run of async work is a clean cancel between two steps of the event loop,
never an exception raised in the middle of code that was running (a save): with SIGINT at its
default handler (asyncio.run's own Ctrl-C handling is then installed) and with SIGINT ignored,
as a command started in the background of a script inherits it."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from drafter.cli.main import _interrupt_on_signals
from drafter.common.interrupts import Interrupted, run


@pytest.fixture(params=["default", "ignored"])
def sigint(request):
    before = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler if request.param == "default" else signal.SIG_IGN)
    yield request.param
    signal.signal(signal.SIGINT, before)


def test_a_sigterm_in_the_middle_of_a_save_lets_the_save_finish_then_interrupts(sigint, tmp_path):
    steps: list[str] = []
    saved = tmp_path / "draft.json"

    def save() -> None:  # synchronous code, as Store.save is
        steps.append("saving")
        os.kill(os.getpid(), signal.SIGTERM)  # delivered now, before the next line runs
        saved.write_text("{}", encoding="utf-8")
        steps.append("saved")

    async def work() -> None:
        try:
            save()
            await asyncio.sleep(30)  # the cancel lands here
            steps.append("not cancelled")
        except asyncio.CancelledError:
            steps.append("cancelled")
            raise

    with _interrupt_on_signals(), pytest.raises(Interrupted) as raised:
        run(work)
    assert steps == ["saving", "saved", "cancelled"]
    assert saved.read_text(encoding="utf-8") == "{}"
    assert raised.value.signum == signal.SIGTERM


def test_a_run_that_is_not_interrupted_returns_its_result_and_a_plain_cancel_stays_a_cancel():
    async def answer() -> int:
        return 42

    async def cancelled() -> None:
        raise asyncio.CancelledError

    assert run(answer) == 42
    with pytest.raises(asyncio.CancelledError):
        run(cancelled)

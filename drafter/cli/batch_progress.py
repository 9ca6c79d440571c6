"""What ``drafter batch`` shows while it runs and at the end: a rich progress bar on stderr when
stderr is a terminal (plain lines otherwise: ``[3/16] drafted <label> (score 84)``), the
``--json`` lines on stdout, and the summary table.

rich is imported here only, and only for a terminal (it comes with Textual).
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from ..common.safe_text import one_line, strip_controls
from .options import say

if TYPE_CHECKING:
    from ..models.batch import BatchSummary, ItemOutcome


def _line(outcome: "ItemOutcome") -> str:
    label = one_line(strip_controls(outcome.source), 120)
    note = f"; {outcome.note}" if outcome.note else ""
    if outcome.status == "drafted":
        return f"drafted {label} (score {outcome.score}{note})"
    if outcome.status == "skipped" and outcome.draft_id is None:
        return f"skipped {label} ({outcome.note})"
    if outcome.status == "skipped":
        return f"skipped {label} (already drafted: {outcome.draft_id}{note})"
    return f"failed {label}: {outcome.error}"


class Progress:
    """Called as each item finishes (:meth:`outcome`) and with an item's retry or wait (:meth:`note`)."""

    def __init__(self, total: int, *, as_json: bool, bar: bool | None = None, console: Any = None) -> None:
        """``bar``: draw the rich bar (None: when stderr is a terminal), on ``console`` (None: stderr's)."""
        self.total = total
        self.done = 0
        self.as_json = as_json
        self._bar: Any = None
        if bar if bar is not None else sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(TextColumn("[bold]batch[/]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            TextColumn("left"), _time_left_column(), TextColumn("{task.description}"),
                            console=console or Console(stderr=True), transient=True)
            self._task = self._bar.add_task("", total=total, finished_at=None, skipped=0)
            self._bar.start()

    def outcome(self, outcome: "ItemOutcome") -> None:
        self.done += 1
        if self.as_json:
            self.json_line(outcome)
        if self._bar is not None:
            task = self._bar.tasks[0]
            skipped = task.fields["skipped"] + (outcome.status == "skipped")
            fields = {"skipped": skipped} if outcome.status == "skipped" else {"finished_at": task.elapsed or 0.0}
            self._bar.update(self._task, advance=1, description=one_line(strip_controls(outcome.source), 60),
                             **fields)
            if outcome.status == "failed":
                self._bar.console.print(f"failed {one_line(strip_controls(outcome.source), 120)}: {outcome.error}",
                                        markup=False, highlight=False)
        else:
            say(f"[{self.done}/{self.total}] {_line(outcome)}")

    def json_line(self, outcome: "ItemOutcome") -> None:
        """The ``--json`` line of one source, on stdout."""
        print(json.dumps(outcome.as_json(), ensure_ascii=False), flush=True)

    def note(self, label: str, message: str) -> None:
        text = f"{one_line(strip_controls(label), 80)}: {message}"
        if self._bar is not None:
            self._bar.update(self._task, description=one_line(text, 60))
        else:
            say(text)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def time_left(total: int, done: int, elapsed: float, finished_at: float | None, skipped: int = 0) -> float | None:
    """Seconds left, estimated from the time per source drafted (or failed) so far, skipped ones
    left out since they take no time (items finish in rounds of ``--concurrency``, so the rate
    between two finishes says little), counting down between finishes; None before the first
    source that was not skipped."""
    worked = done - skipped
    if worked <= 0 or finished_at is None:
        return None
    return max(0.0, finished_at / worked * (total - done) - (elapsed - finished_at))


def _time_left_column() -> Any:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class TimeLeft(ProgressColumn):
        def render(self, task: Any) -> Text:
            left = time_left(int(task.total or 0), int(task.completed), task.elapsed or 0.0,
                             task.fields.get("finished_at"), task.fields.get("skipped", 0))
            if left is None:
                return Text("-:--:--", style="progress.remaining")
            minutes, seconds = divmod(int(left + 0.5), 60)
            return Text(f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}", style="progress.remaining")

    return TimeLeft()


def summary_table(summary: "BatchSummary", *, left: "list[ItemOutcome] | None" = None) -> str:
    """The end of a run: drafted, skipped, failed (each failure with its reason), left (when
    interrupted or stopped: where the text of each one cut short in flight is kept), the mean
    score and the tokens used."""
    left = left or []
    drafted, skipped, failed = summary.of("drafted"), summary.of("skipped"), summary.of("failed")
    mean = "-" if summary.mean_score is None else f"{summary.mean_score:.1f}"
    rows = [("batch", summary.id), ("drafted", str(len(drafted))), ("skipped", str(len(skipped))),
            ("failed", str(len(failed)))]
    if summary.interrupted or left:
        rows.append(("left", str(len(left))))
    rows += [("mean score", mean), ("tokens used", f"{summary.tokens:,}")]
    lines = [f"{name:<12} {value}" for name, value in rows]
    for outcome in failed:
        lines.append(f"  failed: {one_line(strip_controls(outcome.source), 120)}: {outcome.error}")
    for outcome in left:
        if outcome.note:
            lines.append(f"  left: {one_line(strip_controls(outcome.source), 120)}: {strip_controls(outcome.note)}")
    return "\n".join(lines)

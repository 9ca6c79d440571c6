"""``drafter batch status [ID]`` and ``drafter batch collect ID``: following a batch sent to the
OpenAI Batch API (``drafter batch --batch-api``) from any later process, and
:func:`run_batch_api`, what ``drafter batch --batch-api [--wait]`` does.

Light at import (the batch group is loaded with every command): the service is imported when a
command runs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

import click

from .options import Command, json_option, make_drafter, say

if TYPE_CHECKING:
    from ..engines.openai.batches import RemoteState
    from ..models.batch import BatchItem, BatchSummary, ItemOutcome
    from ..service.batch_api import Followed
    from ..service.drafting import Drafter


base_url_option = click.option("--base-url", help="the server the batch was sent to (default: the setting)")


def _follow_hint(batch_id: str) -> str:
    return f"follow it with drafter batch status {batch_id}, then drafter batch collect {batch_id}"


def run_batch_api(drafter: "Drafter", items: "Iterable[BatchItem]", *, template: str | None,
                  overrides: Mapping[str, str], platforms: Sequence[str], wait: bool, repair: bool = False,
                  as_json: bool = False) -> int:
    """``drafter batch … --batch-api``: send the batch, print its id and how to follow it; with
    ``wait``, poll until it ends (progress on stderr) and collect it. The exit code: 0, or 1 when a
    source failed (or the wait stopped), 130 after ctrl+c (the batch goes on at the server)."""
    from ..service import batch_api

    failed: list["ItemOutcome"] = []

    def on_failure(outcome: "ItemOutcome") -> None:
        failed.append(outcome)
        _show(outcome, as_json)

    record = batch_api.submit(drafter, items, template=template, overrides=overrides, platforms=platforms,
                              on_outcome=on_failure)
    say(f"sent {len(record.items)} source(s) to the Batch API as batch {record.id} ({record.status}; answered "
        f"within 24 hours, at half the price); recorded in {batch_api.record_path(drafter, record.id)}")
    if not wait:
        say(_follow_hint(record.id))
        click.echo(json.dumps({"batch_api": record.id, "batch": record.batch, "status": record.status,
                               "sent": len(record.items)}) if as_json else record.id)
        return 1 if failed else 0
    try:
        batch_api.wait(drafter, record.id, _progress)
    except KeyboardInterrupt as exc:
        from .main import interrupt_exit_code

        say(f"stopped waiting: batch {record.id} goes on at the server; {_follow_hint(record.id)}")
        return interrupt_exit_code(exc)
    code = _collect(drafter, record.id, repair=repair, as_json=as_json)
    return max(code, 1 if failed else 0)


def _progress(state: "RemoteState") -> None:
    say(f"batch {state.id}: {state.status} ({state.counts})")


def _show(outcome: "ItemOutcome", as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(outcome.as_json(), ensure_ascii=False))
    elif outcome.status == "failed":
        say(f"failed: {outcome.source}: {outcome.error}")
    elif outcome.status == "drafted":
        also = f"; {outcome.error}" if outcome.error else ""
        say(f"drafted {outcome.source} -> {outcome.draft_id} (score {outcome.score}){also}")
    else:
        say(f"skipped {outcome.source}: already saved as {outcome.draft_id}")


def _summary_line(batch_id: str, summary: "BatchSummary") -> str:
    mean = summary.mean_score
    score = f"; mean score {mean:.0f}" if mean is not None else ""
    return (f"batch {batch_id} ({summary.id}): {len(summary.of('drafted'))} drafted, {len(summary.of('skipped'))} skipped, "
            f"{len(summary.of('failed'))} failed{score}; {summary.tokens:,} tokens")


def _collect(drafter: "Drafter", batch_id: str, *, repair: bool, as_json: bool) -> int:
    from ..service import batch_api

    try:
        summary = batch_api.collect(drafter, batch_id, repair=repair, on_outcome=lambda o: _show(o, as_json))
    except KeyboardInterrupt as exc:
        from .main import interrupt_exit_code

        say(f"interrupted: the drafts saved so far are kept; drafter batch collect {batch_id} saves the rest")
        return interrupt_exit_code(exc)
    say(_summary_line(batch_id, summary))
    if summary.of("skipped") and not summary.of("drafted"):
        say(f"batch {batch_id} was collected before: nothing saved twice")
    return 1 if summary.of("failed") else 0


def _status_line(followed: "Followed") -> str:
    record, state = followed.record, followed.state
    counts = state.counts if state is not None else f"{len(record.items)} source(s)"
    collected = f", collected {record.collected:%Y-%m-%d %H:%M}" if record.collected else ""
    line = (f"{record.id}  {record.status}  {counts}  sent {record.created:%Y-%m-%d %H:%M} UTC to {record.server} "
            f"({record.model}, template {record.template}){collected}")
    return f"{line}  ({followed.problem})" if followed.problem else line


@click.command("status", cls=Command, short_help="what the server says about batches sent with --batch-api",
               help="Ask the server about a batch sent with --batch-api (ID), or every one recorded in the "
                    "workspace's batches/ folder: its status and request counts.")
@click.argument("batch_id", required=False, metavar="[ID]")
@base_url_option
@json_option
def status(batch_id: str | None, base_url: str | None, as_json: bool) -> int:
    from ..service import batch_api

    followed, problems = batch_api.status(make_drafter({"base_url": base_url}), batch_id)
    for problem in problems:
        say(problem)
    if not followed and not problems:
        say("no batch has been sent to the Batch API from this workspace (drafter batch --batch-api SOURCE…)")
    for item in followed:
        click.echo(json.dumps(item.as_json(), ensure_ascii=False) if as_json else _status_line(item))
    return 1 if problems or any(f.problem for f in followed) else 0


@click.command("collect", cls=Command, short_help="save the drafts of a finished --batch-api batch",
               help="Download the answers of a finished batch sent with --batch-api, read them as streamed drafts "
                    "are and save the drafts, tagged with the batch (a second collect saves nothing twice). "
                    "Exit 1 when a source failed.")
@click.argument("batch_id", metavar="ID")
@click.option("--repair", is_flag=True, help="give low-scoring answers the interactive repair round")
@base_url_option
@json_option
def collect(batch_id: str, repair: bool, base_url: str | None, as_json: bool) -> int:
    return _collect(make_drafter({"base_url": base_url}), batch_id, repair=repair, as_json=as_json)


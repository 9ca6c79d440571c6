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
    from pathlib import Path

    from ..engines.openai.batches import RemoteState
    from ..models.batch import BatchItem, BatchSummary, ItemOutcome
    from ..models.remote_batch import VersionBatch, VersionOutcome
    from ..service.batch_api import Followed
    from ..service.batch_versions import Collected
    from ..service.drafting import Drafter


base_url_option = click.option("--base-url", help="the server the batch was sent to (default: the setting)")


def _follow_hint(batch_id: str) -> str:
    return f"follow it with drafter batch status {batch_id}, then drafter batch collect {batch_id}"


def run_batch_api(drafter: "Drafter", items: "Iterable[BatchItem]", *, template: str | None,
                  overrides: Mapping[str, str], platforms: Sequence[str], wait: bool, repair: bool = False,
                  force: bool = False, out: "Path | None" = None, as_json: bool = False) -> int:
    """``drafter batch … --batch-api``: send the batch, print its id and how to follow it; with
    ``wait``, poll until it ends (progress on stderr) and collect it, then the same for its
    platform versions. The exit code: 0, or 1 when a source failed (or the wait stopped), 130
    after ctrl+c (the batch goes on at the server)."""
    from ..service import batch_api

    failed: list["ItemOutcome"] = []
    skipped: list["ItemOutcome"] = []

    def on_outcome(outcome: "ItemOutcome") -> None:
        (failed if outcome.status == "failed" else skipped).append(outcome)
        _show(outcome, as_json)

    record = batch_api.submit(drafter, items, template=template, overrides=overrides, platforms=platforms,
                              force=force, on_outcome=on_outcome)
    if record is None:
        say(f"nothing to send: the {len(skipped)} source(s) are drafted already, or waiting in a batch not collected "
            "yet (--force sends them again, to be drafted again in place)")
        return 1 if failed else 0
    if skipped:
        say(f"{len(skipped)} source(s) drafted already, or waiting in a batch not collected yet, are not sent "
            "(--force sends them again)")
    say(f"sent {len(record.items)} source(s) to the Batch API as batch {record.id} ({record.status}; answered "
        f"within 24 hours, at half the price); recorded in {batch_api.record_path(drafter, record.id)}")
    others = [p.label for p in drafter.platforms(record.platforms) if p.name != "linkedin"]
    if others:
        say(f"the platform versions ({', '.join(others)}) are sent as "
            "a second batch when its drafts are collected, at half the price too (collect --adapt-now makes them "
            "interactively instead)")
    if not wait:
        say(_follow_hint(record.id))
        click.echo(json.dumps({"batch_api": record.id, "batch": record.batch, "status": record.status,
                               "sent": len(record.items)}) if as_json else record.id)
        return 1 if failed else 0
    code = _collect(drafter, record.id, repair=repair, as_json=as_json, wait=True)
    if out is not None and not _export(drafter, record.id, out):
        code = max(code, 1)
    return max(code, 1 if failed else 0)


def _export(drafter: "Drafter", batch_id: str, out: "Path") -> bool:
    """``--out`` after ``--wait``: every draft the batch saved, as ``drafter batch`` exports them
    (:func:`drafter.service.batch.export_draft`); False (each problem said) when one could not be."""
    from ..common.errors import DrafterError
    from ..service import batch_api
    from ..service.batch import export_draft

    record = batch_api.load_record(drafter, batch_id)
    done = True
    for draft_id in dict.fromkeys(record.drafts.values()):
        try:
            export_draft(out, drafter.store.load(draft_id), drafter.platforms(record.platforms))
        except DrafterError as exc:
            say(f"not exported: {draft_id}: {exc}")
            done = False
    return done


def _waited(drafter: "Drafter", batch_id: str, *, versions: bool) -> int | None:
    """Wait for the batch (``versions``: its versions batches); None when they ended, else the
    exit code after ctrl+c (the batch goes on at the server)."""
    from ..service import batch_api

    try:
        batch_api.wait(drafter, batch_id, _progress, versions=versions)
    except KeyboardInterrupt as exc:
        from .main import interrupt_exit_code

        what = f"the platform versions of batch {batch_id} go" if versions else f"batch {batch_id} goes"
        say(f"stopped waiting: {what} on at the server; {_follow_hint(batch_id)}")
        return interrupt_exit_code(exc)
    return None


def _progress(state: "RemoteState") -> None:
    say(f"batch {state.id}: {state.status} ({state.counts})")


def _show(outcome: "ItemOutcome", as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(outcome.as_json(), ensure_ascii=False))
    elif outcome.status == "failed":
        say(f"failed: {outcome.source}: {outcome.error}")
    elif outcome.status == "drafted":
        also = "".join(f"; {x}" for x in (outcome.note, outcome.error) if x)
        say(f"drafted {outcome.source} -> {outcome.draft_id} (score {outcome.score}){also}")
    elif outcome.draft_id is None:
        say(f"skipped {outcome.source}: {outcome.note}")
    else:
        also = f"; {outcome.note}" if outcome.note else ""
        say(f"skipped {outcome.source}: already saved as {outcome.draft_id}{also}")


def _summary_line(batch_id: str, summary: "BatchSummary") -> str:
    mean = summary.mean_score
    score = f"; mean score {mean:.0f}" if mean is not None else ""
    return (f"batch {batch_id} ({summary.id}): {len(summary.of('drafted'))} drafted, {len(summary.of('skipped'))} skipped, "
            f"{len(summary.of('failed'))} failed{score}; {summary.tokens:,} tokens")


def _show_version(outcome: "VersionOutcome", as_json: bool) -> None:
    from ..models.platforms import PLATFORMS

    label = PLATFORMS[outcome.platform].label
    also = f"; {outcome.error}" if outcome.error else ""
    if as_json:
        click.echo(json.dumps(outcome.as_json(), ensure_ascii=False))
    elif outcome.status == "failed":
        say(f"failed: {outcome.source}: the {label} version: {outcome.error}")
    elif outcome.status == "saved":
        say(f"saved the {label} version of {outcome.source} ({outcome.posts} post(s)) in draft {outcome.draft_id}{also}")
    elif outcome.error:  # skipped ones are counted in the summary, unless there is something to say
        say(f"skipped the {label} version of {outcome.source}{also}")


def _sent_line(batch_id: str, phase: "VersionBatch") -> str:
    from ..models.platforms import PLATFORMS

    names = ", ".join(PLATFORMS[p].label for p in dict.fromkeys(v.platform for v in phase.items))
    return (f"sent {len(phase.items)} platform version request(s) ({phase.drafts} draft(s) × {names}) to the Batch API "
            f"as batch {phase.id} ({phase.status}; answered within 24 hours, at half the price): "
            f"drafter batch collect {batch_id} saves them into the drafts when it is done")


def _versions_report(batch_id: str, collected: "Collected", as_json: bool, *, waiting: bool = False) -> int:
    """The lines on the platform versions of a collect; 1 when one failed or, unless ``waiting``
    for them, a versions batch is still running."""
    for phase in [] if waiting else collected.running:
        say(f"the platform versions (batch {phase.id}) are {phase.status}: nothing to save yet; "
            f"drafter batch collect {batch_id} saves them when it is done (or --adapt-now makes them now, "
            "interactively at full price)")
    if collected.versions:
        failed = collected.versions_of("failed")
        tokens = sum(v.tokens for v in collected.versions)
        hint = (f"; drafter batch collect {batch_id} --adapt-now makes the failed ones interactively (full price)"
                if failed else "")
        say(f"platform versions: {len(collected.versions_of('saved'))} saved, {len(collected.versions_of('skipped'))} "
            f"skipped, {len(failed)} failed; {tokens:,} tokens{hint}")
    if collected.sent is not None:
        say(_sent_line(batch_id, collected.sent))
        if as_json:
            click.echo(json.dumps({"versions_batch": collected.sent.id, "status": collected.sent.status,
                                   "sent": len(collected.sent.items)}))
    if collected.problem:
        say(collected.problem)
    return 1 if collected.versions_of("failed") or (collected.running and not waiting) or collected.problem else 0


def _collect(drafter: "Drafter", batch_id: str, *, repair: bool, as_json: bool, adapt_now: bool = False,
             wait: bool = False) -> int:
    """``drafter batch collect``: the drafts, then the platform versions; with ``wait``, wait for
    the batch first and for the versions batch it sends after."""
    from ..service import batch_api

    def show_version(outcome: "VersionOutcome") -> None:
        _show_version(outcome, as_json)

    if wait and (stopped := _waited(drafter, batch_id, versions=False)) is not None:
        return stopped
    try:
        collected = batch_api.collect(drafter, batch_id, repair=repair, adapt_now=adapt_now,
                                      on_outcome=lambda o: _show(o, as_json), on_version=show_version)
    except KeyboardInterrupt as exc:
        from .main import interrupt_exit_code

        say(f"interrupted: the drafts and versions saved so far are kept; drafter batch collect {batch_id} "
            "saves the rest")
        return interrupt_exit_code(exc)
    say(_summary_line(batch_id, collected))
    if collected.of("skipped") and not collected.of("drafted"):
        say(f"batch {batch_id} was collected before: nothing saved twice")
    code = max(_versions_report(batch_id, collected, as_json, waiting=wait), 1 if collected.of("failed") else 0)
    if wait and (collected.sent or collected.running):
        if (stopped := _waited(drafter, batch_id, versions=True)) is not None:
            return stopped
        later = batch_api.collect_versions(drafter, batch_id, repair=repair, on_version=show_version)
        code = max(code, _versions_report(batch_id, later, as_json))
    return code


def _status_line(followed: "Followed") -> str:
    """A batch's status line, its next step when there is one, then a line per versions batch."""
    record, state = followed.record, followed.state
    counts = state.counts if state is not None else f"{len(record.items)} source(s)"
    collected = f", collected {record.collected:%Y-%m-%d %H:%M}" if record.collected else ""
    line = (f"{record.id}  {record.status}  {counts}  sent {record.created:%Y-%m-%d %H:%M} UTC to {record.server} "
            f"({record.model}, template {record.template}){collected}")
    next_step = followed.problem or _next_step(followed)
    lines = [f"{line}  ({next_step})" if next_step else line]
    for phase, seen in followed.phases:
        done = seen.counts if seen is not None else f"{len(phase.saved)}/{len(phase.items)} saved"
        lines.append(f"  versions {phase.id}  {phase.status}  {done}  {len(phase.items)} platform version(s) of "
                     f"{phase.drafts} draft(s), {len(phase.saved)} saved")
    return "\n".join(lines)


def _next_step(followed: "Followed") -> str:
    """What to do next with a batch that has ended: collect it, or draft again what it never answered."""
    record, state = followed.record, followed.state
    if state is None or not state.done:
        return ""
    unanswered = state.total - state.completed
    if state.status in ("expired", "cancelled"):
        why = "its 24 h window ended" if state.status == "expired" else "it was cancelled"
        rest = (f"{unanswered} of {state.total} source(s) were not answered; draft them again with drafter batch "
                "(the sources saved from it are skipped)")
        return f"{why}: {rest}" if record.collected else f"{why}: drafter batch collect {record.id} saves the answered ones; {rest}"
    if state.status == "failed":
        return (f"failed at the server ({state.errors or 'no reason given'}): draft its sources with drafter batch "
                "(without --batch-api)")
    if state.status == "completed" and record.collected is None:
        return f"drafter batch collect {record.id} saves its drafts"
    return ""


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
                    "When the batch asked for platforms, their versions are sent as a second batch (half the "
                    "price too), and a later collect saves them into the drafts. "
                    "Exit 1 when a source or a version failed, or the versions are not done yet.")
@click.argument("batch_id", metavar="ID")
@click.option("--repair", is_flag=True,
              help="give low-scoring answers (and over-limit platform versions) the interactive repair round")
@click.option("--adapt-now", is_flag=True,
              help="make the platform versions now, one interactive request each (full price), "
                   "instead of as a second batch")
@click.option("--wait", is_flag=True, help="wait for the batch, and then for its platform versions, to end")
@base_url_option
@json_option
def collect(batch_id: str, repair: bool, adapt_now: bool, wait: bool, base_url: str | None, as_json: bool) -> int:
    return _collect(make_drafter({"base_url": base_url}), batch_id, repair=repair, as_json=as_json,
                    adapt_now=adapt_now, wait=wait)


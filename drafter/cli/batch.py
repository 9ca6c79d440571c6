"""``drafter batch``: many articles drafted at once into the workspace's drafts.

``drafter batch [SOURCE …] [options]`` runs a batch (the ``run`` command: the name may be left
out); ``drafter batch status [ID]`` and ``drafter batch collect ID`` follow a batch sent to the
OpenAI Batch API (``--batch-api``) from any later process (:mod:`drafter.cli.batch_api`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..common.errors import InputError
from .options import (Group, engine_flags, engine_options, make_drafter, no_repair_option, no_voice_option,
                      platform_option, say, template_vars)

if TYPE_CHECKING:
    from pathlib import Path

    from ..models.batch import BatchItem, ItemOutcome


class BatchGroup(Group):
    """A group whose first argument, when it is not one of its commands, starts ``run``: so
    ``drafter batch tests/corpus`` is ``drafter batch run tests/corpus`` (a source named like a
    command is given as ``./status``)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group("batch", cls=BatchGroup, short_help="draft many articles at once into the drafts",
             help="Draft many articles at once (files, folders, URLs, --list, --feed) into the workspace's drafts. "
                  "`drafter batch SOURCE…` is `drafter batch run SOURCE…`.")
def batch() -> None:
    pass


@batch.command("run", short_help="draft every source (the default command)")
@click.argument("sources", nargs=-1)
@click.option("--list", "lists", multiple=True, metavar="FILE",
              help="a file of paths and URLs, one a line (# at a line's start or after a space starts a comment; "
                   "- reads it from stdin)")
@click.option("--feed", "feeds", multiple=True, metavar="URL_OR_FILE", help="an RSS or Atom feed: each entry drafted")
@click.option("--template", help="template name (see: drafter templates list)")
@click.option("--var", multiple=True, metavar="KEY=VALUE", help="set a template variable")
@engine_options
@no_repair_option
@no_voice_option
@platform_option()
# --concurrency's default is models.batch.DEFAULT_CONCURRENCY, not imported here (every command loads this
# module; the models' pydantic classes would weigh on drafter draft's start-up): tests/test_batch_cli.py
# checks the help says the same number.
@click.option("--concurrency", type=click.IntRange(min=1), metavar="N",
              help="LLM generations in flight at once (default 4; the offline engine uses every core)")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="also export each draft as text: <id>.txt, and <id>.<platform>.txt per version")
@click.option("--force", is_flag=True, help="draft again sources already drafted with this template and variables")
@click.option("--json", "as_json", is_flag=True, help="one JSON line per source on stdout, as each finishes")
@click.option("--batch-api", is_flag=True, help="send the batch to the OpenAI Batch API (half price, up to 24 h)")
@click.option("--wait", is_flag=True, help="with --batch-api: follow the batch until it ends")
def run(sources: tuple[str, ...], lists: tuple[str, ...], feeds: tuple[str, ...], template: str | None,
        var: tuple[str, ...], no_repair: bool, no_voice: bool, platforms: tuple[str, ...], concurrency: int | None,
        out_dir: str | None, force: bool, as_json: bool, batch_api: bool, wait: bool, **engine: Any) -> int:
    """Draft every source into the workspace's drafts, tagged with the batch. A source already
    drafted with the same template and variables is skipped unless --force; ctrl+c stops cleanly
    (the same command again finishes the rest). Exit 0 when nothing failed, 1 when an item failed,
    2 for bad input, 128+signal when interrupted."""
    if wait and not batch_api:
        raise InputError("--wait follows a --batch-api batch: give --batch-api too")
    drafter = make_drafter(engine_flags(engine, no_repair, no_voice))
    overrides = template_vars(var)
    chosen = drafter.platforms(platforms) if platforms else []
    items = collect_items(sources, lists, feeds, drafter.settings.fetch_timeout)
    if batch_api:
        if out_dir is not None and not wait:
            raise InputError("--out with --batch-api needs --wait: the drafts are saved when the batch is collected "
                             "(export them then with drafter drafts export ID)")
        return _batch_api(drafter, items, template, overrides, platforms, wait, force, _out_dir(out_dir), as_json)
    from ..service.batch import BatchRun
    from .batch_progress import Progress
    from .platforms import offline_note

    out = _out_dir(out_dir)
    shown = Progress(len(items), as_json=as_json)
    runner = BatchRun(drafter, template=template, overrides=overrides, platforms=chosen, concurrency=concurrency,
                      force=force, out_dir=out, repair=False if no_repair else None,
                      on_outcome=shown.outcome, on_progress=shown.note)
    offline_note(drafter)
    interrupted: KeyboardInterrupt | None = None
    try:
        summary = drafter.run(lambda: runner.run(items))
    except KeyboardInterrupt as exc:
        interrupted, summary = exc, runner.summary(interrupted=True)
    finally:
        shown.stop()
    left = runner.left_outcomes() if interrupted is not None or runner.stopped else []
    if as_json:
        for outcome in left:  # one line per source, the ones left included
            shown.json_line(outcome)
    _print_summary(summary, left, as_json)
    if runner.stopped:
        failed = len(summary.of("failed"))
        say(f"{runner.stopped}; {runner.left} source(s) left and {failed} failed: fix it, then run the same command "
            "again to draft them (the drafted ones are skipped)")
    if interrupted is not None:
        from .main import interrupt_exit_code

        say(f"interrupted: {len(summary.of('drafted'))} draft(s) of this run are saved, {runner.left} source(s) "
            "left; run the same command again to finish (the sources drafted are skipped)")
        return interrupt_exit_code(interrupted)
    return 1 if summary.of("failed") else 0


def collect_items(sources: tuple[str, ...], lists: tuple[str, ...], feeds: tuple[str, ...],
                  fetch_timeout: float) -> "list[BatchItem]":
    """The items of the SOURCE arguments, the --list files and the --feeds, each once
    (:func:`drafter.sources.batch.collect`; bad input, nothing to draft included: exit 2)."""
    from ..sources.batch import collect

    return collect(sources, lists, feeds, fetch_timeout=fetch_timeout, on_note=say)


def _out_dir(out_dir: str | None) -> "Path | None":
    from pathlib import Path

    if out_dir is None:
        return None
    path = Path(out_dir).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out_dir}: cannot create the folder ({exc.strerror or exc})") from None
    return path


def _print_summary(summary: Any, left: "list[ItemOutcome]", as_json: bool) -> None:
    """The summary table: on stdout (the command's result), on stderr with --json (stdout is the JSON lines)."""
    import sys

    from .batch_progress import summary_table

    print(summary_table(summary, left=left), file=sys.stderr if as_json else sys.stdout, flush=True)


def _batch_api(drafter: Any, items: "list[BatchItem]", template: str | None, overrides: dict[str, str],
               platforms: tuple[str, ...], wait: bool, force: bool, out: "Path | None", as_json: bool) -> int:
    """``--batch-api`` (and ``--wait``): :func:`drafter.cli.batch_api.run_batch_api`."""
    from .batch_api import run_batch_api

    return run_batch_api(drafter, items, template=template, overrides=overrides, platforms=list(platforms),
                         wait=wait, force=force, out=out, as_json=as_json)


from .batch_api import collect, status  # noqa: E402 - the Batch API's commands, in their own module

batch.add_command(status)
batch.add_command(collect)

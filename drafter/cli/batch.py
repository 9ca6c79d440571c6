"""``drafter batch``: many articles drafted at once into the workspace's drafts.

``drafter batch [SOURCE …] [options]`` runs a batch (the ``run`` command: the name may be left
out); ``drafter batch status [ID]`` and ``drafter batch collect ID`` follow a batch sent to the
OpenAI Batch API (``--batch-api``) from any later process (:mod:`drafter.cli.batch_api`).
"""

from __future__ import annotations

from typing import Any

import click

from .options import Group


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
def run(sources: tuple[str, ...], **options: Any) -> int:
    """Built by the batch-run work (the options of ``draft`` where they apply, ``--list``,
    ``--feed``, ``--concurrency``, ``--out``, ``--force``, ``--json``, ``--batch-api``, ``--wait``)."""
    raise click.UsageError("drafter batch is being built")


from .batch_api import collect, status  # noqa: E402 - the Batch API's commands, in their own module

batch.add_command(status)
batch.add_command(collect)

"""The command line's shared declarations, for :mod:`drafter.cli.commands` and :mod:`drafter.cli.main`:
the global options and where they are kept, the engine flags, the path type, and the click
command and group classes every drafter command uses.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import click

from ..common.errors import InputError
from ..common.safe_text import strip_controls
from ..common.urls import redact_urls

if TYPE_CHECKING:
    from ..service.drafting import Drafter


@dataclass
class Invocation:
    """What the command line says beyond a command's own options (``ctx.obj``): the global
    ``--workspace`` and ``--debug``, which may come before or after any (sub)command name."""

    workspace: str | None = None
    debug: bool = False


class UsablePath(click.ParamType):
    """A path argument, refused at once (exit 2) when the system could not use it."""

    name = "path"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from ..settings.paths import path_problem

        problem = path_problem(value)
        if problem:
            self.fail(f"the path is not usable: {problem}", param, ctx)
        return value


PATH = UsablePath()


class PlatformParam(click.ParamType):
    """A platform name (any case; ``all`` where the command takes every platform), refused at
    once (exit 2) with the line naming the platforms (:func:`drafter.models.platforms.platform`'s)."""

    name = "platform"

    def __init__(self, *, allow_all: bool = True) -> None:
        self.allow_all = allow_all

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from ..models.platforms import PLATFORM_NAMES, platform

        name = str(value).strip().lower()
        if name == "all":
            if self.allow_all:
                return name
            self.fail(f"one platform at a time: {', '.join(PLATFORM_NAMES)}", param, ctx)
        try:
            return platform(name).name
        except ValueError as exc:
            message = str(exc) if self.allow_all else str(exc).replace(", or all)", ")")
            self.fail(message, param, ctx)


def platform_option(*, required: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--platform NAME``, repeatable (``all``: every platform), passed on as a tuple of names."""
    from ..models.platforms import PLATFORM_NAMES

    return click.option("--platform", "platforms", type=PlatformParam(), multiple=True, required=required,
                        metavar="NAME", help=f"{', '.join(PLATFORM_NAMES)}, or all (repeatable)")


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    """A global option's callback: a value given at any level is kept on the :class:`Invocation`
    (the last one given wins; one left out never resets an earlier one)."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        invocation = ctx.find_object(Invocation)
        if invocation is not None and value not in (None, False):
            setattr(invocation, name, value)

    return callback


def global_options() -> list[click.Option]:
    """``--workspace`` and ``--debug``: accepted by the root group and by every (sub)command."""
    return [
        click.Option(["--workspace"], type=PATH, expose_value=False, callback=_remember("workspace"),
                     help="folder holding drafts/ and prompts/"),
        click.Option(["--debug"], is_flag=True, expose_value=False, callback=_remember("debug"),
                     help="show tracebacks"),
    ]


class _Parsed:
    """Every usage error carries the context of the command it is about (click's parser raises
    some without one), so the error line names that command's help."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except click.UsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            raise


class Command(_Parsed, click.Command):
    """A drafter command (see :class:`_Parsed`)."""


class Group(_Parsed, click.Group):
    """A command group whose unknown command is an "invalid choice" naming the choices, and
    which asks for a command (a usage error) rather than printing its help when given none."""

    command_class = Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("no_args_is_help", False)
        super().__init__(*args, **kwargs)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        if args and self.get_command(ctx, args[0]) is None and not args[0].startswith("-"):
            ctx.fail(f"invalid choice: {args[0]!r} (choose from {', '.join(self.list_commands(ctx))})")
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # in the order they were declared, not sorted


def template_vars(pairs: tuple[str, ...]) -> dict[str, str]:
    """The ``--var KEY=VALUE`` options of ``draft`` and ``batch`` as a dict (bad input for a pair
    without "=" or a key)."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--var expects KEY=VALUE, got {pair!r}")
        out[key.strip()] = value
    return out


def say(message: str) -> None:
    """A note or progress line on stderr: no control codes, no URL user info or query."""
    print(f"drafter: {redact_urls(strip_controls(message))}", file=sys.stderr)


def load_draft(store: Any, draft_id: str) -> Any:
    """The saved draft ``draft_id`` (validated first), each version entry it cannot use said in
    one stderr line (the entry stays in the file as it is)."""
    from ..models.draft import validate_id

    record = store.load(validate_id(draft_id))
    for problem in record.version_problems:
        say(f"draft {record.id}: {problem}")
    return record


def make_drafter(flags: dict[str, Any] | None = None) -> "Drafter":
    """The core, set up from the global ``--workspace`` and the command's engine flags."""
    from ..service.drafting import Drafter

    return Drafter.from_environment(click.get_current_context().find_object(Invocation).workspace, flags)  # type: ignore[union-attr]


def engine_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The engine flags (``--engine`` ... ``--max-tokens``), passed to the command as keywords
    that become the ``flags`` settings layer (None: not given)."""
    options = [
        click.option("--engine", type=click.Choice(["auto", "openai", "offline"]),
                     help="default: auto (openai when a key or base URL is set)"),
        click.option("--model", help="model name (default gpt-4.1-mini)"),
        click.option("--base-url", help="OpenAI-compatible server, e.g. http://localhost:11434/v1"),
        click.option("--temperature", type=float),
        click.option("--timeout", type=float, help="seconds to wait for the server (per request, and between chunks)"),
        click.option("--deadline", type=float, metavar="SECONDS",
                     help="seconds one whole LLM generation may take, retries and repair included (default 300)"),
        click.option("--max-tokens", type=int),
    ]
    for option in reversed(options):
        command = option(command)
    return command


no_repair_option = click.option("--no-repair", is_flag=True, help="skip the repair round for LLM drafts that score low")
no_voice_option = click.option("--no-voice", is_flag=True,
                               help="draft without the voice imported in this workspace (no profile, no examples)")
json_option = click.option("--json", "as_json", is_flag=True, help="print the result as JSON")


def engine_flags(engine: dict[str, Any], no_repair: bool = False, no_voice: bool = False) -> dict[str, Any]:
    """The ``flags`` settings layer: the engine options, ``--no-repair`` and ``--no-voice`` (None: not given)."""
    return {**engine, "repair": False if no_repair else None, "voice": False if no_voice else None}

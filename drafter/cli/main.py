"""Command line: arguments -> core calls -> exit codes (0 ok, 1 failure, 2 bad input or usage).

The commands are declared with click (:mod:`drafter.cli.commands`, :mod:`drafter.cli.options`); this module holds the root
group and the contract every command keeps, which click's own ``main`` does not: every
:class:`~drafter.common.errors.DrafterError` and every usage error is one ``drafter: …`` line on
stderr (a usage error names the help to read, exit 2); tracebacks only with ``--debug``
(anywhere on the line); Ctrl-C, SIGTERM and SIGHUP end with 128 + the signal; a closed pipe
is success. ``drafter`` with no command opens the Textual app.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any, Iterator, Sequence

import click

from .. import __version__
from ..common.errors import DrafterError, InputError
from ..common.interrupts import Interrupted, cancel_running
from . import options
from .output import guarded_stdout

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


_received: list[int] = []
"""The signals turned into an interrupt in this process (the last one sets the exit code)."""


def interrupt_exit_code(exc: KeyboardInterrupt) -> int:
    """128 + the signal that ended the run (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP)."""
    return 128 + getattr(exc, "signum", _received[-1] if _received else 2)


def _on_signal(signum: int, frame: Any) -> None:
    """Do what Ctrl-C does: a run of async work (``Drafter.run``) is cancelled cleanly and raises
    :class:`Interrupted` after (:mod:`drafter.common.interrupts`); another running loop (the app's)
    gets its SIGINT handler, between callbacks; elsewhere :class:`Interrupted` is raised here."""
    import signal

    _received.append(signum)
    if cancel_running(signum):
        return
    on_sigint = signal.getsignal(signal.SIGINT)
    if callable(on_sigint) and on_sigint is not signal.default_int_handler:
        loop = _running_loop()
        if loop is not None:  # run it between callbacks, never in the middle of one
            loop.call_soon_threadsafe(on_sigint, signal.SIGINT, None)
        else:
            on_sigint(signal.SIGINT, frame)
        return
    raise Interrupted(signum)


def _running_loop() -> Any:
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


@contextlib.contextmanager
def _interrupt_on_signals() -> Iterator[None]:
    """While a command runs, SIGTERM and SIGHUP raise :class:`Interrupted` (where the system has
    them; a signal set to be ignored, as nohup does, stays ignored). The handlers before are
    put back afterwards, so calling :func:`main` in-process leaves the caller's as they were."""
    import signal

    _received.clear()
    before: dict[int, Any] = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        try:
            if signum is not None and signal.getsignal(signum) is not signal.SIG_IGN:
                before[signum] = signal.signal(signum, _on_signal)
        except (ValueError, OSError):  # not the main thread: signals stay as they are
            pass
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _usage_line(exc: click.UsageError) -> str:
    """A click usage error as the one line: its message, and the help to read.

    An unknown option or a stray argument might belong to any level of the line (a global
    option misspelt, say): both the root's help and the command's are named then.
    """
    message = exc.format_message().strip().rstrip(".")
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter) \
            and exc.param is not None:  # which argument, then why
        param = exc.param
        name = param.opts[0] if isinstance(param, click.Option) else param.name
        message = f"argument {name}: {exc.message.strip().rstrip('.')}"
    message = message[:1].lower() + message[1:]
    path = exc.ctx.command_path if exc.ctx is not None else "drafter"
    stray = isinstance(exc, click.NoSuchOption) or message.startswith("got unexpected extra argument")
    if stray and path != "drafter":
        return f"{message} (see drafter --help or {path} --help)"
    return f"{message} (see {path} --help)"


class DrafterGroup(options.Group):
    """The root group; its :meth:`main` keeps drafter's contract (see the module docstring).

    The commands are declared in :mod:`drafter.cli.commands` and added the first time the group's
    commands are looked at (a command named, ``--help``): ``drafter`` alone opens the app without
    building them."""

    _loaded = False

    @property
    def commands(self) -> dict[str, click.Command]:  # type: ignore[override]
        if not self._loaded:
            self._loaded = True
            from . import commands

            for command in commands.COMMANDS:
                self.add_command(_with_global_options(command))
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,  # type: ignore[override]
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> int:
        extra.pop("windows_expand_args", None)
        code = self._run(list(sys.argv[1:] if args is None else args), prog_name or "drafter", extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(self, argv: list[str], prog_name: str, extra: dict[str, Any]) -> int:
        invocation = options.Invocation()
        try:
            try:
                with self.make_context(prog_name, argv, obj=invocation, **extra) as ctx:
                    return self.invoke(ctx) or EXIT_OK
            except click.exceptions.Exit as exc:  # --help, --version
                return exc.exit_code
            except click.UsageError as exc:
                raise InputError(_usage_line(exc)) from exc
        except DrafterError as exc:
            if invocation.debug:
                raise
            print(f"drafter: {exc}", file=sys.stderr)  # DrafterError already redacted URLs and controls
            return exc.exit_code
        except KeyboardInterrupt as exc:
            print("drafter: interrupted", file=sys.stderr)
            return interrupt_exit_code(exc)
        except BrokenPipeError:
            return EXIT_OK
        except Exception as exc:  # pragma: no cover - the last guard; --debug shows the traceback
            if invocation.debug:
                raise
            print(f"drafter: unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)",
                  file=sys.stderr)
            return EXIT_FAILURE


def _with_global_options(command: click.Command) -> click.Command:
    """``--workspace`` and ``--debug`` on ``command`` and every command under it."""
    command.params.extend(options.global_options())
    for sub in getattr(command, "commands", {}).values():
        _with_global_options(sub)
    return command


@click.group("drafter", cls=DrafterGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]},
             help="Draft LinkedIn posts from a topic or an article. With no command: the terminal app.")
@click.version_option(__version__, "--version", prog_name="drafter", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context) -> int | None:
    """No command: the app. A command: run it with SIGTERM and SIGHUP turned into interrupts and
    a stdout whose write failures are one clear error (:func:`drafter.cli.output.guarded_stdout`)."""
    if ctx.invoked_subcommand is None:
        return _run_app(ctx.find_object(options.Invocation).workspace)  # type: ignore[union-attr]
    ctx.with_resource(_interrupt_on_signals())
    ctx.with_resource(guarded_stdout())
    return None


cli.params.extend(options.global_options())  # the commands get theirs when they are added


def main(argv: Sequence[str] | None = None) -> int:
    """Run drafter on ``argv`` (default: the process's arguments) and return the exit code."""
    return cli.main(argv, "drafter", standalone_mode=False)


def _run_app(workspace: str | None) -> int:
    from ..tui.app import make_app

    app = make_app(workspace=workspace)
    app.run()
    return app.return_code or 0

"""Command line: arguments -> core calls -> exit codes (0 ok, 1 failure, 2 bad input or usage).

Every :class:`~drafter.errors.DrafterError` is printed as one line on stderr; tracebacks only
with ``--debug``. ``drafter`` with no arguments opens the Textual app.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any, Iterator, Sequence

from . import __version__
from .errors import DrafterError, InputError

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors follow the one-line rule.

    The message is only argparse's own: :func:`main` adds the one "drafter: " prefix every
    error line has, and the hint names the (sub)command whose help to read.
    """

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(f"{message} (see {self.prog} --help)")


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP turned into the interrupt Ctrl-C (SIGINT) raises, so every signal that
    ends drafter takes one path: what arrived is printed and kept, then exit 128 + signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_received: list[int] = []
"""The signals turned into an interrupt in this process (the last one sets the exit code)."""


def interrupt_exit_code(exc: KeyboardInterrupt) -> int:
    """128 + the signal that ended the run (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP)."""
    return 128 + getattr(exc, "signum", _received[-1] if _received else 2)


def _on_signal(signum: int, frame: Any) -> None:
    """Do what Ctrl-C does: inside ``asyncio.run`` that is its own SIGINT handler (it cancels the
    running generation cleanly and raises KeyboardInterrupt after), elsewhere :class:`Interrupted`."""
    import signal

    _received.append(signum)
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


def _path(value: str) -> str:
    """argparse type of a path argument: refused at once (exit 2) when the system could not use it."""
    from .workspace import path_problem

    problem = path_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(f"the path is not usable: {problem}")
    return value


def _engine_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("engine")
    g.add_argument("--engine", choices=["auto", "openai", "offline"], help="default: auto (openai when a key or base URL is set)")
    g.add_argument("--model", help="model name (default gpt-4.1-mini)")
    g.add_argument("--base-url", dest="base_url", help="OpenAI-compatible server, e.g. http://localhost:11434/v1")
    g.add_argument("--temperature", type=float)
    g.add_argument("--timeout", type=float, help="seconds to wait for the server (per request, and between chunks)")
    g.add_argument("--deadline", type=float, metavar="SECONDS",
                   help="seconds one whole LLM generation may take, retries and repair included (default 300)")
    g.add_argument("--max-tokens", dest="max_tokens", type=int)


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    # SUPPRESS: a subcommand must not reset a value given before it (drafter --workspace W draft).
    common.add_argument("--workspace", type=_path, default=argparse.SUPPRESS, help="folder holding drafts/ and prompts/")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")

    parser = _Parser(prog="drafter", description="Draft LinkedIn posts from a topic or an article.", parents=[common])
    parser.add_argument("--version", action="version", version=f"drafter {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    d = sub.add_parser("draft", parents=[common], help="draft a post (printed on stdout)")
    d.add_argument("stdin", nargs="?", choices=["-"], help="- reads the article from stdin")
    d.add_argument("--topic", help="a topic to write about")
    d.add_argument("--article", help="a file (.txt, .md, .html), a URL, or - for stdin")
    d.add_argument("--template", help="template name (see: drafter templates list)")
    d.add_argument("--var", action="append", default=[], metavar="KEY=VALUE", help="set a template variable")
    _engine_flags(d)
    d.add_argument("--save", action="store_true", help="save the draft in the workspace")
    d.add_argument("--json", action="store_true", help="print the result as JSON")
    d.add_argument("--no-repair", dest="repair", action="store_const", const=False,
                   help="skip the repair round for LLM drafts that score low")

    ds = sub.add_parser("drafts", parents=[common], help="list, show, export or delete saved drafts")
    dss = ds.add_subparsers(dest="action", required=True, parser_class=_Parser)
    dss.add_parser("list", parents=[common]).add_argument("--json", action="store_true")
    dss.add_parser("show", parents=[common]).add_argument("id")
    ex = dss.add_parser("export", parents=[common])
    ex.add_argument("id")
    ex.add_argument("--format", choices=["txt", "md", "json"], default="txt")
    dss.add_parser("delete", parents=[common]).add_argument("id")

    t = sub.add_parser("templates", parents=[common], help="list, show or create prompt templates")
    ts = t.add_subparsers(dest="action", required=True, parser_class=_Parser)
    ts.add_parser("list", parents=[common])
    ts.add_parser("show", parents=[common]).add_argument("name")
    tn = ts.add_parser("new", parents=[common])
    tn.add_argument("name")
    tn.add_argument("--from", dest="from_name")
    ts.add_parser("path", parents=[common])

    doc = sub.add_parser("doctor", parents=[common], help="show the engine, key, server, tokenizer and paths")
    _engine_flags(doc)

    lint = sub.add_parser("lint", parents=[common], help="check a post for LinkedIn limits and AI tells")
    lint.add_argument("file", nargs="?", default="-", type=_path, help="a post file, or - for stdin")
    lint.add_argument("--source", type=_path, help="the article the post came from (for invented numbers)")
    lint.add_argument("--json", action="store_true")

    ev = sub.add_parser("eval", parents=[common], help="draft every article in a folder and score the drafts")
    ev.add_argument("folder", type=_path)
    ev.add_argument("--template")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--no-repair", dest="repair", action="store_const", const=False)
    _engine_flags(ev)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        if not [a for a in argv if a != "--debug" and not a.startswith("--workspace")]:
            return _run_app(argv)
        args = build_parser().parse_args(argv)
        if args.command is None:
            return _run_app(argv)
        from . import commands

        from .output import guarded_stdout

        with _interrupt_on_signals(), guarded_stdout():
            return commands.dispatch(args)
    except DrafterError as exc:
        if debug:
            raise
        print(f"drafter: {exc}", file=sys.stderr)  # DrafterError already redacted URLs and controls
        return exc.exit_code
    except KeyboardInterrupt as exc:
        print("drafter: interrupted", file=sys.stderr)
        return interrupt_exit_code(exc)
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # pragma: no cover - the last guard; --debug shows the traceback
        if debug:
            raise
        print(f"drafter: unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return EXIT_FAILURE


def _run_app(argv: list[str]) -> int:
    workspace = None
    for i, a in enumerate(argv):
        if a.startswith("--workspace="):
            workspace = a.split("=", 1)[1]
        elif a == "--workspace" and i + 1 < len(argv):
            workspace = argv[i + 1]
    try:
        from .tui.app import make_app
    except ImportError:
        print("drafter: the terminal app is not built yet; use `drafter draft --help`", file=sys.stderr)
        return EXIT_FAILURE
    app = make_app(workspace=workspace)
    app.run()
    return app.return_code or 0

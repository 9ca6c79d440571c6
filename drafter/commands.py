"""The CLI's commands. Each takes parsed arguments, calls the core, prints, returns an exit code.

Results go to stdout; progress, notes and messages to stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Callable

from .drafting import Drafter
from .errors import InputError
from .safe_text import escape_json_controls, safe_json, strip_controls
from .urls import redact_urls

EXIT_OK = 0


def _say(message: str) -> None:
    """A note or progress line on stderr: no control codes, no URL user info or query."""
    print(f"drafter: {redact_urls(strip_controls(message))}", file=sys.stderr)


def _flags(args: argparse.Namespace) -> dict[str, Any]:
    keys = ("engine", "model", "base_url", "temperature", "timeout", "deadline", "max_tokens", "repair")
    return {k: getattr(args, k, None) for k in keys}


def _drafter(args: argparse.Namespace) -> Drafter:
    return Drafter.from_environment(getattr(args, "workspace", None), _flags(args))


def _vars(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--var expects KEY=VALUE, got {pair!r}")
        out[key.strip()] = value
    return out


def dispatch(args: argparse.Namespace) -> int:
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "draft": cmd_draft,
        "drafts": cmd_drafts,
        "templates": cmd_templates,
        "doctor": cmd_doctor,
        "lint": cmd_lint,
        "eval": cmd_eval,
    }
    return handlers[args.command](args)


# ---- draft ----------------------------------------------------------------------------


def read_source(args: argparse.Namespace):
    """The source named on the command line (topic, file, URL or stdin), read with the checks
    of :mod:`drafter.sources`."""
    from . import sources

    chosen = [x for x in (args.topic, args.article, args.stdin) if x]
    if len(chosen) != 1:
        raise InputError("give exactly one of --topic TEXT, --article PATH_OR_URL, or - (stdin)")
    article = "-" if args.stdin else args.article
    stdin_text = None
    if article == "-":
        stdin_text = sources.decode_bytes(sources.read_stdin(), "stdin")
    fetch_timeout = sources.FETCH_TIMEOUT
    if article and sources.is_url(article):
        fetch_timeout = _drafter(args).settings.fetch_timeout
    return sources.load(topic=args.topic, article=article, stdin_text=stdin_text, fetch_timeout=fetch_timeout)


def cmd_draft(args: argparse.Namespace) -> int:
    """Draft a post and print it. Text that arrived is never dropped: a failed generation, an
    interrupt or a failed ``--save`` prints it and keeps it (``Drafter.keep_unsaved``), and the
    one stderr line says where."""
    from .drafting import Transcript
    from .engines.base import Event, Progress
    from .errors import EngineError, StoreError
    from .output import OutputError
    from .post import assemble

    source = read_source(args)
    drafter = _drafter(args)
    job = drafter.prepare(source, args.template, _vars(args.var))
    if drafter.settings.engine == "auto" and drafter.engine_name == "offline":
        _say("no OPENAI_API_KEY or base URL set: using the offline extractive engine "
             "(set OPENAI_API_KEY, or --base-url for a local server, to draft with an LLM)")
    seen = Transcript()

    def on_event(event: Event) -> None:
        seen.add(event)
        if isinstance(event, Progress):
            _say(event.message)

    try:
        result, repair = drafter.run(lambda: drafter.generate(job, on_event))
    except EngineError as exc:
        if not exc.partial.strip():  # nothing worth keeping arrived
            raise
        failure = {"error": str(exc), "kind": exc.kind, "partial": exc.partial} if args.json else None
        where = _keep(drafter, exc.partial, exc.kind, failure)
        raise EngineError(f"{exc}; the text received is on stdout and {where}",
                          kind=exc.kind, partial=exc.partial) from exc
    except KeyboardInterrupt as exc:
        from .cli import interrupt_exit_code

        text = assemble(seen.result.parts, job.layout) if seen.result is not None else seen.received
        if not text.strip():
            raise
        what = "the finished draft is" if seen.result is not None else f"the {len(text):,} characters received are"
        failure = {"error": "interrupted", "kind": "interrupted", "partial": text} if args.json else None
        _say(f"interrupted: {what} on stdout and {_keep(drafter, text, 'interrupted', failure)}")
        return interrupt_exit_code(exc)
    for note in [*job.notes, *result.notes, *([repair.note] if repair else [])]:
        _say(note)
    text = assemble(result.parts, job.layout)
    from .post import MAX_CHARS, measure

    stats = measure(text)
    if stats.over_limit:
        _say(f"the post is {stats.chars:,} characters: {stats.over_limit:,} over LinkedIn's {MAX_CHARS:,} limit (not truncated)")
    saved_id, failed = None, None
    if args.save:
        try:
            draft = drafter.store.save(drafter.new_draft(job, result))
            saved_id = draft.id
            _say(f"saved draft {draft.id}")
        except StoreError as exc:
            failed = exc
    payload = None
    if args.json:
        payload = {
            "text": text,
            "parts": result.parts.model_dump(),
            "stats": stats.model_dump(),
            "engine": result.engine,
            "model": result.model,
            "mode": result.mode,
            "usage": result.usage.model_dump(),
            "finish_reason": result.finish_reason,
            "template": job.template.name,
            "notes": [*job.notes, *result.notes],
            "draft_id": saved_id,
            "repair": None if repair is None else {"before": repair.before, "after": repair.after, "kept": repair.kept},
        }
    if failed is not None:
        where = _keep(drafter, text, "post", payload)
        raise StoreError(f"{failed}; the post is on stdout and {where}") from failed
    try:
        _print(text, payload)
    except OutputError as exc:  # the post is not on stdout: it must be somewhere
        where = f"saved as draft {saved_id}" if saved_id else drafter.keep_unsaved(text, "post").where()
        raise OutputError(f"{exc}; the post is {where}") from None
    return EXIT_OK


def _print(text: str, payload: dict[str, Any] | None) -> None:
    """The post (or its JSON payload) on stdout, never with a raw control character."""
    print(strip_controls(text) if payload is None else safe_json(payload, ensure_ascii=False, indent=2))
    sys.stdout.flush()  # a full disk behind stdout shows here, while the caller can still keep the text


def _keep(drafter: Drafter, text: str, what: str, payload: dict[str, Any] | None) -> str:
    """Keep ``text`` on disk, then print it (or ``payload`` as JSON, with ``"kept"``: the file);
    returns "kept in <path>" (or why no place took it) for the one stderr line."""
    from .output import OutputError

    kept = drafter.keep_unsaved(text, what)
    if payload is not None:
        payload = {**payload, "kept": None if kept.path is None else str(kept.path)}
    try:
        _print(text, payload)
    except OutputError as exc:
        raise OutputError(f"{exc}; the {what} text is {kept.where()}") from None
    return kept.where()


# ---- drafts ---------------------------------------------------------------------------


def _summary_json(summary: Any) -> dict[str, Any]:
    """A library row as JSON: every field of the summary dataclass, dates in ISO 8601, paths as text."""
    import dataclasses
    from datetime import datetime
    from pathlib import PurePath

    out: dict[str, Any] = {}
    for f in dataclasses.fields(summary):
        value = getattr(summary, f.name)
        out[f.name] = (value.isoformat() if isinstance(value, datetime)
                       else str(value) if isinstance(value, PurePath) else value)  # fmt: skip
    return out


def cmd_drafts(args: argparse.Namespace) -> int:
    from .post import one_line
    from .draft import export_text, validate_id

    store = _drafter(args).store
    if args.action == "list":
        summaries, problems = store.list()
        for line in problems:
            _say(f"skipped: {line}")
        if args.json:
            print(safe_json([_summary_json(s) for s in summaries], ensure_ascii=False, indent=2))
            return EXIT_OK
        if not summaries:
            _say(f"no drafts in {store.folder}")
        for s in summaries:  # stored text is printed without control codes, one line a draft
            print(f"{s.id}\t{s.updated:%Y-%m-%d %H:%M}\t{one_line(s.template)}\t{s.chars} chars\t{one_line(s.title)}")
        return EXIT_OK
    draft_id = validate_id(args.id)
    if args.action == "show":
        print(strip_controls(store.load(draft_id).text))
    elif args.action == "export":
        exported = export_text(store.load(draft_id), args.format)
        print(escape_json_controls(exported) if args.format == "json" else strip_controls(exported))
    elif args.action == "delete":
        store.delete(draft_id)
        _say(f"deleted {draft_id}")
    return EXIT_OK


# ---- templates ------------------------------------------------------------------------


def cmd_templates(args: argparse.Namespace) -> int:
    from .post import one_line

    drafter = _drafter(args)
    lib = drafter.templates
    if args.action == "list":
        infos, problems = lib.list()
        for line in problems:
            _say(f"skipped: {line}")
        default = drafter.settings.template
        for info in infos:
            mark = "*" if info.name == default else " "
            origin = info.origin + (" (overrides built-in)" if info.overrides_builtin else "")
            print(f"{mark} {info.name:<20} {origin:<28} {one_line(info.description)}")
    elif args.action == "show":
        sys.stdout.write(strip_controls(lib.read_text(args.name)))  # a template file may come from anywhere
    elif args.action == "new":
        path = lib.new(args.name, args.from_name)
        _say(f"created {path}")
        print(path)
    elif args.action == "path":
        from .workspace import builtin_prompts_dir

        print(f"user:     {drafter.workspace.prompts_dir}")
        print(f"built-in: {builtin_prompts_dir()}")
    return EXIT_OK


# ---- doctor ---------------------------------------------------------------------------


def cmd_doctor(args: argparse.Namespace) -> int:
    from .doctor import report

    for label, value in report(_drafter(args)):
        print(f"{label:<18} {value}")
    return EXIT_OK


# ---- lint and eval (issue 4) ----------------------------------------------------------


def cmd_lint(args: argparse.Namespace) -> int:
    from .evaluation import lint_file

    return lint_file(_drafter(args), args.file, source=args.source, as_json=args.json)


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation import run_eval

    return run_eval(_drafter(args), args.folder, template=args.template, as_json=args.json)

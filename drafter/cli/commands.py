"""The CLI's commands, declared with click: one function per command, each calling the core,
printing, and returning an exit code (0 ok, 1 failure, 2 bad input).

Results go to stdout; progress, notes and messages to stderr. The shared declarations (global
options, engine flags) are :mod:`drafter.cli.options`'s; the root group and the error contract
:mod:`drafter.cli.main`'s.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from ..common.errors import InputError
from .options import (Command, Group, PATH, PlatformParam, engine_flags, engine_options, json_option, load_draft,
                      make_drafter, no_repair_option, no_voice_option, platform_option, say, template_vars)
from .output import keep_and_print, print_result
from .platforms import Adapting, offline_note, run_adapting, versions_text, with_linkedin, with_version
from ..common.safe_text import escape_json_controls, safe_json, strip_controls

EXIT_OK = 0


# ---- draft ----------------------------------------------------------------------------


def read_source(topic: str | None, article: str | None, stdin: str | None, flags: dict[str, Any]):
    """The source named on the command line (topic, file, URL or stdin), read with the checks
    of :mod:`drafter.sources.inputs`."""
    from ..sources import inputs as sources

    chosen = [x for x in (topic, article, stdin) if x]
    if len(chosen) != 1:
        raise InputError("give exactly one of --topic TEXT, --article PATH_OR_URL, or - (stdin)")
    article = "-" if stdin else article
    stdin_text = None
    if article == "-":
        stdin_text = sources.decode_bytes(sources.read_stdin(), "stdin")
    fetch_timeout = sources.FETCH_TIMEOUT
    if article and sources.is_url(article):
        fetch_timeout = make_drafter(flags).settings.fetch_timeout
    return sources.load(topic=topic, article=article, stdin_text=stdin_text, fetch_timeout=fetch_timeout)


@click.command("draft", cls=Command, short_help="draft a post (printed on stdout)",
               help="Draft a post (printed on stdout) from a topic, an article, or - (the article on stdin).")
@click.argument("stdin", required=False, type=click.Choice(["-"]), metavar="[-]")
@click.option("--topic", help="a topic to write about")
@click.option("--article", help="a file (.txt, .md, .html), a URL, or - for stdin")
@click.option("--template", help="template name (see: drafter templates list)")
@click.option("--var", multiple=True, metavar="KEY=VALUE", help="set a template variable")
@engine_options
@platform_option()
@click.option("--save", is_flag=True, help="save the draft in the workspace (with its platform versions)")
@json_option
@no_repair_option
@no_voice_option
def draft(stdin: str | None, topic: str | None, article: str | None, template: str | None, var: tuple[str, ...],
          platforms: tuple[str, ...], save: bool, as_json: bool, no_repair: bool, no_voice: bool,
          **engine: Any) -> int:
    """Draft a post and print it. Text that arrived is never dropped: a failed generation, an
    interrupt or a failed ``--save`` prints it and keeps it (``Drafter.keep_unsaved``), and the
    one stderr line says where. (``-`` reads the article from stdin.)

    ``--platform``: the post is then adapted for each platform named and printed as
    :mod:`drafter.cli.platforms` lays it out, the LinkedIn post first; a platform that fails is
    one stderr line (its text kept), the others are still printed and saved, and the exit is 1
    (2 when that platform's failure was bad input)."""
    from ..common.errors import EngineError, StoreError
    from ..engines.base import Event, Progress
    from ..models.post import assemble
    from ..service.drafting import Transcript
    from .output import OutputError, voice_json, voice_line

    flags = engine_flags(engine, no_repair, no_voice)
    source = read_source(topic, article, stdin, flags)
    drafter = make_drafter(flags)
    chosen = drafter.platforms(platforms) if platforms else []
    job = drafter.prepare(source, template, template_vars(var))
    offline_note(drafter)
    if job.voice is not None and not as_json:
        say(voice_line(job.voice, offline=drafter.engine_name == "offline"))
    seen = Transcript()

    def on_event(event: Event) -> None:
        seen.add(event)
        if isinstance(event, Progress):
            say(event.message)

    try:
        result, repair = drafter.run(lambda: drafter.generate(job, on_event))
    except EngineError as exc:
        if not exc.partial.strip():  # nothing worth keeping arrived
            raise
        failure = {"error": str(exc), "kind": exc.kind, "partial": exc.partial} if as_json else None
        where = keep_and_print(drafter, exc.partial, exc.kind, failure)
        raise EngineError(f"{exc}; the text received is on stdout and {where}",
                          kind=exc.kind, partial=exc.partial) from exc
    except KeyboardInterrupt as exc:
        from .main import interrupt_exit_code

        text = assemble(seen.result.parts, job.layout) if seen.result is not None else seen.received
        if not text.strip():
            raise
        what = "the finished draft is" if seen.result is not None else f"the {len(text):,} characters received are"
        failure = {"error": "interrupted", "kind": "interrupted", "partial": text} if as_json else None
        say(f"interrupted: {what} on stdout and {keep_and_print(drafter, text, 'interrupted', failure)}")
        return interrupt_exit_code(exc)
    for note in [*job.notes, *result.notes, *([repair.note] if repair else [])]:
        say(note)
    text = assemble(result.parts, job.layout)
    from ..models.post import MAX_CHARS, measure

    stats = measure(text)
    if stats.over_limit:
        say(f"the post is {stats.chars:,} characters: {stats.over_limit:,} over LinkedIn's {MAX_CHARS:,} limit (not truncated)")
    adapting, shown = None, text
    if chosen:
        def interrupted(done: Adapting, exc: KeyboardInterrupt) -> int:
            from .main import interrupt_exit_code

            shown = versions_text(with_linkedin(text, done.versions))
            failure = ({"error": "interrupted", "kind": "interrupted", "partial": text,
                        "platforms": [v.as_json() for v in done.versions]} if as_json else None)
            say(f"interrupted while adapting: the post and {len(done.versions)} finished version(s) are on stdout "
                f"and {keep_and_print(drafter, shown, 'interrupted', failure)}")
            return interrupt_exit_code(exc)

        adapting, code = run_adapting(drafter, job, text, chosen, interrupted)
        if code is not None:
            return code
        shown = versions_text(with_linkedin(text, adapting.versions))
    saved_id, failed = None, None
    if save:
        try:
            record = drafter.new_draft(job, result)
            for version in adapting.versions if adapting else []:
                record = with_version(record, version)
            saved = drafter.store.save(record)
            saved_id = saved.id
            say(f"saved draft {saved.id}")
        except StoreError as exc:
            failed = exc
    payload = None
    if as_json:
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
            "voice": voice_json(job.voice),
            "notes": [*job.notes, *result.notes],
            "draft_id": saved_id,
            "repair": None if repair is None else {"before": repair.before, "after": repair.after, "kept": repair.kept},
        }
        if adapting is not None:
            payload["platforms"] = [v.as_json() for v in adapting.versions]
            payload["platform_errors"] = [f.as_json() for f in adapting.failures]
    if failed is not None:
        where = keep_and_print(drafter, shown, "post", payload)
        raise StoreError(f"{failed}; the post is on stdout and {where}") from failed
    try:
        print_result(shown, payload)
    except OutputError as exc:  # the post is not on stdout: it must be somewhere
        where = f"saved as draft {saved_id}" if saved_id else drafter.keep_unsaved(shown, "post").where()
        raise OutputError(f"{exc}; the post is {where}") from None
    return adapting.exit_code if adapting else EXIT_OK


# ---- adapt ----------------------------------------------------------------------------


@click.command("adapt", cls=Command, short_help="adapt a saved draft for other platforms (saved in it)",
               help="Adapt a saved draft's post for other platforms, print the versions and save them in the "
                    "draft. A version you edited by hand is kept unless --force (exit 1 when one was kept or a "
                    "platform failed).")
@click.argument("id")
@platform_option(required=True)
@click.option("--force", is_flag=True, help="replace versions edited by hand too")
@engine_options
@json_option
@no_repair_option
@no_voice_option
def adapt(id: str, platforms: tuple[str, ...], force: bool, as_json: bool, no_repair: bool,  # noqa: A002
          no_voice: bool, **engine: Any) -> int:
    from .platforms import adapt_saved

    return adapt_saved(make_drafter(engine_flags(engine, no_repair, no_voice)), id, platforms, force=force,
                       as_json=as_json)


# ---- drafts ---------------------------------------------------------------------------


@click.group("drafts", cls=Group, help="list, show, export or delete saved drafts")
def drafts() -> None:
    pass


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


@drafts.command("list")
@click.option("--batch", "batch_id", metavar="ID",
              help="only the drafts a batch made (its id, as the batch summary prints it; last: the newest batch)")
@json_option
def drafts_list(batch_id: str | None, as_json: bool) -> int:
    from ..common.safe_text import one_line

    store = make_drafter().store
    summaries, problems = store.list()
    for line in problems:
        say(f"skipped: {line}")
    if batch_id is not None:
        batches = list(dict.fromkeys(s.batch for s in summaries if s.batch))  # by their newest draft, newest first
        # the newest batch: by the start time in its id (b-YYYYMMDD-HHMMSS-…), then by its newest draft
        newest = max(batches, key=lambda b: (b[:17], -batches.index(b)), default="")
        wanted = newest if batch_id == "last" else batch_id.strip()
        if wanted not in batches:
            raise InputError(f"no drafts of batch {one_line(batch_id, 60)} in {store.folder}"
                             + (f" (the newest batch is {newest})" if batches else " (no batch has run here)"))
        summaries = [s for s in summaries if s.batch == wanted]
    if as_json:
        print(safe_json([_summary_json(s) for s in summaries], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not summaries:
        say(f"no drafts in {store.folder}")
    for s in summaries:  # stored text is printed without control codes, one line a draft
        mark = "published" if s.published else "-"  # drafter drafts publish marks it
        print(f"{s.id}\t{s.updated:%Y-%m-%d %H:%M}\t{one_line(s.template)}\t{s.chars} chars\t{mark}\t"
              f"{one_line(s.title)}")
    return EXIT_OK


@drafts.command("show")
@click.argument("id")
def drafts_show(id: str) -> int:  # noqa: A002 - the argument's name in the usage line
    """The LinkedIn post on stdout; the platform versions the draft holds, if any, named on stderr."""
    from .platforms import versions_note

    record = load_draft(make_drafter().store, id)
    print(strip_controls(record.text))
    if record.versions:
        say(versions_note(record))
    return EXIT_OK


@drafts.command("export")
@click.argument("id")
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "json"]), default="txt", show_default=True)
@click.option("--platform", "platform_name", type=PlatformParam(allow_all=False), metavar="NAME",
              help="that platform's version (txt: a thread's posts each under a '--- post i/n · count/limit ---' "
                   "line)")
def drafts_export(id: str, fmt: str, platform_name: str | None) -> int:  # noqa: A002
    from ..models.draft import export_text, export_version

    drafter = make_drafter()
    record = load_draft(drafter.store, id)
    if platform_name is None:
        exported = export_text(record, fmt)
    else:
        from .platforms import check_exportable

        target = drafter.platforms([platform_name])[0]
        check_exportable(record, target)
        exported = export_version(record, target, fmt)
    print(escape_json_controls(exported) if fmt == "json" else strip_controls(exported))
    return EXIT_OK


@drafts.command("delete")
@click.argument("id")
def drafts_delete(id: str) -> int:  # noqa: A002
    from ..models.draft import validate_id

    store = make_drafter().store
    draft_id = validate_id(id)
    store.delete(draft_id)
    say(f"deleted {draft_id}")
    return EXIT_OK


# ---- templates ------------------------------------------------------------------------


@click.group("templates", cls=Group, help="list, show or create prompt templates")
def templates() -> None:
    pass


@templates.command("list")
def templates_list() -> int:
    from ..common.safe_text import one_line

    drafter = make_drafter()
    infos, problems = drafter.templates.list()
    for line in problems:
        say(f"skipped: {line}")
    default = drafter.settings.template
    for info in infos:
        mark = "*" if info.name == default else " "
        origin = info.origin + (" (overrides built-in)" if info.overrides_builtin else "")
        print(f"{mark} {info.name:<20} {origin:<28} {one_line(info.description)}")
    return EXIT_OK


@templates.command("show")
@click.argument("name")
def templates_show(name: str) -> int:
    sys.stdout.write(strip_controls(make_drafter().templates.read_text(name)))  # a template file may come from anywhere
    return EXIT_OK


@templates.command("new")
@click.argument("name")
@click.option("--from", "from_name", help="the template to copy (default: a commented skeleton)")
def templates_new(name: str, from_name: str | None) -> int:
    path = make_drafter().templates.new(name, from_name)
    say(f"created {path}")
    print(path)
    return EXIT_OK


@templates.command("path")
def templates_path() -> int:
    from ..settings.paths import builtin_prompts_dir

    print(f"user:     {make_drafter().workspace.prompts_dir}")
    print(f"built-in: {builtin_prompts_dir()}")
    return EXIT_OK


# ---- doctor, lint, eval -----------------------------------------------------------------


@click.command("doctor", cls=Command, help="show the engine, key, server, tokenizer and paths")
@engine_options
def doctor(**engine: Any) -> int:
    from .doctor import report

    for label, value in report(make_drafter(engine_flags(engine))):
        print(f"{label:<18} {value}")
    return EXIT_OK


@click.command("lint", cls=Command, help="check a post for LinkedIn limits and AI tells")
@click.argument("file", required=False, default="-", type=PATH)
@click.option("--source", type=PATH, help="the article the post came from (for invented numbers)")
@click.option("--no-voice", is_flag=True, help="lint without the workspace's voice: no voice rules, and AI tells you use yourself are flagged too")
@json_option
def lint(file: str, source: str | None, no_voice: bool, as_json: bool) -> int:
    """FILE is a post file, or - for stdin (the default)."""
    from .evaluation import lint_file

    return lint_file(make_drafter({"voice": False} if no_voice else None), file, source=source, as_json=as_json)


@click.command("eval", cls=Command, help="draft every article in a folder and score the drafts")
@click.argument("folder", type=PATH)
@click.option("--template")
@json_option
@no_repair_option
@no_voice_option
@engine_options
def evaluate(folder: str, template: str | None, as_json: bool, no_repair: bool, no_voice: bool,
             **engine: Any) -> int:
    from .evaluation import run_eval

    return run_eval(make_drafter(engine_flags(engine, no_repair, no_voice)), folder, template=template,
                    as_json=as_json)


from .batch import batch  # noqa: E402 - declared in their own modules
from .voice import drafts_publish, voice  # noqa: E402

drafts.add_command(drafts_publish)

COMMANDS: list[click.Command] = [draft, adapt, drafts, voice, batch, templates, doctor, lint, evaluate]
"""In the order ``drafter --help`` lists them."""

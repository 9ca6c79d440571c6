"""``drafter lint`` and ``drafter eval``: score posts, and draft-and-score a folder of articles."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..common.errors import DrafterError, InputError, SourceError
from ..common.safe_text import one_line, safe_json, strip_controls
from ..service.drafting import Drafter

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")


def read_post(path: str) -> str:
    """A post to lint, from a file or stdin (``-``), read like an article (size cap, regular
    file, binary, encoding: :func:`drafter.sources.inputs.read_text`)."""
    from ..sources.inputs import read_text

    return read_text(path)


def lint_file(drafter: Drafter, path: str, *, source: str | None = None, as_json: bool = False) -> int:
    """Print the findings and the score; exit 1 when an error-level rule fires. ``source``
    (a file, or ``-`` for stdin when the post is a file) enables the invented-number rule; the
    workspace's voice (unless the ``voice`` setting is off: ``--no-voice``) the voice rules."""
    from ..lint import lint

    if source == "-" and path == "-":
        raise InputError("lint: the post and --source cannot both be read from stdin (-): give one of them as a file")
    text = read_post(path)
    source_text = _source_text(source) if source else None
    voice, problem = drafter.voice_file if drafter.settings.voice else (None, None)
    if problem:
        print(f"drafter: note: {strip_controls(problem)}; linting without the voice", file=sys.stderr)
    report = lint(text, source_text=source_text, settings=drafter.settings.lint,
                  extra_phrases_files=drafter.phrase_files(), voice=voice)
    for note in report.notes:
        print(f"drafter: note: {strip_controls(note)}", file=sys.stderr)
    # Findings quote the post: print them without control codes.
    if as_json:
        print(safe_json(report.model_dump(), ensure_ascii=False, indent=2))
    else:
        print(strip_controls(report.format_text(text)))
    return 1 if report.errors else 0


def _source_text(source: str) -> str:
    """The article a post came from: a file, or ``-`` for stdin (read with the same checks)."""
    from ..sources.inputs import from_file, from_text, read_text

    return from_text(read_text("-"), "stdin").text if source == "-" else from_file(source).text


class EvalRow(BaseModel):
    """One article's draft, scored; or, when its draft failed, the one-line reason."""

    article: str
    """The file name, without control characters."""
    score: int | None = None
    """None when the draft failed (see ``error``)."""
    errors: int = 0
    warnings: int = 0
    chars: int = 0
    hook_chars: int = 0
    seconds: float = 0.0
    rules: list[str] = []
    """Rule ids that fired (each once)."""
    error: str | None = None
    """Why this article has no score (its generation failed or was interrupted); None if scored."""
    kept: str | None = None
    """The file holding the text that arrived before the failure, when some did."""


class EvalSummary(BaseModel):
    rows: list[EvalRow]
    mean_score: float | None
    """Over the scored rows; None when none was scored."""
    min_score: int | None
    total_errors: int
    total_warnings: int
    engine: str
    template: str
    failed: int = 0
    """Rows whose draft failed (exit 1 when any did)."""
    interrupted: bool = False
    """Ctrl+C stopped the run: ``rows`` are the articles done by then."""


def evaluate(drafter: Drafter, folder: str | Path, *, template: str | None = None) -> EvalSummary:
    """Draft and lint every article in ``folder``. One article's failure is a row with its
    reason (and its partial text kept, see :meth:`Drafter.keep_unsaved`); the rest go on.
    Ctrl+C ends the run with the rows done so far (``interrupted``)."""
    from ..models.post import assemble
    from ..service.drafting import Transcript

    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"eval: {folder} is not a folder")
    files = sorted(p for p in root.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file())
    if not files:
        raise InputError(f"eval: no articles ({', '.join(ARTICLE_SUFFIXES)}) in {folder}")
    tpl_name = template or drafter.settings.template
    rows: list[EvalRow] = []
    current: dict[str, Any] = {}
    """The article in progress and what it produced so far (for ctrl+c)."""

    async def draft_all() -> None:
        for path in files:
            row = await _draft_one(drafter, path, tpl_name, current)
            if row is not None:
                rows.append(row)

    interrupted = False
    try:
        drafter.run(draft_all)
    except KeyboardInterrupt:
        interrupted = True
        seen: Transcript | None = current.get("seen")
        if seen is not None and current.get("path") is not None:
            text = seen.text if seen.result is None else assemble(seen.result.parts, current["job"].layout)
            rows.append(_failed_row(drafter, current["path"], "interrupted", text, "interrupted"))
    if not rows and not interrupted:
        raise InputError(f"eval: no readable articles in {folder}")
    scores = [r.score for r in rows if r.score is not None]
    return EvalSummary(
        rows=rows, mean_score=round(statistics.fmean(scores), 1) if scores else None,
        min_score=min(scores) if scores else None,
        total_errors=sum(r.errors for r in rows), total_warnings=sum(r.warnings for r in rows),
        engine=drafter.engine_label, template=tpl_name,
        failed=sum(r.error is not None for r in rows), interrupted=interrupted,
    )


async def _draft_one(drafter: Drafter, path: Path, tpl_name: str, current: dict[str, Any]) -> EvalRow | None:
    """One article drafted and scored; a failed generation is a row with its reason; an
    unreadable file is skipped with a note (None)."""
    from ..models.post import assemble, measure
    from ..service.drafting import Transcript
    from ..sources.inputs import from_file

    name = strip_controls(path.name)
    try:
        source = from_file(path)
    except SourceError as exc:
        print(f"drafter: eval: skipped {name}: {exc}", file=sys.stderr)
        return None
    seen = Transcript()
    started = time.perf_counter()
    job = drafter.prepare(source, tpl_name)
    current.update(path=path, seen=seen, job=job)
    try:
        result, _ = await drafter.generate(job, seen.add)
    except DrafterError as exc:
        if isinstance(exc, InputError) and not isinstance(exc, SourceError):
            raise  # a bad setting or template fails every article the same way: exit 2 at once
        partial = getattr(exc, "partial", "") or seen.text
        current.clear()
        return _failed_row(drafter, path, str(exc), partial, getattr(exc, "kind", "failed"))
    current.clear()  # kept on a cancel (ctrl+c): evaluate() keeps what arrived
    seconds = time.perf_counter() - started
    text = assemble(result.parts, job.layout)
    report = drafter.lint(job, result.parts, text)
    stats = measure(text)
    return EvalRow(
        article=name, score=report.score, errors=len(report.errors), warnings=len(report.warnings),
        chars=stats.chars, hook_chars=stats.hook_chars, seconds=round(seconds, 4),
        rules=sorted({f.rule for f in report.findings}),
    )


def _failed_row(drafter: Drafter, path: Path, reason: str, partial: str, kind: str) -> EvalRow:
    """A row for an article whose draft failed; ``partial`` (what arrived) is kept on disk."""
    kept = None
    if partial.strip():
        where = drafter.keep_unsaved(partial, f"eval-{path.stem}-{kind}")
        kept = None if where.path is None else str(where.path)
        reason = f"{reason}; the text received is {where.where()}"
    return EvalRow(article=strip_controls(path.name), error=one_line(reason), kept=kept)


def format_summary(summary: EvalSummary) -> str:
    """The table: one line per article (a failed one shows its reason), then the totals."""
    width = max([len(r.article) for r in summary.rows] + [len("article")])
    head = f"{'article':<{width}}  score  err  warn  chars  hook   time  rules"
    lines = [head, "-" * len(head)]
    for r in summary.rows:
        if r.score is None:
            lines.append(f"{r.article:<{width}}  {'-':>5}  failed: {r.error}")
            continue
        lines.append(
            f"{r.article:<{width}}  {r.score:>5}  {r.errors:>3}  {r.warnings:>4}  {r.chars:>5}  {r.hook_chars:>4}"
            f"  {r.seconds * 1000:>4.0f}ms  {','.join(r.rules) or '-'}"
        )
    lines.append("-" * len(head))
    scored = "no article scored" if summary.mean_score is None else \
        f"mean score {summary.mean_score} · min {summary.min_score}"
    lines.append(
        f"{len(summary.rows)} articles · {scored} · failed {summary.failed} · "
        f"errors {summary.total_errors} · warnings {summary.total_warnings} · "
        f"engine {summary.engine} · template {summary.template}"
        + (" · interrupted" if summary.interrupted else "")
    )
    return "\n".join(lines)


def run_eval(drafter: Drafter, folder: str, *, template: str | None = None, as_json: bool = False) -> int:
    """Print the table (or JSON); exit 1 when an article failed, 130 after ctrl+c (rows so far
    printed), 0 otherwise."""
    summary = evaluate(drafter, folder, template=template)
    print(safe_json(summary.model_dump(), ensure_ascii=False, indent=2) if as_json else strip_controls(format_summary(summary)))
    if summary.interrupted:
        print(f"drafter: interrupted: the {len(summary.rows)} rows done so far are above", file=sys.stderr)
        return 130
    if summary.failed:
        print(f"drafter: eval: {summary.failed} of {len(summary.rows)} articles failed (reasons in the table)",
              file=sys.stderr)
        return 1
    return 0

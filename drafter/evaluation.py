"""``drafter lint`` and ``drafter eval``: score posts, and draft-and-score a folder of articles."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from pydantic import BaseModel

from .drafting import Drafter
from .errors import InputError, SourceError
from .safe_text import safe_json, strip_controls

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")


def read_post(path: str) -> str:
    """A post to lint, from a file or stdin (``-``), read like an article (size cap, regular
    file, binary, encoding: :func:`drafter.sources.read_text`)."""
    from .sources import read_text

    return read_text(path)


def lint_file(drafter: Drafter, path: str, *, source: str | None = None, as_json: bool = False) -> int:
    """Print the findings and the score; exit 1 when an error-level rule fires."""
    from .lint import lint
    from .sources import from_file

    text = read_post(path)
    source_text = from_file(source).text if source else None
    report = lint(text, source_text=source_text, settings=drafter.settings.lint,
                  extra_phrases_files=drafter.phrase_files())
    for note in report.notes:
        print(f"drafter: note: {strip_controls(note)}", file=sys.stderr)
    # Findings quote the post: print them without control codes.
    if as_json:
        print(safe_json(report.model_dump(), ensure_ascii=False, indent=2))
    else:
        print(strip_controls(report.format_text(text)))
    return 1 if report.errors else 0


class EvalRow(BaseModel):
    """One article's draft, scored."""

    article: str
    score: int
    errors: int
    warnings: int
    chars: int
    hook_chars: int
    seconds: float
    rules: list[str]
    """Rule ids that fired (each once)."""


class EvalSummary(BaseModel):
    rows: list[EvalRow]
    mean_score: float
    min_score: int
    total_errors: int
    total_warnings: int
    engine: str
    template: str


def evaluate(drafter: Drafter, folder: str | Path, *, template: str | None = None) -> EvalSummary:
    from .post import measure
    from .sources import from_file

    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"eval: {folder} is not a folder")
    files = sorted(p for p in root.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file())
    if not files:
        raise InputError(f"eval: no articles ({', '.join(ARTICLE_SUFFIXES)}) in {folder}")
    tpl_name = template or drafter.settings.template

    async def draft_all() -> list[EvalRow]:
        rows: list[EvalRow] = []
        for path in files:
            try:
                source = from_file(path)
            except SourceError as exc:
                print(f"drafter: eval: skipped {path.name}: {exc}", file=sys.stderr)
                continue
            started = time.perf_counter()
            job = drafter.prepare(source, tpl_name)
            result, _ = await drafter.generate(job)
            seconds = time.perf_counter() - started
            text = drafter.assemble(job, result.parts)
            report = drafter.lint(job, result.parts, text)
            stats = measure(text)
            rows.append(EvalRow(
                article=path.name, score=report.score, errors=len(report.errors), warnings=len(report.warnings),
                chars=stats.chars, hook_chars=stats.hook_chars, seconds=round(seconds, 4),
                rules=sorted({f.rule for f in report.findings}),
            ))
        return rows

    rows = drafter.run(draft_all)
    if not rows:
        raise InputError(f"eval: no readable articles in {folder}")
    scores = [r.score for r in rows]
    return EvalSummary(
        rows=rows, mean_score=round(statistics.fmean(scores), 1), min_score=min(scores),
        total_errors=sum(r.errors for r in rows), total_warnings=sum(r.warnings for r in rows),
        engine=drafter.engine_label, template=tpl_name,
    )


def format_summary(summary: EvalSummary) -> str:
    width = max(len(r.article) for r in summary.rows)
    head = f"{'article':<{width}}  score  err  warn  chars  hook   time  rules"
    lines = [head, "-" * len(head)]
    for r in summary.rows:
        lines.append(
            f"{r.article:<{width}}  {r.score:>5}  {r.errors:>3}  {r.warnings:>4}  {r.chars:>5}  {r.hook_chars:>4}"
            f"  {r.seconds * 1000:>4.0f}ms  {','.join(r.rules) or '-'}"
        )
    lines.append("-" * len(head))
    lines.append(
        f"{len(summary.rows)} articles · mean score {summary.mean_score} · min {summary.min_score} · "
        f"errors {summary.total_errors} · warnings {summary.total_warnings} · "
        f"engine {summary.engine} · template {summary.template}"
    )
    return "\n".join(lines)


def run_eval(drafter: Drafter, folder: str, *, template: str | None = None, as_json: bool = False) -> int:
    summary = evaluate(drafter, folder, template=template)
    print(summary.model_dump_json(indent=2) if as_json else format_summary(summary))
    return 0

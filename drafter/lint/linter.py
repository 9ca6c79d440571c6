"""Run every enabled rule over a post and score the findings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from .phrases import load_phrases
from .registry import Context, all_rules
from .report import Finding, LintReport, score, sort_findings
from .settings import LintSettings, defaults, resolve
from .text import PostView

if TYPE_CHECKING:
    from ..models.post import Parts, PostSpec
    from ..models.voice import Voice

PathLike = Path | str


def lint(
    text: str,
    *,
    parts: "Parts | None" = None,
    spec: "PostSpec | None" = None,
    source_text: str | None = None,
    settings: Mapping[str, Any] | LintSettings | None = None,
    extra_phrases_files: Iterable[PathLike] | PathLike = (),
    extra_phrases_file: PathLike | None = None,
    voice: "Voice | None" = None,
) -> LintReport:
    """Check ``text`` (the post as the user will paste it) and score it.

    ``parts``/``spec`` say what the post was built from (optional: inferred otherwise);
    ``source_text`` enables the invented-number rule; ``settings`` is the ``[lint]`` table
    (or a :class:`LintSettings` from :func:`resolve_settings`); ``extra_phrases_files`` add
    AI tells (``extra_phrases_file`` is the same for one file); ``voice`` (the creator's) turns
    on the voice rules and exempts the AI tells the author uses in their own posts. Raises
    ConfigError for bad settings or phrase files; never for the text itself.
    """
    resolved = resolve(settings)
    files: list[PathLike] = (
        [extra_phrases_files] if isinstance(extra_phrases_files, (str, Path)) else list(extra_phrases_files)
    )
    if extra_phrases_file is not None:
        files.append(extra_phrases_file)
    rules = all_rules()
    meta = defaults().meta
    phrase_rule = resolved.rules.get("ai-phrase")
    tells = load_phrases(files) if phrase_rule is not None and phrase_rule.enabled else ()
    post = PostView(text, parts)
    habits = None
    if voice is not None:
        from .voice import habits as voice_habits

        habits = voice_habits(voice)
    ctx = Context(post=post, settings=resolved, tells=tells, source_text=source_text, spec=spec, voice=habits)
    findings: list[Finding] = []
    size = len(text)
    for rule_id, rule in rules.items():
        options = resolved.rules[rule_id]
        if not options.enabled:
            continue
        for hit in rule.check(ctx, options):
            start = max(0, min(hit.start, size))
            end = max(start, min(hit.end, size))
            line, col = post.line_col(start)
            findings.append(Finding(
                rule=rule_id, severity=hit.severity or options.severity, message=hit.message,
                start=start, end=end, why=hit.why or meta[rule_id].why, line=line, col=col, fix=hit.fix,
            ))
    findings = sort_findings(findings)
    points, breakdown = score(findings, resolved.scoring.weights(), resolved.scoring.cap)
    return LintReport(findings=findings, score=points, breakdown=breakdown, threshold=resolved.threshold,
                      notes=list(dict.fromkeys(ctx.notes)))


"""What the linter returns: findings, a 0-100 score and the points each rule took."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["error", "warning", "hint"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "hint")
_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


class Finding(BaseModel):
    """One problem in the post, pointing at a span of the linted text."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    rule: str
    """Stable rule id, e.g. "hook-desktop-fold"."""
    severity: Severity
    """error: LinkedIn will cut or refuse it; warning: readers will notice; hint: worth a look."""
    message: str
    """One specific line: quotes the phrase, gives the number."""
    start: int
    """Character offset (code points) into the linted text where the span starts."""
    end: int
    """Offset just past the span (the whole text when no better span exists)."""
    why: str
    """One line: why this matters to a creator."""
    line: int = 1
    """1-based line of ``start``."""
    col: int = 1
    """1-based column (code points) of ``start``."""
    fix: str | None = None
    """A safe mechanical replacement for ``text[start:end]``, when there is one."""


class LintReport(BaseModel):
    """Findings sorted by position, the score and the points lost per rule."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    findings: list[Finding] = Field(default_factory=list)
    """Every finding, in text order (errors first at the same offset)."""
    score: int = 100
    """100 minus the points lost, floored at 0 (see :mod:`drafter.lint`)."""
    breakdown: dict[str, int] = Field(default_factory=dict)
    """Points lost per rule id, only for rules that fired."""
    threshold: int
    """The configured pass mark (``[lint] threshold``); the CLI and the repair pass use it."""
    notes: list[str] = Field(default_factory=list)
    """About the check, not the post: e.g. a user AI-tell pattern skipped after its time bound
    (names the file and the pattern). Printed on stderr by the CLI."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def hints(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "hint"]

    @property
    def passed(self) -> bool:
        """The score reaches the threshold and no error-level rule fired."""
        return self.score >= self.threshold and not self.errors

    def by_rule(self, rule: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule]

    def format_text(self, text: str | None = None, *, why: bool = False) -> str:
        """One line per finding, ``severity rule line:col message``, then ``score: N/100``.

        ``text`` is accepted for callers that have it; positions are already in each
        finding. ``why=True`` appends the reason, in parentheses, on the same line.
        """
        lines = []
        for f in self.findings:
            line = f"{f.severity} {f.rule} {f.line}:{f.col} {f.message}"
            if why:
                line += f" (why: {f.why})"
            lines.append(line)
        lines.append(f"score: {self.score}/100")
        return "\n".join(lines)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.start, _ORDER[f.severity], f.rule, f.end))


def score(findings: list[Finding], weights: dict[str, int], cap: int) -> tuple[int, dict[str, int]]:
    """Start at 100; each finding costs its severity's weight; one rule loses at most ``cap``."""
    lost: dict[str, int] = {}
    for f in findings:
        lost[f.rule] = lost.get(f.rule, 0) + weights[f.severity]
    breakdown = {rule: min(points, cap) for rule, points in lost.items() if points > 0}
    return max(0, 100 - sum(breakdown.values())), dict(sorted(breakdown.items()))

"""The rule registry: each rule is a check function plus a pydantic model of its options.

A rule's id, option types and check live in Python (:mod:`.rules`, :mod:`.rules_style`);
its default severity, default limits and the one-line ``summary``/``why`` live in
``drafter/data/lint_defaults.toml``. :func:`drafter.lint.settings.defaults` checks that
both sides name the same rules and options.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple

from pydantic import BaseModel, ConfigDict

from .report import Severity

if TYPE_CHECKING:
    from ..models.post import PostSpec
    from .phrases import Tell
    from .settings import LintSettings
    from .text import PostView
    from .voice import VoiceHabits


class RuleSettings(BaseModel):
    """Settings every rule has. Rules with limits subclass this and add typed fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    enabled: bool = True
    """false turns the rule off."""
    severity: Severity
    """error, warning or hint: what a finding costs (see [lint.scoring])."""


class Hit(NamedTuple):
    """What a check yields; the linter turns it into a :class:`~.report.Finding`."""

    start: int
    end: int
    message: str
    severity: Severity | None = None
    """None: the rule's configured severity."""
    fix: str | None = None
    why: str | None = None
    """None: the rule's ``why`` from the defaults file."""


@dataclass
class Context:
    """Everything a check may look at, built once per :func:`drafter.lint.lint` call."""

    post: "PostView"
    settings: "LintSettings"
    tells: "tuple[Tell, ...]"
    source_text: str | None
    spec: "PostSpec | None"
    notes: list[str] = field(default_factory=list)
    """Lines for the user about the check itself (a user pattern skipped after its time bound,
    an AI tell not flagged because the author uses it)."""
    voice: "VoiceHabits | None" = None
    """The creator's voice when linting with it: the voice rules and the AI-tell habits use it."""


Check = Callable[[Context, Any], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    options: type[RuleSettings]
    check: Check


RULES: dict[str, Rule] = {}


def rule(rule_id: str, options: type[RuleSettings] = RuleSettings) -> Callable[[Check], Check]:
    """Register ``check`` under ``rule_id`` with its options model."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise RuntimeError(f"lint rule {rule_id!r} registered twice")
        RULES[rule_id] = Rule(rule_id, options, check)
        return check

    return register


def all_rules() -> dict[str, Rule]:
    """Every registered rule, in registration order (imports the rule modules once)."""
    from . import rules  # noqa: F401  (registers on import)
    from . import rules_style
    from . import rules_voice

    return RULES

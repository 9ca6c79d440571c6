"""Lint settings: the shipped defaults merged with the ``[lint]`` table of the settings.

The shape is documented in :mod:`drafter.lint`. Every mistake ends in a one-line
:class:`~drafter.common.errors.ConfigError` naming the table and the key (and the file and line
when the settings come from a file).
"""

from __future__ import annotations

import difflib
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, ValidationError

from ..common.errors import ConfigError, first_problem
from ..common.reading import read_toml
from .registry import RuleSettings, all_rules
from .report import SEVERITIES

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULTS_FILE = DATA_DIR / "lint_defaults.toml"
META_KEYS = ("summary", "why")
TOP_KEYS = ("threshold", "scoring", "rules")


class Scoring(BaseModel):
    """Points a finding costs, by severity, and the most one rule can take."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    error: int = Field(ge=0, le=100)
    """Points lost per error finding."""
    warning: int = Field(ge=0, le=100)
    """Points lost per warning finding."""
    hint: int = Field(ge=0, le=100)
    """Points lost per hint finding."""
    cap: int = Field(ge=1, le=100)
    """Most points one rule can take, however often it fires (100: no cap)."""

    def weights(self) -> dict[str, int]:
        return {"error": self.error, "warning": self.warning, "hint": self.hint}


class _Top(BaseModel):
    """The ``[lint]`` table's own keys (checked before the tables inside it)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    threshold: int = Field(ge=0, le=100)
    """Pass mark: the CLI and the repair pass act when the score is below it."""


@dataclass(frozen=True)
class RuleMeta:
    """A rule's documentation and defaults, from the defaults file."""

    id: str
    summary: str
    why: str
    defaults: Mapping[str, Any]


class LintSettings(_Top):
    """The ``[lint]`` table merged over the shipped defaults and validated (:func:`validate`):
    what :func:`drafter.lint.lint` runs with (pass it to skip re-validation)."""

    model_config = ConfigDict(frozen=True)

    scoring: Scoring
    """Points per finding, by severity, and the most one rule can take."""
    rules: dict[str, SerializeAsAny[RuleSettings]]
    """Every rule's options (its own options model), by rule id."""

    def rule(self, rule_id: str) -> Any:
        return self.rules[rule_id]


@dataclass(frozen=True)
class _Defaults:
    threshold: int
    scoring: Mapping[str, Any]
    meta: Mapping[str, RuleMeta]


def _first_error(exc: ValidationError, table: str) -> str:
    err = first_problem(exc)
    if err.kind == "extra_forbidden":
        return f"{table}: unknown option {err.where!r}"
    if err.kind == "missing":
        return f"{table}: missing {err.where!r}"
    return f"{table}: {err.line()}"


@functools.cache
def defaults() -> _Defaults:
    """The shipped defaults, read once, checked against the registry."""
    data = read_toml(DEFAULTS_FILE)
    where = DEFAULTS_FILE.name
    registry = all_rules()
    tables = data.get("rules", {})
    missing = [r for r in registry if r not in tables]
    extra = [r for r in tables if r not in registry]
    if missing or extra:
        raise ConfigError(f"{where}: rules out of step with the code: missing {missing}, unknown {extra}")
    meta: dict[str, RuleMeta] = {}
    for rule_id, table in tables.items():
        values = {k: v for k, v in table.items() if k not in META_KEYS}
        try:
            registry[rule_id].options.model_validate(values)
        except ValidationError as exc:
            raise ConfigError(f"{where}: {_first_error(exc, f'[rules.{rule_id}]')}") from exc
        meta[rule_id] = RuleMeta(rule_id, table.get("summary", ""), table.get("why", ""), values)
    try:
        Scoring.model_validate(data.get("scoring", {}))
        _Top.model_validate({"threshold": data.get("threshold")})
    except ValidationError as exc:
        raise ConfigError(f"{where}: {_first_error(exc, 'defaults')}") from exc
    return _Defaults(int(data["threshold"]), dict(data["scoring"]), meta)


def _rule_table(rule_id: str, value: Any) -> dict[str, Any]:
    """A rule's user table; ``"em-dash" = false`` and ``emoji = "hint"`` are shorthands."""
    if isinstance(value, bool):
        return {"enabled": value}
    if isinstance(value, str) and value in SEVERITIES:
        return {"severity": value}
    if isinstance(value, str) and value == "off":
        return {"enabled": False}
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"[lint.rules.{rule_id}] must be a table like {{ enabled = false }}, true/false or a severity"
        )
    return dict(value)


def _unknown_rule(rule_id: str, known: list[str], table: str = "[lint.rules]") -> ConfigError:
    close = difflib.get_close_matches(rule_id, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known rules: {', '.join(known)}"
    return ConfigError(f"unknown lint rule {rule_id!r} in {table} ({hint})")


def as_tables(user: Mapping[str, Any]) -> dict[str, Any]:
    """``user`` (a ``[lint]`` table) with each rule's shorthand written as the table it stands
    for, so that settings layers merge key by key: ``emoji = "hint"`` over ``[lint.rules.emoji]
    max = 5`` keeps the max. Values that are neither are left for :func:`validate` to refuse."""
    rules = user.get("rules")
    if not isinstance(rules, Mapping):
        return dict(user)
    expanded = {}
    for rule_id, value in rules.items():
        try:
            expanded[rule_id] = _rule_table(str(rule_id), value)
        except ConfigError:
            expanded[rule_id] = value
    return {**user, "rules": expanded}


def validate(user: Mapping[str, Any] | None) -> LintSettings:
    """Merge ``user`` (the ``[lint]`` table) over the defaults and validate every part."""
    user = dict(user or {})
    base = defaults()
    registry = all_rules()
    for key in user:
        if key in TOP_KEYS:
            continue
        if key in registry:
            raise ConfigError(f"unknown lint setting {key!r}: rule settings go under [lint.rules.{key}]")
        raise ConfigError(f"unknown lint setting {key!r} (expected one of: {', '.join(TOP_KEYS)})")
    try:
        top = _Top.model_validate({"threshold": user.get("threshold", base.threshold)})
    except ValidationError as exc:
        raise ConfigError(_first_error(exc, "[lint]")) from exc
    scoring_in = user.get("scoring", {})
    if not isinstance(scoring_in, Mapping):
        raise ConfigError("[lint.scoring] must be a table like { error = 25, warning = 6 }")
    try:
        scoring = Scoring.model_validate({**base.scoring, **scoring_in})
    except ValidationError as exc:
        raise ConfigError(_first_error(exc, "[lint.scoring]")) from exc
    rules_in = user.get("rules", {})
    if not isinstance(rules_in, Mapping):
        raise ConfigError("[lint.rules] must be a table of rule tables, e.g. [lint.rules.emoji]")
    for rule_id in rules_in:
        if rule_id not in registry:
            raise _unknown_rule(str(rule_id), list(registry))
    rules: dict[str, RuleSettings] = {}
    for rule_id, rule in registry.items():
        values = dict(base.meta[rule_id].defaults)
        if rule_id in rules_in:
            table = _rule_table(rule_id, rules_in[rule_id])
            meta_keys = [k for k in table if k in META_KEYS]
            if meta_keys:
                raise ConfigError(f"[lint.rules.{rule_id}]: {meta_keys[0]!r} is not a setting")
            values.update(table)
        try:
            rules[rule_id] = rule.options.model_validate(values)
        except ValidationError as exc:
            raise ConfigError(_first_error(exc, f"[lint.rules.{rule_id}]")) from exc
    return LintSettings(threshold=top.threshold, scoring=scoring, rules=rules)


_CACHE: dict[str, LintSettings] = {}


def resolve(settings: Mapping[str, Any] | LintSettings | None) -> LintSettings:
    """Validated settings, cached by content (the TUI lints on every keystroke)."""
    if isinstance(settings, LintSettings):
        return settings
    try:
        key = json.dumps(settings or {}, sort_keys=True, default=repr)
    except (TypeError, ValueError):
        return validate(settings)
    found = _CACHE.get(key)
    if found is None:
        found = validate(settings)
        if len(_CACHE) >= 32:
            _CACHE.clear()
        _CACHE[key] = found
    return found

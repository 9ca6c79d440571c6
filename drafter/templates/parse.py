"""Parsing a template file: TOML to a validated :class:`Template`, errors naming file, line and field."""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from ..errors import TemplateError
from ..post import PART_NAMES, Extra, one_line
from ..reading import TomlTooDeep, parse_toml
from .files import display_path
from .model import (
    COUNT_RANGES,
    DEFAULT_VARIABLES,
    DRAFT_PROMPT_PLACEHOLDERS,
    NAME_RE,
    PART_PROMPT_PLACEHOLDERS,
    RESERVED,
    VARIANTS_PROMPT_PLACEHOLDERS,
    Origin,
    Template,
    TemplateLayout,
    count_rule,
)
from .render import IDENT_RE, PlaceholderError, scan

_TOP_KEYS = ("name", "description", "model", "temperature", "variables", "layout", "extras", "prompts", "parts")


class _Ctx:
    """The file being parsed, to raise errors that name it and the line."""

    def __init__(self, path: Path | str, text: str) -> None:
        self.shown = display_path(path)
        self.text = text

    def fail(self, message: str, *, table: str | None = None, key: str | None = None,
             index: int = 0, line: int | None = None, column: int | None = None) -> NoReturn:
        if line is None and key is not None:
            m = self.key_match(table, key, index)
            line = self.line_at(m.start()) if m else None
        where = f"{self.shown}: line {line}" if line else self.shown
        where += f", column {column}" if line and column else ""
        raise TemplateError(f"{where}: {message}")

    def line_at(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def key_match(self, table: str | None, key: str, index: int = 0) -> re.Match[str] | None:
        """Best effort: where ``key =`` is written in ``[table]`` (or at the top level)."""
        start, end = 0, len(self.text)
        if table is None:
            header = re.search(r"^[ \t]*\[", self.text, re.M)
            end = header.start() if header else end
        else:
            name = re.escape(table)
            pattern = rf"^[ \t]*\[\[[ \t]*{name}[ \t]*\]\]" if table == "extras" else rf"^[ \t]*\[[ \t]*{name}[ \t]*\]"
            headers = list(re.finditer(pattern, self.text, re.M))
            if len(headers) <= index:
                return None
            start = headers[index].end()
        pattern = re.compile(rf"^[ \t]*([\"']?){re.escape(key)}\1[ \t]*=[ \t]*", re.M)
        return pattern.search(self.text, start, end)

    def value_line(self, table: str | None, key: str, value: str, pos: int) -> int | None:
        """Line in the file of character ``pos`` of a string value."""
        m = self.key_match(table, key)
        if m is None:
            return None
        rest = self.text[m.end() : m.end() + 5]
        if not rest.startswith(('"""', "'''")):  # one-line string: "\n" escapes are not lines
            return self.line_at(m.start())
        trimmed = rest[3:].startswith(("\n", "\r\n"))  # TOML drops a newline right after """
        return self.line_at(m.start()) + int(trimmed) + value.count("\n", 0, pos)


def _table(ctx: _Ctx, data: dict[str, Any], name: str, allowed: tuple[str, ...] | None) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        ctx.fail(f"'{name}' must be a table ([{name}])", key=name)
    for key in value:
        if allowed is not None and key not in allowed:
            ctx.fail(f"unknown field '{name}.{key}' (allowed: {', '.join(allowed)})", table=name, key=key)
    return value


def _string(ctx: _Ctx, table: dict[str, Any], tname: str | None, key: str, *, required: bool = False) -> str | None:
    field = f"{tname}.{key}" if tname else key
    if key not in table:
        if required:
            ctx.fail(f"missing required field {field}")
        return None
    value = table[key]
    if not isinstance(value, str):
        ctx.fail(f"{field} must be a string, not {type(value).__name__}", table=tname, key=key)
    if required and not value.strip():
        ctx.fail(f"{field} is empty", table=tname, key=key)
    return value


def _variables(ctx: _Ctx, raw: dict[str, Any]) -> dict[str, Any]:
    out = dict(DEFAULT_VARIABLES)
    for key, value in raw.items():
        bad = f"variable '{key}'"
        if not IDENT_RE.match(key):
            ctx.fail(f"{bad}: names are letters, digits and _ (not starting with a digit)", table="variables", key=key)
        if key in RESERVED:
            ctx.fail(f"{bad} is supplied by drafter; pick another name", table="variables", key=key)
        if key in COUNT_RANGES:
            low, high = COUNT_RANGES[key]
            if type(value) is not int or not low <= value <= high:
                ctx.fail(f"{bad} must be {count_rule(key)}, not {value!r}", table="variables", key=key)
        elif key in DEFAULT_VARIABLES and not isinstance(value, str):
            ctx.fail(f"{bad} must be a string, not {value!r}", table="variables", key=key)
        elif not isinstance(value, (str, int, float)) or (isinstance(value, float) and not math.isfinite(value)):
            ctx.fail(f"{bad} must be a string, number or true/false", table="variables", key=key)
        out[key] = value
    return out


def _extras(ctx: _Ctx, raw: object) -> list[Extra]:
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        ctx.fail("'extras' must be an array of tables ([[extras]])", key="extras")
    out: list[Extra] = []
    for i, item in enumerate(raw):
        for key in item:
            if key not in ("key", "label", "description"):
                ctx.fail(f"unknown field 'extras.{key}' (allowed: key, label, description)", table="extras", key=key, index=i)
        for key in ("label", "description"):
            if not isinstance(item.get(key, ""), str):
                ctx.fail(f"extras.{key} must be a string", table="extras", key=key, index=i)
        key = item.get("key")
        if not isinstance(key, str) or not re.match(r"^[a-z][a-z0-9_]{0,39}$", key):
            ctx.fail(f"extras.key {key!r} must be a-z, 0-9 and _ (starting with a letter)", table="extras", key="key", index=i)
        if key in (*PART_NAMES, "variants") or key in [e.key for e in out]:
            ctx.fail(f"extras.key '{key}' is already used by another part", table="extras", key="key", index=i)
        out.append(Extra(key=key, label=item.get("label", ""), description=item.get("description", "")))
    return out


def _check_prompt(ctx: _Ctx, table: str, key: str, text: str, allowed: frozenset[str] | set[str]) -> None:
    field = f"{table}.{key}"
    try:
        tokens = scan(text)
    except PlaceholderError as exc:
        ctx.fail(f"{exc} (in {field})", line=ctx.value_line(table, key, text, exc.pos))
    for tok in tokens:
        if isinstance(tok, str) or tok[0] in allowed:
            continue
        name, pos = tok
        line = ctx.value_line(table, key, text, pos)
        if name in VARIANTS_PROMPT_PLACEHOLDERS:
            only = "parts.variants" if name == "n" else "[parts] prompts"
            ctx.fail(f"variable {{{name}}} in {field} is only supplied to {only}", line=line)
        ctx.fail(
            f"unknown variable {{{name}}} in {field}; declare it under [variables] "
            f"(known: {', '.join(sorted(allowed))})",
            line=line,
        )


def parse_template(text: str, path: Path | str, *, origin: Origin = "user") -> Template:
    """Parse and validate a template file's text. Errors name the file, line and field."""
    ctx = _Ctx(path, text)
    try:
        data = parse_toml(text)
    except TomlTooDeep as exc:
        ctx.fail(f"TOML syntax error: {exc}")
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
        if m:
            ctx.fail(f"TOML syntax error: {msg[: m.start()]}", line=int(m[1]), column=int(m[2]))
        ctx.fail(f"TOML syntax error: {msg}")
    for key in data:
        if key not in _TOP_KEYS:
            ctx.fail(f"unknown field '{key}' (allowed: {', '.join(_TOP_KEYS)})", key=key)
    name = _string(ctx, data, None, "name", required=True)
    assert name is not None
    if not NAME_RE.match(name):
        ctx.fail(f"name {name!r} must be 1 to 48 lowercase letters, digits and hyphens", key="name")
    file = Path(path)
    if file.suffix == ".toml" and file.stem != name:
        ctx.fail(f"name '{name}' does not match the file name '{file.name}' (they must be the same)", key="name")
    model = _string(ctx, data, None, "model")
    temperature = data.get("temperature")
    if temperature is not None and (isinstance(temperature, bool) or not isinstance(temperature, (int, float))
                                    or not 0 <= temperature <= 2):
        ctx.fail(f"temperature must be a number from 0 to 2, not {temperature!r}", key="temperature")
    prompts = _table(ctx, data, "prompts", ("system", "user"))
    system = _string(ctx, prompts, "prompts", "system", required=True)
    user = _string(ctx, prompts, "prompts", "user", required=True)
    variables = _variables(ctx, _table(ctx, data, "variables", None))
    layout_raw = _table(ctx, data, "layout", tuple(TemplateLayout.model_fields))
    for key in layout_raw:
        _string(ctx, layout_raw, "layout", key)
    extras = _extras(ctx, data.get("extras", []))
    part_keys = (*PART_NAMES, "variants", *(e.key for e in extras))
    parts = _table(ctx, data, "parts", part_keys)
    for key in parts:
        _string(ctx, parts, "parts", key, required=True)

    declared = set(variables)
    _check_prompt(ctx, "prompts", "system", system or "", DRAFT_PROMPT_PLACEHOLDERS | declared)
    _check_prompt(ctx, "prompts", "user", user or "", DRAFT_PROMPT_PLACEHOLDERS | declared)
    for key, value in parts.items():
        _check_prompt(ctx, "parts", key, value, (VARIANTS_PROMPT_PLACEHOLDERS if key == "variants" else PART_PROMPT_PLACEHOLDERS) | declared)
    description = one_line(_string(ctx, data, None, "description") or "")
    try:
        return Template(
            name=name, description=description, system=system or "", user=user or "", variables=variables,
            model=model or None, temperature=None if temperature is None else float(temperature),
            layout=TemplateLayout(**layout_raw), extras=extras, parts=parts, path=Path(path), origin=origin,
        )
    except ValidationError as exc:  # the checks above should catch everything; keep it one line anyway
        first = exc.errors()[0]
        ctx.fail(f"{'.'.join(str(p) for p in first['loc']) or 'template'}: {first['msg']}")
